package scheduling

import (
	"maps"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
)

func scheduled(replicas map[string]int64, message string) outcome {
	return outcome{replicas: replicas, status: metav1.ConditionTrue, reason: ReasonScheduled, message: message}
}

func TestSetStatus(t *testing.T) {
	var s v1alpha1.ReplicaSchedulingPreferenceStatus
	setStatus(&s, 1, failed(ReasonTargetNotFound, "FederatedDeployment shop/web not found"), t0)
	if s.Replicas != nil || s.ObservedGeneration != 1 {
		t.Fatalf("a failure published a layout: %+v", s)
	}
	setStatus(&s, 2, scheduled(map[string]int64{"a": 3}, "Scheduled 3 replicas: a=3"), t0.Add(time.Minute))
	c := meta.FindStatusCondition(s.Conditions, ConditionReady)
	if !maps.Equal(s.Replicas, map[string]int64{"a": 3}) || s.ObservedGeneration != 2 || c.ObservedGeneration != 2 ||
		c.Status != metav1.ConditionTrue || !c.LastTransitionTime.Time.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after scheduling: %+v", s)
	}
	// Same status, new layout: the transition time stays.
	setStatus(&s, 3, scheduled(map[string]int64{"a": 4}, "Scheduled 4 replicas: a=4"), t0.Add(2*time.Minute))
	c = meta.FindStatusCondition(s.Conditions, ConditionReady)
	if !c.LastTransitionTime.Time.Equal(t0.Add(time.Minute)) || c.Message != "Scheduled 4 replicas: a=4" {
		t.Fatalf("after rescheduling: %+v", c)
	}
	// A later failure keeps the last layout, so the sync controller keeps placing it.
	setStatus(&s, 4, failed(ReasonInvalidPreferences, "spec: bad"), t0.Add(3*time.Minute))
	c = meta.FindStatusCondition(s.Conditions, ConditionReady)
	if !maps.Equal(s.Replicas, map[string]int64{"a": 4}) || c.Status != metav1.ConditionFalse || !c.LastTransitionTime.Time.Equal(t0.Add(3*time.Minute)) {
		t.Fatalf("after a failure: %+v", s)
	}
	if len(s.Conditions) != 1 {
		t.Fatalf("conditions: %+v", s.Conditions)
	}
}

func TestTransition(t *testing.T) {
	status := func(replicas map[string]int64, o outcome) v1alpha1.ReplicaSchedulingPreferenceStatus {
		s := v1alpha1.ReplicaSchedulingPreferenceStatus{Replicas: replicas}
		setStatus(&s, 1, o, t0)
		return s
	}
	ab := map[string]int64{"a": 3, "b": 6}
	ok := scheduled(ab, "Scheduled 9 replicas: a=3, b=6")
	tests := []struct {
		name          string
		before, after v1alpha1.ReplicaSchedulingPreferenceStatus
		want          string // the Event's type, "" for none
	}{
		{"first layout", v1alpha1.ReplicaSchedulingPreferenceStatus{}, status(nil, ok), corev1.EventTypeNormal},
		{"first status is a failure", v1alpha1.ReplicaSchedulingPreferenceStatus{}, status(nil, failed(ReasonTargetNotFound, "x")), corev1.EventTypeWarning},
		{"nothing changed", status(nil, ok), status(nil, ok), ""},
		{"only the message changed", status(nil, ok), status(nil, scheduled(ab, "Scheduled 9 replicas: a=3, b=6; pods unschedulable")), ""},
		{"the layout changed", status(nil, ok), status(nil, scheduled(map[string]int64{"a": 9}, "Scheduled 9 replicas: a=9")), corev1.EventTypeNormal},
		{"the reason changed", status(nil, failed(ReasonTargetNotFound, "x")), status(ab, failed(ReasonInvalidPreferences, "y")), corev1.EventTypeWarning},
		{"recovered", status(ab, failed(ReasonTargetNotFound, "x")), status(nil, ok), corev1.EventTypeNormal},
		{"no condition", v1alpha1.ReplicaSchedulingPreferenceStatus{}, v1alpha1.ReplicaSchedulingPreferenceStatus{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := transition(tt.before, tt.after)
			if got := map[bool]string{true: e.eventType}[ok]; got != tt.want {
				t.Fatalf("event %q (%+v), want %q", got, e, tt.want)
			}
			if ok {
				c := meta.FindStatusCondition(tt.after.Conditions, ConditionReady)
				if e.reason != c.Reason || e.note != c.Message {
					t.Fatalf("event %+v does not tell the condition %+v", e, c)
				}
			}
		})
	}
}
