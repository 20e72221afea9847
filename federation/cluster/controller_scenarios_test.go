package cluster_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

func TestMemberBecomesReadyWithTopologyAndCache(t *testing.T) {
	needEnv(t)
	member := testEnv.Cluster("member1")
	register(t, member, "member1")
	kfc := waitForCondition(t, "member1", v1beta1.ClusterReady, corev1.ConditionTrue, 30*time.Second)
	if kfc.Status.Region == nil || *kfc.Status.Region != member.Region || !slices.Equal(kfc.Status.Zones, member.Zones) {
		t.Errorf("region %v zones %v; want %s %v", kfc.Status.Region, kfc.Status.Zones, member.Region, member.Zones)
	}
	if !strings.HasPrefix(kfc.Status.KubernetesVersion, "v1.") {
		t.Errorf("kubernetesVersion %q, want the member's v1.x version", kfc.Status.KubernetesVersion)
	}
	if c := condition(kfc, v1beta1.ClusterOffline); c == nil || c.Status != corev1.ConditionFalse || deref(c.Reason) != v1beta1.ReasonClusterReachable {
		t.Errorf("Offline condition %+v, want False/ClusterReachable", c)
	}
	if !cluster.IsReady(kfc) {
		t.Error("IsReady = false for a Ready cluster")
	}

	// The registry hands other controllers a working client and cache for the member.
	m, ok := registry.Get("member1")
	if !ok {
		t.Fatalf("registry has %v, not member1", registry.Names())
	}
	var nodes corev1.NodeList
	if err := m.GetCache().List(context.Background(), &nodes); err != nil || len(nodes.Items) != len(member.Zones) {
		t.Errorf("listing nodes from the member cache: %d nodes, %v; want %d", len(nodes.Items), err, len(member.Zones))
	}
	if gauge(t, "meridian_cluster_ready", "member1") != 1 {
		t.Error("meridian_cluster_ready{cluster=member1} is not 1")
	}
	// Events are sent asynchronously, so the Ready status can be read before its Event exists.
	waitFor(t, "a ClusterReady Event for member1", func() bool {
		return slices.ContainsFunc(events(t, "member1"), func(e eventsv1Event) bool { return e.Reason == v1beta1.ReasonClusterReady })
	})
}

// TestClusterWithoutTopologyLabelsIsReady joins the host to itself: it has no nodes, so no
// region or zone, and must be Ready all the same, with a Topology condition and Event that name
// the missing label.
func TestClusterWithoutTopologyLabelsIsReady(t *testing.T) {
	needEnv(t)
	register(t, testEnv.Host, "hub")
	kfc := waitForCondition(t, "hub", v1beta1.ClusterReady, corev1.ConditionTrue, 30*time.Second)
	kfc = waitForCondition(t, "hub", v1beta1.ClusterTopology, corev1.ConditionFalse, 10*time.Second)
	if kfc.Status.Region != nil || len(kfc.Status.Zones) != 0 {
		t.Errorf("region %v zones %v for a cluster without labels", kfc.Status.Region, kfc.Status.Zones)
	}
	msg := deref(condition(kfc, v1beta1.ClusterTopology).Message)
	if !strings.Contains(msg, "topology.kubernetes.io/region") || !strings.Contains(msg, "topology.kubernetes.io/zone") {
		t.Errorf("Topology message %q does not name the missing labels", msg)
	}
	waitFor(t, "a TopologyLabelMissing Event", func() bool {
		return slices.ContainsFunc(events(t, "hub"), func(e eventsv1Event) bool {
			return e.Reason == v1beta1.ReasonTopologyLabelMissing && e.Type == corev1.EventTypeWarning
		})
	})
}

// TestSecretWithoutTokenIsConfigMalformed: the KubeFedCluster says why, and fixing the Secret
// brings the cluster up without restarting anything.
func TestSecretWithoutTokenIsConfigMalformed(t *testing.T) {
	needEnv(t)
	member := testEnv.Cluster("member1")
	create(t, &corev1.Secret{ObjectMeta: objectMeta("broken-token"), Data: map[string][]byte{"tok": []byte("x")}})
	create(t, &v1beta1.KubeFedCluster{ObjectMeta: objectMeta("broken"),
		Spec: v1beta1.KubeFedClusterSpec{APIEndpoint: member.URL, CABundle: member.CACert, SecretRef: v1beta1.LocalSecretReference{Name: "broken-token"}}})
	kfc := waitForCondition(t, "broken", v1beta1.ClusterConfigMalformed, corev1.ConditionTrue, 30*time.Second)
	if msg := deref(condition(kfc, v1beta1.ClusterConfigMalformed).Message); !strings.Contains(msg, `no "token" key`) || !strings.Contains(msg, "broken-token") {
		t.Errorf("ConfigMalformed message %q should name the Secret and the missing key", msg)
	}
	if c := condition(kfc, v1beta1.ClusterReady); c == nil || c.Status != corev1.ConditionFalse {
		t.Errorf("Ready %+v, want False while malformed", c)
	}
	if _, ok := registry.Get("broken"); ok {
		t.Error("a malformed cluster should have no member in the registry")
	}

	// Point it at the member's working Secret: Ready, and ConfigMalformed disappears.
	register(t, member, "fixer")
	var good corev1.Secret
	if err := host.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: "fixer-token"}, &good); err != nil {
		t.Fatal(err)
	}
	var broken corev1.Secret
	if err := host.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: "broken-token"}, &broken); err != nil {
		t.Fatal(err)
	}
	broken.Data = good.Data
	if err := host.Update(context.Background(), &broken); err != nil {
		t.Fatal(err)
	}
	kfc = waitForCondition(t, "broken", v1beta1.ClusterReady, corev1.ConditionTrue, 30*time.Second)
	if c := condition(kfc, v1beta1.ClusterConfigMalformed); c != nil {
		t.Errorf("ConfigMalformed still present after the fix: %+v", c)
	}
}

// TestOfflineAfterThresholdAndBack stops the member's API server: with period 500 ms and
// failure threshold 3 it must go Offline in well under 10 s, and come back after a restart.
func TestOfflineAfterThresholdAndBack(t *testing.T) {
	needEnv(t)
	member := testEnv.Cluster("member1")
	register(t, member, "flaky")
	waitForCondition(t, "flaky", v1beta1.ClusterReady, corev1.ConditionTrue, 30*time.Second)
	stopped := time.Now()
	if err := member.APIServer.Stop(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = member.APIServer.Start(context.Background())
		}
	}()
	kfc := waitForCondition(t, "flaky", v1beta1.ClusterOffline, corev1.ConditionTrue, 10*time.Second)
	t.Logf("Offline %v after the API server was told to stop", time.Since(stopped).Round(time.Millisecond))
	if c := condition(kfc, v1beta1.ClusterReady); c.Status != corev1.ConditionFalse || deref(c.Reason) != v1beta1.ReasonClusterNotReachable {
		t.Errorf("Ready %+v, want False/ClusterNotReachable", c)
	}
	if kfc.Status.Region == nil || *kfc.Status.Region != member.Region {
		t.Errorf("an offline cluster should keep its last known region, got %v", kfc.Status.Region)
	}
	if err := member.APIServer.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	restarted = true
	waitForCondition(t, "flaky", v1beta1.ClusterReady, corev1.ConditionTrue, 30*time.Second)
}

func TestDeletedClusterLeavesTheRegistry(t *testing.T) {
	needEnv(t)
	register(t, testEnv.Cluster("member1"), "leaver")
	waitForCondition(t, "leaver", v1beta1.ClusterReady, corev1.ConditionTrue, 30*time.Second)
	if err := host.Delete(context.Background(), &v1beta1.KubeFedCluster{ObjectMeta: objectMeta("leaver")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "leaver to leave the registry", func() bool { _, ok := registry.Get("leaver"); return !ok })
}

func waitFor(t *testing.T, what string, done func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 20*time.Second, true,
		func(context.Context) (bool, error) { return done(), nil })
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// gauge reads one labelled value of a metric from controller-runtime's registry.
func gauge(t *testing.T, name, clusterName string) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "cluster" && l.GetValue() == clusterName {
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	t.Fatalf("metric %s{cluster=%q} not found", name, clusterName)
	return 0
}
