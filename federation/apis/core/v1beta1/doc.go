// Package v1beta1 holds KubeFed's core.kubefed.io/v1beta1 API as Meridian serves it: the same
// kinds and fields, so manifests written for KubeFed apply unchanged, plus Meridian's optional
// additions (documented on each field).
//
// +kubebuilder:object:generate=true
// +groupName=core.kubefed.io
package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SchemeGroupVersion is the group and version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: "core.kubefed.io", Version: "v1beta1"}

var (
	schemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)
	// AddToScheme registers this package's kinds with a scheme.
	AddToScheme = schemeBuilder.AddToScheme
)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(SchemeGroupVersion,
		&KubeFedCluster{}, &KubeFedClusterList{},
		&KubeFedConfig{}, &KubeFedConfigList{},
		&FederatedTypeConfig{}, &FederatedTypeConfigList{},
	)
	metav1.AddToGroupVersion(scheme, SchemeGroupVersion)
	return nil
}
