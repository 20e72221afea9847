package clouddns

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/meridian-dns/meridian/providers"
)

// DefaultLocation is where geo items go when no cluster of a set has a region Cloud DNS can
// place: a geo policy needs at least one item, and Cloud DNS answers every client from the
// nearest item, so one item serves everyone whatever its location.
const DefaultLocation = "us-central1"

// Canonical returns desired as Records reads it back after ApplyChanges wrote it: the sets of
// one name and type merged into one Record in the canonical form (see rrset.go), SetIdentifier
// empty, and the fields Cloud DNS does not keep (cluster, region, zones, weight, priority,
// health check) cleared. Sets already in that form are returned as they are.
func (p *Provider) Canonical(desired []providers.Record) []providers.Record {
	return canonical(desired, p.defaultLocation)
}

type nameType struct{ name, typ string }

func canonical(desired []providers.Record, fallback string) []providers.Record {
	var order []nameType
	groups := map[nameType][]providers.Record{}
	for _, r := range desired {
		k := nameType{r.Name, r.Type}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	out := make([]providers.Record, 0, len(order))
	for _, k := range order {
		out = append(out, merge(groups[k], fallback))
	}
	slices.SortFunc(out, func(a, b providers.Record) int { return a.Key().Compare(b.Key()) })
	return out
}

// routable reports whether sets of typ keep their routing. TXT sets are stored plain: the
// registry's ownership companions arrive with the routing of the set they describe, and must
// stay single plain TXT records for external-dns and Meridian to find them.
func routable(typ string) bool {
	return typ == providers.TypeA || typ == providers.TypeAAAA || typ == providers.TypeCNAME
}

// merge turns the sets of one name and type into the one Record Cloud DNS keeps for them.
func merge(shares []providers.Record, fallback string) providers.Record {
	first := shares[0]
	if len(shares) == 1 && first.SetIdentifier == "" && isCanonical(first) {
		return bare(first, first.Targets, first.Routing)
	}
	shares = slices.Clone(shares)
	slices.SortFunc(shares, func(a, b providers.Record) int { return cmp.Compare(a.SetIdentifier, b.SetIdentifier) })
	out := bare(shares[0], nil, "")
	for _, s := range shares {
		out.TTL = min(out.TTL, s.TTL)
	}
	routing := shares[0].Routing
	for _, s := range shares {
		if s.Routing != routing || !routable(s.Type) {
			routing = "" // disagreeing or unroutable shares: serve them all, as strategy all does
		}
	}
	switch routing {
	case providers.RoutingNearest:
		out.Routing, out.Targets = routing, geoTargets(shares, out.Type, fallback)
	case providers.RoutingWeighted:
		out.Routing, out.Targets = routing, wrrTargets(shares, out.Type)
	case providers.RoutingFailover:
		out.Routing, out.Targets = failoverTargets(shares, out.Type, fallback)
	default:
		out.Targets = union(shares, out.Type)
	}
	return out
}

// isCanonical reports whether a set with no SetIdentifier is already as Records reads it.
func isCanonical(r providers.Record) bool {
	switch {
	case r.Routing == "" || r.Routing == providers.RoutingAll || !routable(r.Type):
		return true
	case r.Routing == providers.RoutingNearest || r.Routing == providers.RoutingWeighted ||
		r.Routing == providers.RoutingFailover:
		_, err := toRRSet(r)
		return err == nil
	}
	return false
}

// bare is r with targets and routing, and without what Cloud DNS does not store. Plain sets
// (strategy all included) read back without routing.
func bare(r providers.Record, targets []string, routing string) providers.Record {
	if routing == providers.RoutingAll || !routable(r.Type) {
		routing = ""
	}
	return providers.Record{Name: r.Name, Type: r.Type, TTL: r.TTL, Routing: routing,
		Targets: sortedSet(targets), Owner: r.Owner, Resource: r.Resource}
}

func sortedSet(list []string) []string {
	if list == nil {
		return nil
	}
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}

// records are the distinct targets of sets, sorted; a CNAME keeps the smallest, as it can only
// hold one (the choice dnsendpoint makes between several hostnames too).
func records(typ string, targets []string) []string {
	out := sortedSet(targets)
	if typ == providers.TypeCNAME && len(out) > 1 {
		out = out[:1]
	}
	return out
}

func union(shares []providers.Record, typ string) []string {
	var all []string
	for _, s := range shares {
		all = append(all, s.Targets...)
	}
	return records(typ, all)
}

// geoTargets places each share at the geo location of its region; shares at one location share
// its item, and shares without a location join every item (they serve everyone, as a cluster
// without a region label serves the global name). No location at all puts one item at fallback.
func geoTargets(shares []providers.Record, typ, fallback string) []string {
	items := map[string][]string{}
	var everywhere []string
	for _, s := range shares {
		if loc := gcpLocation(s.Region); loc != "" {
			items[loc] = append(items[loc], s.Targets...)
		} else {
			everywhere = append(everywhere, s.Targets...)
		}
	}
	if len(items) == 0 {
		items[fallback] = nil
	}
	var out []string
	for loc, targets := range items {
		for _, t := range records(typ, append(targets, everywhere...)) {
			out = append(out, loc+sep+t)
		}
	}
	slices.Sort(out)
	return out
}

// wrrTargets gives each share its own item, in SetIdentifier order. A share without a weight
// gets 1, as dnsendpoint gives every cluster when no weights are set.
func wrrTargets(shares []providers.Record, typ string) []string {
	var out []string
	for i, s := range shares {
		w := int64(1)
		if s.Weight != nil {
			w = *s.Weight
		}
		prefix := strconv.Itoa(i) + sep + strconv.FormatInt(w, 10) + sep
		for _, t := range records(typ, s.Targets) {
			out = append(out, prefix+t)
		}
	}
	slices.Sort(out)
	return out
}

// failoverTargets makes the share with the lowest FailoverPriority (then SetIdentifier) the
// primary and the others geo backups, the backups without a location placed at the primary's.
// A lone share, or a type health checks cannot target, is published plain with the primary's
// targets: Meridian's own probes promote a backup when the primary leaves.
func failoverTargets(shares []providers.Record, typ, fallback string) (string, []string) {
	ranked := slices.Clone(shares)
	slices.SortStableFunc(ranked, func(a, b providers.Record) int {
		return cmp.Compare(priority(a), priority(b))
	})
	primary := ranked[0]
	if len(ranked) == 1 || (typ != providers.TypeA && typ != providers.TypeAAAA) {
		return "", records(typ, primary.Targets)
	}
	var out []string
	for _, t := range records(typ, primary.Targets) {
		out = append(out, rolePrimary+sep+t)
	}
	for _, t := range geoTargets(ranked[1:], typ, cmp.Or(gcpLocation(primary.Region), fallback)) {
		out = append(out, roleBackup+sep+t)
	}
	slices.Sort(out)
	return providers.RoutingFailover, out
}

func priority(r providers.Record) int {
	if r.FailoverPriority == nil {
		return math.MaxInt
	}
	return *r.FailoverPriority
}
