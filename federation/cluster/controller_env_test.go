package cluster_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/cluster"
	"github.com/meridian-dns/meridian/test/env"
)

const namespace = "kube-federation-system"

var (
	testEnv  *env.Environment
	host     client.Client
	registry *cluster.Registry
)

// TestMain runs the cluster controller in-process against a real host and one member, probing
// every 500 ms so state changes show quickly.
func TestMain(m *testing.M) {
	os.Exit(env.RunTests(m, env.DefaultMembers(1), func(ctx context.Context, e *env.Environment) error {
		testEnv = e
		return startController(ctx)
	}))
}

// needEnv skips a test under -short, when no clusters were started.
func needEnv(t *testing.T) {
	t.Helper()
	if testEnv == nil {
		t.Skip("needs the test environment (not started with -short)")
	}
}

func startController(ctx context.Context) error {
	h := testEnv.Host
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1beta1.AddToScheme(scheme)
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.UseDevMode(true)))
	mgr, err := ctrl.NewManager(h.RESTConfig(), ctrl.Options{Scheme: scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		return err
	}
	host = mgr.GetClient()
	direct, err := client.New(h.RESTConfig(), client.Options{Scheme: scheme})
	if err != nil {
		return err
	}
	if err := direct.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		return err
	}
	period, one := metav1.Duration{Duration: 500 * time.Millisecond}, int64(1)
	three := int64(3)
	if err := direct.Create(ctx, &v1beta1.KubeFedConfig{
		ObjectMeta: metav1.ObjectMeta{Name: v1beta1.KubeFedConfigName, Namespace: namespace},
		Spec: v1beta1.KubeFedConfigSpec{ClusterHealthCheck: &v1beta1.ClusterHealthCheckConfig{
			Period: &period, FailureThreshold: &three, SuccessThreshold: &one}},
	}); err != nil {
		return err
	}
	registry = cluster.NewRegistry(scheme, ctrl.Log.WithName("members"))
	c := &cluster.Controller{Client: mgr.GetClient(), Namespace: namespace, Registry: registry, Recorder: mgr.GetEventRecorder("meridian-cluster-health")}
	if err := c.SetupWithManager(mgr); err != nil {
		return err
	}
	go func() {
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager:", err)
		}
	}()
	return nil
}

// register creates a token for an admin ServiceAccount of c (join's least-privilege RBAC is
// tested with meridianctl) and a KubeFedCluster named name that points at c.
func register(t *testing.T, c *env.Cluster, name string) {
	t.Helper()
	ctx := context.Background()
	cs := c.Client()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "probe-" + name, Namespace: "default"}}
	if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "probe-" + name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: "default"}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tok, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, sa.Name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name + "-token", Namespace: namespace},
		Data: map[string][]byte{cluster.TokenKey: []byte(tok.Status.Token)}})
	create(t, &v1beta1.KubeFedCluster{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: v1beta1.KubeFedClusterSpec{APIEndpoint: c.URL, CABundle: c.CACert, SecretRef: v1beta1.LocalSecretReference{Name: name + "-token"}}})
}

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := host.Create(context.Background(), obj); err != nil {
		t.Fatalf("creating %T %s: %v", obj, obj.GetName(), err)
	}
	t.Cleanup(func() { _ = host.Delete(context.Background(), obj) })
}

// waitForCondition waits until the KubeFedCluster's condition t has status s and returns it.
func waitForCondition(t *testing.T, name string, typ v1beta1.ClusterConditionType, s corev1.ConditionStatus, timeout time.Duration) *v1beta1.KubeFedCluster {
	t.Helper()
	kfc := &v1beta1.KubeFedCluster{}
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := host.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, kfc); err != nil {
			return false, nil
		}
		c := condition(kfc, typ)
		return c != nil && c.Status == s, nil
	})
	if err != nil {
		t.Fatalf("KubeFedCluster %s: %s never became %s within %v; status: %+v", name, typ, s, timeout, describe(kfc))
	}
	return kfc
}

func condition(kfc *v1beta1.KubeFedCluster, typ v1beta1.ClusterConditionType) *v1beta1.ClusterCondition {
	for i := range kfc.Status.Conditions {
		if kfc.Status.Conditions[i].Type == typ {
			return &kfc.Status.Conditions[i]
		}
	}
	return nil
}

func describe(kfc *v1beta1.KubeFedCluster) string {
	var b strings.Builder
	for _, c := range kfc.Status.Conditions {
		fmt.Fprintf(&b, "%s=%s (%s: %s); ", c.Type, c.Status, deref(c.Reason), deref(c.Message))
	}
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// events lists the Events recorded for a KubeFedCluster.
func events(t *testing.T, name string) []eventsv1.Event {
	t.Helper()
	var list eventsv1.EventList
	if err := host.List(context.Background(), &list, client.InNamespace(namespace)); err != nil {
		t.Fatal(err)
	}
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.Kind == "KubeFedCluster" && e.Regarding.Name == name {
			out = append(out, e)
		}
	}
	return out
}

type eventsv1Event = eventsv1.Event

func objectMeta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace}
}
