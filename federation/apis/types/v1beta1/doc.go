// Package v1beta1 holds KubeFed's types.kubefed.io/v1beta1 federated kinds for the default set
// of propagated types. Every Federated<Kind> has the same shape — a template of the target
// object, a placement and per-cluster overrides — so they share FederatedSpec and
// FederatedStatus; the sync controller reads them as unstructured objects, which is how it also
// handles kinds enabled later with meridianctl enable.
//
// +kubebuilder:object:generate=true
// +groupName=types.kubefed.io
package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SchemeGroupVersion is the group and version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: "types.kubefed.io", Version: "v1beta1"}

var (
	schemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)
	// AddToScheme registers this package's kinds with a scheme.
	AddToScheme = schemeBuilder.AddToScheme
)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(SchemeGroupVersion,
		&FederatedNamespace{}, &FederatedNamespaceList{},
		&FederatedDeployment{}, &FederatedDeploymentList{},
		&FederatedService{}, &FederatedServiceList{},
		&FederatedIngress{}, &FederatedIngressList{},
		&FederatedConfigMap{}, &FederatedConfigMapList{},
		&FederatedSecret{}, &FederatedSecretList{},
		&FederatedServiceAccount{}, &FederatedServiceAccountList{},
		&FederatedStatefulSet{}, &FederatedStatefulSetList{},
		&FederatedJob{}, &FederatedJobList{},
	)
	metav1.AddToGroupVersion(scheme, SchemeGroupVersion)
	return nil
}
