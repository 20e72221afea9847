package join

import (
	rbacv1 "k8s.io/api/rbac/v1"
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
// Secrets' kinds, CRDs). `meridianctl enable` adds rules for further federated types here.
var memberGrants = []grant{
	{"cluster health: the probes KubeFed's cluster controller makes",
		rbacv1.PolicyRule{NonResourceURLs: []string{"/healthz", "/readyz", "/livez", "/version"}, Verbs: []string{"get"}}},
	{"topology: region and zone labels of the member's nodes",
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: readVerbs}},
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
// (a copy the caller may change).
func MemberRules() []rbacv1.PolicyRule {
	rules := make([]rbacv1.PolicyRule, len(memberGrants))
	for i, g := range memberGrants {
		rules[i] = *g.rule.DeepCopy()
	}
	return rules
}
