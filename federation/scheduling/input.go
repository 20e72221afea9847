package scheduling

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Default is the Preferences key that applies to every cluster not listed by name, as in KubeFed.
const Default = "*"

// limit bounds TotalReplicas and every Weight. Kubernetes counts replicas in int32 (so does
// spec.totalReplicas), and with both bounded every product and sum the planner forms stays well
// inside int64, so it needs no wider arithmetic.
const limit = math.MaxInt32

// ClusterPreferences bound and weigh one cluster's share (KubeFed: spec.clusters[name]).
type ClusterPreferences struct {
	// MinReplicas is given before any weighted share, while replicas remain.
	MinReplicas int64
	// MaxReplicas caps the cluster's share; nil means no cap.
	MaxReplicas *int64
	// Weight is the cluster's relative share of what is left after the minimums; 0 means the
	// cluster gets its minimum and nothing more.
	Weight int64
}

// Input is everything the distribution depends on. Maps may be nil.
type Input struct {
	// TotalReplicas is the number to distribute, at most 2^31-1.
	TotalReplicas int64
	// Clusters are the eligible clusters (ready and placed), in any order; duplicates are ignored.
	Clusters []string
	// Preferences by cluster name; Default applies to eligible clusters not named.
	Preferences map[string]ClusterPreferences
	// Current is what the previous distribution gave each cluster. Without Rebalance those counts
	// are kept where possible; with it, Current only serves to size Unschedulable clusters.
	Current map[string]int64
	// Unschedulable counts each cluster's pods that cannot be scheduled now. Such a cluster is
	// planned as if it could run only Current minus those (at least 0, and its minReplicas yield
	// too). With Rebalance the rest move to clusters that can run them; without it they stay, but
	// a scale-up adds elsewhere and a scale-down may take them first. Replicas no other cluster
	// can take stay where they are, pending, rather than being dropped.
	Unschedulable map[string]int64
	// Rebalance lets running replicas move: the layout is computed from scratch each time.
	Rebalance bool
}

// validate reports every invalid number, in a stable order, naming the cluster and the field.
func validate(in Input) error {
	var errs []error
	if in.TotalReplicas < 0 || in.TotalReplicas > limit {
		errs = append(errs, fmt.Errorf("totalReplicas %d is outside 0..%d", in.TotalReplicas, limit))
	}
	for _, name := range slices.Sorted(maps.Keys(in.Preferences)) {
		errs = append(errs, in.Preferences[name].check(name)...)
	}
	for _, name := range slices.Sorted(maps.Keys(in.Current)) {
		if n := in.Current[name]; n < 0 {
			errs = append(errs, fmt.Errorf("cluster %q: current replicas %d is negative", name, n))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(in.Unschedulable)) {
		if n := in.Unschedulable[name]; n < 0 {
			errs = append(errs, fmt.Errorf("cluster %q: unschedulable replicas %d is negative", name, n))
		}
	}
	return errors.Join(errs...)
}

func (p ClusterPreferences) check(name string) []error {
	var errs []error
	if p.MinReplicas < 0 {
		errs = append(errs, fmt.Errorf("cluster %q: minReplicas %d is negative", name, p.MinReplicas))
	}
	if p.MaxReplicas != nil && *p.MaxReplicas < 0 {
		errs = append(errs, fmt.Errorf("cluster %q: maxReplicas %d is negative", name, *p.MaxReplicas))
	}
	if p.MaxReplicas != nil && p.MinReplicas > *p.MaxReplicas {
		errs = append(errs, fmt.Errorf("cluster %q: minReplicas %d is greater than maxReplicas %d", name, p.MinReplicas, *p.MaxReplicas))
	}
	if p.Weight < 0 || p.Weight > limit {
		errs = append(errs, fmt.Errorf("cluster %q: weight %d is outside 0..%d", name, p.Weight, limit))
	}
	return errs
}

// slot is one eligible cluster with a preference, as the planner works on it. Bounds above the
// total are lowered to it: no cluster can get more than the total anyway, and it keeps sums small.
type slot struct {
	name     string
	weight   int64
	min, max int64
	// capacity is what the cluster can run now: max, or less while it has unschedulable pods.
	capacity int64
	// ideal is the from-scratch share; only the Rebalance-off path uses it.
	ideal    int64
	assigned int64
}

// slotsFor builds the slots in planning order: weight descending, then name. KubeFed breaks
// weight ties by a hash of cluster and workload name, to spread single replicas of different
// workloads; we use the name alone so that the outcome is predictable from the spec.
func slotsFor(in Input) []slot {
	total := in.TotalReplicas
	seen := make(map[string]bool, len(in.Clusters))
	slots := make([]slot, 0, len(in.Clusters))
	for _, name := range in.Clusters {
		if seen[name] {
			continue
		}
		seen[name] = true
		pref, ok := in.Preferences[name]
		if !ok {
			pref, ok = in.Preferences[Default]
		}
		if !ok {
			continue
		}
		s := slot{name: name, weight: pref.Weight, min: min(pref.MinReplicas, total), max: total}
		if pref.MaxReplicas != nil {
			s.max = min(*pref.MaxReplicas, total)
		}
		s.capacity = s.max
		if u := in.Unschedulable[name]; u > 0 {
			s.capacity = min(s.max, max(in.Current[name]-u, 0))
		}
		slots = append(slots, s)
	}
	slices.SortFunc(slots, func(a, b slot) int {
		if c := cmp.Compare(b.weight, a.weight); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	return slots
}
