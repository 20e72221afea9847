package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

const benchNamespace = "bench-propagation"

// benchFederation applies the namespace and type configs the propagation benchmark uses.
const benchFederation = `apiVersion: v1
kind: Namespace
metadata: {name: bench-propagation}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: bench-propagation, namespace: bench-propagation}
spec:
  placement: {clusterSelector: {}}
`

// BenchmarkPropagation measures how long one FederatedDeployment takes to reach every member:
// from the create call on the host until each member's API server has sent a watch event for
// the Deployment. It reports the median and the slowest run as metrics (make bench runs 10).
func BenchmarkPropagation(b *testing.B) {
	ctx := testContext(b, 10*time.Minute)
	setUpFederation(b, ctx)
	joinMembers(b, ctx)
	applyYAML(b, ctx, "ftc", syncTypeConfigs)
	applyYAML(b, ctx, "ns", benchFederation)
	host := hostClient(b)
	eventually(b, ctx, time.Minute, "the namespace in every member", func(ctx context.Context) (bool, error) {
		for _, m := range testEnv.Members {
			if _, err := m.Client().CoreV1().Namespaces().Get(ctx, benchNamespace, metav1.GetOptions{}); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	// The setup runs once: sub-benchmarks are what the testing package repeats.
	b.Run("FederatedDeployment", func(b *testing.B) {
		var took []time.Duration
		for i := range b.N {
			took = append(took, propagateOnce(b, ctx, host, fmt.Sprintf("web-%d-%d", time.Now().UnixNano(), i)))
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
		b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "ms-max")
	})
}

// propagateOnce creates a FederatedDeployment and waits until every member's API server has
// announced its Deployment.
func propagateOnce(b *testing.B, ctx context.Context, host client.Client, name string) time.Duration {
	watches := make([]watch.Interface, len(testEnv.Members))
	for j, m := range testEnv.Members {
		// Watch from a listed resourceVersion: a watch without one first waits for the API
		// server's cache to catch up with etcd, which would be counted against propagation.
		deployments := m.Client().AppsV1().Deployments(benchNamespace)
		list, err := deployments.List(ctx, metav1.ListOptions{Limit: 1})
		if err != nil {
			b.Fatal(err)
		}
		w, err := deployments.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name, ResourceVersion: list.ResourceVersion})
		if err != nil {
			b.Fatal(err)
		}
		defer w.Stop()
		watches[j] = w
	}
	start := time.Now()
	if err := host.Create(ctx, federatedDeployment(b, name)); err != nil {
		b.Fatal(err)
	}
	for j, w := range watches {
		waitAdded(b, ctx, w, testEnv.Members[j].Name)
	}
	return time.Since(start)
}

func federatedDeployment(b *testing.B, name string) *unstructured.Unstructured {
	obj := &unstructured.Unstructured{}
	err := yaml.Unmarshal([]byte(fmt.Sprintf(`apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: %s, namespace: %s}
spec:
  template:
    spec:
      replicas: 1
      selector: {matchLabels: {app: %[1]s}}
      template:
        metadata: {labels: {app: %[1]s}}
        spec: {containers: [{name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
  placement: {clusterSelector: {}}
`, name, benchNamespace)), &obj.Object)
	if err != nil {
		b.Fatal(err)
	}
	return obj
}

func waitAdded(b *testing.B, ctx context.Context, w watch.Interface, member string) {
	timeout := time.After(time.Minute)
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				b.Fatalf("the watch on %s closed before the Deployment arrived", member)
			}
			if ev.Type == watch.Added {
				return
			}
		case <-timeout:
			b.Fatalf("the Deployment did not reach %s within a minute", member)
		case <-ctx.Done():
			b.Fatal(ctx.Err())
		}
	}
}
