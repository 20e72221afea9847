package clouddns

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/plan"
	"github.com/meridian-dns/meridian/providers/registry"
	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
)

// foreign are rrsets someone else wrote: a plain set, an external-dns-owned set with its
// companion, a routed set, and a TXT set at a name where Meridian publishes an A set.
func foreign() []*dns.ResourceRecordSet {
	return []*dns.ResourceRecordSet{
		{Name: "legacy.example.com.", Type: "A", Ttl: 300, Rrdatas: []string{"203.0.113.10", "203.0.113.9"}},
		{Name: "ext.example.com.", Type: "A", Ttl: 60, Rrdatas: []string{"203.0.113.20"}},
		{Name: "a-ext.example.com.", Type: "TXT", Ttl: 60,
			Rrdatas: []string{`"heritage=external-dns,external-dns/owner=other,external-dns/resource=service/default/ext"`}},
		{Name: "lb.example.com.", Type: "A", Ttl: 30, RoutingPolicy: &dns.RRSetRoutingPolicy{Wrr: &dns.RRSetRoutingPolicyWrrPolicy{
			Items: []*dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem{wrrItem(0.25, "203.0.113.30"), wrrItem(0.75, "203.0.113.31")}}}},
		{Name: "r0.example.com.", Type: "TXT", Ttl: 3600, Rrdatas: []string{`"v=spf1 -all"`}},
	}
}

// fleet is what a handful of DNSEndpoints want, by resource: every strategy, with a variant
// that moves clusters around so that a second round updates and deletes.
func fleet(variant int) map[string][]providers.Record {
	out := map[string][]providers.Record{}
	for i := range 24 {
		if variant == 1 && i%4 == 3 {
			continue // withdrawn
		}
		name := fmt.Sprintf("r%d.example.com", i)
		regions := []string{"us-east1", "eu-west-1", "asia-east1"}
		var sets []providers.Record
		for c, region := range regions[:2+variant] {
			cluster := fmt.Sprintf("c%d", c)
			addr := fmt.Sprintf("192.0.%d.%d", i, c+1)
			s := share(name, cluster, region, []string{"nearest", "weighted", "failover", "all"}[(i+variant)%4], addr)
			s.Weight, s.FailoverPriority = ptr(int64(c+1)), ptr(c)
			sets = append(sets, s)
		}
		sets = append(sets, plain("www."+name, "CNAME", name))
		out[fmt.Sprintf("dnsendpoint/ns/r%d", i)] = sets
	}
	return out
}

// converge runs the repair loop the publish controller runs (list, plan every resource, apply),
// listing again after every error, until a plan is empty. It returns the passes it took.
func converge(t *testing.T, reg *registry.Registry, desired map[string][]providers.Record) int {
	t.Helper()
	ctx := testContext(t)
	canonical := map[string][]providers.Record{}
	for res, sets := range desired {
		canonical[res] = providers.Canonical(reg, sets)
	}
	for pass := 1; pass <= 100; pass++ {
		current, err := reg.Records(ctx)
		if err != nil {
			continue
		}
		result, err := plan.Repair(current, canonical, owner)
		if err != nil {
			t.Fatal(err)
		}
		if len(result.Conflicts) > 0 {
			t.Fatalf("conflicts: %v", result.Conflicts)
		}
		if result.Changes.Empty() {
			return pass
		}
		if err := reg.ApplyChanges(ctx, result.Changes); err != nil && !providers.IsSoft(err) && !errors.Is(err, providers.ErrStale) {
			t.Fatalf("pass %d: a hard error: %v", pass, err)
		}
	}
	t.Fatal("no empty plan after 100 passes")
	return 0
}

// reference is the zone a fault-free run leaves for the same seeds and desired sets.
func reference(t *testing.T, rounds ...map[string][]providers.Record) []*dns.ResourceRecordSet {
	t.Helper()
	f := newFake(t, clouddnsfake.Options{})
	if err := f.Seed(testZone, foreign()...); err != nil {
		t.Fatal(err)
	}
	reg := wrap(newProvider(t, f, Config{}))
	for _, desired := range rounds {
		if pass := converge(t, reg, desired); pass != 2 {
			t.Fatalf("a fault-free run took %d passes; want one to apply and one to find nothing left", pass)
		}
	}
	return f.RecordSets(testZone)
}

// TestConvergesThroughThrottlingAndServerErrors: with half the calls throttled and a tenth
// failing, the loop still reaches exactly the rrsets of a fault-free run, twice in a row, and
// the foreign rrsets come through byte for byte.
func TestConvergesThroughThrottlingAndServerErrors(t *testing.T) {
	f := newFake(t, clouddnsfake.Options{Seed: 42})
	if err := f.Seed(testZone, foreign()...); err != nil {
		t.Fatal(err)
	}
	seeded := map[string]string{}
	for _, rr := range f.RecordSets(testZone) {
		seeded[rr.Type+" "+rr.Name] = dump(rr)
	}
	// Two attempts per request, so that failures reach the loop too, which lists again.
	backoff := fastBackoff
	backoff.Attempts = 2
	reg := wrap(newProvider(t, f, Config{Backoff: backoff}))
	f.SetThrottleRate(0.5)
	f.SetFailureRate(0.1)
	rounds := []map[string][]providers.Record{fleet(0), fleet(1), fleet(0)}
	statuses := map[int]int{}
	for round, desired := range rounds {
		passes := converge(t, reg, desired)
		for _, c := range f.Calls() {
			statuses[c.Status]++
		}
		t.Logf("round %d: %d passes, %d calls", round, passes, len(f.Calls()))
		f.ResetCalls()
		f.SetThrottleRate(0)
		f.SetFailureRate(0)
		checkRRSets(t, f.RecordSets(testZone), reference(t, rounds[:round+1]...))
		f.SetThrottleRate(0.5)
		f.SetFailureRate(0.1)
	}
	t.Logf("answers by status: %v", statuses)
	f.SetThrottleRate(0)
	f.SetFailureRate(0)
	for _, rr := range f.RecordSets(testZone) {
		if want, ok := seeded[rr.Type+" "+rr.Name]; ok && dump(rr) != want {
			t.Errorf("foreign rrset changed:\n got %s\nwant %s", dump(rr), want)
		}
		delete(seeded, rr.Type+" "+rr.Name)
	}
	if len(seeded) > 0 {
		t.Errorf("foreign rrsets removed: %v", seeded)
	}
	failed := 0.0
	for _, m := range []string{methodListRRSets, methodCreateChange} {
		failed += requests(m, "500") + requests(m, "503")
	}
	if requests(methodCreateChange, "429") == 0 || failed == 0 {
		t.Errorf("no throttled or failed changes counted; the faults did not bite")
	}
}

// TestLostResponse: a change lands but its answer is lost. The retry finds the rrsets already
// there and reports the set stale; a fresh listing then plans nothing, and no rrset is doubled.
func TestLostResponse(t *testing.T) {
	const res = "dnsendpoint/shop/web"
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusInternalServerError} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			f := newFake(t, clouddnsfake.Options{})
			reg := wrap(newProvider(t, f, Config{}))
			ctx := testContext(t)
			steps := [][]providers.Record{
				{share("web.example.com", "c1", "us-east1", "nearest", "192.0.2.1")}, // create
				{share("web.example.com", "c1", "us-east1", "nearest", "192.0.2.2")}, // update
				nil, // delete
			}
			for i, desired := range steps {
				f.FailNextAfterCommit(1, status)
				_, err := publish(ctx, reg, res, desired)
				if !errors.Is(err, providers.ErrStale) {
					t.Fatalf("step %d: %v; want ErrStale after the retry met its own change", i, err)
				}
				mustPublish(t, reg, res, desired)
			}
			if got := ours(f); len(got) != 0 {
				t.Errorf("left behind: %s", dump(got))
			}
		})
	}
}

// TestStaleSets: rrsets of ours changed or removed behind Meridian's back make the change fail
// as stale, with nothing applied; listing again repairs them.
func TestStaleSets(t *testing.T) {
	const res = "dnsendpoint/shop/web"
	f := newFake(t, clouddnsfake.Options{})
	reg := wrap(newProvider(t, f, Config{}))
	ctx := testContext(t)
	desired := []providers.Record{plain("web.example.com", "A", "192.0.2.1"), plain("api.example.com", "A", "192.0.2.9")}
	mustPublish(t, reg, res, desired)
	current, err := reg.Records(ctx)
	if err != nil {
		t.Fatal(err)
	}
	edited := &dns.ResourceRecordSet{Name: "web.example.com.", Type: "A", Ttl: 180, Rrdatas: []string{"198.51.100.66"}}
	if err := f.Seed(testZone, edited); err != nil {
		t.Fatal(err)
	}
	f.Remove(testZone, "api.example.com.", "A")
	want := []providers.Record{plain("web.example.com", "A", "192.0.2.3")}
	result, err := plan.Calculate(current, providers.Canonical(reg, want), owner, res)
	if err != nil {
		t.Fatal(err)
	}
	err = reg.ApplyChanges(ctx, result.Changes)
	if !errors.Is(err, providers.ErrStale) || providers.IsSoft(err) {
		t.Fatalf("applying over edited sets: %v; want ErrStale", err)
	}
	if got := f.RecordSets(testZone); !strings.Contains(dump(got), "198.51.100.66") {
		t.Errorf("the edited rrset was overwritten: %s", dump(got))
	}
	mustPublish(t, reg, res, want)
	// The companion of the set removed behind Meridian's back stays: with its set gone, the
	// registry hides it and no plan sees it (external-dns's TXT registry behaves the same).
	checkRRSets(t, ours(f), []*dns.ResourceRecordSet{
		companion("A", "api.example.com", res, 180),
		companion("A", "web.example.com", res, 180),
		{Name: "web.example.com.", Type: "A", Ttl: 180, Rrdatas: []string{"192.0.2.3"}},
	})
}

// TestInvalidChange: a geo location Cloud DNS does not know is refused with 400; the error is
// hard (retrying cannot help) and names the rrsets.
func TestInvalidChange(t *testing.T) {
	f := newFake(t, clouddnsfake.Options{})
	reg := wrap(newProvider(t, f, Config{}))
	before := requests(methodCreateChange, "400")
	desired := []providers.Record{share("web.example.com", "c1", "mars-central1", "nearest", "192.0.2.1")}
	_, err := publish(testContext(t), reg, "dnsendpoint/shop/web", desired)
	if err == nil || providers.IsSoft(err) || errors.Is(err, providers.ErrStale) {
		t.Fatalf("publishing to mars-central1: %v; want a hard error", err)
	}
	if !strings.Contains(err.Error(), "A web.example.com") || !strings.Contains(err.Error(), "mars-central1") {
		t.Errorf("error %q does not name the rrset and the bad location", err)
	}
	if n := f.CallCounts()["dns.changes.create"]; n != 1 {
		t.Errorf("%d change calls; a 400 is not retried", n)
	}
	if got := requests(methodCreateChange, "400") - before; got != 1 {
		t.Errorf("requests_total{changes.create,400} grew by %v; want 1", got)
	}
}

// TestUnavailable: a backend that keeps failing is retried Backoff.Attempts times, then reported
// soft, so that the controller requeues instead of failing.
func TestUnavailable(t *testing.T) {
	f := newFake(t, clouddnsfake.Options{})
	reg := wrap(newProvider(t, f, Config{}))
	f.FailNextOn("dns.changes.create", 100, http.StatusServiceUnavailable)
	_, err := publish(testContext(t), reg, "dnsendpoint/shop/web", []providers.Record{plain("web.example.com", "A", "192.0.2.1")})
	if !providers.IsSoft(err) {
		t.Fatalf("publishing to an unavailable backend: %v; want a soft error", err)
	}
	if n := f.CallCounts()["dns.changes.create"]; n != fastBackoff.Attempts {
		t.Errorf("%d change calls; want %d", n, fastBackoff.Attempts)
	}
	f.FailNext(100, http.StatusTooManyRequests)
	if _, err := reg.Records(testContext(t)); !providers.IsSoft(err) {
		t.Errorf("listing while throttled: %v; want a soft error", err)
	}
	ctx, cancel := context.WithCancel(testContext(t))
	cancel()
	if _, err := reg.Records(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("listing with a cancelled context: %v", err)
	}
}

// requests reads the requests counter of one method and code.
func requests(method, code string) float64 {
	var m dto.Metric
	if err := requestsTotal.WithLabelValues(method, code).Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}
