package e2e

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

const failoverNamespace = "bench-failover"

// webKey is the workload the failover benchmark scales.
var webKey = types.NamespacedName{Namespace: failoverNamespace, Name: "web"}

// failoverRecord is the Domain and ServiceDNSRecord the failover benchmark publishes.
const failoverRecord = `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata: {name: bench, namespace: kube-federation-system}
domain: bench.example.com
---
apiVersion: v1
kind: Namespace
metadata: {name: bench-failover}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: web, namespace: bench-failover}
spec:
  domainRef: bench
  routing: {strategy: all}
`

// BenchmarkFailover measures how fast a shard leaves DNS: from the member API server's watch
// event that removes the shard's last ready endpoint (its Deployment scaled to 0) to the
// DNSEndpoint watch event without the shard's address (through the servicedns and DNSEndpoint
// controllers of the real binary), and on to gslb answering without it (through the publish
// controller, etcd and the plugin's watch). It reports p50 and p99 of both (make bench runs 20
// trials).
func BenchmarkFailover(b *testing.B) {
	ctx := testContext(b, 10*time.Minute)
	setUpFederation(b, ctx, publishFlags("bench.example.com")...)
	server := startGSLB(b, ctx, "bench.example.com")
	joinMembers(b, ctx)
	applyYAML(b, ctx, "record", failoverRecord)
	addresses := map[string]string{"earth": "192.0.2.31", "vulcan": "198.51.100.32"}
	for _, m := range testEnv.Members {
		runLoadBalancedService(b, ctx, m.Client(), failoverNamespace, "web", addresses[m.Name])
	}
	host := hostClient(b)
	global := "web.bench-failover.bench.svc.bench.example.com"
	waitTargets(b, ctx, host, global, addresses["earth"], addresses["vulcan"])

	earth := testEnv.Cluster("earth").Client()
	b.Run("LastEndpointGone", func(b *testing.B) {
		var toEndpoint, toGSLB []time.Duration
		for range b.N {
			endpoint, answer := failoverOnce(b, ctx, earth, host, server.Addr, global, addresses["vulcan"])
			toEndpoint, toGSLB = append(toEndpoint, endpoint), append(toGSLB, answer)
			scaleDeployment(b, ctx, earth, webKey, 1)
			waitTargets(b, ctx, host, global, addresses["earth"], addresses["vulcan"])
			waitAnswer(b, ctx, server.Addr, unknownClient, netip.Prefix{}, global+".", addresses["earth"], addresses["vulcan"])
		}
		reportPercentiles(b, toEndpoint, "dnsendpoint")
		reportPercentiles(b, toGSLB, "gslb")
	})
}

// reportPercentiles reports the median and the 99th percentile of took in milliseconds.
func reportPercentiles(b *testing.B, took []time.Duration, what string) {
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-p50-"+what)
	b.ReportMetric(float64(took[(len(took)*99)/100].Microseconds())/1000, "ms-p99-"+what)
}

// failoverOnce scales earth's Deployment to 0 and returns the time from the EndpointSlice event
// without a ready endpoint to the DNSEndpoint event whose global name has only want, and to gslb
// answering a client of no known location with only want.
func failoverOnce(b *testing.B, ctx context.Context, member kubernetes.Interface, host client.WithWatch, dnsAddr, global, want string) (time.Duration, time.Duration) {
	slicesWatch, err := member.DiscoveryV1().EndpointSlices(failoverNamespace).Watch(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=web"})
	if err != nil {
		b.Fatal(err)
	}
	defer slicesWatch.Stop()
	endpointsWatch, err := host.Watch(ctx, &v1alpha1.DNSEndpointList{}, client.InNamespace(failoverNamespace))
	if err != nil {
		b.Fatal(err)
	}
	defer endpointsWatch.Stop()
	scaleDeployment(b, ctx, member, webKey, 0)
	gone := waitEvent(b, slicesWatch, "the last ready endpoint gone", func(o runtime.Object) bool {
		s, ok := o.(*discoveryv1.EndpointSlice)
		return ok && countReady([]discoveryv1.EndpointSlice{*s}) == 0
	})
	published := waitEvent(b, endpointsWatch, "the DNSEndpoint without earth", func(o runtime.Object) bool {
		ep, ok := o.(*v1alpha1.DNSEndpoint)
		return ok && slices.Equal(targetsOf(ep, global), []string{want})
	})
	answered := pollAnswer(b, dnsAddr, global+".", want)
	return published.Sub(gone), answered.Sub(gone)
}

// pollAnswer asks every 2 ms, for at most a minute, until the A answer is want alone, and returns
// when it was.
func pollAnswer(b *testing.B, addr, name, want string) time.Time {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		got, _, err := ask(addr, unknownClient, netip.Prefix{}, name)
		if err == nil && slices.Equal(got, []string{want}) {
			return time.Now()
		}
		time.Sleep(2 * time.Millisecond)
	}
	b.Fatalf("gslb did not answer %s with %s alone within a minute", name, want)
	return time.Time{}
}

// waitEvent returns when the first event that matches arrived.
func waitEvent(b *testing.B, w watch.Interface, what string, match func(runtime.Object) bool) time.Time {
	timeout := time.After(time.Minute)
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				b.Fatalf("%s: the watch closed", what)
			}
			if match(ev.Object) {
				return time.Now()
			}
		case <-timeout:
			b.Fatalf("%s: not within a minute", what)
		}
	}
}

func targetsOf(ep *v1alpha1.DNSEndpoint, name string) []string {
	for _, e := range ep.Spec.Endpoints {
		if e.DNSName == name && e.RecordType == "A" {
			return e.Targets
		}
	}
	return nil
}

// waitTargets waits until the record's DNSEndpoint answers name with exactly targets (sorted).
func waitTargets(b testing.TB, ctx context.Context, host client.Client, name string, targets ...string) {
	b.Helper()
	eventually(b, ctx, time.Minute, fmt.Sprintf("%s → %v", name, targets), func(ctx context.Context) (bool, error) {
		var list v1alpha1.DNSEndpointList
		if err := host.List(ctx, &list, client.InNamespace(failoverNamespace)); err != nil {
			return false, err
		}
		for i := range list.Items {
			if got := targetsOf(&list.Items[i], name); slices.Equal(got, targets) {
				return true, nil
			}
		}
		return false, fmt.Errorf("DNSEndpoints %+v", list.Items)
	})
}
