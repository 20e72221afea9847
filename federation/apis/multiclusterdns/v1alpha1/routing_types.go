package v1alpha1

// Routing (Meridian) says which healthy clusters' addresses a DNS answer carries. Absent, it is
// strategy nearest, which is what KubeFed records get.
//
// +kubebuilder:validation:XValidation:rule="!has(self.weights) || (has(self.strategy) && self.strategy == 'weighted')",message="weights: only strategy weighted uses weights"
// +kubebuilder:validation:XValidation:rule="!has(self.strategy) || self.strategy != 'weighted' || (has(self.weights) && self.weights.exists(c, self.weights[c] > 0))",message="weights: strategy weighted needs at least one cluster with a weight above 0"
// +kubebuilder:validation:XValidation:rule="!has(self.failover) || (has(self.strategy) && self.strategy == 'failover')",message="failover: only strategy failover uses a failover order"
// +kubebuilder:validation:XValidation:rule="!has(self.strategy) || self.strategy != 'failover' || (has(self.failover) && size(self.failover) > 0)",message="failover: strategy failover needs the clusters in order of preference"
type Routing struct {
	// Strategy is nearest (default: the healthy clusters closest to the client), weighted
	// (healthy clusters in proportion to weights), failover (the first healthy cluster of the
	// failover list) or all (every healthy cluster, as KubeFed answered).
	// +optional
	// +kubebuilder:default=nearest
	Strategy RoutingStrategy `json:"strategy,omitempty"`
	// Weights are the clusters' shares under strategy weighted, by cluster (KubeFedCluster)
	// name, from 0 to 255 as in Route 53. A cluster not listed gets 0: no traffic while a
	// listed cluster with a weight above 0 is healthy.
	// +optional
	// +kubebuilder:validation:MaxProperties=100
	// +kubebuilder:validation:XValidation:rule="self.all(c, self[c] >= 0 && self[c] <= 255)",message="each weight must be between 0 and 255"
	// +kubebuilder:validation:XValidation:rule="self.all(c, size(c) <= 253)",message="keys must be cluster names (at most 253 characters)"
	Weights map[string]int32 `json:"weights,omitempty"`
	// Failover lists cluster names in order of preference for strategy failover: answers carry
	// the first healthy one.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=253
	Failover []string `json:"failover,omitempty"`
}

// RoutingStrategy names a Routing strategy.
//
// +kubebuilder:validation:Enum=nearest;weighted;failover;all
type RoutingStrategy string

const (
	RoutingNearest  RoutingStrategy = "nearest"
	RoutingWeighted RoutingStrategy = "weighted"
	RoutingFailover RoutingStrategy = "failover"
	RoutingAll      RoutingStrategy = "all"
)

// EffectiveStrategy returns the strategy in force: nearest when r or its strategy is unset.
func (r *Routing) EffectiveStrategy() RoutingStrategy {
	if r == nil || r.Strategy == "" {
		return RoutingNearest
	}
	return r.Strategy
}
