package scheduling

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
	"github.com/meridian-dns/meridian/federation/cluster"
	"github.com/meridian-dns/meridian/federation/propagation"
)

// memberReadTimeout bounds each read of a member's cache. The first read of a kind waits for its
// informer to fill, which never ends for a member that went away before the health controller
// noticed; the others must not wait with it.
const memberReadTimeout = 10 * time.Second

// notServedRetry is how often an RSP whose target kind the host does not serve looks again: no
// watch can say when its CRD is installed.
const notServedRetry = time.Minute

// Controller keeps each ReplicaSchedulingPreference's status.replicas: how many replicas of the
// federated workload of the same name each Ready member runs. It writes only the RSP's status;
// the sync controller reads it when it propagates the workload.
type Controller struct {
	Host      client.Client
	Namespace string // where the KubeFedClusters live
	Registry  *cluster.Registry
	Recorder  recorder.EventRecorder
	Clock     clock.PassiveClock
	// UnschedulableGrace is how long a pod stays unschedulable before it counts; 0 means
	// DefaultUnschedulableGrace.
	UnschedulableGrace time.Duration

	ctrl    controller.Controller
	cache   cache.Cache
	mapper  meta.RESTMapper
	members *cluster.MemberWatches

	mu             sync.Mutex
	watchedTargets map[schema.GroupVersionKind]bool
}

// Reconcile recomputes one RSP's layout from what it observes now and publishes it.
func (c *Controller) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	c.members.Start()
	rsp := &v1alpha1.ReplicaSchedulingPreference{}
	if err := c.Host.Get(ctx, req.NamespacedName, rsp); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if rsp.DeletionTimestamp != nil {
		return reconcile.Result{}, nil // no finalizer: nothing of ours to clean up
	}
	p, err := c.schedule(ctx, rsp)
	if err != nil {
		return reconcile.Result{}, err
	}
	if err := c.publish(ctx, rsp, p.outcome); err != nil {
		return reconcile.Result{}, err
	}
	// A member that could not be read counted no unschedulable pods; retry with backoff until it
	// can be, or until the health controller takes it out.
	if p.memberErr != nil {
		return reconcile.Result{}, p.memberErr
	}
	return reconcile.Result{RequeueAfter: p.requeue}, nil
}

// pass is what one scheduling pass found.
type pass struct {
	outcome
	// requeue is when to look again without an event: a pod reaching the grace period, or a
	// target kind the host may serve by then. 0: no need.
	requeue time.Duration
	// memberErr names the members that could not be read; their pods counted as none.
	memberErr error
}

// schedule gathers the inputs and decides. An error is the host's: nothing is published.
func (c *Controller) schedule(ctx context.Context, rsp *v1alpha1.ReplicaSchedulingPreference) (pass, error) {
	federated, workload, ok := targetKinds(rsp.Spec.TargetKind)
	if !ok {
		return pass{outcome: failed(ReasonTargetNotFound, "spec.targetKind: %q is not FederatedDeployment, FederatedReplicaSet or FederatedStatefulSet", rsp.Spec.TargetKind)}, nil
	}
	key := client.ObjectKeyFromObject(rsp)
	target := fmt.Sprintf("%s %s", federated.Kind, key)
	fed, err := c.target(ctx, federated, key)
	switch {
	case meta.IsNoMatchError(err):
		return pass{requeue: notServedRetry, outcome: failed(ReasonTargetNotFound,
			"spec.targetKind: the host does not serve %s (%s); install its CRD or run meridianctl enable", federated.Kind, federated.GroupVersion())}, nil
	case apierrors.IsNotFound(err):
		return pass{outcome: failed(ReasonTargetNotFound, "%s not found; replicas are scheduled once it exists", target)}, nil
	case err != nil:
		return pass{}, fmt.Errorf("reading %s: %w", target, err)
	}
	clusters, err := c.eligible(ctx, rsp, fed)
	var invalid placementError
	switch {
	case errors.As(err, &invalid):
		return pass{outcome: failed(ReasonInvalidPlacement, "%s %v (spec.intersectWithClusterSelector is set)", target, invalid.err)}, nil
	case err != nil:
		return pass{}, err
	}
	unschedulable, requeue, memberErr := c.countPods(ctx, workload, key, clusters)
	o := decide(observed{
		spec: rsp.Spec, target: target, clusterNamespace: c.Namespace, clusters: clusters,
		current: rsp.Status.Replicas, unschedulable: unschedulable, grace: c.UnschedulableGrace,
	})
	return pass{outcome: o, requeue: requeue, memberErr: memberErr}, nil
}

// target reads the federated object, first making sure its changes come back here.
func (c *Controller) target(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey) (*unstructured.Unstructured, error) {
	if err := c.watchTarget(gvk); err != nil {
		return nil, err
	}
	fed := &unstructured.Unstructured{}
	fed.SetGroupVersionKind(gvk)
	if err := c.Host.Get(ctx, key, fed); err != nil {
		return nil, err
	}
	return fed, nil
}

// placementError is a federated object's placement that cannot be read: the user's to fix.
type placementError struct{ err error }

func (e placementError) Error() string { return e.err.Error() }

// eligible lists the Ready clusters, narrowed to the workload's placement when the RSP asks.
func (c *Controller) eligible(ctx context.Context, rsp *v1alpha1.ReplicaSchedulingPreference, fed *unstructured.Unstructured) ([]string, error) {
	var list v1beta1.KubeFedClusterList
	if err := c.Host.List(ctx, &list, client.InNamespace(c.Namespace)); err != nil {
		return nil, fmt.Errorf("listing KubeFedClusters in %s: %w", c.Namespace, err)
	}
	var placement *propagation.Placement
	if rsp.Spec.IntersectWithClusterSelector {
		p, err := propagation.PlacementOf(fed)
		if err != nil {
			return nil, placementError{err}
		}
		placement = &p
	}
	clusters, err := eligibleClusters(list.Items, placement)
	if err != nil {
		return nil, placementError{err}
	}
	return clusters, nil
}

// countPods counts, per eligible member, the pods of its copy of the workload that have been
// unschedulable for the grace period, and says when to look again for those still within it.
// A member that cannot be read counts none.
func (c *Controller) countPods(ctx context.Context, workload schema.GroupVersionKind, key client.ObjectKey, clusters []string) (map[string]int64, time.Duration, error) {
	counts := map[string]int64{}
	var recheck time.Duration
	var errs []error
	now := c.Clock.Now()
	for _, name := range clusters {
		m, ok := c.Registry.Get(name)
		if !ok {
			continue
		}
		pods, err := memberPods(ctx, m.GetCache(), workload, key)
		if err != nil {
			errs = append(errs, fmt.Errorf("cluster %s: %w", name, err))
			continue
		}
		n, next := countUnschedulable(pods, now, c.UnschedulableGrace)
		if n > 0 {
			counts[name] = n
		}
		recheck = sooner(recheck, next)
	}
	return counts, recheck, errors.Join(errs...)
}

// memberPods returns the pods that the member's copy of the workload selects. A copy Meridian
// does not manage is the user's own, and its pods are not replicas this RSP scheduled.
func memberPods(ctx context.Context, r client.Reader, gvk schema.GroupVersionKind, key client.ObjectKey) ([]corev1.Pod, error) {
	ctx, cancel := context.WithTimeout(ctx, memberReadTimeout)
	defer cancel()
	// Unstructured, so the read shares the informer the sync controller watches the kind with.
	w := &unstructured.Unstructured{}
	w.SetGroupVersionKind(gvk)
	if err := r.Get(ctx, key, w); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading %s %s: %w", gvk.Kind, key, err)
	}
	if w.GetLabels()[propagation.ManagedLabel] != "true" {
		return nil, nil
	}
	sel, err := selectorOf(w)
	if err != nil {
		return nil, fmt.Errorf("%s %s spec.selector: %w", gvk.Kind, key, err)
	}
	if sel == nil {
		return nil, nil
	}
	var pods corev1.PodList
	if err := r.List(ctx, &pods, client.InNamespace(key.Namespace), client.MatchingLabelsSelector{Selector: sel}); err != nil {
		return nil, fmt.Errorf("listing the pods of %s %s: %w", gvk.Kind, key, err)
	}
	return pods.Items, nil
}

// selectorOf reads a workload's spec.selector; nil when there is none. apps/v1 requires one, and
// a missing one must select no pod rather than every pod in the namespace.
func selectorOf(w *unstructured.Unstructured) (labels.Selector, error) {
	raw, found, err := unstructured.NestedMap(w.Object, "spec", "selector")
	if err != nil || !found {
		return nil, err
	}
	var ls metav1.LabelSelector
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &ls); err != nil {
		return nil, err
	}
	return metav1.LabelSelectorAsSelector(&ls)
}

// publish writes the status when it changed, with an Event when the change is a transition.
func (c *Controller) publish(ctx context.Context, rsp *v1alpha1.ReplicaSchedulingPreference, o outcome) error {
	before := rsp.DeepCopy()
	setStatus(&rsp.Status, rsp.Generation, o, c.Clock.Now())
	if apiequality.Semantic.DeepEqual(before.Status, rsp.Status) {
		return nil
	}
	// The lock matters: the RSP comes from the cache, and a merge patch computed against a copy
	// that has not seen our last write would leave out map entries that it believes unchanged.
	// A conflict is retried with backoff, from a fresher copy.
	patch := client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})
	if err := c.Host.Status().Patch(ctx, rsp, patch); err != nil {
		if apierrors.IsNotFound(err) {
			return nil // deleted meanwhile: no one to tell
		}
		return fmt.Errorf("updating the status of ReplicaSchedulingPreference %s/%s: %w", rsp.Namespace, rsp.Name, err)
	}
	if e, ok := transition(before.Status, rsp.Status); ok {
		c.Recorder.Eventf(rsp, nil, e.eventType, e.reason, "Schedule", "%s", e.note)
	}
	return nil
}
