package route53

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

// mixedDesired is n names of every strategy, most with health checks of public addresses.
func mixedDesired(n int) []providers.Record {
	hc := providers.HealthCheck{Protocol: "HTTP", Port: 80, Path: "/healthz", IntervalSeconds: 30, FailureThreshold: 3}
	var out []providers.Record
	for i := range n {
		name := fmt.Sprintf("svc-%02d.example.com", i)
		ip := func(c int) string { return fmt.Sprintf("8.%d.%d.%d", 10+c, i, c) }
		pair := func(routing string) []providers.Record {
			a, b := routed(name, "east", routing, ip(1)), routed(name, "west", routing, ip(2), ip(3))
			return []providers.Record{a, b}
		}
		switch i % 5 {
		case 0:
			out = append(out, withCheck(set(name, providers.TypeA, ip(0)), hc))
		case 1:
			sets := pair(providers.RoutingNearest)
			sets[0].Region, sets[1].Region = "us-east4", "europe-west1"
			out = append(out, sets...)
		case 2:
			sets := pair(providers.RoutingWeighted)
			sets[0].Weight, sets[1].Weight = ptr(int64(1)), ptr(int64(3))
			out = append(out, withCheck(sets[0], hc), withCheck(sets[1], hc))
		case 3:
			sets := pair(providers.RoutingFailover)
			sets[0].FailoverPriority, sets[1].FailoverPriority = ptr(0), ptr(1)
			out = append(out, withCheck(sets[0], hc), sets[1])
		case 4:
			out = append(out, pair(providers.RoutingAll)...)
			out = append(out, set("www-"+name, providers.TypeCNAME, name))
		}
	}
	return out
}

// reference is what a fault-free run stores for desired: the sets and the number of checks.
func reference(t *testing.T, desired []providers.Record) ([]string, int) {
	t.Helper()
	e := newEnv(t)
	mustSync(t, owned(e.provider(Config{})), testResource, desired)
	return e.stored(), len(e.fake.HealthChecks())
}

// foreignSets are sets someone else made: no owner, an external-dns owner (with its companion in
// external-dns's format), other types, and names Meridian also wants.
func foreignSets() []types.ResourceRecordSet {
	rrs := func(name string, typ types.RRType, ttl int64, vals ...string) types.ResourceRecordSet {
		s := types.ResourceRecordSet{Name: aws.String(name), Type: typ, TTL: aws.Int64(ttl)}
		for _, v := range vals {
			s.ResourceRecords = append(s.ResourceRecords, types.ResourceRecord{Value: aws.String(v)})
		}
		return s
	}
	extA := rrs("ext.example.com.", types.RRTypeA, 300, "192.0.2.10")
	extA.SetIdentifier, extA.Weight = aws.String("blue"), aws.Int64(10)
	extTXT := rrs("a-ext.example.com.", types.RRTypeTxt, 300, `"heritage=external-dns,external-dns/owner=other,external-dns/resource=service/default/ext"`)
	extTXT.SetIdentifier, extTXT.Weight = aws.String("blue"), aws.Int64(10)
	return []types.ResourceRecordSet{
		rrs("example.com.", types.RRTypeMx, 3600, "10 mail.example.com."),
		rrs("_dmarc.example.com.", types.RRTypeTxt, 3600, `"v=DMARC1; p=none"`),
		rrs("_sip._tcp.example.com.", types.RRTypeSrv, 600, "10 5 5060 sip.example.com."),
		rrs("svc-00.example.com.", types.RRTypeAaaa, 60, "2001:db8::1"), // beside one of ours
		rrs("www-svc-04.example.com.", types.RRTypeA, 60, "192.0.2.44"), // where we want a CNAME
		extA, extTXT,
	}
}

// snapshot returns the zone's sets at the given names, exactly as stored.
func (e *env) snapshot(names map[string]bool) []types.ResourceRecordSet {
	var out []types.ResourceRecordSet
	for _, s := range e.fake.RecordSets(e.zoneID) {
		if names[aws.ToString(s.Name)+" "+string(s.Type)] {
			out = append(out, s)
		}
	}
	return out
}

func TestConvergesUnderFaults(t *testing.T) {
	desired := mixedDesired(20)
	// The CNAME at www-svc-04 conflicts with a foreign A: never published, never touched.
	var publishable []providers.Record
	for _, r := range desired {
		if r.Name != "www-svc-04.example.com" {
			publishable = append(publishable, r)
		}
	}
	wantSets, wantChecks := reference(t, publishable)
	for _, fault := range []string{"throttling", "5xx"} {
		t.Run(fault, func(t *testing.T) {
			e := newEnv(t)
			foreign := foreignSets()
			if err := e.fake.Seed(e.zoneID, foreign...); err != nil {
				t.Fatal(err)
			}
			names := map[string]bool{}
			for _, s := range foreign {
				names[aws.ToString(s.Name)+" "+string(s.Type)] = true
			}
			before := e.snapshot(names)
			// Few tries per call, so that many passes fail softly and list again.
			backoff := fastBackoff
			backoff.Attempts = map[string]int{"throttling": 2, "5xx": 1}[fault]
			reg := owned(e.provider(Config{MaxBatchValues: 30, Backoff: backoff}))
			if fault == "throttling" {
				e.fake.SetThrottleRate(0.5)
			} else {
				e.fake.SetFailureRate(0.1)
			}
			converge(t, reg, testResource, desired, 60)
			e.fake.SetThrottleRate(0)
			e.fake.SetFailureRate(0)
			if _, err := reg.Records(testCtx(t)); err != nil { // finishes any cleanup left
				t.Fatal(err)
			}

			var ours []string
			for _, line := range e.stored() {
				if !strings.Contains(line, "192.0.2.") && !foreignLine(line) {
					ours = append(ours, line)
				}
			}
			wantLines(t, "Meridian's sets", ours, wantSets)
			if after := e.snapshot(names); !reflect.DeepEqual(after, before) {
				t.Errorf("foreign sets changed:\nbefore %v\nafter  %v", renderAll(before), renderAll(after))
			}
			checkNoLeaks(t, e, wantChecks)
			counts := map[string]int{}
			for _, c := range e.fake.Calls() {
				if c.Code != "" {
					counts[c.Code]++
				}
			}
			t.Logf("%s: %d calls, failures %v", fault, len(e.fake.Calls()), counts)
		})
	}
}

func foreignLine(line string) bool {
	for _, prefix := range []string{"example.com. MX", "_dmarc.", "_sip.", "svc-00.example.com. AAAA", "ext.example.com.", "a-ext.example.com."} {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}

func renderAll(sets []types.ResourceRecordSet) []string {
	out := make([]string, len(sets))
	for i, s := range sets {
		out[i] = render(s)
	}
	return out
}

// checkNoLeaks fails unless the account holds exactly want health checks, each attached to a set
// and none probing what another probes.
func checkNoLeaks(t *testing.T, e *env, want int) {
	t.Helper()
	used := map[string]bool{}
	for _, id := range e.attached() {
		used[id] = true
	}
	seen := map[string]bool{}
	hcs := e.fake.HealthChecks()
	for _, hc := range hcs {
		c := hc.HealthCheckConfig
		key := fmt.Sprintf("%s|%s|%s", aws.ToString(c.IPAddress), aws.ToString(c.FullyQualifiedDomainName), c.Type)
		if seen[key] {
			t.Errorf("duplicate health check of %s", key)
		}
		seen[key] = true
		if !used[aws.ToString(hc.Id)] {
			t.Errorf("health check %s (%s) is attached to no set", aws.ToString(hc.Id), key)
		}
	}
	if len(hcs) != want {
		t.Errorf("%d health checks, want %d", len(hcs), want)
	}
}

// TestRestartMidSync fails the third change batch of a first provider for good, then lets a new
// provider (a restarted controller) finish: nothing is lost, no health check is duplicated, and
// the checks the first one created for the failed batch are reused, not created again.
func TestRestartMidSync(t *testing.T) {
	desired := mixedDesired(15)
	wantSets, wantChecks := reference(t, desired)

	e := newEnv(t)
	first := owned(e.provider(Config{MaxBatchValues: 12}))
	e.api.beforeChange = func(n int) {
		if n == 3 {
			e.fake.FailNextOn("ChangeResourceRecordSets", fastBackoff.Attempts, 500)
		}
	}
	if _, err := syncOnce(testCtx(t), first, testResource, desired); !providers.IsSoft(err) {
		t.Fatalf("first provider: error %v, want a soft one", err)
	}
	e.api.beforeChange = nil
	if got := len(e.stored()); got == 0 || got >= len(wantSets) {
		t.Fatalf("the first provider stored %d of %d sets; the test needs it to stop midway", got, len(wantSets))
	}
	orphans := len(e.fake.HealthChecks()) - len(e.attached())
	if orphans == 0 {
		t.Fatal("the failed batch left no unattached health check; the test needs one")
	}

	second := owned(e.provider(Config{MaxBatchValues: 12}))
	converge(t, second, testResource, desired, 3)
	wantLines(t, "stored sets", e.stored(), wantSets)
	checkNoLeaks(t, e, wantChecks)
	created := 0
	for _, c := range e.fake.Calls() {
		if c.Op == "CreateHealthCheck" && c.Code == "" {
			created++
		}
	}
	if created != wantChecks {
		t.Errorf("%d health checks created in all, want %d: the %d left by the failed batch should have been reused",
			created, wantChecks, orphans)
	}
}
