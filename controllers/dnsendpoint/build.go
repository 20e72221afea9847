package dnsendpoint

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Errors Build returns for input the API validation should have rejected.
var (
	ErrUnknownKind     = errors.New("unknown record kind")
	ErrUnknownStrategy = errors.New("unknown routing strategy")
	ErrInvalidShards   = errors.New("invalid shards")
)

// Build returns the endpoints of the DNSEndpoint for rec, given every shard the record has
// (healthy or not: unhealthy shards still create their region and zone names), and the facts the
// controller reports. The output does not depend on the order of shards, zones, addresses or hosts.
func Build(rec Record, shards []Shard) (Result, error) {
	if err := validate(rec, shards); err != nil {
		return Result{}, err
	}
	b := newBuilder(rec, shards)
	if rec.Kind == KindService {
		global := b.publishService()
		if rec.DNSPrefix != "" {
			// KubeFed wrote this CNAME whether or not the global name had targets, without labels.
			b.endpoints = append(b.endpoints, cname(dnsPrefixName(rec), global, b.ttl, nil))
		}
	} else {
		b.publishIngress()
	}
	return Result{Endpoints: resolve(b.endpoints), Facts: b.facts}, nil
}

func validate(rec Record, shards []Shard) error {
	switch rec.Kind {
	case KindService, KindIngress:
	default:
		return fmt.Errorf("%w %q", ErrUnknownKind, rec.Kind)
	}
	switch rec.Routing.Strategy {
	case "", StrategyNearest, StrategyWeighted, StrategyFailover, StrategyAll:
	default:
		return fmt.Errorf("%w %q", ErrUnknownStrategy, rec.Routing.Strategy)
	}
	// One endpoint per cluster is keyed by its name, so names must identify shards.
	seen := make(map[string]bool, len(shards))
	for _, s := range shards {
		if s.Cluster == "" {
			return fmt.Errorf("%w: a shard has no cluster name", ErrInvalidShards)
		}
		if seen[s.Cluster] {
			return fmt.Errorf("%w: cluster %q appears twice", ErrInvalidShards, s.Cluster)
		}
		seen[s.Cluster] = true
	}
	return nil
}

// member is a shard prepared for naming: location cleaned up, addresses read once.
type member struct {
	cluster string
	region  string
	zones   []string
	current addresses // what it serves now: nothing unless healthy
	known   addresses // what it would serve when failing open
}

func newMember(s Shard) member {
	m := member{cluster: s.Cluster, region: s.Region, zones: withoutEmpty(sortedSet(s.Zones))}
	m.known = addressesOf(s.LoadBalancer)
	if s.Healthy {
		m.current = m.known
	}
	// An unhealthy shard that still reports an address (no ready endpoints, failing probes) is
	// the freshest knowledge; an offline cluster's entry is cleared, so fall back to LastKnown.
	if m.known.empty() {
		m.known = addressesOf(s.LastKnown)
	}
	return m
}

func withoutEmpty(sorted []string) []string {
	if len(sorted) > 0 && sorted[0] == "" {
		sorted = sorted[1:]
	}
	if len(sorted) == 0 {
		return nil
	}
	return sorted
}

type builder struct {
	rec       Record
	ttl       int64
	router    router
	members   []member // sorted by cluster
	base      map[string]string
	endpoints []Endpoint
	facts     Facts
}

func newBuilder(rec Record, shards []Shard) *builder {
	b := &builder{rec: rec, ttl: rec.RecordTTL}
	if b.ttl <= 0 {
		b.ttl = DefaultTTL
	}
	for _, s := range shards {
		b.members = append(b.members, newMember(s))
	}
	slices.SortFunc(b.members, func(x, y member) int { return strings.Compare(x.cluster, y.cluster) })
	b.router = newRouter(rec.Routing, b.members)
	if rec.Kind == KindService && rec.ExternalName != "" {
		b.base = map[string]string{LabelServiceName: rec.Name}
	}
	return b
}

// nameSpec is one name to publish: the shards that serve it and where to send clients when none
// of them is healthy (no fallback: fail open).
type nameSpec struct {
	name     string
	level    level
	fallback string
	members  []*member
}

// publishService publishes the global, region and zone names and returns the global name.
func (b *builder) publishService() string {
	n := newServiceNames(b.rec)
	global := nameSpec{name: n.global(), level: levelGlobal}
	byName := map[string]*nameSpec{}
	for i := range b.members {
		m := &b.members[i]
		global.members = append(global.members, m)
		if m.region == "" || len(m.zones) == 0 {
			b.facts.UnlabeledClusters = append(b.facts.UnlabeledClusters, UnlabeledCluster{
				Cluster: m.cluster, MissingRegion: m.region == "", MissingZones: len(m.zones) == 0,
			})
		}
		if m.region == "" {
			continue // a zone name needs its region: without one, the global name only
		}
		region := n.region(m.region)
		join(byName, nameSpec{name: region, level: levelRegion, fallback: global.name}, m)
		for _, z := range m.zones {
			join(byName, nameSpec{name: n.zone(z, m.region), level: levelZone, fallback: region}, m)
		}
	}
	b.publish(global)
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		b.publish(*byName[name])
	}
	return global.name
}

func join(specs map[string]*nameSpec, spec nameSpec, m *member) {
	if specs[spec.name] == nil {
		specs[spec.name] = &spec
	}
	specs[spec.name].members = append(specs[spec.name].members, m)
}

// publishIngress publishes one global-level name per host, as KubeFed did.
func (b *builder) publishIngress() {
	all := make([]*member, len(b.members))
	for i := range b.members {
		all[i] = &b.members[i]
	}
	for _, host := range withoutEmpty(sortedSet(b.rec.Hosts)) {
		b.publish(nameSpec{name: host, level: levelGlobal, members: all})
	}
}

// publish serves a name from its healthy shards; failing that, sends clients up a level; and at
// the top, fails open with what the shards last served.
func (b *builder) publish(s nameSpec) {
	eps := b.serve(s, func(m *member) addresses { return m.current })
	switch {
	case len(eps) > 0:
	case s.fallback != "":
		eps = []Endpoint{cname(s.name, s.fallback, b.ttl, b.base)}
	default:
		eps = b.serve(s, func(m *member) addresses { return m.known })
		if len(eps) > 0 {
			b.facts.FailedOpen = true
		} else {
			b.facts.Empty = true
		}
	}
	b.endpoints = append(b.endpoints, eps...)
}
