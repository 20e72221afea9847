package scheduling

import (
	"maps"
	"math/rand/v2"
	"testing"
)

// w, min and max build preferences that read like the RSP YAML they stand for: w(1).min(2).max(5).
func w(weight int64) ClusterPreferences { return ClusterPreferences{Weight: weight} }

func (p ClusterPreferences) min(n int64) ClusterPreferences { p.MinReplicas = n; return p }

func (p ClusterPreferences) max(n int64) ClusterPreferences { p.MaxReplicas = &n; return p }

type distributeCase struct {
	name string
	in   Input
	want map[string]int64
}

// check runs Distribute on the case with Clusters in several shuffled orders, so a result that
// leans on input order or map iteration fails here rather than in a controller that flaps.
func check(t *testing.T, tt distributeCase) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		in := tt.in
		in.Clusters = append([]string(nil), tt.in.Clusters...)
		if i > 0 {
			rng.Shuffle(len(in.Clusters), func(a, b int) { in.Clusters[a], in.Clusters[b] = in.Clusters[b], in.Clusters[a] })
		}
		got, err := Distribute(in)
		if err != nil {
			t.Fatalf("clusters %v: %v", in.Clusters, err)
		}
		if !maps.Equal(got, tt.want) {
			t.Fatalf("clusters %v: got %v, want %v", in.Clusters, got, tt.want)
		}
	}
}

func TestDistributeFromScratch(t *testing.T) {
	tests := []distributeCase{
		{"weights 1:2 share 9 as 3 and 6",
			Input{TotalReplicas: 9, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1), "b": w(2)}},
			map[string]int64{"a": 3, "b": 6}},
		{"the rounding leftover goes to the first cluster in order with a fraction",
			Input{TotalReplicas: 8, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1), "b": w(2)}},
			map[string]int64{"a": 2, "b": 6}},
		{"equal weights: ties broken by name",
			Input{TotalReplicas: 4, Clusters: []string{"c", "b", "a"}, Preferences: map[string]ClusterPreferences{"a": w(1), "b": w(1), "c": w(1)}},
			map[string]int64{"a": 2, "b": 1, "c": 1}},
		{"equal weights, fewer replicas than clusters",
			Input{TotalReplicas: 2, Clusters: []string{"c", "b", "a"}, Preferences: map[string]ClusterPreferences{"a": w(1), "b": w(1), "c": w(1)}},
			map[string]int64{"a": 1, "b": 1, "c": 0}},
		{"weight orders before name",
			Input{TotalReplicas: 1, Clusters: []string{"a", "z"}, Preferences: map[string]ClusterPreferences{"a": w(1), "z": w(2)}},
			map[string]int64{"a": 0, "z": 1}},
		{"an exact share gets no rounding leftover",
			Input{TotalReplicas: 6, Clusters: []string{"a", "b", "c"}, Preferences: map[string]ClusterPreferences{"a": w(2), "b": w(1), "c": w(1)}},
			map[string]int64{"a": 3, "b": 2, "c": 1}},
		{"weights summing to zero: replicas beyond the minimums stay unassigned",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(0).min(1), "b": w(0).min(2)}},
			map[string]int64{"a": 1, "b": 2}},
		{"zero weight gets only its minimum",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(0).min(2), "b": w(1)}},
			map[string]int64{"a": 2, "b": 8}},
		{"minimums above the total are met in order until replicas run out",
			Input{TotalReplicas: 5, Clusters: []string{"a", "b", "c"}, Preferences: map[string]ClusterPreferences{"a": w(1).min(3), "b": w(2).min(3), "c": w(1).min(3)}},
			map[string]int64{"a": 2, "b": 3, "c": 0}},
		{"the remainder after minimums is shared by weight",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1).min(4), "b": w(1)}},
			map[string]int64{"a": 7, "b": 3}},
		{"a capped cluster's excess goes to the others by weight",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b", "c"}, Preferences: map[string]ClusterPreferences{"a": w(1).max(2), "b": w(1), "c": w(1)}},
			map[string]int64{"a": 2, "b": 4, "c": 4}},
		{"caps cascade",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b", "c"}, Preferences: map[string]ClusterPreferences{"a": w(3).max(1), "b": w(1).max(3), "c": w(1)}},
			map[string]int64{"a": 1, "b": 3, "c": 6}},
		{"min equal to max pins a heavy cluster",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(5).min(3).max(3), "b": w(1)}},
			map[string]int64{"a": 3, "b": 7}},
		{"every cluster capped: the rest stays unassigned",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1).max(2), "b": w(1).max(3)}},
			map[string]int64{"a": 2, "b": 3}},
		{"a max above the total is no cap",
			Input{TotalReplicas: 4, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1).max(1000), "b": w(1)}},
			map[string]int64{"a": 2, "b": 2}},
		{"a preferred cluster that is not eligible gets nothing; the others absorb its share",
			Input{TotalReplicas: 6, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1), "b": w(1), "c": w(1)}},
			map[string]int64{"a": 3, "b": 3}},
		{"an eligible cluster without preference or default gets no entry",
			Input{TotalReplicas: 6, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1)}},
			map[string]int64{"a": 6}},
		{"the default applies to clusters not named",
			Input{TotalReplicas: 8, Clusters: []string{"a", "b", "c"}, Preferences: map[string]ClusterPreferences{Default: w(1), "a": w(2)}},
			map[string]int64{"a": 4, "b": 2, "c": 2}},
		{"a named preference wins over the default, even with weight 0",
			Input{TotalReplicas: 4, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{Default: w(1), "a": w(0)}},
			map[string]int64{"a": 0, "b": 4}},
		{"total 0: every cluster present with 0",
			Input{TotalReplicas: 0, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1).min(2), "b": w(2)}},
			map[string]int64{"a": 0, "b": 0}},
		{"no eligible cluster",
			Input{TotalReplicas: 3, Preferences: map[string]ClusterPreferences{Default: w(1)}},
			map[string]int64{}},
		{"duplicate eligible clusters count once",
			Input{TotalReplicas: 4, Clusters: []string{"a", "a", "b"}, Preferences: map[string]ClusterPreferences{Default: w(1)}},
			map[string]int64{"a": 2, "b": 2}},
		{"largest values stay exact",
			Input{TotalReplicas: limit, Clusters: []string{"a", "b", "c"}, Preferences: map[string]ClusterPreferences{"a": w(limit), "b": w(limit), "c": w(limit).max(1)}},
			map[string]int64{"a": limit / 2, "b": limit / 2, "c": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt) })
	}
}

func TestDistributeUnschedulable(t *testing.T) {
	even := map[string]ClusterPreferences{Default: w(1)}
	tests := []distributeCase{
		{"with rebalance, unschedulable replicas move to clusters that can run them",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: even, Rebalance: true,
				Current: map[string]int64{"a": 5, "b": 5}, Unschedulable: map[string]int64{"a": 3}},
			map[string]int64{"a": 2, "b": 8}},
		{"a stuck cluster's minimum yields",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Rebalance: true,
				Preferences: map[string]ClusterPreferences{"a": w(1).min(4), "b": w(1)},
				Current:     map[string]int64{"a": 4, "b": 6}, Unschedulable: map[string]int64{"a": 4}},
			map[string]int64{"a": 0, "b": 10}},
		{"with nowhere else to go, replicas stay pending where they are",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: even, Rebalance: true,
				Current: map[string]int64{"a": 5, "b": 5}, Unschedulable: map[string]int64{"a": 3, "b": 3}},
			map[string]int64{"a": 5, "b": 5}},
		{"what a capped cluster cannot take returns to the stuck one",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Rebalance: true,
				Preferences: map[string]ClusterPreferences{"a": w(1), "b": w(1).max(5)},
				Current:     map[string]int64{"a": 6, "b": 4}, Unschedulable: map[string]int64{"a": 4}},
			map[string]int64{"a": 5, "b": 5}},
		{"a stuck minimum is restored before replicas go unassigned",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Rebalance: true,
				Preferences: map[string]ClusterPreferences{"a": w(0).min(4), "b": w(1).max(6)},
				Current:     map[string]int64{"a": 4, "b": 6}, Unschedulable: map[string]int64{"a": 4}},
			map[string]int64{"a": 4, "b": 6}},
		{"without rebalance, a same-size layout keeps its stuck replicas",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: even,
				Current: map[string]int64{"a": 5, "b": 5}, Unschedulable: map[string]int64{"a": 3}},
			map[string]int64{"a": 5, "b": 5}},
		{"without rebalance, a scale-up avoids the stuck cluster",
			Input{TotalReplicas: 14, Clusters: []string{"a", "b"}, Preferences: even,
				Current: map[string]int64{"a": 5, "b": 5}, Unschedulable: map[string]int64{"a": 3}},
			map[string]int64{"a": 5, "b": 9}},
		{"without rebalance, a scale-down takes from the stuck cluster",
			Input{TotalReplicas: 8, Clusters: []string{"a", "b"}, Preferences: even,
				Current: map[string]int64{"a": 5, "b": 5}, Unschedulable: map[string]int64{"a": 3}},
			map[string]int64{"a": 3, "b": 5}},
		{"without rebalance, a stuck cluster is not topped up to its minimum",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"},
				Preferences: map[string]ClusterPreferences{"a": w(1).min(4), "b": w(1)},
				Current:     map[string]int64{"a": 2, "b": 6}, Unschedulable: map[string]int64{"a": 2}},
			map[string]int64{"a": 2, "b": 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt) })
	}
}
