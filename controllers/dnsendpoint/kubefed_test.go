package dnsendpoint

import "testing"

// TestKubeFedServiceScheme pins KubeFed's ServiceDNSRecord output (pkg/controller/dnsendpoint,
// service.go and common.go, and the cases of its service_test.go) under strategy all, which
// keeps KubeFed's one endpoint per name. Each case names the behaviour it reproduces.
func TestKubeFedServiceScheme(t *testing.T) {
	c2SameZoneAsC1 := c2()
	c2SameZoneAsC1.Zones = []string{"us-east1-b"}
	c1TwoZones := c1()
	c1TwoZones.Zones = []string{"us-east1-c", "us-east1-b"}
	c1Hostname := c1()
	c1Hostname.LoadBalancer = []LoadBalancerIngress{{Hostname: "a9.us-east-1.elb.amazonaws.test",
		ResolvedIPs: []string{"10.20.30.3"}}}
	withTTL := service(StrategyAll)
	withTTL.RecordTTL = 300
	unhealthyNoAddress := func(s Shard) Shard {
		s.Healthy, s.LoadBalancer = false, nil
		return s
	}

	runBuildCases(t, []buildCase{{
		// service_test "NoClusters": no endpoints at all.
		name:  "no clusters",
		rec:   service(StrategyAll),
		facts: Facts{Empty: true},
	}, {
		// "SingleLBInSingleCluster": global, region and zone names, all A with the one address.
		name:   "one cluster",
		rec:    service(StrategyAll),
		shards: []Shard{c1()},
		want:   []Endpoint{a(nGlobal, ip1), a(nUSEast, ip1), a(nUSEastB, ip1)},
	}, {
		// "LBsInBothClusters": the global name has the union, each region and zone its own.
		name:   "two clusters in two regions",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), c3()},
		want: []Endpoint{
			a(nGlobal, ip1, ip3),
			a(nUSEast, ip1), a(nUSEastB, ip1),
			a(nEUWest, ip3), a(nEUWestB, ip3),
		},
	}, {
		// "NoLBInOneCluster": a cluster without a load balancer keeps its names as CNAMEs: the
		// zone to its region, the region to the global name.
		name:   "one cluster without load balancer",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), unhealthyNoAddress(c3())},
		want: []Endpoint{
			a(nGlobal, ip1),
			a(nUSEast, ip1), a(nUSEastB, ip1),
			cn(nEUWest, nGlobal), cn(nEUWestB, nEUWest),
		},
	}, {
		// "NoLBInBothClusters": only the CNAMEs; the global name, with no target, is dropped.
		// Nothing was ever known here, so Meridian cannot fail open either and says so.
		name:   "no cluster has a load balancer",
		rec:    service(StrategyAll),
		shards: []Shard{unhealthyNoAddress(c1()), unhealthyNoAddress(c3())},
		want: []Endpoint{
			cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast),
			cn(nEUWest, nGlobal), cn(nEUWestB, nEUWest),
		},
		facts: Facts{Empty: true},
	}, {
		// "HostnameInLB": a load-balancer hostname is published as its addresses.
		name:   "hostname resolved",
		rec:    service(StrategyAll),
		shards: []Shard{c1Hostname, c3()},
		want: []Endpoint{
			a(nGlobal, ip3, "10.20.30.3"),
			a(nUSEast, "10.20.30.3"), a(nUSEastB, "10.20.30.3"),
			a(nEUWest, ip3), a(nEUWestB, ip3),
		},
	}, {
		// "UserConfiguredDNSRecordTTL": the record's TTL on every endpoint.
		name:   "explicit TTL",
		rec:    withTTL,
		shards: []Shard{c1()},
		want: []Endpoint{
			{DNSName: nGlobal, Targets: []string{ip1}, RecordType: RecordTypeA, RecordTTL: 300},
			{DNSName: nUSEast, Targets: []string{ip1}, RecordType: RecordTypeA, RecordTTL: 300},
			{DNSName: nUSEastB, Targets: []string{ip1}, RecordType: RecordTypeA, RecordTTL: 300},
		},
	}, {
		// kubefed#1025: two clusters in one zone, one without endpoints, produced an A and a
		// CNAME for the zone name; DedupeAndMergeEndpoints keeps the A set.
		name:   "A beats CNAME in a shared zone",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), noEndpoints(c2SameZoneAsC1)},
		want:   []Endpoint{a(nGlobal, ip1), a(nUSEast, ip1), a(nUSEastB, ip1)},
	}, {
		// The same in a shared region: the region keeps the healthy cluster's addresses, the dead
		// cluster's zone falls back to the region.
		name:   "A beats CNAME in a shared region",
		rec:    service(StrategyAll),
		shards: []Shard{c1(), noEndpoints(c2())},
		want:   []Endpoint{a(nGlobal, ip1), a(nUSEast, ip1), a(nUSEastB, ip1), cn(nUSEastC, nUSEast)},
	}, {
		// KubeFedCluster status.zones is a list: every zone of the cluster gets a name.
		name:   "cluster in two zones",
		rec:    service(StrategyAll),
		shards: []Shard{c1TwoZones},
		want:   []Endpoint{a(nGlobal, ip1), a(nUSEast, ip1), a(nUSEastB, ip1), a(nUSEastC, ip1)},
	}, {
		// service.go: an IP and a hostname of one load balancer both count; targets are a set.
		name: "duplicate addresses collapse",
		rec:  service(StrategyAll),
		shards: []Shard{{Cluster: "c1", Region: "us-east1", Zones: []string{"us-east1-b"}, Healthy: true,
			LoadBalancer: []LoadBalancerIngress{{IP: ip1}, {IP: ip1}, {Hostname: "lb.test", ResolvedIPs: []string{ip1}}}}},
		want: []Endpoint{a(nGlobal, ip1), a(nUSEast, ip1), a(nUSEastB, ip1)},
	}})
}

// TestKubeFedDNSPrefixAndExternalName pins spec.dnsPrefix and spec.externalName as KubeFed's
// service.go handled them.
func TestKubeFedDNSPrefixAndExternalName(t *testing.T) {
	prefixed := service(StrategyAll)
	prefixed.DNSPrefix = "www"
	external := service(StrategyAll)
	external.ExternalName = "shop-web"
	external.DNSPrefix = "www"
	const (
		extGlobal  = "shop-web.shop.prod.svc.example.com"
		extUSEast  = "shop-web.shop.prod.svc.us-east1.example.com"
		extUSEastB = "shop-web.shop.prod.svc.us-east1-b.us-east1.example.com"
		extUSEastC = "shop-web.shop.prod.svc.us-east1-c.us-east1.example.com"
	)
	serviceName := map[string]string{LabelServiceName: "web"}

	runBuildCases(t, []buildCase{{
		// <dnsPrefix>.<domain> is a CNAME to the global name, without labels.
		name:   "dnsPrefix",
		rec:    prefixed,
		shards: []Shard{c1()},
		want:   []Endpoint{a(nGlobal, ip1), a(nUSEast, ip1), a(nUSEastB, ip1), cn("www.example.com", nGlobal)},
	}, {
		// KubeFed's final service.go writes the prefix CNAME outside the per-cluster loop: even
		// with no cluster at all.
		name:  "dnsPrefix without clusters",
		rec:   prefixed,
		want:  []Endpoint{cn("www.example.com", nGlobal)},
		facts: Facts{Empty: true},
	}, {
		// externalName replaces the record's name in every generated name; every Service endpoint,
		// fallback CNAMEs included, carries serviceName=<record name>; the prefix CNAME points at
		// the externalName's global name and has no labels.
		name:   "externalName",
		rec:    external,
		shards: []Shard{c1(), noEndpoints(c2())},
		want: []Endpoint{
			labeled(a(extGlobal, ip1), serviceName),
			labeled(a(extUSEast, ip1), serviceName),
			labeled(a(extUSEastB, ip1), serviceName),
			labeled(cn(extUSEastC, extUSEast), serviceName),
			cn("www.example.com", extGlobal),
		},
	}})
}

// TestKubeFedIngressScheme pins KubeFed's IngressDNSRecord output (ingress.go and the cases of
// its ingress_test.go): one A endpoint per host with every cluster's addresses.
func TestKubeFedIngressScheme(t *testing.T) {
	withTTL := ingress(StrategyAll, "foo.bar.test")
	withTTL.RecordTTL = 300
	hostnameLB := []LoadBalancerIngress{{Hostname: "a9.us-west-2.elb.amazonaws.test", ResolvedIPs: []string{"10.20.30.3"}}}

	runBuildCases(t, []buildCase{{
		name:  "no clusters", // "NoClusters": nothing
		rec:   ingress(StrategyAll, "foo.bar.test"),
		facts: Facts{Empty: true},
	}, {
		name:   "one cluster", // "SingleLBInSingleCluster"
		rec:    ingress(StrategyAll, "foo.bar.test"),
		shards: []Shard{{Cluster: "c1", LoadBalancer: lb(ip1), Healthy: true}},
		want:   []Endpoint{a("foo.bar.test", ip1)},
	}, {
		name: "two clusters", // "LBsInBothClusters"
		rec:  ingress(StrategyAll, "foo.bar.test"),
		shards: []Shard{{Cluster: "c1", LoadBalancer: lb(ip1), Healthy: true},
			{Cluster: "c2", LoadBalancer: lb(ip2), Healthy: true}},
		want: []Endpoint{a("foo.bar.test", ip1, ip2)},
	}, {
		name: "hostname resolved", // "HostnameInLB"
		rec:  ingress(StrategyAll, "foo.bar.test"),
		shards: []Shard{{Cluster: "c1", LoadBalancer: hostnameLB, Healthy: true},
			{Cluster: "c2", LoadBalancer: lb(ip2), Healthy: true}},
		want: []Endpoint{a("foo.bar.test", ip2, "10.20.30.3")},
	}, {
		name: "two hosts", // "MultipleHosts": each host gets the same union
		rec:  ingress(StrategyAll, "jane.goodall.test", "foo.bar.test"),
		shards: []Shard{{Cluster: "c1", LoadBalancer: lb(ip1), Healthy: true},
			{Cluster: "c2", LoadBalancer: lb(ip2), Healthy: true}},
		want: []Endpoint{a("foo.bar.test", ip1, ip2), a("jane.goodall.test", ip1, ip2)},
	}, {
		name:   "explicit TTL", // "UserConfiguredDNSRecordTTL"
		rec:    withTTL,
		shards: []Shard{{Cluster: "c1", LoadBalancer: lb(ip1), Healthy: true}},
		want:   []Endpoint{{DNSName: "foo.bar.test", Targets: []string{ip1}, RecordType: RecordTypeA, RecordTTL: 300}},
	}, {
		// Region and zone mean nothing for an Ingress, and the service-only fields are ignored.
		name: "no location names for an Ingress",
		rec: Record{Kind: KindIngress, Name: "web", Namespace: "shop", DomainRef: "prod", Domain: "example.com",
			Hosts: []string{"foo.bar.test"}, DNSPrefix: "www", ExternalName: "x", Routing: Routing{Strategy: StrategyAll}},
		shards: []Shard{c1(), c3()},
		want:   []Endpoint{a("foo.bar.test", ip1, ip3)},
	}})
}
