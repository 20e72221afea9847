package scheduling

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

func TestPodSchedulingChanged(t *testing.T) {
	var p podSchedulingChanged
	pending := pod(corev1.PodPending, "", "", t0)
	running := pod(corev1.PodRunning, corev1.ConditionTrue, "", t0)
	stuckNow, stuckLater := stuck(t0), stuck(t0.Add(time.Minute))
	deleting := stuck(t0)
	deleting.DeletionTimestamp = &metav1.Time{Time: t0}
	updates := []struct {
		name     string
		old, new corev1.Pod
		want     bool
	}{
		{"pending pod found unschedulable", pending, stuckNow, true},
		{"unschedulable pod scheduled at last", stuckNow, pod(corev1.PodPending, corev1.ConditionTrue, "", t0), true},
		{"unschedulable again, later (a new attempt)", stuckNow, stuckLater, true},
		{"unschedulable pod being deleted", stuckNow, deleting, true},
		{"still unschedulable, other fields changed", stuckNow, stuckNow, false},
		{"a running pod's status changes", running, pod(corev1.PodRunning, corev1.ConditionTrue, "", t0.Add(time.Hour)), false},
		{"a pod gets scheduled normally", pending, pod(corev1.PodPending, corev1.ConditionTrue, "", t0), false},
	}
	for _, tt := range updates {
		if got := p.Update(event.TypedUpdateEvent[*corev1.Pod]{ObjectOld: &tt.old, ObjectNew: &tt.new}); got != tt.want {
			t.Errorf("update %s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if !p.Create(event.TypedCreateEvent[*corev1.Pod]{Object: &stuckNow}) || p.Create(event.TypedCreateEvent[*corev1.Pod]{Object: &running}) {
		t.Error("create: only unschedulable pods should pass")
	}
	if !p.Delete(event.TypedDeleteEvent[*corev1.Pod]{Object: &stuckNow}) || p.Delete(event.TypedDeleteEvent[*corev1.Pod]{Object: &running}) {
		t.Error("delete: only unschedulable pods should pass")
	}
	if p.Generic(event.TypedGenericEvent[*corev1.Pod]{Object: &stuckNow}) {
		t.Error("generic events should not pass")
	}
}
