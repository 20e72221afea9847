package scheduling

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var t0 = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

// pod builds a pod in phase with a PodScheduled condition of status and reason that last changed
// at since; status "" leaves the condition out.
func pod(phase corev1.PodPhase, status corev1.ConditionStatus, reason string, since time.Time) corev1.Pod {
	p := corev1.Pod{Status: corev1.PodStatus{Phase: phase}}
	if status != "" {
		p.Status.Conditions = []corev1.PodCondition{
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue},
			{Type: corev1.PodScheduled, Status: status, Reason: reason, LastTransitionTime: metav1.NewTime(since)},
		}
	}
	return p
}

func stuck(since time.Time) corev1.Pod {
	return pod(corev1.PodPending, corev1.ConditionFalse, corev1.PodReasonUnschedulable, since)
}

func TestUnschedulableSince(t *testing.T) {
	deleting := stuck(t0)
	deleting.DeletionTimestamp = &metav1.Time{Time: t0}
	tests := []struct {
		name string
		pod  corev1.Pod
		want bool
	}{
		{"pending with no node that fits", stuck(t0), true},
		{"pending, not looked at by the scheduler yet", pod(corev1.PodPending, "", "", t0), false},
		{"scheduled, waiting for its containers", pod(corev1.PodPending, corev1.ConditionTrue, "", t0), false},
		{"PodScheduled=False for another reason (a scheduling gate)", pod(corev1.PodPending, corev1.ConditionFalse, "SchedulingGated", t0), false},
		{"running", pod(corev1.PodRunning, corev1.ConditionTrue, "", t0), false},
		{"failed, with a stale unschedulable condition", pod(corev1.PodFailed, corev1.ConditionFalse, corev1.PodReasonUnschedulable, t0), false},
		{"being deleted", deleting, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			since, ok := unschedulableSince(&tt.pod)
			if ok != tt.want {
				t.Fatalf("got %v, want %v", ok, tt.want)
			}
			if ok && !since.Equal(t0) {
				t.Fatalf("since %v, want %v", since, t0)
			}
		})
	}
}

func TestCountUnschedulable(t *testing.T) {
	grace := time.Minute
	tests := []struct {
		name        string
		pods        []corev1.Pod
		wantN       int64
		wantRecheck time.Duration
	}{
		{"no pods", nil, 0, 0},
		{"running pods count for nothing", []corev1.Pod{pod(corev1.PodRunning, corev1.ConditionTrue, "", t0.Add(-time.Hour))}, 0, 0},
		{"past the grace period", []corev1.Pod{stuck(t0.Add(-2 * time.Minute))}, 1, 0},
		{"exactly at the grace period", []corev1.Pod{stuck(t0.Add(-grace))}, 1, 0},
		{"within the grace period: look again when it ends", []corev1.Pod{stuck(t0.Add(-40 * time.Second))}, 0, 20 * time.Second},
		{"mixed: the earliest of the waiting pods sets the recheck", []corev1.Pod{
			stuck(t0.Add(-5 * time.Minute)),
			stuck(t0.Add(-10 * time.Second)),
			stuck(t0.Add(-50 * time.Second)),
			stuck(t0.Add(-90 * time.Second)),
			pod(corev1.PodPending, corev1.ConditionTrue, "", t0),
		}, 2, 10 * time.Second},
		{"no transition time reads as long ago", []corev1.Pod{stuck(time.Time{})}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, recheck := countUnschedulable(tt.pods, t0, grace)
			if n != tt.wantN || recheck != tt.wantRecheck {
				t.Fatalf("got %d, recheck %v; want %d, recheck %v", n, recheck, tt.wantN, tt.wantRecheck)
			}
		})
	}
}

func TestSooner(t *testing.T) {
	tests := []struct{ a, b, want time.Duration }{
		{0, 0, 0},
		{0, 5, 5},
		{5, 0, 5},
		{3, 5, 3},
		{5, 3, 3},
	}
	for _, tt := range tests {
		if got := sooner(tt.a, tt.b); got != tt.want {
			t.Errorf("sooner(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
