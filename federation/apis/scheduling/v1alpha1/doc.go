// Package v1alpha1 holds KubeFed's scheduling.kubefed.io/v1alpha1 ReplicaSchedulingPreference.
//
// +kubebuilder:object:generate=true
// +groupName=scheduling.kubefed.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SchemeGroupVersion is the group and version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: "scheduling.kubefed.io", Version: "v1alpha1"}

var (
	schemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)
	// AddToScheme registers this package's kinds with a scheme.
	AddToScheme = schemeBuilder.AddToScheme
)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(SchemeGroupVersion, &ReplicaSchedulingPreference{}, &ReplicaSchedulingPreferenceList{})
	metav1.AddToGroupVersion(scheme, SchemeGroupVersion)
	return nil
}
