package dnsendpoint

import "testing"

// TestHealthScenarios runs the scenarios on its topology (c1, c2 in us-east1 zones b and
// c; c3 in europe-west1) with strategy all, so each expected endpoint set is KubeFed's shape.
func TestHealthScenarios(t *testing.T) {
	runBuildCases(t, []buildCase{{
		name:   "all healthy",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), c2(), c3()},
		want: []Endpoint{
			a(nGlobal, ip1, ip2, ip3),
			a(nUSEast, ip1, ip2), a(nUSEastB, ip1), a(nUSEastC, ip2),
			a(nEUWest, ip3), a(nEUWestB, ip3),
		},
	}, {
		// KubeFed: the shard leaves every name; its zone is sent to its region.
		name:   "one shard without ready endpoints",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), noEndpoints(c2()), c3()},
		want: []Endpoint{
			a(nGlobal, ip1, ip3),
			a(nUSEast, ip1), a(nUSEastB, ip1), cn(nUSEastC, nUSEast),
			a(nEUWest, ip3), a(nEUWestB, ip3),
		},
	}, {
		// KubeFed: the region name goes to the global name, its zones to the region.
		name:   "whole region down",
		rec:    service(StrategyAll),
		shards: []Shard{noEndpoints(c1()), noEndpoints(c2()), c3()},
		want: []Endpoint{
			a(nGlobal, ip3),
			cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast), cn(nUSEastC, nUSEast),
			a(nEUWest, ip3), a(nEUWestB, ip3),
		},
	}, {
		// KubeFed kept an offline cluster's entry with the load balancer cleared: CNAMEs.
		name:   "cluster offline",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), c2(), offline(c3())},
		want: []Endpoint{
			a(nGlobal, ip1, ip2),
			a(nUSEast, ip1, ip2), a(nUSEastB, ip1), a(nUSEastC, ip2),
			cn(nEUWest, nGlobal), cn(nEUWestB, nEUWest),
		},
	}, {
		// Meridian: never empty. The global name keeps what the shards last served: the address
		// still reported by the shards without endpoints, and the offline cluster's last known
		// one. Every region and zone name still leads there.
		name:   "every shard down fails open",
		rec:    service(StrategyAll),
		shards: []Shard{noEndpoints(c1()), noEndpoints(c2()), offline(c3())},
		want: []Endpoint{
			a(nGlobal, ip1, ip2, ip3),
			cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast), cn(nUSEastC, nUSEast),
			cn(nEUWest, nGlobal), cn(nEUWestB, nEUWest),
		},
		facts: Facts{FailedOpen: true},
	}, {
		// A cluster that went offline before it ever had an address has nothing to offer.
		name:   "failing open with what is known",
		rec:    service(StrategyAll),
		shards: []Shard{noEndpoints(c1()), offline(Shard{Cluster: "c9", Region: "us-east1", Zones: []string{"us-east1-c"}})},
		want: []Endpoint{
			a(nGlobal, ip1),
			cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast), cn(nUSEastC, nUSEast),
		},
		facts: Facts{FailedOpen: true},
	}, {
		// An explicit TTL applies to the fallback CNAMEs as well.
		name: "explicit TTL on fallbacks too",
		rec: func() Record {
			r := service(StrategyAll)
			r.RecordTTL = 30
			return r
		}(),
		shards: []Shard{c1(), noEndpoints(c2())},
		want: []Endpoint{
			{DNSName: nGlobal, Targets: []string{ip1}, RecordType: RecordTypeA, RecordTTL: 30},
			{DNSName: nUSEast, Targets: []string{ip1}, RecordType: RecordTypeA, RecordTTL: 30},
			{DNSName: nUSEastB, Targets: []string{ip1}, RecordType: RecordTypeA, RecordTTL: 30},
			{DNSName: nUSEastC, Targets: []string{nUSEast}, RecordType: RecordTypeCNAME, RecordTTL: 30},
		},
	}})
}

// TestIngressScenarios: an Ingress's hosts are global names, so they fail open like one.
func TestIngressScenarios(t *testing.T) {
	hosts := []string{"shop.example.com", "www.shop.example.com"}
	runBuildCases(t, []buildCase{{
		name:   "two hosts, one shard down",
		rec:    ingress(StrategyAll, hosts...),
		shards: []Shard{c1(), noEndpoints(c2()), c3()},
		want:   []Endpoint{a("shop.example.com", ip1, ip3), a("www.shop.example.com", ip1, ip3)},
	}, {
		name:   "two hosts, every shard down",
		rec:    ingress(StrategyAll, hosts...),
		shards: []Shard{offline(c1()), noEndpoints(c3())},
		want:   []Endpoint{a("shop.example.com", ip1, ip3), a("www.shop.example.com", ip1, ip3)},
		facts:  Facts{FailedOpen: true},
	}, {
		name:   "duplicate and empty hosts",
		rec:    ingress(StrategyAll, "shop.example.com", "", "shop.example.com"),
		shards: []Shard{c1()},
		want:   []Endpoint{a("shop.example.com", ip1)},
	}, {
		// Unlike a Service, no location names depend on labels: nothing to report.
		name:   "unlabeled cluster is not reported",
		rec:    ingress(StrategyAll, "shop.example.com"),
		shards: []Shard{{Cluster: "c4", LoadBalancer: lb("10.0.2.4"), Healthy: true}},
		want:   []Endpoint{a("shop.example.com", "10.0.2.4")},
	}})
}
