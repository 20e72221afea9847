package ingressdns

import (
	"context"
	"fmt"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/meridian-dns/meridian/controllers/health"
	"github.com/meridian-dns/meridian/controllers/shards"
	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

// kind is the record kind, in Prober owners and messages.
const kind = "IngressDNSRecord"

// unreadRetry is how soon a record looks again at a Ready member it could not read: no event
// says when the member's cache is usable.
const unreadRetry = 5 * time.Second

// workers is how many records are reconciled at once; each pass reads only caches.
const workers = 4

// Controller keeps IngressDNSRecord status from the members' Ingresses.
type Controller struct {
	Host      client.Client
	Namespace string // the federation namespace: KubeFedClusters
	Registry  *cluster.Registry
	Recorder  recorder.EventRecorder
	// Prober probes records with spec.healthCheck; ProbeEvents, the router given to it, brings
	// their transitions back. Both nil: active checks are ignored.
	Prober      *health.Prober
	ProbeEvents *shards.ProbeEvents
	Clock       clock.PassiveClock

	eval    shards.Evaluator
	members *cluster.MemberWatches
}

// Reconcile recomputes one record's status from what the members hold now.
func (c *Controller) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	c.members.Start()
	rec := &v1alpha1.IngressDNSRecord{}
	if err := c.Host.Get(ctx, req.NamespacedName, rec); err != nil {
		if apierrors.IsNotFound(err) {
			c.forget(req.NamespacedName)
			return reconcile.Result{}, nil
		}
		return reconcile.Result{}, err
	}
	if rec.DeletionTimestamp != nil {
		c.forget(req.NamespacedName) // no finalizer of ours: another's holds it, nothing to publish
		return reconcile.Result{}, nil
	}
	in := shards.Input{
		Kind:     health.KindIngress,
		Object:   fmt.Sprintf("Ingress %s/%s", rec.Namespace, rec.Name),
		Previous: previousEntries(rec.Status),
	}
	probe := shards.Probe{Owner: shards.Owner(kind, req.NamespacedName), Check: rec.Spec.HealthCheck, Host: probeHost(rec.Spec.Hosts)}
	out, unread, err := c.eval.Evaluate(ctx, req.NamespacedName, in, probe)
	if err != nil {
		return reconcile.Result{}, err
	}
	if err := c.publish(ctx, rec, out); err != nil {
		return shards.RetryConflict(err)
	}
	if unread {
		return reconcile.Result{RequeueAfter: unreadRetry}, nil
	}
	return reconcile.Result{}, nil
}

// publish writes the status when it changed, with Events for condition transitions.
func (c *Controller) publish(ctx context.Context, rec *v1alpha1.IngressDNSRecord, out shards.Outcome) error {
	before := rec.DeepCopy()
	setStatus(&rec.Status, rec.Generation, out, c.Clock.Now())
	if apiequality.Semantic.DeepEqual(before.Status, rec.Status) {
		return nil
	}
	if err := shards.PatchStatus(ctx, c.Host, kind, before, rec); err != nil {
		return err
	}
	shards.RecordTransitions(c.Recorder, rec, before.Status.Conditions, rec.Status.Conditions)
	return nil
}

// forget stops the probes of a record that is gone.
func (c *Controller) forget(key types.NamespacedName) {
	if c.Prober != nil {
		c.Prober.Forget(shards.Owner(kind, key))
	}
}

// SetupWithManager registers the controller with mgr. The registry must already be added to
// mgr (the cluster controller does it), and the Prober too when set.
func (c *Controller) SetupWithManager(mgr ctrl.Manager) error {
	c.setUp()
	inNamespace := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetNamespace() == c.Namespace })
	b := ctrl.NewControllerManagedBy(mgr).Named("ingressdnsrecord").
		// Status writes, ours, do not bring a record back.
		For(&v1alpha1.IngressDNSRecord{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1beta1.KubeFedCluster{}, handler.EnqueueRequestsFromMapFunc(c.everyRecord),
			builder.WithPredicates(inNamespace, cluster.ReadinessChanged{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: workers})
	if c.ProbeEvents != nil {
		b = b.WatchesRawSource(c.ProbeEvents.Source(kind))
	}
	ctl, err := b.Build(c)
	if err != nil {
		return err
	}
	c.members = cluster.NewMemberWatches(c.Registry, ctl, ctrl.Log.WithName("ingressdns"), c.memberSources)
	c.Registry.OnChange(func(string) { go c.members.Refresh() })
	return nil
}

// setUp fills in the defaults and the evaluator.
func (c *Controller) setUp() {
	if c.Clock == nil {
		c.Clock = clock.RealClock{}
	}
	c.eval = shards.Evaluator{
		Gatherer: shards.Gatherer{Host: c.Host, Namespace: c.Namespace, Registry: c.Registry, Read: readIngress},
		Prober:   c.Prober,
	}
}

// memberSources watch a member's Ingresses; each event goes to the record of the Ingress's
// name, if there is one.
func (c *Controller) memberSources(m *cluster.Member) []source.Source {
	newRecord := func() client.Object { return &v1alpha1.IngressDNSRecord{} }
	return []source.Source{
		source.Kind(m.GetCache(), &networkingv1.Ingress{},
			shards.EnqueueRecord(c.Host, newRecord, shards.SameName[*networkingv1.Ingress]), ingressChanged{}),
	}
}

// everyRecord maps a cluster change to every record: any may have a shard there.
func (c *Controller) everyRecord(ctx context.Context, _ client.Object) []reconcile.Request {
	var list v1alpha1.IngressDNSRecordList
	if err := c.Host.List(ctx, &list); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing IngressDNSRecords")
		return nil
	}
	reqs := make([]reconcile.Request, len(list.Items))
	for i := range list.Items {
		reqs[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])}
	}
	return reqs
}
