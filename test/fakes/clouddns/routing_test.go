package clouddnsfake

import (
	"net/http"
	"strings"
	"testing"

	dns "google.golang.org/api/dns/v1"
)

type (
	geoItem = dns.RRSetRoutingPolicyGeoPolicyGeoPolicyItem
	wrrItem = dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem
	targets = dns.RRSetRoutingPolicyHealthCheckTargets
	lbTgt   = dns.RRSetRoutingPolicyLoadBalancerTarget
)

const healthCheckURL = "https://www.googleapis.com/compute/v1/projects/meridian-test/global/healthChecks/web"

func wrrPolicy(weight float64, ips ...string) *dns.RRSetRoutingPolicy {
	return &dns.RRSetRoutingPolicy{Wrr: &dns.RRSetRoutingPolicyWrrPolicy{
		Items: []*wrrItem{{Weight: weight, Rrdatas: ips}}}}
}

func geoPolicy(items ...*geoItem) *dns.RRSetRoutingPolicy {
	return &dns.RRSetRoutingPolicy{Geo: &dns.RRSetRoutingPolicyGeoPolicy{Items: items}}
}

func internalLB() *lbTgt {
	return &lbTgt{IpAddress: "10.0.0.10", Port: "443", IpProtocol: "tcp", LoadBalancerType: "regionalL4ilb",
		Region: "europe-west1", Project: "meridian-test",
		NetworkUrl: "https://www.googleapis.com/compute/v1/projects/meridian-test/global/networks/default"}
}

func primaryBackupPolicy() *dns.RRSetRoutingPolicy {
	return &dns.RRSetRoutingPolicy{PrimaryBackup: &dns.RRSetRoutingPolicyPrimaryBackupPolicy{
		PrimaryTargets: &targets{InternalLoadBalancers: []*lbTgt{internalLB()}},
		BackupGeoTargets: &dns.RRSetRoutingPolicyGeoPolicy{EnableFencing: true, Items: []*geoItem{
			{Location: "us-east1", Rrdatas: []string{"192.0.2.20"}},
			{Location: "asia-east1", HealthCheckedTargets: &targets{ExternalEndpoints: []string{"192.0.2.30"}}},
		}},
		TrickleTraffic: 0.1,
	}}
}

func routed(name, typ string, p *dns.RRSetRoutingPolicy) *dns.ResourceRecordSet {
	return &dns.ResourceRecordSet{Name: name, Type: typ, Ttl: 30, RoutingPolicy: p}
}

// Each policy comes back as sent: byte for byte from RecordSets, and with only the kinds the
// service stamps added on the wire. The copy read back deletes the rrset.
func TestRoutingPoliciesRoundTrip(t *testing.T) {
	f, svc := newFake(t, Options{})
	geo := geoPolicy(
		&geoItem{Location: "us-east1", Rrdatas: []string{"192.0.2.1", "192.0.2.2"}},
		&geoItem{Location: "europe-west1", Rrdatas: []string{"192.0.2.3"},
			HealthCheckedTargets: &targets{ExternalEndpoints: []string{"192.0.2.4", "192.0.2.5"}}})
	geo.HealthCheck = healthCheckURL
	geo.Geo.EnableFencing = true
	wrr := &dns.RRSetRoutingPolicy{Wrr: &dns.RRSetRoutingPolicyWrrPolicy{Items: []*wrrItem{
		{Weight: 0.25, Rrdatas: []string{"2001:db8::1"}}, {Weight: 3, Rrdatas: []string{"2001:db8::2"}},
		{Weight: 0, Rrdatas: []string{"2001:db8::3"}}}}}
	for name, rr := range map[string]*dns.ResourceRecordSet{
		"geo":           routed("geo.example.com.", "A", geo),
		"wrr":           routed("wrr.example.com.", "AAAA", wrr),
		"wrr CNAME":     routed("cname.example.com.", "CNAME", wrrPolicy(1, "a.example.net.")),
		"primaryBackup": routed("failover.example.com.", "A", primaryBackupPolicy()),
	} {
		t.Run(name, func(t *testing.T) {
			ch := mustApply(t, svc, rrs(rr), nil)
			if !sameJSON(t, stripKinds(ch.Additions)[0], rr) {
				t.Errorf("change echoes %+v", ch.Additions[0].RoutingPolicy)
			}
			if stored := userRecords(f.RecordSets(testZone)); len(stored) != 1 || !deepEqual(stored[0], rr) {
				t.Errorf("stored rrset differs from the one sent")
			}
			read := records(t, svc, func(c *dns.ResourceRecordSetsListCall) { c.Name(rr.Name) })
			if len(read) != 1 || !sameJSON(t, stripKinds(read)[0], rr) {
				t.Fatalf("read back %+v", read)
			}
			if read[0].RoutingPolicy.Kind != "dns#rRSetRoutingPolicy" {
				t.Errorf("routing policy kind = %q", read[0].RoutingPolicy.Kind)
			}
			mustApply(t, svc, nil, read)
		})
	}
}

func TestRoutingKindsOnTheWire(t *testing.T) {
	_, svc := newFake(t, Options{})
	mustApply(t, svc, rrs(routed("f.example.com.", "A", primaryBackupPolicy())), nil)
	rr, err := svc.ResourceRecordSets.Get(DefaultProject, testZone, "f.example.com.", "A").Do()
	if err != nil {
		t.Fatal(err)
	}
	pb := rr.RoutingPolicy.PrimaryBackup
	for _, kind := range [][2]string{
		{pb.Kind, "dns#rRSetRoutingPolicyPrimaryBackupPolicy"},
		{pb.PrimaryTargets.InternalLoadBalancers[0].Kind, "dns#rRSetRoutingPolicyLoadBalancerTarget"},
		{pb.BackupGeoTargets.Kind, "dns#rRSetRoutingPolicyGeoPolicy"},
		{pb.BackupGeoTargets.Items[0].Kind, "dns#rRSetRoutingPolicyGeoPolicyGeoPolicyItem"},
	} {
		if kind[0] != kind[1] {
			t.Errorf("kind %q, want %q", kind[0], kind[1])
		}
	}
}

// edit returns primaryBackupPolicy() changed by mod.
func edit(mod func(p *dns.RRSetRoutingPolicy)) *dns.RRSetRoutingPolicy {
	p := primaryBackupPolicy()
	mod(p)
	return p
}

// editLB returns primaryBackupPolicy() with its primary load balancer target changed by mod.
func editLB(mod func(lb *lbTgt)) *dns.RRSetRoutingPolicy {
	return edit(func(p *dns.RRSetRoutingPolicy) { mod(p.PrimaryBackup.PrimaryTargets.InternalLoadBalancers[0]) })
}

func us(rrdatas ...string) *geoItem { return &geoItem{Location: "us-east1", Rrdatas: rrdatas} }

const lbField = ".primaryBackup.primaryTargets.internalLoadBalancers[0]"

func TestRoutingPolicyValidation(t *testing.T) {
	_, svc := newFake(t, Options{})
	cases := []struct {
		name, typ string
		policy    *dns.RRSetRoutingPolicy
		field     string
	}{
		{"no policy kind", "A", &dns.RRSetRoutingPolicy{}, ""},
		{"geo and wrr", "A", &dns.RRSetRoutingPolicy{Geo: geoPolicy(us("192.0.2.1")).Geo, Wrr: wrrPolicy(1, "192.0.2.1").Wrr}, ""},
		{"health check URL", "A", func() *dns.RRSetRoutingPolicy { p := wrrPolicy(1, "192.0.2.1"); p.HealthCheck = "web"; return p }(), ".healthCheck"},
		{"geo no items", "A", geoPolicy(), ".geo.items"},
		{"geo zone not region", "A", geoPolicy(&geoItem{Location: "us-east1-b", Rrdatas: []string{"192.0.2.1"}}), ".geo.items[0].location"},
		{"geo other cloud", "A", geoPolicy(&geoItem{Location: "eu-west-1", Rrdatas: []string{"192.0.2.1"}}), ".geo.items[0].location"},
		{"geo duplicate location", "A", geoPolicy(us("192.0.2.1"), us("192.0.2.2")), ".geo.items[1].location"},
		{"geo empty item", "A", geoPolicy(us()), ".geo.items[0].rrdata"},
		{"geo bad rrdata", "A", geoPolicy(us("192.0.2.1", "nope")), ".geo.items[0].rrdata[1]"},
		{"geo null item", "A", geoPolicy(nil), ".geo.items[0]"},
		{"wrr negative weight", "A", wrrPolicy(-1, "192.0.2.1"), ".wrr.items[0].weight"},
		{"wrr no items", "A", &dns.RRSetRoutingPolicy{Wrr: &dns.RRSetRoutingPolicyWrrPolicy{}}, ".wrr.items"},
		{"targets on CNAME", "CNAME", geoPolicy(&geoItem{Location: "us-east1",
			HealthCheckedTargets: &targets{ExternalEndpoints: []string{"a.example.net."}}}), ".geo.items[0].healthCheckedTargets"},
		{"targets both kinds", "A", geoPolicy(&geoItem{Location: "us-east1", HealthCheckedTargets: &targets{
			ExternalEndpoints: []string{"192.0.2.1"}, InternalLoadBalancers: []*lbTgt{internalLB()}}}), ".geo.items[0].healthCheckedTargets"},
		{"targets empty", "A", geoPolicy(&geoItem{Location: "us-east1", HealthCheckedTargets: &targets{}}), ".geo.items[0].healthCheckedTargets"},
		{"endpoint family", "AAAA", geoPolicy(&geoItem{Location: "us-east1",
			HealthCheckedTargets: &targets{ExternalEndpoints: []string{"192.0.2.1"}}}), ".geo.items[0].healthCheckedTargets.externalEndpoints[0]"},
		{"lb port", "A", editLB(func(lb *lbTgt) { lb.Port = "0" }), lbField + ".port"},
		{"lb protocol", "A", editLB(func(lb *lbTgt) { lb.IpProtocol = "sctp" }), lbField + ".ipProtocol"},
		{"lb type", "A", editLB(func(lb *lbTgt) { lb.LoadBalancerType = "external" }), lbField + ".loadBalancerType"},
		{"lb region", "A", editLB(func(lb *lbTgt) { lb.Region = "mars1" }), lbField + ".region"},
		{"lb address", "A", editLB(func(lb *lbTgt) { lb.IpAddress = "lb" }), lbField + ".ipAddress"},
		{"lb network", "A", editLB(func(lb *lbTgt) { lb.NetworkUrl = "" }), lbField + ".networkUrl"},
		{"lb project", "A", editLB(func(lb *lbTgt) { lb.Project = "" }), lbField + ".project"},
		{"no primary", "A", edit(func(p *dns.RRSetRoutingPolicy) { p.PrimaryBackup.PrimaryTargets = nil }), ".primaryBackup.primaryTargets"},
		{"no backup", "A", edit(func(p *dns.RRSetRoutingPolicy) { p.PrimaryBackup.BackupGeoTargets = nil }), ".primaryBackup.backupGeoTargets"},
		{"backup duplicate", "A", edit(func(p *dns.RRSetRoutingPolicy) {
			p.PrimaryBackup.BackupGeoTargets.Items[1].Location = "us-east1"
		}), ".primaryBackup.backupGeoTargets.items[1].location"},
		{"trickle above 1", "A", edit(func(p *dns.RRSetRoutingPolicy) { p.PrimaryBackup.TrickleTraffic = 1.5 }), ".primaryBackup.trickleTraffic"},
		{"trickle negative", "A", edit(func(p *dns.RRSetRoutingPolicy) { p.PrimaryBackup.TrickleTraffic = -0.1 }), ".primaryBackup.trickleTraffic"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := apply(svc, rrs(routed("r.example.com.", tc.typ, tc.policy)), nil)
			gerr := wantErr(t, err, http.StatusBadRequest, ReasonInvalid)
			field := "entity.change.additions[0].routingPolicy" + tc.field
			if !strings.HasPrefix(gerr.Message, "Invalid value for '"+field+"': ") {
				t.Errorf("message = %q, want field %s", gerr.Message, field)
			}
		})
	}
}

// The edges that are allowed.
func TestRoutingPolicyEdges(t *testing.T) {
	_, svc := newFake(t, Options{})
	for name, p := range map[string]*dns.RRSetRoutingPolicy{
		"trickle 0": edit(func(p *dns.RRSetRoutingPolicy) { p.PrimaryBackup.TrickleTraffic = 0 }),
		"trickle 1": edit(func(p *dns.RRSetRoutingPolicy) { p.PrimaryBackup.TrickleTraffic = 1 }),
		"weight 0":  wrrPolicy(0, "192.0.2.1"),
	} {
		if _, err := apply(svc, rrs(routed(strings.ReplaceAll(name, " ", "-")+".example.com.", "A", p)), nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
