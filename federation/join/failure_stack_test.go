package join_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meridian-dns/meridian/federation/join"
	"github.com/meridian-dns/meridian/test/env"
)

func TestJoinWithKubeadmStyleContexts(t *testing.T) {
	requireStack(t)
	ctx, ns := context.Background(), "fed-kubeadm"
	path := kubeconfigCopy(t, func(cfg *clientcmdapi.Config) {
		cfg.Contexts["kubernetes-admin@kubernetes"] = cfg.Contexts["host"]
		cfg.Contexts["kubeadm@member1"] = cfg.Contexts["member1"]
		delete(cfg.Contexts, "host")
		delete(cfg.Contexts, "member1")
		cfg.CurrentContext = "kubernetes-admin@kubernetes"
	})
	c := join.Clusters{Kubeconfig: path, ClusterName: "member1", ClusterContext: "kubeadm@member1",
		HostContext: "kubernetes-admin@kubernetes", Namespace: ns}
	unjoinAtEnd(t, c)
	var out bytes.Buffer
	if err := join.Join(ctx, join.JoinOptions{Clusters: c, Progress: &out}); err != nil {
		t.Fatalf("join: %v\n%s", err, out.String())
	}
	if _, err := member(t).CoreV1().ServiceAccounts(ns).Get(ctx, "member1-kubernetes-admin-kubernetes", metav1.GetOptions{}); err != nil {
		t.Errorf("ServiceAccount named after the sanitised host context: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `✓ host "kubernetes-admin-kubernetes": KubeFedCluster fed-kubeadm/member1 created`) {
		t.Errorf("progress:\n%s", out.String())
	}

	c.ClusterName = "Kubeadm@k8s"
	err := join.Join(ctx, join.JoinOptions{Clusters: c})
	want := `join Kubeadm@k8s: invalid cluster name "Kubeadm@k8s": must be at most 63 lower-case letters, digits or '-', ` +
		`starting and ending with a letter or digit (for example "us-east-1")`
	if err == nil || err.Error() != want {
		t.Errorf("join with a context as NAME: error\n %v\nwant\n %s", err, want)
	}
}

func TestJoinRollsBackWhenTheHostSecretIsNotOurs(t *testing.T) {
	requireStack(t)
	ctx, ns := context.Background(), "fed-rollback"
	h := host(t)
	// Someone else's Secret under the name join wants in the host: found only after the member side is done.
	_, err := h.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	must(t, err)
	t.Cleanup(func() { _ = h.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "member1-token", Namespace: ns}, StringData: map[string]string{"token": "theirs"}}
	_, err = h.CoreV1().Secrets(ns).Create(ctx, foreign, metav1.CreateOptions{})
	must(t, err)

	var out bytes.Buffer
	err = join.Join(ctx, joinOptions(ns, &out))
	for _, part := range []string{
		"join member1: creating the token Secret in the host: Secret fed-rollback/member1-token already exists in the host and was not created by meridianctl",
		"(rolled back in the member: Secret fed-rollback/member1-host-token, ClusterRoleBinding meridian-member:member1-host, " +
			"ClusterRole meridian-member:member1-host, ServiceAccount fed-rollback/member1-host, Namespace fed-rollback)",
	} {
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("error %v\nwant one containing %q", err, part)
		}
	}
	checkNothingLeft(t, ns)
	secret, err := h.CoreV1().Secrets(ns).Get(ctx, "member1-token", metav1.GetOptions{})
	if err != nil || string(secret.Data["token"]) != "theirs" || len(secret.Labels) != 0 {
		t.Errorf("the foreign Secret was changed: %v, %v", secret, err)
	}
	if namespaceGone(t, h, ns) {
		t.Error("the host namespace join did not create was deleted")
	}
}

// checkNothingLeft checks that no object of member1 exists in either cluster and that the
// member namespace ns, created by join, is gone.
func checkNothingLeft(t *testing.T, ns string) {
	t.Helper()
	if left := labelled(t, member(t), "member1"); len(left) > 0 {
		t.Errorf("left in the member: %v", left)
	}
	if !namespaceGone(t, member(t), ns) {
		t.Errorf("member namespace %s still exists", ns)
	}
	_, err := kubeFedClusters(t, ns).Get(context.Background(), "member1", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("KubeFedCluster %s/member1: %v, want not found", ns, err)
	}
	secrets, err := host(t).CoreV1().Secrets("").List(context.Background(), metav1.ListOptions{LabelSelector: join.LabelCluster + "=member1"})
	must(t, err)
	if len(secrets.Items) > 0 {
		t.Errorf("labelled Secrets left in the host: %d", len(secrets.Items))
	}
}

// cancelAfter is a progress writer that cancels a join once it printed a line containing after,
// as Ctrl-C would.
type cancelAfter struct {
	mu     sync.Mutex
	after  string
	cancel context.CancelFunc
	out    bytes.Buffer
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if strings.Contains(string(p), c.after) {
		c.cancel()
	}
	return c.out.Write(p)
}

func TestInterruptedJoinRollsBack(t *testing.T) {
	requireStack(t)
	ns := "fed-interrupted"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelAfter{after: "ClusterRole meridian-member:member1-host created", cancel: cancel}
	opts := joinOptions(ns, w)
	err := join.Join(ctx, opts)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "creating the ClusterRoleBinding in the member") ||
		!strings.Contains(err.Error(), "rolled back in the member: ClusterRole meridian-member:member1-host, ServiceAccount fed-interrupted/member1-host, Namespace fed-interrupted") {
		t.Errorf("interrupted join: error %v\n%s", err, w.out.String())
	}
	checkNothingLeft(t, ns)
}

func TestJoinChecksBeforeCreatingAnything(t *testing.T) {
	requireStack(t)
	ctx, ns := context.Background(), "fed-preflight"
	unreachable, server := unreachableKubeconfig(t)
	cases := []struct {
		desc string
		edit func(*join.JoinOptions)
		want string
	}{
		{"unreachable member", func(o *join.JoinOptions) { o.Kubeconfig = unreachable },
			fmt.Sprintf(`join member1: cluster context "member1" (%s): not reachable: `, server)},
		{"unknown member context", func(o *join.JoinOptions) { o.ClusterContext = "member9" },
			`join member1: cluster context "member9" is not in the kubeconfig (` + requireStack(t).KubeconfigPath + `); its contexts are: host, member1`},
		{"unknown host context", func(o *join.JoinOptions) { o.HostContext = "hub" },
			`join member1: cluster context "hub" is not in the kubeconfig`},
		{"host without Meridian's CRDs", func(o *join.JoinOptions) { o.HostContext = "member1"; o.ClusterContext = env.HostContext },
			"join member1: the host cluster has no KubeFedCluster CRD (core.kubefed.io/v1beta1): install Meridian's CRDs first"},
		{"invalid host cluster name", func(o *join.JoinOptions) { o.HostClusterName = "Hub" },
			`join member1: invalid host cluster name "Hub"`},
	}
	for _, tc := range cases {
		opts := joinOptions(ns, nil)
		tc.edit(&opts)
		err := join.Join(ctx, opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error\n %v\nwant one containing\n %s", tc.desc, err, tc.want)
		}
		checkNothingLeft(t, ns)
		if !namespaceGone(t, host(t), ns) {
			t.Errorf("%s: the host namespace was created", tc.desc)
		}
	}
}
