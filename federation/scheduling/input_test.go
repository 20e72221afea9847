package scheduling

import (
	"strings"
	"testing"
)

func TestDistributeRejectsInvalidInput(t *testing.T) {
	eligible := []string{"a", "b"}
	tests := []struct {
		name string
		in   Input
		want string // the whole error text; several problems come one a line, in a stable order
	}{
		{"min greater than max",
			Input{TotalReplicas: 3, Clusters: eligible, Preferences: map[string]ClusterPreferences{"a": w(1).min(5).max(2)}},
			`cluster "a": minReplicas 5 is greater than maxReplicas 2`},
		{"negative total",
			Input{TotalReplicas: -1, Clusters: eligible},
			`totalReplicas -1 is outside 0..2147483647`},
		{"total beyond int32",
			Input{TotalReplicas: limit + 1, Clusters: eligible},
			`totalReplicas 2147483648 is outside 0..2147483647`},
		{"negative minimum",
			Input{TotalReplicas: 3, Clusters: eligible, Preferences: map[string]ClusterPreferences{"a": w(1).min(-1)}},
			`cluster "a": minReplicas -1 is negative`},
		{"negative maximum, below the minimum too",
			Input{TotalReplicas: 3, Clusters: eligible, Preferences: map[string]ClusterPreferences{"b": w(1).max(-2)}},
			"cluster \"b\": maxReplicas -2 is negative\ncluster \"b\": minReplicas 0 is greater than maxReplicas -2"},
		{"negative weight on the default",
			Input{TotalReplicas: 3, Clusters: eligible, Preferences: map[string]ClusterPreferences{Default: w(-1)}},
			`cluster "*": weight -1 is outside 0..2147483647`},
		{"weight beyond int32",
			Input{TotalReplicas: 3, Clusters: eligible, Preferences: map[string]ClusterPreferences{"a": w(limit + 1)}},
			`cluster "a": weight 2147483648 is outside 0..2147483647`},
		{"an ineligible cluster's preference is still checked",
			Input{TotalReplicas: 3, Clusters: eligible, Preferences: map[string]ClusterPreferences{"z": w(1).min(2).max(1)}},
			`cluster "z": minReplicas 2 is greater than maxReplicas 1`},
		{"negative current count",
			Input{TotalReplicas: 3, Clusters: eligible, Current: map[string]int64{"b": -1}},
			`cluster "b": current replicas -1 is negative`},
		{"negative unschedulable count",
			Input{TotalReplicas: 3, Clusters: eligible, Unschedulable: map[string]int64{"a": -4}},
			`cluster "a": unschedulable replicas -4 is negative`},
		{"every problem, sorted by field group then cluster",
			Input{TotalReplicas: -2, Clusters: eligible,
				Preferences:   map[string]ClusterPreferences{"c": w(-1), "a": w(1).min(3).max(1)},
				Unschedulable: map[string]int64{"b": -1}},
			strings.Join([]string{
				`totalReplicas -2 is outside 0..2147483647`,
				`cluster "a": minReplicas 3 is greater than maxReplicas 1`,
				`cluster "c": weight -1 is outside 0..2147483647`,
				`cluster "b": unschedulable replicas -1 is negative`,
			}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Distribute(tt.in)
			if err == nil {
				t.Fatalf("got %v, want error %q", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tt.want)
			}
			if got != nil {
				t.Errorf("got %v with the error, want nil", got)
			}
		})
	}
}
