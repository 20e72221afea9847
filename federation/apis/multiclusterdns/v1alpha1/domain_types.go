package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Domain names the DNS zone a federation publishes under. Its own name is the federation label
// in every Service DNS name (<service>.<namespace>.<domain object name>.svc.<domain>), so it must
// be a single DNS label. As in KubeFed it has no spec: domain and nameServer sit at the top level,
// and records refer to it by name (ServiceDNSRecord spec.domainRef) in the federation namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=multiclusterdns
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="metadata.name: must be a DNS label (lowercase letters, digits and '-', at most 63 characters, no dots): it is the federation label in DNS names"
// +kubebuilder:printcolumn:name="Domain",type=string,JSONPath=`.domain`
// +kubebuilder:printcolumn:name="Name-Server",type=string,JSONPath=`.nameServer`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Domain struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Domain is the DNS zone of the federation, for example example.com: a lowercase DNS name
	// without a trailing dot.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?([.][a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$')",message="must be a lowercase DNS name such as example.com: labels of letters, digits and '-' (at most 63 characters each) separated by dots, without a trailing dot"
	Domain string `json:"domain"`
	// NameServer is the authoritative name server of the domain, a host name or an IP address.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9]([-A-Za-z0-9.:]*[A-Za-z0-9.])?$')",message="must be a host name or an IP address"
	NameServer string `json:"nameServer,omitempty"`

	// Status (Meridian) says whether the domain is usable.
	// +optional
	Status DomainStatus `json:"status,omitempty"`
}

// DomainStatus is Meridian's addition: KubeFed's Domain had no status.
type DomainStatus struct {
	// ObservedGeneration is the generation the conditions describe.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions: Ready, when the domain can be published to.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// DomainList is a list of Domains.
//
// +kubebuilder:object:root=true
type DomainList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Domain `json:"items"`
}
