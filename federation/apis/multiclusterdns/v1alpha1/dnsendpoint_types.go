package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// DNSEndpoint is the list of DNS records Meridian wants published for one ServiceDNSRecord
// (named service-<name>) or IngressDNSRecord (ingress-<name>). Its JSON is external-dns's
// DNSEndpoint, so stock external-dns reads it with --source=crd
// --crd-source-apiversion=multiclusterdns.kubefed.io/v1alpha1 --crd-source-kind=DNSEndpoint
// (up to v0.20.0: v0.21.0 ignores those flags and reads only externaldns.k8s.io).
//
// kubectl shows no count of endpoints: a printer column cannot count, and a status field holding
// the count would not survive external-dns, which replaces the whole status.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=multiclusterdns
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type DNSEndpoint struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec DNSEndpointSpec `json:"spec,omitempty"`
	// +optional
	Status DNSEndpointStatus `json:"status,omitempty"`
}

// DNSEndpointSpec is the desired set of records.
type DNSEndpointSpec struct {
	// Endpoints are the records, one per name, type and set identifier.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=1000
	Endpoints []Endpoint `json:"endpoints,omitempty"`
}

// Endpoint is one DNS record set: external-dns's endpoint, field for field. KubeFed's had the
// first five fields; setIdentifier and providerSpecific are external-dns's later additions, which
// carry routing policies (weighted, failover, latency) to providers that have them.
//
// +kubebuilder:validation:XValidation:rule="!has(self.recordType) || self.recordType != 'CNAME' || !has(self.targets) || size(self.targets) <= 1",message="targets: a CNAME record has a single target"
type Endpoint struct {
	// DNSName is the record's name, for example web.shop.prod.svc.example.com: a lowercase DNS
	// name, optionally with a trailing dot; the first label may be "*" (a wildcard record) and
	// labels may start with "_" (service labels such as _sip._tcp or _acme-challenge).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:XValidation:rule="self.matches('^([*][.])?((_[a-z0-9]([-a-z0-9]{0,60}[a-z0-9])?|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)[.])*(_[a-z0-9]([-a-z0-9]{0,60}[a-z0-9])?|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)[.]?$')",message="must be a lowercase DNS name such as www.example.com: labels of letters, digits and '-' (at most 63 characters each) separated by dots; only the first label may be '*' and a label may start with '_'"
	DNSName string `json:"dnsName"`
	// Targets are the record's values: addresses for A and AAAA, a host name for CNAME, text for
	// TXT, and so on. At most 1000: a larger set fits in no DNS reply over UDP and in few over
	// TCP, and the etcd provider writes one key per target.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=1000
	Targets Targets `json:"targets,omitempty"`
	// RecordType is the DNS type in upper case: A, AAAA, CNAME, TXT, SRV, NS, MX, PTR, NAPTR...
	// +optional
	// +kubebuilder:validation:MaxLength=10
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Z][A-Z0-9]*$')",message="must be a DNS record type in upper case, such as A, AAAA, CNAME or TXT"
	RecordType string `json:"recordType,omitempty"`
	// SetIdentifier tells apart records of the same name and type under a routing policy
	// (external-dns's convention; Meridian uses the cluster name).
	// +optional
	// +kubebuilder:validation:MaxLength=128
	SetIdentifier string `json:"setIdentifier,omitempty"`
	// RecordTTL is the TTL in seconds; absent means the consumer's default.
	// +optional
	RecordTTL TTL `json:"recordTTL,omitempty"`
	// Labels carry metadata with the record (Meridian: cluster, region, zone, weight).
	// +optional
	Labels Labels `json:"labels,omitempty"`
	// ProviderSpecific holds settings only some providers understand, in external-dns's names
	// (for example aws/weight, aws/failover).
	// +optional
	// +listType=atomic
	ProviderSpecific ProviderSpecific `json:"providerSpecific,omitempty"`
}

// TTL is a record's time to live in seconds. Zero means unset (the default applies), so the
// API accepts 1 to 2^31-1, the largest TTL DNS allows (RFC 2181).
//
// +kubebuilder:validation:Minimum=1
// +kubebuilder:validation:Maximum=2147483647
type TTL int64

// DefaultRecordTTL is the TTL of the records Meridian writes when a record does not set one,
// KubeFed's default.
const DefaultRecordTTL TTL = 180

// OrDefault returns t, or DefaultRecordTTL when t is unset.
func (t TTL) OrDefault() TTL {
	if t <= 0 {
		return DefaultRecordTTL
	}
	return t
}

// Targets are a record's values.
type Targets []string

// Labels are an endpoint's metadata.
type Labels map[string]string

// ProviderSpecific is a list of provider-specific settings.
type ProviderSpecific []ProviderSpecificProperty

// ProviderSpecificProperty is one provider-specific setting.
type ProviderSpecificProperty struct {
	// Name of the setting, for example aws/weight.
	// +optional
	Name string `json:"name,omitempty"`
	// Value of the setting.
	// +optional
	Value string `json:"value,omitempty"`
}

// DNSEndpointStatus is what the consumer of the DNSEndpoint last did with it.
type DNSEndpointStatus struct {
	// ObservedGeneration is the generation the consumer (Meridian's publisher or external-dns)
	// last read.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions (Meridian): Ready, when the provider holds these records. external-dns replaces
	// the whole status when it records observedGeneration, so with external-dns as the consumer
	// the conditions disappear.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// DNSEndpointList is a list of DNSEndpoints.
//
// +kubebuilder:object:root=true
type DNSEndpointList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []DNSEndpoint `json:"items"`
}
