package typeconfig

import (
	"context"
	"fmt"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	typesv1beta1 "github.com/meridian-dns/meridian/federation/apis/types/v1beta1"
)

// crdTimeout bounds the waits for a CRD to be established or to be gone.
const crdTimeout = 60 * time.Second

// federatedCRD is the CRD that serves the federated type fed of a target kind. KubeFed's
// default types have theirs in config/crd (embedded); any other gets a copy of one of those,
// renamed: every Federated<Kind> has the same spec and status, whatever the target.
func federatedCRD(fed v1beta1.APIResource, targetKind string, embedded []*apiextensionsv1.CustomResourceDefinition) (*apiextensionsv1.CustomResourceDefinition, error) {
	var base *apiextensionsv1.CustomResourceDefinition
	for _, c := range embedded {
		if c.Name == crdName(fed) && c.Spec.Names.Kind == fed.Kind && string(c.Spec.Scope) == fed.Scope &&
			len(c.Spec.Versions) == 1 && c.Spec.Versions[0].Name == fed.Version {
			return c.DeepCopy(), nil
		}
		if base == nil && c.Spec.Group == typesv1beta1.SchemeGroupVersion.Group {
			base = c
		}
	}
	if base == nil || len(base.Spec.Versions) != 1 || base.Spec.Versions[0].Schema == nil {
		return nil, fmt.Errorf("no Federated<Kind> CRD with one version and a schema among the embedded CRDs (config/crd) to copy")
	}
	return renameCRD(base, fed, targetKind), nil
}

// renameCRD copies a Federated<Kind> CRD for another federated type, keeping its schema,
// printer columns, subresources and categories.
func renameCRD(base *apiextensionsv1.CustomResourceDefinition, fed v1beta1.APIResource, targetKind string) *apiextensionsv1.CustomResourceDefinition {
	version := *base.Spec.Versions[0].DeepCopy()
	version.Name, version.Served, version.Storage = fed.Version, true, true
	version.Schema.OpenAPIV3Schema.Description = fmt.Sprintf("%s propagates %s objects to member clusters.", fed.Kind, targetKind)
	return &apiextensionsv1.CustomResourceDefinition{
		TypeMeta:   metav1.TypeMeta{APIVersion: apiextensionsv1.SchemeGroupVersion.String(), Kind: "CustomResourceDefinition"},
		ObjectMeta: metav1.ObjectMeta{Name: crdName(fed)},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: fed.Group,
			Names: apiextensionsv1.CustomResourceDefinitionNames{
				Plural:     fed.PluralName,
				Singular:   strings.ToLower(fed.Kind),
				Kind:       fed.Kind,
				ListKind:   fed.Kind + "List",
				Categories: append([]string(nil), base.Spec.Names.Categories...),
			},
			Scope:    apiextensionsv1.ResourceScope(fed.Scope),
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{version},
		},
	}
}

func crdName(fed v1beta1.APIResource) string { return fed.PluralName + "." + fed.Group }

// applyCRD creates the CRD or brings an existing one of the same kind up to date, then waits
// until it is established. A CRD of that name that serves another kind is not touched.
func (h *Host) applyCRD(ctx context.Context, want *apiextensionsv1.CustomResourceDefinition) error {
	what := "CustomResourceDefinition " + want.Name
	got, err := h.crds.Get(ctx, want.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		if _, err := h.crds.Create(ctx, want, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating %s: %w", what, err)
		}
		h.Printf("%s created", what)
	case err != nil:
		return fmt.Errorf("reading %s: %w", what, err)
	case got.DeletionTimestamp != nil:
		return fmt.Errorf("%s is being deleted: run enable again once it is gone (kubectl get crd %s)", what, want.Name)
	case got.Spec.Group != want.Spec.Group || got.Spec.Names.Kind != want.Spec.Names.Kind:
		return fmt.Errorf("%s already exists and serves %s in group %s, not %s: refusing to change it",
			what, got.Spec.Names.Kind, got.Spec.Group, want.Spec.Names.Kind)
	default:
		// Fields the API server defaults are not ours to compare.
		want.Spec.Conversion, want.Spec.PreserveUnknownFields = got.Spec.Conversion, got.Spec.PreserveUnknownFields
		if equality.Semantic.DeepEqual(got.Spec, want.Spec) {
			h.Printf("%s is up to date", what)
			break
		}
		got.Spec = want.Spec
		if _, err := h.crds.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("updating %s: %w", what, err)
		}
		h.Printf("%s updated", what)
	}
	return h.waitEstablished(ctx, want.Name)
}

// waitEstablished waits until the API server serves the CRD's kind, or says why it will not.
func (h *Host) waitEstablished(ctx context.Context, name string) error {
	waiting := false
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, crdTimeout, true, func(ctx context.Context) (bool, error) {
		c, err := h.crds.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, cond := range c.Status.Conditions {
			if cond.Type == apiextensionsv1.NamesAccepted && cond.Status == apiextensionsv1.ConditionFalse {
				return false, fmt.Errorf("its names are not accepted: %s", cond.Message)
			}
			if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
				return true, nil
			}
		}
		if !waiting {
			h.Printf("waiting for CustomResourceDefinition %s to be established", name)
			waiting = true
		}
		return false, nil
	})
	if err != nil {
		return fmt.Errorf("CustomResourceDefinition %s is not established after %s: %w", name, crdTimeout, err)
	}
	h.Printf("CustomResourceDefinition %s established", name)
	return nil
}

// deleteCRD deletes the CRD of the federated type fed, if it is one (its group and kind are
// fed's), and waits until it is gone, so that enabling the type again can create it anew.
func (h *Host) deleteCRD(ctx context.Context, fed v1beta1.APIResource) error {
	name := crdName(fed)
	what := "CustomResourceDefinition " + name
	got, err := h.crds.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		h.Printf("%s does not exist, nothing to delete", what)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", what, err)
	}
	if got.Spec.Group != fed.Group || got.Spec.Names.Kind != fed.Kind {
		return fmt.Errorf("%s serves %s in group %s, not %s: refusing to delete it", what, got.Spec.Names.Kind, got.Spec.Group, fed.Kind)
	}
	uid := got.UID
	if err := h.crds.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting %s: %w", what, err)
	}
	err = wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, crdTimeout, true, func(ctx context.Context) (bool, error) {
		_, err := h.crds.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
	if err != nil {
		return fmt.Errorf("%s is still there %s after deleting it: %w", what, crdTimeout, err)
	}
	h.Printf("%s deleted", what)
	return nil
}
