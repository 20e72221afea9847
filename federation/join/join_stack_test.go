package join_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/join"
)

func getKubeFedCluster(t *testing.T, ns, name string) *v1beta1.KubeFedCluster {
	t.Helper()
	u, err := kubeFedClusters(t, ns).Get(context.Background(), name, metav1.GetOptions{})
	must(t, err)
	kfc := &v1beta1.KubeFedCluster{}
	must(t, runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, kfc))
	return kfc
}

func checkLabels(t *testing.T, what string, labels map[string]string, cluster, host string) {
	t.Helper()
	want := map[string]string{join.LabelCluster: cluster, join.LabelHostCluster: host, join.LabelManagedBy: join.ManagedBy}
	for k, v := range want {
		if labels[k] != v {
			t.Errorf("%s: label %s=%q, want %q", what, k, labels[k], v)
		}
	}
}

func TestJoinCreatesAWorkingMember(t *testing.T) {
	e := requireStack(t)
	ctx, ns := context.Background(), "fed-join"
	var out bytes.Buffer
	opts := joinOptions(ns, &out)
	unjoinAtEnd(t, opts.Clusters)
	if err := join.Join(ctx, opts); err != nil {
		t.Fatalf("join: %v\n%s", err, out.String())
	}
	for _, line := range []string{
		`✓ member "member1": Namespace fed-join created`,
		`✓ member "member1": ServiceAccount fed-join/member1-host created`,
		`✓ member "member1": ClusterRole meridian-member:member1-host created`,
		`✓ host "host": KubeFedCluster fed-join/member1 created`,
		`member "member1" joined host "host"`,
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("progress lacks %q:\n%s", line, out.String())
		}
	}
	m, h := member(t), host(t)
	token := checkMemberSide(t, m, ns)

	secret, err := h.CoreV1().Secrets(ns).Get(ctx, "member1-token", metav1.GetOptions{})
	must(t, err)
	checkLabels(t, "host Secret", secret.Labels, "member1", "host")
	if !bytes.Equal(secret.Data["token"], token) {
		t.Errorf("host Secret token differs from the member's ServiceAccount token")
	}
	hostNS, err := h.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	must(t, err)
	checkLabels(t, "host Namespace", hostNS.Labels, "member1", "host")

	kfc := getKubeFedCluster(t, ns, "member1")
	checkLabels(t, "KubeFedCluster", kfc.Labels, "member1", "host")
	want := v1beta1.KubeFedClusterSpec{
		APIEndpoint: e.Cluster("member1").URL,
		CABundle:    e.Cluster("member1").CACert,
		SecretRef:   v1beta1.LocalSecretReference{Name: "member1-token"},
	}
	if !equality.Semantic.DeepEqual(kfc.Spec, want) {
		t.Errorf("KubeFedCluster spec %+v, want %+v", kfc.Spec, want)
	}
	checkTokenWorksWithLeastPrivilege(t, kfc.Spec, secret.Data["token"])
}

// checkMemberSide checks the member's objects and returns the ServiceAccount's token.
func checkMemberSide(t *testing.T, m kubernetes.Interface, ns string) []byte {
	t.Helper()
	ctx := context.Background()
	namespace, err := m.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	must(t, err)
	checkLabels(t, "member Namespace", namespace.Labels, "member1", "host")
	sa, err := m.CoreV1().ServiceAccounts(ns).Get(ctx, "member1-host", metav1.GetOptions{})
	must(t, err)
	checkLabels(t, "ServiceAccount", sa.Labels, "member1", "host")

	role, err := m.RbacV1().ClusterRoles().Get(ctx, "meridian-member:member1-host", metav1.GetOptions{})
	must(t, err)
	checkLabels(t, "ClusterRole", role.Labels, "member1", "host")
	if !equality.Semantic.DeepEqual(role.Rules, join.MemberRules()) {
		t.Errorf("ClusterRole rules %v, want %v", role.Rules, join.MemberRules())
	}
	binding, err := m.RbacV1().ClusterRoleBindings().Get(ctx, "meridian-member:member1-host", metav1.GetOptions{})
	must(t, err)
	checkLabels(t, "ClusterRoleBinding", binding.Labels, "member1", "host")
	wantSubjects := []rbacv1.Subject{{Kind: "ServiceAccount", Name: "member1-host", Namespace: ns}}
	if binding.RoleRef.Name != role.Name || binding.RoleRef.Kind != "ClusterRole" || !equality.Semantic.DeepEqual(binding.Subjects, wantSubjects) {
		t.Errorf("ClusterRoleBinding roleRef %+v subjects %+v", binding.RoleRef, binding.Subjects)
	}

	secret, err := m.CoreV1().Secrets(ns).Get(ctx, "member1-host-token", metav1.GetOptions{})
	must(t, err)
	checkLabels(t, "member Secret", secret.Labels, "member1", "host")
	if secret.Type != corev1.SecretTypeServiceAccountToken || secret.Annotations[corev1.ServiceAccountNameKey] != "member1-host" {
		t.Errorf("member Secret type %s, annotations %v", secret.Type, secret.Annotations)
	}
	if len(secret.Data["token"]) == 0 {
		t.Fatal("member Secret has no token")
	}
	return secret.Data["token"]
}

// checkTokenWorksWithLeastPrivilege connects as the host will: with nothing but the
// KubeFedCluster and its Secret.
func checkTokenWorksWithLeastPrivilege(t *testing.T, spec v1beta1.KubeFedClusterSpec, token []byte) {
	t.Helper()
	ctx := context.Background()
	cfg := &rest.Config{Host: spec.APIEndpoint, BearerToken: string(token), TLSClientConfig: rest.TLSClientConfig{CAData: spec.CABundle}}
	c, err := kubernetes.NewForConfig(cfg)
	must(t, err)
	nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil || len(nodes.Items) == 0 {
		t.Errorf("listing nodes with the member token: %v (%d nodes)", err, len(nodes.Items))
	}
	if body, err := c.Discovery().RESTClient().Get().AbsPath("/healthz").DoRaw(ctx); err != nil || string(body) != "ok" {
		t.Errorf("GET /healthz with the member token: %q, %v", body, err)
	}
	if _, err := c.AppsV1().Deployments("default").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("listing Deployments with the member token: %v", err)
	}
	if _, err := c.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("listing ClusterRoles with the member token: %v, want forbidden", err)
	}
	if _, err := c.CoreV1().Pods("").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("listing Pods with the member token (replica scheduling reads them): %v", err)
	}
	if err := c.CoreV1().Pods("default").Delete(ctx, "any", metav1.DeleteOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("deleting a Pod with the member token: %v, want forbidden", err)
	}
	if _, err := c.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("listing PersistentVolumes with the member token: %v, want forbidden", err)
	}
	_, err = c.CoreV1().Nodes().Patch(ctx, "member1-us-east-1a", "application/merge-patch+json", []byte(`{"metadata":{"labels":{"x":"y"}}}`), metav1.PatchOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("patching a node with the member token: %v, want forbidden", err)
	}
}

func TestJoinAgainUpdatesOrFailsWithErrorOnExisting(t *testing.T) {
	requireStack(t)
	ctx, ns := context.Background(), "fed-rejoin"
	var out bytes.Buffer
	opts := joinOptions(ns, &out)
	unjoinAtEnd(t, opts.Clusters)
	must(t, join.Join(ctx, opts))

	// The endpoint changed (or someone edited it): joining again puts the kubeconfig's back.
	kfc := getKubeFedCluster(t, ns, "member1")
	kfc.Spec.APIEndpoint = "https://192.0.2.1:6443"
	updateKubeFedCluster(t, kfc)
	out.Reset()
	if err := join.Join(ctx, opts); err != nil {
		t.Fatalf("joining again: %v\n%s", err, out.String())
	}
	if got := getKubeFedCluster(t, ns, "member1").Spec.APIEndpoint; got != requireStack(t).Cluster("member1").URL {
		t.Errorf("apiEndpoint after joining again: %s", got)
	}
	for _, line := range []string{`✓ member "member1": Namespace fed-rejoin exists, using it`, `✓ host "host": KubeFedCluster fed-rejoin/member1 updated`} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("progress lacks %q:\n%s", line, out.String())
		}
	}
	checkMemberSide(t, member(t), ns)

	before := labelled(t, member(t), "member1")
	opts.ErrorOnExisting = true
	err := join.Join(ctx, opts)
	want := "join member1: creating the ServiceAccount in the member: ServiceAccount fed-rejoin/member1-host already exists in the member (--error-on-existing) (nothing was created)"
	if err == nil || err.Error() != want {
		t.Errorf("join with --error-on-existing: error\n %v\nwant\n %s", err, want)
	}
	if after := labelled(t, member(t), "member1"); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("member objects changed from %v to %v", before, after)
	}
	getKubeFedCluster(t, ns, "member1")
}

func updateKubeFedCluster(t *testing.T, kfc *v1beta1.KubeFedCluster) {
	t.Helper()
	kfc.APIVersion, kfc.Kind = v1beta1.SchemeGroupVersion.String(), "KubeFedCluster"
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(kfc)
	must(t, err)
	_, err = kubeFedClusters(t, kfc.Namespace).Update(context.Background(), &unstructured.Unstructured{Object: u}, metav1.UpdateOptions{})
	must(t, err)
}
