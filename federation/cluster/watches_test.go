package cluster

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

func TestReadinessChanged(t *testing.T) {
	kfc := func(ready corev1.ConditionStatus, region string, labels map[string]string) *v1beta1.KubeFedCluster {
		return &v1beta1.KubeFedCluster{
			ObjectMeta: metav1.ObjectMeta{Name: "a", Labels: labels},
			Status: v1beta1.KubeFedClusterStatus{Region: &region, Zones: []string{region + "a"},
				Conditions: []v1beta1.ClusterCondition{{Type: v1beta1.ClusterReady, Status: ready}}},
		}
	}
	ready := kfc(corev1.ConditionTrue, "eu-west-1", map[string]string{"tier": "gold"})
	probed := ready.DeepCopy()
	probed.Status.Conditions[0].LastProbeTime = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name     string
		old, new *v1beta1.KubeFedCluster
		want     bool
	}{
		{"a probe with the same verdict", ready, probed, false},
		{"turned not Ready", ready, kfc(corev1.ConditionFalse, "eu-west-1", map[string]string{"tier": "gold"}), true},
		{"turned Ready", kfc(corev1.ConditionFalse, "eu-west-1", map[string]string{"tier": "gold"}), ready, true},
		{"relabelled", ready, kfc(corev1.ConditionTrue, "eu-west-1", map[string]string{"tier": "silver"}), true},
		{"moved to another region", ready, kfc(corev1.ConditionTrue, "us-east-1", map[string]string{"tier": "gold"}), true},
	}
	for _, tt := range tests {
		if got := (ReadinessChanged{}).Update(event.UpdateEvent{ObjectOld: tt.old, ObjectNew: tt.new}); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
