package scheduling_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
	"github.com/meridian-dns/meridian/federation/scheduling"
)

const settle = 30 * time.Second

func TestStackWeightsAndTotal(t *testing.T) {
	needEnv(t)
	namespace(t, "rsp-weights")
	federatedDeployment(t, "rsp-weights", "web", everywhere)
	rsp := preference("rsp-weights", "web", 9, map[string]v1alpha1.ClusterPreferences{"member1": weight(1), "member2": weight(2)})
	create(t, rsp)
	key := client.ObjectKeyFromObject(rsp)

	waitForReplicas(t, key, map[string]int64{"member1": 3, "member2": 6}, settle)
	c := waitForReason(t, key, scheduling.ReasonScheduled, settle)
	if c.Status != metav1.ConditionTrue || c.Message != "Scheduled 9 replicas: member1=3, member2=6" {
		t.Errorf("Ready condition: %+v", c)
	}

	update(t, key, func(r *v1alpha1.ReplicaSchedulingPreference) { r.Spec.TotalReplicas = 12 })
	waitForReplicas(t, key, map[string]int64{"member1": 4, "member2": 8}, settle)
	update(t, key, func(r *v1alpha1.ReplicaSchedulingPreference) { r.Spec.TotalReplicas = 3 })
	waitForReplicas(t, key, map[string]int64{"member1": 1, "member2": 2}, settle)

	// A cap the others cannot make up for: the shortfall is reported, the layout still published.
	update(t, key, func(r *v1alpha1.ReplicaSchedulingPreference) {
		max := int64(1)
		r.Spec.Clusters = map[string]v1alpha1.ClusterPreferences{"member1": {Weight: 1, MaxReplicas: &max}}
	})
	waitForReplicas(t, key, map[string]int64{"member1": 1, "member2": 0}, settle)
	c = waitForReason(t, key, scheduling.ReasonPartiallyScheduled, settle)
	if !strings.Contains(c.Message, "Scheduled 1 of 3 replicas") || !strings.Contains(c.Message, "member2 has no entry in spec.clusters") {
		t.Errorf("shortfall message: %s", c.Message)
	}
	waitForEvents(t, key, scheduling.ReasonScheduled, scheduling.ReasonPartiallyScheduled)
}

func TestStackTargetNotFound(t *testing.T) {
	needEnv(t)
	namespace(t, "rsp-target")
	rsp := preference("rsp-target", "api", 4, map[string]v1alpha1.ClusterPreferences{"*": weight(1)})
	create(t, rsp)
	key := client.ObjectKeyFromObject(rsp)

	c := waitForReason(t, key, scheduling.ReasonTargetNotFound, settle)
	if c.Message != "FederatedDeployment rsp-target/api not found; replicas are scheduled once it exists" {
		t.Errorf("message: %s", c.Message)
	}
	got := &v1alpha1.ReplicaSchedulingPreference{}
	if err := host.Get(context.Background(), key, got); err != nil || got.Status.Replicas != nil {
		t.Fatalf("replicas written without a target: %v (%v)", got.Status.Replicas, err)
	}
	// Creating the target is enough: its kind is watched from the first RSP that names it.
	federatedDeployment(t, "rsp-target", "api", everywhere)
	waitForReplicas(t, key, map[string]int64{"member1": 2, "member2": 2}, settle)
}

// A target kind whose CRD the host lacks (FederatedReplicaSet is not a default) is reported, and
// does not stop the controller from serving the others.
func TestStackTargetKindNotServed(t *testing.T) {
	needEnv(t)
	namespace(t, "rsp-kind")
	rsp := preference("rsp-kind", "rs", 4, map[string]v1alpha1.ClusterPreferences{"*": weight(1)})
	rsp.Spec.TargetKind = "FederatedReplicaSet"
	create(t, rsp)
	c := waitForReason(t, client.ObjectKeyFromObject(rsp), scheduling.ReasonTargetNotFound, settle)
	if !strings.Contains(c.Message, "FederatedReplicaSet") {
		t.Errorf("message: %s", c.Message)
	}
	other := preference("rsp-kind", "web", 2, map[string]v1alpha1.ClusterPreferences{"*": weight(1)})
	create(t, other)
	federatedDeployment(t, "rsp-kind", "web", everywhere)
	waitForReplicas(t, client.ObjectKeyFromObject(other), map[string]int64{"member1": 1, "member2": 1}, settle)
}

func TestStackIntersectWithClusterSelector(t *testing.T) {
	needEnv(t)
	namespace(t, "rsp-intersect")
	fed := federatedDeployment(t, "rsp-intersect", "web", map[string]any{
		"clusterSelector": map[string]any{"matchLabels": map[string]any{regionLabel: "eu"}},
	})
	rsp := preference("rsp-intersect", "web", 4, map[string]v1alpha1.ClusterPreferences{"*": weight(1)})
	rsp.Spec.IntersectWithClusterSelector, rsp.Spec.Rebalance = true, true
	create(t, rsp)
	key := client.ObjectKeyFromObject(rsp)
	waitForReplicas(t, key, map[string]int64{"member2": 4}, settle)

	// The placement changes: the federated object's watch brings the RSP back.
	setPlacement(t, fed, map[string]any{"clusters": []any{map[string]any{"name": "member1"}}})
	waitForReplicas(t, key, map[string]int64{"member1": 4}, settle)

	// A cluster relabelled into the selector becomes eligible.
	setPlacement(t, fed, map[string]any{"clusterSelector": map[string]any{"matchLabels": map[string]any{regionLabel: "eu"}}})
	waitForReplicas(t, key, map[string]int64{"member2": 4}, settle)
	relabel(t, "member1", "eu")
	t.Cleanup(func() { relabel(t, "member1", "us") })
	waitForReplicas(t, key, map[string]int64{"member1": 2, "member2": 2}, settle)

	// Without intersection the placement does not matter.
	relabel(t, "member1", "us")
	update(t, key, func(r *v1alpha1.ReplicaSchedulingPreference) { r.Spec.IntersectWithClusterSelector = false })
	waitForReplicas(t, key, map[string]int64{"member1": 2, "member2": 2}, settle)
}

func TestStackClusterNotReady(t *testing.T) {
	needEnv(t)
	namespace(t, "rsp-failover")
	federatedDeployment(t, "rsp-failover", "web", everywhere)
	rsp := preference("rsp-failover", "web", 9, map[string]v1alpha1.ClusterPreferences{"member1": weight(1), "member2": weight(2)})
	rsp.Spec.Rebalance = true
	create(t, rsp)
	key := client.ObjectKeyFromObject(rsp)
	waitForReplicas(t, key, map[string]int64{"member1": 3, "member2": 6}, settle)

	member2 := testEnv.Cluster("member2")
	if err := member2.APIServer.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !member2.APIServer.Running() {
			_ = member2.APIServer.Start(context.Background())
		}
		waitForCluster(t, "member2", corev1.ConditionTrue, settle)
	})
	waitForCluster(t, "member2", corev1.ConditionFalse, settle)
	waitForReplicas(t, key, map[string]int64{"member1": 9}, settle)

	if err := member2.APIServer.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitForCluster(t, "member2", corev1.ConditionTrue, settle)
	// With rebalance the layout goes back to the preferences; without, member1 would keep all 9.
	waitForReplicas(t, key, map[string]int64{"member1": 3, "member2": 6}, settle)
}

func TestStackUnschedulablePods(t *testing.T) {
	needEnv(t)
	namespace(t, "rsp-stuck")
	federatedDeployment(t, "rsp-stuck", "web", everywhere)
	rsp := preference("rsp-stuck", "web", 10, map[string]v1alpha1.ClusterPreferences{"*": weight(1)})
	create(t, rsp)
	key := client.ObjectKeyFromObject(rsp)
	waitForReplicas(t, key, map[string]int64{"member1": 5, "member2": 5}, settle)

	// What the sync controller would have created in member1, but with pods no node accepts.
	// A Deployment of the same name that Meridian does not manage is not counted.
	stuckDeployment(t, "member2", "rsp-stuck", "web", 5, false)
	stuckDeployment(t, "member1", "rsp-stuck", "web", 5, true)

	// Without rebalance the replicas stay, and the condition says why they are not running.
	reported := func(r *v1alpha1.ReplicaSchedulingPreference) bool {
		return strings.HasSuffix(r.Status.Conditions[0].Message, "; pods unschedulable for over 2s: member1=5 (set spec.rebalance to move running replicas away from them)")
	}
	got := waitFor(t, key, settle, "reporting member1's unschedulable pods", reported)
	if !maps.Equal(got.Status.Replicas, map[string]int64{"member1": 5, "member2": 5}) || got.Status.Conditions[0].Reason != scheduling.ReasonScheduled {
		t.Errorf("without rebalance: %s", describe(got))
	}

	update(t, key, func(r *v1alpha1.ReplicaSchedulingPreference) { r.Spec.Rebalance = true })
	got = waitForReplicas(t, key, map[string]int64{"member1": 0, "member2": 10}, settle)
	// Long past member2's grace period too: the pods of its unmanaged Deployment never counted.
	if msg := got.Status.Conditions[0].Message; !strings.HasSuffix(msg, "; pods unschedulable for over 2s: member1=5") {
		t.Errorf("with rebalance: %s", msg)
	}
}

// stuckDeployment creates in a member a Deployment whose pods no node accepts, so they stay
// Pending with PodScheduled=False/Unschedulable.
func stuckDeployment(t *testing.T, member, ns, name string, replicas int32, managed bool) {
	t.Helper()
	ctx := context.Background()
	cs := testEnv.Cluster(member).Client()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		if !strings.Contains(err.Error(), "already exists") {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}) })
	labels := map[string]string{"app": name}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					NodeSelector: map[string]string{"meridian.test/no-such-node": "true"},
					Containers:   []corev1.Container{{Name: "app", Image: "example.com/app:1"}},
				},
			},
		},
	}
	if managed {
		d.Labels = map[string]string{"kubefed.io/managed": "true"}
	}
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// setPlacement replaces the federated object's spec.placement.
func setPlacement(t *testing.T, fed *unstructured.Unstructured, placement map[string]any) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		live := fed.DeepCopy()
		if err := host.Get(ctx, client.ObjectKeyFromObject(fed), live); err != nil {
			return false, nil
		}
		if err := unstructured.SetNestedField(live.Object, placement, "spec", "placement"); err != nil {
			return false, err
		}
		return host.Update(ctx, live) == nil, nil
	})
	if err != nil {
		t.Fatalf("updating the placement of %s: %v", fed.GetName(), err)
	}
}

// relabel sets the region label of a KubeFedCluster.
func relabel(t *testing.T, name, region string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		kfc := &v1beta1.KubeFedCluster{}
		if err := host.Get(ctx, client.ObjectKey{Namespace: fedNamespace, Name: name}, kfc); err != nil {
			return false, nil
		}
		kfc.Labels[regionLabel] = region
		return host.Update(ctx, kfc) == nil, nil
	})
	if err != nil {
		t.Fatalf("relabelling %s: %v", name, err)
	}
}

// waitForEvents waits until the RSP has Events with each of reasons.
func waitForEvents(t *testing.T, key client.ObjectKey, reasons ...string) {
	t.Helper()
	var got []string
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, settle, true, func(context.Context) (bool, error) {
		got = events(t, key)
		for _, r := range reasons {
			if !slices.Contains(got, r) {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("RSP %s: Events %v, want %v among them", key, got, reasons)
	}
}
