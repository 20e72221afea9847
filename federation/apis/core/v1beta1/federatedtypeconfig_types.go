package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FederatedTypeConfig enables propagation of one kind: it pairs the target kind members run
// (for example apps/v1 Deployment) with the federated kind users write in the host
// (types.kubefed.io/v1beta1 FederatedDeployment). Its name is "<plural>.<group>" of the target,
// for example "deployments.apps" (or "configmaps" for the core group).
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=ftc
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Target",type=string,JSONPath=`.spec.targetType.kind`
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.spec.propagation`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.metadata.name == (has(self.spec.targetType.group) && size(self.spec.targetType.group) > 0 ? self.spec.targetType.pluralName + '.' + self.spec.targetType.group : self.spec.targetType.pluralName)",message="metadata.name: must be <spec.targetType.pluralName>.<spec.targetType.group> (just the plural name for the core group)"
type FederatedTypeConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec FederatedTypeConfigSpec `json:"spec"`
	// +optional
	Status FederatedTypeConfigStatus `json:"status,omitempty"`
}

// FederatedTypeConfigSpec is KubeFed's, field for field.
type FederatedTypeConfigSpec struct {
	// TargetType is the kind propagated to members.
	TargetType APIResource `json:"targetType"`
	// FederatedType is the kind users write in the host.
	FederatedType APIResource `json:"federatedType"`
	// Propagation turns syncing to members on or off.
	// +kubebuilder:validation:Enum=Enabled;Disabled
	Propagation PropagationMode `json:"propagation"`
	// StatusType is the kind KubeFed collected status into; accepted for compatibility.
	// +optional
	StatusType *APIResource `json:"statusType,omitempty"`
	// StatusCollection turns collecting member status into the federated object on or off.
	// +kubebuilder:validation:Enum=Enabled;Disabled
	// +optional
	StatusCollection *StatusCollectionMode `json:"statusCollection,omitempty"`
}

// APIResource names a kind and how it is served.
type APIResource struct {
	// Group of the kind; empty for the core group, else a lowercase DNS subdomain such as apps
	// or example.io.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$`
	Group string `json:"group,omitempty"`
	// Version of the kind, a lowercase DNS label such as v1 or v1beta1.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Version string `json:"version"`
	// Kind, CamelCase: a letter, then letters, digits and '-'.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?$`
	Kind string `json:"kind"`
	// PluralName is the resource name, a lowercase DNS label such as deployments. (Resource names
	// cannot hold dots; a name that is not one would leave the type's controller failing.)
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	PluralName string `json:"pluralName"`
	// Scope is Namespaced or Cluster.
	// +kubebuilder:validation:Enum=Namespaced;Cluster
	Scope string `json:"scope"`
}

// PropagationMode is Enabled or Disabled.
type PropagationMode string

// StatusCollectionMode is Enabled or Disabled.
type StatusCollectionMode string

const (
	PropagationEnabled  PropagationMode = "Enabled"
	PropagationDisabled PropagationMode = "Disabled"
)

// FederatedTypeConfigStatus says whether the sync controller for the type runs.
type FederatedTypeConfigStatus struct {
	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// PropagationController is Running or NotRunning, as in KubeFed.
	// +optional
	PropagationController string `json:"propagationController,omitempty"`
	// StatusController is Running or NotRunning, as in KubeFed.
	// +optional
	StatusController *string `json:"statusController,omitempty"`
}

// FederatedTypeConfigList is a list of FederatedTypeConfigs.
//
// +kubebuilder:object:root=true
type FederatedTypeConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedTypeConfig `json:"items"`
}
