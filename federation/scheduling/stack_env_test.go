package scheduling_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
	"github.com/meridian-dns/meridian/federation/cluster"
	"github.com/meridian-dns/meridian/federation/scheduling"
	"github.com/meridian-dns/meridian/test/env"
)

const (
	fedNamespace = "kube-federation-system"
	// grace is the unschedulable grace period of the controller under test: short, so a test
	// sees replicas move within seconds, long enough that a pod is seen pending before it counts.
	grace = 2 * time.Second
	// regionLabel is set on the KubeFedClusters (not the nodes) for placement selectors.
	regionLabel = "meridian.test/region"
)

var (
	testEnv *env.Environment
	host    client.Client
)

// TestMain runs the cluster health controller and the RSP controller in-process against a real
// host and two members: member1 labelled us, member2 labelled eu.
func TestMain(m *testing.M) {
	os.Exit(env.RunTests(m, env.DefaultMembers(2), func(ctx context.Context, e *env.Environment) error {
		testEnv = e
		return setup(ctx)
	}))
}

func needEnv(t *testing.T) {
	t.Helper()
	if testEnv == nil {
		t.Skip("needs the test environment (not started with -short)")
	}
}

func setup(ctx context.Context) error {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1beta1.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(scheme); err != nil {
			return err
		}
	}
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.UseDevMode(true)))
	mgr, err := ctrl.NewManager(testEnv.Host.RESTConfig(), ctrl.Options{Scheme: scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		return err
	}
	host = mgr.GetClient()
	direct, err := client.New(testEnv.Host.RESTConfig(), client.Options{Scheme: scheme})
	if err != nil {
		return err
	}
	if err := createFederation(ctx, direct); err != nil {
		return err
	}
	for i, member := range testEnv.Members {
		if err := register(ctx, direct, member, []string{"us", "eu"}[i]); err != nil {
			return fmt.Errorf("registering %s: %w", member.Name, err)
		}
	}
	registry := cluster.NewRegistry(scheme, ctrl.Log.WithName("members"))
	health := &cluster.Controller{Client: mgr.GetClient(), Namespace: fedNamespace, Registry: registry, Recorder: mgr.GetEventRecorder("meridian-cluster-health")}
	if err := health.SetupWithManager(mgr); err != nil {
		return err
	}
	rsp := &scheduling.Controller{Host: mgr.GetClient(), Namespace: fedNamespace, Registry: registry,
		Recorder: mgr.GetEventRecorder("meridian-scheduling"), UnschedulableGrace: grace}
	if err := rsp.SetupWithManager(mgr); err != nil {
		return err
	}
	go func() {
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager:", err)
		}
	}()
	// Every test starts from a fleet of Ready clusters: an RSP scheduled while one is still
	// joining keeps, without rebalance, the layout it got without it.
	return wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		var list v1beta1.KubeFedClusterList
		if err := direct.List(ctx, &list, client.InNamespace(fedNamespace)); err != nil {
			return false, nil
		}
		ready := 0
		for i := range list.Items {
			if cluster.IsReady(&list.Items[i]) {
				ready++
			}
		}
		return ready == len(testEnv.Members), nil
	})
}

// createFederation creates the federation namespace and a KubeFedConfig that probes every 500 ms,
// so a stopped member turns not Ready within about two seconds.
func createFederation(ctx context.Context, c client.Client) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fedNamespace}}); err != nil {
		return err
	}
	period, timeout := metav1.Duration{Duration: 500 * time.Millisecond}, metav1.Duration{Duration: time.Second}
	failures, successes := int64(2), int64(1)
	return c.Create(ctx, &v1beta1.KubeFedConfig{
		ObjectMeta: metav1.ObjectMeta{Name: v1beta1.KubeFedConfigName, Namespace: fedNamespace},
		Spec: v1beta1.KubeFedConfigSpec{ClusterHealthCheck: &v1beta1.ClusterHealthCheckConfig{
			Period: &period, Timeout: &timeout, FailureThreshold: &failures, SuccessThreshold: &successes}},
	})
}

// register gives the host an admin token for member (join's least-privilege RBAC is tested with
// meridianctl) and a KubeFedCluster of the member's name with the region label.
func register(ctx context.Context, c client.Client, member *env.Cluster, region string) error {
	cs := member.Client()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "rsp-test", Namespace: "default"}}
	if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		return err
	}
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "rsp-test"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: "default"}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil {
		return err
	}
	tok, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, sa.Name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: member.Name + "-token", Namespace: fedNamespace},
		Data: map[string][]byte{cluster.TokenKey: []byte(tok.Status.Token)}}
	if err := c.Create(ctx, secret); err != nil {
		return err
	}
	return c.Create(ctx, &v1beta1.KubeFedCluster{
		ObjectMeta: metav1.ObjectMeta{Name: member.Name, Namespace: fedNamespace, Labels: map[string]string{regionLabel: region}},
		Spec:       v1beta1.KubeFedClusterSpec{APIEndpoint: member.URL, CABundle: member.CACert, SecretRef: v1beta1.LocalSecretReference{Name: secret.Name}},
	})
}

// namespace creates a host namespace for one test, deleted at its end.
func namespace(t *testing.T, name string) {
	t.Helper()
	create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
}

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := host.Create(context.Background(), obj); err != nil {
		t.Fatalf("creating %T %s: %v", obj, obj.GetName(), err)
	}
	t.Cleanup(func() { _ = host.Delete(context.Background(), obj) })
}

// federatedDeployment creates a FederatedDeployment whose spec.placement is placement.
func federatedDeployment(t *testing.T, ns, name string, placement map[string]any) *unstructured.Unstructured {
	t.Helper()
	fed := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "types.kubefed.io/v1beta1",
		"kind":       "FederatedDeployment",
		"metadata":   map[string]any{"name": name, "namespace": ns},
		"spec": map[string]any{
			"template": map[string]any{"spec": map[string]any{
				"selector": map[string]any{"matchLabels": map[string]any{"app": name}},
				"template": map[string]any{
					"metadata": map[string]any{"labels": map[string]any{"app": name}},
					"spec":     map[string]any{"containers": []any{map[string]any{"name": "app", "image": "example.com/app:1"}}},
				},
			}},
			"placement": placement,
		},
	}}
	create(t, fed)
	return fed
}

// everywhere is a placement that selects every cluster.
var everywhere = map[string]any{"clusterSelector": map[string]any{}}

func preference(ns, name string, total int32, clusters map[string]v1alpha1.ClusterPreferences) *v1alpha1.ReplicaSchedulingPreference {
	return &v1alpha1.ReplicaSchedulingPreference{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       v1alpha1.ReplicaSchedulingPreferenceSpec{TargetKind: "FederatedDeployment", TotalReplicas: total, Clusters: clusters},
	}
}

func weight(w int64) v1alpha1.ClusterPreferences { return v1alpha1.ClusterPreferences{Weight: w} }

// update reads the RSP, changes it with fn and writes it back, retrying on conflicts.
func update(t *testing.T, key client.ObjectKey, fn func(*v1alpha1.ReplicaSchedulingPreference)) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		rsp := &v1alpha1.ReplicaSchedulingPreference{}
		if err := host.Get(ctx, key, rsp); err != nil {
			return false, nil
		}
		fn(rsp)
		return host.Update(ctx, rsp) == nil, nil
	})
	if err != nil {
		t.Fatalf("updating %s: %v", key, err)
	}
}

// waitFor polls the RSP until done accepts it, and fails with its status otherwise.
func waitFor(t *testing.T, key client.ObjectKey, timeout time.Duration, what string, done func(*v1alpha1.ReplicaSchedulingPreference) bool) *v1alpha1.ReplicaSchedulingPreference {
	t.Helper()
	rsp := &v1alpha1.ReplicaSchedulingPreference{}
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := host.Get(ctx, key, rsp); err != nil {
			return false, nil
		}
		return rsp.Status.ObservedGeneration == rsp.Generation && done(rsp), nil
	})
	if err != nil {
		t.Fatalf("RSP %s: never %s within %v; status: %s", key, what, timeout, describe(rsp))
	}
	return rsp
}

// waitForReplicas waits until status.replicas is want.
func waitForReplicas(t *testing.T, key client.ObjectKey, want map[string]int64, timeout time.Duration) *v1alpha1.ReplicaSchedulingPreference {
	t.Helper()
	return waitFor(t, key, timeout, fmt.Sprintf("scheduled %v", want), func(rsp *v1alpha1.ReplicaSchedulingPreference) bool {
		return rsp.Status.Replicas != nil && maps.Equal(rsp.Status.Replicas, want)
	})
}

// waitForReason waits until the Ready condition has reason.
func waitForReason(t *testing.T, key client.ObjectKey, reason string, timeout time.Duration) *metav1.Condition {
	t.Helper()
	rsp := waitFor(t, key, timeout, "Ready with reason "+reason, func(rsp *v1alpha1.ReplicaSchedulingPreference) bool {
		c := meta.FindStatusCondition(rsp.Status.Conditions, scheduling.ConditionReady)
		return c != nil && c.Reason == reason
	})
	return meta.FindStatusCondition(rsp.Status.Conditions, scheduling.ConditionReady)
}

func describe(rsp *v1alpha1.ReplicaSchedulingPreference) string {
	var b strings.Builder
	fmt.Fprintf(&b, "generation %d, observed %d, replicas %v", rsp.Generation, rsp.Status.ObservedGeneration, rsp.Status.Replicas)
	for _, c := range rsp.Status.Conditions {
		fmt.Fprintf(&b, "; %s=%s (%s: %s)", c.Type, c.Status, c.Reason, c.Message)
	}
	return b.String()
}

// waitForCluster waits until the KubeFedCluster's Ready condition is status.
func waitForCluster(t *testing.T, name string, status corev1.ConditionStatus, timeout time.Duration) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		kfc := &v1beta1.KubeFedCluster{}
		if err := host.Get(ctx, client.ObjectKey{Namespace: fedNamespace, Name: name}, kfc); err != nil {
			return false, nil
		}
		return cluster.IsReady(kfc) == (status == corev1.ConditionTrue), nil
	})
	if err != nil {
		t.Fatalf("KubeFedCluster %s never became Ready=%s within %v", name, status, timeout)
	}
}

// events returns the reasons of the Events recorded for an RSP, oldest first.
func events(t *testing.T, key client.ObjectKey) []string {
	t.Helper()
	var list eventsv1.EventList
	if err := host.List(context.Background(), &list, client.InNamespace(key.Namespace)); err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, e := range list.Items {
		if e.Regarding.Kind == "ReplicaSchedulingPreference" && e.Regarding.Name == key.Name {
			reasons = append(reasons, e.Reason)
		}
	}
	return reasons
}
