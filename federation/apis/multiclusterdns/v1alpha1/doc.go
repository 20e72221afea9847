// Package v1alpha1 holds KubeFed's multiclusterdns.kubefed.io/v1alpha1 API as Meridian serves it:
// Domain, ServiceDNSRecord, IngressDNSRecord and DNSEndpoint with KubeFed's fields, so manifests
// written for KubeFed apply unchanged, plus Meridian's optional additions (routing, active health
// checks, conditions), each documented as such on its field. DNSEndpoint keeps external-dns's
// endpoint shape so that stock external-dns can read it as a CRD source.
//
// +kubebuilder:object:generate=true
// +groupName=multiclusterdns.kubefed.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SchemeGroupVersion is the group and version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: "multiclusterdns.kubefed.io", Version: "v1alpha1"}

var (
	schemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)
	// AddToScheme registers this package's kinds with a scheme.
	AddToScheme = schemeBuilder.AddToScheme
)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(SchemeGroupVersion,
		&Domain{}, &DomainList{},
		&ServiceDNSRecord{}, &ServiceDNSRecordList{},
		&IngressDNSRecord{}, &IngressDNSRecordList{},
		&DNSEndpoint{}, &DNSEndpointList{},
	)
	metav1.AddToGroupVersion(scheme, SchemeGroupVersion)
	return nil
}
