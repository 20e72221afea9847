package join

import (
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// grant is one rule of the member ClusterRole and the reason Meridian needs it.
type grant struct {
	why  string
	rule rbacv1.PolicyRule
}

var (
	readVerbs      = []string{"get", "list", "watch"}
	propagateVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}
)

// memberGrants is everything Meridian's controllers do in a member, and nothing more: no
// wildcards, so a leaked member token cannot read what Meridian never reads (RBAC, other
// Secrets' kinds, CRDs). Types enabled with `meridianctl enable` are added per join by
// typeRules, from the FederatedTypeConfigs in the host.
var memberGrants = []grant{
	{"cluster health: the probes KubeFed's cluster controller makes",
		rbacv1.PolicyRule{NonResourceURLs: []string{"/healthz", "/readyz", "/livez", "/version"}, Verbs: []string{"get"}}},
	{"topology: region and zone labels of the member's nodes",
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: readVerbs}},
	{"replica scheduling: pods that cannot be scheduled move replicas elsewhere",
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: readVerbs}},
	{"DNS: the endpoints behind federated Services",
		rbacv1.PolicyRule{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: readVerbs}},
	{"propagation of KubeFed's default federated core types",
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"namespaces", "configmaps", "secrets", "serviceaccounts", "services"}, Verbs: propagateVerbs}},
	{"propagation of federated workloads",
		rbacv1.PolicyRule{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets"}, Verbs: propagateVerbs}},
	{"propagation of federated Jobs",
		rbacv1.PolicyRule{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, Verbs: propagateVerbs}},
	{"propagation of federated Ingresses",
		rbacv1.PolicyRule{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: propagateVerbs}},
}

// MemberRules returns the rules of the ClusterRole join binds to the member's ServiceAccount
// when the host has no FederatedTypeConfig beyond KubeFed's defaults (a copy the caller may
// change).
func MemberRules() []rbacv1.PolicyRule {
	rules := make([]rbacv1.PolicyRule, len(memberGrants))
	for i, g := range memberGrants {
		rules[i] = *g.rule.DeepCopy()
	}
	return rules
}

// GrantedByDefault reports whether MemberRules already let Meridian propagate the resource
// (its plural name) of an API group, so that members need no new join when it is enabled.
func GrantedByDefault(group, resource string) bool {
	for _, g := range memberGrants {
		r := g.rule
		if slices.Contains(r.APIGroups, group) && slices.Contains(r.Resources, resource) && slices.Equal(r.Verbs, propagateVerbs) {
			return true
		}
	}
	return false
}

// typeRules grants the propagate verbs on the target types of FederatedTypeConfigs that
// MemberRules do not cover: one rule per API group, resources sorted, so joining again with
// the same configs writes the same ClusterRole. Targets whose names could not name a resource
// (a hand-written "*", say) are left out: a member token must never get a wildcard.
func typeRules(targets []v1beta1.APIResource) []rbacv1.PolicyRule {
	byGroup := map[string][]string{}
	for _, t := range targets {
		if !validTarget(t) || GrantedByDefault(t.Group, t.PluralName) || slices.Contains(byGroup[t.Group], t.PluralName) {
			continue
		}
		byGroup[t.Group] = append(byGroup[t.Group], t.PluralName)
	}
	groups := make([]string, 0, len(byGroup))
	for g := range byGroup {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	rules := make([]rbacv1.PolicyRule, 0, len(groups))
	for _, g := range groups {
		resources := byGroup[g]
		sort.Strings(resources)
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{g}, Resources: resources, Verbs: slices.Clone(propagateVerbs)})
	}
	return rules
}

// validTarget reports whether a target's group and plural name can name a real resource:
// resource names are DNS-1123 labels, groups DNS-1123 subdomains (or "" for the core group).
func validTarget(t v1beta1.APIResource) bool {
	if len(validation.IsDNS1123Label(t.PluralName)) > 0 {
		return false
	}
	return t.Group == "" || len(validation.IsDNS1123Subdomain(t.Group)) == 0
}

// describeRules names the resources rules grant, "plural.group" (just "plural" for the core
// group), for progress lines.
func describeRules(rules []rbacv1.PolicyRule) string {
	var names []string
	for _, r := range rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				if g == "" {
					names = append(names, res)
				} else {
					names = append(names, res+"."+g)
				}
			}
		}
	}
	return strings.Join(names, ", ")
}
