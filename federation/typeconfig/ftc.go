package typeconfig

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

const (
	scopeNamespaced = "Namespaced"
	scopeCluster    = "Cluster"
)

var typeConfigResource = v1beta1.SchemeGroupVersion.WithResource("federatedtypeconfigs")

// newTypeConfig is the FederatedTypeConfig that enables propagation of target as fed, named
// as KubeFed names it: the target's "plural.group".
func newTypeConfig(target Resource, fed v1beta1.APIResource, namespace string) *v1beta1.FederatedTypeConfig {
	return &v1beta1.FederatedTypeConfig{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1beta1.SchemeGroupVersion.String(), Kind: "FederatedTypeConfig"},
		ObjectMeta: metav1.ObjectMeta{Name: target.Name(), Namespace: namespace},
		Spec: v1beta1.FederatedTypeConfigSpec{
			TargetType:    v1beta1.APIResource{Group: target.Group, Version: target.Version, Kind: target.Kind, PluralName: target.Plural, Scope: scope(target.Namespaced)},
			FederatedType: fed,
			Propagation:   v1beta1.PropagationEnabled,
		},
	}
}

func scope(namespaced bool) string {
	if namespaced {
		return scopeNamespaced
	}
	return scopeCluster
}

// GVR is the group, version and resource an APIResource of a FederatedTypeConfig names.
func GVR(r v1beta1.APIResource) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: r.Group, Version: r.Version, Resource: r.PluralName}
}

func (h *Host) typeConfigs() dynamic.ResourceInterface {
	return h.Dynamic.Resource(typeConfigResource).Namespace(h.Namespace)
}

// TypeConfig reads a FederatedTypeConfig; a missing one is an error apierrors.IsNotFound
// recognises.
func (h *Host) TypeConfig(ctx context.Context, name string) (*v1beta1.FederatedTypeConfig, error) {
	u, err := h.typeConfigs().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	ftc := &v1beta1.FederatedTypeConfig{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, ftc); err != nil {
		return nil, fmt.Errorf("decoding FederatedTypeConfig %s/%s: %w", h.Namespace, name, err)
	}
	return ftc, nil
}

// TypeConfigs lists the FederatedTypeConfigs in the federation's namespace; none when the host
// lacks their CRD.
func (h *Host) TypeConfigs(ctx context.Context) ([]v1beta1.FederatedTypeConfig, error) {
	u, err := h.typeConfigs().List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing FederatedTypeConfigs in %s: %w", h.Namespace, err)
	}
	list := &v1beta1.FederatedTypeConfigList{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.UnstructuredContent(), list); err != nil {
		return nil, fmt.Errorf("decoding FederatedTypeConfigs in %s: %w", h.Namespace, err)
	}
	return list.Items, nil
}

// applyTypeConfig creates the FederatedTypeConfig, or sets the spec of an existing one (which
// re-enables a disabled type).
func (h *Host) applyTypeConfig(ctx context.Context, want *v1beta1.FederatedTypeConfig) error {
	what := fmt.Sprintf("FederatedTypeConfig %s/%s", want.Namespace, want.Name)
	got, err := h.TypeConfig(ctx, want.Name)
	if apierrors.IsNotFound(err) {
		if err := h.writeTypeConfig(ctx, want, true); err != nil {
			return fmt.Errorf("creating %s: %w", what, err)
		}
		h.Printf("%s created", what)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", what, err)
	}
	if got.Spec.TargetType == want.Spec.TargetType && got.Spec.FederatedType == want.Spec.FederatedType &&
		got.Spec.Propagation == want.Spec.Propagation {
		h.Printf("%s is up to date", what)
		return nil
	}
	got.Spec.TargetType, got.Spec.FederatedType, got.Spec.Propagation = want.Spec.TargetType, want.Spec.FederatedType, want.Spec.Propagation
	if err := h.writeTypeConfig(ctx, got, false); err != nil {
		return fmt.Errorf("updating %s: %w", what, err)
	}
	h.Printf("%s updated (propagation %s)", what, want.Spec.Propagation)
	return nil
}

func (h *Host) writeTypeConfig(ctx context.Context, ftc *v1beta1.FederatedTypeConfig, create bool) error {
	ftc = ftc.DeepCopy()
	ftc.APIVersion, ftc.Kind = v1beta1.SchemeGroupVersion.String(), "FederatedTypeConfig"
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ftc)
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{Object: m}
	if create {
		_, err = h.typeConfigs().Create(ctx, u, metav1.CreateOptions{})
	} else {
		_, err = h.typeConfigs().Update(ctx, u, metav1.UpdateOptions{})
	}
	return err
}
