package dnsendpoint

import (
	"maps"
	"slices"
	"testing"
)

// Location labels of the clusters, as per-cluster endpoints carry them.
var (
	c1Labels = map[string]string{LabelCluster: "c1", LabelRegion: "us-east1", LabelZones: "us-east1-b"}
	c2Labels = map[string]string{LabelCluster: "c2", LabelRegion: "us-east1", LabelZones: "us-east1-c"}
	c3Labels = map[string]string{LabelCluster: "c3", LabelRegion: "europe-west1", LabelZones: "europe-west1-b"}
)

// with returns a copy of labels with more key/value pairs.
func with(labels map[string]string, kv ...string) map[string]string {
	out := maps.Clone(labels)
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func nearestProps(region string) []ProviderSpecificProperty {
	return []ProviderSpecificProperty{
		prop(PropertyAWSRegion, region), prop(PropertyRegion, region), prop(PropertyRoutingPolicy, "nearest")}
}

func weightProps(w string) []ProviderSpecificProperty {
	return []ProviderSpecificProperty{
		prop(PropertyAWSWeight, w), prop(PropertyRoutingPolicy, "weighted"), prop(PropertyWeight, w)}
}

func failoverProps(primary bool) []ProviderSpecificProperty {
	if primary {
		return []ProviderSpecificProperty{prop(PropertyAWSFailover, "PRIMARY"),
			prop(PropertyFailoverRole, "primary"), prop(PropertyRoutingPolicy, "failover")}
	}
	return []ProviderSpecificProperty{prop(PropertyAWSFailover, "SECONDARY"),
		prop(PropertyFailoverRole, "backup"), prop(PropertyRoutingPolicy, "failover")}
}

// TestNearest: the global name is split per cluster with its region for latency or geo routing;
// region and zone names stay KubeFed's unions. nearest is the default strategy.
func TestNearest(t *testing.T) {
	allHealthy := []Endpoint{
		routed(a(nGlobal, ip1), "c1", c1Labels, nearestProps("us-east1")...),
		routed(a(nGlobal, ip2), "c2", c2Labels, nearestProps("us-east1")...),
		routed(a(nGlobal, ip3), "c3", c3Labels, nearestProps("europe-west1")...),
		a(nUSEast, ip1, ip2), a(nUSEastB, ip1), a(nUSEastC, ip2),
		a(nEUWest, ip3), a(nEUWestB, ip3),
	}
	dual := c1()
	dual.LoadBalancer = lb(ip1, "2001:db8::1")
	hostOnly := c2()
	hostOnly.LoadBalancer = []LoadBalancerIngress{{Hostname: "lb-2.elb.test"}}
	external := service(StrategyNearest)
	external.ExternalName = "shop-web"
	ttl := service(StrategyNearest)
	ttl.RecordTTL = 60

	runBuildCases(t, []buildCase{{
		name:   "all healthy",
		rec:    service(StrategyNearest),
		shards: []Shard{c1(), c2(), c3()},
		want:   allHealthy,
	}, {
		name:   "default strategy is nearest",
		rec:    service(""),
		shards: []Shard{c3(), c2(), c1()},
		want:   allHealthy,
	}, {
		name:   "whole region down",
		rec:    service(StrategyNearest),
		shards: []Shard{noEndpoints(c1()), offline(c2()), c3()},
		want: []Endpoint{
			routed(a(nGlobal, ip3), "c3", c3Labels, nearestProps("europe-west1")...),
			cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast), cn(nUSEastC, nUSEast),
			a(nEUWest, ip3), a(nEUWestB, ip3),
		},
	}, {
		name:   "every shard down fails open per cluster",
		rec:    service(StrategyNearest),
		shards: []Shard{noEndpoints(c1()), offline(c2()), offline(c3())},
		want: []Endpoint{
			routed(a(nGlobal, ip1), "c1", c1Labels, nearestProps("us-east1")...),
			routed(a(nGlobal, ip2), "c2", c2Labels, nearestProps("us-east1")...),
			routed(a(nGlobal, ip3), "c3", c3Labels, nearestProps("europe-west1")...),
			cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast), cn(nUSEastC, nUSEast),
			cn(nEUWest, nGlobal), cn(nEUWestB, nEUWest),
		},
		facts: Facts{FailedOpen: true},
	}, {
		// No region, no location to route by: only the policy; the provider decides.
		name:   "unlabeled cluster",
		rec:    service(StrategyNearest),
		shards: []Shard{c3(), {Cluster: "c4", LoadBalancer: lb("10.0.2.4"), Healthy: true}},
		want: []Endpoint{
			routed(a(nGlobal, ip3), "c3", c3Labels, nearestProps("europe-west1")...),
			routed(a(nGlobal, "10.0.2.4"), "c4", map[string]string{LabelCluster: "c4"},
				prop(PropertyRoutingPolicy, "nearest")),
			a(nEUWest, ip3), a(nEUWestB, ip3),
		},
		facts: Facts{UnlabeledClusters: []UnlabeledCluster{{Cluster: "c4", MissingRegion: true, MissingZones: true}}},
	}, {
		name:   "dual stack: A and AAAA under one set identifier",
		rec:    service(StrategyNearest),
		shards: []Shard{dual},
		want: []Endpoint{
			routed(a(nGlobal, ip1), "c1", c1Labels, nearestProps("us-east1")...),
			routed(aaaa(nGlobal, "2001:db8::1"), "c1", c1Labels, nearestProps("us-east1")...),
			a(nUSEast, ip1), aaaa(nUSEast, "2001:db8::1"), a(nUSEastB, ip1), aaaa(nUSEastB, "2001:db8::1"),
		},
	}, {
		// A name holds a CNAME or addresses, never both: the hostname-only cluster leaves the
		// split global name and serves only its zone.
		name:   "hostname-only cluster next to addresses",
		rec:    service(StrategyNearest),
		shards: []Shard{c1(), hostOnly},
		want: []Endpoint{
			routed(a(nGlobal, ip1), "c1", c1Labels, nearestProps("us-east1")...),
			a(nUSEast, ip1), a(nUSEastB, ip1), cn(nUSEastC, "lb-2.elb.test"),
		},
	}, {
		name:   "hostname-only clusters get a CNAME each",
		rec:    ingress(StrategyNearest, "shop.example.com"),
		shards: []Shard{hostOnly, offline(c1())},
		want: []Endpoint{
			routed(cn("shop.example.com", "lb-2.elb.test"), "c2", c2Labels, nearestProps("us-east1")...),
		},
	}, {
		name:   "externalName label and TTL on split endpoints",
		rec:    func() Record { r := external; r.RecordTTL = 60; return r }(),
		shards: []Shard{c1()},
		want: []Endpoint{
			{DNSName: "shop-web.shop.prod.svc.example.com", Targets: []string{ip1}, RecordType: RecordTypeA,
				RecordTTL: 60, SetIdentifier: "c1", Labels: with(c1Labels, LabelServiceName, "web"),
				ProviderSpecific: nearestProps("us-east1")},
			{DNSName: "shop-web.shop.prod.svc.us-east1.example.com", Targets: []string{ip1},
				RecordType: RecordTypeA, RecordTTL: 60, Labels: map[string]string{LabelServiceName: "web"}},
			{DNSName: "shop-web.shop.prod.svc.us-east1-b.us-east1.example.com", Targets: []string{ip1},
				RecordType: RecordTypeA, RecordTTL: 60, Labels: map[string]string{LabelServiceName: "web"}},
		},
	}, {
		name:   "explicit TTL",
		rec:    ttl,
		shards: []Shard{c3()},
		want: []Endpoint{
			{DNSName: nGlobal, Targets: []string{ip3}, RecordType: RecordTypeA, RecordTTL: 60, SetIdentifier: "c3",
				Labels: c3Labels, ProviderSpecific: nearestProps("europe-west1")},
			{DNSName: nEUWest, Targets: []string{ip3}, RecordType: RecordTypeA, RecordTTL: 60},
			{DNSName: nEUWestB, Targets: []string{ip3}, RecordType: RecordTypeA, RecordTTL: 60},
		},
	}})
}

// TestWeighted: global and region names are split, each cluster carrying its weight.
func TestWeighted(t *testing.T) {
	weighted := service(StrategyWeighted)
	weighted.Routing.Weights = map[string]int64{"c1": 3, "c2": 1}

	runBuildCases(t, []buildCase{{
		// c3 is not in the weights: 0, served only when nothing else is.
		name:   "all healthy",
		rec:    weighted,
		shards: []Shard{c1(), c2(), c3()},
		want: []Endpoint{
			routed(a(nGlobal, ip1), "c1", with(c1Labels, LabelWeight, "3"), weightProps("3")...),
			routed(a(nGlobal, ip2), "c2", with(c2Labels, LabelWeight, "1"), weightProps("1")...),
			routed(a(nGlobal, ip3), "c3", with(c3Labels, LabelWeight, "0"), weightProps("0")...),
			routed(a(nUSEast, ip1), "c1", with(c1Labels, LabelWeight, "3"), weightProps("3")...),
			routed(a(nUSEast, ip2), "c2", with(c2Labels, LabelWeight, "1"), weightProps("1")...),
			routed(a(nEUWest, ip3), "c3", with(c3Labels, LabelWeight, "0"), weightProps("0")...),
			a(nUSEastB, ip1), a(nUSEastC, ip2), a(nEUWestB, ip3),
		},
	}, {
		name:   "no weights: equal shares",
		rec:    service(StrategyWeighted),
		shards: []Shard{c1(), c2()},
		want: []Endpoint{
			routed(a(nGlobal, ip1), "c1", with(c1Labels, LabelWeight, "1"), weightProps("1")...),
			routed(a(nGlobal, ip2), "c2", with(c2Labels, LabelWeight, "1"), weightProps("1")...),
			routed(a(nUSEast, ip1), "c1", with(c1Labels, LabelWeight, "1"), weightProps("1")...),
			routed(a(nUSEast, ip2), "c2", with(c2Labels, LabelWeight, "1"), weightProps("1")...),
			a(nUSEastB, ip1), a(nUSEastC, ip2),
		},
	}, {
		name:   "one shard without ready endpoints",
		rec:    weighted,
		shards: []Shard{c1(), noEndpoints(c2()), c3()},
		want: []Endpoint{
			routed(a(nGlobal, ip1), "c1", with(c1Labels, LabelWeight, "3"), weightProps("3")...),
			routed(a(nGlobal, ip3), "c3", with(c3Labels, LabelWeight, "0"), weightProps("0")...),
			routed(a(nUSEast, ip1), "c1", with(c1Labels, LabelWeight, "3"), weightProps("3")...),
			routed(a(nEUWest, ip3), "c3", with(c3Labels, LabelWeight, "0"), weightProps("0")...),
			a(nUSEastB, ip1), cn(nUSEastC, nUSEast), a(nEUWestB, ip3),
		},
	}, {
		name: "Ingress hosts are split",
		rec: func() Record {
			r := ingress(StrategyWeighted, "shop.example.com")
			r.Routing.Weights = weighted.Routing.Weights
			return r
		}(),
		shards: []Shard{c1(), c2()},
		want: []Endpoint{
			routed(a("shop.example.com", ip1), "c1", with(c1Labels, LabelWeight, "3"), weightProps("3")...),
			routed(a("shop.example.com", ip2), "c2", with(c2Labels, LabelWeight, "1"), weightProps("1")...),
		},
	}})
}

// TestFailover: global and region names carry the two healthy clusters with the highest
// priority as primary and secondary.
func TestFailover(t *testing.T) {
	failover := service(StrategyFailover)
	failover.Routing.FailoverOrder = []string{"c3", "c1"} // c2 unlisted: after them, priority 2
	p := func(labels map[string]string, priority string) map[string]string {
		return with(labels, LabelFailoverPriority, priority)
	}

	runBuildCases(t, []buildCase{{
		name:   "all healthy",
		rec:    failover,
		shards: []Shard{c1(), c2(), c3()},
		want: []Endpoint{
			routed(a(nGlobal, ip3), "c3", p(c3Labels, "0"), failoverProps(true)...),
			routed(a(nGlobal, ip1), "c1", p(c1Labels, "1"), failoverProps(false)...),
			routed(a(nUSEast, ip1), "c1", p(c1Labels, "1"), failoverProps(true)...),
			routed(a(nUSEast, ip2), "c2", p(c2Labels, "2"), failoverProps(false)...),
			routed(a(nEUWest, ip3), "c3", p(c3Labels, "0"), failoverProps(true)...),
			a(nUSEastB, ip1), a(nUSEastC, ip2), a(nEUWestB, ip3),
		},
	}, {
		name:   "primary cluster offline",
		rec:    failover,
		shards: []Shard{c1(), c2(), offline(c3())},
		want: []Endpoint{
			routed(a(nGlobal, ip1), "c1", p(c1Labels, "1"), failoverProps(true)...),
			routed(a(nGlobal, ip2), "c2", p(c2Labels, "2"), failoverProps(false)...),
			routed(a(nUSEast, ip1), "c1", p(c1Labels, "1"), failoverProps(true)...),
			routed(a(nUSEast, ip2), "c2", p(c2Labels, "2"), failoverProps(false)...),
			a(nUSEastB, ip1), a(nUSEastC, ip2),
			cn(nEUWest, nGlobal), cn(nEUWestB, nEUWest),
		},
	}, {
		name:   "every shard down fails open in priority order",
		rec:    failover,
		shards: []Shard{offline(c1()), offline(c2()), offline(c3())},
		want: []Endpoint{
			routed(a(nGlobal, ip3), "c3", p(c3Labels, "0"), failoverProps(true)...),
			routed(a(nGlobal, ip1), "c1", p(c1Labels, "1"), failoverProps(false)...),
			cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast), cn(nUSEastC, nUSEast),
			cn(nEUWest, nGlobal), cn(nEUWestB, nEUWest),
		},
		facts: Facts{FailedOpen: true},
	}, {
		// Without an order, clusters rank by name; listed clusters that are absent keep their
		// place, and a repeated one counts once.
		name: "order with absent and repeated clusters",
		rec: func() Record {
			r := service(StrategyFailover)
			r.Routing.FailoverOrder = []string{"gone", "c2", "c2"}
			return r
		}(),
		shards: []Shard{c1(), c2()},
		want: []Endpoint{
			routed(a(nGlobal, ip2), "c2", p(c2Labels, "1"), failoverProps(true)...),
			routed(a(nGlobal, ip1), "c1", p(c1Labels, "2"), failoverProps(false)...),
			routed(a(nUSEast, ip2), "c2", p(c2Labels, "1"), failoverProps(true)...),
			routed(a(nUSEast, ip1), "c1", p(c1Labels, "2"), failoverProps(false)...),
			a(nUSEastB, ip1), a(nUSEastC, ip2),
		},
	}})
}

// TestAllStrategyHasNoRoutingData: all is KubeFed's output, nothing per cluster.
func TestAllStrategyHasNoRoutingData(t *testing.T) {
	got, err := Build(service(StrategyAll), []Shard{c1(), c2(), c3()})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got.Endpoints {
		if e.SetIdentifier != "" || e.Labels != nil || e.ProviderSpecific != nil {
			t.Errorf("%s %s: routing data under strategy all: %+v", e.DNSName, e.RecordType, e)
		}
	}
}

// A health check reaches every per-cluster endpoint, and only those: a provider health check
// watches one cluster's set.
func TestHealthCheckOnPerClusterEndpoints(t *testing.T) {
	rec := service(StrategyWeighted)
	rec.Routing.HealthCheck = "protocol=TCP,port=443,interval=10,failureThreshold=3"
	got, err := Build(rec, []Shard{c1(), c2(), c3()})
	if err != nil {
		t.Fatal(err)
	}
	withCheck := 0
	for _, e := range got.Endpoints {
		has := slices.Contains(e.ProviderSpecific, ProviderSpecificProperty{Name: PropertyHealthCheck, Value: rec.Routing.HealthCheck})
		if has != (e.SetIdentifier != "") {
			t.Errorf("%s %s (set %q): health check property %v", e.DNSName, e.RecordType, e.SetIdentifier, has)
		}
		if has {
			withCheck++
		}
	}
	if withCheck == 0 {
		t.Fatal("no endpoint carries the health check")
	}
}
