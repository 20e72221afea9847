package dnsendpoint

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// level is how wide a name is: the wider, the more clusters it can choose between.
type level int

const (
	levelZone level = iota
	levelRegion
	levelGlobal // Service global names and Ingress hosts
)

// failoverSlots is how many clusters failover publishes per name: Route 53 takes exactly one
// primary and one secondary.
const failoverSlots = 2

// router applies a record's routing strategy to the names it splits.
type router struct {
	strategy    Strategy
	healthCheck string
	weights     map[string]int64
	priority    map[string]int // failover: 0 is the primary
}

func newRouter(r Routing, members []member) router {
	rt := router{strategy: cmp.Or(r.Strategy, StrategyNearest), healthCheck: r.HealthCheck, weights: r.Weights,
		priority: map[string]int{}}
	for _, c := range r.FailoverOrder {
		if _, listed := rt.priority[c]; !listed {
			rt.priority[c] = len(rt.priority)
		}
	}
	// members are sorted by cluster, so the unlisted ones follow the listed ones by name.
	next := len(rt.priority)
	for _, m := range members {
		if _, listed := rt.priority[m.cluster]; !listed {
			rt.priority[m.cluster] = next
			next++
		}
	}
	return rt
}

// splits says whether names of a level get one endpoint per cluster. Nearest only needs the
// global name split: a region name's clusters share the location it would route by.
func (r router) splits(l level) bool {
	switch r.strategy {
	case StrategyNearest:
		return l == levelGlobal
	case StrategyWeighted, StrategyFailover:
		return l != levelZone
	default:
		return false
	}
}

func (r router) weight(cluster string) int64 {
	if len(r.weights) == 0 {
		return 1 // no weights given: every cluster the same share
	}
	return r.weights[cluster]
}

// choose picks the contributions that get endpoints at a split name: all of them, except for
// failover, which keeps the two with the highest priority, primary first.
func (r router) choose(cs []contribution) []contribution {
	if r.strategy != StrategyFailover {
		return cs
	}
	ranked := slices.Clone(cs)
	slices.SortFunc(ranked, func(x, y contribution) int {
		return cmp.Compare(r.priority[x.m.cluster], r.priority[y.m.cluster])
	})
	return ranked[:min(failoverSlots, len(ranked))]
}

// labels describe a per-cluster endpoint: where its cluster is and what the strategy gave it.
func (r router) labels(m *member, base map[string]string) map[string]string {
	l := maps.Clone(base)
	if l == nil {
		l = map[string]string{}
	}
	l[LabelCluster] = m.cluster
	if m.region != "" {
		l[LabelRegion] = m.region
	}
	if len(m.zones) > 0 {
		l[LabelZones] = strings.Join(m.zones, ",")
	}
	switch r.strategy {
	case StrategyWeighted:
		l[LabelWeight] = strconv.FormatInt(r.weight(m.cluster), 10)
	case StrategyFailover:
		l[LabelFailoverPriority] = strconv.Itoa(r.priority[m.cluster])
	}
	return l
}

// properties are the provider-specific settings of a per-cluster endpoint; rank is its place
// among the chosen contributions. Nearest without a region has no location to give: which
// record a provider makes of it (Route 53 needs a region for latency records) is its choice.
func (r router) properties(m *member, rank int) []ProviderSpecificProperty {
	props := []ProviderSpecificProperty{{Name: PropertyRoutingPolicy, Value: string(r.strategy)}}
	switch r.strategy {
	case StrategyNearest:
		if m.region != "" {
			props = append(props,
				ProviderSpecificProperty{Name: PropertyAWSRegion, Value: m.region},
				ProviderSpecificProperty{Name: PropertyRegion, Value: m.region})
		}
	case StrategyWeighted:
		w := strconv.FormatInt(r.weight(m.cluster), 10)
		props = append(props,
			ProviderSpecificProperty{Name: PropertyAWSWeight, Value: w},
			ProviderSpecificProperty{Name: PropertyWeight, Value: w})
	case StrategyFailover:
		aws, role := AWSFailoverPrimary, FailoverRolePrimary
		if rank > 0 {
			aws, role = AWSFailoverSecondary, FailoverRoleBackup
		}
		props = append(props,
			ProviderSpecificProperty{Name: PropertyAWSFailover, Value: aws},
			ProviderSpecificProperty{Name: PropertyFailoverRole, Value: role})
	}
	if r.healthCheck != "" {
		props = append(props, ProviderSpecificProperty{Name: PropertyHealthCheck, Value: r.healthCheck})
	}
	slices.SortFunc(props, func(x, y ProviderSpecificProperty) int { return strings.Compare(x.Name, y.Name) })
	return props
}
