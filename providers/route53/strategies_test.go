package route53

import (
	"testing"

	"github.com/meridian-dns/meridian/providers"
)

// TestStrategies publishes each routing strategy through the TXT registry and compares what the
// fake holds afterwards, set by set and field by field.
func TestStrategies(t *testing.T) {
	const www = "www.example.com"
	weight := func(r providers.Record, w int64) providers.Record { r.Weight = &w; return r }
	region := func(r providers.Record, reg string) providers.Record { r.Region = reg; return r }
	priority := func(r providers.Record, p int) providers.Record { r.FailoverPriority = &p; return r }
	cases := []struct {
		name    string
		desired []providers.Record
		want    []string
	}{{
		name:    "plain",
		desired: []providers.Record{set(www, providers.TypeA, "203.0.113.10", "198.51.100.7")},
		want: []string{
			"a-www.example.com. TXT ttl=60 [" + heritage + "]",
			"www.example.com. A ttl=60 [198.51.100.7 203.0.113.10]",
		},
	}, {
		// c1 labels an AWS region, c2 a GCP one (St. Ghislain → Paris), c3 none (the default,
		// us-east-1, which c1 already has: one latency set per region, so they merge).
		name: "nearest",
		desired: []providers.Record{
			region(routed(www, "c1", providers.RoutingNearest, "203.0.113.1"), "us-east-1"),
			region(routed(www, "c2", providers.RoutingNearest, "203.0.113.2"), "europe-west1"),
			routed(www, "c3", providers.RoutingNearest, "203.0.113.3"),
		},
		want: []string{
			"a-www.example.com. TXT ttl=60 set=c1+c3 region=us-east-1 [" + heritage + "]",
			"a-www.example.com. TXT ttl=60 set=c2 region=eu-west-3 [" + heritage + "]",
			"www.example.com. A ttl=60 set=c1+c3 region=us-east-1 [203.0.113.1 203.0.113.3]",
			"www.example.com. A ttl=60 set=c2 region=eu-west-3 [203.0.113.2]",
		},
	}, {
		name: "weighted, clamped to 255",
		desired: []providers.Record{
			weight(routed(www, "c1", providers.RoutingWeighted, "203.0.113.1"), 3),
			weight(routed(www, "c2", providers.RoutingWeighted, "203.0.113.2"), 300),
			weight(routed(www, "c3", providers.RoutingWeighted, "203.0.113.3"), 0),
		},
		want: []string{
			"a-www.example.com. TXT ttl=60 set=c1 weight=3 [" + heritage + "]",
			"a-www.example.com. TXT ttl=60 set=c2 weight=255 [" + heritage + "]",
			"a-www.example.com. TXT ttl=60 set=c3 weight=0 [" + heritage + "]",
			"www.example.com. A ttl=60 set=c1 weight=3 [203.0.113.1]",
			"www.example.com. A ttl=60 set=c2 weight=255 [203.0.113.2]",
			"www.example.com. A ttl=60 set=c3 weight=0 [203.0.113.3]",
		},
	}, {
		// Priorities 1 and 2 (the primary cluster is unhealthy): the best one is PRIMARY.
		name: "failover",
		desired: []providers.Record{
			priority(routed(www, "c2", providers.RoutingFailover, "203.0.113.2"), 2),
			priority(routed(www, "c1", providers.RoutingFailover, "203.0.113.1"), 1),
		},
		want: []string{
			"a-www.example.com. TXT ttl=60 set=c1 failover=PRIMARY [" + heritage + "]",
			"a-www.example.com. TXT ttl=60 set=c2 failover=SECONDARY [" + heritage + "]",
			"www.example.com. A ttl=60 set=c1 failover=PRIMARY [203.0.113.1]",
			"www.example.com. A ttl=60 set=c2 failover=SECONDARY [203.0.113.2]",
		},
	}, {
		name: "all",
		desired: []providers.Record{
			routed(www, "c1", providers.RoutingAll, "203.0.113.1"),
			routed(www, "c2", providers.RoutingAll, "203.0.113.2", "203.0.113.3"),
		},
		want: []string{
			"a-www.example.com. TXT ttl=60 set=c1 multivalue=true [" + heritage + "]",
			"a-www.example.com. TXT ttl=60 set=c2 multivalue=true [" + heritage + "]",
			"www.example.com. A ttl=60 set=c1 multivalue=true [203.0.113.1]",
			"www.example.com. A ttl=60 set=c2 multivalue=true [203.0.113.2 203.0.113.3]",
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			reg := owned(e.provider(Config{}))
			mustSync(t, reg, testResource, tc.desired)
			wantLines(t, "stored sets", e.stored(), tc.want)
			if changes := mustSync(t, reg, testResource, tc.desired); !changes.Empty() {
				t.Errorf("second pass planned %+v, want nothing", changes)
			}
		})
	}
}

// TestStrategyChange moves a name from weighted to latency records: Route 53 cannot UPSERT a set
// into another routing policy, so the sets are deleted and created in one batch.
func TestStrategyChange(t *testing.T) {
	e := newEnv(t)
	reg := owned(e.provider(Config{}))
	w := int64(5)
	weighted := []providers.Record{routed("www.example.com", "c1", providers.RoutingWeighted, "203.0.113.1"),
		routed("www.example.com", "c2", providers.RoutingWeighted, "203.0.113.2")}
	weighted[0].Weight, weighted[1].Weight = &w, &w
	mustSync(t, reg, testResource, weighted)
	nearest := []providers.Record{routed("www.example.com", "c1", providers.RoutingNearest, "203.0.113.1"),
		routed("www.example.com", "c2", providers.RoutingNearest, "203.0.113.2")}
	nearest[0].Region, nearest[1].Region = "us-west-2", "eu-central-1"
	e.api.sent()
	mustSync(t, reg, testResource, nearest)
	if n := len(e.api.sent()); n != 1 {
		t.Errorf("the change took %d batches, want 1", n)
	}
	wantLines(t, "stored sets", e.stored(), []string{
		"a-www.example.com. TXT ttl=60 set=c1 region=us-west-2 [" + heritage + "]",
		"a-www.example.com. TXT ttl=60 set=c2 region=eu-central-1 [" + heritage + "]",
		"www.example.com. A ttl=60 set=c1 region=us-west-2 [203.0.113.1]",
		"www.example.com. A ttl=60 set=c2 region=eu-central-1 [203.0.113.2]",
	})
}
