package shards

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/meridian-dns/meridian/controllers/health"
)

// ConditionTopology is the condition type that says whether every shard's cluster has a region
// and a zone, so that the record gets its region and zone names everywhere.
const ConditionTopology = "Topology"

// Reasons of the record conditions.
const (
	ReasonShardsHealthy   = "ShardsHealthy"
	ReasonDomainNotFound  = "DomainNotFound"
	ReasonServiceNotFound = "ServiceNotFound"
	ReasonIngressNotFound = "IngressNotFound"
	ReasonNoHealthyShards = "NoHealthyShards"
	// ReasonNotLoadBalancer (decide.go) is the record's reason too, when no shard is healthy and
	// some cluster's Service is not a LoadBalancer: the cause most likely to be the user's.

	ReasonTopologyLabeled      = "TopologyLabeled"
	ReasonTopologyLabelMissing = "TopologyLabelMissing"
)

// failOpen is said whenever no shard is healthy: the DNS controllers keep the last published
// addresses rather than remove the names (design.md §3, "never empty").
const failOpen = "DNS keeps serving the last published addresses"

// readyCondition summarises the record: True when at least one shard is healthy.
func readyCondition(in Input, shards []Shard, unread []string) Condition {
	if d := in.Domain; d != nil && !d.Found {
		return Condition{Reason: ReasonDomainNotFound,
			Message: fmt.Sprintf("Domain %q (spec.domainRef) not found in namespace %q", d.Name, d.Namespace)}
	}
	var healthy []string
	var problems []string
	notLB := false
	for _, s := range shards {
		if s.Verdict.Healthy {
			healthy = append(healthy, s.Entry.Cluster)
			continue
		}
		problems = append(problems, s.Verdict.Message)
		notLB = notLB || s.Verdict.Reason == ReasonNotLoadBalancer
	}
	c := Condition{}
	switch {
	case len(shards) == 0:
		c.Reason = ReasonServiceNotFound
		if in.Kind == health.KindIngress {
			c.Reason = ReasonIngressNotFound
		}
		c.Message = fmt.Sprintf("%s not found in any member cluster", in.Object)
	case len(healthy) == 0:
		c.Reason = ReasonNoHealthyShards
		if notLB {
			c.Reason = ReasonNotLoadBalancer
		}
		c.Message = fmt.Sprintf("No healthy shard; %s. %s", failOpen, strings.Join(problems, "; "))
	default:
		c.Status, c.Reason = true, ReasonShardsHealthy
		c.Message = fmt.Sprintf("%d of %d shards healthy (%s)", len(healthy), len(shards), strings.Join(healthy, ", "))
		if len(problems) > 0 {
			c.Message += ". Not serving: " + strings.Join(problems, "; ")
		}
	}
	if len(unread) > 0 {
		c.Message += ". Not read yet: " + strings.Join(unread, ", ")
	}
	return c
}

// topologyCondition is False when a shard's cluster has no region or no zone: the record still
// works, under fewer names (design.md §3, fix 2).
func topologyCondition(shards []Shard) Condition {
	var missing []string
	for _, s := range shards {
		switch {
		case s.Entry.Region == "":
			missing = append(missing, fmt.Sprintf("cluster %q has no region, so its shard serves the global name only", s.Entry.Cluster))
		case len(s.Entry.Zones) == 0:
			missing = append(missing, fmt.Sprintf("cluster %q has no zone, so its shard serves the global and region names only", s.Entry.Cluster))
		}
	}
	if len(missing) == 0 {
		return Condition{Status: true, Reason: ReasonTopologyLabeled, Message: "Every shard's cluster has a region and a zone"}
	}
	return Condition{Reason: ReasonTopologyLabelMissing, Message: capitalize(strings.Join(missing, "; ")) +
		fmt.Sprintf(" (label the member's nodes with %s and %s)", corev1.LabelTopologyRegion, corev1.LabelTopologyZone)}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
