package gslb

import (
	"context"
	"github.com/coredns/coredns/request"
	"net"
	"testing"

	"github.com/miekg/dns"
)

// FuzzServeDNS feeds raw packets through the query path: whatever unpacks must be answered
// without a panic, and every reply must pack and match its query.
func FuzzServeDNS(f *testing.F) {
	g := newTestGSLB(f, routingCorefile, append(slicesConcat(plainRecords, routedRecords),
		rec{name: "example.org", id: "apex", svc: plainRecords[0].svc})...)
	for _, m := range fuzzSeeds() {
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Fuzz(func(t *testing.T, packet []byte, tcp bool) {
		query := new(dns.Msg)
		if err := query.Unpack(packet); err != nil || len(query.Question) == 0 {
			return // the server drops these before any plugin
		}
		id, question := query.Id, query.Question[0]
		w := &benchWriter{remote: &net.UDPAddr{IP: net.IPv4(10, 1, 0, 5), Port: 5300}}
		if tcp {
			w.remote = &net.TCPAddr{IP: net.IPv4(10, 2, 0, 5), Port: 5300}
		}
		_, _ = g.ServeDNS(context.Background(), request.NewScrubWriter(query, w), query)
		if w.reply == nil {
			return // left to CoreDNS: out of zone, FORMERR, REFUSED
		}
		if _, err := w.reply.Pack(); err != nil {
			t.Fatalf("reply does not pack: %v\n%v", err, w.reply)
		}
		if w.reply.Id != id || !w.reply.Response || len(w.reply.Question) != 1 || w.reply.Question[0] != question {
			t.Fatalf("reply does not match the query %d %v:\n%v", id, question, w.reply)
		}
		if !tcp && w.reply.Len() > max(dns.MinMsgSize, udpSize(query)) && !w.reply.Truncated {
			t.Fatalf("UDP reply of %d bytes over the client's buffer without TC", w.reply.Len())
		}
	})
}

func udpSize(m *dns.Msg) int {
	if o := m.IsEdns0(); o != nil {
		return int(o.UDPSize())
	}
	return dns.MinMsgSize
}

func slicesConcat(a, b []rec) []rec {
	return append(append([]rec{}, a...), b...)
}

// fuzzSeeds are valid queries covering the answer rules: plain, routed, ECS (both families),
// CNAME chains, SRV, apex, NXDOMAIN, mixed case, DO.
func fuzzSeeds() []*dns.Msg {
	var seeds []*dns.Msg
	for _, q := range []struct {
		name  string
		qtype uint16
	}{
		{"www.example.org.", dns.TypeA}, {"www.example.org.", dns.TypeAAAA}, {"WWW.Example.org.", dns.TypeA},
		{"web.example.org.", dns.TypeA}, {"v4only.example.org.", dns.TypeAAAA}, {"lb.example.org.", dns.TypeA},
		{"a.example.org.", dns.TypeA}, {"loop1.example.org.", dns.TypeA}, {"svc.example.org.", dns.TypeSRV},
		{"example.org.", dns.TypeSOA}, {"example.org.", dns.TypeNS}, {"nope.example.org.", dns.TypeA},
		{"sub.example.org.", dns.TypeTXT}, {"txt.example.org.", dns.TypeTXT}, {"w.example.org.", dns.TypeA},
		{"f.example.org.", dns.TypeAAAA}, {"example.com.", dns.TypeA}, {"example.org.", dns.TypeANY},
	} {
		m := new(dns.Msg)
		m.SetQuestion(q.name, q.qtype)
		seeds = append(seeds, m)
		seeds = append(seeds, ecsQuery(q.name, q.qtype, "10.2.3.0", 24))
	}
	do := new(dns.Msg)
	do.SetQuestion("web.example.org.", dns.TypeAAAA)
	do.SetEdns0(1232, true)
	seeds = append(seeds, do,
		ecsQuery("web.example.org.", dns.TypeA, "2001:db8:1::", 56),
		ecsQuery("web.example.org.", dns.TypeA, "0.0.0.0", 0))
	return seeds
}
