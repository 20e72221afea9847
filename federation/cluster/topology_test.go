package cluster

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func node(labels map[string]string) corev1.Node {
	return corev1.Node{ObjectMeta: metav1.ObjectMeta{Labels: labels}}
}

func TestTopologyOf(t *testing.T) {
	tests := []struct {
		name       string
		nodes      []corev1.Node
		wantRegion string
		wantZones  []string
		missing    []string
	}{
		{"no nodes", nil, "", nil, []string{labelRegion, labelZone}},
		{"current labels", []corev1.Node{
			node(map[string]string{labelRegion: "eu-west-1", labelZone: "eu-west-1b"}),
			node(map[string]string{labelRegion: "eu-west-1", labelZone: "eu-west-1a"}),
			node(map[string]string{labelRegion: "eu-west-1", labelZone: "eu-west-1a"}),
		}, "eu-west-1", []string{"eu-west-1a", "eu-west-1b"}, nil},
		{"legacy labels are the fallback", []corev1.Node{
			node(map[string]string{labelRegionLegacy: "us-east-1", labelZoneLegacy: "us-east-1c"}),
		}, "us-east-1", []string{"us-east-1c"}, nil},
		{"current labels win over legacy ones on the same node", []corev1.Node{
			node(map[string]string{labelRegion: "new", labelRegionLegacy: "old", labelZone: "z", labelZoneLegacy: "oldz"}),
		}, "new", []string{"z"}, nil},
		{"the most common region wins", []corev1.Node{
			node(map[string]string{labelRegion: "b"}), node(map[string]string{labelRegion: "a"}), node(map[string]string{labelRegion: "b"}),
		}, "b", nil, []string{labelZone}},
		{"a tie goes to the first name", []corev1.Node{
			node(map[string]string{labelRegion: "b"}), node(map[string]string{labelRegion: "a"}),
		}, "a", nil, []string{labelZone}},
		{"zones without a region", []corev1.Node{node(map[string]string{labelZone: "z1"})}, "", []string{"z1"}, []string{labelRegion}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := topologyOf(tt.nodes)
			if got.region != tt.wantRegion || !reflect.DeepEqual(got.zones, tt.wantZones) {
				t.Errorf("region %q zones %v; want %q %v", got.region, got.zones, tt.wantRegion, tt.wantZones)
			}
			if !reflect.DeepEqual(got.missing(), tt.missing) {
				t.Errorf("missing %v, want %v", got.missing(), tt.missing)
			}
			for _, m := range tt.missing {
				if !strings.Contains(got.describe(), m) {
					t.Errorf("message %q does not name the missing label %s", got.describe(), m)
				}
			}
		})
	}
}
