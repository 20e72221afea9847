package gslb

import (
	"math/rand/v2"
	"net"
	"strings"

	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
)

// maxChain bounds the CNAMEs followed inside our zones, against loops and long chains.
const maxChain = 8

// query is the state of answering one question. It lives on the ServeDNS stack.
type query struct {
	g      *GSLB
	zone   *zone // the zone of the name being answered (changes along a CNAME chain)
	server string
	remote net.Addr
	ecs    *dns.EDNS0_SUBNET

	located   bool
	dependent bool // the answer depends on the client's location
	loc       nearest.Location
	bits      int
	buf       [16]int // chosen record sets, reused by each choice

	rcode             int
	answer, ns, extra []dns.RR
	chain             [maxChain + 1]string // the question and the CNAME targets followed
	chainLen          int
	serial            uint32
}

// resolve answers qname/qtype into q's sections, following CNAMEs inside the plugin's zones;
// name is qname in canonical form.
func (q *query) resolve(qname, name string, qtype uint16) {
	owner := qname
	q.chain[0], q.chainLen = qname, 1
	for {
		e, exists := q.find(name, owner)
		if !exists {
			q.rcode = dns.RcodeNameError
			q.ns = append(q.ns, q.zone.soaRR(q.serial))
			return
		}
		before := len(q.answer)
		target := q.answerAt(e, owner, qtype, name == q.zone.name)
		if target == "" {
			if len(q.answer) == before {
				q.ns = append(q.ns, q.zone.soaRR(q.serial)) // NODATA
			}
			return
		}
		next := q.follow(target)
		if next == nil {
			return // outside our zones, or a loop or a long chain: the client goes on
		}
		q.zone, owner, name = next, target, target[:len(target)-1]
	}
}

// follow returns the zone to go on in for a CNAME target, or nil to stop.
func (q *query) follow(target string) *zone {
	if q.chainLen == len(q.chain) {
		return nil
	}
	for _, t := range q.chain[:q.chainLen] {
		if strings.EqualFold(t, target) { // the question's spelling is first
			return nil
		}
	}
	q.chain[q.chainLen] = target
	q.chainLen++
	return q.g.zoneOf(target[:len(target)-1])
}

// find returns the entry to answer the canonical name from, and whether the name exists. The
// zone apex always exists. A record stored at the name itself (found in its parent's entry)
// is merged in; that costs allocations, and is rare in Meridian's layout.
func (q *query) find(name, owner string) (*entry, bool) {
	e, self := q.g.ix.lookup(name)
	if self != nil {
		e = mergeSelf(e, self, fqdnOf(name))
	}
	if name == q.zone.name {
		if e == nil {
			e = &entry{fqdn: q.zone.fqdn}
		}
		return e, true
	}
	return e, e != nil
}

// mergeSelf builds a throwaway entry for a name from its own entry (may be nil) and the record
// stored at the name itself.
func mergeSelf(e *entry, self *record, fqdn string) *entry {
	var records []record
	if e != nil {
		records = make([]record, 0, len(e.records)+1)
	}
	s := self.clone()
	s.id = ""
	if s.rr != nil {
		s.rr = withOwner(s.rr, fqdn)
	}
	records = append(records, s)
	if e != nil {
		for i := range e.records {
			records = append(records, e.records[i].clone())
		}
	}
	return newEntry(fqdn, records)
}

// clone copies a record without its writer-only mark, which a re-list may be writing.
func (r *record) clone() record {
	return record{rr: r.rr, id: r.id, meta: r.meta, rev: r.rev, typ: r.typ, srv: r.srv,
		set: r.set, port: r.port, prio: r.prio, wgt: r.wgt}
}

// answerAt adds what e holds for qtype, owned by owner. It returns the target of a CNAME it
// answered with, which the caller follows, or "".
func (q *query) answerAt(e *entry, owner string, qtype uint16, apex bool) string {
	switch {
	case apex && qtype == dns.TypeSOA:
		q.answer = append(q.answer, withOwner(q.zone.soaRR(q.serial), owner))
		return ""
	case apex && qtype == dns.TypeNS:
		q.nameServers(owner)
		return ""
	case qtype == dns.TypeSRV:
		q.srv(e, owner)
		return ""
	}
	if apex && (qtype == dns.TypeA || qtype == dns.TypeAAAA) && !e.addressed() {
		if a := q.g.ix.get(q.zone.apexDNS); a != nil && a.addressed() {
			q.answer = q.appendRecords(q.answer, a, owner, kindOf(qtype))
			return ""
		}
	}
	want := kindOf(qtype)
	switch {
	case want == kindCNAME:
		if e.alias() {
			q.appendCNAME(e, owner)
		}
		return ""
	case want != 0 && e.effective()&want != 0:
		q.answer = q.appendRecords(q.answer, e, owner, want)
		return ""
	case e.alias():
		return q.appendCNAME(e, owner)
	}
	return ""
}

// appendRecords appends e's records of kind want, from the chosen record sets, owned by owner.
func (q *query) appendRecords(section []dns.RR, e *entry, owner string, want kinds) []dns.RR {
	chosen := q.pick(e, want)
	for i := range e.records {
		r := &e.records[i]
		if r.typ == want && r.rr != nil && included(chosen, r.set) {
			section = append(section, withOwner(r.rr, owner))
		}
	}
	return section
}

// appendCNAME answers with one CNAME of e's chosen sets (one at random when several clusters
// tie, since a name may have only one) and returns its target.
func (q *query) appendCNAME(e *entry, owner string) string {
	chosen := q.pick(e, kindCNAME)
	n := 0
	for i := range e.records {
		if r := &e.records[i]; r.typ == kindCNAME && included(chosen, r.set) {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	k := 0
	if n > 1 {
		k = rand.IntN(n)
	}
	for i := range e.records {
		r := &e.records[i]
		if r.typ != kindCNAME || !included(chosen, r.set) {
			continue
		}
		if k == 0 {
			q.answer = append(q.answer, withOwner(r.rr, owner))
			return r.rr.(*dns.CNAME).Target
		}
		k--
	}
	return ""
}
