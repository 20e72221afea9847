package servicedns

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/meridian-dns/meridian/controllers/shards"
	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

const fedNamespace = "kube-federation-system"

// noWatches stands in for the controller: without members, nothing is watched.
type noWatches struct{}

func (noWatches) Watch(source.Source) error { return nil }

func newTestController(t *testing.T, objs ...client.Object) (*Controller, client.Client, *events.FakeRecorder) {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, v1beta1.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	host := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).
		WithStatusSubresource(&v1alpha1.ServiceDNSRecord{}).Build()
	rec := events.NewFakeRecorder(10)
	registry := cluster.NewRegistry(scheme, logr.Discard())
	c := &Controller{Host: host, Namespace: fedNamespace, Registry: registry, Recorder: rec,
		Clock: clocktesting.NewFakePassiveClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	c.setUp()
	c.members = cluster.NewMemberWatches(registry, noWatches{}, logr.Discard(), c.memberSources)
	return c, host, rec
}

func record(domainRef string, dns ...v1alpha1.ClusterDNS) *v1alpha1.ServiceDNSRecord {
	return &v1alpha1.ServiceDNSRecord{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", Generation: 3},
		Spec:       v1alpha1.ServiceDNSRecordSpec{DomainRef: domainRef},
		Status:     v1alpha1.ServiceDNSRecordStatus{DNS: dns},
	}
}

func offline(name string) *v1beta1.KubeFedCluster {
	return &v1beta1.KubeFedCluster{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: fedNamespace},
		Status: v1beta1.KubeFedClusterStatus{Region: ptr.To("eu-west-1"), Zones: []string{"eu-west-1a"},
			Conditions: []v1beta1.ClusterCondition{{Type: v1beta1.ClusterReady, Status: corev1.ConditionFalse,
				Message: ptr.To("/healthz: connection refused")}}},
	}
}

var key = types.NamespacedName{Namespace: "shop", Name: "web"}

func reconcileOnce(t *testing.T, c *Controller, host client.Client) *v1alpha1.ServiceDNSRecord {
	t.Helper()
	if _, err := c.Reconcile(context.Background(), reconcile.Request{NamespacedName: key}); err != nil {
		t.Fatal(err)
	}
	got := &v1alpha1.ServiceDNSRecord{}
	if err := host.Get(context.Background(), key, got); err != nil {
		t.Fatal(err)
	}
	return got
}

func drain(rec *events.FakeRecorder) []string {
	var out []string
	for {
		select {
		case e := <-rec.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

// TestReconcileDomainNotFound: the record says so in Ready and one Event, and says it once.
func TestReconcileDomainNotFound(t *testing.T) {
	c, host, rec := newTestController(t, record("prod"))
	got := reconcileOnce(t, c, host)
	ready := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionFalse || ready.Reason != shards.ReasonDomainNotFound ||
		ready.Message != `Domain "prod" (spec.domainRef) not found in namespace "kube-federation-system"` || ready.ObservedGeneration != 3 {
		t.Fatalf("Ready = %+v", ready)
	}
	if got.Status.ObservedGeneration != 3 || got.Status.Domain != "" {
		t.Fatalf("status %+v", got.Status)
	}
	evs := drain(rec)
	if len(evs) != 1 || !strings.HasPrefix(evs[0], "Warning DomainNotFound") {
		t.Fatalf("Events %q; want one Warning DomainNotFound", evs)
	}
	reconcileOnce(t, c, host)
	if evs := drain(rec); len(evs) != 0 {
		t.Fatalf("a second pass with nothing new recorded %q", evs)
	}
}

// TestReconcileOfflineClusterKeepsItsEntry: KubeFed's rule, with Meridian's status around it.
func TestReconcileOfflineClusterKeepsItsEntry(t *testing.T) {
	domain := &v1alpha1.Domain{ObjectMeta: metav1.ObjectMeta{Name: "prod", Namespace: fedNamespace}, Domain: "example.com"}
	prev := v1alpha1.ClusterDNS{Cluster: "vulcan", Region: "eu-west-1", Zones: []string{"eu-west-1a"},
		LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "198.51.100.1"}}}}
	gone := v1alpha1.ClusterDNS{Cluster: "pluto", LoadBalancer: prev.LoadBalancer}
	c, host, rec := newTestController(t, record("prod", gone, prev), domain, offline("vulcan"))
	got := reconcileOnce(t, c, host)
	if got.Status.Domain != "example.com" {
		t.Fatalf("status.domain %q", got.Status.Domain)
	}
	if len(got.Status.DNS) != 1 || got.Status.DNS[0].Cluster != "vulcan" || len(got.Status.DNS[0].LoadBalancer.Ingress) != 0 ||
		got.Status.DNS[0].Region != "eu-west-1" {
		t.Fatalf("status.dns %+v; want vulcan's entry, load balancer cleared, and pluto gone", got.Status.DNS)
	}
	ready := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
	if ready.Reason != shards.ReasonNoHealthyShards || !strings.Contains(ready.Message, `Cluster "vulcan" is not ready: /healthz: connection refused`) {
		t.Fatalf("Ready = %+v", ready)
	}
	if evs := drain(rec); len(evs) != 1 || !strings.HasPrefix(evs[0], "Warning NoHealthyShards") {
		t.Fatalf("Events %q", evs)
	}
}

// TestReconcileDeletedRecord: nothing to write, and no error.
func TestReconcileDeletedRecord(t *testing.T) {
	c, _, _ := newTestController(t)
	if res, err := c.Reconcile(context.Background(), reconcile.Request{NamespacedName: key}); err != nil || res != (reconcile.Result{}) {
		t.Fatalf("Reconcile = %v, %v", res, err)
	}
}

func TestSetStatusCopiesZones(t *testing.T) {
	zones := []string{"us-east-1a"}
	out := shards.Outcome{Shards: []shards.Shard{{Entry: shards.Entry{Cluster: "earth", Region: "us-east-1", Zones: zones}}}}
	var s v1alpha1.ServiceDNSRecordStatus
	setStatus(&s, 1, "example.com", out, time.Now())
	zones[0] = "changed"
	if s.DNS[0].Zones[0] != "us-east-1a" || s.Domain != "example.com" || s.ObservedGeneration != 1 {
		t.Fatalf("status %+v", s)
	}
}
