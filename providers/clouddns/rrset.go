package clouddns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
)

// The canonical form of a routed set. Cloud DNS keeps one rrset per name and type, with every
// cluster's share as an item of its routing policy; Meridian's Records keep one set per cluster.
// The provider reads and writes one Record per rrset, SetIdentifier empty, Routing saying which
// policy it holds, and each record of each item as one target:
//
//	nearest   geo            "<location>|<rrdata>"            us-east1|192.0.2.1
//	weighted  wrr            "<item>|<weight>|<rrdata>"       0|3|192.0.2.1   (item: its index)
//	failover  primaryBackup  "primary|<rrdata>"               primary|192.0.2.1
//	                         "backup|<location>|<rrdata>"     backup|europe-west1|198.51.100.7
//
// rrdatas are in Record form (a CNAME without its final dot, TXT unquoted). Policy features
// Meridian never writes (health checks, load balancer targets, fencing, trickle traffic,
// DNSSEC signatures) read as one extra target, otherFeatures, so that a set of ours someone
// edited that way differs from what Meridian wants and is put back.
const (
	sep           = "|"
	rolePrimary   = "primary"
	roleBackup    = "backup"
	otherFeatures = "~other-policy-features"
)

// absolute is a Record name as the API spells it.
func absolute(name string) string {
	return strings.TrimSuffix(name, ".") + "."
}

// relative is an API name as Records spell it.
func relative(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
}

// rrdata converts one Record target of type typ into the API's presentation form.
func rrdata(typ, target string) string {
	switch typ {
	case providers.TypeCNAME:
		return absolute(target)
	case providers.TypeTXT:
		return quoteTXT(target)
	}
	return target
}

// target converts one rrdata into the form Records give it, which is the form the plan
// normalises desired targets into, so that both compare equal.
func target(typ, data string) string {
	switch typ {
	case providers.TypeCNAME:
		return relative(data)
	case providers.TypeTXT:
		return unquoteTXT(data)
	case providers.TypeA, providers.TypeAAAA:
		if addr, err := netip.ParseAddr(data); err == nil {
			return addr.String()
		}
	}
	return data
}

func rrdatas(typ string, targets []string) []string {
	out := make([]string, len(targets))
	for i, t := range targets {
		out[i] = rrdata(typ, t)
	}
	return out
}

// fromRRSet is the Record an rrset reads as, in the canonical form.
func fromRRSet(rr *dns.ResourceRecordSet) providers.Record {
	r := providers.Record{Name: relative(rr.Name), Type: rr.Type, TTL: rr.Ttl}
	each := func(prefix string, list []string) {
		for _, d := range list {
			r.Targets = append(r.Targets, prefix+target(rr.Type, d))
		}
	}
	each("", rr.Rrdatas)
	p := rr.RoutingPolicy
	switch {
	case p == nil:
	case p.Geo != nil:
		r.Routing = providers.RoutingNearest
		for _, it := range p.Geo.Items {
			each(it.Location+sep, it.Rrdatas)
		}
	case p.Wrr != nil:
		r.Routing = providers.RoutingWeighted
		for i, it := range p.Wrr.Items {
			each(strconv.Itoa(i)+sep+strconv.FormatFloat(it.Weight, 'f', -1, 64)+sep, it.Rrdatas)
		}
	case p.PrimaryBackup != nil:
		r.Routing = providers.RoutingFailover
		if t := p.PrimaryBackup.PrimaryTargets; t != nil {
			each(rolePrimary+sep, t.ExternalEndpoints)
		}
		if g := p.PrimaryBackup.BackupGeoTargets; g != nil {
			for _, it := range g.Items {
				each(roleBackup+sep+it.Location+sep, it.Rrdatas)
			}
		}
	}
	if len(rr.SignatureRrdatas) > 0 || otherPolicyFeatures(p) {
		r.Targets = append(r.Targets, otherFeatures)
	}
	slices.Sort(r.Targets)
	r.Targets = slices.Compact(r.Targets)
	return r
}

// otherPolicyFeatures reports whether a policy uses anything the canonical form has no place for.
func otherPolicyFeatures(p *dns.RRSetRoutingPolicy) bool {
	if p == nil {
		return false
	}
	odd := p.HealthCheck != ""
	geo := func(g *dns.RRSetRoutingPolicyGeoPolicy) {
		if g == nil {
			return
		}
		odd = odd || g.EnableFencing
		for _, it := range g.Items {
			odd = odd || it.HealthCheckedTargets != nil || len(it.SignatureRrdatas) > 0
		}
	}
	geo(p.Geo)
	if p.Wrr != nil {
		for _, it := range p.Wrr.Items {
			odd = odd || it.HealthCheckedTargets != nil || len(it.SignatureRrdatas) > 0
		}
	}
	if pb := p.PrimaryBackup; pb != nil {
		geo(pb.BackupGeoTargets)
		odd = odd || pb.TrickleTraffic != 0 || pb.PrimaryTargets == nil ||
			len(pb.PrimaryTargets.InternalLoadBalancers) > 0
	}
	return odd
}

// toRRSet is the rrset a canonical Record is written as. It fails for targets that are not in
// the canonical form of the Record's routing.
func toRRSet(r providers.Record) (*dns.ResourceRecordSet, error) {
	rr := &dns.ResourceRecordSet{Name: absolute(r.Name), Type: r.Type, Ttl: r.TTL}
	if slices.Contains(r.Targets, otherFeatures) {
		return nil, fmt.Errorf("%s %s holds routing features Meridian does not write", r.Type, r.Name)
	}
	var err error
	switch r.Routing {
	case "", providers.RoutingAll:
		rr.Rrdatas = rrdatas(r.Type, r.Targets)
	case providers.RoutingNearest:
		var g *dns.RRSetRoutingPolicyGeoPolicy
		g, err = geoPolicy(r.Type, r.Targets)
		rr.RoutingPolicy = &dns.RRSetRoutingPolicy{Geo: g}
	case providers.RoutingWeighted:
		var w *dns.RRSetRoutingPolicyWrrPolicy
		w, err = wrrPolicy(r.Type, r.Targets)
		rr.RoutingPolicy = &dns.RRSetRoutingPolicy{Wrr: w}
	case providers.RoutingFailover:
		var pb *dns.RRSetRoutingPolicyPrimaryBackupPolicy
		pb, err = primaryBackupPolicy(r.Type, r.Targets)
		rr.RoutingPolicy = &dns.RRSetRoutingPolicy{PrimaryBackup: pb}
	default:
		err = fmt.Errorf("unknown routing %q", r.Routing)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Type, r.Name, err)
	}
	return rr, nil
}

// geoPolicy decodes "<location>|<rrdata>" targets, items in location order.
func geoPolicy(typ string, targets []string) (*dns.RRSetRoutingPolicyGeoPolicy, error) {
	byLocation := map[string][]string{}
	for _, t := range targets {
		loc, data, ok := strings.Cut(t, sep)
		if !ok || loc == "" {
			return nil, fmt.Errorf("target %q is not <location>|<rrdata>", t)
		}
		byLocation[loc] = append(byLocation[loc], rrdata(typ, data))
	}
	if len(byLocation) == 0 {
		return nil, fmt.Errorf("no geo items")
	}
	g := &dns.RRSetRoutingPolicyGeoPolicy{}
	for _, loc := range slices.Sorted(maps.Keys(byLocation)) {
		g.Items = append(g.Items, &dns.RRSetRoutingPolicyGeoPolicyGeoPolicyItem{Location: loc, Rrdatas: byLocation[loc]})
	}
	return g, nil
}

// wrrPolicy decodes "<item>|<weight>|<rrdata>" targets; items must be numbered from 0 without
// gaps and give each of their records the same weight.
func wrrPolicy(typ string, targets []string) (*dns.RRSetRoutingPolicyWrrPolicy, error) {
	items := map[int]*dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem{}
	for _, t := range targets {
		parts := strings.SplitN(t, sep, 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("target %q is not <item>|<weight>|<rrdata>", t)
		}
		i, errI := strconv.Atoi(parts[0])
		w, errW := strconv.ParseFloat(parts[1], 64)
		if errI != nil || errW != nil || i < 0 || w < 0 {
			return nil, fmt.Errorf("target %q is not <item>|<weight>|<rrdata>", t)
		}
		it := items[i]
		if it == nil {
			it = &dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem{Weight: w}
			items[i] = it
		} else if it.Weight != w {
			return nil, fmt.Errorf("item %d has weights %v and %v", i, it.Weight, w)
		}
		it.Rrdatas = append(it.Rrdatas, rrdata(typ, parts[2]))
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no wrr items")
	}
	w := &dns.RRSetRoutingPolicyWrrPolicy{}
	for i := range len(items) {
		it, ok := items[i]
		if !ok {
			return nil, fmt.Errorf("wrr item %d is missing", i)
		}
		w.Items = append(w.Items, it)
	}
	return w, nil
}

// primaryBackupPolicy decodes "primary|<rrdata>" and "backup|<location>|<rrdata>" targets.
// Health-checked targets are addresses, so only A and AAAA sets can fail over.
func primaryBackupPolicy(typ string, targets []string) (*dns.RRSetRoutingPolicyPrimaryBackupPolicy, error) {
	if typ != providers.TypeA && typ != providers.TypeAAAA {
		return nil, fmt.Errorf("failover needs addresses, not %s records", typ)
	}
	primary := &dns.RRSetRoutingPolicyHealthCheckTargets{}
	var backups []string
	for _, t := range targets {
		role, rest, _ := strings.Cut(t, sep)
		switch role {
		case rolePrimary:
			primary.ExternalEndpoints = append(primary.ExternalEndpoints, rest)
		case roleBackup:
			backups = append(backups, rest)
		default:
			return nil, fmt.Errorf("target %q is neither primary|<rrdata> nor backup|<location>|<rrdata>", t)
		}
	}
	if len(primary.ExternalEndpoints) == 0 || len(backups) == 0 {
		return nil, fmt.Errorf("failover needs primary and backup targets")
	}
	g, err := geoPolicy(typ, backups)
	if err != nil {
		return nil, err
	}
	return &dns.RRSetRoutingPolicyPrimaryBackupPolicy{PrimaryTargets: primary, BackupGeoTargets: g}, nil
}

// sameRRSet reports whether two rrsets hold the same data, as a deletion must match: every
// field but the kinds the server stamps on what it returns, names compared without case.
func sameRRSet(a, b *dns.ResourceRecordSet) bool {
	ca, cb := stripped(a), stripped(b)
	ca.Name, cb.Name = strings.ToLower(ca.Name), strings.ToLower(cb.Name)
	ja, errA := json.Marshal(ca)
	jb, errB := json.Marshal(cb)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// stripped is a deep copy of rr as a request carries it: no kinds, no response metadata. It is
// what the provider remembers of each rrset, and what its deletions send.
func stripped(rr *dns.ResourceRecordSet) *dns.ResourceRecordSet {
	b, err := json.Marshal(rr)
	out := &dns.ResourceRecordSet{}
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		// The client's own types always encode and decode; anything else is a bug here.
		panic(fmt.Sprintf("clouddns: copying rrset %s %s: %v", rr.Type, rr.Name, err))
	}
	clearKinds(out)
	return out
}

// clearKinds clears every kind field of an rrset: the API stamps them on what it returns and
// ignores them in requests. It also drops null items, which no valid rrset has, so that the
// code reading items never meets a nil one.
func clearKinds(rr *dns.ResourceRecordSet) {
	rr.Kind = ""
	p := rr.RoutingPolicy
	if p == nil {
		return
	}
	p.Kind = ""
	targets := func(t *dns.RRSetRoutingPolicyHealthCheckTargets) {
		if t != nil {
			for _, lb := range t.InternalLoadBalancers {
				if lb != nil {
					lb.Kind = ""
				}
			}
		}
	}
	geo := func(g *dns.RRSetRoutingPolicyGeoPolicy) {
		if g != nil {
			g.Kind = ""
			g.Items = slices.DeleteFunc(g.Items, func(it *dns.RRSetRoutingPolicyGeoPolicyGeoPolicyItem) bool { return it == nil })
			for _, it := range g.Items {
				it.Kind = ""
				targets(it.HealthCheckedTargets)
			}
		}
	}
	geo(p.Geo)
	if p.Wrr != nil {
		p.Wrr.Kind = ""
		p.Wrr.Items = slices.DeleteFunc(p.Wrr.Items, func(it *dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem) bool { return it == nil })
		for _, it := range p.Wrr.Items {
			it.Kind = ""
			targets(it.HealthCheckedTargets)
		}
	}
	if pb := p.PrimaryBackup; pb != nil {
		pb.Kind = ""
		targets(pb.PrimaryTargets)
		geo(pb.BackupGeoTargets)
	}
}
