package propagation

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

var federatedNamespaceGVK = schema.GroupVersionKind{Group: "types.kubefed.io", Version: "v1beta1", Kind: "FederatedNamespace"}

// Controller runs one sync controller per enabled FederatedTypeConfig, starting and stopping
// them as the configs change.
type Controller struct {
	Host      client.Client
	Namespace string // where FederatedTypeConfigs, KubeFedClusters and the KubeFedConfig live
	Registry  *cluster.Registry
	Recorder  recorder.EventRecorder

	mgr     ctrl.Manager
	mu      sync.Mutex
	ctx     context.Context // the manager's, set once it runs (as leader)
	syncers map[string]*typeSyncer
}

// crdRetry is how often a FederatedTypeConfig whose federated CRD is missing is looked at again.
const crdRetry = 10 * time.Second

// errNotRunning makes an early FederatedTypeConfig reconcile retry until the manager runs.
var errNotRunning = errors.New("the propagation controller is not running yet")

// SetupWithManager registers the controller with mgr.
func (c *Controller) SetupWithManager(mgr ctrl.Manager) error {
	c.mgr, c.syncers = mgr, map[string]*typeSyncer{}
	if err := mgr.Add(manager.RunnableFunc(c.run)); err != nil {
		return err
	}
	c.Registry.OnChange(func(string) {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, s := range c.syncers {
			go s.members.Refresh()
		}
	})
	inNamespace := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetNamespace() == c.Namespace })
	return ctrl.NewControllerManagedBy(mgr).Named("federatedtypeconfig").
		For(&v1beta1.FederatedTypeConfig{}, builder.WithPredicates(inNamespace)).
		Complete(c)
}

func (c *Controller) run(ctx context.Context) error {
	c.mu.Lock()
	c.ctx = ctx
	c.mu.Unlock()
	<-ctx.Done()
	return nil
}

// Reconcile starts, restarts or stops the sync controller of one FederatedTypeConfig.
func (c *Controller) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	ftc := &v1beta1.FederatedTypeConfig{}
	if err := c.Host.Get(ctx, req.NamespacedName, ftc); client.IgnoreNotFound(err) != nil {
		return reconcile.Result{}, err
	} else if err != nil || ftc.DeletionTimestamp != nil || ftc.Spec.Propagation != v1beta1.PropagationEnabled {
		c.stop(req.Name)
		return reconcile.Result{}, c.setRunning(ctx, ftc, false)
	}
	federated, target := gvkOf(ftc.Spec.FederatedType), gvkOf(ftc.Spec.TargetType)
	if _, err := c.mgr.GetRESTMapper().RESTMapping(federated.GroupKind(), federated.Version); err != nil {
		c.Recorder.Eventf(ftc, nil, corev1.EventTypeWarning, "FederatedTypeUnknown", "Start",
			"spec.federatedType: the host does not serve %s (%v); install its CRD or run meridianctl enable", federated, err)
		// Nothing announces the CRD's arrival to this controller, so look again later.
		return reconcile.Result{RequeueAfter: crdRetry}, c.setRunning(ctx, ftc, false)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx == nil {
		return reconcile.Result{}, errNotRunning
	}
	if s := c.syncers[req.Name]; s != nil && s.federated == federated && s.target == target {
		return reconcile.Result{}, c.setRunning(ctx, ftc, true)
	}
	c.stopLocked(req.Name)
	s := &typeSyncer{Controller: c, federated: federated, target: target,
		namespaced: ftc.Spec.TargetType.Scope == "Namespaced"}
	if err := s.start(c.ctx, c.mgr); err != nil {
		return reconcile.Result{}, fmt.Errorf("starting the sync controller for %s: %w", federated.Kind, err)
	}
	c.syncers[req.Name] = s
	return reconcile.Result{}, c.setRunning(ctx, ftc, true)
}

func (c *Controller) stop(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked(name)
}

func (c *Controller) stopLocked(name string) {
	if s := c.syncers[name]; s != nil {
		s.cancel()
		delete(c.syncers, name)
	}
}

// setRunning records in the config's status whether its controller runs, as KubeFed did.
func (c *Controller) setRunning(ctx context.Context, ftc *v1beta1.FederatedTypeConfig, running bool) error {
	if ftc.Name == "" {
		return nil // deleted
	}
	state := "NotRunning"
	if running {
		state = "Running"
	}
	if ftc.Status.PropagationController == state && ftc.Status.ObservedGeneration == ftc.Generation {
		return nil
	}
	before := ftc.DeepCopy()
	ftc.Status.PropagationController, ftc.Status.ObservedGeneration = state, ftc.Generation
	return c.Host.Status().Patch(ctx, ftc, client.MergeFrom(before))
}

func gvkOf(r v1beta1.APIResource) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind}
}

// memberSpecChanged passes member-object events that can undo what Meridian applied: creation,
// deletion, and updates that change the spec (a new generation), the labels or the
// annotations. Status updates, such as a Deployment's ready replicas, do not. Kinds that keep
// no generation (ConfigMap, Secret) pass on every update.
type memberSpecChanged struct{ predicate.Funcs }

func (memberSpecChanged) Update(e event.UpdateEvent) bool {
	oldO, newO := e.ObjectOld, e.ObjectNew
	if oldO == nil || newO == nil || newO.GetGeneration() == 0 || oldO.GetGeneration() != newO.GetGeneration() {
		return true
	}
	return !maps.Equal(oldO.GetLabels(), newO.GetLabels()) || !maps.Equal(oldO.GetAnnotations(), newO.GetAnnotations())
}
