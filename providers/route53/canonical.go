package route53

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/go-logr/logr"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
	"github.com/meridian-dns/meridian/providers"
)

// Route 53's bounds on what a set and a health check hold.
const (
	maxWeight        = 255
	maxSetIdentifier = 128
	failoverSets     = 2 // one PRIMARY and one SECONDARY per name and type
)

// Canonical returns desired as Records will read it back once written, so that a plan over
// canonical sets is empty after one apply:
//
//   - Zones are dropped and Cluster is the SetIdentifier; a set without SetIdentifier is simple.
//   - nearest: Region is the AWS region the cluster's region maps to. Two clusters of one name
//     that map to the same AWS region become one set (Route 53 keeps one latency set per region)
//     holding both clusters' targets, identified by the clusters' names joined with "+".
//   - weighted: Weight is clamped to 0..255 (1 when missing), and a clamp is logged.
//   - failover: the set with the lowest priority (then the smallest SetIdentifier) is the
//     primary (0), the next one the secondary (1). Route 53 holds no more than these two per
//     name and type: the others are left out, and that is logged.
//   - all, or a SetIdentifier without a known routing: multivalue answer ("all").
//   - HealthCheck as Route 53 stores it (see canonicalHealthCheck); none for TXT.
func (p *Provider) Canonical(desired []providers.Record) []providers.Record {
	out := make([]providers.Record, 0, len(desired))
	for _, r := range desired {
		out = append(out, p.canonicalSet(r))
	}
	out = mergeLatency(out)
	out = p.rankFailover(out)
	slices.SortFunc(out, func(a, b providers.Record) int { return a.Key().Compare(b.Key()) })
	return out
}

// canonicalSet maps one set on its own; failover priorities stay as given for rankFailover.
func (p *Provider) canonicalSet(r providers.Record) providers.Record {
	r.Name = canonicalName(r.Name)
	r.Zones = nil
	r.Targets = canonicalTargets(r.Type, r.Targets)
	r.HealthCheck = canonicalHealthCheck(&r)
	routing, region, weight, priority := r.Routing, r.Region, r.Weight, r.FailoverPriority
	r.Cluster, r.Region = r.SetIdentifier, ""
	r.Routing, r.Weight, r.FailoverPriority = "", nil, nil
	if r.SetIdentifier == "" {
		return r
	}
	switch routing {
	case providers.RoutingNearest:
		r.Routing = routing
		r.Region = p.regions.awsRegion(region)
	case providers.RoutingWeighted:
		w := clampWeight(weight)
		if weight != nil && w != *weight {
			p.regions.warnOnce("weight "+r.Name+"/"+r.SetIdentifier, "Clamping a weight to Route 53's 0..255",
				"name", r.Name, "set", r.SetIdentifier, "weight", *weight, "stored", w)
		}
		r.Routing, r.Weight = routing, &w
	case providers.RoutingFailover:
		prio := 0
		if priority != nil {
			prio = *priority
		}
		r.Routing, r.FailoverPriority = routing, &prio
	default:
		r.Routing = providers.RoutingAll
	}
	return r
}

func regionLabel(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func canonicalTargets(recordType string, targets []string) []string {
	out := make([]string, 0, len(targets))
	for _, t := range targets {
		if recordType != providers.TypeTXT {
			t = readValue(recordType, t)
		}
		out = append(out, t)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func clampWeight(w *int64) int64 {
	if w == nil {
		return 1 // the weight dnsendpoint gives every cluster when none are set
	}
	return min(max(*w, 0), maxWeight)
}

// mergeLatency merges the latency sets of one name and type that share an AWS region.
func mergeLatency(sets []providers.Record) []providers.Record {
	type slot struct{ name, typ, region string }
	byRegion := map[slot][]int{}
	for i, r := range sets {
		if r.Routing == providers.RoutingNearest && r.SetIdentifier != "" {
			k := slot{r.Name, r.Type, r.Region}
			byRegion[k] = append(byRegion[k], i)
		}
	}
	drop := map[int]bool{}
	for _, idx := range byRegion {
		if len(idx) < 2 {
			continue
		}
		slices.SortFunc(idx, func(a, b int) int { return strings.Compare(sets[a].SetIdentifier, sets[b].SetIdentifier) })
		merged := sets[idx[0]]
		ids := []string{merged.SetIdentifier}
		for _, i := range idx[1:] {
			merged.Targets = append(slices.Clone(merged.Targets), sets[i].Targets...)
			ids = append(ids, sets[i].SetIdentifier)
			drop[i] = true
		}
		slices.Sort(merged.Targets)
		merged.Targets = slices.Compact(merged.Targets)
		merged.SetIdentifier = joinIdentifiers(ids)
		merged.Cluster = merged.SetIdentifier
		sets[idx[0]] = merged
	}
	return without(sets, drop)
}

// joinIdentifiers names a merged set after its clusters, shortened with a hash to fit Route 53's
// 128 characters.
func joinIdentifiers(ids []string) string {
	s := strings.Join(ids, "+")
	if len(s) <= maxSetIdentifier {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return s[:maxSetIdentifier-17] + "+" + hex.EncodeToString(sum[:8])
}

// rankFailover turns failover priorities into Route 53's two roles, per name and type.
func (p *Provider) rankFailover(sets []providers.Record) []providers.Record {
	type group struct{ name, typ string }
	byName := map[group][]int{}
	for i, r := range sets {
		if r.Routing == providers.RoutingFailover {
			byName[group{r.Name, r.Type}] = append(byName[group{r.Name, r.Type}], i)
		}
	}
	drop := map[int]bool{}
	for g, idx := range byName {
		slices.SortFunc(idx, func(a, b int) int {
			return cmp.Or(cmp.Compare(*sets[a].FailoverPriority, *sets[b].FailoverPriority),
				strings.Compare(sets[a].SetIdentifier, sets[b].SetIdentifier))
		})
		for rank, i := range idx {
			prio := min(rank, 1)
			sets[i].FailoverPriority = &prio
			if rank >= failoverSets {
				drop[i] = true
				p.regions.warnOnce("failover "+g.name+"/"+sets[i].SetIdentifier,
					"Leaving out a failover set: Route 53 keeps one primary and one secondary",
					"name", g.name, "type", g.typ, "set", sets[i].SetIdentifier)
			}
		}
	}
	return without(sets, drop)
}

// without returns sets less the indexes in drop, in a new slice.
func without(sets []providers.Record, drop map[int]bool) []providers.Record {
	out := make([]providers.Record, 0, len(sets)-len(drop))
	for i, r := range sets {
		if !drop[i] {
			out = append(out, r)
		}
	}
	return out
}

// canonicalHealthCheck is r's health check as Route 53 keeps it: protocol in upper case, the
// protocol's port when none is given, a path starting with "/" ("/" when empty) for HTTP(S) and
// none for TCP, an interval of 10 or 30 seconds (anything under 30 is checked every 10 s, so a
// target is never checked less often than asked), a failure threshold of 1..10 (default 3).
// Only A, AAAA and CNAME sets with targets get one: Route 53 checks an address or a host name.
func canonicalHealthCheck(r *providers.Record) *providers.HealthCheck {
	if r.HealthCheck == nil || len(r.Targets) == 0 ||
		(r.Type != providers.TypeA && r.Type != providers.TypeAAAA && r.Type != providers.TypeCNAME) {
		return nil
	}
	hc := *r.HealthCheck
	hc.Protocol = strings.ToUpper(hc.Protocol)
	if hc.Port == 0 {
		switch hc.Protocol {
		case "HTTP":
			hc.Port = 80
		case "HTTPS":
			hc.Port = 443
		}
	}
	switch {
	case hc.Protocol == "TCP":
		hc.Path = ""
	case !strings.HasPrefix(hc.Path, "/"):
		hc.Path = "/" + hc.Path
	}
	switch {
	case hc.IntervalSeconds == 0 || hc.IntervalSeconds >= 30:
		hc.IntervalSeconds = 30
	default:
		hc.IntervalSeconds = 10
	}
	if hc.FailureThreshold == 0 {
		hc.FailureThreshold = 3
	}
	hc.FailureThreshold = min(max(hc.FailureThreshold, 1), 10)
	return &hc
}

// regionMapper maps cluster region labels to AWS latency regions.
type regionMapper struct {
	fallback string
	explicit map[string]string
	log      logr.Logger

	mu     sync.Mutex
	warned map[string]bool
}

// awsLatencyRegions are the regions latency records may name that have known coordinates, so
// the nearest one to any labelled region can be found.
var awsLatencyRegions = sync.OnceValue(func() map[string]nearest.LatLon {
	out := map[string]nearest.LatLon{}
	for _, r := range types.ResourceRecordSetRegion("").Values() {
		if c, ok := nearest.RegionCoordinates(string(r)); ok {
			out[string(r)] = c
		}
	}
	return out
})

func newRegionMapper(fallback string, explicit map[string]string, log logr.Logger) *regionMapper {
	m := &regionMapper{fallback: fallback, explicit: map[string]string{}, log: log, warned: map[string]bool{}}
	for k, v := range explicit {
		m.explicit[regionLabel(k)] = regionLabel(v)
	}
	return m
}

// awsRegion maps a cluster's region label: RegionMap first, then an AWS region as it is (any
// region latency records accept), then the AWS region nearest to a known cloud region, else the
// fallback.
func (m *regionMapper) awsRegion(label string) string {
	label = regionLabel(label)
	if r, ok := m.explicit[label]; ok {
		return r
	}
	if label == "" {
		return m.fallback
	}
	if slices.Contains(types.ResourceRecordSetRegion("").Values(), types.ResourceRecordSetRegion(label)) {
		return label
	}
	if c, ok := nearest.RegionCoordinates(label); ok {
		return nearestAWSRegion(c)
	}
	m.warnOnce("region "+label, "No coordinates for a cluster region; its latency records use the default AWS region",
		"region", label, "awsRegion", m.fallback)
	return m.fallback
}

func nearestAWSRegion(c nearest.LatLon) string {
	best, bestKm := "", 0.0
	for name, rc := range awsLatencyRegions() {
		km := nearest.DistanceKm(c, rc)
		if best == "" || km < bestKm || (km == bestKm && name < best) {
			best, bestKm = name, km
		}
	}
	return best
}

// warnOnce logs msg the first time key is seen: Canonical runs on every pass.
func (m *regionMapper) warnOnce(key, msg string, kv ...any) {
	m.mu.Lock()
	seen := m.warned[key]
	m.warned[key] = true
	m.mu.Unlock()
	if !seen {
		m.log.Info(msg, kv...)
	}
}

// healthCheckFromConfig reads a stored health check back into a Record's terms.
func healthCheckFromConfig(c *types.HealthCheckConfig) *providers.HealthCheck {
	if c == nil {
		return nil
	}
	hc := &providers.HealthCheck{Protocol: string(c.Type)}
	if c.Port != nil {
		hc.Port = *c.Port
	}
	if c.ResourcePath != nil {
		hc.Path = *c.ResourcePath
	}
	if c.RequestInterval != nil {
		hc.IntervalSeconds = *c.RequestInterval
	}
	if c.FailureThreshold != nil {
		hc.FailureThreshold = *c.FailureThreshold
	}
	return hc
}
