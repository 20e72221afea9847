package shards

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/meridian-dns/meridian/controllers/health"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

func TestOwnerRoundTrip(t *testing.T) {
	key := types.NamespacedName{Namespace: "shop", Name: "web"}
	kind, got, ok := parseOwner(Owner("ServiceDNSRecord", key))
	if !ok || kind != "ServiceDNSRecord" || got != key {
		t.Fatalf("parseOwner(Owner(...)) = %q, %v, %v", kind, got, ok)
	}
	for _, bad := range []string{"", "ServiceDNSRecord", "ServiceDNSRecord shop", " shop/web", "ServiceDNSRecord shop/"} {
		if _, _, ok := parseOwner(bad); ok {
			t.Errorf("parseOwner(%q) accepted", bad)
		}
	}
}

func TestCheckOf(t *testing.T) {
	hc := &v1alpha1.HealthCheck{Port: 8080, Path: "/healthz", Interval: &metav1.Duration{Duration: 2 * time.Second},
		Timeout: &metav1.Duration{Duration: time.Second}, FailureThreshold: 2, SuccessThreshold: 3}
	got := CheckOf(hc, "shop.example.com")
	want := health.Check{Protocol: health.ProtocolHTTP, Port: 8080, Path: "/healthz", Host: "shop.example.com",
		Interval: 2 * time.Second, Timeout: time.Second, Thresholds: health.Thresholds{Failure: 2, Success: 3}}
	if got != want {
		t.Fatalf("CheckOf = %+v, want %+v", got, want)
	}
	if c := CheckOf(&v1alpha1.HealthCheck{Protocol: v1alpha1.HealthCheckTCP, Port: 443}, ""); c.Protocol != health.ProtocolTCP || c.Interval != 0 {
		t.Fatalf("CheckOf(TCP) = %+v; want TCP and the Prober's defaults", c)
	}
}

func TestTargets(t *testing.T) {
	check := health.Check{Protocol: health.ProtocolTCP, Port: 443}
	in := serviceInput(
		earth(1),
		observed("mars", "us-east-1", "us-east-1b", 1, ip("192.0.2.2"), hostname("mars.elb.example.net")),
		vulcan(0), // no ready endpoints: out for another reason, not probed
	)
	// Probe states must not matter: a failing shard stays probed, or it could never come back.
	in.HealthCheck = true
	in.Probes = map[string][]health.AddressState{"earth": {{Address: "192.0.2.1", State: health.ProbeFailing}}}
	got := Targets(in, check)
	want := []health.Target{
		{Cluster: "earth", Address: "192.0.2.1", Check: check},
		{Cluster: "mars", Address: "192.0.2.2", Check: check},
		{Cluster: "mars", Address: "mars.elb.example.net", Check: check},
	}
	if len(got) != len(want) {
		t.Fatalf("Targets = %+v, want %+v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("Targets = %+v, want %+v", got, want)
		}
	}
}

func TestProbeEventsRouteByKind(t *testing.T) {
	p := NewProbeEvents()
	_ = p.Source("ServiceDNSRecord")
	_ = p.Source("IngressDNSRecord")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p.Notify(ctx, health.Transition{Owner: Owner("IngressDNSRecord", types.NamespacedName{Namespace: "shop", Name: "front"})})
	p.Notify(ctx, health.Transition{Owner: "SomethingElse shop/x"}) // no controller: dropped at once
	select {
	case ev := <-p.channels["IngressDNSRecord"]:
		if ev.Object.GetNamespace() != "shop" || ev.Object.GetName() != "front" {
			t.Fatalf("event for %s/%s", ev.Object.GetNamespace(), ev.Object.GetName())
		}
	default:
		t.Fatal("no event for the IngressDNSRecord")
	}
	if n := len(p.channels["ServiceDNSRecord"]); n != 0 {
		t.Fatalf("%d events reached the ServiceDNSRecord controller", n)
	}
}

// TestProbeEventsGiveUpWhenTheTargetGoes: a full channel must not hold a probe goroutine once
// its target is removed.
func TestProbeEventsGiveUpWhenTheTargetGoes(t *testing.T) {
	p := NewProbeEvents()
	_ = p.Source("ServiceDNSRecord")
	owner := Owner("ServiceDNSRecord", types.NamespacedName{Namespace: "shop", Name: "web"})
	for range probeEventBuffer {
		p.Notify(context.Background(), health.Transition{Owner: owner})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Notify(ctx, health.Transition{Owner: owner}); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Notify still blocked after its context ended")
	}
}
