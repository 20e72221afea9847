package typeconfig_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/join"
	"github.com/meridian-dns/meridian/test/env"
)

// canPropagate asks the member's API server whether join's ServiceAccount may create objects
// of a resource.
func canPropagate(t *testing.T, group, resource string) bool {
	t.Helper()
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User:               "system:serviceaccount:" + join.DefaultNamespace + ":member1-host",
		Groups:             []string{"system:serviceaccounts", "system:serviceaccounts:" + join.DefaultNamespace, "system:authenticated"},
		ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: "default", Verb: "create", Group: group, Resource: resource},
	}}
	got, err := requireStack(t).Cluster("member1").Client().AuthorizationV1().SubjectAccessReviews().Create(context.Background(), review, metav1.CreateOptions{})
	must(t, err)
	return got.Status.Allowed
}

func TestJoinAgainGrantsEnabledTypes(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	opts := join.JoinOptions{
		Clusters: join.Clusters{Kubeconfig: requireStack(t).KubeconfigPath, ClusterName: "member1", HostContext: env.HostContext},
		Progress: &out,
	}
	t.Cleanup(func() {
		if err := join.Unjoin(context.Background(), join.UnjoinOptions{Clusters: opts.Clusters}); err != nil {
			t.Errorf("unjoin: %v", err)
		}
	})
	must(t, join.Join(ctx, opts))
	if canPropagate(t, "example.com", "gizmos") {
		t.Fatal("the member may create gizmos before the type is enabled")
	}

	// Enabling a type beyond KubeFed's defaults says which members must join again.
	enabled := enable(t, "gizmos")
	for _, line := range []string{
		"! the members' ClusterRoles do not grant gizmos.example.com yet: join each member again (add --cluster-context as in its first join):",
		"!   meridianctl join member1 --host-cluster-context host\n",
	} {
		if !strings.Contains(enabled, line) {
			t.Errorf("enable output lacks %q:\n%s", line, enabled)
		}
	}
	if canPropagate(t, "example.com", "gizmos") {
		t.Fatal("the member may create gizmos before joining again")
	}

	out.Reset()
	if err := join.Join(ctx, opts); err != nil {
		t.Fatalf("joining again: %v\n%s", err, out.String())
	}
	// Other tests may have enabled more types; gizmos must be among them.
	prefix := `✓ member "member1": ClusterRole meridian-member:member1-host grants the types enabled in the host: `
	_, granted, found := strings.Cut(out.String(), prefix)
	if granted, _, _ = strings.Cut(granted, "\n"); !found || !slices.Contains(strings.Split(granted, ", "), "gizmos.example.com") {
		t.Errorf("join output lacks %q with gizmos.example.com:\n%s", prefix, out.String())
	}
	if !canPropagate(t, "example.com", "gizmos") {
		t.Errorf("after joining again, the member may not create gizmos")
	}
	if !canPropagate(t, "apps", "deployments") || canPropagate(t, "", "pods") {
		t.Errorf("the default rules changed")
	}
}
