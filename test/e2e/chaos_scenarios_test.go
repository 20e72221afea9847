package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

// convergeTimeout bounds the wait for the records after a fault is removed.
const convergeTimeout = 2 * time.Minute

type chaosScenario struct {
	name string
	run  func(lab *chaosLab, t *testing.T, ctx context.Context) chaosRow
}

func chaosScenarios() []chaosScenario {
	return []chaosScenario{
		{"dns-etcd-down", (*chaosLab).etcdDown},
		{"one-etcd-member-down", (*chaosLab).etcdMemberDown},
		{"member-apiserver-down", (*chaosLab).memberAPIServerDown},
		{"host-apiserver-down", (*chaosLab).hostAPIServerDown},
		{"leader-killed-mid-publish", (*chaosLab).leaderKilledMidPublish},
		{"route53-clouddns-faults", (*chaosLab).providerFaults},
		{"member-network-partition", (*chaosLab).memberPartition},
	}
}

// fault is one scenario's fault: inject puts it in place, during runs while it lasts (before
// the outage time elapses), heal removes it. heal must be safe to call twice.
type fault struct {
	// down are the clusters whose shards may leave DNS; the query loop skips names served by
	// them alone.
	down []string
	// static are the addresses the static name may answer (default: its current one).
	static []string
	inject func(t *testing.T, ctx context.Context)
	during func(t *testing.T, ctx context.Context)
	heal   func(ctx context.Context) error
	// want is what the records converge to once the fault is gone (default lab.expected).
	want recordSet
	// instant faults (a crash) are over once injected: no outage is waited for.
	instant bool
	// converged, if set, must also hold for the scenario to have converged.
	converged func(ctx context.Context) error
}

// runFault runs the query loop across the whole fault and the convergence after it, and checks
// every invariant.
func (lab *chaosLab) runFault(t *testing.T, ctx context.Context, f fault) chaosRow {
	t.Helper()
	static := f.static
	if len(static) == 0 {
		static = []string{lab.static}
	}
	loop := startQueries(lab.dns, queryTargets(f.down, static...), *chaosOutage+4*time.Minute)
	stopped := false
	stop := func() *queryStats {
		if !stopped {
			stopped = true
			return loop.stop()
		}
		return loop.stats
	}
	t.Cleanup(func() { stop() })
	var once sync.Once
	healErr := error(nil)
	heal := func() { once.Do(func() { healErr = f.heal(context.Background()) }) }
	t.Cleanup(heal)

	lab.faultStart = time.Now()
	f.inject(t, ctx)
	injected := time.Now()
	if f.during != nil {
		f.during(t, ctx)
	}
	if !f.instant {
		time.Sleep(time.Until(injected.Add(*chaosOutage)))
	}
	heal()
	if healErr != nil {
		t.Fatalf("removing the fault: %v", healErr)
	}
	healed := time.Now()
	want := f.want
	if want == nil {
		want = lab.expected
	}
	lab.waitConverged(t, ctx, convergeTimeout, want)
	if f.converged != nil {
		var last error
		eventually(t, ctx, convergeTimeout, "the scenario's own records converged", func(ctx context.Context) (bool, error) {
			err := f.converged(ctx)
			if err != nil && ctx.Err() == nil {
				last = err
			}
			return err == nil, last
		})
	}
	took := time.Since(healed)
	stats := stop()
	stats.check(t)
	lab.expected = want
	t.Logf("converged %v after the fault was removed", took.Round(10*time.Millisecond))
	return chaosRow{sent: stats.sent, bad: stats.bad(), converge: took}
}

// otherStatic is the static name's target other than s.
func otherStatic(s string) string {
	if s == staticA {
		return staticB
	}
	return staticA
}

// flipStatic changes the static name's target, so that the controller has something to publish
// while the fault lasts.
func (lab *chaosLab) flipStatic(t *testing.T, ctx context.Context) {
	t.Helper()
	next := otherStatic(lab.static)
	host := hostClient(t)
	err := retry.OnError(retry.DefaultBackoff, func(error) bool { return true }, func() error {
		ep := &v1alpha1.DNSEndpoint{}
		if err := host.Get(ctx, client.ObjectKey{Namespace: chaosNS, Name: "static"}, ep); err != nil {
			return err
		}
		ep.Spec.Endpoints[0].Targets = []string{next}
		return host.Update(ctx, ep)
	})
	if err != nil {
		t.Fatalf("changing the static name to %s: %v", next, err)
	}
	lab.static = next
}

// 1. The DNS etcd stops entirely: gslb answers from memory, the controller retries the change
// made meanwhile.
func (lab *chaosLab) etcdDown(t *testing.T, ctx context.Context) chaosRow {
	old := lab.static
	f := fault{
		static: []string{staticA, staticB},
		inject: func(t *testing.T, _ context.Context) {
			if err := lab.etcd.Stop(); err != nil {
				t.Fatal(err)
			}
		},
		during: func(t *testing.T, ctx context.Context) { lab.flipStatic(t, ctx) },
		heal:   lab.startEtcd,
	}
	f.want = withStatic(lab.expected, otherStatic(old))
	return lab.runFault(t, ctx, f)
}

// startEtcd starts every stopped member together: one alone has no quorum to become healthy.
func (lab *chaosLab) startEtcd(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	errs := make([]error, len(lab.etcd.Members))
	var wg sync.WaitGroup
	for i, m := range lab.etcd.Members {
		if !m.Running() {
			wg.Go(func() { errs[i] = m.Start(ctx) })
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// 2. The etcd leader stops: publishing goes on with the two others, and nobody notices.
func (lab *chaosLab) etcdMemberDown(t *testing.T, ctx context.Context) chaosRow {
	var want recordSet
	f := fault{
		static: []string{staticA, staticB},
		inject: func(t *testing.T, ctx context.Context) {
			m := leader(t, ctx, lab.etcd)
			t.Logf("stopping the etcd leader %s", m.Name)
			if err := m.Stop(); err != nil {
				t.Fatal(err)
			}
		},
		during: func(t *testing.T, ctx context.Context) {
			lab.flipStatic(t, ctx)
			want = withStatic(lab.expected, lab.static)
			start := time.Now()
			lab.waitConverged(t, ctx, time.Minute, want)
			t.Logf("the change was published %v after it was made, with one etcd member down", time.Since(start).Round(10*time.Millisecond))
		},
		heal: lab.startEtcd,
	}
	f.want = withStatic(lab.expected, otherStatic(lab.static))
	return lab.runFault(t, ctx, f)
}

// 3. A member's API server stops: the member goes Offline, its shards leave DNS while the others
// answer, and come back with it.
func (lab *chaosLab) memberAPIServerDown(t *testing.T, ctx context.Context) chaosRow {
	member := testEnv.Cluster("mars")
	return lab.runFault(t, ctx, fault{
		down: []string{"mars"},
		inject: func(t *testing.T, _ context.Context) {
			if err := member.APIServer.Stop(); err != nil {
				t.Fatal(err)
			}
		},
		during: func(t *testing.T, ctx context.Context) { lab.waitWithout(t, ctx, "mars") },
		heal: func(ctx context.Context) error {
			if member.APIServer.Running() {
				return nil
			}
			return member.APIServer.Start(ctx)
		},
	})
}

// waitWithout waits until etcd no longer holds the cluster's load balancer.
func (lab *chaosLab) waitWithout(t *testing.T, ctx context.Context, cluster string) {
	t.Helper()
	eventually(t, ctx, time.Minute, cluster+"'s shards out of DNS", func(ctx context.Context) (bool, error) {
		owned, _, err := lab.state.read(ctx)
		if err != nil {
			return false, err
		}
		n := owned.count(func(line string) bool { return strings.Contains(line, " "+chaosLB[cluster]+" ") })
		return n == 0, fmt.Errorf("%d records still hold %s", n, chaosLB[cluster])
	})
	t.Logf("%s's shards left DNS %v after the fault began", cluster, time.Since(lab.faultStart).Round(10*time.Millisecond))
}

// 4. The host API server stops: DNS keeps answering and nothing is withdrawn; a controller that
// lost its Lease exits and is started again, as its Deployment would.
func (lab *chaosLab) hostAPIServerDown(t *testing.T, ctx context.Context) chaosRow {
	host := testEnv.Host.APIServer
	return lab.runFault(t, ctx, fault{
		inject: func(t *testing.T, _ context.Context) {
			if err := host.Stop(); err != nil {
				t.Fatal(err)
			}
		},
		during: func(t *testing.T, ctx context.Context) {
			// Just before the end of the outage: nothing was withdrawn meanwhile.
			time.Sleep(*chaosOutage - time.Second)
			owned, _, err := lab.state.read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(lab.expected, owned); d != "" {
				t.Errorf("records changed while the host API server was down:\n%s", d)
			}
		},
		heal: func(ctx context.Context) error {
			if host.Running() {
				return nil
			}
			return host.Start(ctx)
		},
	})
}
