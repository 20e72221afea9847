package cluster

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// statusFor computes a KubeFedCluster's status from the published observation and the previous
// status: transition times are kept while a condition's status is unchanged, and what the probe
// could not see this time (version, topology of an unreachable member) is carried over.
func statusFor(prev v1beta1.KubeFedClusterStatus, o observation, now metav1.Time) v1beta1.KubeFedClusterStatus {
	s := v1beta1.KubeFedClusterStatus{
		KubernetesVersion: prev.KubernetesVersion,
		Zones:             prev.Zones,
		Region:            prev.Region,
	}
	if o.version != "" {
		s.KubernetesVersion = o.version
	}
	var conds []v1beta1.ClusterCondition
	add := func(t v1beta1.ClusterConditionType, status corev1.ConditionStatus, reason, message string) {
		conds = append(conds, condition(prev.Conditions, t, status, reason, message, now))
	}
	switch o.health {
	case healthReady:
		add(v1beta1.ClusterReady, corev1.ConditionTrue, v1beta1.ReasonClusterReady, o.message)
	case healthNotReady:
		add(v1beta1.ClusterReady, corev1.ConditionFalse, v1beta1.ReasonClusterNotReady, o.message)
	case healthOffline:
		add(v1beta1.ClusterReady, corev1.ConditionFalse, v1beta1.ReasonClusterNotReachable, o.message)
	case healthMalformed:
		add(v1beta1.ClusterReady, corev1.ConditionFalse, v1beta1.ReasonClusterConfigMalformed, o.message)
		add(v1beta1.ClusterConfigMalformed, corev1.ConditionTrue, v1beta1.ReasonClusterConfigMalformed, o.message)
	}
	switch o.health {
	case healthReady, healthNotReady:
		add(v1beta1.ClusterOffline, corev1.ConditionFalse, v1beta1.ReasonClusterReachable, "Cluster is reachable")
	case healthOffline:
		add(v1beta1.ClusterOffline, corev1.ConditionTrue, v1beta1.ReasonClusterNotReachable, o.message)
	}
	if o.topology != nil {
		s.Region, s.Zones = nil, o.topology.zones
		if o.topology.region != "" {
			s.Region = &o.topology.region
		}
		status, reason := corev1.ConditionTrue, v1beta1.ReasonTopologyLabeled
		if len(o.topology.missing()) > 0 {
			status, reason = corev1.ConditionFalse, v1beta1.ReasonTopologyLabelMissing
		}
		add(v1beta1.ClusterTopology, status, reason, o.topology.describe())
	} else if c := findCondition(prev.Conditions, v1beta1.ClusterTopology); c != nil {
		conds = append(conds, *c) // not looked at this time: the last finding stands
	}
	s.Conditions = conds
	return s
}

// condition builds one condition, keeping the previous transition time if the status is the same.
func condition(prev []v1beta1.ClusterCondition, t v1beta1.ClusterConditionType, status corev1.ConditionStatus,
	reason, message string, now metav1.Time) v1beta1.ClusterCondition {
	transition := now
	if p := findCondition(prev, t); p != nil && p.Status == status && p.LastTransitionTime != nil {
		transition = *p.LastTransitionTime
	}
	return v1beta1.ClusterCondition{
		Type:               t,
		Status:             status,
		LastProbeTime:      now,
		LastTransitionTime: &transition,
		Reason:             &reason,
		Message:            &message,
	}
}

func findCondition(conds []v1beta1.ClusterCondition, t v1beta1.ClusterConditionType) *v1beta1.ClusterCondition {
	for i := range conds {
		if conds[i].Type == t {
			return &conds[i]
		}
	}
	return nil
}

// IsReady reports whether a KubeFedCluster's status says Ready=True. Controllers that place work
// on members use it; it reads only status, which the health controller keeps debounced.
func IsReady(c *v1beta1.KubeFedCluster) bool {
	cond := findCondition(c.Status.Conditions, v1beta1.ClusterReady)
	return cond != nil && cond.Status == corev1.ConditionTrue
}
