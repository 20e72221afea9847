package scheduling

import "testing"

func TestDistributeWithoutRebalance(t *testing.T) {
	even := map[string]ClusterPreferences{Default: w(1)}
	tests := []distributeCase{
		{"scale-up fills the cluster below its ideal share, running replicas stay",
			Input{TotalReplicas: 12, Clusters: []string{"a", "b"}, Preferences: even,
				Current: map[string]int64{"a": 8, "b": 2}},
			map[string]int64{"a": 8, "b": 4}},
		{"scale-up from an ideal layout shares the extra by weight",
			Input{TotalReplicas: 12, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1), "b": w(2)},
				Current: map[string]int64{"a": 3, "b": 6}},
			map[string]int64{"a": 4, "b": 8}},
		{"scale-down takes from clusters above their ideal share, last in order first",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b", "c"}, Preferences: map[string]ClusterPreferences{"a": w(2), "b": w(1), "c": w(1)},
				Current: map[string]int64{"a": 4, "b": 4, "c": 4}},
			map[string]int64{"a": 4, "b": 4, "c": 2}},
		{"scale-down never takes a cluster below its ideal share",
			Input{TotalReplicas: 6, Clusters: []string{"a", "b"}, Preferences: even,
				Current: map[string]int64{"a": 8, "b": 2}},
			map[string]int64{"a": 4, "b": 2}},
		{"same total: nothing moves although the weights changed",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1), "b": w(3)},
				Current: map[string]int64{"a": 5, "b": 5}},
			map[string]int64{"a": 5, "b": 5}},
		{"a new cluster gets nothing until the total changes",
			Input{TotalReplicas: 12, Clusters: []string{"a", "b", "c"}, Preferences: even,
				Current: map[string]int64{"a": 6, "b": 6}},
			map[string]int64{"a": 6, "b": 6, "c": 0}},
		{"replicas of a cluster no longer eligible are placed towards the ideal",
			Input{TotalReplicas: 12, Clusters: []string{"a", "b"}, Preferences: even,
				Current: map[string]int64{"a": 4, "b": 4, "c": 4}},
			map[string]int64{"a": 6, "b": 6}},
		{"a lowered maximum still takes replicas away",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1).max(3), "b": w(1)},
				Current: map[string]int64{"a": 8, "b": 2}},
			map[string]int64{"a": 3, "b": 7}},
		{"a raised minimum still adds replicas",
			Input{TotalReplicas: 10, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1).min(4), "b": w(1)},
				Current: map[string]int64{"a": 1, "b": 9}},
			map[string]int64{"a": 4, "b": 6}},
		{"minimums above the total: the ideal decides which are met",
			Input{TotalReplicas: 5, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1).min(3), "b": w(1).min(3)},
				Current: map[string]int64{"a": 0, "b": 5}},
			map[string]int64{"a": 3, "b": 2}},
		{"a current count above the total is cut to it",
			Input{TotalReplicas: 4, Clusters: []string{"a", "b"}, Preferences: even,
				Current: map[string]int64{"a": 20}},
			map[string]int64{"a": 4, "b": 0}},
		{"no current layout: the same as from scratch",
			Input{TotalReplicas: 9, Clusters: []string{"a", "b"}, Preferences: map[string]ClusterPreferences{"a": w(1), "b": w(2)}},
			map[string]int64{"a": 3, "b": 6}},
		{"rebalance ignores the current layout",
			Input{TotalReplicas: 12, Clusters: []string{"a", "b"}, Preferences: even, Rebalance: true,
				Current: map[string]int64{"a": 8, "b": 2}},
			map[string]int64{"a": 6, "b": 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt) })
	}
}
