package scheduling

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

// SetupWithManager registers the controller with mgr. An RSP is reconciled when it changes, when
// its federated object changes, when a KubeFedCluster turns Ready or not or is relabelled, and
// when a pod in a member becomes or stops being unschedulable. The registry must already be
// added to mgr (the cluster controller does it).
func (c *Controller) SetupWithManager(mgr ctrl.Manager) error {
	if c.Clock == nil {
		c.Clock = clock.RealClock{}
	}
	if c.UnschedulableGrace <= 0 {
		c.UnschedulableGrace = DefaultUnschedulableGrace
	}
	c.cache, c.mapper = mgr.GetCache(), mgr.GetRESTMapper()
	c.watchedTargets = map[schema.GroupVersionKind]bool{}
	inNamespace := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetNamespace() == c.Namespace })
	ctl, err := ctrl.NewControllerManagedBy(mgr).Named("replicaschedulingpreference").
		// Status writes, ours, do not bring an RSP back.
		For(&v1alpha1.ReplicaSchedulingPreference{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1beta1.KubeFedCluster{}, handler.EnqueueRequestsFromMapFunc(c.everyPreference),
			builder.WithPredicates(inNamespace, cluster.ReadinessChanged{})).
		Build(c)
	if err != nil {
		return err
	}
	c.ctrl = ctl
	c.members = cluster.NewMemberWatches(c.Registry, ctl, ctrl.Log.WithName("scheduling"), c.memberSources)
	c.Registry.OnChange(func(string) { go c.members.Refresh() })
	return nil
}

// watchTarget watches a federated kind the first time an RSP targets it, rather than all three at
// start: a kind the host does not serve yet (FederatedReplicaSet is not a default) would stop
// the controller from starting. It returns the RESTMapper's error for a kind not served.
func (c *Controller) watchTarget(gvk schema.GroupVersionKind) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.watchedTargets[gvk] {
		return nil
	}
	if _, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
		return err
	}
	fed := &unstructured.Unstructured{}
	fed.SetGroupVersionKind(gvk)
	// The RSP has the federated object's name; the sync controller's status writes do not
	// change the placement, so only spec changes (and creation and deletion) come through.
	src := source.Kind[client.Object](c.cache, fed, &handler.EnqueueRequestForObject{}, predicate.GenerationChangedPredicate{})
	if err := c.ctrl.Watch(src); err != nil {
		return err
	}
	c.watchedTargets[gvk] = true
	return nil
}

// memberSources watch a member's pods: one becoming or ceasing to be unschedulable re-runs the
// RSPs of its namespace.
func (c *Controller) memberSources(m *cluster.Member) []source.Source {
	return []source.Source{source.Kind(m.GetCache(), &corev1.Pod{}, handler.TypedEnqueueRequestsFromMapFunc(c.preferencesInNamespace), podSchedulingChanged{})}
}

// everyPreference maps a cluster change to every RSP: any may now have other eligible clusters.
func (c *Controller) everyPreference(ctx context.Context, _ client.Object) []reconcile.Request {
	return c.preferences(ctx)
}

// preferencesInNamespace maps a pod to the RSPs of its namespace. Mapping through the pod's owner
// would need the Deployment behind its ReplicaSet; the namespace's few RSPs are cheaper to list
// from the cache, and the predicate already keeps all but scheduling changes out.
func (c *Controller) preferencesInNamespace(ctx context.Context, pod *corev1.Pod) []reconcile.Request {
	return c.preferences(ctx, client.InNamespace(pod.Namespace))
}

func (c *Controller) preferences(ctx context.Context, opts ...client.ListOption) []reconcile.Request {
	var list v1alpha1.ReplicaSchedulingPreferenceList
	if err := c.Host.List(ctx, &list, opts...); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing ReplicaSchedulingPreferences")
		return nil
	}
	reqs := make([]reconcile.Request, len(list.Items))
	for i := range list.Items {
		reqs[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])}
	}
	return reqs
}

// podSchedulingChanged passes pod events that can change a count: a pod becoming or ceasing to be
// unschedulable, and an unschedulable pod appearing or going. Pods that schedule and run, the vast
// majority, never get through. The grace period running out is no event; Reconcile requeues for it.
type podSchedulingChanged struct {
	predicate.TypedFuncs[*corev1.Pod]
}

func (podSchedulingChanged) Create(e event.TypedCreateEvent[*corev1.Pod]) bool {
	_, ok := unschedulableSince(e.Object)
	return ok
}

func (podSchedulingChanged) Delete(e event.TypedDeleteEvent[*corev1.Pod]) bool {
	_, ok := unschedulableSince(e.Object)
	return ok
}

func (podSchedulingChanged) Update(e event.TypedUpdateEvent[*corev1.Pod]) bool {
	oldSince, oldOK := unschedulableSince(e.ObjectOld)
	newSince, newOK := unschedulableSince(e.ObjectNew)
	return oldOK != newOK || (newOK && !oldSince.Equal(newSince))
}

func (podSchedulingChanged) Generic(event.TypedGenericEvent[*corev1.Pod]) bool { return false }
