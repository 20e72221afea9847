package route53

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/plan"
)

func canonicalProvider(explicit map[string]string, log logr.Logger) *Provider {
	return &Provider{regions: newRegionMapper(DefaultRegion, explicit, log)}
}

// show renders a Record's fields that Canonical decides.
func show(r providers.Record) string {
	s := fmt.Sprintf("%s %s %q cluster=%q routing=%q region=%q %v", r.Name, r.Type, r.SetIdentifier, r.Cluster, r.Routing, r.Region, r.Targets)
	if r.Weight != nil {
		s += fmt.Sprintf(" weight=%d", *r.Weight)
	}
	if r.FailoverPriority != nil {
		s += fmt.Sprintf(" priority=%d", *r.FailoverPriority)
	}
	if r.HealthCheck != nil {
		s += fmt.Sprintf(" hc=%+v", *r.HealthCheck)
	}
	if len(r.Zones) > 0 {
		s += fmt.Sprintf(" zones=%v", r.Zones)
	}
	return s
}

func TestCanonical(t *testing.T) {
	withRegion := func(r providers.Record, region string) providers.Record { r.Region = region; return r }
	withPrio := func(r providers.Record, p int) providers.Record { r.FailoverPriority = &p; return r }
	withHC := func(r providers.Record, hc providers.HealthCheck) providers.Record { r.HealthCheck = &hc; return r }
	cases := []struct {
		name string
		in   []providers.Record
		want []string
	}{{
		name: "plain set drops routing, zones and cluster; names and targets normalised",
		in: []providers.Record{{Name: "WWW.Example.com.", Type: "A", TTL: 60, Targets: []string{"203.0.113.2", "203.0.113.1", "203.0.113.2"},
			Cluster: "c1", Region: "us-east-1", Zones: []string{"a"}, Routing: providers.RoutingNearest}},
		want: []string{`www.example.com A "" cluster="" routing="" region="" [203.0.113.1 203.0.113.2]`},
	}, {
		name: "CNAME targets lose case and final dot",
		in:   []providers.Record{set("x.example.com", "CNAME", "LB.Example.NET.")},
		want: []string{`x.example.com CNAME "" cluster="" routing="" region="" [lb.example.net]`},
	}, {
		name: "nearest maps regions: AWS as is, other clouds to the nearest, case-insensitive, RegionMap, unknown and empty to the default",
		in: []providers.Record{
			withRegion(routed("a.example.com", "aws", providers.RoutingNearest, "203.0.113.1"), "ap-south-1"),
			withRegion(routed("a.example.com", "gcp", providers.RoutingNearest, "203.0.113.2"), "Australia-Southeast1"),
			withRegion(routed("a.example.com", "azure", providers.RoutingNearest, "203.0.113.3"), "northeurope"),
			withRegion(routed("a.example.com", "onprem", providers.RoutingNearest, "203.0.113.4"), "Berlin-DC1"),
			withRegion(routed("b.example.com", "mars", providers.RoutingNearest, "203.0.113.5"), "mars-1"),
			routed("c.example.com", "none", providers.RoutingNearest, "203.0.113.6"),
		},
		want: []string{
			`a.example.com A "aws" cluster="aws" routing="nearest" region="ap-south-1" [203.0.113.1]`,
			`a.example.com A "azure" cluster="azure" routing="nearest" region="eu-west-1" [203.0.113.3]`,
			`a.example.com A "gcp" cluster="gcp" routing="nearest" region="ap-southeast-2" [203.0.113.2]`,
			`a.example.com A "onprem" cluster="onprem" routing="nearest" region="eu-central-1" [203.0.113.4]`,
			`b.example.com A "mars" cluster="mars" routing="nearest" region="us-east-1" [203.0.113.5]`,
			`c.example.com A "none" cluster="none" routing="nearest" region="us-east-1" [203.0.113.6]`,
		},
	}, {
		name: "nearest sets of one name sharing an AWS region merge; other types and names do not",
		in: []providers.Record{
			withRegion(routed("a.example.com", "z2", providers.RoutingNearest, "203.0.113.2"), "us-east4"),
			withRegion(routed("a.example.com", "a1", providers.RoutingNearest, "203.0.113.1"), "us-east-1"),
			withRegion(routed("a.example.com", "m3", providers.RoutingNearest, "203.0.113.1"), "eastus"),
			withRegion(routed("b.example.com", "a1", providers.RoutingNearest, "203.0.113.9"), "us-east-1"),
		},
		want: []string{
			`a.example.com A "a1+m3+z2" cluster="a1+m3+z2" routing="nearest" region="us-east-1" [203.0.113.1 203.0.113.2]`,
			`b.example.com A "a1" cluster="a1" routing="nearest" region="us-east-1" [203.0.113.9]`,
		},
	}, {
		name: "weights are clamped to 0..255, 1 when missing",
		in: []providers.Record{
			{Name: "w.example.com", Type: "A", SetIdentifier: "big", Routing: providers.RoutingWeighted, Weight: ptr(int64(1000)), Targets: []string{"203.0.113.1"}},
			{Name: "w.example.com", Type: "A", SetIdentifier: "neg", Routing: providers.RoutingWeighted, Weight: ptr(int64(-4)), Targets: []string{"203.0.113.2"}},
			{Name: "w.example.com", Type: "A", SetIdentifier: "nil", Routing: providers.RoutingWeighted, Targets: []string{"203.0.113.3"}},
		},
		want: []string{
			`w.example.com A "big" cluster="big" routing="weighted" region="" [203.0.113.1] weight=255`,
			`w.example.com A "neg" cluster="neg" routing="weighted" region="" [203.0.113.2] weight=0`,
			`w.example.com A "nil" cluster="nil" routing="weighted" region="" [203.0.113.3] weight=1`,
		},
	}, {
		name: "failover ranks priorities per name into primary and secondary and leaves out the rest",
		in: []providers.Record{
			withPrio(routed("f.example.com", "c3", providers.RoutingFailover, "203.0.113.3"), 7),
			withPrio(routed("f.example.com", "c2", providers.RoutingFailover, "203.0.113.2"), 2),
			withPrio(routed("f.example.com", "c1", providers.RoutingFailover, "203.0.113.1"), 2),
			withPrio(routed("g.example.com", "c9", providers.RoutingFailover, "203.0.113.9"), 4),
		},
		want: []string{
			`f.example.com A "c1" cluster="c1" routing="failover" region="" [203.0.113.1] priority=0`,
			`f.example.com A "c2" cluster="c2" routing="failover" region="" [203.0.113.2] priority=1`,
			`g.example.com A "c9" cluster="c9" routing="failover" region="" [203.0.113.9] priority=0`,
		},
	}, {
		name: "all, or no known routing, with a set identifier is multivalue",
		in: []providers.Record{
			routed("m.example.com", "c1", providers.RoutingAll, "203.0.113.1"),
			routed("m.example.com", "c2", "", "203.0.113.2"),
		},
		want: []string{
			`m.example.com A "c1" cluster="c1" routing="all" region="" [203.0.113.1]`,
			`m.example.com A "c2" cluster="c2" routing="all" region="" [203.0.113.2]`,
		},
	}, {
		name: "health checks take Route 53's defaults and bounds; TXT sets have none",
		in: []providers.Record{
			withHC(set("h1.example.com", "A", "203.0.113.1"), providers.HealthCheck{Protocol: "http"}),
			withHC(set("h2.example.com", "A", "203.0.113.1"), providers.HealthCheck{Protocol: "HTTPS", Path: "healthz", IntervalSeconds: 15, FailureThreshold: 20}),
			withHC(set("h3.example.com", "A", "203.0.113.1"), providers.HealthCheck{Protocol: "TCP", Port: 5432, Path: "/x", IntervalSeconds: 60}),
			withHC(set("h4.example.com", "TXT", "hello"), providers.HealthCheck{Protocol: "HTTP"}),
		},
		want: []string{
			`h1.example.com A "" cluster="" routing="" region="" [203.0.113.1] hc={Protocol:HTTP Port:80 Path:/ IntervalSeconds:30 FailureThreshold:3}`,
			`h2.example.com A "" cluster="" routing="" region="" [203.0.113.1] hc={Protocol:HTTPS Port:443 Path:/healthz IntervalSeconds:10 FailureThreshold:10}`,
			`h3.example.com A "" cluster="" routing="" region="" [203.0.113.1] hc={Protocol:TCP Port:5432 Path: IntervalSeconds:30 FailureThreshold:3}`,
			`h4.example.com TXT "" cluster="" routing="" region="" [hello]`,
		},
	}}
	p := canonicalProvider(map[string]string{"berlin-dc1": "eu-central-1"}, logr.Discard())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := p.Canonical(tc.in)
			var lines []string
			for _, r := range got {
				lines = append(lines, show(r))
			}
			wantLines(t, "canonical sets", lines, tc.want)
			again := p.Canonical(got)
			for i := range again {
				if !again[i].Equal(&got[i]) {
					t.Errorf("Canonical is not idempotent: %s became %s", show(got[i]), show(again[i]))
				}
			}
		})
	}
}

// TestCanonicalSaysWhatItChanges checks that clamping, leaving out failover sets and falling
// back to the default region are logged, once each however often Canonical runs.
func TestCanonicalSaysWhatItChanges(t *testing.T) {
	var logged []string
	log := funcr.New(func(prefix, args string) { logged = append(logged, args) }, funcr.Options{})
	p := canonicalProvider(nil, log)
	in := []providers.Record{
		{Name: "w.example.com", Type: "A", SetIdentifier: "c1", Routing: providers.RoutingWeighted, Weight: ptr(int64(900)), Targets: []string{"203.0.113.1"}},
		{Name: "n.example.com", Type: "A", SetIdentifier: "c1", Routing: providers.RoutingNearest, Region: "moon-base", Targets: []string{"203.0.113.1"}},
		{Name: "f.example.com", Type: "A", SetIdentifier: "c1", Routing: providers.RoutingFailover, FailoverPriority: ptr(0), Targets: []string{"203.0.113.1"}},
		{Name: "f.example.com", Type: "A", SetIdentifier: "c2", Routing: providers.RoutingFailover, FailoverPriority: ptr(1), Targets: []string{"203.0.113.2"}},
		{Name: "f.example.com", Type: "A", SetIdentifier: "c3", Routing: providers.RoutingFailover, FailoverPriority: ptr(2), Targets: []string{"203.0.113.3"}},
	}
	for range 3 {
		p.Canonical(in)
	}
	if len(logged) != 3 {
		t.Fatalf("logged %d messages, want 3: %v", len(logged), logged)
	}
	all := strings.Join(logged, "\n")
	for _, want := range []string{`"weight"=900`, `"region"="moon-base"`, `"set"="c3"`} {
		if !strings.Contains(all, want) {
			t.Errorf("logs lack %s:\n%s", want, all)
		}
	}
}

// TestCanonicalRoundTrip writes every strategy (with health checks) and checks that the sets
// read back equal the canonical desired sets: the next plan is empty, for this provider and for
// a new one that only has the listing.
func TestCanonicalRoundTrip(t *testing.T) {
	e := newEnv(t)
	reg := owned(e.provider(Config{}))
	hc := &providers.HealthCheck{Protocol: "HTTP", Port: 8080, Path: "healthz", IntervalSeconds: 5, FailureThreshold: 2}
	desired := []providers.Record{
		{Name: "Plain.Example.com", Type: "A", TTL: 30, Targets: []string{"8.8.4.4", "8.8.8.8"}, HealthCheck: hc, Zones: []string{"z1"}},
		{Name: "v6.example.com", Type: "AAAA", TTL: 30, Targets: []string{"2001:4860:4860:0:0:0:0:8888"}},
		{Name: "alias.example.com", Type: "CNAME", TTL: 30, Targets: []string{"LB.example.net."}},
		{Name: "txt.example.com", Type: "TXT", TTL: 30, Targets: []string{`v=spf1 "quoted" \ ` + strings.Repeat("x", 300)}},
		{Name: "near.example.com", Type: "A", TTL: 30, SetIdentifier: "c1", Routing: providers.RoutingNearest, Region: "westeurope", Targets: []string{"9.9.9.9"}, HealthCheck: hc},
		{Name: "near.example.com", Type: "A", TTL: 30, SetIdentifier: "c2", Routing: providers.RoutingNearest, Region: "us-east4", Targets: []string{"1.1.1.1"}},
		{Name: "near.example.com", Type: "A", TTL: 30, SetIdentifier: "c3", Routing: providers.RoutingNearest, Targets: []string{"1.0.0.1"}},
		{Name: "wt.example.com", Type: "A", TTL: 30, SetIdentifier: "c1", Routing: providers.RoutingWeighted, Weight: ptr(int64(999)), Targets: []string{"9.9.9.9"}},
		{Name: "fo.example.com", Type: "A", TTL: 30, SetIdentifier: "c1", Routing: providers.RoutingFailover, FailoverPriority: ptr(3), Targets: []string{"9.9.9.9"}, HealthCheck: hc},
		{Name: "fo.example.com", Type: "A", TTL: 30, SetIdentifier: "c2", Routing: providers.RoutingFailover, FailoverPriority: ptr(5), Targets: []string{"1.1.1.1"}},
		{Name: "mv.example.com", Type: "A", TTL: 30, SetIdentifier: "c1", Routing: providers.RoutingAll, Targets: []string{"9.9.9.9"}, HealthCheck: hc},
		{Name: "*.wild.example.com", Type: "A", TTL: 30, Targets: []string{"9.9.9.9"}},
	}
	mustSync(t, reg, testResource, desired)
	for _, fresh := range []bool{false, true} {
		if fresh {
			reg = owned(e.provider(Config{}))
		}
		changes := mustSync(t, reg, testResource, desired)
		if !changes.Empty() {
			t.Errorf("fresh provider %t: the plan after one apply is not empty: %d creations, %d updates, %d deletions: %+v",
				fresh, len(changes.Create), len(changes.Update), len(changes.Delete), changes)
		}
	}
	// The same, compared directly: the canonical desired sets are exactly what Records returns.
	current, err := reg.Records(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := plan.Calculate(current, reg.Canonical(desired), testOwner, testResource)
	if err != nil || !res.Changes.Empty() || len(res.Conflicts) > 0 {
		t.Errorf("plan: %+v, %v", res, err)
	}
	if n := len(e.fake.HealthChecks()); n != 4 {
		t.Errorf("%d health checks, want 4 (one per set that asks for one)", n)
	}
}
