package scheduling

import (
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
)

// setStatus writes an outcome into the status for the given generation. The condition's
// transition time moves only when its status does.
func setStatus(s *v1alpha1.ReplicaSchedulingPreferenceStatus, generation int64, o outcome, now time.Time) {
	s.ObservedGeneration = generation
	if o.replicas != nil {
		s.Replicas = o.replicas
	}
	meta.SetStatusCondition(&s.Conditions, metav1.Condition{
		Type:               ConditionReady,
		Status:             o.status,
		ObservedGeneration: generation,
		LastTransitionTime: metav1.NewTime(now),
		Reason:             o.reason,
		Message:            o.message,
	})
}

// notice is one Event to record.
type notice struct {
	eventType, reason, note string
}

// transition returns the Event for a status change, if it is one worth telling: the Ready
// condition changed status or reason, or the layout changed. A message that only rewords the same
// state (a count of unschedulable pods, say) is not.
func transition(before, after v1alpha1.ReplicaSchedulingPreferenceStatus) (notice, bool) {
	cond := meta.FindStatusCondition(after.Conditions, ConditionReady)
	if cond == nil {
		return notice{}, false
	}
	prev := meta.FindStatusCondition(before.Conditions, ConditionReady)
	changed := prev == nil || prev.Status != cond.Status || prev.Reason != cond.Reason ||
		!maps.Equal(before.Replicas, after.Replicas)
	if !changed {
		return notice{}, false
	}
	eventType := corev1.EventTypeNormal
	if cond.Status != metav1.ConditionTrue {
		eventType = corev1.EventTypeWarning
	}
	return notice{eventType: eventType, reason: cond.Reason, note: cond.Message}, true
}
