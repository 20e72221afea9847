package dnsendpoint_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/controllers/dnsendpoint"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

// TestServiceRecordBecomesDNSEndpoint follows one record through the life the servicedns
// controller gives its status: published before its Domain exists, all healthy, one shard
// down, every shard down (fail open), and back.
func TestServiceRecordBecomesDNSEndpoint(t *testing.T) {
	ctx := needHost(t)
	all := &v1alpha1.Routing{Strategy: v1alpha1.RoutingAll}
	rec := &v1alpha1.ServiceDNSRecord{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
		Spec: v1alpha1.ServiceDNSRecordSpec{DomainRef: "prod", Routing: all}}
	if err := host.Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	earth := v1alpha1.ClusterDNS{Cluster: "earth", Region: "us-east-1", Zones: []string{"us-east-1a"}, LoadBalancer: lb("192.0.2.10")}
	vulcan := v1alpha1.ClusterDNS{Cluster: "vulcan", Region: "eu-west-1", Zones: []string{"eu-west-1a"}, LoadBalancer: lb("198.51.100.20")}
	setStatus(t, ctx, "web", earth, vulcan)

	// Without its Domain nothing can be named: nothing is written.
	time.Sleep(500 * time.Millisecond)
	if err := host.Get(ctx, client.ObjectKey{Namespace: "shop", Name: "service-web"}, &v1alpha1.DNSEndpoint{}); err == nil {
		t.Fatal("a DNSEndpoint was written before the record's Domain existed")
	}
	domain := &v1alpha1.Domain{ObjectMeta: metav1.ObjectMeta{Name: "prod", Namespace: fedNamespace}, Domain: "example.com"}
	if err := host.Create(ctx, domain); err != nil {
		t.Fatal(err)
	}
	const global = "web.shop.prod.svc.example.com"
	ep := waitEndpoints(t, ctx, "service-web", global, "192.0.2.10", "198.51.100.20")
	if !metav1.IsControlledBy(ep, rec) {
		t.Fatalf("DNSEndpoint owners %+v, want the record as controller", ep.OwnerReferences)
	}
	waitEndpoints(t, ctx, "service-web", "web.shop.prod.svc.us-east-1a.us-east-1.example.com", "192.0.2.10")

	// vulcan's shard turns unhealthy (its entry loses its addresses): its names fall back.
	vulcan.LoadBalancer = lb()
	setStatus(t, ctx, "web", earth, vulcan)
	waitEndpoints(t, ctx, "service-web", global, "192.0.2.10")
	waitEndpoints(t, ctx, "service-web", "web.shop.prod.svc.eu-west-1.example.com", global)

	// Every shard down: the DNSEndpoint keeps the last answers, marked, with an Event.
	earth.LoadBalancer = lb()
	setStatus(t, ctx, "web", earth, vulcan)
	waitFor(t, ctx, "the DNSEndpoint marked failed open", func(ctx context.Context) bool {
		got := &v1alpha1.DNSEndpoint{}
		return host.Get(ctx, client.ObjectKey{Namespace: "shop", Name: "service-web"}, got) == nil &&
			got.Annotations[dnsendpoint.AnnotationFailedOpen] == "true"
	})
	waitEndpoints(t, ctx, "service-web", global, "192.0.2.10")
	waitFor(t, ctx, "a FailedOpen Event", func(ctx context.Context) bool { return hasEvent(ctx, "web", dnsendpoint.ReasonFailedOpen) })

	// Back: the new answers are published and the mark goes.
	vulcan.LoadBalancer = lb("198.51.100.20")
	setStatus(t, ctx, "web", earth, vulcan)
	ep = waitEndpoints(t, ctx, "service-web", global, "198.51.100.20")
	if ep.Annotations[dnsendpoint.AnnotationFailedOpen] != "" {
		t.Fatalf("annotations %v: the failed-open mark should be gone", ep.Annotations)
	}
	waitFor(t, ctx, "a Recovered Event", func(ctx context.Context) bool { return hasEvent(ctx, "web", dnsendpoint.ReasonRecovered) })

	// A hand edit of the DNSEndpoint is undone.
	ep.Spec.Endpoints = nil
	if err := host.Update(ctx, ep); err != nil {
		t.Fatal(err)
	}
	waitEndpoints(t, ctx, "service-web", global, "198.51.100.20")
}

// TestForeignDNSEndpointIsLeftAlone: a DNSEndpoint of the record's name that someone else
// wrote is never overwritten.
func TestForeignDNSEndpointIsLeftAlone(t *testing.T) {
	ctx := needHost(t)
	foreign := &v1alpha1.DNSEndpoint{ObjectMeta: metav1.ObjectMeta{Name: "ingress-shopfront", Namespace: "shop"},
		Spec: v1alpha1.DNSEndpointSpec{Endpoints: []v1alpha1.Endpoint{{DNSName: "shop.example.org", RecordType: "A", Targets: v1alpha1.Targets{"203.0.113.9"}}}}}
	if err := host.Create(ctx, foreign); err != nil {
		t.Fatal(err)
	}
	rec := &v1alpha1.IngressDNSRecord{ObjectMeta: metav1.ObjectMeta{Name: "shopfront", Namespace: "shop"},
		Spec: v1alpha1.IngressDNSRecordSpec{Hosts: []string{"shop.example.org"}}}
	if err := host.Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	rec.Status.DNS = []v1alpha1.ClusterIngressDNS{{Cluster: "earth", LoadBalancer: lb("192.0.2.77")}}
	if err := host.Status().Update(ctx, rec); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "an InvalidRecord Event naming the DNSEndpoint", func(ctx context.Context) bool {
		return hasEvent(ctx, "shopfront", dnsendpoint.ReasonInvalidInput)
	})
	waitEndpoints(t, ctx, "ingress-shopfront", "shop.example.org", "203.0.113.9")
}

func waitFor(t *testing.T, ctx context.Context, what string, cond func(context.Context) bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 15*time.Second, true, func(ctx context.Context) (bool, error) {
		return cond(ctx), nil
	})
	if err != nil {
		t.Fatalf("%s: not within 15s", what)
	}
}

// TestLoadBalancerHostnamesAreResolvedAgain: a shard whose load balancer has only a hostname is
// published with the hostname's addresses, which follow the hostname when it moves; a
// hostname that does not resolve is published as a CNAME.
func TestLoadBalancerHostnamesAreResolvedAgain(t *testing.T) {
	ctx := needHost(t)
	rec := &v1alpha1.IngressDNSRecord{ObjectMeta: metav1.ObjectMeta{Name: "store", Namespace: "shop"},
		Spec: v1alpha1.IngressDNSRecordSpec{Hosts: []string{"store.example.org", "old.example.org"}, Routing: &v1alpha1.Routing{Strategy: v1alpha1.RoutingAll}}}
	if err := host.Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	hostname := func(name string) corev1.LoadBalancerStatus {
		return corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{Hostname: name}}}
	}
	rec.Status.DNS = []v1alpha1.ClusterIngressDNS{{Cluster: "earth", LoadBalancer: hostname("web.elb.example.net")}}
	if err := host.Status().Update(ctx, rec); err != nil {
		t.Fatal(err)
	}
	waitEndpoints(t, ctx, "ingress-store", "store.example.org", "192.0.2.55")
	if err := writeLBZone(2, "192.0.2.56"); err != nil {
		t.Fatal(err)
	}
	waitEndpoints(t, ctx, "ingress-store", "store.example.org", "192.0.2.56")

	rec.Status.DNS = []v1alpha1.ClusterIngressDNS{{Cluster: "earth", LoadBalancer: hostname("gone.elb.example.net")}}
	if err := host.Status().Update(ctx, rec); err != nil {
		t.Fatal(err)
	}
	ep := waitEndpoints(t, ctx, "ingress-store", "store.example.org", "gone.elb.example.net")
	for _, e := range ep.Spec.Endpoints {
		if e.RecordType != "CNAME" {
			t.Fatalf("endpoint %+v: an unresolved hostname is published as a CNAME", e)
		}
	}
}
