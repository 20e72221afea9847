package clouddns

import (
	"testing"

	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
)

func weighted(cluster string, w int64, targets ...string) providers.Record {
	r := share("web.example.com", cluster, "us-east1", providers.RoutingWeighted, targets...)
	r.Weight = &w
	return r
}

func failover(cluster, region string, prio int, targets ...string) providers.Record {
	r := share("web.example.com", cluster, region, providers.RoutingFailover, targets...)
	r.FailoverPriority = &prio
	return r
}

func geo(items ...*dns.RRSetRoutingPolicyGeoPolicyGeoPolicyItem) *dns.RRSetRoutingPolicyGeoPolicy {
	return &dns.RRSetRoutingPolicyGeoPolicy{Items: items}
}

func geoItem(loc string, rrdatas ...string) *dns.RRSetRoutingPolicyGeoPolicyGeoPolicyItem {
	return &dns.RRSetRoutingPolicyGeoPolicyGeoPolicyItem{Location: loc, Rrdatas: rrdatas}
}

func wrrItem(w float64, rrdatas ...string) *dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem {
	return &dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem{Weight: w, Rrdatas: rrdatas}
}

// TestStrategies publishes each strategy's sets and checks the exact rrsets Cloud DNS holds, and
// that the next plan is empty.
func TestStrategies(t *testing.T) {
	const res = "dnsendpoint/shop/web"
	hc := &providers.HealthCheck{Protocol: "HTTP", Port: 80, Path: "/healthz"}
	cases := []struct {
		name    string
		desired []providers.Record
		want    []*dns.ResourceRecordSet
	}{{
		// Regions as labelled: a GCP region as is, an AWS one mapped to the nearest GCP region,
		// two clusters in one location merged, a cluster without a region in every item.
		name: "nearest",
		desired: []providers.Record{
			share("web.example.com", "c1", "us-east1", "nearest", "192.0.2.1"),
			share("web.example.com", "c2", "us-east-1", "nearest", "192.0.2.2"),
			share("web.example.com", "c3", "eu-west-1", "nearest", "192.0.2.3"),
			share("web.example.com", "c4", "", "nearest", "192.0.2.4"),
			share("web.example.com", "c5", "US-EAST1", "nearest", "192.0.2.5", "192.0.2.1"),
		},
		want: []*dns.ResourceRecordSet{
			companion("A", "web.example.com", res, 180),
			{Name: "web.example.com.", Type: "A", Ttl: 180, RoutingPolicy: &dns.RRSetRoutingPolicy{Geo: geo(
				geoItem("europe-west2", "192.0.2.3", "192.0.2.4"),
				geoItem("us-east1", "192.0.2.1", "192.0.2.4", "192.0.2.5"),
				geoItem("us-east4", "192.0.2.2", "192.0.2.4"),
			)}},
		},
	}, {
		name: "nearest without any placeable region",
		desired: []providers.Record{
			share("web.example.com", "c1", "", "nearest", "192.0.2.1"),
			share("web.example.com", "c2", "on-prem-berlin", "nearest", "192.0.2.2"),
		},
		want: []*dns.ResourceRecordSet{
			companion("A", "web.example.com", res, 180),
			{Name: "web.example.com.", Type: "A", Ttl: 180, RoutingPolicy: &dns.RRSetRoutingPolicy{Geo: geo(
				geoItem("us-central1", "192.0.2.1", "192.0.2.2"))}},
		},
	}, {
		name: "weighted",
		desired: []providers.Record{
			weighted("c2", 1, "198.51.100.1"),
			weighted("c1", 3, "192.0.2.2", "192.0.2.1"),
			weighted("c3", 0, "203.0.113.1"),
		},
		want: []*dns.ResourceRecordSet{
			companion("A", "web.example.com", res, 180),
			{Name: "web.example.com.", Type: "A", Ttl: 180, RoutingPolicy: &dns.RRSetRoutingPolicy{
				Wrr: &dns.RRSetRoutingPolicyWrrPolicy{Items: []*dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem{
					wrrItem(3, "192.0.2.1", "192.0.2.2"), wrrItem(1, "198.51.100.1"), wrrItem(0, "203.0.113.1"),
				}}}},
		},
	}, {
		// The primary is the lowest priority, not the first cluster; health checks stay
		// Meridian's own.
		name: "failover",
		desired: []providers.Record{
			failover("a", "eu-west-1", 1, "198.51.100.1"),
			failover("b", "us-east1", 0, "192.0.2.1", "192.0.2.2"),
			failover("c", "", 2, "203.0.113.1"),
		},
		want: []*dns.ResourceRecordSet{
			companion("A", "web.example.com", res, 180),
			{Name: "web.example.com.", Type: "A", Ttl: 180, RoutingPolicy: &dns.RRSetRoutingPolicy{
				PrimaryBackup: &dns.RRSetRoutingPolicyPrimaryBackupPolicy{
					PrimaryTargets:   &dns.RRSetRoutingPolicyHealthCheckTargets{ExternalEndpoints: []string{"192.0.2.1", "192.0.2.2"}},
					BackupGeoTargets: geo(geoItem("europe-west2", "198.51.100.1", "203.0.113.1")),
				}}},
		},
	}, {
		name:    "failover with one cluster left",
		desired: []providers.Record{failover("b", "us-east1", 1, "192.0.2.1")},
		want: []*dns.ResourceRecordSet{
			companion("A", "web.example.com", res, 180),
			{Name: "web.example.com.", Type: "A", Ttl: 180, Rrdatas: []string{"192.0.2.1"}},
		},
	}, {
		name: "all",
		desired: []providers.Record{
			share("web.example.com", "c1", "us-east1", "all", "192.0.2.2"),
			share("web.example.com", "c2", "europe-west1", "all", "192.0.2.1", "192.0.2.2"),
		},
		want: []*dns.ResourceRecordSet{
			companion("A", "web.example.com", res, 180),
			{Name: "web.example.com.", Type: "A", Ttl: 180, Rrdatas: []string{"192.0.2.1", "192.0.2.2"}},
		},
	}, {
		name: "plain sets of every type",
		desired: []providers.Record{
			plain("web.example.com", "A", "192.0.2.1"),
			plain("web.example.com", "AAAA", "2001:db8::1"),
			plain("www.example.com", "CNAME", "web.example.com"),
			plain("web.example.com", "TXT", `say "hello" \ world`),
			{Name: "zone.example.com", Type: "A", TTL: 60, Targets: []string{"192.0.2.9"}, Zones: []string{"us-east1-b"},
				Region: "us-east1", HealthCheck: hc},
		},
		want: []*dns.ResourceRecordSet{
			companion("A", "web.example.com", res, 180),
			companion("AAAA", "web.example.com", res, 180),
			companion("CNAME", "www.example.com", res, 180),
			companion("TXT", "web.example.com", res, 180),
			companion("A", "zone.example.com", res, 60),
			{Name: "web.example.com.", Type: "A", Ttl: 180, Rrdatas: []string{"192.0.2.1"}},
			{Name: "web.example.com.", Type: "AAAA", Ttl: 180, Rrdatas: []string{"2001:db8::1"}},
			{Name: "web.example.com.", Type: "TXT", Ttl: 180, Rrdatas: []string{`"say \"hello\" \\ world"`}},
			{Name: "www.example.com.", Type: "CNAME", Ttl: 180, Rrdatas: []string{"web.example.com."}},
			{Name: "zone.example.com.", Type: "A", Ttl: 60, Rrdatas: []string{"192.0.2.9"}},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, clouddnsfake.Options{})
			reg := wrap(newProvider(t, f, Config{}))
			for i := range tc.desired {
				tc.desired[i].HealthCheck = hc // never written, never a difference
			}
			mustPublish(t, reg, res, tc.desired)
			checkRRSets(t, ours(f), sortRRSets(tc.want))
		})
	}
}

// TestStrategyChanges moves one name through the strategies: each step replaces the rrset in
// one change, and withdrawing the DNSEndpoint removes the set and its companion together.
func TestStrategyChanges(t *testing.T) {
	const res = "dnsendpoint/shop/web"
	f := newFake(t, clouddnsfake.Options{})
	reg := wrap(newProvider(t, f, Config{}))
	steps := [][]providers.Record{
		{share("web.example.com", "c1", "us-east1", "nearest", "192.0.2.1"),
			share("web.example.com", "c2", "europe-west1", "nearest", "192.0.2.2")},
		{share("web.example.com", "c1", "us-east1", "nearest", "192.0.2.1")},
		{weighted("c1", 2, "192.0.2.1"), weighted("c2", 1, "192.0.2.2")},
		{failover("c1", "us-east1", 0, "192.0.2.1"), failover("c2", "europe-west1", 1, "192.0.2.2")},
		{plain("web.example.com", "A", "192.0.2.1")},
		nil,
	}
	for i, desired := range steps {
		f.ResetCalls()
		mustPublish(t, reg, res, desired)
		for _, c := range f.Calls() {
			if c.Method == "dns.changes.create" && (c.Additions != 1 || c.Deletions != 1) && i > 0 && i < len(steps)-1 {
				t.Errorf("step %d: a change with %d additions and %d deletions; want the rrset replaced alone",
					i, c.Additions, c.Deletions)
			}
		}
	}
	if got := ours(f); len(got) != 0 {
		t.Errorf("after withdrawing, the zone still holds %s", dump(got))
	}
	if n := f.CallCounts()["dns.changes.create"]; n != 1 {
		t.Errorf("withdrawing took %d changes; want the set and its companion in one", n)
	}
}

func sortRRSets(in []*dns.ResourceRecordSet) []*dns.ResourceRecordSet {
	out := append([]*dns.ResourceRecordSet(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Name < out[i].Name || (out[j].Name == out[i].Name && out[j].Type < out[i].Type) {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
