package join_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/join"
	"github.com/meridian-dns/meridian/test/env"
)

// stack is a host and one member, member1, with Meridian's CRDs in the host; nil with -short.
var stack *env.Environment

func TestMain(m *testing.M) {
	os.Exit(env.RunTests(m, env.DefaultMembers(1), func(_ context.Context, e *env.Environment) error {
		stack = e
		return nil
	}))
}

// requireStack skips tests that need real clusters in -short mode.
func requireStack(t *testing.T) *env.Environment {
	t.Helper()
	if stack == nil {
		t.Skip("needs the test environment (not started with -short)")
	}
	return stack
}

func member(t *testing.T) kubernetes.Interface { return requireStack(t).Cluster("member1").Client() }
func host(t *testing.T) kubernetes.Interface   { return requireStack(t).Host.Client() }

func kubeFedClusters(t *testing.T, namespace string) dynamic.ResourceInterface {
	t.Helper()
	dyn, err := dynamic.NewForConfig(requireStack(t).Host.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return dyn.Resource(v1beta1.SchemeGroupVersion.WithResource("kubefedclusters")).Namespace(namespace)
}

// joinOptions joins member1 to the host in namespace ns, reporting progress to out.
func joinOptions(ns string, out io.Writer) join.JoinOptions {
	return join.JoinOptions{
		Clusters: join.Clusters{Kubeconfig: stack.KubeconfigPath, ClusterName: "member1", HostContext: env.HostContext, Namespace: ns},
		Progress: out,
	}
}

func unjoinOptions(c join.Clusters, out io.Writer) join.UnjoinOptions {
	return join.UnjoinOptions{Clusters: c, Progress: out}
}

// unjoinAtEnd unjoins when the test ends, so a failed test leaves nothing for the next one.
func unjoinAtEnd(t *testing.T, c join.Clusters) {
	t.Cleanup(func() {
		if err := join.Unjoin(context.Background(), join.UnjoinOptions{Clusters: c}); err != nil {
			t.Errorf("unjoin at the end of the test: %v", err)
		}
	})
}

// kubeconfigCopy writes the environment's kubeconfig, changed by edit, to a new file.
func kubeconfigCopy(t *testing.T, edit func(*clientcmdapi.Config)) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(requireStack(t).KubeconfigPath)
	if err != nil {
		t.Fatal(err)
	}
	edit(cfg)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// unreachableKubeconfig points the member1 cluster of a kubeconfig copy at a port nobody
// listens on.
func unreachableKubeconfig(t *testing.T) (path, server string) {
	t.Helper()
	ports, err := env.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	server = fmt.Sprintf("https://127.0.0.1:%d", ports[0])
	path = kubeconfigCopy(t, func(cfg *clientcmdapi.Config) { cfg.Clusters["member1"].Server = server })
	return path, server
}

// labelled lists what carries meridian.io/cluster=cluster in the member: credentials, RBAC and
// namespaces, as "Kind namespace/name".
func labelled(t *testing.T, c kubernetes.Interface, cluster string) []string {
	t.Helper()
	ctx := context.Background()
	opts := metav1.ListOptions{LabelSelector: join.LabelCluster + "=" + cluster}
	var out []string
	sas, err := c.CoreV1().ServiceAccounts("").List(ctx, opts)
	must(t, err)
	for _, o := range sas.Items {
		out = append(out, "ServiceAccount "+o.Namespace+"/"+o.Name)
	}
	secrets, err := c.CoreV1().Secrets("").List(ctx, opts)
	must(t, err)
	for _, o := range secrets.Items {
		out = append(out, "Secret "+o.Namespace+"/"+o.Name)
	}
	roles, err := c.RbacV1().ClusterRoles().List(ctx, opts)
	must(t, err)
	for _, o := range roles.Items {
		out = append(out, "ClusterRole "+o.Name)
	}
	bindings, err := c.RbacV1().ClusterRoleBindings().List(ctx, opts)
	must(t, err)
	for _, o := range bindings.Items {
		out = append(out, "ClusterRoleBinding "+o.Name)
	}
	namespaces, err := c.CoreV1().Namespaces().List(ctx, opts)
	must(t, err)
	for _, o := range namespaces.Items {
		if o.DeletionTimestamp == nil {
			out = append(out, "Namespace "+o.Name)
		}
	}
	return out
}

// namespaceGone reports whether a namespace is deleted or being deleted.
func namespaceGone(t *testing.T, c kubernetes.Interface, name string) bool {
	t.Helper()
	ns, err := c.CoreV1().Namespaces().Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return true
	}
	must(t, err)
	return ns.DeletionTimestamp != nil || ns.Status.Phase == corev1.NamespaceTerminating
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
