package gslb

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/coredns/coredns/plugin/test"
	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/meridian-dns/meridian/skydns"
)

const routingCorefile = `gslb example.org {
    client 10.1.0.0/16 region us-east-1
    client 10.2.0.0/16 region eu-west-1
    client 10.3.0.0/16 cluster c2
    client 10.4.0.0/16 region ap-southeast-1
    client 10.5.0.0/16 region mars
    client 10.6.0.0/16 cluster c9
    client 2001:db8:1::/48 region us-east-1
}`

// routed builds a record of a routed set.
func routed(name, id, host, strategy, cluster, region string) rec {
	return rec{name: name, id: id, svc: skydns.Service{Host: host, TTL: 30, Routing: strategy,
		Cluster: cluster, Region: region, SetIdentifier: cluster}}
}

func weighted(name, id, host, cluster string, weight *int64) rec {
	r := routed(name, id, host, "weighted", cluster, "")
	r.svc.RoutingWeight = weight
	return r
}

func failover(name, id, host, cluster string, priority *int) rec {
	r := routed(name, id, host, "failover", cluster, "")
	r.svc.FailoverPriority = priority
	return r
}

var routedRecords = []rec{
	routed("web.example.org", "c1-a", "192.0.2.10", "nearest", "c1", "us-east-1"),
	routed("web.example.org", "c1-b", "2001:db8::10", "nearest", "c1", "us-east-1"),
	routed("web.example.org", "c2-a", "192.0.2.20", "nearest", "c2", "eu-west-1"),
	routed("web.example.org", "c2-b", "2001:db8::20", "nearest", "c2", "eu-west-1"),
	// The US cluster has no IPv6 here.
	routed("v4only.example.org", "c1-a", "192.0.2.11", "nearest", "c1", "us-east-1"),
	routed("v4only.example.org", "c2-a", "192.0.2.21", "nearest", "c2", "eu-west-1"),
	routed("v4only.example.org", "c2-b", "2001:db8::21", "nearest", "c2", "eu-west-1"),
	routed("one.example.org", "c1-a", "192.0.2.12", "nearest", "c1", "us-east-1"),
	routed("lb.example.org", "c1", "lb-east.example.net", "nearest", "c1", "us-east-1"),
	routed("lb.example.org", "c2", "lb-eu.example.net", "nearest", "c2", "eu-west-1"),
	routed("all.example.org", "c1", "192.0.2.13", "all", "c1", "us-east-1"),
	routed("all.example.org", "c2", "192.0.2.23", "all", "c2", "eu-west-1"),
	// Cluster c9 serves another name only; it tells the plugin that c9 is in eu-west-1.
	routed("other.example.org", "c9", "192.0.2.99", "nearest", "c9", "eu-west-1"),
	weighted("w.example.org", "c1", "192.0.2.31", "c1", ptr[int64](0)),
	weighted("w.example.org", "c2", "192.0.2.32", "c2", ptr[int64](100)),
	weighted("w.example.org", "c3", "192.0.2.33", "c3", nil),
	weighted("wsplit.example.org", "c1", "192.0.2.41", "c1", ptr[int64](1)),
	weighted("wsplit.example.org", "c2", "192.0.2.42", "c2", ptr[int64](3)),
	weighted("wzero.example.org", "c1", "192.0.2.51", "c1", ptr(int64(0))),
	weighted("wzero.example.org", "c2", "192.0.2.52", "c2", nil),
	// The heavy cluster has no IPv6.
	weighted("w6.example.org", "c1", "192.0.2.81", "c1", ptr[int64](1000)),
	weighted("w6.example.org", "c2", "192.0.2.82", "c2", ptr[int64](1)),
	weighted("w6.example.org", "c2-6", "2001:db8::82", "c2", ptr[int64](1)),
	failover("f.example.org", "c1", "192.0.2.61", "c1", ptr(1)),
	failover("f.example.org", "c2", "192.0.2.62", "c2", ptr(0)),
	failover("f.example.org", "c3", "192.0.2.63", "c3", nil),
	failover("f.example.org", "c2-6", "2001:db8::62", "c2", ptr(0)),
	failover("f4.example.org", "c1", "2001:db8::71", "c1", ptr(1)),
	failover("f4.example.org", "c2", "192.0.2.72", "c2", ptr(0)),
}

func TestNearest(t *testing.T) {
	g := newTestGSLB(t, routingCorefile, routedRecords...)
	tests := []struct {
		client, name string
		qtype        uint16
		want         []string
	}{
		{"10.1.0.5", "web.example.org.", dns.TypeA, []string{"192.0.2.10"}},
		{"10.1.0.5", "web.example.org.", dns.TypeAAAA, []string{"2001:db8::10"}},
		{"10.2.0.5", "web.example.org.", dns.TypeA, []string{"192.0.2.20"}},
		{"2001:db8:1::5", "web.example.org.", dns.TypeA, []string{"192.0.2.10"}},
		// A client inside a member cluster gets that cluster.
		{"10.3.0.5", "web.example.org.", dns.TypeA, []string{"192.0.2.20"}},
		// Singapore is nearer Dublin than Virginia.
		{"10.4.0.5", "web.example.org.", dns.TypeA, []string{"192.0.2.20"}},
		// A client in a cluster that does not serve the name goes by that cluster's region.
		{"10.6.0.5", "web.example.org.", dns.TypeA, []string{"192.0.2.20"}},
		// Unknown client, or a region without coordinates: every cluster.
		{"10.9.0.5", "web.example.org.", dns.TypeA, []string{"192.0.2.10", "192.0.2.20"}},
		{"10.5.0.5", "web.example.org.", dns.TypeA, []string{"192.0.2.10", "192.0.2.20"}},
		// The nearest cluster has no AAAA: the nearest that has one answers.
		{"10.1.0.5", "v4only.example.org.", dns.TypeA, []string{"192.0.2.11"}},
		{"10.1.0.5", "v4only.example.org.", dns.TypeAAAA, []string{"2001:db8::21"}},
		{"10.2.0.5", "one.example.org.", dns.TypeA, []string{"192.0.2.12"}},
		{"10.1.0.5", "all.example.org.", dns.TypeA, []string{"192.0.2.13", "192.0.2.23"}},
	}
	for _, tt := range tests {
		resp, _, err := serve(t, g, test.Case{Qname: tt.name, Qtype: tt.qtype}.Msg(), tt.client, false)
		if err != nil {
			t.Fatal(err)
		}
		got := addrs(resp)
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s from %s: %v, want %v", tt.name, tt.client, got, tt.want)
		}
		if resp.Rcode != dns.RcodeSuccess || !resp.Authoritative {
			t.Errorf("%s from %s: rcode %d, AA %v", tt.name, tt.client, resp.Rcode, resp.Authoritative)
		}
	}
}

func TestNearestCNAME(t *testing.T) {
	g := newTestGSLB(t, routingCorefile, routedRecords...)
	check(t, g, "10.1.0.5", []test.Case{
		{Qname: "lb.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.CNAME("lb.example.org. 30 IN CNAME lb-east.example.net.")}},
	})
	check(t, g, "10.2.0.5", []test.Case{
		{Qname: "lb.example.org.", Qtype: dns.TypeCNAME, Answer: []dns.RR{test.CNAME("lb.example.org. 30 IN CNAME lb-eu.example.net.")}},
	})
	// Unknown client: one CNAME all the same, since a name holds only one.
	seen := map[string]bool{}
	for range 50 {
		resp, _, _ := serve(t, g, test.Case{Qname: "lb.example.org.", Qtype: dns.TypeA}.Msg(), "10.9.0.1", false)
		if len(resp.Answer) != 1 {
			t.Fatalf("unknown client: %v, want one CNAME", resp.Answer)
		}
		seen[resp.Answer[0].(*dns.CNAME).Target] = true
	}
	if len(seen) != 2 {
		t.Errorf("unknown clients got %v, want both clusters over 50 queries", seen)
	}
}

func TestECS(t *testing.T) {
	g := newTestGSLB(t, routingCorefile, routedRecords...)
	_, bits8 := g.locator.Locate(netip.MustParseAddr("10.0.0.0"))
	_, bits48 := g.locator.Locate(netip.MustParseAddr("2001:db8:aaaa::"))
	tests := []struct {
		name      string
		subnet    string
		netmask   uint8
		want      []string
		wantScope uint8
	}{
		// The subnet, not the source address (10.1.0.5, US), places the client.
		{"web.example.org.", "10.2.3.0", 24, []string{"192.0.2.20"}, 16},
		{"web.example.org.", "10.2.0.0", 16, []string{"192.0.2.20"}, 16},
		// The scope never exceeds what the resolver sent.
		{"web.example.org.", "10.2.0.0", 12, []string{"192.0.2.10", "192.0.2.20"}, uint8(min(bits8, 12))},
		{"web.example.org.", "2001:db8:aaaa::", 48, []string{"192.0.2.10", "192.0.2.20"}, uint8(min(bits48, 48))},
		// Source prefix 0: the resolver asks for an answer good for everyone.
		{"web.example.org.", "0.0.0.0", 0, []string{"192.0.2.10", "192.0.2.20"}, 0},
		// Answers that do not depend on the client say so with scope 0.
		{"one.example.org.", "10.2.3.0", 24, []string{"192.0.2.12"}, 0},
		{"w.example.org.", "10.2.3.0", 24, []string{"192.0.2.32"}, 0},
		{"all.example.org.", "10.2.3.0", 24, []string{"192.0.2.13", "192.0.2.23"}, 0},
	}
	for _, tt := range tests {
		resp, _, err := serve(t, g, ecsQuery(tt.name, dns.TypeA, tt.subnet, tt.netmask), "10.1.0.5", false)
		if err != nil {
			t.Fatal(err)
		}
		got := addrs(resp)
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s for %s/%d: %v, want %v", tt.name, tt.subnet, tt.netmask, got, tt.want)
		}
		ecs := replyECS(resp)
		if ecs == nil {
			t.Fatalf("%s for %s/%d: no ECS option echoed: %v", tt.name, tt.subnet, tt.netmask, resp)
		}
		if ecs.SourceScope != tt.wantScope || ecs.SourceNetmask != tt.netmask || !ecs.Address.Equal(mustIP(tt.subnet)) {
			t.Errorf("%s for %s/%d: echoed %v, want scope %d", tt.name, tt.subnet, tt.netmask, ecs, tt.wantScope)
		}
	}
	// A plain record echoes scope 0 too.
	g2 := newTestGSLB(t, "gslb example.org", plainRecords...)
	resp, _, _ := serve(t, g2, ecsQuery("www.example.org.", dns.TypeA, "10.2.3.0", 24), "", false)
	if ecs := replyECS(resp); ecs == nil || ecs.SourceScope != 0 {
		t.Errorf("plain name: echoed %v, want scope 0", ecs)
	}
	// Without ECS in the query there is none in the reply.
	resp, _, _ = serve(t, g, test.Case{Qname: "web.example.org.", Qtype: dns.TypeA, Do: true}.Msg(), "10.1.0.5", false)
	if replyECS(resp) != nil || resp.IsEdns0() == nil {
		t.Errorf("query without ECS: reply OPT %v", resp.IsEdns0())
	}
}

func mustIP(s string) []byte {
	a := netip.MustParseAddr(s)
	if a.Is4() {
		b := a.As4()
		return b[:]
	}
	b := a.As16()
	return b[:]
}

func TestWeighted(t *testing.T) {
	g := newTestGSLB(t, routingCorefile, routedRecords...)
	counts := func(name string, n int) map[string]int {
		out := map[string]int{}
		for range n {
			resp, _, _ := serve(t, g, test.Case{Qname: name, Qtype: dns.TypeA}.Msg(), "10.1.0.5", false)
			got := addrs(resp)
			if len(got) != 1 {
				t.Fatalf("%s: %v, want one cluster", name, got)
			}
			out[got[0]]++
		}
		return out
	}
	// Weight 0 and no weight lose to any positive weight.
	if got := counts("w.example.org.", 200); got["192.0.2.32"] != 200 {
		t.Errorf("w.example.org: %v, want only the weighted cluster", got)
	}
	// 1:3.
	got := counts("wsplit.example.org.", 4000)
	if share := float64(got["192.0.2.41"]) / 4000; share < 0.2 || share > 0.3 {
		t.Errorf("wsplit.example.org: %v, want about a quarter for weight 1", got)
	}
	// AAAA from the only cluster that has it, however light.
	for range 50 {
		resp, _, _ := serve(t, g, test.Case{Qname: "w6.example.org.", Qtype: dns.TypeAAAA}.Msg(), "10.1.0.5", false)
		if got := addrs(resp); !slices.Equal(got, []string{"2001:db8::82"}) {
			t.Fatalf("w6.example.org AAAA: %v, want the cluster with IPv6", got)
		}
	}
	// All zero: every cluster gets its turn.
	if got := counts("wzero.example.org.", 200); got["192.0.2.51"] == 0 || got["192.0.2.52"] == 0 {
		t.Errorf("wzero.example.org: %v, want both clusters", got)
	}
}

func TestFailover(t *testing.T) {
	g := newTestGSLB(t, routingCorefile, routedRecords...)
	check(t, g, "10.1.0.5", []test.Case{
		{Qname: "f.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("f.example.org. 30 IN A 192.0.2.62")}},
		{Qname: "f.example.org.", Qtype: dns.TypeAAAA, Answer: []dns.RR{test.AAAA("f.example.org. 30 IN AAAA 2001:db8::62")}},
		// The primary has no AAAA: the next priority that has one answers.
		{Qname: "f4.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("f4.example.org. 30 IN A 192.0.2.72")}},
		{Qname: "f4.example.org.", Qtype: dns.TypeAAAA, Answer: []dns.RR{test.AAAA("f4.example.org. 30 IN AAAA 2001:db8::71")}},
	})
	// The primary goes: the secondary answers.
	deleteRecords(g, failover("f.example.org", "c2", "", "c2", nil), failover("f.example.org", "c2-6", "", "c2", nil))
	check(t, g, "10.1.0.5", []test.Case{
		{Qname: "f.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("f.example.org. 30 IN A 192.0.2.61")}},
	})
	// Only the set without a priority is left.
	deleteRecords(g, failover("f.example.org", "c1", "", "c1", nil))
	check(t, g, "10.1.0.5", []test.Case{
		{Qname: "f.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("f.example.org. 30 IN A 192.0.2.63")}},
	})
}

// TestNearestFailsOver: when the nearest cluster's records go, the next nearest answers.
func TestNearestFailsOver(t *testing.T) {
	g := newTestGSLB(t, routingCorefile, routedRecords...)
	deleteRecords(g, routedRecords[0], routedRecords[1])
	resp, _, _ := serve(t, g, test.Case{Qname: "web.example.org.", Qtype: dns.TypeA}.Msg(), "10.1.0.5", false)
	if got := addrs(resp); !slices.Equal(got, []string{"192.0.2.20"}) {
		t.Fatalf("after c1 went: %v, want c2", got)
	}
}

func TestRoutedAnswersMetric(t *testing.T) {
	g := newTestGSLB(t, routingCorefile, routedRecords...)
	counter := answersByRegion.WithLabelValues("", "example.org.", "eu-west-1")
	before := counterValue(t, counter)
	serve(t, g, test.Case{Qname: "web.example.org.", Qtype: dns.TypeA}.Msg(), "10.2.0.5", false)
	if after := counterValue(t, counter); after != before+1 {
		t.Fatalf("routed answers for eu-west-1 went from %v to %v, want +1", before, after)
	}
	requestsA := requests.WithLabelValues("", "example.org.", "A", "NOERROR")
	before = counterValue(t, requestsA)
	serve(t, g, test.Case{Qname: "web.example.org.", Qtype: dns.TypeA}.Msg(), "10.2.0.5", false)
	if after := counterValue(t, requestsA); after != before+1 {
		t.Fatalf("requests went from %v to %v, want +1", before, after)
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
