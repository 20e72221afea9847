package bench

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// ecsSubnet is the client subnet of the ECS rows; dnsperfECS is the same for dnsperf's -E
// option: option 8, family 1 (IPv4), source prefix 24, scope 0, address 198.51.100.
const (
	ecsSubnet   = "198.51.100.0/24"
	dnsperfECS  = "8:00011800c63364"
	gslbMissing = "gslb not compiled into bin/coredns (bin/coredns -plugins does not list it)"
)

// Corefiles of the four servers. Every block binds to loopback and logs nothing: a log line
// per query would measure the log writer.
func fileCorefile(zoneFile string) string {
	return fmt.Sprintf("%s {\n    bind 127.0.0.1\n    file %s\n}\n", zone, zoneFile)
}

func etcdCorefile(endpoint, prefix string) string {
	return fmt.Sprintf(`%s {
    bind 127.0.0.1
    etcd %[1]s {
        endpoint %s
        path %s
    }
}
`, zone, endpoint, prefix)
}

func whoamiCorefile() string {
	return fmt.Sprintf("%s {\n    bind 127.0.0.1\n    whoami\n}\n", zone)
}

func gslbCorefile(endpoint, prefix string) string {
	return fmt.Sprintf(`%s {
    bind 127.0.0.1
    gslb %[1]s {
        endpoint %s
        prefix %s
        client %s region %s
        client 203.0.113.0/24 region %s
    }
}
`, zone, endpoint, prefix, ecsSubnet, eastRegion, westRegion)
}

// compiledPlugins lists the plugins binary was built with (coredns -plugins), so a missing
// gslb is reported as such rather than as a CoreDNS that exits during startup.
func compiledPlugins(ctx context.Context, binary string) (map[string]bool, error) {
	out, err := exec.CommandContext(ctx, binary, "-plugins").Output()
	if err != nil {
		return nil, fmt.Errorf("%s -plugins: %w", binary, err)
	}
	plugins := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		name := strings.TrimSpace(line)
		plugins[strings.TrimPrefix(name, "dns.")] = true
	}
	return plugins, nil
}

// query asks addr for the A records of name, from the ECS subnet when ecs is set.
func query(ctx context.Context, addr, name string, ecs bool) (*dns.Msg, error) {
	msg := new(dns.Msg)
	msg.SetQuestion(name, dns.TypeA)
	if ecs {
		opt := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		opt.SetUDPSize(1232)
		subnet := netip.MustParsePrefix(ecsSubnet)
		opt.Option = append(opt.Option, &dns.EDNS0_SUBNET{
			Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: uint8(subnet.Bits()),
			Address: net.IP(subnet.Addr().AsSlice()),
		})
		msg.Extra = append(msg.Extra, opt)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	resp, _, err := new(dns.Client).ExchangeContext(ctx, msg, addr)
	return resp, err
}

// answerSet is the sorted addresses of the A records in rrs.
func answerSet(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		if a, ok := rr.(*dns.A); ok {
			out = append(out, a.A.String())
		}
	}
	slices.Sort(out)
	return out
}

// checkAnswer fails unless the reply to name is NOERROR with exactly want. whoami answers no
// records: it must put the client's address (127.0.0.1) in the additional section instead.
func checkAnswer(resp *dns.Msg, name string, want []string, whoami bool) error {
	if resp.Rcode != dns.RcodeSuccess {
		return fmt.Errorf("%s A: rcode %s, want NOERROR", name, dns.RcodeToString[resp.Rcode])
	}
	got, section := answerSet(resp.Answer), "answer"
	if whoami {
		got, section, want = answerSet(resp.Extra), "additional", []string{"127.0.0.1"}
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("%s A: %s section %v, want %v", name, section, got, want)
	}
	return nil
}

// sampleNames are the indexes verified before a run: both kinds of record, at both ends of
// the set, so a server that loaded only part of it is caught.
func sampleNames(n int) []int {
	return []int{1, 2, n/2 + 1, n/2 + 2, n - 1, n}
}

// verify checks the sample names on a server. routes says whether the server applies nearest
// routing (gslb); the ECS rows then expect only the east target of routed names.
func verify(ctx context.Context, addr string, set recordSet, ecs, routes, whoami bool) error {
	for _, i := range sampleNames(set.n) {
		resp, err := query(ctx, addr, set.name(i), ecs)
		if err != nil {
			return fmt.Errorf("querying %s: %w", set.name(i), err)
		}
		if err := checkAnswer(resp, set.name(i), set.expected(i, ecs && routes), whoami); err != nil {
			return err
		}
	}
	return nil
}

// waitAnswers polls until name is answered with want: gslb loads etcd after it starts
// serving, so a first NXDOMAIN or partial answer only means "not yet".
func waitAnswers(ctx context.Context, addr, name string, want []string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		resp, err := query(ctx, addr, name, false)
		if last = err; err == nil {
			if last = checkAnswer(resp, name, want, false); last == nil {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("no correct answer within %s: %v", limit, last)
}
