package clouddns

import (
	"slices"
	"testing"

	"github.com/meridian-dns/meridian/providers"
)

func TestCanonical(t *testing.T) {
	const name = "web.example.com"
	rec := func(typ, routing string, ttl int64, targets ...string) providers.Record {
		return providers.Record{Name: name, Type: typ, TTL: ttl, Routing: routing, Targets: targets}
	}
	cname := func(cluster, region, routing, target string) providers.Record {
		r := share(name, cluster, region, routing, target)
		r.Type = providers.TypeCNAME
		return r
	}
	txt := func(cluster, routing, target string) providers.Record {
		r := share(name, cluster, "us-east1", routing, target)
		r.Type = providers.TypeTXT
		return r
	}
	cases := []struct {
		name    string
		desired []providers.Record
		want    []providers.Record
	}{{
		name:    "nothing",
		desired: nil,
		want:    []providers.Record{},
	}, {
		name:    "a plain set loses what Cloud DNS does not keep",
		desired: []providers.Record{{Name: name, Type: "A", TTL: 60, Targets: []string{"192.0.2.2", "192.0.2.1"}, Region: "us-east1", Zones: []string{"b"}, Cluster: "c1", HealthCheck: &providers.HealthCheck{Port: 80}, Owner: "o", Resource: "r"}},
		want:    []providers.Record{{Name: name, Type: "A", TTL: 60, Targets: []string{"192.0.2.1", "192.0.2.2"}, Owner: "o", Resource: "r"}},
	}, {
		name:    "nearest: the smallest TTL, locations mapped and merged, targets encoded and sorted",
		desired: []providers.Record{share(name, "c2", "us-east-1", "nearest", "192.0.2.2"), withTTL(share(name, "c1", "us-east1", "nearest", "192.0.2.1"), 30)},
		want:    []providers.Record{rec("A", "nearest", 30, "us-east1|192.0.2.1", "us-east4|192.0.2.2")},
	}, {
		name:    "nearest CNAMEs: one target per item",
		desired: []providers.Record{cname("c1", "us-east1", "nearest", "b.example.net"), cname("c2", "us-east1", "nearest", "a.example.net"), cname("c3", "", "nearest", "c.example.net")},
		want:    []providers.Record{{Name: name, Type: "CNAME", TTL: 180, Routing: "nearest", Targets: []string{"us-east1|a.example.net"}}},
	}, {
		name:    "weighted: items in cluster order, weight 1 when none is given",
		desired: []providers.Record{withWeight(share(name, "b", "", "weighted", "192.0.2.2"), 5), share(name, "a", "", "weighted", "192.0.2.1")},
		want:    []providers.Record{rec("A", "weighted", 180, "0|1|192.0.2.1", "1|5|192.0.2.2")},
	}, {
		name:    "failover: a backup without a region sits at the primary's location",
		desired: []providers.Record{withPriority(share(name, "a", "", "failover", "192.0.2.2"), 1), withPriority(share(name, "b", "europe-west1", "failover", "192.0.2.1"), 0)},
		want:    []providers.Record{rec("A", "failover", 180, "backup|europe-west1|192.0.2.2", "primary|192.0.2.1")},
	}, {
		name:    "failover without priorities: cluster order",
		desired: []providers.Record{share(name, "b", "", "failover", "192.0.2.2"), share(name, "a", "", "failover", "192.0.2.1")},
		want:    []providers.Record{rec("A", "failover", 180, "backup|us-central1|192.0.2.2", "primary|192.0.2.1")},
	}, {
		name:    "failover of CNAMEs: the primary's target, plain",
		desired: []providers.Record{withPriority(cname("a", "", "failover", "b.example.net"), 0), withPriority(cname("b", "", "failover", "a.example.net"), 1)},
		want:    []providers.Record{{Name: name, Type: "CNAME", TTL: 180, Targets: []string{"b.example.net"}}},
	}, {
		name:    "all: the union, plain",
		desired: []providers.Record{share(name, "a", "us-east1", "all", "192.0.2.2"), share(name, "b", "", "all", "192.0.2.1", "192.0.2.2")},
		want:    []providers.Record{rec("A", "", 180, "192.0.2.1", "192.0.2.2")},
	}, {
		name:    "disagreeing strategies: the union, plain",
		desired: []providers.Record{share(name, "a", "us-east1", "nearest", "192.0.2.2"), share(name, "b", "", "weighted", "192.0.2.1")},
		want:    []providers.Record{rec("A", "", 180, "192.0.2.1", "192.0.2.2")},
	}, {
		name:    "routed TXT sets (registry companions) are plain",
		desired: []providers.Record{txt("", "nearest", "heritage=external-dns,external-dns/owner=m"), {Name: "t.example.com", Type: "TXT", TTL: 1, Targets: []string{"x|y"}, Routing: "weighted", SetIdentifier: "c1"}},
		want:    []providers.Record{{Name: "t.example.com", Type: "TXT", TTL: 1, Targets: []string{"x|y"}}, rec("TXT", "", 180, "heritage=external-dns,external-dns/owner=m")},
	}, {
		name:    "a routed set without a set identifier, not yet encoded, is one cluster's share",
		desired: []providers.Record{share(name, "", "europe-west1", "nearest", "192.0.2.1")},
		want:    []providers.Record{rec("A", "nearest", 180, "europe-west1|192.0.2.1")},
	}, {
		name:    "names and types stay apart, sorted",
		desired: []providers.Record{plain("b.example.com", "A", "192.0.2.2"), plain("a.example.com", "AAAA", "2001:db8::1"), plain("a.example.com", "A", "192.0.2.1")},
		want:    []providers.Record{plain("a.example.com", "A", "192.0.2.1"), plain("a.example.com", "AAAA", "2001:db8::1"), plain("b.example.com", "A", "192.0.2.2")},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := canonical(tc.desired, DefaultLocation)
			if dump(got) != dump(tc.want) {
				t.Fatalf("canonical:\n got %s\nwant %s", dump(got), dump(tc.want))
			}
			// Canonical sets are already canonical, and write and read back as themselves.
			if again := canonical(got, DefaultLocation); dump(again) != dump(got) {
				t.Errorf("not idempotent:\n got %s\nwant %s", dump(again), dump(got))
			}
			for _, r := range got {
				rr, err := toRRSet(r)
				if err != nil {
					t.Fatalf("writing %v: %v", r, err)
				}
				back := fromRRSet(rr)
				back.Owner, back.Resource = r.Owner, r.Resource
				if !back.Equal(&r) {
					t.Errorf("read back as %s; want %s", dump(back), dump(r))
				}
			}
		})
	}
}

// TestCanonicalKeepsInput checks that Canonical leaves the caller's slices alone.
func TestCanonicalKeepsInput(t *testing.T) {
	in := []providers.Record{share("w.example.com", "b", "", "all", "192.0.2.2", "192.0.2.1"), share("w.example.com", "a", "", "all", "192.0.2.3")}
	before := dump(in)
	canonical(in, DefaultLocation)
	if dump(in) != before {
		t.Errorf("input changed: %s", dump(in))
	}
	if !slices.Equal(in[0].Targets, []string{"192.0.2.2", "192.0.2.1"}) {
		t.Errorf("targets reordered in place: %v", in[0].Targets)
	}
}

func withTTL(r providers.Record, ttl int64) providers.Record { r.TTL = ttl; return r }

func withWeight(r providers.Record, w int64) providers.Record { r.Weight = &w; return r }

func withPriority(r providers.Record, p int) providers.Record { r.FailoverPriority = &p; return r }
