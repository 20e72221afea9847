package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ServiceDNSRecord publishes the Service of the same name and namespace in every member cluster
// under DNS names of the Domain it refers to. For Service web in namespace shop and Domain prod
// (domain example.com), the names are
//
//	web.shop.prod.svc.example.com                    every healthy cluster
//	web.shop.prod.svc.<region>.example.com           the healthy clusters of one region
//	web.shop.prod.svc.<zone>.<region>.example.com    the healthy clusters of one zone
//	<dnsPrefix>.example.com                          CNAME to the first, when dnsPrefix is set
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=multiclusterdns,shortName=sdr
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63 && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",message="metadata.name: must be the name of a Service (a DNS label: lowercase letters, digits and '-', starting with a letter, at most 63 characters)"
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=='Ready')].status`
// +kubebuilder:printcolumn:name="Domain",type=string,JSONPath=`.spec.domainRef`
// +kubebuilder:printcolumn:name="Strategy",type=string,JSONPath=`.spec.routing.strategy`,priority=1
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=='Ready')].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ServiceDNSRecord struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec ServiceDNSRecordSpec `json:"spec"`
	// +optional
	Status ServiceDNSRecordStatus `json:"status,omitempty"`
}

// ServiceDNSRecordSpec is KubeFed's, field for field, plus Meridian's routing and healthCheck.
type ServiceDNSRecordSpec struct {
	// DomainRef is the name of the Domain, in the federation namespace, to publish under.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="must be the name of a Domain (a DNS label: lowercase letters, digits and '-', no dots)"
	DomainRef string `json:"domainRef"`
	// RecordTTL is the TTL in seconds of the records; absent means 180.
	// +optional
	RecordTTL TTL `json:"recordTTL,omitempty"`
	// DNSPrefix, when set, adds <dnsPrefix>.<domain> as a CNAME to the global name.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?([.][a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$')",message="must be a lowercase DNS name such as www or api.eu: labels of letters, digits and '-' (at most 63 characters each) separated by dots, without a trailing dot"
	DNSPrefix string `json:"dnsPrefix,omitempty"`
	// ExternalName, when set, takes the place of the Service name in the DNS names.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="must be a DNS label (lowercase letters, digits and '-', at most 63 characters, no dots): it takes the place of the Service name"
	ExternalName string `json:"externalName,omitempty"`
	// AllowServiceWithoutEndpoints publishes clusters whose Service has no ready endpoint.
	// +optional
	AllowServiceWithoutEndpoints bool `json:"allowServiceWithoutEndpoints,omitempty"`

	// Routing (Meridian) chooses which healthy clusters an answer carries; absent means nearest.
	// +optional
	Routing *Routing `json:"routing,omitempty"`
	// HealthCheck (Meridian) probes each cluster's load-balancer addresses; absent, a cluster is
	// healthy when it is Ready and its Service has an address and a ready endpoint.
	// +optional
	HealthCheck *HealthCheck `json:"healthCheck,omitempty"`
}

// ServiceDNSRecordStatus is what Meridian observed of the Service in the member clusters.
type ServiceDNSRecordStatus struct {
	// Domain is the DNS domain of the referenced Domain, for example example.com.
	// +optional
	Domain string `json:"domain,omitempty"`
	// DNS holds one entry per cluster that has the Service, sorted by cluster name.
	// +optional
	// +listType=atomic
	DNS []ClusterDNS `json:"dns,omitempty"`

	// ObservedGeneration (Meridian) is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions (Meridian): Ready summarises whether the record is published.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// ClusterDNS is one cluster's load balancer for the Service and where the cluster is.
type ClusterDNS struct {
	// Cluster is the KubeFedCluster name.
	// +optional
	Cluster string `json:"cluster,omitempty"`
	// LoadBalancer is the Service's load-balancer status in that cluster.
	// +optional
	LoadBalancer corev1.LoadBalancerStatus `json:"loadBalancer,omitempty"`
	// Zones are the cluster's zones.
	// +optional
	Zones []string `json:"zones,omitempty"`
	// Region is the cluster's region.
	// +optional
	Region string `json:"region,omitempty"`
}

// ServiceDNSRecordList is a list of ServiceDNSRecords.
//
// +kubebuilder:object:root=true
type ServiceDNSRecordList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ServiceDNSRecord `json:"items"`
}

// ConditionReady is the condition type every kind of this package reports.
const ConditionReady = "Ready"
