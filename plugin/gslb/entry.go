package gslb

import (
	"net"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
	"github.com/meridian-dns/meridian/skydns"
)

// defaultTTL is the TTL of a record that names none, as the stock etcd plugin serves it.
const defaultTTL = 300

// defaultSRVPriority is the SRV priority of a record that names none, as the stock plugin has it.
const defaultSRVPriority = 10

// strategy is how a routed name picks among its record sets.
type strategy uint8

const (
	routeAll strategy = iota // every target: plain records and "all"
	routeNearest
	routeWeighted
	routeFailover
)

func parseStrategy(s string) strategy {
	switch strings.ToLower(s) {
	case "nearest":
		return routeNearest
	case "weighted":
		return routeWeighted
	case "failover":
		return routeFailover
	default:
		// "all", "" and anything this version does not know: serving every healthy target is
		// the answer that never goes dark.
		return routeAll
	}
}

// kinds is a set of the record types a name or a record set holds.
type kinds uint8

const (
	kindA kinds = 1 << iota
	kindAAAA
	kindCNAME
	kindTXT
)

// kindOf maps a query type onto kinds; 0 for types no record holds.
func kindOf(qtype uint16) kinds {
	switch qtype {
	case dns.TypeA:
		return kindA
	case dns.TypeAAAA:
		return kindAAAA
	case dns.TypeCNAME:
		return kindCNAME
	case dns.TypeTXT:
		return kindTXT
	}
	return 0
}

// kindHost covers the records that have a host, the ones an SRV answer is made of.
const kindHost = kindA | kindAAAA | kindCNAME

// routeMeta is the routing part of a record. Records of one record set share one interned
// value, so a record pays a pointer for it rather than three strings and two numbers.
type routeMeta struct {
	set, cluster, region string
	strategy             strategy
	hasWeight            bool
	hasPriority          bool
	weight               int64
	priority             int
}

// record is one etcd key as the index serves it at its parent's name. Its RR is built once,
// when the key is read, so that the query path only hands out pointers.
type record struct {
	rr   dns.RR // A, AAAA, CNAME or TXT owned by the entry's name; nil when unusable
	id   string // the key's last segment
	meta *routeMeta
	rev  int64  // etcd ModRevision, to skip unchanged keys on a re-list
	seen uint32 // re-list generation that last saw the key; only the writer touches it
	typ  kinds
	srv  bool // usable in an SRV answer: has a host and a port that is not -1
	set  uint16
	port uint16
	prio uint16 // SRV priority
	wgt  uint16 // SRV weight as written; 0 means the stock default
}

// entry is everything the index knows about one name. It is immutable once published:
// writers build a new entry and swap the pointer, so readers never see a half-made one.
type entry struct {
	fqdn     string              // lower-case, with the trailing dot: the owner of every RR here
	records  []record            // sorted by id
	sets     []rset              // the routed record sets, when the name is routed
	cands    []nearest.Candidate // parallel to sets, for the locator
	strategy strategy
	kinds    kinds
}

// rset is one routed record set of a name: its routing and the kinds of record it holds.
type rset struct {
	*routeMeta
	kinds kinds
}

// routed says whether the answer depends on a choice between record sets.
func (e *entry) routed() bool { return e.strategy != routeAll && len(e.sets) > 1 }

// addressed says whether the name holds addresses, which win over a CNAME at the same name.
func (e *entry) addressed() bool { return e.kinds&(kindA|kindAAAA) != 0 }

// alias says whether the name is a CNAME: it has one and no addresses.
func (e *entry) alias() bool { return e.kinds&kindCNAME != 0 && !e.addressed() }

// find returns the record with id, or nil.
func (e *entry) find(id string) *record {
	lo, hi := 0, len(e.records)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if e.records[mid].id < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(e.records) && e.records[lo].id == id {
		return &e.records[lo]
	}
	return nil
}

// newEntry derives the per-name routing data from records, which must be sorted by id and
// belong to the new entry alone (their set field is assigned here).
func newEntry(fqdn string, records []record) *entry {
	e := &entry{fqdn: fqdn, records: records}
	for i := range records {
		r := &records[i]
		e.kinds |= r.typ
		if r.meta != nil && r.meta.strategy != routeAll && e.strategy == routeAll {
			e.strategy = r.meta.strategy
		}
	}
	if e.strategy == routeAll {
		return e
	}
	for i := range records {
		r := &records[i]
		set := e.setOf(r.meta)
		r.set = uint16(set)
		e.sets[set].kinds |= r.typ
	}
	return e
}

// setOf returns the index of the record set meta belongs to, adding one when it is new. A
// set is keyed by its SetIdentifier, or by cluster for writers that leave it empty.
func (e *entry) setOf(meta *routeMeta) int {
	key := ""
	if meta != nil {
		key = meta.set
	}
	for i, s := range e.sets {
		if s.set == key {
			return i
		}
	}
	if meta == nil {
		meta = &routeMeta{}
	}
	e.sets = append(e.sets, rset{routeMeta: meta})
	e.cands = append(e.cands, nearest.Candidate{Cluster: meta.cluster, Region: meta.region})
	return len(e.sets) - 1
}

// buildRecord turns a parsed key into a record whose RR is owned by fqdn. A record whose host
// is neither an address nor a valid name keeps no RR: the name still exists, it just has no
// data of that kind.
func buildRecord(fqdn, id string, s *skydns.Service, meta *routeMeta, rev int64) record {
	r := record{id: id, meta: meta, rev: rev}
	ttl := s.TTL
	if ttl == 0 {
		ttl = defaultTTL
	}
	hdr := func(t uint16) dns.RR_Header {
		return dns.RR_Header{Name: fqdn, Rrtype: t, Class: dns.ClassINET, Ttl: ttl}
	}
	switch s.Type() {
	case skydns.TypeA:
		// One allocation for the RR and its address bytes.
		a := &struct {
			rr   dns.A
			addr [4]byte
		}{}
		a.addr = netip.MustParseAddr(s.Host).Unmap().As4()
		a.rr = dns.A{Hdr: hdr(dns.TypeA), A: net.IP(a.addr[:])}
		r.rr, r.typ = &a.rr, kindA
	case skydns.TypeAAAA:
		a := &struct {
			rr   dns.AAAA
			addr [16]byte
		}{}
		a.addr = netip.MustParseAddr(s.Host).As16()
		a.rr = dns.AAAA{Hdr: hdr(dns.TypeAAAA), AAAA: net.IP(a.addr[:])}
		r.rr, r.typ = &a.rr, kindAAAA
	case skydns.TypeCNAME:
		target := dns.Fqdn(strings.ToLower(s.Host))
		if _, ok := dns.IsDomainName(target); !ok {
			return r
		}
		r.rr, r.typ = &dns.CNAME{Hdr: hdr(dns.TypeCNAME), Target: target}, kindCNAME
	case skydns.TypeTXT:
		r.rr, r.typ = &dns.TXT{Hdr: hdr(dns.TypeTXT), Txt: split255(s.Text)}, kindTXT
	}
	if r.typ&kindHost != 0 && s.Port >= 0 && s.Port <= 0xffff {
		r.srv, r.port = true, uint16(s.Port)
		r.prio, r.wgt = clampUint16(s.Priority), clampUint16(s.Weight)
		if r.prio == 0 {
			r.prio = defaultSRVPriority
		}
	}
	return r
}

func clampUint16(v int) uint16 {
	return uint16(min(max(v, 0), 0xffff))
}

// split255 cuts a TXT value into the 255-byte strings the wire format holds.
func split255(s string) []string {
	if len(s) <= 255 {
		return []string{s}
	}
	parts := make([]string, 0, len(s)/255+1)
	for len(s) > 255 {
		parts = append(parts, s[:255])
		s = s[255:]
	}
	return append(parts, s)
}

// withOwner returns rr owned by name: rr itself when the name is already its owner, else a
// shallow copy (the RDATA slices are shared, and nobody writes to them).
func withOwner(rr dns.RR, name string) dns.RR {
	if rr.Header().Name == name {
		return rr
	}
	var out dns.RR
	switch v := rr.(type) {
	case *dns.A:
		c := *v
		out = &c
	case *dns.AAAA:
		c := *v
		out = &c
	case *dns.CNAME:
		c := *v
		out = &c
	case *dns.TXT:
		c := *v
		out = &c
	default:
		out = dns.Copy(rr)
	}
	out.Header().Name = name
	return out
}
