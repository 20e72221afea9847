package e2e

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"

	"github.com/meridian-dns/meridian/controllers/publish"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/test/env"
)

// gslbZone is the zone of the data-plane tests: the Domain, the controller's --zone and the
// zone gslb serves.
const gslbZone = "gslb.example.com"

// Client addresses: loopback sources that the Corefile maps to regions, and an ECS subnet.
var (
	eastClient    = netip.MustParseAddr("127.0.0.2")
	westClient    = netip.MustParseAddr("127.0.0.3")
	unknownClient = netip.MustParseAddr("127.0.0.4")
	westSubnet    = netip.MustParsePrefix("198.51.100.0/24")
)

// gslbCorefile serves zone from etcd with gslb, with client rules for the addresses above.
func gslbCorefile(zone, etcd string) string {
	return fmt.Sprintf(`%[1]s {
    bind 127.0.0.1
    gslb %[1]s {
        endpoint %[2]s
        client %[3]s/32 region us-east-1
        client %[4]s/32 region eu-west-1
        client %[5]s region eu-west-1
    }
}
`, zone, etcd, eastClient, westClient, westSubnet)
}

// publishFlags make the controller publish zone to the test environment's etcd.
func publishFlags(zone string) []string {
	return []string{"--provider=etcd", "--zone=" + zone, "--etcd-endpoints=" + testEnv.Etcd.Endpoint}
}

// startGSLB runs bin/coredns with gslb serving zone from the test environment's etcd.
func startGSLB(t testing.TB, ctx context.Context, zone string) *env.CoreDNS {
	t.Helper()
	return startCoreDNS(t, ctx, gslbCorefile(zone, testEnv.Etcd.Endpoint))
}

// startCoreDNS runs bin/coredns with corefile until the test ends.
func startCoreDNS(t testing.TB, ctx context.Context, corefile string) *env.CoreDNS {
	t.Helper()
	binary, err := env.BuildCommand(ctx, "coredns")
	if err != nil {
		t.Fatal(err)
	}
	server, err := env.StartCoreDNS(ctx, binary, t.TempDir(), corefile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("CoreDNS log:\n%s", server.LogTail(40))
		}
		_ = server.Stop()
	})
	return server
}

// TestGSLBAnswersWithTheNearestHealthyCluster runs the whole data plane: the controller turns a
// ServiceDNSRecord into a DNSEndpoint and publishes it to etcd, and gslb answers each client with
// its nearest healthy cluster, by source address or EDNS Client Subnet, and with the other
// region's cluster once the nearest one loses its last ready endpoint.
func TestGSLBAnswersWithTheNearestHealthyCluster(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	setUpFederation(t, ctx, publishFlags(gslbZone)...)
	joinMembers(t, ctx)
	const ns = "gslb-nearest"
	applyYAML(t, ctx, "record", webRecordYAML("near", gslbZone, ns))
	east, west := "192.0.2.41", "198.51.100.42"
	runLoadBalancedService(t, ctx, testEnv.Cluster("earth").Client(), ns, "web", east)
	runLoadBalancedService(t, ctx, testEnv.Cluster("vulcan").Client(), ns, "web", west)
	server := startGSLB(t, ctx, gslbZone)
	global := "web." + ns + ".near.svc." + gslbZone + "."

	waitAnswer(t, ctx, server.Addr, eastClient, netip.Prefix{}, global, east)
	for _, tc := range []struct {
		what   string
		source netip.Addr
		ecs    netip.Prefix
		want   []string
	}{
		{"a client in us-east-1 gets earth", eastClient, netip.Prefix{}, []string{east}},
		{"a client in eu-west-1 gets vulcan", westClient, netip.Prefix{}, []string{west}},
		{"an unknown client gets both", unknownClient, netip.Prefix{}, []string{east, west}},
		{"ECS from eu-west-1 beats the source address", eastClient, westSubnet, []string{west}},
	} {
		got, scope, err := ask(server.Addr, tc.source, tc.ecs, global)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v (%v), want %v", tc.what, got, err, tc.want)
		}
		if tc.ecs.IsValid() && scope != tc.ecs.Bits() {
			t.Errorf("%s: ECS scope %d, want %d (the rule's prefix)", tc.what, scope, tc.ecs.Bits())
		}
	}
	assertPublished(t, ctx, types.NamespacedName{Namespace: ns, Name: "service-web"})

	// earth's last ready endpoint goes: us-east-1's client is sent to eu-west-1.
	scaleDeployment(t, ctx, testEnv.Cluster("earth").Client(), types.NamespacedName{Namespace: ns, Name: "web"}, 0)
	waitAnswer(t, ctx, server.Addr, eastClient, netip.Prefix{}, global, west)
	// And back when it recovers.
	scaleDeployment(t, ctx, testEnv.Cluster("earth").Client(), types.NamespacedName{Namespace: ns, Name: "web"}, 1)
	waitAnswer(t, ctx, server.Addr, eastClient, netip.Prefix{}, global, east)
	out := digFrom(t, ctx, server, westClient, global)
	if out != west {
		t.Errorf("dig -b %s %s: %q, want %s", westClient, global, out, west)
	}
}

// webRecordYAML is a Domain domainObject for zone, namespace ns and a ServiceDNSRecord web in it
// (TTL 5 s).
func webRecordYAML(domainObject, zone, ns string) string {
	return fmt.Sprintf(`apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata: {name: %[1]s, namespace: kube-federation-system}
domain: %[2]s
---
apiVersion: v1
kind: Namespace
metadata: {name: %[3]s}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: web, namespace: %[3]s}
spec: {domainRef: %[1]s, recordTTL: 5}
`, domainObject, zone, ns)
}

// assertPublished waits for the DNSEndpoint's Ready condition to say Published.
func assertPublished(t *testing.T, ctx context.Context, key types.NamespacedName) {
	t.Helper()
	host := hostClient(t)
	eventually(t, ctx, 30*time.Second, "the DNSEndpoint Ready=Published", func(ctx context.Context) (bool, error) {
		ep := &v1alpha1.DNSEndpoint{}
		if err := host.Get(ctx, key, ep); err != nil {
			return false, err
		}
		c := meta.FindStatusCondition(ep.Status.Conditions, publish.ConditionReady)
		if c == nil || c.Reason != publish.ReasonPublished || c.ObservedGeneration != ep.Generation {
			return false, fmt.Errorf("condition %+v", c)
		}
		return true, nil
	})
}

// waitAnswer waits until the A answer for name, asked from source (with ECS when valid), is want.
func waitAnswer(t testing.TB, ctx context.Context, addr string, source netip.Addr, ecs netip.Prefix, name string, want ...string) {
	t.Helper()
	slices.Sort(want)
	eventually(t, ctx, 30*time.Second, fmt.Sprintf("%s from %s answering %v", name, source, want), func(context.Context) (bool, error) {
		got, _, err := ask(addr, source, ecs, name)
		if err != nil {
			return false, err
		}
		return slices.Equal(got, want), fmt.Errorf("answer %v", got)
	})
}

// ask sends an A query from source over UDP, with an ECS option when ecs is valid, and returns
// the sorted addresses and the ECS scope of the reply.
func ask(addr string, source netip.Addr, ecs netip.Prefix, name string) ([]string, int, error) {
	msg := new(dns.Msg)
	msg.SetQuestion(name, dns.TypeA)
	if ecs.IsValid() {
		opt := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		opt.SetUDPSize(dns.DefaultMsgSize)
		opt.Option = append(opt.Option, &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1,
			SourceNetmask: uint8(ecs.Bits()), Address: net.IP(ecs.Addr().AsSlice())})
		msg.Extra = append(msg.Extra, opt)
	}
	c := &dns.Client{Timeout: 2 * time.Second, Dialer: &net.Dialer{LocalAddr: &net.UDPAddr{IP: source.AsSlice()}}}
	resp, _, err := c.Exchange(msg, addr)
	if err != nil {
		return nil, 0, err
	}
	if resp.Rcode != dns.RcodeSuccess {
		return nil, 0, fmt.Errorf("rcode %s", dns.RcodeToString[resp.Rcode])
	}
	var got []string
	for _, rr := range resp.Answer {
		if a, ok := rr.(*dns.A); ok {
			got = append(got, a.A.String())
		}
	}
	slices.Sort(got)
	scope := -1
	if opt := resp.IsEdns0(); opt != nil {
		for _, o := range opt.Option {
			if s, ok := o.(*dns.EDNS0_SUBNET); ok {
				scope = int(s.SourceScope)
			}
		}
	}
	return got, scope, nil
}

// digFrom asks with dig, bound to source, and returns its +short output.
func digFrom(t *testing.T, ctx context.Context, server *env.CoreDNS, source netip.Addr, name string) string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "dig", "-b", source.String(), "-p", strconv.Itoa(server.Port), "@127.0.0.1",
		"+short", "+tries=1", "+time=2", name, "A").CombinedOutput()
	if err != nil {
		t.Fatalf("dig -b %s %s: %v\n%s", source, name, err, out)
	}
	return strings.TrimSpace(string(out))
}
