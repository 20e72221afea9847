package scheduling

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/propagation"
)

// kfc builds a KubeFedCluster; ready "" means no Ready condition yet (a cluster just joined).
func kfc(name string, ready corev1.ConditionStatus, labels map[string]string) v1beta1.KubeFedCluster {
	c := v1beta1.KubeFedCluster{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	if ready != "" {
		c.Status.Conditions = []v1beta1.ClusterCondition{{Type: v1beta1.ClusterReady, Status: ready}}
	}
	return c
}

func TestEligibleClusters(t *testing.T) {
	eu, us := map[string]string{"region": "eu"}, map[string]string{"region": "us"}
	fleet := []v1beta1.KubeFedCluster{
		kfc("c", corev1.ConditionTrue, eu),
		kfc("a", corev1.ConditionTrue, us),
		kfc("b", corev1.ConditionFalse, eu),
		kfc("d", corev1.ConditionUnknown, us),
		kfc("e", "", eu),
		kfc("f", corev1.ConditionTrue, eu),
	}
	tests := []struct {
		name      string
		placement *propagation.Placement
		want      []string
	}{
		{"without intersection: every Ready cluster, sorted", nil, []string{"a", "c", "f"}},
		{"placement by name: listed and Ready", &propagation.Placement{ClustersSet: true, Clusters: []string{"f", "b", "a"}}, []string{"a", "f"}},
		{"an empty clusters list places nowhere", &propagation.Placement{ClustersSet: true, Clusters: []string{}}, nil},
		{"a clusters list wins over the selector", &propagation.Placement{ClustersSet: true, Clusters: []string{"a"},
			Selector: &metav1.LabelSelector{MatchLabels: eu}}, []string{"a"}},
		{"selector: matching and Ready", &propagation.Placement{Selector: &metav1.LabelSelector{MatchLabels: eu}}, []string{"c", "f"}},
		{"an empty selector selects every Ready cluster", &propagation.Placement{Selector: &metav1.LabelSelector{}}, []string{"a", "c", "f"}},
		{"no placement at all selects nothing", &propagation.Placement{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := eligibleClusters(fleet, tt.placement)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEligibleClustersInvalidSelector(t *testing.T) {
	p := &propagation.Placement{Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "region", Operator: "Near"},
	}}}
	_, err := eligibleClusters([]v1beta1.KubeFedCluster{kfc("a", corev1.ConditionTrue, nil)}, p)
	if err == nil {
		t.Fatal("an invalid selector was accepted")
	}
}

func TestTargetKinds(t *testing.T) {
	tests := []struct {
		targetKind, workload string
		ok                   bool
	}{
		{"FederatedDeployment", "Deployment", true},
		{"FederatedReplicaSet", "ReplicaSet", true},
		{"FederatedStatefulSet", "StatefulSet", true},
		{"FederatedService", "", false},
	}
	for _, tt := range tests {
		federated, workload, ok := targetKinds(tt.targetKind)
		if ok != tt.ok || workload.Kind != tt.workload {
			t.Errorf("%s: got %v, %v; want %s, %v", tt.targetKind, workload, ok, tt.workload, tt.ok)
		}
		if federated.Group != "types.kubefed.io" || federated.Version != "v1beta1" || federated.Kind != tt.targetKind {
			t.Errorf("%s: federated kind %v", tt.targetKind, federated)
		}
		if ok && (workload.Group != "apps" || workload.Version != "v1") {
			t.Errorf("%s: workload %v is not apps/v1", tt.targetKind, workload)
		}
	}
}
