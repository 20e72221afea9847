package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// ReplicaSchedulingPreference spreads the replicas of the federated workload of the same name
// and namespace over the member clusters, by weight within per-cluster bounds.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=rsp
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Target",type=string,JSONPath=`.spec.targetKind`
// +kubebuilder:printcolumn:name="Replicas",type=integer,JSONPath=`.spec.totalReplicas`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ReplicaSchedulingPreference struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec ReplicaSchedulingPreferenceSpec `json:"spec"`
	// +optional
	Status ReplicaSchedulingPreferenceStatus `json:"status,omitempty"`
}

// ReplicaSchedulingPreferenceSpec is KubeFed's, field for field.
type ReplicaSchedulingPreferenceSpec struct {
	// TargetKind is the federated kind whose replicas are scheduled.
	// +kubebuilder:validation:Enum=FederatedDeployment;FederatedReplicaSet;FederatedStatefulSet
	TargetKind string `json:"targetKind"`
	// TotalReplicas is the number of replicas across all clusters.
	// +kubebuilder:validation:Minimum=0
	TotalReplicas int32 `json:"totalReplicas"`
	// Rebalance lets the scheduler move running replicas, for example away from clusters where
	// pods cannot be scheduled; without it, replicas only move when the total changes.
	// +optional
	Rebalance bool `json:"rebalance,omitempty"`
	// Clusters holds per-cluster preferences by cluster name; "*" applies to clusters not named.
	// +optional
	Clusters map[string]ClusterPreferences `json:"clusters,omitempty"`
	// IntersectWithClusterSelector limits scheduling to the clusters the workload's placement
	// selects, instead of every cluster with a preference.
	// +optional
	IntersectWithClusterSelector bool `json:"intersectWithClusterSelector,omitempty"`
}

// ClusterPreferences bound and weigh one cluster's share.
//
// +kubebuilder:validation:XValidation:rule="!has(self.maxReplicas) || !has(self.minReplicas) || self.minReplicas <= self.maxReplicas",message="minReplicas: must not be greater than maxReplicas"
type ClusterPreferences struct {
	// +kubebuilder:validation:Minimum=0
	// +optional
	MinReplicas int64 `json:"minReplicas,omitempty"`
	// +kubebuilder:validation:Minimum=0
	// +optional
	MaxReplicas *int64 `json:"maxReplicas,omitempty"`
	// +kubebuilder:validation:Minimum=0
	// +optional
	Weight int64 `json:"weight,omitempty"`
}

// ReplicaSchedulingPreferenceStatus reports the last distribution.
type ReplicaSchedulingPreferenceStatus struct {
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Replicas is the number scheduled to each cluster; absent until the first layout, empty
	// (not absent) when no cluster gets any, so that the sync controller can tell the two apart.
	// +optional
	Replicas map[string]int64 `json:"replicas"`
}

// ReplicaSchedulingPreferenceList is a list of ReplicaSchedulingPreferences.
//
// +kubebuilder:object:root=true
type ReplicaSchedulingPreferenceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ReplicaSchedulingPreference `json:"items"`
}
