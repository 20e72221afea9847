// Package gslb is a CoreDNS plugin that serves Meridian's SkyDNS records from etcd and answers
// each client with the nearest healthy cluster's targets.
//
// It lists the etcd prefix once, watches it from there, and answers every query from an
// in-memory index, so that a query never waits for etcd and answers go on while etcd is down.
package gslb

import (
	"io"
	"strings"
	"sync/atomic"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
)

const pluginName = "gslb"

var log = clog.NewWithPlugin(pluginName)

// GSLB is the plugin: authoritative for Zones, answering from an index the watcher fills.
type GSLB struct {
	Next plugin.Handler
	Fall fall.F

	zones   []*zone
	ix      *index
	locator *nearest.Locator
	prefix  string // etcd key prefix, without a trailing slash; labels the index metrics
	synced  atomic.Bool
	watcher *watcher  // nil in tests that fill the index directly
	client  io.Closer // the etcd client the watcher uses
}

// zone is one zone the plugin is authoritative for, with the names it synthesizes there.
type zone struct {
	name    string // canonical: lower case, no trailing dot ("" for the root)
	fqdn    string
	nsName  string // ns.dns.<zone>., the SOA's MNAME and the NS record when etcd has none
	mbox    string // hostmaster.<zone>.
	nsDNS   string // canonical ns.dns.<zone>, where NS records live in etcd (as in stock)
	apexDNS string // canonical apex.dns.<zone>, where apex addresses may live (as in stock)
	soa     atomic.Pointer[dns.SOA]
	metrics counters
}

func newZone(fqdn string) *zone {
	fqdn = dns.Fqdn(strings.ToLower(fqdn))
	z := &zone{name: strings.TrimSuffix(fqdn, "."), fqdn: fqdn}
	z.nsName = dnsJoin("ns.dns", fqdn)
	z.mbox = dnsJoin("hostmaster", fqdn)
	z.nsDNS = strings.TrimSuffix(z.nsName, ".")
	z.apexDNS = strings.TrimSuffix(dnsJoin("apex.dns", fqdn), ".")
	return z
}

// dnsJoin puts labels in front of a fully qualified name, the root included.
func dnsJoin(labels, fqdn string) string {
	if fqdn == "." {
		return labels + "."
	}
	return labels + "." + fqdn
}

// Timings of the synthesized SOA, as the stock etcd plugin has them. The SOA's own TTL and
// its MINIMUM bound how long resolvers cache a negative answer, so both are short: a name
// that appears should resolve soon.
const (
	soaTTL     = 30
	soaRefresh = 7200
	soaRetry   = 1800
	soaExpire  = 86400
	nsTTL      = 300
)

// soaRR returns the zone's SOA with serial, reusing the last one built while it is current.
func (z *zone) soaRR(serial uint32) *dns.SOA {
	if s := z.soa.Load(); s != nil && s.Serial == serial {
		return s
	}
	s := &dns.SOA{
		Hdr:     dns.RR_Header{Name: z.fqdn, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: soaTTL},
		Ns:      z.nsName,
		Mbox:    z.mbox,
		Serial:  serial,
		Refresh: soaRefresh,
		Retry:   soaRetry,
		Expire:  soaExpire,
		Minttl:  soaTTL,
	}
	z.soa.Store(s)
	return s
}

// serial is the SOA serial: the etcd revision of the newest change, which grows with every
// change (RFC 1982 arithmetic copes with its wrapping past 2^32).
func (g *GSLB) serial() uint32 { return uint32(g.ix.revision.Load()) }

// zoneOf returns the longest of the plugin's zones that holds the canonical name, or nil.
func (g *GSLB) zoneOf(name string) *zone {
	var best *zone
	for _, z := range g.zones {
		if inZone(name, z.name) && (best == nil || len(z.name) > len(best.name)) {
			best = z
		}
	}
	return best
}

// inZone says whether the canonical name is zone or below it, at a label boundary.
func inZone(name, zone string) bool {
	switch {
	case zone == "":
		return true
	case len(name) == len(zone):
		return name == zone
	case len(name) > len(zone):
		return name[len(name)-len(zone)-1] == '.' && name[len(name)-len(zone):] == zone
	}
	return false
}

// canonical lower-cases a query name and drops its trailing dot. It allocates only for a
// name that has upper-case letters.
func canonical(qname string) string {
	qname = strings.TrimSuffix(qname, ".")
	for i := 0; i < len(qname); i++ {
		if c := qname[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(qname)
		}
	}
	return qname
}

// Name implements plugin.Handler.
func (g *GSLB) Name() string { return pluginName }
