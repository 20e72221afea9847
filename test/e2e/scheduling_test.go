package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// schedulingLab is KubeFed's ReplicaSchedulingPreference example: nine replicas shared 1:2
// between earth and vulcan, for a FederatedDeployment whose template asks for one.
const schedulingLab = `apiVersion: v1
kind: Namespace
metadata: {name: rsp-lab}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: rsp-lab, namespace: rsp-lab}
spec: {placement: {clusterSelector: {}}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: web, namespace: rsp-lab}
spec:
  template:
    spec:
      replicas: 1
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
  placement: {clusterSelector: {}}
---
apiVersion: scheduling.kubefed.io/v1alpha1
kind: ReplicaSchedulingPreference
metadata: {name: web, namespace: rsp-lab}
spec:
  targetKind: FederatedDeployment
  totalReplicas: 9
  clusters:
    earth: {weight: 1}
    vulcan: {weight: 2}
`

// TestReplicaSchedulingPreferenceSpreadsReplicas follows an RSP's layout into the members'
// Deployments: 9 replicas at weights 1:2 are 3 and 6 (mars, with no preference, runs none),
// and a new total moves them.
func TestReplicaSchedulingPreferenceSpreadsReplicas(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	setUpFederation(t, ctx)
	joinMembers(t, ctx)
	applyYAML(t, ctx, "ftc", syncTypeConfigs)
	applyYAML(t, ctx, "rsp-lab", schedulingLab)

	expectReplicas := func(want map[string]int32) {
		t.Helper()
		for _, m := range testEnv.Members {
			c, n := m.Client(), want[m.Name]
			eventually(t, ctx, time.Minute, fmt.Sprintf("%d ready replicas in %s", n, m.Name), func(ctx context.Context) (bool, error) {
				d, err := c.AppsV1().Deployments("rsp-lab").Get(ctx, "web", metav1.GetOptions{})
				if n == 0 { // a cluster with no replicas gets no Deployment
					return apierrors.IsNotFound(err), err
				}
				if err != nil {
					return false, err
				}
				return *d.Spec.Replicas == n && d.Status.ReadyReplicas == n,
					fmt.Errorf("%s: spec %d, ready %d", m.Name, *d.Spec.Replicas, d.Status.ReadyReplicas)
			})
		}
	}
	expectReplicas(map[string]int32{"earth": 3, "vulcan": 6})
	out := kubectl(t, ctx, "get", "rsp", "web", "-n", "rsp-lab", "-o", "jsonpath={.status.replicas.earth} {.status.replicas.vulcan}")
	if out != "3 6" {
		t.Fatalf("status.replicas: %q, want \"3 6\"", out)
	}

	kubectl(t, ctx, "patch", "rsp", "web", "-n", "rsp-lab", "--type=merge", "-p", `{"spec":{"totalReplicas":12}}`)
	expectReplicas(map[string]int32{"earth": 4, "vulcan": 8})
}
