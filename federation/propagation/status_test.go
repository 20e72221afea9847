package propagation

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	typesv1beta1 "github.com/meridian-dns/meridian/federation/apis/types/v1beta1"
)

func TestStatusFor(t *testing.T) {
	tests := []struct {
		name    string
		results []clusterResult
		status  metav1.ConditionStatus
		reason  string
		message string
	}{
		{"in sync everywhere", []clusterResult{{cluster: "earth"}, {cluster: "vulcan"}},
			metav1.ConditionTrue, "Propagated", "In sync in 2 clusters: earth, vulcan"},
		{"nothing selected", nil, metav1.ConditionTrue, "NoClusters", "The placement selects no cluster"},
		{"one cluster fails, the other is in sync",
			[]clusterResult{{cluster: "earth"}, {"vulcan", StatusOverridesFailed, "spec.overrides[0].clusterOverrides[0]: replace /spec/x: no field at /spec/x"}},
			metav1.ConditionFalse, "ClusterErrors", "vulcan: ApplyOverridesFailed: spec.overrides[0].clusterOverrides[0]: replace /spec/x: no field at /spec/x"},
		{"an object-wide problem has no cluster name",
			[]clusterResult{{status: StatusPlacementFailed, message: "spec.placement.clusterSelector: bad"}},
			metav1.ConditionFalse, "ClusterErrors", "ComputePlacementFailed: spec.placement.clusterSelector: bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := statusFor(typesv1beta1.FederatedStatus{}, 7, tt.results)
			c := meta.FindStatusCondition(got.Conditions, ConditionPropagation)
			if c == nil || c.Status != tt.status || c.Reason != tt.reason || c.Message != tt.message || c.ObservedGeneration != 7 {
				t.Fatalf("condition %+v, want %s/%s %q at generation 7", c, tt.status, tt.reason, tt.message)
			}
			if got.ObservedGeneration != 7 || len(got.Clusters) != len(tt.results) {
				t.Fatalf("status %+v: want observedGeneration 7 and one line per result", got)
			}
		})
	}
}

func TestStatusForKeepsTransitionTimeWhileUnchanged(t *testing.T) {
	then := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	prev := typesv1beta1.FederatedStatus{Conditions: []metav1.Condition{{Type: ConditionPropagation, Status: metav1.ConditionTrue,
		Reason: "Propagated", LastTransitionTime: then}}}
	got := statusFor(prev, 2, []clusterResult{{cluster: "earth"}})
	if c := meta.FindStatusCondition(got.Conditions, ConditionPropagation); !c.LastTransitionTime.Equal(&then) {
		t.Fatalf("lastTransitionTime %v, want %v kept while the status stays True", c.LastTransitionTime, then)
	}
	got = statusFor(prev, 2, []clusterResult{{"earth", StatusClusterNotReady, "down"}})
	if c := meta.FindStatusCondition(got.Conditions, ConditionPropagation); c.LastTransitionTime.Equal(&then) {
		t.Fatal("lastTransitionTime should move when the status turns False")
	}
}

func TestScheduleClustersAndReplicas(t *testing.T) {
	s := &schedule{replicas: map[string]int64{"vulcan": 6, "earth": 3, "mars": 0}}
	if got := s.clusters(); len(got) != 2 || got[0] != "earth" || got[1] != "vulcan" {
		t.Fatalf("clusters %v, want [earth vulcan]: a cluster with 0 replicas gets no object", got)
	}
	if n := s.replicasFor("vulcan"); n == nil || *n != 6 {
		t.Fatalf("replicasFor(vulcan) = %v, want 6", n)
	}
	for _, name := range []string{"mars", "pluto"} {
		if n := s.replicasFor(name); n != nil {
			t.Fatalf("replicasFor(%s) = %d, want nil", name, *n)
		}
	}
	var none *schedule
	if none.replicasFor("earth") != nil {
		t.Fatal("without a schedule the template's replicas stand")
	}
}

func TestFederatedKeyOfMemberObjects(t *testing.T) {
	ns := &typeSyncer{target: schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}}
	obj := &unstructured.Unstructured{}
	obj.SetName("shop")
	if got := ns.federatedKey(obj); got.Namespace != "shop" || got.Name != "shop" {
		t.Fatalf("member Namespace shop maps to %v, want the FederatedNamespace shop/shop", got)
	}
	deploy := &typeSyncer{target: deployment}
	obj.SetNamespace("shop")
	obj.SetName("web")
	if got := deploy.federatedKey(obj); got.Namespace != "shop" || got.Name != "web" {
		t.Fatalf("member Deployment shop/web maps to %v, want shop/web", got)
	}
}
