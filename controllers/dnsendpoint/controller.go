package dnsendpoint

import (
	"context"
	"fmt"
	"net"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

// AnnotationFailedOpen marks a DNSEndpoint kept as it was because no shard of its record is
// healthy: DNS goes on answering with the last published addresses instead of going empty.
const AnnotationFailedOpen = "meridian.io/failed-open"

// Event reasons on records.
const (
	ReasonFailedOpen   = "FailedOpen"
	ReasonRecovered    = "Recovered"
	ReasonInvalidInput = "InvalidRecord"
)

// Controller writes the DNSEndpoint of every ServiceDNSRecord and IngressDNSRecord from the
// record's status (which the servicedns and ingressdns controllers keep) and, for Service
// records, its Domain. It owns the DNSEndpoint's spec and nothing else of the record.
type Controller struct {
	Client    client.Client
	Namespace string // where Domains live
	Recorder  recorder.EventRecorder
	// Resolver looks up load-balancer hostnames; nil means the system's.
	Resolver Resolver
	// ResolveInterval is how often a record with load-balancer hostnames is resolved again, so
	// that its DNS follows the hostname's addresses (KubeFed resolved once, at reconcile time);
	// 0 means DefaultResolveInterval.
	ResolveInterval time.Duration
}

// Resolver looks up a hostname's addresses; *net.Resolver is one.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// DefaultResolveInterval is how often load-balancer hostnames are resolved again.
const DefaultResolveInterval = time.Minute

// resolveTimeout bounds one hostname lookup.
const resolveTimeout = 3 * time.Second

// SetupWithManager registers one controller per record kind. Every change of a record, status
// included, can change its names; a DNSEndpoint edited by hand is restored.
func (c *Controller) SetupWithManager(mgr ctrl.Manager) error {
	err := ctrl.NewControllerManagedBy(mgr).Named("dnsendpoint-service").
		For(&v1alpha1.ServiceDNSRecord{}).
		Owns(&v1alpha1.DNSEndpoint{}).
		Watches(&v1alpha1.Domain{}, handler.EnqueueRequestsFromMapFunc(c.recordsOfDomain)).
		Complete(reconcile.Func(c.reconcileService))
	if err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).Named("dnsendpoint-ingress").
		For(&v1alpha1.IngressDNSRecord{}).
		Owns(&v1alpha1.DNSEndpoint{}).
		Complete(reconcile.Func(c.reconcileIngress))
}

func (c *Controller) reconcileService(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	rec := &v1alpha1.ServiceDNSRecord{}
	if err := c.Client.Get(ctx, req.NamespacedName, rec); err != nil || rec.DeletionTimestamp != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err) // the DNSEndpoint goes with its owner
	}
	domain := &v1alpha1.Domain{}
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: c.Namespace, Name: rec.Spec.DomainRef}, domain); err != nil {
		// The servicedns controller reports a missing Domain on the record; the names cannot
		// be built without it, and what was published stays.
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	return c.publish(ctx, rec, serviceRecord(rec, domain), serviceShards(rec.Status.DNS))
}

func (c *Controller) reconcileIngress(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	rec := &v1alpha1.IngressDNSRecord{}
	if err := c.Client.Get(ctx, req.NamespacedName, rec); err != nil || rec.DeletionTimestamp != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	return c.publish(ctx, rec, ingressRecord(rec), ingressShards(rec.Status.DNS))
}

// publish builds the record's endpoints and writes them to its DNSEndpoint, unless no shard is
// healthy: then the DNSEndpoint keeps what it had (fail open) and is marked so.
// A record with load-balancer hostnames comes back every ResolveInterval to resolve them again.
func (c *Controller) publish(ctx context.Context, owner client.Object, rec Record, shards []Shard) (reconcile.Result, error) {
	var again reconcile.Result
	if c.resolveHostnames(ctx, shards) {
		again.RequeueAfter = c.ResolveInterval
		if again.RequeueAfter <= 0 {
			again.RequeueAfter = DefaultResolveInterval
		}
	}
	res, err := Build(rec, shards)
	if err != nil {
		c.Recorder.Eventf(owner, nil, corev1.EventTypeWarning, ReasonInvalidInput, "Publish", "Cannot build DNS names: %v", err)
		return again, nil // the input must change first
	}
	key := client.ObjectKey{Namespace: rec.Namespace, Name: ObjectName(rec.Kind, rec.Name)}
	current := &v1alpha1.DNSEndpoint{}
	switch err := c.Client.Get(ctx, key, current); {
	case apierrors.IsNotFound(err):
		current = nil
	case err != nil:
		return again, err
	}
	failOpen := res.Facts.Empty || res.Facts.FailedOpen
	if failOpen && current != nil {
		return again, c.keepFailedOpen(ctx, owner, current)
	}
	if current == nil && len(res.Endpoints) == 0 {
		return again, nil // nothing was ever published, and there is nothing to publish
	}
	return again, c.write(ctx, owner, key, current, apiEndpoints(res.Endpoints))
}

// resolveHostnames fills in the addresses of load-balancer entries that have a hostname and no
// IP, and reports whether there were any. A hostname that does not resolve now stays
// unresolved, and Build publishes it as a CNAME where nothing better exists.
func (c *Controller) resolveHostnames(ctx context.Context, shards []Shard) bool {
	var resolver Resolver = net.DefaultResolver
	if c.Resolver != nil {
		resolver = c.Resolver
	}
	found := false
	for i := range shards {
		for j := range shards[i].LoadBalancer {
			e := &shards[i].LoadBalancer[j]
			if e.IP != "" || e.Hostname == "" {
				continue
			}
			found = true
			lookup, cancel := context.WithTimeout(ctx, resolveTimeout)
			addrs, err := resolver.LookupIPAddr(lookup, e.Hostname)
			cancel()
			if err != nil {
				ctrl.LoggerFrom(ctx).V(1).Info("Load-balancer hostname does not resolve", "hostname", e.Hostname, "error", err.Error())
				continue
			}
			for _, a := range addrs {
				e.ResolvedIPs = append(e.ResolvedIPs, a.IP.String())
			}
		}
	}
	return found
}

// keepFailedOpen leaves the endpoints alone and marks the DNSEndpoint, telling the record's
// owner once, when it happens.
func (c *Controller) keepFailedOpen(ctx context.Context, owner client.Object, current *v1alpha1.DNSEndpoint) error {
	if current.Annotations[AnnotationFailedOpen] == "true" {
		return nil
	}
	patch := client.MergeFrom(current.DeepCopy())
	metav1.SetMetaDataAnnotation(&current.ObjectMeta, AnnotationFailedOpen, "true")
	if err := c.Client.Patch(ctx, current, patch); err != nil {
		return fmt.Errorf("marking DNSEndpoint %s/%s failed open: %w", current.Namespace, current.Name, err)
	}
	c.Recorder.Eventf(owner, current, corev1.EventTypeWarning, ReasonFailedOpen, "Publish",
		"No cluster is healthy: DNSEndpoint %s keeps its last published addresses", current.Name)
	return nil
}

// write creates or updates the DNSEndpoint with endpoints, owned by the record.
func (c *Controller) write(ctx context.Context, owner client.Object, key client.ObjectKey, current *v1alpha1.DNSEndpoint, endpoints []v1alpha1.Endpoint) error {
	if current == nil {
		ep := &v1alpha1.DNSEndpoint{}
		ep.Namespace, ep.Name = key.Namespace, key.Name
		ep.Spec.Endpoints = endpoints
		if err := controllerutil.SetControllerReference(owner, ep, c.Client.Scheme()); err != nil {
			return err
		}
		if err := c.Client.Create(ctx, ep); err != nil {
			return fmt.Errorf("creating DNSEndpoint %s: %w", key, err)
		}
		return nil
	}
	if !metav1.IsControlledBy(current, owner) {
		c.Recorder.Eventf(owner, current, corev1.EventTypeWarning, ReasonInvalidInput, "Publish",
			"DNSEndpoint %s exists and is not owned by this record; it is left alone", key.Name)
		return nil // never take over what someone else wrote
	}
	recovered := current.Annotations[AnnotationFailedOpen] == "true"
	if apiequality.Semantic.DeepEqual(current.Spec.Endpoints, endpoints) && !recovered {
		return nil
	}
	patch := client.MergeFrom(current.DeepCopy())
	current.Spec.Endpoints = endpoints
	delete(current.Annotations, AnnotationFailedOpen)
	if err := c.Client.Patch(ctx, current, patch); err != nil {
		return fmt.Errorf("updating DNSEndpoint %s: %w", key, err)
	}
	if recovered {
		c.Recorder.Eventf(owner, current, corev1.EventTypeNormal, ReasonRecovered, "Publish",
			"A cluster is healthy again: DNSEndpoint %s follows the healthy clusters", key.Name)
	}
	return nil
}

// recordsOfDomain maps a Domain to the ServiceDNSRecords that refer to it.
func (c *Controller) recordsOfDomain(ctx context.Context, domain client.Object) []reconcile.Request {
	if domain.GetNamespace() != c.Namespace {
		return nil
	}
	var list v1alpha1.ServiceDNSRecordList
	if err := c.Client.List(ctx, &list); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing ServiceDNSRecords")
		return nil
	}
	var reqs []reconcile.Request
	for i := range list.Items {
		if list.Items[i].Spec.DomainRef == domain.GetName() {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
	}
	return reqs
}
