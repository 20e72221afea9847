package shards

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

// SetConditions writes the outcome's conditions for generation into conds. A condition's
// transition time moves only when its status does; a kind without a Topology condition loses
// any it had.
func SetConditions(conds *[]metav1.Condition, o Outcome, generation int64, now time.Time) {
	set := func(t string, c Condition) {
		status := metav1.ConditionFalse
		if c.Status {
			status = metav1.ConditionTrue
		}
		meta.SetStatusCondition(conds, metav1.Condition{
			Type: t, Status: status, ObservedGeneration: generation,
			LastTransitionTime: metav1.NewTime(now), Reason: c.Reason, Message: c.Message,
		})
	}
	set(v1alpha1.ConditionReady, o.Ready)
	if o.Topology != nil {
		set(ConditionTopology, *o.Topology)
	} else {
		meta.RemoveStatusCondition(conds, ConditionTopology)
	}
}

// Notice is one Event to record.
type Notice struct {
	Type, Reason, Message string
}

// Transitions returns the Events for a change of conditions: Ready when it first appears or
// changes status or reason (a shard leaving while others serve changes only the message, which
// is no transition); Topology when it changes status, or first appears False.
func Transitions(before, after []metav1.Condition) []Notice {
	var out []Notice
	for _, c := range after {
		prev := meta.FindStatusCondition(before, c.Type)
		var changed bool
		switch c.Type {
		case v1alpha1.ConditionReady:
			changed = prev == nil || prev.Status != c.Status || prev.Reason != c.Reason
		case ConditionTopology:
			changed = (prev == nil && c.Status != metav1.ConditionTrue) || (prev != nil && prev.Status != c.Status)
		}
		if !changed {
			continue
		}
		n := Notice{Type: corev1.EventTypeNormal, Reason: c.Reason, Message: c.Message}
		if c.Status != metav1.ConditionTrue {
			n.Type = corev1.EventTypeWarning
		}
		out = append(out, n)
	}
	return out
}

// RecordTransitions records the Events of Transitions on obj.
func RecordTransitions(rec recorder.EventRecorder, obj client.Object, before, after []metav1.Condition) {
	for _, n := range Transitions(before, after) {
		rec.Eventf(obj, nil, n.Type, n.Reason, "Observe", "%s", n.Message)
	}
}

// ConflictRetry is how soon a status write that lost a race with the cache is tried again. The
// cache that served the stale copy catches up within milliseconds; the workqueue's per-item
// backoff (5 ms, doubling with every failure) would hold a failover for hundreds of them when a
// busy host makes several writes in a row meet a stale copy.
const ConflictRetry = 10 * time.Millisecond

// RetryConflict is the reconcile result for err from PatchStatus: a conflict is retried after
// ConflictRetry without counting as a failure, anything else is returned as it is.
func RetryConflict(err error) (reconcile.Result, error) {
	if apierrors.IsConflict(err) {
		return reconcile.Result{RequeueAfter: ConflictRetry}, nil
	}
	return reconcile.Result{}, err
}

// PatchStatus writes obj's status as a merge patch from before. The optimistic lock matters:
// obj comes from the cache, and a patch computed against a copy that has not seen our last
// write could undo part of it; a conflict is retried by the caller (RetryConflict) with a
// fresher copy. A record deleted meanwhile is not an error.
func PatchStatus(ctx context.Context, c client.Client, kind string, before, obj client.Object) error {
	patch := client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})
	if err := c.Status().Patch(ctx, obj, patch); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("updating the status of %s %s/%s: %w", kind, obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}
