package federate

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// federatedObject is the Federated<Kind> for an object read from the host: the same name, the
// object's namespace (a FederatedNamespace lives in the namespace it federates; a cluster-scoped
// federated type has none), the object as template, and placement on every cluster, as
// kubefedctl federate made them.
func federatedObject(ftc *v1beta1.FederatedTypeConfig, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	target, fed := ftc.Spec.TargetType, ftc.Spec.FederatedType
	gk := schema.GroupKind{Group: target.Group, Kind: target.Kind}
	out := &unstructured.Unstructured{Object: map[string]any{}}
	out.SetAPIVersion(schema.GroupVersion{Group: fed.Group, Version: fed.Version}.String())
	out.SetKind(fed.Kind)
	out.SetName(obj.GetName())
	if fed.Scope == "Namespaced" {
		ns := obj.GetNamespace()
		if gk == (schema.GroupKind{Kind: "Namespace"}) {
			ns = obj.GetName()
		}
		if ns == "" {
			return nil, fmt.Errorf("%s %s is cluster-scoped, but its federated type %s is namespaced: "+
				"FederatedTypeConfig %s/%s is inconsistent", target.Kind, obj.GetName(), fed.Kind, ftc.Namespace, ftc.Name)
		}
		out.SetNamespace(ns)
	}
	spec := map[string]any{
		"template":  Template(gk, obj.Object),
		"placement": map[string]any{"clusterSelector": map[string]any{}},
	}
	out.Object["spec"] = spec
	return out, nil
}

// describe names an object in progress lines and errors: "Kind namespace/name".
func describe(o *unstructured.Unstructured) string {
	if o.GetNamespace() == "" {
		return o.GetKind() + " " + o.GetName()
	}
	return o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
}
