package gslb

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/skydns"
)

// plainRecords are SkyDNS records as the stock etcd plugin serves them: no routing.
var plainRecords = []rec{
	{name: "www.example.org", id: "r1", svc: skydns.Service{Host: "192.0.2.1", TTL: 60}},
	{name: "www.example.org", id: "r2", svc: skydns.Service{Host: "192.0.2.2", TTL: 60}},
	{name: "www.example.org", id: "r3", svc: skydns.Service{Host: "2001:db8::1", TTL: 60}},
	{name: "v4.example.org", id: "r1", svc: skydns.Service{Host: "192.0.2.3"}},
	{name: "alias.example.org", id: "c", svc: skydns.Service{Host: "www.example.org", TTL: 120}},
	{name: "a.example.org", id: "c", svc: skydns.Service{Host: "b.example.org", TTL: 10}},
	{name: "b.example.org", id: "c", svc: skydns.Service{Host: "www.example.org", TTL: 20}},
	{name: "loop1.example.org", id: "c", svc: skydns.Service{Host: "loop2.example.org", TTL: 10}},
	{name: "loop2.example.org", id: "c", svc: skydns.Service{Host: "loop1.example.org", TTL: 10}},
	{name: "out.example.org", id: "c", svc: skydns.Service{Host: "target.example.net", TTL: 10}},
	{name: "dangling.example.org", id: "c", svc: skydns.Service{Host: "nothing.example.org", TTL: 10}},
	{name: "both.example.org", id: "a", svc: skydns.Service{Host: "192.0.2.30", TTL: 10}},
	{name: "both.example.org", id: "c", svc: skydns.Service{Host: "www.example.org", TTL: 10}},
	{name: "txt.example.org", id: "t", svc: skydns.Service{Text: "hello world", TTL: 10}},
	{name: "deep.sub.example.org", id: "r1", svc: skydns.Service{Host: "192.0.2.50", TTL: 10}},
	{name: "self.host.example.org", svc: skydns.Service{Host: "192.0.2.60", TTL: 10}},
	{name: "svc.example.org", id: "x1", svc: skydns.Service{Host: "192.0.2.40", Port: 8080, TTL: 10}},
	{name: "svc.example.org", id: "x2", svc: skydns.Service{Host: "db.example.net", Port: 5432, Priority: 20, TTL: 10}},
	{name: "svc.example.org", id: "x3", svc: skydns.Service{Host: "www.example.org", Port: 443, Weight: 300, TTL: 10}},
	{name: "svc.example.org", id: "x4", svc: skydns.Service{Host: "192.0.2.41", Port: 8080, Weight: 100, TTL: 10}},
	{name: "ns.dns.example.org", id: "ns1", svc: skydns.Service{Host: "192.0.2.53", TTL: 300}},
	{name: "mixed.example.org", id: "a", svc: skydns.Service{Host: "192.0.2.70", TTL: 10}},
	{name: "mixed.example.org", id: "t", svc: skydns.Service{Text: "v=spf1 -all", TTL: 10}},
}

const soaLine = "example.org. 30 IN SOA ns.dns.example.org. hostmaster.example.org. 0 7200 1800 86400 30"

func TestServePlainRecords(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org", plainRecords...)
	soa := test.SOA(soaLine)
	check(t, g, "", []test.Case{
		{Qname: "www.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.A("www.example.org. 60 IN A 192.0.2.1"),
			test.A("www.example.org. 60 IN A 192.0.2.2"),
		}},
		{Qname: "www.example.org.", Qtype: dns.TypeAAAA, Answer: []dns.RR{
			test.AAAA("www.example.org. 60 IN AAAA 2001:db8::1"),
		}},
		// A record without a TTL gets the stock default, 300.
		{Qname: "v4.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("v4.example.org. 300 IN A 192.0.2.3")}},
		// NODATA: the name exists without the type.
		{Qname: "v4.example.org.", Qtype: dns.TypeAAAA, Ns: []dns.RR{soa}},
		{Qname: "v4.example.org.", Qtype: dns.TypeMX, Ns: []dns.RR{soa}},
		// NXDOMAIN with the SOA.
		{Qname: "nope.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{soa}},
		{Qname: "a.b.nope.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{soa}},
		// An empty non-terminal is NODATA, not NXDOMAIN.
		{Qname: "sub.example.org.", Qtype: dns.TypeA, Ns: []dns.RR{soa}},
		{Qname: "deep.sub.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("deep.sub.example.org. 10 IN A 192.0.2.50")}},
		// Each key also serves its own name.
		{Qname: "r2.www.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("r2.www.example.org. 60 IN A 192.0.2.2")}},
		{Qname: "r3.www.example.org.", Qtype: dns.TypeA, Ns: []dns.RR{soa}},
		{Qname: "r9.www.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{soa}},
		// A record written directly at a name, as SkyDNS did, serves that name and its parent.
		{Qname: "self.host.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("self.host.example.org. 10 IN A 192.0.2.60")}},
		{Qname: "host.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("host.example.org. 10 IN A 192.0.2.60")}},
		{Qname: "x.self.host.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{soa}},
		{Qname: "txt.example.org.", Qtype: dns.TypeTXT, Answer: []dns.RR{test.TXT(`txt.example.org. 10 IN TXT "hello world"`)}},
		{Qname: "txt.example.org.", Qtype: dns.TypeA, Ns: []dns.RR{soa}},
		{Qname: "mixed.example.org.", Qtype: dns.TypeTXT, Answer: []dns.RR{test.TXT(`mixed.example.org. 10 IN TXT "v=spf1 -all"`)}},
		{Qname: "mixed.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("mixed.example.org. 10 IN A 192.0.2.70")}},
	})
}

func TestServeCNAME(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org", plainRecords...)
	soa := test.SOA(soaLine)
	check(t, g, "", []test.Case{
		{Qname: "alias.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.CNAME("alias.example.org. 120 IN CNAME www.example.org."),
			test.A("www.example.org. 60 IN A 192.0.2.1"),
			test.A("www.example.org. 60 IN A 192.0.2.2"),
		}},
		{Qname: "alias.example.org.", Qtype: dns.TypeCNAME, Answer: []dns.RR{
			test.CNAME("alias.example.org. 120 IN CNAME www.example.org."),
		}},
		// A chain inside the zone is followed to its end.
		{Qname: "a.example.org.", Qtype: dns.TypeAAAA, Answer: []dns.RR{
			test.CNAME("a.example.org. 10 IN CNAME b.example.org."),
			test.CNAME("b.example.org. 20 IN CNAME www.example.org."),
			test.AAAA("www.example.org. 60 IN AAAA 2001:db8::1"),
		}},
		// The chain ends in NODATA: the SOA says so.
		{Qname: "alias.example.org.", Qtype: dns.TypeTXT, Answer: []dns.RR{
			test.CNAME("alias.example.org. 120 IN CNAME www.example.org."),
		}, Ns: []dns.RR{soa}},
		// The chain ends at a name that does not exist: NXDOMAIN (RFC 6604).
		{Qname: "dangling.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Answer: []dns.RR{
			test.CNAME("dangling.example.org. 10 IN CNAME nothing.example.org."),
		}, Ns: []dns.RR{soa}},
		// Outside our zones the client goes on itself.
		{Qname: "out.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.CNAME("out.example.org. 10 IN CNAME target.example.net."),
		}},
		// A loop stops where it closes.
		{Qname: "loop1.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.CNAME("loop1.example.org. 10 IN CNAME loop2.example.org."),
			test.CNAME("loop2.example.org. 10 IN CNAME loop1.example.org."),
		}},
		// Addresses and a CNAME at one name: the addresses win, for every type.
		{Qname: "both.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("both.example.org. 10 IN A 192.0.2.30")}},
		{Qname: "both.example.org.", Qtype: dns.TypeAAAA, Ns: []dns.RR{soa}},
		{Qname: "both.example.org.", Qtype: dns.TypeCNAME, Ns: []dns.RR{soa}},
	})
}

func TestServeCNAMEChainIsBounded(t *testing.T) {
	var records []rec
	names := []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11"}
	for i := 0; i+1 < len(names); i++ {
		records = append(records, rec{name: names[i] + ".example.org", id: "c", svc: skydns.Service{Host: names[i+1] + ".example.org"}})
	}
	records = append(records, rec{name: "c11.example.org", id: "a", svc: skydns.Service{Host: "192.0.2.1"}})
	g := newTestGSLB(t, "gslb example.org", records...)
	resp, _, err := serve(t, g, test.Case{Qname: "c0.example.org.", Qtype: dns.TypeA}.Msg(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rcode != dns.RcodeSuccess || len(resp.Answer) != maxChain+1 {
		t.Fatalf("got rcode %d with %d answers, want NOERROR and the first %d CNAMEs:\n%v", resp.Rcode, len(resp.Answer), maxChain+1, resp)
	}
	for _, rr := range resp.Answer {
		if rr.Header().Rrtype != dns.TypeCNAME {
			t.Fatalf("answer %v: want CNAMEs only", rr)
		}
	}
}

func TestServeApex(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org", plainRecords...)
	check(t, g, "", []test.Case{
		{Qname: "example.org.", Qtype: dns.TypeSOA, Answer: []dns.RR{test.SOA(soaLine)}},
		{Qname: "example.org.", Qtype: dns.TypeNS,
			Answer: []dns.RR{test.NS("example.org. 300 IN NS ns1.ns.dns.example.org.")},
			Extra:  []dns.RR{test.A("ns1.ns.dns.example.org. 300 IN A 192.0.2.53")}},
		{Qname: "example.org.", Qtype: dns.TypeA, Ns: []dns.RR{test.SOA(soaLine)}},
		// SOA and NS exist at the apex only.
		{Qname: "www.example.org.", Qtype: dns.TypeSOA, Ns: []dns.RR{test.SOA(soaLine)}},
		{Qname: "www.example.org.", Qtype: dns.TypeNS, Ns: []dns.RR{test.SOA(soaLine)}},
	})

	// Without ns.dns records the NS is synthesized, as the SOA's MNAME; apex.dns serves the apex.
	g = newTestGSLB(t, "gslb example.net",
		rec{name: "apex.dns.example.net", id: "a", svc: skydns.Service{Host: "192.0.2.80", TTL: 10}})
	check(t, g, "", []test.Case{
		{Qname: "example.net.", Qtype: dns.TypeNS, Answer: []dns.RR{test.NS("example.net. 300 IN NS ns.dns.example.net.")}},
		{Qname: "example.net.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.net. 10 IN A 192.0.2.80")}},
		{Qname: "nope.example.net.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError,
			Ns: []dns.RR{test.SOA("example.net. 30 IN SOA ns.dns.example.net. hostmaster.example.net. 0 7200 1800 86400 30")}},
	})
}

func TestServeSOASerialFollowsRevision(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org", plainRecords[0])
	first := soaSerial(t, g)
	putRecords(t, g, rec{name: "new.example.org", id: "a", svc: skydns.Service{Host: "192.0.2.9"}})
	if second := soaSerial(t, g); second <= first {
		t.Fatalf("SOA serial %d after a change, was %d: want it to grow", second, first)
	}
}

func soaSerial(t *testing.T, g *GSLB) uint32 {
	t.Helper()
	resp, _, err := serve(t, g, test.Case{Qname: "example.org.", Qtype: dns.TypeSOA}.Msg(), "", false)
	if err != nil || len(resp.Answer) != 1 {
		t.Fatalf("SOA query: %v %v", err, resp)
	}
	return resp.Answer[0].(*dns.SOA).Serial
}

func TestServeSRV(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org", plainRecords...)
	check(t, g, "", []test.Case{
		{Qname: "svc.example.org.", Qtype: dns.TypeSRV,
			Answer: []dns.RR{
				// Priority 10 shares 100 among weights 100 (unset), 300 and 100.
				test.SRV("svc.example.org. 10 IN SRV 10 20 8080 x1.svc.example.org."),
				test.SRV("svc.example.org. 10 IN SRV 10 20 8080 x4.svc.example.org."),
				test.SRV("svc.example.org. 10 IN SRV 10 60 443 www.example.org."),
				test.SRV("svc.example.org. 10 IN SRV 20 100 5432 db.example.net."),
			},
			Extra: []dns.RR{
				test.A("www.example.org. 60 IN A 192.0.2.1"),
				test.A("www.example.org. 60 IN A 192.0.2.2"),
				test.AAAA("www.example.org. 60 IN AAAA 2001:db8::1"),
				test.A("x1.svc.example.org. 10 IN A 192.0.2.40"),
				test.A("x4.svc.example.org. 10 IN A 192.0.2.41"),
			}},
		// The synthesized target names resolve.
		{Qname: "x1.svc.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("x1.svc.example.org. 10 IN A 192.0.2.40")}},
		{Qname: "txt.example.org.", Qtype: dns.TypeSRV, Ns: []dns.RR{test.SOA(soaLine)}},
	})
}

// TestServeQuestionCase: names match whatever their case, and the answer spells the question.
func TestServeQuestionCase(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org", plainRecords...)
	check(t, g, "", []test.Case{
		{Qname: "WwW.ExAmple.ORG.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.A("WwW.ExAmple.ORG. 60 IN A 192.0.2.1"),
			test.A("WwW.ExAmple.ORG. 60 IN A 192.0.2.2"),
		}},
		{Qname: "ALIAS.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.CNAME("ALIAS.example.org. 120 IN CNAME www.example.org."),
			test.A("www.example.org. 60 IN A 192.0.2.1"),
			test.A("www.example.org. 60 IN A 192.0.2.2"),
		}},
		{Qname: "Example.Org.", Qtype: dns.TypeSOA, Answer: []dns.RR{test.SOA("Example.Org. 30 IN SOA ns.dns.example.org. hostmaster.example.org. 0 7200 1800 86400 30")}},
		{Qname: "NOPE.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(soaLine)}},
	})
	// The index's own records keep their lower-case owner.
	resp, _, _ := serve(t, g, test.Case{Qname: "www.example.org.", Qtype: dns.TypeA}.Msg(), "", false)
	if resp.Answer[0].Header().Name != "www.example.org." {
		t.Fatalf("owner %q after a mixed-case query, want the index untouched", resp.Answer[0].Header().Name)
	}
}

func TestServeOutOfZoneGoesToNext(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org", plainRecords...)
	// No next plugin: NextOrFailure reports SERVFAIL, which CoreDNS writes.
	m := test.Case{Qname: "www.example.com.", Qtype: dns.TypeA}.Msg()
	resp, code, err := serve(t, g, m, "", false)
	if resp != nil || code != dns.RcodeServerFailure || err == nil {
		t.Fatalf("out of zone without next: reply %v, code %d, err %v; want SERVFAIL left to CoreDNS", resp, code, err)
	}
	g.Next = test.NextHandler(dns.RcodeRefused, nil)
	if _, code, _ := serve(t, g, m, "", false); code != dns.RcodeRefused {
		t.Fatalf("out of zone: next's code %d not passed on", code)
	}
	// Not class IN: not ours either.
	m.Question[0].Qclass = dns.ClassCHAOS
	m.Question[0].Name = "www.example.org."
	if _, code, _ := serve(t, g, m, "", false); code != dns.RcodeRefused {
		t.Fatalf("CHAOS query: code %d, want next's", code)
	}
}

func TestServeFallthrough(t *testing.T) {
	nxdomain := test.Case{Qname: "nope.example.org.", Qtype: dns.TypeA}
	existing := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA}
	for _, tt := range []struct {
		corefile     string
		wantNextCode bool
	}{
		{"gslb example.org", false},
		{"gslb example.org {\n fallthrough\n}", true},
		{"gslb example.org {\n fallthrough example.org\n}", true},
		{"gslb example.org {\n fallthrough other.org\n}", false},
	} {
		g := newTestGSLB(t, tt.corefile, plainRecords...)
		g.Next = test.NextHandler(dns.RcodeBadCookie, errors.New("next"))
		resp, code, err := serve(t, g, nxdomain.Msg(), "", false)
		if tt.wantNextCode {
			if code != dns.RcodeBadCookie || err == nil || resp != nil {
				t.Errorf("%q: NXDOMAIN not passed to next: %d %v %v", tt.corefile, code, err, resp)
			}
		} else if resp == nil || resp.Rcode != dns.RcodeNameError {
			t.Errorf("%q: got %v, want NXDOMAIN written", tt.corefile, resp)
		}
		// Names that exist never fall through.
		if resp, _, _ := serve(t, g, existing.Msg(), "", false); resp == nil || len(resp.Answer) != 2 {
			t.Errorf("%q: www.example.org: %v", tt.corefile, resp)
		}
	}
}

func TestServeTruncation(t *testing.T) {
	var records []rec
	for i := range 60 {
		records = append(records, rec{name: "big.example.org", id: "r" + string(rune('a'+i/26)) + string(rune('a'+i%26)),
			svc: skydns.Service{Host: "192.0.2." + itoa(i+1), TTL: 10}})
	}
	g := newTestGSLB(t, "gslb example.org", records...)
	m := func(bufsize uint16) *dns.Msg {
		q := test.Case{Qname: "big.example.org.", Qtype: dns.TypeA}.Msg()
		if bufsize > 0 {
			q.SetEdns0(bufsize, true)
		}
		return q
	}
	resp, _, _ := serve(t, g, m(0), "", false)
	if !resp.Truncated || len(resp.Answer) >= 60 || resp.Len() > dns.MinMsgSize {
		t.Fatalf("UDP without EDNS: TC %v, %d answers, %d bytes; want TC and at most 512 bytes", resp.Truncated, len(resp.Answer), resp.Len())
	}
	resp, _, _ = serve(t, g, m(4096), "", false)
	if resp.Truncated || len(resp.Answer) != 60 {
		t.Fatalf("UDP with a 4096-byte buffer: TC %v, %d answers; want all 60", resp.Truncated, len(resp.Answer))
	}
	if o := resp.IsEdns0(); o == nil || !o.Do() || o.Version() != 0 {
		t.Fatalf("EDNS0 not echoed with DO: %v", resp.IsEdns0())
	}
	resp, _, _ = serve(t, g, m(0), "", true)
	if resp.Truncated || len(resp.Answer) != 60 {
		t.Fatalf("TCP: TC %v, %d answers; want all 60", resp.Truncated, len(resp.Answer))
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func TestServeMalformedQueries(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org", plainRecords...)
	two := ecsQuery("www.example.org.", dns.TypeA, "10.1.0.0", 24)
	two.IsEdns0().Option = append(two.IsEdns0().Option, &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 16, Address: []byte{10, 2, 0, 0}})
	if resp, code, _ := serve(t, g, two, "", false); resp != nil || code != dns.RcodeFormatError {
		t.Errorf("two ECS options: code %d, reply %v; want FORMERR", code, resp)
	}
	multi := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA}.Msg()
	multi.Question = append(multi.Question, multi.Question[0])
	if _, code, _ := serve(t, g, multi, "", false); code != dns.RcodeFormatError {
		t.Errorf("two questions: code %d, want FORMERR", code)
	}
	axfr := test.Case{Qname: "example.org.", Qtype: dns.TypeAXFR}.Msg()
	if _, code, _ := serve(t, g, axfr, "", false); code != dns.RcodeRefused {
		t.Errorf("AXFR: code %d, want REFUSED", code)
	}
}

// TestServeBeforeFirstSync: until the first list the plugin is not ready and answers SERVFAIL
// (left to CoreDNS to write), never an NXDOMAIN that resolvers would cache.
func TestServeBeforeFirstSync(t *testing.T) {
	cfg, err := parse(caddy.NewTestController("dns", "gslb example.org"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := newGSLB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if g.Ready() {
		t.Fatal("ready before any list")
	}
	rw := dnstest.NewRecorder(&test.ResponseWriter{})
	code, err := g.ServeDNS(context.Background(), rw, test.Case{Qname: "www.example.org.", Qtype: dns.TypeA}.Msg())
	if err != nil || code != dns.RcodeServerFailure || rw.Msg != nil {
		t.Fatalf("before the first list: code %d, err %v, reply %v; want SERVFAIL left to CoreDNS", code, err, rw.Msg)
	}
	g.onSync()
	if !g.Ready() {
		t.Fatal("not ready after a sync")
	}
	code, err = g.ServeDNS(context.Background(), rw, test.Case{Qname: "www.example.org.", Qtype: dns.TypeA}.Msg())
	if err != nil || code != dns.RcodeSuccess || rw.Msg == nil || rw.Msg.Rcode != dns.RcodeNameError {
		t.Fatalf("empty index after a sync: code %d, err %v, reply %v; want NXDOMAIN", code, err, rw.Msg)
	}
}

// TestServeEdgeRecords covers long TXT values, a key that is both a record and a directory, and
// a chain from one of the plugin's zones into another.
func TestServeEdgeRecords(t *testing.T) {
	long := strings.Repeat("x", 600)
	g := newTestGSLB(t, "gslb example.org example.net",
		rec{name: "long.example.org", id: "t", svc: skydns.Service{Text: long, TTL: 10}},
		rec{name: "dir.example.org", svc: skydns.Service{Host: "192.0.2.1", TTL: 10}},
		rec{name: "dir.example.org", id: "r1", svc: skydns.Service{Host: "192.0.2.2", TTL: 10}},
		rec{name: "cross.example.org", id: "c", svc: skydns.Service{Host: "web.example.net", TTL: 10}},
		rec{name: "web.example.net", id: "a", svc: skydns.Service{Host: "192.0.2.9", TTL: 10}},
		rec{name: "lost.example.org", id: "c", svc: skydns.Service{Host: "none.example.net", TTL: 10}},
		rec{name: "bad.example.org", id: "c", svc: skydns.Service{Host: "not a name..", TTL: 10}},
	)
	resp, _, _ := serve(t, g, test.Case{Qname: "long.example.org.", Qtype: dns.TypeTXT}.Msg(), "", true)
	if len(resp.Answer) != 1 || !slices.Equal(resp.Answer[0].(*dns.TXT).Txt, []string{long[:255], long[255:510], long[510:]}) {
		t.Fatalf("long TXT: %v, want it in 255-byte strings", resp.Answer)
	}
	check(t, g, "", []test.Case{
		// The record stored at the name and the one below it.
		{Qname: "dir.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.A("dir.example.org. 10 IN A 192.0.2.1"),
			test.A("dir.example.org. 10 IN A 192.0.2.2"),
		}},
		{Qname: "Dir.Example.org.", Qtype: dns.TypeSRV, Answer: []dns.RR{
			test.SRV("Dir.Example.org. 10 IN SRV 10 50 0 dir.example.org."),
			test.SRV("Dir.Example.org. 10 IN SRV 10 50 0 r1.dir.example.org."),
		}, Extra: []dns.RR{
			test.A("dir.example.org. 10 IN A 192.0.2.1"),
			test.A("r1.dir.example.org. 10 IN A 192.0.2.2"),
		}},
		{Qname: "cross.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.CNAME("cross.example.org. 10 IN CNAME web.example.net."),
			test.A("web.example.net. 10 IN A 192.0.2.9"),
		}},
		// NXDOMAIN in the other zone: its SOA.
		{Qname: "lost.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Answer: []dns.RR{
			test.CNAME("lost.example.org. 10 IN CNAME none.example.net."),
		}, Ns: []dns.RR{test.SOA("example.net. 30 IN SOA ns.dns.example.net. hostmaster.example.net. 0 7200 1800 86400 30")}},
		// A host that is no name gives the name no data.
		{Qname: "bad.example.org.", Qtype: dns.TypeA, Ns: []dns.RR{test.SOA(soaLine)}},
	})
}

func TestServeRootZone(t *testing.T) {
	g := newTestGSLB(t, "gslb .", rec{name: "host.test", id: "a", svc: skydns.Service{Host: "192.0.2.1", TTL: 10}})
	soa := test.SOA(". 30 IN SOA ns.dns. hostmaster. 0 7200 1800 86400 30")
	check(t, g, "", []test.Case{
		{Qname: "host.test.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("host.test. 10 IN A 192.0.2.1")}},
		{Qname: "test.", Qtype: dns.TypeA, Ns: []dns.RR{soa}},
		{Qname: "other.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{soa}},
		{Qname: ".", Qtype: dns.TypeNS, Answer: []dns.RR{test.NS(". 300 IN NS ns.dns.")}},
	})
}

// TestServeSmallEDNSBuffer: a client that advertises a buffer below 512 bytes is held to 512,
// its OPT and client subnet included.
func TestServeSmallEDNSBuffer(t *testing.T) {
	var records []rec
	for i := range 100 {
		records = append(records, rec{name: "big.example.org", id: "r" + itoa(i), svc: skydns.Service{Host: "192.0.2." + itoa(i+1), TTL: 10}})
	}
	g := newTestGSLB(t, "gslb example.org", records...)
	for _, size := range []uint16{0, 512, 520, 1232} {
		m := ecsQuery("big.example.org.", dns.TypeA, "10.2.3.0", 24)
		m.IsEdns0().SetUDPSize(size)
		resp, _, _ := serve(t, g, m, "", false)
		limit := max(int(size), dns.MinMsgSize)
		if !resp.Truncated || resp.Len() > limit || replyECS(resp) == nil {
			t.Errorf("buffer %d: TC %v, %d bytes, ECS %v; want TC within %d bytes with the ECS echoed", size, resp.Truncated, resp.Len(), replyECS(resp), limit)
		}
	}
}

// TestServeHostileQueries: what RFC 6891 and RFC 7871 make malformed gets FORMERR, and NOTIFY,
// which CoreDNS passes to the plugins, NOTIMP.
func TestServeHostileQueries(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org", plainRecords...)
	twoOPT := ecsQuery("www.example.org.", dns.TypeA, "10.1.0.0", 24)
	twoOPT.Extra = append(twoOPT.Extra, &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}})
	notify := test.Case{Qname: "www.example.org.", Qtype: dns.TypeSOA}.Msg()
	notify.Opcode = dns.OpcodeNotify
	for _, c := range []struct {
		what  string
		query *dns.Msg
		rcode int
	}{
		{"two OPT records", twoOPT, dns.RcodeFormatError},
		{"ECS address bits beyond the prefix (only the prefix counts)", ecsQuery("www.example.org.", dns.TypeA, "10.1.2.3", 16), dns.RcodeSuccess},
		{"NOTIFY", notify, dns.RcodeNotImplemented},
		{"ECS /0 without an address", ecsQuery("www.example.org.", dns.TypeA, "0.0.0.0", 0), dns.RcodeSuccess},
		{"ECS IPv6 /56", ecsQuery("www.example.org.", dns.TypeA, "2001:db8:1::", 56), dns.RcodeSuccess},
	} {
		resp, code, _ := serve(t, g, c.query, "", false)
		if c.rcode == dns.RcodeSuccess {
			if resp == nil || resp.Rcode != dns.RcodeSuccess {
				t.Errorf("%s: reply %v (code %d), want an answer", c.what, resp, code)
			}
			continue
		}
		if resp != nil || code != c.rcode {
			t.Errorf("%s: code %d, reply %v; want %s left to CoreDNS", c.what, code, resp, dns.RcodeToString[c.rcode])
		}
	}
}
