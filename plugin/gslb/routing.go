package gslb

import (
	"math"
	"math/rand/v2"
	"net"
	"net/netip"

	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
)

// effective are the kinds of record a name answers with: a CNAME beside addresses is ignored,
// because the addresses win.
func (e *entry) effective() kinds {
	if e.addressed() {
		return e.kinds &^ kindCNAME
	}
	return e.kinds
}

// pick returns the record sets of e to answer records of kinds want from, or nil for all of
// them (a name that is not routed).
//
// The sets are chosen once by what every set holds, so that a client gets the same clusters
// for A and AAAA. When the chosen sets hold nothing of the kinds wanted (say the nearest
// cluster has only IPv4 and the client asks AAAA), the strategy runs again over the sets that
// do: the client gets the nearest (or next preferred) cluster that can answer rather than
// nothing.
func (q *query) pick(e *entry, want kinds) []int {
	if !e.routed() {
		return nil
	}
	chosen := q.choose(e, e.effective())
	if !setsHold(e, chosen, want) {
		chosen = q.choose(e, want)
	}
	q.countRegions(e, chosen)
	return chosen
}

func setsHold(e *entry, chosen []int, want kinds) bool {
	for _, i := range chosen {
		if e.sets[i].kinds&want != 0 {
			return true
		}
	}
	return false
}

// included says whether set is among chosen; nil chooses every set.
func included(chosen []int, set uint16) bool {
	if chosen == nil {
		return true
	}
	for _, i := range chosen {
		if i == int(set) {
			return true
		}
	}
	return false
}

// choose applies e's strategy to the sets that hold any of want, appending to q.buf.
func (q *query) choose(e *entry, want kinds) []int {
	switch e.strategy {
	case routeNearest:
		return q.chooseNearest(e, want)
	case routeWeighted:
		return q.chooseWeighted(e, want)
	case routeFailover:
		return q.chooseFailover(e, want)
	}
	return q.qualifying(e, want)
}

// qualifying lists the sets that hold any of want.
func (q *query) qualifying(e *entry, want kinds) []int {
	out := q.buf[:0]
	for i, s := range e.sets {
		if s.kinds&want != 0 {
			out = append(out, i)
		}
	}
	return out
}

// chooseNearest asks the locator for the sets nearest the client. The answer now depends on
// where the client is, which the ECS scope must say.
func (q *query) chooseNearest(e *entry, want kinds) []int {
	loc := q.locate()
	q.dependent = true
	sets := q.qualifying(e, want)
	if len(sets) == len(e.sets) {
		return q.g.locator.ChooseInto(q.buf[:0], loc, e.cands)
	}
	// Some sets cannot answer this type: ask about the others only (rare, so it may allocate).
	cands := make([]nearest.Candidate, len(sets))
	for j, i := range sets {
		cands[j] = e.cands[i]
	}
	picked := q.g.locator.Choose(loc, cands)
	out := make([]int, len(picked))
	for j, p := range picked {
		out[j] = sets[p]
	}
	return out
}

// chooseWeighted picks one set at random in proportion to its weight, as Route 53 does: a set
// of weight 0 is served only when every set has weight 0 (or none).
func (q *query) chooseWeighted(e *entry, want kinds) []int {
	var total int64
	var n int
	for i, s := range e.sets {
		if e.sets[i].kinds&want == 0 {
			continue
		}
		n++
		if s.weight > 0 {
			total += s.weight
		}
	}
	out := q.buf[:0]
	if n == 0 {
		return out
	}
	if total == 0 {
		return append(out, nthQualifying(e, want, rand.IntN(n)))
	}
	r := rand.Int64N(total)
	for i, s := range e.sets {
		if e.sets[i].kinds&want == 0 || s.weight <= 0 {
			continue
		}
		if r < s.weight {
			return append(out, i)
		}
		r -= s.weight
	}
	return out // not reached: r < total
}

func nthQualifying(e *entry, want kinds, n int) int {
	for i, s := range e.sets {
		if s.kinds&want != 0 {
			if n == 0 {
				return i
			}
			n--
		}
	}
	return -1
}

// chooseFailover keeps the sets of the lowest failover priority present (0 is the primary); a
// set without a priority comes after all that have one.
func (q *query) chooseFailover(e *entry, want kinds) []int {
	best := math.MaxInt
	found := false
	for i, s := range e.sets {
		if e.sets[i].kinds&want != 0 && s.hasPriority && s.priority < best {
			best, found = s.priority, true
		}
	}
	out := q.buf[:0]
	for i, s := range e.sets {
		if e.sets[i].kinds&want == 0 {
			continue
		}
		if !found || (s.hasPriority && s.priority == best) {
			out = append(out, i)
		}
	}
	return out
}

// countRegions feeds the answers-by-region metric with the regions of the chosen sets.
func (q *query) countRegions(e *entry, chosen []int) {
	for _, i := range chosen {
		q.zone.metrics.region(q.server, q.zone.fqdn, e.sets[i].region).Inc()
	}
}

// locate places the client once per query: by its EDNS Client Subnet when it sent one, else by
// the address the query came from.
func (q *query) locate() nearest.Location {
	if q.located {
		return q.loc
	}
	q.located = true
	var addr netip.Addr
	if q.ecs != nil {
		if q.ecs.SourceNetmask == 0 {
			// The resolver asks us not to tailor the answer: an unknown client gets all sets.
			return q.loc
		}
		addr = ecsAddr(q.ecs)
	} else {
		addr = remoteAddr(q.remote)
	}
	q.loc, q.bits = q.g.locator.Locate(addr)
	if q.ecs != nil && q.ecs.Family == 2 && addr.Is4In6() {
		q.bits += 96 // the locator counts IPv4 bits; the scope counts the option's family
	}
	return q.loc
}

// ecsAddr is the client subnet's address, masked to its source prefix as RFC 7871 asks.
func ecsAddr(o *dns.EDNS0_SUBNET) netip.Addr {
	addr, ok := netip.AddrFromSlice(o.Address)
	if !ok {
		return netip.Addr{}
	}
	bits := int(o.SourceNetmask)
	if o.Family == 1 {
		addr = addr.Unmap()
	}
	p, err := addr.Prefix(bits)
	if err != nil {
		return netip.Addr{}
	}
	return p.Addr()
}

func remoteAddr(a net.Addr) netip.Addr {
	switch a := a.(type) {
	case *net.UDPAddr:
		return a.AddrPort().Addr().Unmap()
	case *net.TCPAddr:
		return a.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

// ecsScope is the SCOPE PREFIX-LENGTH to echo: the bits that placed the client when the answer
// depended on where it is, capped at what the resolver sent, and 0 when the answer is the same
// for everyone (a plain name, one record set, weighted and failover choices).
func (q *query) ecsScope() uint8 {
	if q.ecs == nil || !q.dependent {
		return 0
	}
	return uint8(min(q.bits, int(q.ecs.SourceNetmask)))
}

// readECS finds the client subnet option of the query. It reports a malformed query (FORMERR)
// when the query has two OPT records (RFC 6891 6.1.1) or two client subnet options (RFC 7871).
// Address bits beyond the source prefix are tolerated: only the prefix places the client.
func readECS(r *dns.Msg) (*dns.EDNS0_SUBNET, bool) {
	var o *dns.OPT
	for _, rr := range r.Extra {
		if opt, ok := rr.(*dns.OPT); ok {
			if o != nil {
				return nil, false
			}
			o = opt
		}
	}
	if o == nil {
		return nil, true
	}
	var found *dns.EDNS0_SUBNET
	for _, opt := range o.Option {
		if s, ok := opt.(*dns.EDNS0_SUBNET); ok {
			if found != nil {
				return nil, false
			}
			found = s
		}
	}
	return found, true
}
