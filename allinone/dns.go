package allinone

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/meridian-dns/meridian/test/env"
)

// GlobalName is the example Service's global name: <service>.<namespace>.<Domain object>.svc.<zone>.
const GlobalName = "hello.demo.global.svc." + Zone + "."

// clientSubnets gives each member region a private client subnet, 10.<n>.0.0/16, that the
// Corefile places in it: a query carrying an EDNS Client Subnet option inside it is answered as
// if it came from that region.
func clientSubnets(members []Member) []RegionSubnet {
	var subnets []RegionSubnet
	for _, m := range members {
		if m.Region == "" || slices.ContainsFunc(subnets, func(r RegionSubnet) bool { return r.Region == m.Region }) {
			continue
		}
		subnets = append(subnets, RegionSubnet{Region: m.Region, Subnet: fmt.Sprintf("10.%d.0.0/16", len(subnets)+1)})
	}
	return subnets
}

// corefile serves Zone from etcd with gslb on 127.0.0.1, with a client rule per region.
func corefile(etcd string, subnets []RegionSubnet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s {\n    bind 127.0.0.1\n    errors\n    gslb %s {\n        endpoint %s\n", Zone, Zone, strings.ReplaceAll(etcd, ",", " "))
	for _, r := range subnets {
		fmt.Fprintf(&b, "        client %s region %s\n", r.Subnet, r.Region)
	}
	b.WriteString("    }\n}\n")
	return b.String()
}

func (s *Stack) startCoreDNS(ctx context.Context, binary string, port int) error {
	s.ClientSubnets = clientSubnets(s.Members)
	var err error
	s.CoreDNS, err = env.StartCoreDNSOnPort(ctx, binary, filepath.Join(s.Dir, "coredns"), corefile(s.EtcdEndpoint, s.ClientSubnets), port)
	if err != nil {
		return fmt.Errorf("starting CoreDNS with gslb: %w", err)
	}
	s.step("CoreDNS with gslb answers for %s on %s (UDP and TCP)", Zone, s.CoreDNS.Addr)
	return nil
}

// waitGlobalAnswer waits until the example's global name answers: with every member's address
// when the load balancers are simulated, else with any address.
func (s *Stack) waitGlobalAnswer(ctx context.Context) ([]string, error) {
	var want []string
	for _, m := range s.Members {
		if m.LoadBalancer != "" {
			want = append(want, m.LoadBalancer)
		}
	}
	slices.Sort(want)
	var got []string
	var last error
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		got, last = Lookup(s.CoreDNS.Addr, GlobalName, "")
		if len(want) == 0 {
			return len(got) > 0, nil
		}
		return slices.Equal(got, want), nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s did not answer %v within 2 minutes (last answer %v, error %v); see %s and the CoreDNS log %s",
			GlobalName, want, got, last, s.Controller.LogPath, s.CoreDNS.LogPath)
	}
	return got, nil
}

// Lookup asks server for name's A records, as a client in subnet (an EDNS Client Subnet option;
// empty: none) would, and returns the addresses sorted.
func Lookup(server, name, subnet string) ([]string, error) {
	msg := new(dns.Msg)
	msg.SetQuestion(dns.Fqdn(name), dns.TypeA)
	if subnet != "" {
		ecs, err := ecsOption(subnet)
		if err != nil {
			return nil, err
		}
		msg.SetEdns0(1232, false)
		opt := msg.IsEdns0()
		opt.Option = append(opt.Option, ecs)
	}
	reply, _, err := (&dns.Client{Timeout: 2 * time.Second}).Exchange(msg, server)
	if err != nil {
		return nil, err
	}
	if reply.Rcode != dns.RcodeSuccess {
		return nil, fmt.Errorf("%s: %s", name, dns.RcodeToString[reply.Rcode])
	}
	var addrs []string
	for _, rr := range reply.Answer {
		if a, ok := rr.(*dns.A); ok {
			addrs = append(addrs, a.A.String())
		}
	}
	slices.Sort(addrs)
	return addrs, nil
}

func ecsOption(subnet string) (*dns.EDNS0_SUBNET, error) {
	prefix, err := netip.ParsePrefix(subnet)
	if err != nil || !prefix.Addr().Is4() {
		return nil, fmt.Errorf("client subnet %q: want an IPv4 prefix such as 10.1.0.0/24", subnet)
	}
	return &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: uint8(prefix.Bits()),
		Address: prefix.Masked().Addr().AsSlice()}, nil
}
