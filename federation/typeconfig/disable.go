package typeconfig

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// DisableOptions configure Disable.
type DisableOptions struct {
	HostOptions
	// Type names the type as kubectl does, or as its FederatedTypeConfig does.
	Type string
	// DeleteCRD deletes the FederatedTypeConfig and the Federated<Kind> CRD instead of only
	// turning propagation off.
	DeleteCRD bool
}

// Disable stops the propagation of a type, as kubefedctl disable did: its FederatedTypeConfig's
// propagation becomes Disabled, so the sync controller stops and leaves federated objects and
// their member copies as they are. With DeleteCRD it deletes the FederatedTypeConfig and the
// Federated<Kind> CRD, but only when no object of that kind is left.
func Disable(ctx context.Context, o DisableOptions) error {
	h, err := Connect(ctx, o.HostOptions)
	if err != nil {
		return fmt.Errorf("disable %s: %w", o.Type, err)
	}
	target, ftc, err := h.resolveEnabled(ctx, o.Type)
	if err != nil {
		return fmt.Errorf("disable %s: %w", o.Type, err)
	}
	if o.DeleteCRD {
		err = h.deleteType(ctx, target, ftc)
	} else {
		err = h.disablePropagation(ctx, target, ftc)
	}
	if err != nil {
		return fmt.Errorf("disable %s: %w", target.Name(), err)
	}
	return nil
}

// resolveEnabled resolves arg among the types the host serves and those its
// FederatedTypeConfigs name (whose CRD may be gone), and returns the type's config, nil if
// it has none.
func (h *Host) resolveEnabled(ctx context.Context, arg string) (Resource, *v1beta1.FederatedTypeConfig, error) {
	ftcs, err := h.TypeConfigs(ctx)
	if err != nil {
		return Resource{}, nil, err
	}
	resources, err := discover(ctx, h.discovery)
	if err != nil {
		return Resource{}, nil, err
	}
	served := map[string]bool{}
	for _, r := range resources {
		served[r.Name()] = true
	}
	for _, ftc := range ftcs {
		if r := fromTypeConfig(ftc); !served[r.Name()] {
			resources = append(resources, r)
		}
	}
	target, err := Resolve(arg, resources)
	if err != nil {
		return Resource{}, nil, err
	}
	for i := range ftcs {
		if ftcs[i].Name == target.Name() {
			return target, &ftcs[i], nil
		}
	}
	return target, nil, nil
}

func (h *Host) disablePropagation(ctx context.Context, target Resource, ftc *v1beta1.FederatedTypeConfig) error {
	if ftc == nil {
		return fmt.Errorf("it is not enabled: there is no FederatedTypeConfig %s in %s", target.Name(), h.Namespace)
	}
	what := fmt.Sprintf("FederatedTypeConfig %s/%s", ftc.Namespace, ftc.Name)
	if ftc.Spec.Propagation == v1beta1.PropagationDisabled {
		h.Printf("%s: propagation is already Disabled", what)
	} else {
		ftc.Spec.Propagation = v1beta1.PropagationDisabled
		if err := h.writeTypeConfig(ctx, ftc, false); err != nil {
			return fmt.Errorf("updating %s: %w", what, err)
		}
		h.Printf("%s: propagation Disabled", what)
	}
	h.Linef("propagation of %s disabled: %s objects and their copies in the members stay as they are (meridianctl enable %s turns it on again)",
		target.Name(), ftc.Spec.FederatedType.Kind, target.Name())
	return nil
}

// deleteType deletes the FederatedTypeConfig and the federated CRD, once no federated object
// is left. It works again after a partial failure: a missing config or CRD is skipped.
func (h *Host) deleteType(ctx context.Context, target Resource, ftc *v1beta1.FederatedTypeConfig) error {
	var fed v1beta1.APIResource
	if ftc != nil {
		fed = ftc.Spec.FederatedType
	} else {
		f := Federation{}.withDefaults()
		var err error
		if fed, err = FederatedType(target, f.Group, f.Version); err != nil {
			return err
		}
	}
	if fed.Kind != "Federated"+target.Kind || fed.PluralName != "federated"+target.Plural {
		return fmt.Errorf("FederatedTypeConfig %s/%s names the federated type %s (%s), not Federated%s: refusing to delete its CRD",
			h.Namespace, target.Name(), fed.Kind, crdName(fed), target.Kind)
	}
	if ftc == nil {
		if _, err := h.crds.Get(ctx, crdName(fed), metav1.GetOptions{}); apierrors.IsNotFound(err) {
			return fmt.Errorf("it is not enabled: there is no FederatedTypeConfig %s in %s and no CustomResourceDefinition %s",
				target.Name(), h.Namespace, crdName(fed))
		}
	}
	if err := h.refuseIfObjectsExist(ctx, fed); err != nil {
		return err
	}
	if ftc != nil {
		what := fmt.Sprintf("FederatedTypeConfig %s/%s", ftc.Namespace, ftc.Name)
		if err := h.typeConfigs().Delete(ctx, ftc.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s: %w", what, err)
		}
		h.Printf("%s deleted", what)
	}
	if err := h.deleteCRD(ctx, fed); err != nil {
		return err
	}
	h.Linef("%s disabled: its FederatedTypeConfig and the %s CRD are deleted", target.Name(), fed.Kind)
	return nil
}

// refuseIfObjectsExist fails when objects of the federated type are left: deleting the CRD would
// delete them with it, and the members' copies would be orphaned.
func (h *Host) refuseIfObjectsExist(ctx context.Context, fed v1beta1.APIResource) error {
	count, namespaces := 0, map[string]bool{}
	opts := metav1.ListOptions{Limit: 500}
	for {
		list, err := h.Dynamic.Resource(GVR(fed)).List(ctx, opts)
		if apierrors.IsNotFound(err) {
			return nil // the CRD is gone already
		}
		if err != nil {
			return fmt.Errorf("listing %s objects: %w", fed.Kind, err)
		}
		for _, o := range list.Items {
			count++
			namespaces[o.GetNamespace()] = true
		}
		if opts.Continue = list.GetContinue(); opts.Continue == "" {
			break
		}
	}
	if count == 0 {
		return nil
	}
	where := "cluster-scoped"
	if fed.Scope == scopeNamespaced {
		names := make([]string, 0, len(namespaces))
		for ns := range namespaces {
			names = append(names, ns)
		}
		sort.Strings(names)
		where = "in namespace " + strings.Join(names, ", ")
		if len(names) > 1 {
			where = "in namespaces " + strings.Join(names, ", ")
		}
	}
	noun, them := "object still exists", "it"
	if count > 1 {
		noun, them = "objects still exist", "them"
	}
	return fmt.Errorf("refusing to delete CustomResourceDefinition %s: %d %s %s (%s); delete %s first (kubectl get %s -A)",
		crdName(fed), count, fed.Kind, noun, where, them, crdName(fed))
}
