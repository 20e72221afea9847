package gslb

import (
	"context"
	"encoding/json"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/meridian-dns/meridian/skydns"
	"github.com/meridian-dns/meridian/test/env"
)

// TestCoreDNSWithGSLB runs bin/coredns with the gslb plugin against a real etcd and asks it
// from two loopback source addresses that client rules place in different regions.
func TestCoreDNSWithGSLB(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cluster, client := startTestEtcd(t)
	us := routed("web.example.org", "c1", "192.0.2.10", "nearest", "c1", "us-east-1")
	eu := routed("web.example.org", "c2", "192.0.2.20", "nearest", "c2", "eu-west-1")
	for _, r := range []rec{us, eu, {name: "www.example.org", id: "a", svc: skydns.Service{Host: "192.0.2.1"}}} {
		putService(t, client, r)
	}

	binary, err := env.BuildCommand(ctx, "coredns")
	if err != nil {
		t.Fatal(err)
	}
	corefile := `example.org {
    bind 127.0.0.1 127.0.0.2
    gslb {
        endpoint ` + strings.Join(cluster.Endpoints, " ") + `
        client 127.0.0.1 region us-east-1
        client 127.0.0.2 region eu-west-1
        client 10.2.0.0/16 region eu-west-1
    }
}
`
	server, err := env.StartCoreDNS(ctx, binary, t.TempDir(), corefile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Stop() })

	fromUS, fromEU := dnsClient("udp", "127.0.0.1"), dnsClient("udp", "127.0.0.2")
	query := func(c *dns.Client, m *dns.Msg) *dns.Msg {
		t.Helper()
		resp, _, err := c.ExchangeContext(ctx, m, server.Addr)
		if err != nil {
			t.Fatalf("query %v: %v", m.Question, err)
		}
		return resp
	}
	waitFor(t, "the first answer from gslb", func() bool {
		return slices.Equal(addrs(query(fromUS, aQuery("web.example.org."))), []string{"192.0.2.10"})
	})
	resp := query(fromEU, aQuery("web.example.org."))
	if got := addrs(resp); !slices.Equal(got, []string{"192.0.2.20"}) || !resp.Authoritative {
		t.Fatalf("from 127.0.0.2: %v (AA %v), want the EU cluster", got, resp.Authoritative)
	}
	if got := addrs(query(dnsClient("tcp", "127.0.0.2"), aQuery("web.example.org."))); !slices.Equal(got, []string{"192.0.2.20"}) {
		t.Fatalf("from 127.0.0.2 over TCP: %v, want the EU cluster", got)
	}

	// ECS overrides the source address, and the scope comes back.
	resp = query(fromUS, ecsQuery("web.example.org.", dns.TypeA, "10.2.3.0", 24))
	if got, ecs := addrs(resp), replyECS(resp); !slices.Equal(got, []string{"192.0.2.20"}) || ecs == nil || ecs.SourceScope != 16 {
		t.Fatalf("ECS 10.2.3.0/24 from 127.0.0.1: %v with %v, want the EU cluster with scope 16", got, ecs)
	}

	// Not an open resolver: names outside the zone are refused.
	if resp := query(fromUS, aQuery("example.com.")); resp.Rcode != dns.RcodeRefused {
		t.Fatalf("example.com: rcode %s, want REFUSED", dns.RcodeToString[resp.Rcode])
	}
	if resp := query(fromUS, aQuery("nope.example.org.")); resp.Rcode != dns.RcodeNameError || len(resp.Ns) != 1 {
		t.Fatalf("nope.example.org: %v, want NXDOMAIN with the SOA", resp)
	}

	// dig agrees.
	out, err := exec.CommandContext(ctx, "dig", "@127.0.0.1", "-p", strconv.Itoa(server.Port), "-b", "127.0.0.2",
		"+short", "web.example.org", "A").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "192.0.2.20" {
		t.Fatalf("dig -b 127.0.0.2 web.example.org: %q, %v; want 192.0.2.20", out, err)
	}

	// The US cluster goes unhealthy (its record is deleted): US clients get the EU cluster.
	deleteKey(t, client, us.name, us.id)
	waitFor(t, "the US client to fail over to the EU cluster", func() bool {
		return slices.Equal(addrs(query(fromUS, aQuery("web.example.org."))), []string{"192.0.2.20"})
	})
}

// putService writes a record into etcd where the etcd provider would.
func putService(t *testing.T, client *clientv3.Client, r rec) {
	t.Helper()
	value, err := json.Marshal(r.svc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Put(ctx, r.key(skydns.DefaultPrefix), string(value)); err != nil {
		t.Fatal(err)
	}
}

func aQuery(name string) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeA)
	return m
}

// dnsClient sends from a given loopback address, which the client rules map to a region.
func dnsClient(network, source string) *dns.Client {
	var local net.Addr = &net.UDPAddr{IP: net.ParseIP(source)}
	if network == "tcp" {
		local = &net.TCPAddr{IP: net.ParseIP(source)}
	}
	return &dns.Client{Net: network, Timeout: 2 * time.Second, Dialer: &net.Dialer{LocalAddr: local, Timeout: 2 * time.Second}}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventually(t, what, 30*time.Second, cond)
}
