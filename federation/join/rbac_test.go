package join

import (
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

func TestMemberRulesHaveNoWildcards(t *testing.T) {
	for _, g := range memberGrants {
		if g.why == "" {
			t.Errorf("rule %v does not say why Meridian needs it", g.rule)
		}
		r := g.rule
		for _, field := range [][]string{r.Verbs, r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs} {
			for _, v := range field {
				if strings.Contains(v, "*") {
					t.Errorf("rule %v has a wildcard %q", r, v)
				}
			}
		}
		if len(r.Verbs) == 0 {
			t.Errorf("rule %v grants no verb", r)
		}
		if len(r.NonResourceURLs) > 0 && (len(r.Resources) > 0 || !slices.Equal(r.Verbs, []string{"get"})) {
			t.Errorf("rule %v: non-resource URLs are only read", r)
		}
		for _, v := range r.Verbs {
			if v == "escalate" || v == "bind" || v == "impersonate" {
				t.Errorf("rule %v grants %s", r, v)
			}
		}
	}
}

// allowed reports whether the rules let verb be done on group/resource.
func allowed(rules []rbacv1.PolicyRule, verb, group, resource string) bool {
	for _, r := range rules {
		if slices.Contains(r.Verbs, verb) && slices.Contains(r.APIGroups, group) && slices.Contains(r.Resources, resource) {
			return true
		}
	}
	return false
}

func TestMemberRulesGrantWhatMeridianNeedsAndNoMore(t *testing.T) {
	rules := MemberRules()
	cases := []struct {
		verb, group, resource string
		want                  bool
	}{
		{"list", "", "nodes", true},
		{"watch", "discovery.k8s.io", "endpointslices", true},
		{"create", "apps", "deployments", true},
		{"delete", "", "services", true},
		{"patch", "networking.k8s.io", "ingresses", true},
		{"update", "batch", "jobs", true},
		{"create", "", "namespaces", true},
		{"update", "", "nodes", false},
		{"delete", "discovery.k8s.io", "endpointslices", false},
		{"list", "rbac.authorization.k8s.io", "clusterroles", false},
		{"create", "rbac.authorization.k8s.io", "clusterrolebindings", false},
		{"watch", "", "pods", true}, // ReplicaSchedulingPreference counts unschedulable pods
		{"delete", "", "pods", false},
		{"create", "", "pods", false},
		{"list", "apiextensions.k8s.io", "customresourcedefinitions", false},
	}
	for _, tc := range cases {
		if got := allowed(rules, tc.verb, tc.group, tc.resource); got != tc.want {
			t.Errorf("%s %s/%s allowed = %v, want %v", tc.verb, tc.group, tc.resource, got, tc.want)
		}
	}
	var urls []string
	for _, r := range rules {
		urls = append(urls, r.NonResourceURLs...)
	}
	if want := []string{"/healthz", "/readyz", "/livez", "/version"}; !slices.Equal(urls, want) {
		t.Errorf("non-resource URLs %v, want %v", urls, want)
	}
}

func TestMemberRulesReturnsACopy(t *testing.T) {
	rules := MemberRules()
	rules[0].Verbs[0] = "delete"
	rules[1].Resources = append(rules[1].Resources, "pods")
	if again := MemberRules(); again[0].Verbs[0] != "get" || len(again[1].Resources) != 1 {
		t.Errorf("changing the returned rules changed the table: %v", again)
	}
}

func TestGrantedByDefault(t *testing.T) {
	cases := []struct {
		group, resource string
		want            bool
	}{
		{"apps", "deployments", true},
		{"", "configmaps", true},
		{"", "namespaces", true},
		{"networking.k8s.io", "ingresses", true},
		{"", "nodes", false}, // read, never propagated
		{"discovery.k8s.io", "endpointslices", false},
		{"apps", "daemonsets", false},
		{"example.com", "widgets", false},
		{"", "deployments", false},
	}
	for _, tc := range cases {
		if got := GrantedByDefault(tc.group, tc.resource); got != tc.want {
			t.Errorf("GrantedByDefault(%q, %q) = %v, want %v", tc.group, tc.resource, got, tc.want)
		}
	}
}

func TestTypeRules(t *testing.T) {
	target := func(group, plural string) v1beta1.APIResource {
		return v1beta1.APIResource{Group: group, Version: "v1", Kind: "K", PluralName: plural, Scope: "Namespaced"}
	}
	cases := []struct {
		name    string
		targets []v1beta1.APIResource
		want    []rbacv1.PolicyRule
	}{
		{"none", nil, []rbacv1.PolicyRule{}},
		{"only defaults", []v1beta1.APIResource{target("apps", "deployments"), target("", "configmaps")}, []rbacv1.PolicyRule{}},
		{"one custom type", []v1beta1.APIResource{target("example.com", "widgets")}, []rbacv1.PolicyRule{
			{APIGroups: []string{"example.com"}, Resources: []string{"widgets"}, Verbs: propagateVerbs},
		}},
		{"grouped, sorted and deduplicated", []v1beta1.APIResource{
			target("example.com", "widgets"), target("apps", "daemonsets"), target("example.com", "gadgets"),
			target("example.com", "widgets"), target("", "limitranges"), target("apps", "deployments"),
		}, []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"limitranges"}, Verbs: propagateVerbs},
			{APIGroups: []string{"apps"}, Resources: []string{"daemonsets"}, Verbs: propagateVerbs},
			{APIGroups: []string{"example.com"}, Resources: []string{"gadgets", "widgets"}, Verbs: propagateVerbs},
		}},
		{"no wildcard or malformed names", []v1beta1.APIResource{
			target("example.com", "*"), target("*", "widgets"), target("Example.com", "widgets"), target("example.com", "widgets/status"),
		}, []rbacv1.PolicyRule{}},
	}
	for _, tc := range cases {
		got := typeRules(tc.targets)
		if !equality.Semantic.DeepEqual(got, tc.want) {
			t.Errorf("%s: typeRules = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDescribeRules(t *testing.T) {
	rules := typeRules([]v1beta1.APIResource{
		{Group: "example.com", PluralName: "widgets"}, {Group: "example.com", PluralName: "gadgets"}, {PluralName: "limitranges"},
	})
	if got, want := describeRules(rules), "limitranges, gadgets.example.com, widgets.example.com"; got != want {
		t.Errorf("describeRules = %q, want %q", got, want)
	}
}
