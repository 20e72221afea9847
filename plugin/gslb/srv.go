package gslb

import (
	"github.com/miekg/dns"
)

// srv answers an SRV question as the stock etcd plugin does: one SRV per target with a host,
// its weight a share of 100 within its priority. An address target gets a name of its own,
// the record's key as a name (<id>.<name>), with the address in the additional section; a name
// target inside our zones gets its addresses there too.
//
// Every record with a host counts, a CNAME beside addresses included: here its host is a
// target, not an alias.
func (q *query) srv(e *entry, owner string) {
	want := kindHost
	chosen := q.pick(e, want)
	var inZone []string
	for i := range e.records {
		r := &e.records[i]
		if !r.srv || r.typ&want == 0 || !included(chosen, r.set) {
			continue
		}
		target := targetName(e, r)
		q.answer = append(q.answer, &dns.SRV{
			Hdr:      dns.RR_Header{Name: owner, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: r.rr.Header().Ttl},
			Priority: r.prio,
			Weight:   srvWeight(e, chosen, want, r),
			Port:     r.port,
			Target:   target,
		})
		if r.typ == kindCNAME {
			inZone = append(inZone, target)
			continue
		}
		q.extra = append(q.extra, withOwner(r.rr, target))
	}
	// Only now, because the lookups below reuse the buffer that chosen lives in.
	for _, t := range inZone {
		q.addressesOf(t)
	}
}

// targetName is the name an SRV record points at: a CNAME's target, or the key's own name.
func targetName(e *entry, r *record) string {
	if r.typ == kindCNAME {
		return r.rr.(*dns.CNAME).Target
	}
	if r.id == "" {
		return e.fqdn // a record stored at the name itself
	}
	return r.id + "." + e.fqdn
}

// srvWeight shares 100 among the targets of one priority in proportion to their weights (100
// when unset), and never gives 0, which would take a target out of rotation.
func srvWeight(e *entry, chosen []int, want kinds, r *record) uint16 {
	total := 0
	for i := range e.records {
		o := &e.records[i]
		if o.srv && o.prio == r.prio && o.typ&want != 0 && included(chosen, o.set) {
			total += weightOrDefault(o.wgt)
		}
	}
	w := 100 * weightOrDefault(r.wgt) / max(total, 1)
	return uint16(max(w, 1))
}

func weightOrDefault(w uint16) int {
	if w == 0 {
		return 100
	}
	return int(w)
}

// addressesOf adds the A and AAAA records of a target inside our zones to the additional
// section, chosen for this client like any answer.
func (q *query) addressesOf(target string) {
	name := target[:len(target)-1]
	if q.g.zoneOf(name) == nil {
		return
	}
	e, _ := q.g.ix.lookup(name)
	if e == nil || !e.addressed() {
		return
	}
	q.extra = q.appendRecords(q.extra, e, target, kindA)
	q.extra = q.appendRecords(q.extra, e, target, kindAAAA)
}

// nameServers answers NS at the apex: the address records stored under ns.dns.<zone>, each
// named by its key, with the addresses as glue, as in stock; a zone without any gets the
// ns.dns.<zone> name the SOA names.
func (q *query) nameServers(owner string) {
	e := q.g.ix.get(q.zone.nsDNS)
	if e != nil {
		for i := range e.records {
			r := &e.records[i]
			if r.typ&(kindA|kindAAAA) == 0 {
				continue
			}
			target := targetName(e, r)
			q.answer = append(q.answer, &dns.NS{
				Hdr: dns.RR_Header{Name: owner, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: r.rr.Header().Ttl},
				Ns:  target,
			})
			q.extra = append(q.extra, withOwner(r.rr, target))
		}
	}
	if len(q.answer) == 0 {
		q.answer = append(q.answer, &dns.NS{
			Hdr: dns.RR_Header{Name: owner, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: nsTTL},
			Ns:  q.zone.nsName,
		})
	}
}
