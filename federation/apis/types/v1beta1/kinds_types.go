package v1beta1

// One root type per default federated kind; they differ only in name, which controller-gen
// needs to generate one CRD each.

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// FederatedNamespace propagates Namespace objects to member clusters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=federated
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.status.conditions[?(@.type=='Propagation')].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedNamespace struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec FederatedSpec `json:"spec,omitempty"`
	// +optional
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedNamespaceList is a list of FederatedNamespaces.
//
// +kubebuilder:object:root=true
type FederatedNamespaceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedNamespace `json:"items"`
}

// FederatedDeployment propagates Deployment objects to member clusters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=federated
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.status.conditions[?(@.type=='Propagation')].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedDeployment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec FederatedSpec `json:"spec,omitempty"`
	// +optional
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedDeploymentList is a list of FederatedDeployments.
//
// +kubebuilder:object:root=true
type FederatedDeploymentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedDeployment `json:"items"`
}

// FederatedService propagates Service objects to member clusters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=federated
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.status.conditions[?(@.type=='Propagation')].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec FederatedSpec `json:"spec,omitempty"`
	// +optional
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedServiceList is a list of FederatedServices.
//
// +kubebuilder:object:root=true
type FederatedServiceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedService `json:"items"`
}

// FederatedIngress propagates Ingress objects to member clusters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=federated
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.status.conditions[?(@.type=='Propagation')].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedIngress struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec FederatedSpec `json:"spec,omitempty"`
	// +optional
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedIngressList is a list of FederatedIngresss.
//
// +kubebuilder:object:root=true
type FederatedIngressList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedIngress `json:"items"`
}

// FederatedConfigMap propagates ConfigMap objects to member clusters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=federated
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.status.conditions[?(@.type=='Propagation')].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedConfigMap struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec FederatedSpec `json:"spec,omitempty"`
	// +optional
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedConfigMapList is a list of FederatedConfigMaps.
//
// +kubebuilder:object:root=true
type FederatedConfigMapList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedConfigMap `json:"items"`
}

// FederatedSecret propagates Secret objects to member clusters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=federated
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.status.conditions[?(@.type=='Propagation')].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedSecret struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec FederatedSpec `json:"spec,omitempty"`
	// +optional
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedSecretList is a list of FederatedSecrets.
//
// +kubebuilder:object:root=true
type FederatedSecretList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedSecret `json:"items"`
}

// FederatedServiceAccount propagates ServiceAccount objects to member clusters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=federated
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.status.conditions[?(@.type=='Propagation')].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedServiceAccount struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec FederatedSpec `json:"spec,omitempty"`
	// +optional
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedServiceAccountList is a list of FederatedServiceAccounts.
//
// +kubebuilder:object:root=true
type FederatedServiceAccountList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedServiceAccount `json:"items"`
}

// FederatedStatefulSet propagates StatefulSet objects to member clusters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=federated
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.status.conditions[?(@.type=='Propagation')].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedStatefulSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec FederatedSpec `json:"spec,omitempty"`
	// +optional
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedStatefulSetList is a list of FederatedStatefulSets.
//
// +kubebuilder:object:root=true
type FederatedStatefulSetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedStatefulSet `json:"items"`
}

// FederatedJob propagates Job objects to member clusters.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=federated
// +kubebuilder:printcolumn:name="Propagation",type=string,JSONPath=`.status.conditions[?(@.type=='Propagation')].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FederatedJob struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec FederatedSpec `json:"spec,omitempty"`
	// +optional
	Status FederatedStatus `json:"status,omitempty"`
}

// FederatedJobList is a list of FederatedJobs.
//
// +kubebuilder:object:root=true
type FederatedJobList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FederatedJob `json:"items"`
}
