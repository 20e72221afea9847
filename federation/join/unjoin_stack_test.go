package join_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/join"
)

var federated = map[string]string{join.LabelFederated: "true"}

// federate creates what KubeFed would have propagated into the member: a labelled ConfigMap in
// default and a labelled Namespace with a ConfigMap in it, plus an unlabelled ConfigMap that is
// the member's own. It returns their names.
func federate(t *testing.T, m kubernetes.Interface, prefix string) (cm, ns, own string) {
	t.Helper()
	ctx := context.Background()
	cm, ns, own = prefix+"-federated", prefix+"-app", prefix+"-own"
	_, err := m.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: cm, Labels: federated}}, metav1.CreateOptions{})
	must(t, err)
	_, err = m.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: own}}, metav1.CreateOptions{})
	must(t, err)
	_, err = m.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: federated}}, metav1.CreateOptions{})
	must(t, err)
	_, err = m.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings", Labels: federated}}, metav1.CreateOptions{})
	must(t, err)
	t.Cleanup(func() {
		ctx := context.Background()
		_ = m.CoreV1().ConfigMaps("default").Delete(ctx, cm, metav1.DeleteOptions{})
		_ = m.CoreV1().ConfigMaps("default").Delete(ctx, own, metav1.DeleteOptions{})
		_ = m.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
	})
	return cm, ns, own
}

func TestUnjoinRemovesEverything(t *testing.T) {
	requireStack(t)
	ctx, ns := context.Background(), "fed-unjoin"
	m := member(t)
	var out bytes.Buffer
	opts := joinOptions(ns, &out)
	must(t, join.Join(ctx, opts))
	cm, appNS, own := federate(t, m, "unjoin")

	out.Reset()
	if err := join.Unjoin(ctx, unjoinOptions(opts.Clusters, &out)); err != nil {
		t.Fatalf("unjoin: %v\n%s", err, out.String())
	}
	for _, line := range []string{
		`✓ host "host": KubeFedCluster fed-unjoin/member1 deleted`,
		`✓ host "host": Secret fed-unjoin/member1-token deleted`,
		`✓ host "host": Namespace fed-unjoin deleted`,
		`✓ member "member1": 2 ConfigMap labelled kubefed.io/managed=true deleted`,
		`✓ member "member1": 1 Namespace labelled kubefed.io/managed=true deleted`,
		`✓ member "member1": Secret fed-unjoin/member1-host-token deleted`,
		`✓ member "member1": ClusterRoleBinding meridian-member:member1-host deleted`,
		`✓ member "member1": ServiceAccount fed-unjoin/member1-host deleted`,
		`✓ member "member1": Namespace fed-unjoin deleted`,
		`member "member1" unjoined from host "host"`,
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("progress lacks %q:\n%s", line, out.String())
		}
	}
	checkNothingLeft(t, ns)
	if !namespaceGone(t, host(t), ns) {
		t.Error("host namespace created by join is still there")
	}
	if _, err := m.CoreV1().ConfigMaps("default").Get(ctx, cm, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("federated ConfigMap: %v, want not found", err)
	}
	if !namespaceGone(t, m, appNS) {
		t.Error("federated Namespace is still there")
	}
	if _, err := m.CoreV1().ConfigMaps("default").Get(ctx, own, metav1.GetOptions{}); err != nil {
		t.Errorf("the member's own ConfigMap: %v", err)
	}

	out.Reset()
	if err := join.Unjoin(ctx, unjoinOptions(opts.Clusters, &out)); err != nil {
		t.Fatalf("unjoin twice: %v\n%s", err, out.String())
	}
	for _, line := range []string{`✓ host "host": nothing of member "member1" was left`, `✓ member "member1": nothing of the join to host "host" was left`} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("second unjoin: progress lacks %q:\n%s", line, out.String())
		}
	}
}

func TestUnjoinKeepResources(t *testing.T) {
	requireStack(t)
	ctx, ns := context.Background(), "fed-keep"
	m := member(t)
	opts := joinOptions(ns, nil)
	must(t, join.Join(ctx, opts))
	cm, appNS, _ := federate(t, m, "keep")

	var out bytes.Buffer
	uo := unjoinOptions(opts.Clusters, &out)
	uo.KeepResources = true
	if err := join.Unjoin(ctx, uo); err != nil {
		t.Fatalf("unjoin --keep-resources: %v\n%s", err, out.String())
	}
	checkNothingLeft(t, ns)
	if _, err := m.CoreV1().ConfigMaps("default").Get(ctx, cm, metav1.GetOptions{}); err != nil {
		t.Errorf("federated ConfigMap: %v", err)
	}
	if _, err := m.CoreV1().ConfigMaps(appNS).Get(ctx, "settings", metav1.GetOptions{}); err != nil || namespaceGone(t, m, appNS) {
		t.Errorf("federated Namespace and its ConfigMap: %v", err)
	}
	if strings.Contains(out.String(), "kubefed.io/managed=true") {
		t.Errorf("progress mentions federated objects:\n%s", out.String())
	}
}

func TestUnjoinUnreachableMemberCleansTheHost(t *testing.T) {
	requireStack(t)
	ctx, ns := context.Background(), "fed-offline"
	opts := joinOptions(ns, nil)
	must(t, join.Join(ctx, opts))
	unjoinAtEnd(t, opts.Clusters)

	offline := opts.Clusters
	path, server := unreachableKubeconfig(t)
	offline.Kubeconfig = path
	err := join.Unjoin(ctx, join.UnjoinOptions{Clusters: offline})
	for _, part := range []string{
		fmt.Sprintf(`unjoin member1: the host no longer knows the member, but cluster context "member1" (%s): not reachable: `, server),
		"; left in the member: ServiceAccount fed-offline/member1-host, Secret fed-offline/member1-host-token, " +
			"ClusterRole and ClusterRoleBinding meridian-member:member1-host, objects labelled kubefed.io/managed=true; run unjoin again once it is reachable",
	} {
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("error\n %v\nwant one containing\n %s", err, part)
		}
	}
	if _, err := kubeFedClusters(t, ns).Get(ctx, "member1", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("KubeFedCluster: %v, want not found", err)
	}
	if _, err := host(t).CoreV1().Secrets(ns).Get(ctx, "member1-token", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("host Secret: %v, want not found", err)
	}
	if left := labelled(t, member(t), "member1"); len(left) != 5 {
		t.Errorf("member objects after the host was cleaned: %v", left)
	}

	// Once the member is back, unjoin finds its side by labels alone.
	if err := join.Unjoin(ctx, join.UnjoinOptions{Clusters: opts.Clusters}); err != nil {
		t.Fatalf("unjoin again: %v", err)
	}
	checkNothingLeft(t, ns)
}

// Two members share the namespace (here: the same cluster joined under two names). Unjoining
// one leaves the namespace to the other, on both sides.
func TestUnjoinLeavesSharedNamespaces(t *testing.T) {
	requireStack(t)
	ctx, ns := context.Background(), "fed-shared"
	first := joinOptions(ns, nil)
	second := first
	second.ClusterName, second.ClusterContext = "alias", "member1"
	must(t, join.Join(ctx, first))
	must(t, join.Join(ctx, second))
	unjoinAtEnd(t, first.Clusters)

	must(t, join.Unjoin(ctx, join.UnjoinOptions{Clusters: second.Clusters, KeepResources: true}))
	if namespaceGone(t, member(t), ns) || namespaceGone(t, host(t), ns) {
		t.Fatal("a namespace still used by member1 was deleted")
	}
	if left := labelled(t, member(t), "alias"); len(left) > 0 {
		t.Errorf("left of alias in the member: %v", left)
	}
	checkMemberSide(t, member(t), ns)
	getKubeFedCluster(t, ns, "member1")

	must(t, join.Unjoin(ctx, join.UnjoinOptions{Clusters: first.Clusters}))
	checkNothingLeft(t, ns)
	if !namespaceGone(t, host(t), ns) {
		t.Error("host namespace is still there after the last member left")
	}
}

// A cluster joined by kubefedctl has no Meridian labels in the host: the KubeFedCluster and the
// Secret it references go all the same, and a namespace join did not create stays.
func TestUnjoinOfAKubefedctlJoin(t *testing.T) {
	e := requireStack(t)
	ctx, ns := context.Background(), "fed-legacy"
	h := host(t)
	_, err := h.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	must(t, err)
	t.Cleanup(func() { _ = h.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	_, err = h.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "legacy-x7k2p", Namespace: ns},
		StringData: map[string]string{"token": "t"}}, metav1.CreateOptions{})
	must(t, err)
	kfc := &v1beta1.KubeFedCluster{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1beta1.SchemeGroupVersion.String(), Kind: "KubeFedCluster"},
		ObjectMeta: metav1.ObjectMeta{Name: "legacy", Namespace: ns},
		Spec:       v1beta1.KubeFedClusterSpec{APIEndpoint: e.Cluster("member1").URL, SecretRef: v1beta1.LocalSecretReference{Name: "legacy-x7k2p"}},
	}
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(kfc)
	must(t, err)
	_, err = kubeFedClusters(t, ns).Create(ctx, &unstructured.Unstructured{Object: u}, metav1.CreateOptions{})
	must(t, err)

	c := join.Clusters{Kubeconfig: e.KubeconfigPath, ClusterName: "legacy", ClusterContext: "member1", HostContext: "host", Namespace: ns}
	var out bytes.Buffer
	if err := join.Unjoin(ctx, join.UnjoinOptions{Clusters: c, KeepResources: true, Progress: &out}); err != nil {
		t.Fatalf("unjoin: %v\n%s", err, out.String())
	}
	if _, err := kubeFedClusters(t, ns).Get(ctx, "legacy", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("KubeFedCluster: %v, want not found", err)
	}
	if _, err := h.CoreV1().Secrets(ns).Get(ctx, "legacy-x7k2p", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("referenced Secret: %v, want not found", err)
	}
	if namespaceGone(t, h, ns) {
		t.Error("a namespace join did not create was deleted")
	}
}
