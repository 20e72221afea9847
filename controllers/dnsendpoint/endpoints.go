package dnsendpoint

import (
	"maps"
	"slices"
)

// contribution is what one shard offers one name.
type contribution struct {
	m *member
	a addresses
}

// serve builds a name's endpoints from what each of its shards offers (addrs picks current or
// last known addresses); nil when none offers anything.
func (b *builder) serve(s nameSpec, addrs func(*member) addresses) []Endpoint {
	var cs []contribution
	for _, m := range s.members {
		if a := addrs(m); !a.empty() {
			cs = append(cs, contribution{m: m, a: a})
		}
	}
	cs = preferIPs(cs)
	switch {
	case len(cs) == 0:
		return nil
	case b.router.splits(s.level):
		return b.perCluster(s.name, cs)
	default:
		return b.combined(s.name, cs)
	}
}

// preferIPs drops the shards that only have an unresolved hostname when another shard has
// addresses: a CNAME may not share its name with anything, and the addresses are the answer
// that needs no further lookup.
func preferIPs(cs []contribution) []contribution {
	var withIPs []contribution
	for _, c := range cs {
		if c.a.hasIPs() {
			withIPs = append(withIPs, c)
		}
	}
	if len(withIPs) > 0 {
		return withIPs
	}
	return cs
}

// combined is KubeFed's endpoint: one per record type with every shard's addresses.
func (b *builder) combined(name string, cs []contribution) []Endpoint {
	all := make([]addresses, len(cs))
	for i, c := range cs {
		all[i] = c.a
	}
	return endpointsFor(name, union(all), b.ttl, b.base, "", nil)
}

// perCluster gives each chosen shard its own endpoints, identified by its cluster name, for
// providers that route between them.
func (b *builder) perCluster(name string, cs []contribution) []Endpoint {
	var eps []Endpoint
	for rank, c := range b.router.choose(cs) {
		labels := b.router.labels(c.m, b.base)
		eps = append(eps, endpointsFor(name, c.a, b.ttl, labels, c.m.cluster, b.router.properties(c.m, rank))...)
	}
	return eps
}

// endpointsFor publishes addresses at a name: an A and an AAAA set when there are addresses,
// else a CNAME to the smallest hostname (a CNAME has exactly one target). Each endpoint gets its
// own copies of slices and maps, so a caller editing one cannot change another.
func endpointsFor(name string, a addresses, ttl int64, labels map[string]string, setID string,
	props []ProviderSpecificProperty) []Endpoint {
	endpoint := func(recordType string, targets []string) Endpoint {
		return Endpoint{DNSName: name, Targets: slices.Clone(targets), RecordType: recordType, RecordTTL: ttl,
			Labels: maps.Clone(labels), SetIdentifier: setID, ProviderSpecific: slices.Clone(props)}
	}
	var eps []Endpoint
	if len(a.v4) > 0 {
		eps = append(eps, endpoint(RecordTypeA, a.v4))
	}
	if len(a.v6) > 0 {
		eps = append(eps, endpoint(RecordTypeAAAA, a.v6))
	}
	if len(eps) == 0 && len(a.hostnames) > 0 {
		eps = append(eps, endpoint(RecordTypeCNAME, a.hostnames[:1]))
	}
	return eps
}

// cname is a plain CNAME: the fallback one level up, or the dnsPrefix alias.
func cname(name, target string, ttl int64, labels map[string]string) Endpoint {
	return Endpoint{DNSName: name, Targets: []string{target}, RecordType: RecordTypeCNAME, RecordTTL: ttl,
		Labels: maps.Clone(labels)}
}
