package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// IngressDNSRecord publishes the Ingress of the same name and namespace in every member cluster:
// each of its hosts gets the addresses of the clusters' Ingress load balancers.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=multiclusterdns,shortName=idr
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=='Ready')].status`
// +kubebuilder:printcolumn:name="Hosts",type=string,JSONPath=`.spec.hosts`
// +kubebuilder:printcolumn:name="Strategy",type=string,JSONPath=`.spec.routing.strategy`,priority=1
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=='Ready')].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type IngressDNSRecord struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec IngressDNSRecordSpec `json:"spec,omitempty"`
	// +optional
	Status IngressDNSRecordStatus `json:"status,omitempty"`
}

// IngressDNSRecordSpec is KubeFed's, field for field, plus Meridian's routing and healthCheck.
type IngressDNSRecordSpec struct {
	// Hosts are the DNS names to publish, normally the hosts of the Ingress rules: lowercase
	// DNS names; the first label may be "*" as in Ingress rules.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MaxLength=253
	// +kubebuilder:validation:items:XValidation:rule="self.matches('^([*][.])?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?([.][a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$')",message="must be a lowercase DNS name such as www.example.com: labels of letters, digits and '-' (at most 63 characters each) separated by dots, without a trailing dot; only the first label may be '*'"
	Hosts []string `json:"hosts,omitempty"`
	// RecordTTL is the TTL in seconds of the records; absent means 180.
	// +optional
	RecordTTL TTL `json:"recordTTL,omitempty"`

	// Routing (Meridian) chooses which healthy clusters an answer carries; absent means nearest.
	// +optional
	Routing *Routing `json:"routing,omitempty"`
	// HealthCheck (Meridian) probes each cluster's Ingress load-balancer addresses.
	// +optional
	HealthCheck *HealthCheck `json:"healthCheck,omitempty"`
}

// IngressDNSRecordStatus is what Meridian observed of the Ingress in the member clusters.
type IngressDNSRecordStatus struct {
	// DNS holds one entry per cluster that has the Ingress, sorted by cluster name.
	// +optional
	// +listType=atomic
	DNS []ClusterIngressDNS `json:"dns,omitempty"`

	// ObservedGeneration (Meridian) is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions (Meridian): Ready summarises whether the record is published.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// ClusterIngressDNS is one cluster's load balancer for the Ingress.
type ClusterIngressDNS struct {
	// Cluster is the KubeFedCluster name.
	// +optional
	Cluster string `json:"cluster,omitempty"`
	// LoadBalancer is the Ingress's load-balancer status in that cluster, in Service form as
	// KubeFed had it.
	// +optional
	LoadBalancer corev1.LoadBalancerStatus `json:"loadBalancer,omitempty"`
	// Zones are the member's availability zones (a Meridian addition: KubeFed's Ingress status
	// had no location, so an Ingress name could not be answered by nearness).
	// +optional
	Zones []string `json:"zones,omitempty"`
	// Region is the member's region (a Meridian addition, as Zones).
	// +optional
	Region string `json:"region,omitempty"`
}

// IngressDNSRecordList is a list of IngressDNSRecords.
//
// +kubebuilder:object:root=true
type IngressDNSRecordList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []IngressDNSRecord `json:"items"`
}
