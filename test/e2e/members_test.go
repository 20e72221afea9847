package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	multiclusterdnsv1alpha1 "github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/test/env"
)

const fedNamespace = "kube-federation-system"

// hostClient is a controller-runtime client of the host that knows Meridian's kinds.
func hostClient(t testing.TB) client.WithWatch {
	t.Helper()
	scheme := runtime.NewScheme()
	_ = corev1.AddToScheme(scheme)
	_ = v1beta1.AddToScheme(scheme)
	_ = multiclusterdnsv1alpha1.AddToScheme(scheme)
	c, err := client.NewWithWatch(testEnv.Host.RESTConfig(), client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// meridianctl runs bin/meridianctl against the environment's kubeconfig.
func meridianctl(t testing.TB, ctx context.Context, args ...string) (string, error) {
	t.Helper()
	binary, err := env.BuildCommand(ctx, "meridianctl")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, binary, append(args, "--kubeconfig", testEnv.KubeconfigPath)...).CombinedOutput()
	return string(out), err
}

func kubectl(t testing.TB, ctx context.Context, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, testEnv.Binaries.Kubectl, append([]string{"--kubeconfig", testEnv.KubeconfigPath, "--context", env.HostContext}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// setUpFederation creates the federation namespace and a KubeFedConfig that probes every second
// (failure threshold 3), and starts the controller with extraFlags.
func setUpFederation(t testing.TB, ctx context.Context, extraFlags ...string) *controllerProcess {
	t.Helper()
	host := hostClient(t)
	if err := host.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fedNamespace}}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	period, three, one := metav1.Duration{Duration: time.Second}, int64(3), int64(1)
	cfg := &v1beta1.KubeFedConfig{
		ObjectMeta: metav1.ObjectMeta{Name: v1beta1.KubeFedConfigName, Namespace: fedNamespace},
		Spec: v1beta1.KubeFedConfigSpec{Scope: "Cluster", ClusterHealthCheck: &v1beta1.ClusterHealthCheckConfig{
			Period: &period, FailureThreshold: &three, SuccessThreshold: &one}},
	}
	if err := host.Create(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Delete(context.Background(), cfg) })
	binary, err := env.BuildCommand(ctx, "meridian-controller")
	if err != nil {
		t.Fatal(err)
	}
	return startController(t, binary, "members-meridian-controller", extraFlags...)
}

// waitKFC waits until the named KubeFedCluster's condition typ has status want.
func waitKFC(t testing.TB, ctx context.Context, name string, typ v1beta1.ClusterConditionType, want corev1.ConditionStatus, timeout time.Duration) *v1beta1.KubeFedCluster {
	t.Helper()
	host := hostClient(t)
	kfc := &v1beta1.KubeFedCluster{}
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := host.Get(ctx, client.ObjectKey{Namespace: fedNamespace, Name: name}, kfc); err != nil {
			return false, nil
		}
		for _, c := range kfc.Status.Conditions {
			if c.Type == typ {
				return c.Status == want, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("KubeFedCluster %s: %s did not become %s within %v; status %+v", name, typ, want, timeout, kfc.Status)
	}
	return kfc
}

// TestMemberClusters joins both members with meridianctl, watches the health controller follow
// a member's API server down and up, and unjoins, on the real host and members.
func TestMemberClusters(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	controller := setUpFederation(t, ctx)

	for _, m := range testEnv.Members {
		out, err := meridianctl(t, ctx, "join", m.Name, "--cluster-context", m.Name, "--host-cluster-context", env.HostContext)
		if err != nil {
			t.Fatalf("meridianctl join %s: %v\n%s", m.Name, err, out)
		}
	}
	for _, m := range testEnv.Members {
		kfc := waitKFC(t, ctx, m.Name, v1beta1.ClusterReady, corev1.ConditionTrue, 30*time.Second)
		if kfc.Status.Region == nil || *kfc.Status.Region != m.Region || strings.Join(kfc.Status.Zones, ",") != strings.Join(m.Zones, ",") {
			t.Errorf("%s: region %v zones %v; want %s %v", m.Name, kfc.Status.Region, kfc.Status.Zones, m.Region, m.Zones)
		}
	}

	t.Run("kubectl get kfc shows READY and REGION", func(t *testing.T) {
		out := kubectl(t, ctx, "get", "kfc", "-n", fedNamespace)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) < 1+len(testEnv.Members) || !strings.Contains(lines[0], "READY") || !strings.Contains(lines[0], "REGION") ||
			!strings.Contains(lines[0], "KUBERNETES-VERSION") {
			t.Fatalf("kubectl get kfc:\n%s", out)
		}
		for _, m := range testEnv.Members {
			if !containsRow(lines, m.Name, "True", m.Region, testEnv.Binaries.KubernetesVersion) {
				t.Errorf("no row with %s True %s %s in:\n%s", m.Name, m.Region, testEnv.Binaries.KubernetesVersion, out)
			}
		}
	})

	t.Run("metrics report each member ready", func(t *testing.T) {
		_, body, err := httpGet(ctx, "http://"+controller.metricsAddr+"/metrics")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range testEnv.Members {
			if want := fmt.Sprintf(`meridian_cluster_ready{cluster=%q} 1`, m.Name); !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
			if want := fmt.Sprintf(`meridian_cluster_probe_duration_seconds_count{cluster=%q}`, m.Name); !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})

	t.Run("a stopped member goes Offline and comes back", func(t *testing.T) {
		member := testEnv.Members[1]
		start := time.Now()
		if err := member.APIServer.Stop(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if !member.APIServer.Running() {
				_ = member.APIServer.Start(context.Background())
			}
		}()
		// period 1 s × threshold 3, plus the apiserver's shutdown grace and a few seconds.
		waitKFC(t, ctx, member.Name, v1beta1.ClusterOffline, corev1.ConditionTrue, 15*time.Second)
		t.Logf("%s Offline %v after its API server was told to stop", member.Name, time.Since(start).Round(100*time.Millisecond))
		if err := member.APIServer.Start(ctx); err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		waitKFC(t, ctx, member.Name, v1beta1.ClusterReady, corev1.ConditionTrue, 30*time.Second)
		t.Logf("%s Ready %v after its API server was ready again", member.Name, time.Since(start).Round(100*time.Millisecond))
	})

	t.Run("unjoin removes both sides and the managed objects", func(t *testing.T) {
		member := testEnv.Members[0]
		mc := member.Client()
		managed := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "propagated", Namespace: "default",
			Labels: map[string]string{"kubefed.io/managed": "true"}}}
		mine := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "users-own", Namespace: "default"}}
		for _, cm := range []*corev1.ConfigMap{managed, mine} {
			if _, err := mc.CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		out, err := meridianctl(t, ctx, "unjoin", member.Name, "--cluster-context", member.Name, "--host-cluster-context", env.HostContext)
		if err != nil {
			t.Fatalf("meridianctl unjoin: %v\n%s", err, out)
		}
		if _, err := mc.CoreV1().ConfigMaps("default").Get(ctx, managed.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("managed ConfigMap still there after unjoin (err %v)", err)
		}
		if _, err := mc.CoreV1().ConfigMaps("default").Get(ctx, mine.Name, metav1.GetOptions{}); err != nil {
			t.Errorf("unjoin touched a ConfigMap Meridian did not create: %v", err)
		}
		assertNothingLeft(t, ctx, member)
	})
}

// assertNothingLeft checks that no object join created for member remains on either side.
func assertNothingLeft(t *testing.T, ctx context.Context, member *env.Cluster) {
	t.Helper()
	err := hostClient(t).Get(ctx, client.ObjectKey{Namespace: fedNamespace, Name: member.Name}, &v1beta1.KubeFedCluster{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("KubeFedCluster %s still in the host (err %v)", member.Name, err)
	}
	selector := metav1.ListOptions{LabelSelector: "meridian.io/cluster=" + member.Name}
	if s, _ := testEnv.Host.Client().CoreV1().Secrets(fedNamespace).List(ctx, selector); len(s.Items) > 0 {
		t.Errorf("%d Secrets for %s still in the host", len(s.Items), member.Name)
	}
	mc := member.Client()
	if l, _ := mc.CoreV1().ServiceAccounts("").List(ctx, selector); len(l.Items) > 0 {
		t.Errorf("ServiceAccount %s still in the member", l.Items[0].Name)
	}
	if l, _ := mc.RbacV1().ClusterRoles().List(ctx, selector); len(l.Items) > 0 {
		t.Errorf("ClusterRole %s still in the member", l.Items[0].Name)
	}
	if l, _ := mc.RbacV1().ClusterRoleBindings().List(ctx, selector); len(l.Items) > 0 {
		t.Errorf("ClusterRoleBinding %s still in the member", l.Items[0].Name)
	}
	if l, _ := mc.CoreV1().Secrets("").List(ctx, selector); len(l.Items) > 0 {
		t.Errorf("Secret %s still in the member", l.Items[0].Name)
	}
}

func containsRow(lines []string, fields ...string) bool {
	for _, l := range lines {
		f := strings.Fields(l)
		ok := len(f) >= len(fields)
		for i := 0; ok && i < len(fields); i++ {
			ok = f[i] == fields[i]
		}
		if ok {
			return true
		}
	}
	return false
}

// TestKubeFedManifestsApplyUnchanged applies a KubeFedCluster as kubefedctl wrote it and a
// KubeFedConfig as KubeFed's chart wrote it, with kubectl, byte for byte.
func TestKubeFedManifestsApplyUnchanged(t *testing.T) {
	ctx := testContext(t, time.Minute)
	host := hostClient(t)
	if err := host.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fedNamespace}}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	ca := base64.StdEncoding.EncodeToString(testEnv.Host.CACert)
	manifest := fmt.Sprintf(`apiVersion: core.kubefed.io/v1beta1
kind: KubeFedCluster
metadata:
  name: cluster2
  namespace: kube-federation-system
spec:
  apiEndpoint: https://172.17.0.3:6443
  caBundle: %s
  secretRef:
    name: cluster2-shb2x
---
apiVersion: core.kubefed.io/v1beta1
kind: KubeFedConfig
metadata:
  name: kubefed-legacy
  namespace: kube-federation-system
spec:
  scope: Cluster
  controllerDuration:
    availableDelay: 20s
    unavailableDelay: 60s
    cacheSyncTimeout: 5m
  leaderElect:
    leaseDuration: 15s
    renewDeadline: 10s
    retryPeriod: 5s
    resourceLock: configmaps
  clusterHealthCheck:
    period: 10s
    failureThreshold: 3
    successThreshold: 1
    timeout: 3s
  syncController:
    maxConcurrentReconciles: 1
    adoptResources: Enabled
  statusController:
    maxConcurrentReconciles: 1
  featureGates:
  - name: PushReconciler
    configuration: Enabled
  - name: SchedulerPreferences
    configuration: Enabled
`, ca)
	path := filepath.Join(t.TempDir(), "kubefed.yaml")
	if err := os.WriteFile(path, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	out := kubectl(t, ctx, "apply", "-f", path)
	if !strings.Contains(out, "kubefedcluster.core.kubefed.io/cluster2 created") || !strings.Contains(out, "kubefedconfig.core.kubefed.io/kubefed-legacy created") {
		t.Fatalf("kubectl apply:\n%s", out)
	}
	t.Cleanup(func() { kubectl(t, context.Background(), "delete", "-f", path) })
	got := &v1beta1.KubeFedCluster{}
	if err := host.Get(ctx, client.ObjectKey{Namespace: fedNamespace, Name: "cluster2"}, got); err != nil {
		t.Fatal(err)
	}
	if got.Spec.APIEndpoint != "https://172.17.0.3:6443" || string(got.Spec.CABundle) != string(testEnv.Host.CACert) || got.Spec.SecretRef.Name != "cluster2-shb2x" {
		t.Errorf("KubeFedCluster read back as %+v", got.Spec)
	}
	// The Secret does not exist: the controller (when running) says so in ConfigMalformed; here
	// the point is that validation accepts KubeFed's shape and rejects a broken one by field.
	bad := strings.Replace(manifest, "https://172.17.0.3:6443", "not a url", 1)
	bad = strings.Replace(bad, "failureThreshold: 3", "failureThreshold: 0", 1)
	if err := os.WriteFile(path+".bad", []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, testEnv.Binaries.Kubectl, "--kubeconfig", testEnv.KubeconfigPath, "--context", env.HostContext,
		"apply", "--dry-run=server", "-f", path+".bad")
	outBad, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(outBad), "spec.apiEndpoint") || !strings.Contains(string(outBad), "spec.clusterHealthCheck.failureThreshold") {
		t.Errorf("a broken manifest should be rejected naming spec.apiEndpoint and spec.clusterHealthCheck.failureThreshold; got %v:\n%s", err, outBad)
	}
}
