package dnsendpoint

import "testing"

// TestUnlabeledClusters: KubeFed's servicedns controller failed every record when one ready
// cluster lacked a region or zones. Meridian serves what the labels allow and reports the rest.
func TestUnlabeledClusters(t *testing.T) {
	noLabels := Shard{Cluster: "c4", LoadBalancer: lb("10.0.2.4"), Healthy: true}
	regionOnly := Shard{Cluster: "c5", Region: "us-east1", LoadBalancer: lb("10.0.2.5"), Healthy: true}
	zonesOnly := Shard{Cluster: "c6", Zones: []string{"us-east1-b"}, LoadBalancer: lb("10.0.2.6"), Healthy: true}

	runBuildCases(t, []buildCase{{
		name:   "no region and no zones: global name only",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), noLabels},
		want:   []Endpoint{a(nGlobal, ip1, "10.0.2.4"), a(nUSEast, ip1), a(nUSEastB, ip1)},
		facts:  Facts{UnlabeledClusters: []UnlabeledCluster{{Cluster: "c4", MissingRegion: true, MissingZones: true}}},
	}, {
		name:   "region without zones: global and region names",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), regionOnly},
		want:   []Endpoint{a(nGlobal, ip1, "10.0.2.5"), a(nUSEast, ip1, "10.0.2.5"), a(nUSEastB, ip1)},
		facts:  Facts{UnlabeledClusters: []UnlabeledCluster{{Cluster: "c5", MissingZones: true}}},
	}, {
		// A zone name contains its region, so zones without a region name nothing.
		name:   "zones without region: global name only",
		rec:    service(StrategyAll),
		shards: []Shard{zonesOnly},
		want:   []Endpoint{a(nGlobal, "10.0.2.6")},
		facts:  Facts{UnlabeledClusters: []UnlabeledCluster{{Cluster: "c6", MissingRegion: true}}},
	}, {
		name:   "empty zone strings count as none",
		rec:    service(StrategyAll),
		shards: []Shard{{Cluster: "c7", Region: "us-east1", Zones: []string{""}, LoadBalancer: lb(ip1), Healthy: true}},
		want:   []Endpoint{a(nGlobal, ip1), a(nUSEast, ip1)},
		facts:  Facts{UnlabeledClusters: []UnlabeledCluster{{Cluster: "c7", MissingZones: true}}},
	}, {
		// Reported whatever its health: the label is missing either way.
		name:   "unhealthy unlabeled cluster",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), noEndpoints(noLabels), zonesOnly},
		want:   []Endpoint{a(nGlobal, ip1, "10.0.2.6"), a(nUSEast, ip1), a(nUSEastB, ip1)},
		facts: Facts{UnlabeledClusters: []UnlabeledCluster{
			{Cluster: "c4", MissingRegion: true, MissingZones: true}, {Cluster: "c6", MissingRegion: true}}},
	}})
}

// TestLoadBalancerHostnames: KubeFed resolved hostnames itself and failed the record when it
// could not. Meridian's caller resolves; what it could not resolve becomes a CNAME to the
// hostname, only where no shard has an address.
func TestLoadBalancerHostnames(t *testing.T) {
	unresolved := func(s Shard, host string) Shard {
		s.LoadBalancer = []LoadBalancerIngress{{Hostname: host}}
		return s
	}
	runBuildCases(t, []buildCase{{
		name:   "unresolved hostname where it is alone",
		rec:    service(StrategyAll),
		shards: []Shard{unresolved(c1(), "lb-1.elb.test"), c2(), c3()},
		want: []Endpoint{
			a(nGlobal, ip2, ip3),
			a(nUSEast, ip2), cn(nUSEastB, "lb-1.elb.test"), a(nUSEastC, ip2),
			a(nEUWest, ip3), a(nEUWestB, ip3),
		},
	}, {
		// One CNAME target: the smallest hostname, so the choice does not depend on order.
		name:   "only hostnames",
		rec:    service(StrategyAll),
		shards: []Shard{unresolved(c1(), "lb-1.elb.test"), unresolved(c2(), "lb-0.elb.test")},
		want: []Endpoint{
			cn(nGlobal, "lb-0.elb.test"),
			cn(nUSEast, "lb-0.elb.test"), cn(nUSEastB, "lb-1.elb.test"), cn(nUSEastC, "lb-0.elb.test"),
		},
	}, {
		// An entry with an IP is served by it; its hostname adds nothing.
		name: "IP and hostname in one entry",
		rec:  service(StrategyAll),
		shards: []Shard{{Cluster: "c1", Region: "us-east1", Zones: []string{"us-east1-b"}, Healthy: true,
			LoadBalancer: []LoadBalancerIngress{{IP: ip1, Hostname: "lb-1.elb.test"}}}},
		want: []Endpoint{a(nGlobal, ip1), a(nUSEast, ip1), a(nUSEastB, ip1)},
	}, {
		name:   "hostname of an unhealthy shard is not published",
		rec:    service(StrategyAll),
		shards: []Shard{noEndpoints(unresolved(c1(), "lb-1.elb.test")), c3()},
		want: []Endpoint{
			a(nGlobal, ip3),
			cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast),
			a(nEUWest, ip3), a(nEUWestB, ip3),
		},
	}, {
		name:   "failing open to a hostname",
		rec:    service(StrategyAll),
		shards: []Shard{offline(unresolved(c1(), "lb-1.elb.test"))},
		want:   []Endpoint{cn(nGlobal, "lb-1.elb.test"), cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast)},
		facts:  Facts{FailedOpen: true},
	}, {
		name: "Ingress with an unresolved hostname next to an address",
		rec:  ingress(StrategyAll, "shop.example.com"),
		shards: []Shard{{Cluster: "c1", LoadBalancer: []LoadBalancerIngress{{Hostname: "lb-1.elb.test"}}, Healthy: true},
			{Cluster: "c2", LoadBalancer: lb(ip2), Healthy: true}},
		want: []Endpoint{a("shop.example.com", ip2)},
	}})
}

// TestIPv6: KubeFed put every address into A. Meridian publishes AAAA next to A at each name.
// Targets are sorted as text, as KubeFed's were: 2001:db8:0:3::3 before 2001:db8::1.
func TestIPv6(t *testing.T) {
	const v6a, v6c = "2001:db8::1", "2001:db8:0:3::3"
	dual := c1()
	dual.LoadBalancer = lb(ip1, v6a)
	v6only := c3()
	v6only.LoadBalancer = []LoadBalancerIngress{{Hostname: "lb-3.test", ResolvedIPs: []string{"2001:DB8:0:3:0:0:0:3"}}}
	mapped := c2()
	mapped.LoadBalancer = lb("::ffff:10.0.0.2")

	runBuildCases(t, []buildCase{{
		name:   "dual stack and IPv6 only",
		rec:    service(StrategyAll),
		shards: []Shard{dual, v6only},
		want: []Endpoint{
			a(nGlobal, ip1), aaaa(nGlobal, v6c, v6a),
			a(nUSEast, ip1), aaaa(nUSEast, v6a), a(nUSEastB, ip1), aaaa(nUSEastB, v6a),
			aaaa(nEUWest, v6c), aaaa(nEUWestB, v6c),
		},
	}, {
		// An IPv6-only zone has an address set: no CNAME to the region next to its AAAA.
		name:   "IPv6 only beats the fallback CNAME",
		rec:    service(StrategyAll),
		shards: []Shard{v6only, noEndpoints(c1())},
		want: []Endpoint{
			aaaa(nGlobal, v6c),
			cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast),
			aaaa(nEUWest, v6c), aaaa(nEUWestB, v6c),
		},
	}, {
		name:   "IPv4-mapped address is IPv4",
		rec:    service(StrategyAll),
		shards: []Shard{mapped},
		want:   []Endpoint{a(nGlobal, ip2), a(nUSEast, ip2), a(nUSEastC, ip2)},
	}, {
		// Not an address, or a link-local one with a zone: external-dns would reject the set.
		name:   "unusable addresses are skipped",
		rec:    ingress(StrategyAll, "shop.example.com"),
		shards: []Shard{{Cluster: "c1", LoadBalancer: lb("not-an-ip", "fe80::1%eth0", ip1), Healthy: true}},
		want:   []Endpoint{a("shop.example.com", ip1)},
	}, {
		name:   "Ingress dual stack",
		rec:    ingress(StrategyAll, "shop.example.com"),
		shards: []Shard{{Cluster: "c1", LoadBalancer: lb(v6a, ip1), Healthy: true}},
		want:   []Endpoint{a("shop.example.com", ip1), aaaa("shop.example.com", v6a)},
	}})
}
