package dnsendpoint

import (
	"net/netip"
	"slices"
)

// addresses is what a shard (or a set of shards) can be reached at: IPv4 and IPv6 addresses in
// canonical text, and load-balancer hostnames nobody resolved. Each list is sorted and unique.
type addresses struct {
	v4, v6    []string
	hostnames []string
}

// addressesOf reads load-balancer entries. An entry's IP serves it; otherwise its hostname's
// resolved addresses do; a hostname without any is kept for a CNAME. Text that is no IP address
// (or one with an IPv6 zone, which means nothing outside its host) is skipped: publishing it
// would make external-dns reject the whole endpoint.
func addressesOf(entries []LoadBalancerIngress) addresses {
	var a addresses
	for _, e := range entries {
		switch {
		case e.IP != "":
			a.add(e.IP)
		case e.Hostname != "" && len(e.ResolvedIPs) > 0:
			for _, ip := range e.ResolvedIPs {
				a.add(ip)
			}
		case e.Hostname != "":
			a.hostnames = append(a.hostnames, e.Hostname)
		}
	}
	return a.normalized()
}

func (a *addresses) add(text string) {
	ip, err := netip.ParseAddr(text)
	if err != nil || ip.Zone() != "" {
		return
	}
	// An IPv4-mapped IPv6 address is an IPv4 address to every client: publish it as A.
	ip = ip.Unmap()
	if ip.Is4() {
		a.v4 = append(a.v4, ip.String())
	} else {
		a.v6 = append(a.v6, ip.String())
	}
}

func (a addresses) normalized() addresses {
	return addresses{v4: sortedSet(a.v4), v6: sortedSet(a.v6), hostnames: sortedSet(a.hostnames)}
}

func (a addresses) hasIPs() bool {
	return len(a.v4)+len(a.v6) > 0
}

func (a addresses) empty() bool {
	return !a.hasIPs() && len(a.hostnames) == 0
}

// union merges several shards' addresses, for names that serve them all together.
func union(all []addresses) addresses {
	var u addresses
	for _, a := range all {
		u.v4 = append(u.v4, a.v4...)
		u.v6 = append(u.v6, a.v6...)
		u.hostnames = append(u.hostnames, a.hostnames...)
	}
	return u.normalized()
}

// sortedSet returns the distinct values sorted as strings, as KubeFed's target sets were; nil when
// there are none, so empty lists compare equal however they were built.
func sortedSet(values []string) []string {
	if len(values) == 0 {
		return nil
	}
	out := slices.Clone(values)
	slices.Sort(out)
	return slices.Compact(out)
}
