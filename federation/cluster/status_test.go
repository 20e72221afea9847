package cluster

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

func conditionStatuses(s v1beta1.KubeFedClusterStatus) map[v1beta1.ClusterConditionType]corev1.ConditionStatus {
	m := map[v1beta1.ClusterConditionType]corev1.ConditionStatus{}
	for _, c := range s.Conditions {
		m[c.Type] = c.Status
	}
	return m
}

func TestStatusForConditions(t *testing.T) {
	now := metav1.NewTime(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	labelled := &topology{region: "eu-west-1", zones: []string{"eu-west-1a"}}
	unlabelled := &topology{}
	tests := []struct {
		name string
		o    observation
		want map[v1beta1.ClusterConditionType]corev1.ConditionStatus
	}{
		{"ready", observation{health: healthReady, topology: labelled},
			map[v1beta1.ClusterConditionType]corev1.ConditionStatus{"Ready": "True", "Offline": "False", "Topology": "True"}},
		{"ready without labels is still ready", observation{health: healthReady, topology: unlabelled},
			map[v1beta1.ClusterConditionType]corev1.ConditionStatus{"Ready": "True", "Offline": "False", "Topology": "False"}},
		{"not ready", observation{health: healthNotReady},
			map[v1beta1.ClusterConditionType]corev1.ConditionStatus{"Ready": "False", "Offline": "False"}},
		{"offline", observation{health: healthOffline},
			map[v1beta1.ClusterConditionType]corev1.ConditionStatus{"Ready": "False", "Offline": "True"}},
		{"malformed", observation{health: healthMalformed, message: "Secret x has no token"},
			map[v1beta1.ClusterConditionType]corev1.ConditionStatus{"Ready": "False", "ConfigMalformed": "True"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := conditionStatuses(statusFor(v1beta1.KubeFedClusterStatus{}, tt.o, now))
			if len(got) != len(tt.want) {
				t.Fatalf("conditions %v, want %v", got, tt.want)
			}
			for typ, status := range tt.want {
				if got[typ] != status {
					t.Errorf("%s=%s, want %s (all: %v)", typ, got[typ], status, got)
				}
			}
		})
	}
}

func TestStatusForKeepsTransitionTimesAndCarriesOver(t *testing.T) {
	t0 := metav1.NewTime(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	t1 := metav1.NewTime(t0.Add(10 * time.Second))
	t2 := metav1.NewTime(t0.Add(20 * time.Second))
	ready := observation{health: healthReady, version: "v1.36.3", topology: &topology{region: "r1", zones: []string{"z1"}}}

	s0 := statusFor(v1beta1.KubeFedClusterStatus{}, ready, t0)
	s1 := statusFor(s0, ready, t1)
	c := findCondition(s1.Conditions, v1beta1.ClusterReady)
	if !c.LastTransitionTime.Equal(&t0) || !c.LastProbeTime.Equal(&t1) {
		t.Errorf("unchanged Ready: transition %v probe %v; want transition kept at %v, probe %v", c.LastTransitionTime, c.LastProbeTime, t0, t1)
	}
	if *s1.Region != "r1" || s1.KubernetesVersion != "v1.36.3" {
		t.Errorf("status %+v lost region or version", s1)
	}

	s2 := statusFor(s1, observation{health: healthOffline, message: "refused"}, t2)
	c = findCondition(s2.Conditions, v1beta1.ClusterReady)
	if !c.LastTransitionTime.Equal(&t2) {
		t.Errorf("Ready turned False: transition %v, want %v", c.LastTransitionTime, t2)
	}
	if s2.Region == nil || *s2.Region != "r1" || len(s2.Zones) != 1 || s2.KubernetesVersion != "v1.36.3" {
		t.Errorf("an unreachable member should keep its last known region, zones and version: %+v", s2)
	}
	if topo := findCondition(s2.Conditions, v1beta1.ClusterTopology); topo == nil || topo.Status != corev1.ConditionTrue {
		t.Errorf("the last Topology finding should stand while unreachable: %+v", topo)
	}
}

func TestConditionIsProblem(t *testing.T) {
	tests := []struct {
		c    v1beta1.ClusterCondition
		want bool
	}{
		{v1beta1.ClusterCondition{Type: v1beta1.ClusterReady, Status: corev1.ConditionTrue}, false},
		{v1beta1.ClusterCondition{Type: v1beta1.ClusterReady, Status: corev1.ConditionFalse}, true},
		{v1beta1.ClusterCondition{Type: v1beta1.ClusterOffline, Status: corev1.ConditionTrue}, true},
		{v1beta1.ClusterCondition{Type: v1beta1.ClusterOffline, Status: corev1.ConditionFalse}, false},
		{v1beta1.ClusterCondition{Type: v1beta1.ClusterConfigMalformed, Status: corev1.ConditionTrue}, true},
		{v1beta1.ClusterCondition{Type: v1beta1.ClusterTopology, Status: corev1.ConditionFalse}, true},
	}
	for _, tt := range tests {
		if got := tt.c.IsProblem(); got != tt.want {
			t.Errorf("%s=%s: IsProblem %v, want %v", tt.c.Type, tt.c.Status, got, tt.want)
		}
	}
}
