package federate

import (
	"context"
	"errors"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/typeconfig"
)

// managedLabel marks objects a federation propagated into a cluster; in a host that is also a
// member, federating them again would make two federated objects fight over one object.
const managedLabel = "kubefed.io/managed"

// skipReason says why an object in a namespace is not federated with it: it is not the user's
// own but made by Kubernetes, by a controller from another object, or by a federation. Empty:
// federate it.
func skipReason(gk schema.GroupKind, obj *unstructured.Unstructured) string {
	if refs := obj.GetOwnerReferences(); len(refs) > 0 {
		return fmt.Sprintf("owned by %s %s, which creates it", refs[0].Kind, refs[0].Name)
	}
	if obj.GetDeletionTimestamp() != nil {
		return "being deleted"
	}
	if obj.GetLabels()[managedLabel] == "true" {
		return "propagated into this cluster by a federation (label " + managedLabel + "=true)"
	}
	switch {
	case gk == schema.GroupKind{Kind: "ConfigMap"} && obj.GetName() == "kube-root-ca.crt",
		gk == schema.GroupKind{Kind: "ServiceAccount"} && obj.GetName() == "default":
		return "created by Kubernetes in every namespace"
	case gk == schema.GroupKind{Kind: "Secret"} && obj.Object["type"] == string(corev1.SecretTypeServiceAccountToken):
		return "a service-account token, which each cluster issues itself"
	}
	return ""
}

// contentTypes are the FederatedTypeConfigs whose objects live in namespaces and whose
// propagation is enabled, by name.
func contentTypes(ftcs []v1beta1.FederatedTypeConfig) []v1beta1.FederatedTypeConfig {
	var out []v1beta1.FederatedTypeConfig
	for _, ftc := range ftcs {
		t := ftc.Spec.TargetType
		if ftc.Spec.Propagation == v1beta1.PropagationEnabled && t.Scope == "Namespaced" && ftc.Spec.FederatedType.Scope == "Namespaced" &&
			!(t.Group == "" && t.Kind == "Namespace") {
			out = append(out, ftc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// contents federates every user-owned object in namespace ns of every enabled namespaced type.
// One failure does not stop the others; the errors are returned together.
func (r *run) contents(ctx context.Context, ns string) error {
	ftcs, err := r.host.TypeConfigs(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, ftc := range contentTypes(ftcs) {
		if err := r.contentsOfType(ctx, &ftc, ns); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *run) contentsOfType(ctx context.Context, ftc *v1beta1.FederatedTypeConfig, ns string) error {
	target := ftc.Spec.TargetType
	list, err := r.host.Dynamic.Resource(typeconfig.GVR(target)).Namespace(ns).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		r.host.Linef("  skipped %s: the host does not serve %s/%s (FederatedTypeConfig %s)", ftc.Name, target.Group, target.Version, ftc.Name)
		return nil
	}
	if err != nil {
		return fmt.Errorf("listing %s in namespace %s: %w", ftc.Name, ns, err)
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].GetName() < list.Items[j].GetName() })
	gk := schema.GroupKind{Group: target.Group, Kind: target.Kind}
	var errs []error
	for i := range list.Items {
		obj := &list.Items[i]
		if why := skipReason(gk, obj); why != "" {
			r.skipped++
			r.host.Linef("  skipped %s %s/%s: %s", target.Kind, ns, obj.GetName(), why)
			continue
		}
		if err := r.federate(ctx, ftc, obj, true); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
