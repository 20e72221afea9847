package nearest

import (
	"math"
	"strings"
)

// Candidate is one routed record set at a DNS name: the cluster that serves it
// and that cluster's region.
type Candidate struct{ Cluster, Region string }

// tieKm is how close two candidate regions must be, as seen from the client,
// to count as equally near: regions in one metro area (e.g. two clouds'
// Virginia regions) should share the load rather than flip on rounding.
const tieKm = 1.0

// stackCandidates is how many candidate distances ChooseInto keeps on the
// stack; a name served by more clusters costs one allocation.
const stackCandidates = 16

// Choose returns the indexes, in order, of the candidates to answer loc with.
// It allocates the result; ChooseInto does not.
func (l *Locator) Choose(loc Location, candidates []Candidate) []int {
	return l.ChooseInto(make([]int, 0, len(candidates)), loc, candidates)
}

// ChooseInto is Choose appending to dst[:0], so that a caller reusing dst
// chooses without allocating.
//
// In order: candidates in the client's cluster; else those whose region is
// nearest to the client by great-circle distance (a region equal to the
// client's is at distance 0 even without coordinates; regions within tieKm of
// the nearest tie); else, when the client or every candidate region is
// unknown, all candidates. The result is empty only for empty candidates.
func (l *Locator) ChooseInto(dst []int, loc Location, candidates []Candidate) []int {
	dst = dst[:0]
	if len(candidates) == 0 {
		return dst
	}
	if loc.Cluster != "" {
		for i := range candidates {
			if candidates[i].Cluster == loc.Cluster {
				dst = append(dst, i)
			}
		}
		if len(dst) > 0 {
			return dst
		}
	}
	region := loc.Region
	if region == "" && loc.Cluster != "" {
		region = l.clusterRegion(loc.Cluster)
	}
	client, hasClient := l.clientPoint(loc, region)
	if !hasClient && region == "" {
		return appendAll(dst, len(candidates))
	}
	return l.appendNearest(dst, region, client, hasClient, candidates)
}

// clientPoint finds the client's coordinates: its own, else its region's.
func (l *Locator) clientPoint(loc Location, region string) (point, bool) {
	if loc.HasCoordinates {
		c := LatLon{Lat: loc.Lat, Lon: loc.Lon}
		if c.valid() {
			return pointOf(c), true
		}
	}
	if region != "" {
		if rp, ok := l.regionPoint(region); ok {
			return rp.p, true
		}
	}
	return point{}, false
}

// appendNearest appends the candidates at the smallest distance from the
// client, or all of them when no candidate's distance is known.
func (l *Locator) appendNearest(dst []int, region string, client point, hasClient bool, candidates []Candidate) []int {
	var buf [stackCandidates]float64
	dist := buf[:0]
	if len(candidates) > len(buf) {
		dist = make([]float64, 0, len(candidates))
	}
	best := math.Inf(1)
	// Candidates of one region tend to be adjacent; reusing the previous
	// distance saves the region lookup.
	prevRegion, prevDist := "", math.Inf(1)
	for i := range candidates {
		r := candidates[i].Region
		d := prevDist
		if i == 0 || r != prevRegion {
			d = l.regionDistance(r, region, client, hasClient)
			prevRegion, prevDist = r, d
		}
		dist = append(dist, d)
		best = min(best, d)
	}
	if math.IsInf(best, 1) {
		return appendAll(dst, len(candidates))
	}
	limit := tieLimit2(best)
	for i, d := range dist {
		if d <= limit {
			dst = append(dst, i)
		}
	}
	return dst
}

// regionDistance is the squared chord from the client to candidate region r,
// or +Inf when unknown.
func (l *Locator) regionDistance(r, clientRegion string, client point, hasClient bool) float64 {
	if clientRegion != "" && strings.EqualFold(r, clientRegion) {
		return 0
	}
	if !hasClient || r == "" {
		return math.Inf(1)
	}
	rp, ok := l.regionPoint(r)
	if !ok {
		return math.Inf(1)
	}
	return chord2(client, rp.p)
}

func appendAll(dst []int, n int) []int {
	for i := range n {
		dst = append(dst, i)
	}
	return dst
}
