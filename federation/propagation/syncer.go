package propagation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	schedulingv1alpha1 "github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

// memberRetry is how soon an object is synced again when a Ready member's client is being
// replaced (after a re-join, say).
const memberRetry = 2 * time.Second

// syncWorkers is how many federated objects of one kind are synced at the same time.
const syncWorkers = 4

// Finalizer keeps a federated object until its member objects are gone (KubeFed's name).
const Finalizer = "kubefed.io/sync-controller"

// OrphanAnnotation set to "true" on a federated object leaves its member objects behind when it
// is deleted.
const OrphanAnnotation = "kubefed.io/orphan"

// typeSyncer propagates one federated type: it runs its own controller, started when its
// FederatedTypeConfig is enabled and stopped when it is disabled or deleted.
type typeSyncer struct {
	*Controller
	federated, target schema.GroupVersionKind
	namespaced        bool

	ctrl   controller.Controller
	cancel context.CancelFunc

	members *cluster.MemberWatches
}

func (s *typeSyncer) start(ctx context.Context, mgr ctrl.Manager) error {
	c, err := controller.NewUnmanaged("sync-"+s.federated.Kind, controller.Options{
		Reconciler:         s,
		SkipNameValidation: ptrTo(true), // a type re-enabled later gets a controller of the same name
		// Objects are independent and each pass waits on member API servers: a few run at once.
		MaxConcurrentReconciles: syncWorkers,
		Logger:                  ctrl.Log.WithName("sync").WithValues("kind", s.federated.Kind),
	})
	if err != nil {
		return err
	}
	s.ctrl = c
	s.members = cluster.NewMemberWatches(s.Registry, c, ctrl.Log.WithName("sync"), s.memberSources)
	for _, src := range s.hostSources(mgr.GetCache()) {
		if err := c.Watch(src); err != nil {
			return err
		}
	}
	ctx, s.cancel = context.WithCancel(ctx)
	go func() {
		if err := c.Start(ctx); err != nil {
			ctrl.Log.Error(err, "Sync controller stopped", "kind", s.federated.Kind)
		}
	}()
	return nil
}

// hostSources are the host events that re-sync federated objects of this kind.
func (s *typeSyncer) hostSources(cache cache.Cache) []source.Source {
	fed := &unstructured.Unstructured{}
	fed.SetGroupVersionKind(s.federated)
	all := handler.EnqueueRequestsFromMapFunc(s.all)
	srcs := []source.Source{
		source.Kind[client.Object](cache, fed, &handler.EnqueueRequestForObject{}),
		// Members that join, leave, turn Ready or not, or are relabelled change placement.
		source.Kind[client.Object](cache, &v1beta1.KubeFedCluster{}, all, cluster.ReadinessChanged{}),
		// adoptResources decides what happens to objects that already exist in members.
		source.Kind[client.Object](cache, &v1beta1.KubeFedConfig{}, all),
	}
	if slices.Contains(scheduledKinds, s.federated.Kind) {
		// A ReplicaSchedulingPreference's name is its workload's: a new layout re-syncs it.
		srcs = append(srcs, source.Kind[client.Object](cache, &schedulingv1alpha1.ReplicaSchedulingPreference{}, &handler.EnqueueRequestForObject{}))
	}
	if s.namespaced && !s.federatesNamespaces() {
		// Objects follow their namespace: when its FederatedNamespace is placed elsewhere or
		// reaches a member, the objects in it are synced again.
		fns := &unstructured.Unstructured{}
		fns.SetGroupVersionKind(federatedNamespaceGVK)
		srcs = append(srcs, source.Kind[client.Object](cache, fns, handler.EnqueueRequestsFromMapFunc(s.inNamespace)))
	}
	return srcs
}

// memberSources watch the target kind in a member: a change to a member copy (or its deletion)
// brings the federated object back to reconcile, which restores what the template says.
func (s *typeSyncer) memberSources(m *cluster.Member) []source.Source {
	target := &unstructured.Unstructured{}
	target.SetGroupVersionKind(s.target)
	toFederated := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		if o.GetLabels()[ManagedLabel] != "true" {
			return nil
		}
		return []reconcile.Request{{NamespacedName: s.federatedKey(o)}}
	})
	return []source.Source{source.Kind[client.Object](m.GetCache(), target, toFederated, memberSpecChanged{})}
}

// federatedKey is the federated object a member object comes from: the same name and
// namespace, except that a FederatedNamespace lives in the namespace it federates.
func (s *typeSyncer) federatedKey(member client.Object) types.NamespacedName {
	if s.federatesNamespaces() {
		return types.NamespacedName{Namespace: member.GetName(), Name: member.GetName()}
	}
	return types.NamespacedName{Namespace: member.GetNamespace(), Name: member.GetName()}
}

// federatesNamespaces says the target kind is core Namespace, whose placement gates every
// namespaced kind.
func (s *typeSyncer) federatesNamespaces() bool {
	return s.target.Group == "" && s.target.Kind == "Namespace"
}

// Reconcile propagates one federated object to every cluster.
func (s *typeSyncer) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	s.members.Start()
	fed := &unstructured.Unstructured{}
	fed.SetGroupVersionKind(s.federated)
	if err := s.Host.Get(ctx, req.NamespacedName, fed); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if fed.GetDeletionTimestamp() != nil {
		return s.finalize(ctx, fed)
	}
	if controllerutil.AddFinalizer(fed, Finalizer) {
		if err := s.Host.Update(ctx, fed); err != nil {
			return reconcile.Result{}, err
		}
	}
	results, retry, err := s.propagate(ctx, fed)
	if statusErr := s.writeStatus(ctx, fed, results); statusErr != nil {
		err = errors.Join(err, statusErr)
	}
	if retry {
		return reconcile.Result{RequeueAfter: memberRetry}, err
	}
	return reconcile.Result{}, err
}

// finalize removes the member objects (unless orphaned) and then the finalizer.
func (s *typeSyncer) finalize(ctx context.Context, fed *unstructured.Unstructured) (reconcile.Result, error) {
	if !controllerutil.ContainsFinalizer(fed, Finalizer) {
		return reconcile.Result{}, nil
	}
	if fed.GetAnnotations()[OrphanAnnotation] != "true" {
		pending, err := s.deleteEverywhere(ctx, fed)
		if err != nil || pending > 0 {
			if err == nil {
				err = fmt.Errorf("%d member objects are still being deleted", pending)
			}
			return reconcile.Result{}, err // retried with backoff until every member is clean
		}
	}
	controllerutil.RemoveFinalizer(fed, Finalizer)
	return reconcile.Result{}, client.IgnoreNotFound(s.Host.Update(ctx, fed))
}

func (s *typeSyncer) deleteEverywhere(ctx context.Context, fed *unstructured.Unstructured) (pending int, err error) {
	var errs []error
	for _, name := range s.Registry.Names() {
		m, ok := s.Registry.Get(name)
		if !ok {
			continue
		}
		done, err := deleteManaged(ctx, m.GetClient(), s.target, fed.GetNamespace(), fed.GetName())
		if err != nil {
			errs = append(errs, fmt.Errorf("cluster %s: %w", name, err))
		}
		if !done {
			pending++
		}
	}
	return pending, errors.Join(errs...)
}

// inNamespace enqueues every object of the federated kind in the FederatedNamespace's namespace.
func (s *typeSyncer) inNamespace(ctx context.Context, fns client.Object) []reconcile.Request {
	return s.list(ctx, client.InNamespace(fns.GetNamespace()))
}

// all enqueues every object of the federated kind. It runs inside an event handler, so it must
// not block on the controller (a handler that waits keeps the source from syncing, and the
// controller waits for its sources): new members are watched through Registry.OnChange instead.
func (s *typeSyncer) all(ctx context.Context, _ client.Object) []reconcile.Request {
	return s.list(ctx)
}

// list reads the federated objects from the host's cache.
func (s *typeSyncer) list(ctx context.Context, opts ...client.ListOption) []reconcile.Request {
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(s.federated.GroupVersion().WithKind(s.federated.Kind + "List"))
	if err := s.Host.List(ctx, list, opts...); err != nil {
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(list.Items))
	for i := range list.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
	}
	return reqs
}

func ptrTo[T any](v T) *T { return &v }
