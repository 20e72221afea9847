package health

import (
	"fmt"
	"strings"
)

// Reasons for a shard's verdict, CamelCase as condition reasons are. Exactly one applies: the
// checks run in the order listed and the first that fails gives the reason.
const (
	ReasonClusterNotReady  = "ClusterNotReady"
	ReasonNoLoadBalancer   = "NoLoadBalancer"
	ReasonNoReadyEndpoints = "NoReadyEndpoints"
	ReasonProbeFailing     = "ProbeFailing"
	ReasonHealthy          = "Healthy"
)

// Kind is what a shard is a copy of; only Services have endpoints to check.
type Kind int

const (
	KindService Kind = iota
	KindIngress
)

func (k Kind) String() string {
	if k == KindIngress {
		return "Ingress"
	}
	return "Service"
}

// AddressState is the debounced result of the active probes of one load-balancer address.
type AddressState struct {
	Address string
	State   ProbeState
	Message string // what the latest probe found, for people
}

// ShardInput is everything observed about one cluster's copy of a Service or Ingress.
type ShardInput struct {
	Cluster        string
	ClusterReady   bool   // the member's Ready condition is True
	ClusterMessage string // optional: the Ready condition's message, quoted when not ready
	Kind           Kind
	// LoadBalancer holds the object's status.loadBalancer.ingress IPs and hostnames.
	LoadBalancer []string
	// ReadyEndpoints is ReadyEndpoints of the Service's slices; ignored for Ingresses, whose
	// backends are the ingress controller's business.
	ReadyEndpoints               int
	AllowServiceWithoutEndpoints bool
	// HealthCheck is true when the record sets spec.healthCheck; Probes are then the states of
	// the shard's probed addresses, as the Prober reports them.
	HealthCheck bool
	Probes      []AddressState
}

// ShardVerdict says whether a shard should receive traffic, with a condition reason and a
// message for people that names the cluster.
type ShardVerdict struct {
	Healthy bool
	Reason  string
	Message string
}

// Verdict judges one shard. It is healthy when the cluster is Ready, the object has a
// load-balancer address, a Service has a ready endpoint (unless allowServiceWithoutEndpoints),
// and, with an active health check, none of its probed addresses is failing.
//
// One failing address fails the whole shard: DNS would otherwise keep handing that address to a
// share of clients, while the other clusters (or, when all fail, the fail-open rule of the DNS
// controllers) still serve them. Addresses not probed yet (ProbeUnknown) count as passing, as a
// new Route 53 health check does, so that a controller restart or a new address does not pull
// healthy shards out of DNS while the first probe runs; that first probe starts at once.
func Verdict(in ShardInput) ShardVerdict {
	switch {
	case !in.ClusterReady:
		msg := fmt.Sprintf("Cluster %q is not ready", in.Cluster)
		if in.ClusterMessage != "" {
			msg += ": " + in.ClusterMessage
		}
		return ShardVerdict{Reason: ReasonClusterNotReady, Message: msg}
	case len(in.LoadBalancer) == 0:
		return ShardVerdict{Reason: ReasonNoLoadBalancer,
			Message: fmt.Sprintf("%s in cluster %q has no load-balancer address", in.Kind, in.Cluster)}
	case in.Kind == KindService && !in.AllowServiceWithoutEndpoints && in.ReadyEndpoints <= 0:
		return ShardVerdict{Reason: ReasonNoReadyEndpoints,
			Message: fmt.Sprintf("Service in cluster %q has no ready endpoints", in.Cluster)}
	}
	if in.HealthCheck {
		if failing := failingProbes(in.Probes); len(failing) > 0 {
			return ShardVerdict{Reason: ReasonProbeFailing,
				Message: fmt.Sprintf("Health check failing in cluster %q: %s", in.Cluster, failing)}
		}
	}
	return ShardVerdict{Healthy: true, Reason: ReasonHealthy, Message: healthyMessage(in)}
}

// failingProbes describes the failing addresses, at most a few, or returns "" when none fails.
func failingProbes(probes []AddressState) string {
	const shown = 3
	var parts []string
	n := 0
	for _, p := range probes {
		if p.State != ProbeFailing {
			continue
		}
		n++
		if n <= shown {
			parts = append(parts, fmt.Sprintf("%s (%s)", p.Address, p.Message))
		}
	}
	if n > shown {
		parts = append(parts, fmt.Sprintf("and %d more", n-shown))
	}
	return strings.Join(parts, ", ")
}

func healthyMessage(in ShardInput) string {
	msg := fmt.Sprintf("%s in cluster %q is served at %s", in.Kind, in.Cluster, strings.Join(in.LoadBalancer, ", "))
	if in.Kind == KindService && in.ReadyEndpoints > 0 {
		msg += fmt.Sprintf(" with %d ready endpoint%s", in.ReadyEndpoints, plural(in.ReadyEndpoints))
	}
	if in.HealthCheck {
		msg += "; health check " + probeSummary(in.Probes)
	}
	return msg
}

// probeSummary describes the probes of a shard none of whose addresses is failing.
func probeSummary(probes []AddressState) string {
	passing := 0
	for _, p := range probes {
		if p.State == ProbePassing {
			passing++
		}
	}
	if passing == 0 || passing < len(probes) {
		return "awaiting its first result"
	}
	return "passing"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
