// Package typeconfig enables and disables the federation of resource types, as kubefedctl
// enable and disable did: it resolves a type the way kubectl names it, and writes (or removes)
// the Federated<Kind> CRD users write in the host and the FederatedTypeConfig that tells the
// sync controller to propagate it.
package typeconfig

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/meridian-dns/meridian/config/crd"
	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	typesv1beta1 "github.com/meridian-dns/meridian/federation/apis/types/v1beta1"
	"github.com/meridian-dns/meridian/federation/join"
)

// Federation says where federated types are served; the zero value is KubeFed's
// types.kubefed.io/v1beta1.
type Federation struct {
	Group, Version string
	// DryRun computes what would be written, and writes nothing.
	DryRun bool
}

func (f Federation) withDefaults() Federation {
	if f.Group == "" {
		f.Group = typesv1beta1.SchemeGroupVersion.Group
	}
	if f.Version == "" {
		f.Version = typesv1beta1.SchemeGroupVersion.Version
	}
	return f
}

// EnableOptions configure Enable.
type EnableOptions struct {
	HostOptions
	Federation
	// Type names the type as kubectl does: Deployment, deployments, deploy, deployments.apps.
	Type string
}

// Enable makes a type federated: it installs the Federated<Kind> CRD and writes the
// FederatedTypeConfig. It returns both, as written or, with DryRun, as they would be.
func Enable(ctx context.Context, o EnableOptions) ([]runtime.Object, error) {
	h, err := Connect(ctx, o.HostOptions)
	if err != nil {
		return nil, fmt.Errorf("enable %s: %w", o.Type, err)
	}
	target, err := h.Resolve(ctx, o.Type)
	if err != nil {
		return nil, fmt.Errorf("enable %s: %w", o.Type, err)
	}
	_, objs, err := h.Enable(ctx, target, o.Federation)
	if err != nil {
		return nil, fmt.Errorf("enable %s: %w", target.Name(), err)
	}
	return objs, nil
}

// Resolve finds the type arg names among those the host serves.
func (h *Host) Resolve(ctx context.Context, arg string) (Resource, error) {
	resources, err := discover(ctx, h.discovery)
	if err != nil {
		return Resource{}, err
	}
	return Resolve(arg, resources)
}

// Enable enables a resolved type; see the package function.
func (h *Host) Enable(ctx context.Context, target Resource, f Federation) (*v1beta1.FederatedTypeConfig, []runtime.Object, error) {
	f = f.withDefaults()
	if err := federable(target, f.Group); err != nil {
		return nil, nil, err
	}
	fed, err := FederatedType(target, f.Group, f.Version)
	if err != nil {
		return nil, nil, err
	}
	embedded, err := crd.All()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the embedded CRDs: %w", err)
	}
	c, err := federatedCRD(fed, target.Kind, embedded)
	if err != nil {
		return nil, nil, err
	}
	ftc := newTypeConfig(target, fed, h.Namespace)
	objs := []runtime.Object{c, ftc}
	if f.DryRun {
		return ftc, objs, nil
	}
	if err := h.readyForTypeConfigs(ctx); err != nil {
		return nil, nil, err
	}
	if err := h.applyCRD(ctx, c); err != nil {
		return nil, nil, err
	}
	if err := h.applyTypeConfig(ctx, ftc); err != nil {
		return nil, nil, err
	}
	h.joinAgainHint(ctx, target)
	h.Linef("%s enabled: %s objects (%s/%s) are propagated to the member clusters as %s", target.Name(), fed.Kind, fed.Group, fed.Version, target.Kind)
	return ftc, objs, nil
}

// propagateVerbs are what the sync controller does with a target type in members (it applies
// with server-side apply, a patch).
var propagateVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}

// federable refuses types that cannot be propagated: the federation's own API, and types the
// host serves without the verbs propagation uses.
func federable(target Resource, federatedGroup string) error {
	if target.Group == federatedGroup || target.Group == "kubefed.io" || strings.HasSuffix(target.Group, ".kubefed.io") {
		return fmt.Errorf("%s is part of the federation's own API (group %s): it cannot be federated", target.Name(), target.Group)
	}
	var missing []string
	for _, v := range propagateVerbs {
		if !slices.Contains(target.Verbs, v) {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s cannot be federated: the host serves it without the verbs %s, which propagation uses",
			target.Name(), strings.Join(missing, ", "))
	}
	return nil
}

// FederatedType is the federated kind of a target, named as KubeFed names it:
// Federated<Kind>, plural federated<plural>, in the given group and version. It has the
// target's scope, except that FederatedNamespace is namespaced (it lives in the namespace it
// federates), as in KubeFed.
func FederatedType(target Resource, group, version string) (v1beta1.APIResource, error) {
	fed := v1beta1.APIResource{
		Group: group, Version: version, Kind: "Federated" + target.Kind, PluralName: "federated" + target.Plural,
		Scope: scope(target.Namespaced || isNamespace(target)),
	}
	if errs := validation.IsDNS1123Label(fed.PluralName); len(errs) > 0 {
		return fed, fmt.Errorf("the federated type's plural name %q is not valid: %s", fed.PluralName, strings.Join(errs, "; "))
	}
	if errs := validation.IsDNS1123Subdomain(crdName(fed)); len(errs) > 0 || !strings.Contains(group, ".") {
		return fed, fmt.Errorf("invalid federated group %q: must be a DNS subdomain with at least one dot, such as types.kubefed.io", group)
	}
	if !looksLikeVersion(version) {
		return fed, fmt.Errorf("invalid federated version %q: must look like v1, v1beta1 or v2alpha1", version)
	}
	return fed, nil
}

// isNamespace reports whether r is the core Namespace kind.
func isNamespace(r Resource) bool { return r.Group == "" && r.Kind == "Namespace" }

// readyForTypeConfigs checks what enabling needs in the host, so nothing is created when the
// FederatedTypeConfig could not be.
func (h *Host) readyForTypeConfigs(ctx context.Context) error {
	if _, err := h.crds.Get(ctx, typeConfigResource.GroupResource().String(), metav1.GetOptions{}); apierrors.IsNotFound(err) {
		return fmt.Errorf("the host has no FederatedTypeConfig CRD (%s): install Meridian's CRDs first", v1beta1.SchemeGroupVersion)
	} else if err != nil {
		return fmt.Errorf("reading the FederatedTypeConfig CRD: %w", err)
	}
	namespaces := h.Dynamic.Resource(namespaceResource)
	if _, err := namespaces.Get(ctx, h.Namespace, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		return fmt.Errorf("namespace %s does not exist in the host: create it (kubectl create namespace %s) or name another with --kubefed-namespace",
			h.Namespace, h.Namespace)
	} else if err != nil {
		return fmt.Errorf("reading namespace %s: %w", h.Namespace, err)
	}
	return nil
}

// joinAgainHint tells the user which members need joining again: join grants a member's
// ServiceAccount the types enabled when it joined, and KubeFed's default types always.
func (h *Host) joinAgainHint(ctx context.Context, target Resource) {
	if join.GrantedByDefault(target.Group, target.Plural) {
		return
	}
	names, err := h.ClusterNames(ctx)
	if err != nil {
		h.Notef("could not list the member clusters to say which must join again for %s: %v", target.Name(), err)
		return
	}
	if len(names) == 0 {
		return
	}
	h.Notef("the members' ClusterRoles do not grant %s yet: join each member again (add --cluster-context as in its first join):", target.Name())
	ns := ""
	if h.Namespace != join.DefaultNamespace {
		ns = " --kubefed-namespace " + h.Namespace
	}
	for _, name := range names {
		h.Notef("  meridianctl join %s --host-cluster-context %s%s", name, h.Context, ns)
	}
}

// ClusterNames lists the member clusters (KubeFedClusters) in the federation's namespace.
func (h *Host) ClusterNames(ctx context.Context) ([]string, error) {
	list, err := h.Dynamic.Resource(v1beta1.SchemeGroupVersion.WithResource("kubefedclusters")).Namespace(h.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(list.Items))
	for i, c := range list.Items {
		names[i] = c.GetName()
	}
	slices.Sort(names)
	return names, nil
}
