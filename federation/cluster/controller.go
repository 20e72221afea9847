package cluster

import (
	"context"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// Controller keeps each KubeFedCluster's member in the registry and its status current: it
// probes the member every health-check period, debounces the result and publishes conditions,
// version and topology, with Events on transitions.
type Controller struct {
	Client    client.Client
	Namespace string // where KubeFedClusters, their Secrets and the KubeFedConfig live
	Registry  *Registry
	Recorder  recorder.EventRecorder
	Clock     clock.PassiveClock

	mu     sync.Mutex
	states map[string]*debouncer
}

// SetupWithManager registers the controller and the registry with mgr.
func (c *Controller) SetupWithManager(mgr ctrl.Manager) error {
	registerMetrics()
	if c.Clock == nil {
		c.Clock = clock.RealClock{}
	}
	c.states = map[string]*debouncer{}
	if err := mgr.Add(c.Registry); err != nil {
		return err
	}
	inNamespace := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetNamespace() == c.Namespace })
	return ctrl.NewControllerManagedBy(mgr).
		Named("kubefedcluster").
		// Status writes do not trigger a probe; the period does.
		For(&v1beta1.KubeFedCluster{}, builder.WithPredicates(inNamespace, predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(c.clustersUsingSecret), builder.WithPredicates(inNamespace)).
		Watches(&v1beta1.KubeFedConfig{}, handler.EnqueueRequestsFromMapFunc(c.allClusters), builder.WithPredicates(inNamespace)).
		Complete(c)
}

// Reconcile probes one member and publishes what it found.
func (c *Controller) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	kfc := &v1beta1.KubeFedCluster{}
	if err := c.Client.Get(ctx, req.NamespacedName, kfc); err != nil {
		if apierrors.IsNotFound(err) {
			c.forget(req.Name)
			return reconcile.Result{}, nil
		}
		return reconcile.Result{}, err
	}
	hc, err := c.healthCheck(ctx)
	if err != nil {
		return reconcile.Result{}, err
	}
	o, err := c.observe(ctx, kfc, hc)
	if err != nil {
		return reconcile.Result{}, err
	}
	published := c.debounce(kfc, o, hc)
	if err := c.publish(ctx, kfc, published); err != nil {
		return reconcile.Result{}, err
	}
	return reconcile.Result{RequeueAfter: hc.Period}, nil
}

// observe builds the member's client (or says why it cannot) and probes it.
func (c *Controller) observe(ctx context.Context, kfc *v1beta1.KubeFedCluster, hc v1beta1.HealthCheck) (observation, error) {
	cfg, fp, err := c.memberConfig(ctx, kfc)
	if err != nil {
		c.Registry.remove(kfc.Name)
		return observation{health: healthMalformed, message: err.Error()}, nil
	}
	m, err := c.Registry.ensure(kfc.Name, cfg, fp)
	if err != nil {
		return observation{}, err
	}
	return probe(ctx, m, hc), nil
}

// memberConfig reads the KubeFedCluster's Secret and builds the member's client configuration.
// Every error it returns is the user's to fix and goes into the ConfigMalformed condition.
func (c *Controller) memberConfig(ctx context.Context, kfc *v1beta1.KubeFedCluster) (*rest.Config, string, error) {
	secret := &corev1.Secret{}
	key := types.NamespacedName{Namespace: kfc.Namespace, Name: kfc.Spec.SecretRef.Name}
	if err := c.Client.Get(ctx, key, secret); err != nil {
		if apierrors.IsNotFound(err) {
			err = fmt.Errorf("Secret %s (spec.secretRef.name) not found", key)
		}
		return nil, "", err
	}
	cfg, err := RESTConfig(kfc, secret)
	if err != nil {
		return nil, "", err
	}
	return cfg, Fingerprint(kfc.Spec, secret.Data[TokenKey]), nil
}

// healthCheck returns the probe settings of the KubeFedConfig, or KubeFed's defaults without one.
func (c *Controller) healthCheck(ctx context.Context) (v1beta1.HealthCheck, error) {
	cfg := &v1beta1.KubeFedConfig{}
	err := c.Client.Get(ctx, types.NamespacedName{Namespace: c.Namespace, Name: v1beta1.KubeFedConfigName}, cfg)
	if apierrors.IsNotFound(err) {
		return v1beta1.DefaultHealthCheck, nil
	}
	if err != nil {
		return v1beta1.HealthCheck{}, err
	}
	return cfg.Spec.ClusterHealthCheck.Effective(), nil
}

func (c *Controller) debounce(kfc *v1beta1.KubeFedCluster, o observation, hc v1beta1.HealthCheck) observation {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.states[kfc.Name]
	if d == nil {
		// A new leader starts from the published status, so one failed probe right after a
		// fail-over does not flip a Ready cluster.
		d = seededDebouncer(kfc.Status)
		c.states[kfc.Name] = d
	}
	return d.observe(o, hc)
}

// publish writes the status when it changed and reports transitions as Events and metrics.
func (c *Controller) publish(ctx context.Context, kfc *v1beta1.KubeFedCluster, o observation) error {
	status := statusFor(kfc.Status, o, metav1.NewTime(c.Clock.Now()))
	ready := 0.0
	if o.health == healthReady {
		ready = 1
	}
	clusterReady.WithLabelValues(kfc.Name).Set(ready)
	if apiequality.Semantic.DeepEqual(status, kfc.Status) {
		return nil
	}
	before := kfc.DeepCopy()
	kfc.Status = status
	if err := c.Client.Status().Patch(ctx, kfc, client.MergeFrom(before)); err != nil {
		return fmt.Errorf("updating the status of KubeFedCluster %s: %w", kfc.Name, err)
	}
	c.recordTransitions(kfc, before.Status.Conditions, status.Conditions)
	return nil
}

// recordTransitions emits one Event per condition whose status changed. A condition's first
// appearance is reported only for Ready and for problems, so a new cluster gets one Normal Event.
func (c *Controller) recordTransitions(kfc *v1beta1.KubeFedCluster, before, after []v1beta1.ClusterCondition) {
	for _, cond := range after {
		prev := findCondition(before, cond.Type)
		if prev != nil && prev.Status == cond.Status {
			continue
		}
		if prev == nil && cond.Type != v1beta1.ClusterReady && !cond.IsProblem() {
			continue
		}
		eventType := corev1.EventTypeNormal
		if cond.IsProblem() {
			eventType = corev1.EventTypeWarning
		}
		c.Recorder.Eventf(kfc, nil, eventType, *cond.Reason, "Probe", "%s", *cond.Message)
	}
}

// forget drops everything kept for a KubeFedCluster that was deleted.
func (c *Controller) forget(name string) {
	c.Registry.remove(name)
	c.mu.Lock()
	delete(c.states, name)
	c.mu.Unlock()
	forgetMetrics(name)
}

func (c *Controller) clustersUsingSecret(ctx context.Context, secret client.Object) []reconcile.Request {
	return c.requests(ctx, func(kfc *v1beta1.KubeFedCluster) bool { return kfc.Spec.SecretRef.Name == secret.GetName() })
}

func (c *Controller) allClusters(ctx context.Context, _ client.Object) []reconcile.Request {
	return c.requests(ctx, func(*v1beta1.KubeFedCluster) bool { return true })
}

func (c *Controller) requests(ctx context.Context, match func(*v1beta1.KubeFedCluster) bool) []reconcile.Request {
	var list v1beta1.KubeFedClusterList
	if err := c.Client.List(ctx, &list, client.InNamespace(c.Namespace)); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing KubeFedClusters")
		return nil
	}
	var reqs []reconcile.Request
	for i := range list.Items {
		if match(&list.Items[i]) {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
	}
	return reqs
}
