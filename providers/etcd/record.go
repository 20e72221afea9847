package etcd

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/skydns"
)

// idPrefix starts every record id Meridian writes. '~' cannot appear in a host name or in the
// underscore labels of SRV and TXT conventions, so no name anyone publishes can take the key of
// one of Meridian's records, and a key is Meridian's by its last segment alone.
const idPrefix = "m~"

// idHexLen is the hex digits of the hash in an id: 64 bits, for the targets of a single name.
const idHexLen = 16

// recordID is the deterministic id of one target of a set: rewriting a set rewrites the same
// keys, and two writers of the same target at one name meet at one key (the create guard in
// ApplyChanges keeps the second from overwriting the first).
func recordID(typ, setIdentifier, target string) string {
	sum := sha256.Sum256([]byte(typ + "\x00" + setIdentifier + "\x00" + target))
	return idPrefix + hex.EncodeToString(sum[:])[:idHexLen]
}

// isRecordID reports whether segment is an id recordID produces.
func isRecordID(segment string) bool {
	hexPart, ok := strings.CutPrefix(segment, idPrefix)
	if !ok || len(hexPart) != idHexLen {
		return false
	}
	_, err := hex.DecodeString(hexPart)
	return err == nil && strings.ToLower(hexPart) == hexPart
}

// targetKey is the etcd key of one target of r.
func (p *Provider) targetKey(r *providers.Record, target string) string {
	return skydns.Key(p.prefix, r.Name, recordID(r.Type, r.SetIdentifier, target))
}

// encode is the value stored for one target of r.
func encode(r *providers.Record, target string) (string, error) {
	s := skydns.Service{
		TTL:              uint32(r.TTL),
		Owner:            r.Owner,
		Resource:         r.Resource,
		SetIdentifier:    r.SetIdentifier,
		Cluster:          r.Cluster,
		Region:           r.Region,
		Zones:            r.Zones,
		Routing:          r.Routing,
		RoutingWeight:    r.Weight,
		FailoverPriority: r.FailoverPriority,
	}
	if r.Type == skydns.TypeTXT {
		s.Text = target
	} else {
		s.Host = target
	}
	b, err := json.Marshal(&s)
	return string(b), err
}

// validate rejects what the SkyDNS format cannot hold, or would read back as another type:
// stock readers infer the type from the host, so an A target must be an IPv4 address.
func (p *Provider) validate(r *providers.Record) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s %s (set %q): %s", r.Type, r.Name, r.SetIdentifier, fmt.Sprintf(format, args...))
	}
	switch {
	case r.Name != skydns.Canonical(r.Name) || r.Name == "" || strings.Contains(r.Name, "/") || strings.Contains(r.Name, ".."):
		return fail("name is not a canonical domain name")
	case p.zoneOf(r.Name) == "":
		return fmt.Errorf("%w: %s %s (zones %v)", ErrOutsideZones, r.Type, r.Name, p.zones)
	case r.TTL < 0 || r.TTL > math.MaxUint32:
		return fail("TTL %d out of range", r.TTL)
	case len(r.Targets) == 0:
		return fail("no targets")
	case r.Type == skydns.TypeCNAME && len(r.Targets) > 1:
		return fail("a CNAME has one target, not %d", len(r.Targets))
	}
	for _, t := range r.Targets {
		if t == "" {
			return fail("empty target")
		}
		typ := skydns.TypeTXT
		if r.Type != skydns.TypeTXT {
			typ = (&skydns.Service{Host: t}).Type()
		}
		// An IPv4-mapped IPv6 address reads back as A, but only a plain IPv4 one is spelled as such.
		if typ != r.Type || (typ == skydns.TypeA && !netip.MustParseAddr(t).Is4()) {
			return fail("target %q would be read back as %s", t, cmp.Or(typ, "nothing"))
		}
	}
	return nil
}

// setKey groups the keys of one set: everything a set has but its targets. Keys of one set that
// disagree on any of it (edited by hand, or half of a split update) are reported as two sets.
type setKey struct {
	name, typ, setIdentifier  string
	owner, resource           string
	ttl                       uint32
	cluster, region, zones    string
	routing, weight, priority string
}

func newSetKey(name string, s *skydns.Service) setKey {
	return setKey{
		name: name, typ: s.Type(), setIdentifier: s.SetIdentifier,
		owner: s.Owner, resource: s.Resource, ttl: s.TTL,
		cluster: s.Cluster, region: s.Region, zones: strings.Join(s.Zones, "\x00"),
		routing: s.Routing, weight: formatPtr(s.RoutingWeight), priority: formatPtr(s.FailoverPriority),
	}
}

func formatPtr[T int | int64](v *T) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(int64(*v), 10)
}

// grouper turns listed keys into record sets.
type grouper struct {
	sets map[setKey]*providers.Record
}

func (g *grouper) add(name string, s *skydns.Service) {
	k := newSetKey(name, s)
	r, ok := g.sets[k]
	if !ok {
		r = &providers.Record{
			Name: name, Type: k.typ, SetIdentifier: s.SetIdentifier, TTL: int64(s.TTL),
			Cluster: s.Cluster, Region: s.Region, Routing: s.Routing,
			Weight: s.RoutingWeight, FailoverPriority: s.FailoverPriority,
			Owner: s.Owner, Resource: s.Resource,
		}
		if len(s.Zones) > 0 {
			r.Zones = slices.Sorted(slices.Values(s.Zones))
		}
		g.sets[k] = r
	}
	target := s.Host
	if k.typ == skydns.TypeTXT {
		target = s.Text
	}
	r.Targets = append(r.Targets, target)
}

// records returns the sets in key order, targets sorted.
func (g *grouper) records() []providers.Record {
	out := make([]providers.Record, 0, len(g.sets))
	for _, r := range g.sets {
		slices.Sort(r.Targets)
		r.Targets = slices.Compact(r.Targets)
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b providers.Record) int {
		return cmp.Or(a.Key().Compare(b.Key()), cmp.Compare(a.Owner, b.Owner), cmp.Compare(a.Resource, b.Resource),
			slices.Compare(a.Targets, b.Targets))
	})
	return out
}
