package nearest

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/oschwald/maxminddb-golang/v2"
)

// Location is where a client is, as far as the Locator knows. The zero value
// means unknown.
type Location struct {
	// Cluster is set by a cluster rule: the client sits in (or next to) that
	// cluster and should be answered with it when it serves the name.
	Cluster string
	// Region is set by a region rule, spelled as the rule spelled it.
	Region string
	// Lat and Lon are degrees, valid only when HasCoordinates is set (from the
	// database, or from a region rule whose region has known coordinates).
	Lat, Lon       float64
	HasCoordinates bool
}

// Rule maps a client prefix to a region or to a cluster; exactly one of
// Region and Cluster is set.
type Rule struct {
	Prefix          netip.Prefix
	Region, Cluster string
}

// LatLon is a point on Earth in degrees.
type LatLon struct{ Lat, Lon float64 }

// Locator places clients and chooses the nearest candidates for them. It is
// safe for concurrent use; only SetClusterRegions changes it after
// construction.
type Locator struct {
	v4, v6   ruleTrie
	ruleLocs []Location // the Location of each rule, indexed by trie entries
	db       *maxminddb.Reader
	regions  map[string]regionPoint // lower-case region name → coordinates

	// clusterRegions places clients that a cluster rule located in a cluster
	// that does not serve the name being asked for; see SetClusterRegions.
	clusterRegions atomic.Pointer[map[string]string]
}

// regionPoint caches a region's coordinates both as given and as a point on
// the unit sphere, so that Choose does no trigonometry per candidate.
type regionPoint struct {
	LatLon
	p point
}

// NewLocator builds a Locator from static rules, an optional MaxMind-format
// database (db == "" for none) and region coordinates that override or add to
// the built-in table. Names in coords match case-insensitively.
func NewLocator(rules []Rule, db string, coords map[string]LatLon) (*Locator, error) {
	l := &Locator{regions: make(map[string]regionPoint, len(builtinRegions)+len(coords))}
	for name, c := range builtinRegions {
		l.regions[name] = regionPoint{LatLon: c, p: pointOf(c)}
	}
	for name, c := range coords {
		if !c.valid() {
			return nil, fmt.Errorf("coordinates of region %q out of range: %v", name, c)
		}
		l.regions[strings.ToLower(name)] = regionPoint{LatLon: c, p: pointOf(c)}
	}
	for i, r := range rules {
		if err := l.addRule(r); err != nil {
			return nil, fmt.Errorf("rule %d (%s): %w", i, r.Prefix, err)
		}
	}
	if db != "" {
		reader, err := maxminddb.Open(db)
		if err != nil {
			return nil, fmt.Errorf("opening location database %q: %w", db, err)
		}
		l.db = reader
	}
	return l, nil
}

// addRule inserts r into the trie of its address family. An IPv4-mapped IPv6
// prefix of /96 or longer is stored as the IPv4 prefix it maps, because
// Locate looks IPv4-mapped clients up as IPv4.
func (l *Locator) addRule(r Rule) error {
	if (r.Region == "") == (r.Cluster == "") {
		return errors.New("exactly one of region and cluster must be set")
	}
	p := r.Prefix
	if !p.IsValid() {
		return errors.New("invalid prefix")
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	p = p.Masked()
	loc := Location{Cluster: r.Cluster, Region: r.Region}
	if r.Region != "" {
		if rp, ok := l.regionPoint(r.Region); ok {
			loc.Lat, loc.Lon, loc.HasCoordinates = rp.Lat, rp.Lon, true
		}
	}
	t := &l.v6
	if p.Addr().Is4() {
		t = &l.v4
	}
	if !t.insert(keyOf(p.Addr()), p.Bits(), len(l.ruleLocs)) {
		return fmt.Errorf("duplicate prefix %s", p)
	}
	l.ruleLocs = append(l.ruleLocs, loc)
	return nil
}

// Locate places addr. prefixBits is the number of leading bits of addr
// (of the IPv4 address, for IPv4 and IPv4-mapped addresses) that decided the
// answer, for the plugin to echo as the EDNS Client Subnet scope: the matching
// rule's or database network's length, lengthened where needed so that no
// other rule falls inside it (a scope must not cover addresses that would be
// answered differently). It is 0 only when nothing could change the answer.
func (l *Locator) Locate(addr netip.Addr) (loc Location, prefixBits int) {
	if !addr.IsValid() {
		return Location{}, 0
	}
	addr = addr.Unmap()
	t, maxBits := &l.v6, 128
	if addr.Is4() {
		t, maxBits = &l.v4, 32
	}
	rule, scope := t.lookup(keyOf(addr), maxBits)
	if rule >= 0 {
		return l.ruleLocs[rule], scope
	}
	if l.db == nil {
		return Location{}, scope
	}
	loc, dbBits := l.lookupDB(addr)
	return loc, max(scope, dbBits)
}

// Close releases the database, if any.
func (l *Locator) Close() error {
	if l.db == nil {
		return nil
	}
	return l.db.Close()
}

// SetClusterRegions tells the Locator which region each cluster is in
// (cluster name → region name), replacing what it was told before. The plugin
// learns this from its records; Choose uses it to place a client that a
// cluster rule located when that cluster does not serve the name asked for.
// The map is copied, so the caller may keep changing its own.
func (l *Locator) SetClusterRegions(m map[string]string) {
	cp := make(map[string]string, len(m))
	for c, r := range m {
		cp[c] = r
	}
	l.clusterRegions.Store(&cp)
}

func (l *Locator) clusterRegion(cluster string) string {
	m := l.clusterRegions.Load()
	if m == nil {
		return ""
	}
	return (*m)[cluster]
}

// regionPoint looks a region up case-insensitively. Region names arrive with
// every candidate of every query, so the common already-lower-case name costs
// one map lookup and others are lowered in a stack buffer, not allocated.
func (l *Locator) regionPoint(name string) (regionPoint, bool) {
	if rp, ok := l.regions[name]; ok {
		return rp, true
	}
	var buf [64]byte
	if len(name) > len(buf) || !hasUpperASCII(name) {
		return regionPoint{}, false
	}
	b := buf[:len(name)]
	for i := range len(name) {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	rp, ok := l.regions[string(b)] // the compiler does not allocate for this conversion
	return rp, ok
}

func hasUpperASCII(s string) bool {
	for i := range len(s) {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func (c LatLon) valid() bool {
	return c.Lat >= -90 && c.Lat <= 90 && c.Lon >= -180 && c.Lon <= 180 // false for NaN
}
