package scheduling

import (
	"maps"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
)

// spec builds an RSP spec for total replicas with the given preferences.
func spec(total int32, clusters map[string]v1alpha1.ClusterPreferences) v1alpha1.ReplicaSchedulingPreferenceSpec {
	return v1alpha1.ReplicaSchedulingPreferenceSpec{TargetKind: "FederatedDeployment", TotalReplicas: total, Clusters: clusters}
}

func weight(w int64) v1alpha1.ClusterPreferences { return v1alpha1.ClusterPreferences{Weight: w} }

func capped(w, max int64) v1alpha1.ClusterPreferences {
	return v1alpha1.ClusterPreferences{Weight: w, MaxReplicas: &max}
}

func TestDecide(t *testing.T) {
	oneTwo := spec(9, map[string]v1alpha1.ClusterPreferences{"a": weight(1), "b": weight(2)})
	rebalanced := oneTwo
	rebalanced.Rebalance = true
	intersect := oneTwo
	intersect.IntersectWithClusterSelector = true
	tests := []struct {
		name     string
		in       observed
		want     map[string]int64 // nil: status.replicas left alone
		status   metav1.ConditionStatus
		reason   string
		messages []string // substrings of the message
	}{
		{"weights 1:2 share 9 as 3 and 6",
			observed{spec: oneTwo, clusters: []string{"a", "b"}},
			map[string]int64{"a": 3, "b": 6}, metav1.ConditionTrue, ReasonScheduled,
			[]string{"Scheduled 9 replicas: a=3, b=6"}},
		{"an eligible cluster without preference gets an explicit 0",
			observed{spec: oneTwo, clusters: []string{"a", "b", "c"}},
			map[string]int64{"a": 3, "b": 6, "c": 0}, metav1.ConditionTrue, ReasonScheduled, nil},
		{"total 0 is fully scheduled",
			observed{spec: spec(0, map[string]v1alpha1.ClusterPreferences{"*": weight(1)}), clusters: []string{"a"}},
			map[string]int64{"a": 0}, metav1.ConditionTrue, ReasonScheduled, []string{"Scheduled 0 replicas: a=0"}},
		{"a not-Ready cluster's replicas go to the others",
			observed{spec: oneTwo, clusters: []string{"a"}, current: map[string]int64{"a": 3, "b": 6}},
			map[string]int64{"a": 9}, metav1.ConditionTrue, ReasonScheduled, nil},
		{"caps leave a shortfall, named with its cause",
			observed{spec: spec(10, map[string]v1alpha1.ClusterPreferences{"a": capped(1, 2), "b": capped(1, 3)}), clusters: []string{"a", "b"}},
			map[string]int64{"a": 2, "b": 3}, metav1.ConditionFalse, ReasonPartiallyScheduled,
			[]string{"Scheduled 5 of 10 replicas: a=2, b=3; the other 5 fit nowhere: every eligible cluster is at its maxReplicas or has weight 0"}},
		{"clusters without a preference are named in the shortfall",
			observed{spec: spec(4, map[string]v1alpha1.ClusterPreferences{"a": capped(1, 1)}), clusters: []string{"a", "b", "c"}},
			map[string]int64{"a": 1, "b": 0, "c": 0}, metav1.ConditionFalse, ReasonPartiallyScheduled,
			[]string{"the other 3 fit nowhere", `b, c have no entry in spec.clusters and there is no "*" entry`, "every other eligible cluster"}},
		{"no eligible cluster has a preference",
			observed{spec: spec(4, map[string]v1alpha1.ClusterPreferences{"x": weight(1)}), clusters: []string{"a"}},
			map[string]int64{"a": 0}, metav1.ConditionFalse, ReasonPartiallyScheduled,
			[]string{`fit nowhere: a has no entry in spec.clusters`}},
		{"no Ready cluster",
			observed{spec: oneTwo, clusterNamespace: "kube-federation-system"},
			map[string]int64{}, metav1.ConditionFalse, ReasonNoEligibleClusters,
			[]string{"No KubeFedCluster in kube-federation-system is Ready"}},
		{"no Ready cluster selected by the placement",
			observed{spec: intersect, target: "FederatedDeployment shop/web", clusterNamespace: "kfs"},
			map[string]int64{}, metav1.ConditionFalse, ReasonNoEligibleClusters,
			[]string{"No Ready KubeFedCluster in kfs is selected by the placement of FederatedDeployment shop/web"}},
		{"unschedulable pods without rebalance: replicas stay, the message says why",
			observed{spec: oneTwo, clusters: []string{"a", "b"}, current: map[string]int64{"a": 3, "b": 6},
				unschedulable: map[string]int64{"b": 2, "a": 0}, grace: time.Minute},
			map[string]int64{"a": 3, "b": 6}, metav1.ConditionTrue, ReasonScheduled,
			[]string{"pods unschedulable for over 1m0s: b=2 (set spec.rebalance"}},
		{"unschedulable pods with rebalance: replicas move",
			observed{spec: rebalanced, clusters: []string{"a", "b"}, current: map[string]int64{"a": 3, "b": 6},
				unschedulable: map[string]int64{"b": 2}, grace: time.Minute},
			map[string]int64{"a": 5, "b": 4}, metav1.ConditionTrue, ReasonScheduled,
			[]string{"Scheduled 9 replicas: a=5, b=4; pods unschedulable for over 1m0s: b=2"}},
		{"an invalid weight names the cluster and field, and publishes nothing",
			observed{spec: spec(3, map[string]v1alpha1.ClusterPreferences{"a": weight(1 << 40), "b": weight(-1)}), clusters: []string{"a"}},
			nil, metav1.ConditionFalse, ReasonInvalidPreferences,
			[]string{`spec: cluster "a": weight 1099511627776 is outside 0..2147483647; cluster "b": weight -1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decide(tt.in)
			if (got.replicas == nil) != (tt.want == nil) || !maps.Equal(got.replicas, tt.want) {
				t.Errorf("replicas %v, want %v", got.replicas, tt.want)
			}
			if got.status != tt.status || got.reason != tt.reason {
				t.Errorf("condition %s/%s, want %s/%s (%s)", got.status, got.reason, tt.status, tt.reason, got.message)
			}
			for _, m := range tt.messages {
				if !strings.Contains(got.message, m) {
					t.Errorf("message %q does not contain %q", got.message, m)
				}
			}
			if tt.in.unschedulable == nil && strings.Contains(got.message, "unschedulable") {
				t.Errorf("message %q mentions unschedulable pods there are none of", got.message)
			}
		})
	}
}

// A steady state must stay put: fed its own layout back, decide returns the same, with or without
// rebalance, so status.replicas is written only when something changed.
func TestDecideIsStable(t *testing.T) {
	for _, rebalance := range []bool{false, true} {
		s := spec(10, map[string]v1alpha1.ClusterPreferences{"*": weight(1), "b": capped(3, 4), "c": weight(0)})
		s.Rebalance = rebalance
		in := observed{spec: s, clusters: []string{"a", "b", "c", "d"}}
		first := decide(in)
		in.current = first.replicas
		if again := decide(in); !maps.Equal(first.replicas, again.replicas) || first.message != again.message {
			t.Errorf("rebalance %v: %v (%s) became %v (%s)", rebalance, first.replicas, first.message, again.replicas, again.message)
		}
	}
}

func TestFailed(t *testing.T) {
	o := failed(ReasonTargetNotFound, "%s not found", "FederatedDeployment shop/web")
	if o.replicas != nil || o.status != metav1.ConditionFalse || o.reason != ReasonTargetNotFound || o.message != "FederatedDeployment shop/web not found" {
		t.Fatalf("got %+v", o)
	}
}
