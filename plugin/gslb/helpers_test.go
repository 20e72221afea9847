package gslb

import (
	"context"
	"encoding/json"
	"net"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"
	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/skydns"
)

// rec is a record to load into a test plugin: svc stored under name with id, or at the name's
// own key when id is empty.
type rec struct {
	name, id string
	svc      skydns.Service
}

func (r rec) key(prefix string) string {
	if r.id == "" {
		return skydns.Path(prefix, r.name)
	}
	return skydns.Key(prefix, r.name, r.id)
}

// newTestGSLB parses a Corefile gslb block and loads records straight into its index.
func newTestGSLB(t testing.TB, corefile string, records ...rec) *GSLB {
	t.Helper()
	c := caddy.NewTestController("dns", corefile)
	cfg, err := parse(c)
	if err != nil {
		t.Fatalf("parsing %q: %v", corefile, err)
	}
	g, err := newGSLB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.locator.Close() })
	putRecords(t, g, records...)
	g.onSync()
	return g
}

var testRev int64

// putRecords writes records as a watch event batch would.
func putRecords(t testing.TB, g *GSLB, records ...rec) {
	t.Helper()
	var changes []change
	for _, r := range records {
		value, err := json.Marshal(r.svc)
		if err != nil {
			t.Fatal(err)
		}
		testRev++
		changes = append(changes, change{key: []byte(r.key(g.prefix)), value: value, rev: testRev})
	}
	g.newApplier().apply(changes)
}

// deleteRecords deletes records as a watch event batch would.
func deleteRecords(g *GSLB, records ...rec) {
	var changes []change
	for _, r := range records {
		testRev++
		changes = append(changes, change{key: []byte(r.key(g.prefix)), rev: testRev, delete: true})
	}
	g.newApplier().apply(changes)
}

// serve sends m to g as if from client (an IP; "" for the test writer's default, 10.240.0.1)
// and returns the reply and ServeDNS's results. The writer is wrapped in CoreDNS's ScrubWriter,
// as the server wraps every plugin's: that is what fits replies to the client's buffer.
func serve(t testing.TB, g *GSLB, m *dns.Msg, client string, tcp bool) (*dns.Msg, int, error) {
	t.Helper()
	rw := dnstest.NewRecorder(&test.ResponseWriter{RemoteIP: client, TCP: tcp})
	code, err := g.ServeDNS(context.Background(), request.NewScrubWriter(m, rw), m)
	return rw.Msg, code, err
}

// check runs CoreDNS-style cases from client and checks each reply, its AA bit included.
func check(t *testing.T, g *GSLB, client string, cases []test.Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Qname+"/"+dns.TypeToString[tc.Qtype], func(t *testing.T) {
			resp, _, err := serve(t, g, tc.Msg(), client, false)
			if err != nil {
				t.Fatalf("ServeDNS: %v", err)
			}
			if resp == nil {
				t.Fatal("no reply written")
			}
			if !resp.Authoritative {
				t.Error("reply is not authoritative")
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%v\n%v", err, resp)
			}
		})
	}
}

// ecsQuery is a query for name/qtype carrying an EDNS Client Subnet option.
func ecsQuery(name string, qtype uint16, subnet string, bits uint8) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.SetEdns0(4096, false)
	ip := net.ParseIP(subnet)
	family := uint16(1)
	if ip.To4() == nil {
		family = 2
	}
	m.IsEdns0().Option = append(m.IsEdns0().Option, &dns.EDNS0_SUBNET{
		Code: dns.EDNS0SUBNET, Family: family, SourceNetmask: bits, Address: ip,
	})
	return m
}

// replyECS returns the client subnet option of a reply, or nil.
func replyECS(m *dns.Msg) *dns.EDNS0_SUBNET {
	o := m.IsEdns0()
	if o == nil {
		return nil
	}
	for _, opt := range o.Option {
		if s, ok := opt.(*dns.EDNS0_SUBNET); ok {
			return s
		}
	}
	return nil
}

// addrs lists the A and AAAA addresses of a reply's answer section.
func addrs(m *dns.Msg) []string {
	var out []string
	for _, rr := range m.Answer {
		switch rr := rr.(type) {
		case *dns.A:
			out = append(out, rr.A.String())
		case *dns.AAAA:
			out = append(out, rr.AAAA.String())
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
