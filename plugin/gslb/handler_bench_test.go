package gslb

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/file"
	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/skydns"
)

// benchWriter is a ResponseWriter that costs nothing, so that benchmarks measure the plugin.
type benchWriter struct {
	remote net.Addr
	reply  *dns.Msg
}

func (w *benchWriter) LocalAddr() net.Addr         { return w.remote }
func (w *benchWriter) RemoteAddr() net.Addr        { return w.remote }
func (w *benchWriter) Network() string             { return "udp" }
func (w *benchWriter) WriteMsg(m *dns.Msg) error   { w.reply = m; return nil }
func (w *benchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *benchWriter) Close() error                { return nil }
func (w *benchWriter) TsigStatus() error           { return nil }
func (w *benchWriter) TsigTimersOnly(bool)         {}
func (w *benchWriter) Hijack()                     {}

// benchRecords is an index of n plain names and n routed ones, two clusters each with A and
// AAAA, like Meridian's global names.
func benchRecords(n int) []rec {
	var records []rec
	for i := range n {
		s := strconv.Itoa(i)
		records = append(records,
			rec{name: "plain" + s + ".example.org", id: "a", svc: skydns.Service{Host: "192.0.2.1", TTL: 30}},
			rec{name: "plain" + s + ".example.org", id: "b", svc: skydns.Service{Host: "192.0.2.2", TTL: 30}},
			routed("web"+s+".example.org", "c1-a", "192.0.2.10", "nearest", "c1", "us-east-1"),
			routed("web"+s+".example.org", "c1-b", "2001:db8::10", "nearest", "c1", "us-east-1"),
			routed("web"+s+".example.org", "c2-a", "192.0.2.20", "nearest", "c2", "eu-west-1"),
			routed("web"+s+".example.org", "c2-b", "2001:db8::20", "nearest", "c2", "eu-west-1"),
		)
	}
	return records
}

var (
	benchOnce sync.Once
	benchG    *GSLB
)

// benchGSLB builds the benchmarks' plugin once: loading 60,000 records would otherwise dwarf
// the queries of a short run.
func benchGSLB(b *testing.B) *GSLB {
	benchOnce.Do(func() {
		cfg, err := parse(caddy.NewTestController("dns", routingCorefile))
		if err != nil {
			b.Fatal(err)
		}
		if benchG, err = newGSLB(cfg); err != nil {
			b.Fatal(err)
		}
		putRecords(b, benchG, benchRecords(10000)...)
		benchG.onSync()
	})
	return benchG
}

func benchServe(b *testing.B, q *dns.Msg, client string, wantAnswers int) {
	g := benchGSLB(b)
	w := &benchWriter{remote: &net.UDPAddr{IP: net.ParseIP(client), Port: 53000}}
	ctx := context.Background()
	if _, err := g.ServeDNS(ctx, w, q); err != nil || len(w.reply.Answer) != wantAnswers {
		b.Fatalf("reply %v, err %v; want %d answers", w.reply, err, wantAnswers)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_, _ = g.ServeDNS(ctx, w, q)
	}
}

func benchQuery(name string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	return m
}

func BenchmarkServePlainA(b *testing.B) {
	benchServe(b, benchQuery("plain4242.example.org.", dns.TypeA), "10.1.0.5", 2)
}

func BenchmarkServePlainMixedCase(b *testing.B) {
	benchServe(b, benchQuery("Plain4242.Example.ORG.", dns.TypeA), "10.1.0.5", 2)
}

func BenchmarkServeNearestA(b *testing.B) {
	benchServe(b, benchQuery("web4242.example.org.", dns.TypeA), "10.1.0.5", 1)
}

func BenchmarkServeNearestECS(b *testing.B) {
	benchServe(b, ecsQuery("web4242.example.org.", dns.TypeAAAA, "10.2.3.0", 24), "10.1.0.5", 1)
}

func BenchmarkServeNearestUnknownClient(b *testing.B) {
	benchServe(b, benchQuery("web4242.example.org.", dns.TypeA), "10.9.0.5", 2)
}

func BenchmarkServeNXDOMAIN(b *testing.B) {
	benchServe(b, benchQuery("nope4242.example.org.", dns.TypeA), "10.1.0.5", 0)
}

// BenchmarkServeParallel is the plain and routed queries from every core at once, where the
// index's locks would show.
func BenchmarkServeParallel(b *testing.B) {
	g := benchGSLB(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &benchWriter{remote: &net.UDPAddr{IP: net.ParseIP("10.1.0.5"), Port: 53000}}
		qs := []*dns.Msg{benchQuery("plain77.example.org.", dns.TypeA), benchQuery("web77.example.org.", dns.TypeA)}
		i := 0
		for pb.Next() {
			_, _ = g.ServeDNS(context.Background(), w, qs[i%2])
			i++
		}
	})
}

// BenchmarkStockFile is the reference the plugin is measured against: CoreDNS's file plugin
// answering the same plain name from a zone of as many names.
func BenchmarkStockFile(b *testing.B) {
	var zone strings.Builder
	zone.WriteString("$ORIGIN example.org.\n@ 30 IN SOA ns.example.org. hostmaster.example.org. 1 7200 1800 86400 30\n@ 30 IN NS ns.example.org.\n")
	for i := range 20000 {
		s := strconv.Itoa(i)
		zone.WriteString("plain" + s + " 30 IN A 192.0.2.1\nplain" + s + " 30 IN A 192.0.2.2\n")
	}
	z, err := file.Parse(strings.NewReader(zone.String()), "example.org.", "bench", 0)
	if err != nil {
		b.Fatal(err)
	}
	f := file.File{Zones: file.Zones{Z: map[string]*file.Zone{"example.org.": z}, Names: []string{"example.org."}}}
	w := &benchWriter{remote: &net.UDPAddr{IP: net.ParseIP("10.1.0.5"), Port: 53000}}
	q := benchQuery("plain4242.example.org.", dns.TypeA)
	if _, err := f.ServeDNS(context.Background(), w, q); err != nil || len(w.reply.Answer) != 2 {
		b.Fatalf("reply %v, err %v", w.reply, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_, _ = f.ServeDNS(context.Background(), w, q)
	}
}
