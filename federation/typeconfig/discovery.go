package typeconfig

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// resourcesFrom turns discovery's groups and resource lists into Resources: one per group,
// version and resource, without subresources (deployments/scale).
func resourcesFrom(groups []*metav1.APIGroup, lists []*metav1.APIResourceList) []Resource {
	versionOrder := map[string][]string{}
	preferred := map[string]string{}
	for _, g := range groups {
		preferred[g.Name] = g.PreferredVersion.Version
		for _, v := range g.Versions {
			versionOrder[g.Name] = append(versionOrder[g.Name], v.Version)
		}
	}
	var out []Resource
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			continue // a server bug; such a group cannot be federated anyway
		}
		for _, r := range list.APIResources {
			if strings.Contains(r.Name, "/") {
				continue
			}
			singular := r.SingularName
			if singular == "" {
				singular = strings.ToLower(r.Kind)
			}
			rank := slices.Index(versionOrder[gv.Group], gv.Version)
			if rank < 0 {
				rank = len(versionOrder[gv.Group])
			}
			out = append(out, Resource{
				Group: gv.Group, Version: gv.Version, Kind: r.Kind, Plural: r.Name, Singular: singular,
				ShortNames: r.ShortNames, Namespaced: r.Namespaced, Verbs: r.Verbs,
				Preferred: preferred[gv.Group] == gv.Version, VersionRank: rank,
			})
		}
	}
	return out
}

// fromTypeConfig is the target of a FederatedTypeConfig as a Resource, so disable finds the
// type even when the host no longer serves it (its CRD was deleted first).
func fromTypeConfig(ftc v1beta1.FederatedTypeConfig) Resource {
	t := ftc.Spec.TargetType
	return Resource{
		Group: t.Group, Version: t.Version, Kind: t.Kind, Plural: t.PluralName, Singular: strings.ToLower(t.Kind),
		Namespaced: t.Scope == scopeNamespaced, Preferred: true,
	}
}

// discoverer is the discovery call discover makes; *discovery.DiscoveryClient has it.
type discoverer interface {
	ServerGroupsAndResourcesWithContext(ctx context.Context) ([]*metav1.APIGroup, []*metav1.APIResourceList, error)
}

var _ discoverer = (*discovery.DiscoveryClient)(nil)

// discover lists every resource type the host serves. Groups whose discovery fails (an
// aggregated API whose backend is down) are left out, as kubectl leaves them out, unless
// nothing at all could be read.
func discover(ctx context.Context, d discoverer) ([]Resource, error) {
	groups, lists, err := d.ServerGroupsAndResourcesWithContext(ctx)
	var partial *discovery.ErrGroupDiscoveryFailed
	if err != nil && (!errors.As(err, &partial) || len(lists) == 0) {
		return nil, fmt.Errorf("discovering the host's resource types: %w", err)
	}
	return resourcesFrom(groups, lists), nil
}
