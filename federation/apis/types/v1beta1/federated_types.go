package v1beta1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FederatedSpec is the spec every Federated<Kind> shares.
type FederatedSpec struct {
	// Template is the object to create in each selected cluster, without name and namespace
	// (the federated object's are used).
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	// +optional
	Template apiextensionsv1.JSON `json:"template,omitempty"`
	// Placement selects the clusters. Neither field: no cluster; clusters (even empty) wins
	// over clusterSelector; an empty clusterSelector selects every cluster.
	// +optional
	Placement Placement `json:"placement,omitempty"`
	// Overrides change the template for named clusters.
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	Overrides []ClusterOverrides `json:"overrides,omitempty"`
}

// Placement selects member clusters by name or by KubeFedCluster labels.
type Placement struct {
	// +optional
	// +kubebuilder:validation:MaxItems=1000
	Clusters []ClusterReference `json:"clusters,omitempty"`
	// +optional
	ClusterSelector *metav1.LabelSelector `json:"clusterSelector,omitempty"`
}

// ClusterReference names a KubeFedCluster.
type ClusterReference struct {
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
}

// ClusterOverrides are the changes for one cluster.
type ClusterOverrides struct {
	// +kubebuilder:validation:MinLength=1
	ClusterName string `json:"clusterName"`
	// +optional
	ClusterOverrides []ClusterOverride `json:"clusterOverrides,omitempty"`
}

// ClusterOverride is one JSON-patch operation: add, replace (default) or remove.
//
// +kubebuilder:validation:XValidation:rule="!(self.path in ['/apiVersion', '/kind', '/metadata/name', '/metadata/namespace', '/metadata/generateName'])",message="path: overrides cannot change the object's identity (apiVersion, kind, metadata.name, metadata.namespace)"
type ClusterOverride struct {
	// +kubebuilder:validation:Enum=add;replace;remove
	// +optional
	Op string `json:"op,omitempty"`
	// Path is a JSON pointer into the member object, for example /spec/replicas; "~" is
	// escaped as ~0 and "/" as ~1 (RFC 6901).
	// +kubebuilder:validation:Pattern=`^/([^~]|~[01])+$`
	// +kubebuilder:validation:MaxLength=1024
	Path string `json:"path"`
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +optional
	Value *apiextensionsv1.JSON `json:"value,omitempty"`
}

// FederatedStatus is the status every Federated<Kind> shares.
type FederatedStatus struct {
	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions: Propagation, and Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Clusters is the propagation result per selected cluster.
	// +optional
	Clusters []PropagationStatus `json:"clusters,omitempty"`
}

// PropagationStatus is the result in one cluster, as in KubeFed.
type PropagationStatus struct {
	ClusterName string `json:"clusterName"`
	// Status is empty when the object is in sync, else a reason such as ClusterNotReady,
	// CreationFailed, AlreadyExists or ApplyOverridesFailed.
	// +optional
	Status string `json:"status,omitempty"`
	// Message says why, for people.
	// +optional
	Message string `json:"message,omitempty"`
}
