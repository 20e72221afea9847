package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/test/env"
)

const exampleZone = `$ORIGIN example.org.
@       3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112201 7200 3600 1209600 3600
@       3600 IN NS  ns1.example.org.
ns1     3600 IN A   192.0.2.1
www      300 IN A   192.0.2.10
www      300 IN AAAA 2001:db8::10
`

// TestCoreDNSServesFileZone runs bin/coredns with a stock file zone and resolves names with
// miekg/dns (UDP and TCP) and dig, the clients later DNS tests use.
func TestCoreDNSServesFileZone(t *testing.T) {
	ctx := testContext(t, 3*time.Minute)
	binary, err := env.BuildCommand(ctx, "coredns")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	zoneFile := filepath.Join(dir, "db.example.org")
	if err := os.WriteFile(zoneFile, []byte(exampleZone), 0o644); err != nil {
		t.Fatal(err)
	}
	corefile := "example.org {\n    bind 127.0.0.1\n    file " + zoneFile + "\n}\n"
	server, err := env.StartCoreDNS(ctx, binary, dir, corefile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Stop() })

	for _, network := range []string{"udp", "tcp"} {
		resp := exchange(t, network, server.Addr, "www.example.org.", dns.TypeA)
		if resp.Rcode != dns.RcodeSuccess || !resp.Authoritative || len(resp.Answer) != 1 {
			t.Fatalf("%s www.example.org A: rcode %s, aa %v, answer %v", network, dns.RcodeToString[resp.Rcode], resp.Authoritative, resp.Answer)
		}
		if a, ok := resp.Answer[0].(*dns.A); !ok || a.A.String() != "192.0.2.10" || a.Hdr.Ttl != 300 {
			t.Fatalf("%s www.example.org A: answer %v, want 192.0.2.10 with TTL 300", network, resp.Answer[0])
		}
	}
	if resp := exchange(t, "udp", server.Addr, "nope.example.org.", dns.TypeA); resp.Rcode != dns.RcodeNameError || len(resp.Ns) == 0 {
		t.Fatalf("nope.example.org: rcode %s, authority %v; want NXDOMAIN with the SOA", dns.RcodeToString[resp.Rcode], resp.Ns)
	}

	dig, err := exec.LookPath("dig")
	if err != nil {
		t.Fatal("dig is required (Debian package bind9-dnsutils; .ci/run installs it)")
	}
	out, err := exec.CommandContext(ctx, dig, "@127.0.0.1", "-p", strconv.Itoa(server.Port), "+short", "www.example.org", "AAAA").CombinedOutput()
	if err != nil {
		t.Fatalf("dig: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "2001:db8::10" {
		t.Fatalf("dig www.example.org AAAA = %q, want 2001:db8::10", got)
	}
}

// TestCoreDNSBadCorefileIsReported: a Corefile CoreDNS rejects gives an error that quotes
// CoreDNS's own complaint, not a timeout.
func TestCoreDNSBadCorefileIsReported(t *testing.T) {
	ctx := testContext(t, 3*time.Minute)
	binary, err := env.BuildCommand(ctx, "coredns")
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.StartCoreDNS(ctx, binary, t.TempDir(), "example.org {\n    nosuchplugin\n}\n")
	if err == nil || !strings.Contains(err.Error(), "exited during startup") || !strings.Contains(err.Error(), "nosuchplugin") {
		t.Fatalf("StartCoreDNS with an unknown directive: %v; want an error naming it", err)
	}
}

func exchange(t *testing.T, network, addr, name string, qtype uint16) *dns.Msg {
	t.Helper()
	msg := new(dns.Msg)
	msg.SetQuestion(name, qtype)
	client := &dns.Client{Net: network, Timeout: 2 * time.Second}
	resp, _, err := client.Exchange(msg, addr)
	if err != nil {
		t.Fatalf("%s query %s %s: %v", network, name, dns.TypeToString[qtype], err)
	}
	return resp
}
