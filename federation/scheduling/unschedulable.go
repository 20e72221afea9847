package scheduling

import (
	"time"

	corev1 "k8s.io/api/core/v1"
)

// DefaultUnschedulableGrace is how long a pod must stay unschedulable before its cluster counts
// it as a replica it cannot run: KubeFed's threshold. A shorter one would move replicas away from
// a cluster whose autoscaler is still adding the node they wait for.
const DefaultUnschedulableGrace = time.Minute

// unschedulableSince reports whether the scheduler has found no node for the pod, and since when.
// Only pending pods count: one that is running, finished or being deleted needs no node. A missing
// transition time reads as long ago, so such a pod is not waited for forever.
func unschedulableSince(p *corev1.Pod) (time.Time, bool) {
	if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodPending {
		return time.Time{}, false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			ok := c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable
			return c.LastTransitionTime.Time, ok
		}
	}
	return time.Time{}, false
}

// countUnschedulable counts the pods that have been unschedulable for at least grace at now.
// recheck is how long until the first of the others reaches grace (0 when none is waiting): no
// pod event marks that moment, so the caller has to look again then.
func countUnschedulable(pods []corev1.Pod, now time.Time, grace time.Duration) (n int64, recheck time.Duration) {
	for i := range pods {
		since, ok := unschedulableSince(&pods[i])
		if !ok {
			continue
		}
		wait := since.Add(grace).Sub(now)
		if wait <= 0 {
			n++
			continue
		}
		recheck = sooner(recheck, wait)
	}
	return n, recheck
}

// sooner returns the shorter of two waits, where 0 means none.
func sooner(a, b time.Duration) time.Duration {
	if a == 0 || (b > 0 && b < a) {
		return b
	}
	return a
}
