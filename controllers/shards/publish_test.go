package shards

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

func cond(t string, status metav1.ConditionStatus, reason string) metav1.Condition {
	return metav1.Condition{Type: t, Status: status, Reason: reason, Message: reason + " message"}
}

func TestTransitions(t *testing.T) {
	ready := func(s metav1.ConditionStatus, r string) metav1.Condition { return cond(v1alpha1.ConditionReady, s, r) }
	topo := func(s metav1.ConditionStatus, r string) metav1.Condition { return cond(ConditionTopology, s, r) }
	tests := []struct {
		name          string
		before, after []metav1.Condition
		want          []string // type/reason of each Event
	}{
		{"first status", nil, []metav1.Condition{ready("True", ReasonShardsHealthy), topo("True", ReasonTopologyLabeled)},
			[]string{"Normal/ShardsHealthy"}},
		{"first status with a topology problem", nil, []metav1.Condition{ready("True", ReasonShardsHealthy), topo("False", ReasonTopologyLabelMissing)},
			[]string{"Normal/ShardsHealthy", "Warning/TopologyLabelMissing"}},
		{"nothing changed", []metav1.Condition{ready("True", ReasonShardsHealthy)}, []metav1.Condition{ready("True", ReasonShardsHealthy)}, nil},
		{"a shard left, others serve: only the message changes", []metav1.Condition{ready("True", ReasonShardsHealthy)},
			[]metav1.Condition{{Type: v1alpha1.ConditionReady, Status: "True", Reason: ReasonShardsHealthy, Message: "1 of 2"}}, nil},
		{"the last shard left", []metav1.Condition{ready("True", ReasonShardsHealthy)}, []metav1.Condition{ready("False", ReasonNoHealthyShards)},
			[]string{"Warning/NoHealthyShards"}},
		{"another reason to be down", []metav1.Condition{ready("False", ReasonNoHealthyShards)}, []metav1.Condition{ready("False", ReasonDomainNotFound)},
			[]string{"Warning/DomainNotFound"}},
		{"back", []metav1.Condition{ready("False", ReasonDomainNotFound)}, []metav1.Condition{ready("True", ReasonShardsHealthy)},
			[]string{"Normal/ShardsHealthy"}},
		{"topology fixed", []metav1.Condition{topo("False", ReasonTopologyLabelMissing)}, []metav1.Condition{topo("True", ReasonTopologyLabeled)},
			[]string{"Normal/TopologyLabeled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, n := range Transitions(tt.before, tt.after) {
				got = append(got, n.Type+"/"+n.Reason)
				if n.Message != n.Reason+" message" {
					t.Errorf("Event %s has message %q, want the condition's", n.Reason, n.Message)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Events %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Events %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestSetConditions(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var conds []metav1.Condition
	healthy := Outcome{Ready: Condition{Status: true, Reason: ReasonShardsHealthy, Message: "2 of 2"},
		Topology: &Condition{Status: true, Reason: ReasonTopologyLabeled}}
	SetConditions(&conds, healthy, 1, t0)

	// A message change keeps the transition time; a status change moves it.
	partly := healthy
	partly.Ready.Message = "1 of 2"
	SetConditions(&conds, partly, 2, t0.Add(time.Minute))
	r := meta.FindStatusCondition(conds, v1alpha1.ConditionReady)
	if !r.LastTransitionTime.Time.Equal(t0) || r.ObservedGeneration != 2 || r.Message != "1 of 2" {
		t.Fatalf("Ready after a message change: %+v", r)
	}
	down := Outcome{Ready: Condition{Reason: ReasonIngressNotFound}}
	SetConditions(&conds, down, 2, t0.Add(2*time.Minute))
	r = meta.FindStatusCondition(conds, v1alpha1.ConditionReady)
	if r.Status != metav1.ConditionFalse || !r.LastTransitionTime.Time.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("Ready after a status change: %+v", r)
	}
	if meta.FindStatusCondition(conds, ConditionTopology) != nil {
		t.Fatal("an outcome without Topology must remove the condition")
	}
}

func TestCleanIngress(t *testing.T) {
	vip := corev1.LoadBalancerIPModeVIP
	in := []corev1.LoadBalancerIngress{
		{Hostname: "b.example.net"},
		{IP: "198.51.100.2", IPMode: &vip, Ports: []corev1.PortStatus{{Port: 80}}},
		{},
		{Hostname: "a.example.net"},
		{IP: "192.0.2.1"},
	}
	got := CleanIngress(in)
	want := []string{"/a.example.net", "/b.example.net", "192.0.2.1/", "198.51.100.2/"}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, e := range got {
		if e.IP+"/"+e.Hostname != want[i] || e.Ports != nil {
			t.Fatalf("entry %d: %+v; want %s without ports", i, e, want[i])
		}
	}
	if got[3].IPMode == nil || *got[3].IPMode != vip || got[3].IPMode == in[1].IPMode {
		t.Fatalf("ipMode must be copied, not shared: %+v", got[3])
	}
}
