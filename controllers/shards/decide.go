package shards

import (
	"cmp"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/meridian-dns/meridian/controllers/health"
)

// ReasonNotLoadBalancer is a shard's (and the record's) reason when the member's Service is not
// of type LoadBalancer, so it can never have an address to publish.
const ReasonNotLoadBalancer = "NotLoadBalancer"

// Input is everything Decide needs about one record.
type Input struct {
	Kind health.Kind
	// Object names what the record publishes, for messages: "Service shop/web".
	Object string
	// Domain is the record's spec.domainRef and whether it exists; nil for kinds without one.
	Domain *DomainRef
	// Clusters has one Observation per KubeFedCluster.
	Clusters []Observation
	// Previous is the status.dns the record has now: clusters that could not be read keep
	// their entry from it.
	Previous []Entry

	AllowServiceWithoutEndpoints bool
	// HealthCheck is true when the record sets spec.healthCheck; Probes are then the Prober's
	// states by cluster.
	HealthCheck bool
	Probes      map[string][]health.AddressState
}

// DomainRef is a record's reference to its Domain.
type DomainRef struct {
	Name      string // spec.domainRef
	Namespace string // the federation namespace, where Domains live
	Found     bool
	Domain    string // the Domain's domain, when found
}

// Shard is one cluster's entry with the verdict behind it.
type Shard struct {
	Entry   Entry // LoadBalancer is empty unless Verdict.Healthy
	Verdict health.ShardVerdict
}

// Outcome is the status Decide computes for a record.
type Outcome struct {
	Shards   []Shard // sorted by cluster
	Ready    Condition
	Topology *Condition // nil for kinds that have no location names (Ingress)
	// Unread lists the Ready clusters that could not be read and had no entry to keep.
	Unread []string
}

// Condition is a condition's status, reason and message, before it gets a type and times.
type Condition struct {
	Status  bool
	Reason  string
	Message string
}

// Decide computes a record's status.dns and conditions from what was observed. Status.dns has
// an entry for every cluster whose member has the object, and, as in KubeFed, keeps the entry
// of a cluster that is not Ready (or could not be read) when the record had one. The load
// balancer of an entry is the member's only when its shard is healthy (health.Verdict), so an
// entry with addresses means a healthy shard; a cluster that could not be read keeps its last
// addresses, since nothing says they went bad.
func Decide(in Input) Outcome {
	out := Outcome{Shards: shardsOf(in)}
	for _, o := range in.Clusters {
		if o.ClusterReady && o.Presence == Unknown && !hasShard(out.Shards, o.Cluster) {
			out.Unread = append(out.Unread, fmt.Sprintf("cluster %q (%s)", o.Cluster, o.ReadError))
		}
	}
	out.Ready = readyCondition(in, out.Shards, out.Unread)
	if in.Kind == health.KindService {
		t := topologyCondition(out.Shards)
		out.Topology = &t
	}
	return out
}

// shardsOf judges every cluster that has (or, unread, had) the object, sorted by cluster.
func shardsOf(in Input) []Shard {
	previous := map[string]Entry{}
	for _, e := range in.Previous {
		previous[e.Cluster] = e
	}
	var shards []Shard
	for _, o := range in.Clusters {
		prev, had := previous[o.Cluster]
		if s, ok := shardOf(in, o, prev, had); ok {
			shards = append(shards, s)
		}
	}
	slices.SortFunc(shards, func(a, b Shard) int { return cmp.Compare(a.Entry.Cluster, b.Entry.Cluster) })
	return shards
}

// shardOf judges one cluster; false when it has no entry.
func shardOf(in Input, o Observation, prev Entry, had bool) (Shard, bool) {
	entry := Entry{Cluster: o.Cluster, Region: o.Region, Zones: o.Zones}
	shard := health.ShardInput{
		Cluster: o.Cluster, ClusterReady: o.ClusterReady, ClusterMessage: o.ClusterMessage, Kind: in.Kind,
		AllowServiceWithoutEndpoints: in.AllowServiceWithoutEndpoints,
		HealthCheck:                  in.HealthCheck, Probes: in.Probes[o.Cluster],
	}
	var lb []corev1.LoadBalancerIngress
	switch {
	case !o.ClusterReady:
		if !had {
			return Shard{}, false
		}
	case o.Presence == Absent:
		return Shard{}, false
	case o.Presence == Unknown:
		if !had {
			return Shard{}, false
		}
		// Nothing new is known: judge the last published addresses as they stand.
		lb = prev.LoadBalancer.Ingress
		shard.AllowServiceWithoutEndpoints = true
	case o.Object.notLoadBalancer():
		// No address can come; the verdict below says NoLoadBalancer, replaced with the cause.
	default:
		lb = o.Object.LoadBalancer
		shard.ReadyEndpoints = o.Object.ReadyEndpoints
	}
	shard.LoadBalancer = addresses(lb)
	verdict := health.Verdict(shard)
	switch {
	case o.ClusterReady && o.Presence == Unknown:
		verdict.Message = fmt.Sprintf("Cluster %q could not be read (%s); its last published state stands: %s",
			o.Cluster, o.ReadError, verdict.Message)
	case o.ClusterReady && o.Presence == Present && o.Object.notLoadBalancer():
		verdict.Reason = ReasonNotLoadBalancer
		verdict.Message = fmt.Sprintf("Service in cluster %q is of type %s, not LoadBalancer", o.Cluster, o.Object.ServiceType)
	}
	if verdict.Healthy {
		entry.LoadBalancer.Ingress = lb
	}
	return Shard{Entry: entry, Verdict: verdict}, true
}

func hasShard(shards []Shard, cluster string) bool {
	return slices.ContainsFunc(shards, func(s Shard) bool { return s.Entry.Cluster == cluster })
}
