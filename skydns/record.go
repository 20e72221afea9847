// Package skydns is the record format Meridian keeps in etcd: SkyDNS's, as CoreDNS's stock etcd
// plugin reads it, plus fields of Meridian's own that stock readers ignore. The etcd provider
// writes it and the gslb CoreDNS plugin reads it; this package is all they share.
//
// A name's records live one level below its path, one key per target:
//
//	/skydns/com/example/svc/prod/shop/web/<record id>  →  {"host":"192.0.2.10","ttl":180,...}
//
// The last segment is a record id chosen by the writer. A reader serves a key at its parent's
// name and, as SkyDNS did for records written directly at a name, at its own.
package skydns

import (
	"net/netip"
	"strings"
)

// DefaultPrefix is the etcd key prefix stock CoreDNS and external-dns use.
const DefaultPrefix = "/skydns"

// Service is one record: a target of a name. The first group of fields is SkyDNS's (CoreDNS
// plugin/etcd/msg.Service); the rest are Meridian's.
type Service struct {
	Host     string `json:"host,omitempty"` // an address (A/AAAA) or a name (CNAME)
	Port     int    `json:"port,omitempty"`
	Priority int    `json:"priority,omitempty"`
	Weight   int    `json:"weight,omitempty"` // SRV weight, as stock reads it
	Text     string `json:"text,omitempty"`   // a TXT record when Host is empty
	TTL      uint32 `json:"ttl,omitempty"`

	// Owner is the owner id of the Meridian instance that wrote the record; records without
	// one were written by someone else and Meridian never changes them.
	Owner string `json:"owner,omitempty"`
	// Resource names the object the record was published for, "dnsendpoint/<ns>/<name>".
	Resource string `json:"resource,omitempty"`
	// SetIdentifier tells apart routed record sets of one name: the cluster's name.
	SetIdentifier string   `json:"setIdentifier,omitempty"`
	Cluster       string   `json:"cluster,omitempty"`
	Region        string   `json:"region,omitempty"`
	Zones         []string `json:"zones,omitempty"`
	// Routing is the record's strategy: nearest, weighted, failover or all. Empty means the
	// record is plain and every target of the name is served.
	Routing string `json:"routing,omitempty"`
	// RoutingWeight is the relative weight for the weighted strategy (not the SRV weight).
	RoutingWeight *int64 `json:"routingWeight,omitempty"`
	// FailoverPriority orders clusters for the failover strategy: 0 is the primary.
	FailoverPriority *int `json:"failoverPriority,omitempty"`
}

// Record types a Service can hold.
const (
	TypeA     = "A"
	TypeAAAA  = "AAAA"
	TypeCNAME = "CNAME"
	TypeTXT   = "TXT"
)

// Type is the record type of s, as stock CoreDNS infers it: an IPv4 host is A, an IPv6 host
// AAAA, any other host a CNAME, and no host with text a TXT record. It returns "" for a record
// with neither.
func (s *Service) Type() string {
	if s.Host == "" {
		if s.Text != "" {
			return TypeTXT
		}
		return ""
	}
	addr, err := netip.ParseAddr(s.Host)
	switch {
	case err != nil:
		return TypeCNAME
	case addr.Is4() || addr.Is4In6():
		return TypeA
	default:
		return TypeAAAA
	}
}

// Path is the etcd path of name under prefix: example.com and www.Example.COM. under /skydns give
// /skydns/com/example and /skydns/com/example/www.
func Path(prefix, name string) string {
	labels := strings.Split(Canonical(name), ".")
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(prefix, "/"))
	for i := len(labels) - 1; i >= 0; i-- {
		if labels[i] == "" {
			continue
		}
		b.WriteByte('/')
		b.WriteString(labels[i])
	}
	return b.String()
}

// Key is the etcd key of the record id of name.
func Key(prefix, name, id string) string {
	return Path(prefix, name) + "/" + id
}

// Name is the inverse of Path: the name (lowercase, without a trailing dot) of an etcd path
// under prefix, and false when path is not under prefix or names nothing.
func Name(prefix, path string) (string, bool) {
	prefix = strings.TrimSuffix(prefix, "/") + "/"
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok || rest == "" {
		return "", false
	}
	segments := strings.Split(strings.Trim(rest, "/"), "/")
	for i, j := 0, len(segments)-1; i < j; i, j = i+1, j-1 {
		segments[i], segments[j] = segments[j], segments[i]
	}
	return strings.ToLower(strings.Join(segments, ".")), true
}

// Canonical lowercases name and drops its trailing dot: the form every Meridian map is keyed by.
func Canonical(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
}
