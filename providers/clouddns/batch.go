package clouddns

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	dns "google.golang.org/api/dns/v1"
)

// unit is the ops that must share a change: those of one name, with the companion TXT records
// that describe its sets, so that a set and its ownership appear and disappear together.
type unit struct {
	name            string
	ops             []*op
	adds, dels, len int // len: bytes of rrdata
}

func (u *unit) add(o *op) {
	u.ops = append(u.ops, o)
	if o.add != nil {
		u.adds++
		u.len += rrdataBytes(o.add)
	}
	if o.del != nil {
		u.dels++
		u.len += rrdataBytes(o.del)
	}
}

// fits reports whether v can join u in one change within the limits.
func (l Limits) fits(u, v *unit) bool {
	return u.adds+v.adds <= l.AdditionsPerChange && u.dels+v.dels <= l.DeletionsPerChange &&
		u.len+v.len <= l.RrdataBytesPerChange
}

// pack groups a zone's ops into changes within the per-change limits, filling each change with
// whole units in name order. A unit that alone exceeds the limits cannot change atomically, and
// is refused before anything is sent.
func (p *Provider) pack(zoneName string, ops []*op) ([][]*op, error) {
	units := map[string]*unit{}
	for _, o := range ops {
		units[o.key.name] = &unit{name: o.key.name}
	}
	for _, o := range ops {
		owner := o.key.name
		if described, ok := describedName(o.key); ok && units[described] != nil {
			owner = described
		}
		units[owner].add(o)
	}
	empty := &unit{}
	var batches [][]*op
	current := &unit{}
	for _, name := range slices.Sorted(maps.Keys(units)) {
		u := units[name]
		if len(u.ops) == 0 {
			continue // its ops went to the name they describe
		}
		if !p.limits.fits(empty, u) {
			return nil, fmt.Errorf("the change of %s in zone %s exceeds Cloud DNS's per-change limits "+
				"(%d additions, %d deletions, %d bytes of rrdata; at most %d, %d, %d)", describeOps(u.ops), zoneName,
				u.adds, u.dels, u.len, p.limits.AdditionsPerChange, p.limits.DeletionsPerChange, p.limits.RrdataBytesPerChange)
		}
		if !p.limits.fits(current, u) {
			batches = append(batches, current.ops)
			current = &unit{}
		}
		for _, o := range u.ops {
			current.add(o)
		}
	}
	if len(current.ops) > 0 {
		batches = append(batches, current.ops)
	}
	return batches, nil
}

// describedName is the name of the set a companion TXT record describes, in the registry's
// (external-dns's) naming: "a-www.example.com" and "*.cname-example.com" describe
// www.example.com and *.example.com.
func describedName(k rrKey) (string, bool) {
	if k.typ != "TXT" {
		return "", false
	}
	wildcard := strings.HasPrefix(k.name, "*.")
	prefix, rest, ok := strings.Cut(strings.TrimPrefix(k.name, "*."), "-")
	if !ok || prefix == "" || strings.Contains(prefix, ".") || rest == "" {
		return "", false
	}
	if wildcard {
		rest = "*." + rest
	}
	return rest, true
}

// rrdataBytes is an rrset's share of the "total rrdata size per change" quota: every rrdata
// string, those of routing policy items and health-checked endpoints included (counting more
// than the service might keeps changes within it).
func rrdataBytes(rr *dns.ResourceRecordSet) int {
	n := 0
	count := func(list ...[]string) {
		for _, l := range list {
			for _, s := range l {
				n += len(s)
			}
		}
	}
	count(rr.Rrdatas, rr.SignatureRrdatas)
	p := rr.RoutingPolicy
	if p == nil {
		return n
	}
	geo := func(g *dns.RRSetRoutingPolicyGeoPolicy) {
		if g != nil {
			for _, it := range g.Items {
				count(it.Rrdatas, it.SignatureRrdatas)
			}
		}
	}
	geo(p.Geo)
	if p.Wrr != nil {
		for _, it := range p.Wrr.Items {
			count(it.Rrdatas, it.SignatureRrdatas)
		}
	}
	if pb := p.PrimaryBackup; pb != nil {
		geo(pb.BackupGeoTargets)
		if pb.PrimaryTargets != nil {
			count(pb.PrimaryTargets.ExternalEndpoints)
		}
	}
	return n
}
