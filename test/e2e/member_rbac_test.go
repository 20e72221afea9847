package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/join"
	"github.com/meridian-dns/meridian/test/env"
)

// TestMemberServiceAccountHasLeastPrivilege joins a member with meridianctl and asks the member,
// with kubectl auth can-i --list as the ServiceAccount join created, what it may do: beyond what
// every authenticated user may, exactly join.MemberRules() and the propagate verbs on the types
// the host's FederatedTypeConfigs add; no wildcard, and none of RBAC.
func TestMemberServiceAccountHasLeastPrivilege(t *testing.T) {
	ctx := testContext(t, 2*time.Minute)
	const member = "vulcan"
	if out, err := meridianctl(t, ctx, "join", member, "--host-cluster-context", env.HostContext); err != nil {
		t.Fatalf("join %s: %v\n%s", member, err, out)
	}
	sa := "system:serviceaccount:" + join.DefaultNamespace + ":" + member + "-" + join.HostClusterName(env.HostContext)

	// What any authenticated identity may do (discovery, self reviews): an account no binding
	// names, in the same cluster.
	baseline := canIList(t, ctx, member, "system:serviceaccount:"+join.DefaultNamespace+":least-privilege-nobody")
	got := canIList(t, ctx, member, sa)
	var granted []string
	for _, p := range got {
		if !slices.Contains(baseline, p) {
			granted = append(granted, p)
		}
	}
	want := expand(join.MemberRules())
	ftcs := &v1beta1.FederatedTypeConfigList{}
	if err := hostClient(t).List(ctx, ftcs, client.InNamespace(fedNamespace)); err != nil {
		t.Fatal(err)
	}
	for _, ftc := range ftcs.Items {
		target := ftc.Spec.TargetType
		if join.GrantedByDefault(target.Group, target.PluralName) {
			continue
		}
		for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete"} {
			want = append(want, permission(resourceName(target.Group, target.PluralName), verb))
		}
	}
	slices.Sort(want)
	// /healthz, /version and the like are every user's already.
	want = minus(slices.Compact(want), baseline)
	slices.Sort(granted)
	if !slices.Equal(granted, want) {
		t.Errorf("%s may do more or less than MemberRules grant:\n extra   %v\n missing %v", sa, minus(granted, want), minus(want, granted))
	}
	for _, p := range granted {
		if strings.Contains(p, "*") {
			t.Errorf("%s has a wildcard permission: %s", sa, p)
		}
		if strings.Contains(p, "rbac.authorization.k8s.io") || strings.Contains(p, "customresourcedefinitions") {
			t.Errorf("%s may touch RBAC or CRDs: %s", sa, p)
		}
	}
	for _, q := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "clusterroles"}, "no"},
		{[]string{"bind", "clusterroles"}, "no"},
		{[]string{"escalate", "clusterroles"}, "no"},
		{[]string{"impersonate", "serviceaccounts"}, "no"},
		{[]string{"create", "serviceaccounts", "--subresource=token", "-n", "kube-system"}, "no"},
		{[]string{"create", "pods", "--subresource=exec", "-n", "kube-system"}, "no"},
		{[]string{"create", "tokenreviews.authentication.k8s.io"}, "no"},
		{[]string{"create", "certificatesigningrequests.certificates.k8s.io"}, "no"},
		{[]string{"update", "nodes"}, "no"},
		{[]string{"create", "pods"}, "no"},
		{[]string{"delete", "nodes"}, "no"},
		{[]string{"get", "customresourcedefinitions.apiextensions.k8s.io"}, "no"},
		{[]string{"create", "deployments.apps", "-n", "shop"}, "yes"},
		{[]string{"list", "endpointslices.discovery.k8s.io", "-A"}, "yes"},
	} {
		args := append([]string{"auth", "can-i"}, q.args...)
		out, _ := memberKubectl(ctx, member, append(args, "--as", sa)...)
		// The answer is the last line; warnings (a cluster-scoped resource) come before it.
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if answer := lines[len(lines)-1]; answer != q.want {
			t.Errorf("kubectl auth can-i %s as %s: %q, want %s", strings.Join(q.args, " "), sa, out, q.want)
		}
	}
	t.Logf("%s: %d permissions beyond the %d every user has", sa, len(granted), len(baseline))
}

// canIRow is a row of kubectl auth can-i --list: resources, non-resource URLs, resource names,
// verbs, the last three in brackets.
var canIRow = regexp.MustCompile(`^(\S*)\s+\[([^\]]*)\]\s+\[([^\]]*)\]\s+\[([^\]]*)\]\s*$`)

// canIList runs kubectl auth can-i --list as user in a member, in the federation namespace, and
// returns its permissions one per line: "<resource>[/<names>] <verb>" or "<url> <verb>", sorted.
func canIList(t *testing.T, ctx context.Context, cluster, user string) []string {
	t.Helper()
	out, err := memberKubectl(ctx, cluster, "auth", "can-i", "--list", "--as", user, "-n", join.DefaultNamespace)
	if err != nil {
		t.Fatalf("kubectl auth can-i --list as %s: %v\n%s", user, err, out)
	}
	var perms []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		m := canIRow.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("kubectl auth can-i --list: unexpected line %q", line)
		}
		subjects := strings.Fields(m[2])
		if m[1] != "" {
			subjects = []string{m[1]}
			if m[3] != "" {
				subjects[0] += "/" + strings.ReplaceAll(m[3], " ", ",")
			}
		}
		for _, s := range subjects {
			for _, verb := range strings.Fields(m[4]) {
				perms = append(perms, permission(s, verb))
			}
		}
	}
	slices.Sort(perms)
	return slices.Compact(perms)
}

func memberKubectl(ctx context.Context, cluster string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, testEnv.Binaries.Kubectl,
		append([]string{"--kubeconfig", testEnv.KubeconfigPath, "--context", cluster}, args...)...).CombinedOutput()
	return string(out), err
}

// expand lists the permissions of rules in canIList's form.
func expand(rules []rbacv1.PolicyRule) []string {
	var perms []string
	for _, r := range rules {
		for _, verb := range r.Verbs {
			for _, url := range r.NonResourceURLs {
				perms = append(perms, permission(url, verb))
			}
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					perms = append(perms, permission(resourceName(g, res), verb))
				}
			}
		}
	}
	return perms
}

func permission(subject, verb string) string { return fmt.Sprintf("%s %s", subject, verb) }

// resourceName is how kubectl names a resource: plural, then ".group" unless core.
func resourceName(group, plural string) string {
	if group == "" {
		return plural
	}
	return plural + "." + group
}

// minus returns the elements of a not in b.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}
