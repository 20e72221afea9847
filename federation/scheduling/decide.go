package scheduling

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
)

// ConditionReady is the RSP's one condition: True when status.replicas holds all of
// spec.totalReplicas for the current spec and clusters.
const ConditionReady = "Ready"

// Reasons of the Ready condition.
const (
	ReasonScheduled          = "Scheduled"
	ReasonPartiallyScheduled = "PartiallyScheduled"
	ReasonNoEligibleClusters = "NoEligibleClusters"
	ReasonTargetNotFound     = "TargetNotFound"
	ReasonInvalidPlacement   = "InvalidPlacement"
	ReasonInvalidPreferences = "InvalidPreferences"
)

// observed is what the reconciler gathered for one RSP.
type observed struct {
	spec v1alpha1.ReplicaSchedulingPreferenceSpec
	// target names the federated object in messages, e.g. "FederatedDeployment shop/web".
	target string
	// clusterNamespace is where the KubeFedClusters live, for messages.
	clusterNamespace string
	// clusters are the eligible ones.
	clusters []string
	// current is the previous status.replicas.
	current map[string]int64
	// unschedulable counts the pods past the grace period, by cluster.
	unschedulable map[string]int64
	grace         time.Duration
}

// outcome is what one pass decided: the layout to publish (nil leaves status.replicas as it is)
// and the Ready condition that explains it.
type outcome struct {
	replicas map[string]int64
	status   metav1.ConditionStatus
	reason   string
	message  string
}

// failed is an outcome that publishes no layout: the sync controller keeps waiting for a first
// one, or keeps the last one, until the user fixes what message says.
func failed(reason, format string, args ...any) outcome {
	return outcome{status: metav1.ConditionFalse, reason: reason, message: fmt.Sprintf(format, args...)}
}

// decide distributes the replicas and explains the result. Every eligible cluster gets an entry,
// 0 included, so status.replicas says which clusters were considered.
func decide(o observed) outcome {
	layout, err := Distribute(inputFor(o))
	if err != nil {
		return failed(ReasonInvalidPreferences, "spec: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	for _, name := range o.clusters {
		if _, ok := layout[name]; !ok {
			layout[name] = 0
		}
	}
	var sum int64
	for _, n := range layout {
		sum += n
	}
	total := int64(o.spec.TotalReplicas)
	out := outcome{replicas: layout, status: metav1.ConditionTrue, reason: ReasonScheduled,
		message: fmt.Sprintf("Scheduled %d replicas: %s", total, describe(layout))}
	switch {
	case sum == total:
	case len(o.clusters) == 0:
		out.status, out.reason, out.message = metav1.ConditionFalse, ReasonNoEligibleClusters, noClusters(o)
	default:
		out.status, out.reason = metav1.ConditionFalse, ReasonPartiallyScheduled
		out.message = fmt.Sprintf("Scheduled %d of %d replicas: %s; the other %d fit nowhere: %s",
			sum, total, describe(layout), total-sum, shortfall(o))
	}
	out.message += unschedulableNote(o)
	return out
}

// inputFor converts the API's preferences into the distribution's input.
func inputFor(o observed) Input {
	prefs := make(map[string]ClusterPreferences, len(o.spec.Clusters))
	for name, p := range o.spec.Clusters {
		prefs[name] = ClusterPreferences{MinReplicas: p.MinReplicas, MaxReplicas: p.MaxReplicas, Weight: p.Weight}
	}
	return Input{
		TotalReplicas: int64(o.spec.TotalReplicas),
		Clusters:      o.clusters,
		Preferences:   prefs,
		Current:       o.current,
		Unschedulable: o.unschedulable,
		Rebalance:     o.spec.Rebalance,
	}
}

func noClusters(o observed) string {
	if o.spec.IntersectWithClusterSelector {
		return fmt.Sprintf("No Ready KubeFedCluster in %s is selected by the placement of %s (spec.intersectWithClusterSelector is set)",
			o.clusterNamespace, o.target)
	}
	return fmt.Sprintf("No KubeFedCluster in %s is Ready", o.clusterNamespace)
}

// shortfall says why replicas are left over: the clusters that have a preference are full, and
// any eligible cluster without one takes nothing.
func shortfall(o observed) string {
	var unlisted []string
	if _, ok := o.spec.Clusters[Default]; !ok {
		for _, name := range o.clusters {
			if _, ok := o.spec.Clusters[name]; !ok {
				unlisted = append(unlisted, name)
			}
		}
	}
	verb := "have"
	if len(unlisted) == 1 {
		verb = "has"
	}
	none := fmt.Sprintf("%s %s no entry in spec.clusters and there is no %q entry", strings.Join(unlisted, ", "), verb, Default)
	switch {
	case len(unlisted) == 0:
		return "every eligible cluster is at its maxReplicas or has weight 0"
	case len(unlisted) == len(o.clusters):
		return none
	default:
		return "every other eligible cluster is at its maxReplicas or has weight 0, and " + none
	}
}

// unschedulableNote names the clusters whose pods the scheduler could not place, so a user can
// tell why replicas moved (or, without rebalance, why they did not).
func unschedulableNote(o observed) string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(o.unschedulable)) {
		if n := o.unschedulable[name]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", name, n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	note := fmt.Sprintf("; pods unschedulable for over %v: %s", o.grace, strings.Join(parts, ", "))
	if !o.spec.Rebalance {
		note += " (set spec.rebalance to move running replicas away from them)"
	}
	return note
}

// describe writes a layout as "a=3, b=6", by cluster name.
func describe(layout map[string]int64) string {
	if len(layout) == 0 {
		return "no clusters"
	}
	parts := make([]string, 0, len(layout))
	for _, name := range slices.Sorted(maps.Keys(layout)) {
		parts = append(parts, fmt.Sprintf("%s=%d", name, layout[name]))
	}
	return strings.Join(parts, ", ")
}
