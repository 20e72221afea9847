package e2e

import (
	"context"
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
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/meridian-dns/meridian/test/env"
)

// syncTypeConfigs enables the three kinds the lab uses, as KubeFed's FederatedTypeConfigs.
const syncTypeConfigs = `apiVersion: core.kubefed.io/v1beta1
kind: FederatedTypeConfig
metadata: {name: namespaces, namespace: kube-federation-system}
spec:
  federatedType: {group: types.kubefed.io, kind: FederatedNamespace, pluralName: federatednamespaces, scope: Namespaced, version: v1beta1}
  propagation: Enabled
  targetType: {kind: Namespace, pluralName: namespaces, scope: Cluster, version: v1}
---
apiVersion: core.kubefed.io/v1beta1
kind: FederatedTypeConfig
metadata: {name: deployments.apps, namespace: kube-federation-system}
spec:
  federatedType: {group: types.kubefed.io, kind: FederatedDeployment, pluralName: federateddeployments, scope: Namespaced, version: v1beta1}
  propagation: Enabled
  targetType: {group: apps, kind: Deployment, pluralName: deployments, scope: Namespaced, version: v1}
---
apiVersion: core.kubefed.io/v1beta1
kind: FederatedTypeConfig
metadata: {name: services, namespace: kube-federation-system}
spec:
  federatedType: {group: types.kubefed.io, kind: FederatedService, pluralName: federatedservices, scope: Namespaced, version: v1beta1}
  propagation: Enabled
  targetType: {kind: Service, pluralName: services, scope: Namespaced, version: v1}
---
apiVersion: core.kubefed.io/v1beta1
kind: FederatedTypeConfig
metadata: {name: configmaps, namespace: kube-federation-system}
spec:
  federatedType: {group: types.kubefed.io, kind: FederatedConfigMap, pluralName: federatedconfigmaps, scope: Namespaced, version: v1beta1}
  propagation: Enabled
  targetType: {kind: ConfigMap, pluralName: configmaps, scope: Namespaced, version: v1}
`

// syncLab is the httpbin lab in KubeFed's YAML, placed on both members, with vulcan overridden
// to three replicas.
const syncLab = `apiVersion: v1
kind: Namespace
metadata: {name: sync-lab}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: sync-lab, namespace: sync-lab}
spec:
  placement:
    clusters: [{name: earth}, {name: vulcan}]
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: httpbin, namespace: sync-lab}
spec:
  template:
    metadata:
      labels: {app: httpbin}
    spec:
      replicas: 1
      selector:
        matchLabels: {app: httpbin}
      template:
        metadata:
          labels: {app: httpbin}
        spec:
          containers:
          - name: httpbin
            image: docker.io/kennethreitz/httpbin
            ports: [{containerPort: 80}]
  placement:
    clusters: [{name: earth}, {name: vulcan}]
  overrides:
  - clusterName: vulcan
    clusterOverrides:
    - path: /spec/replicas
      value: 3
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedService
metadata: {name: httpbin, namespace: sync-lab}
spec:
  template:
    spec:
      type: NodePort
      selector: {app: httpbin}
      ports: [{name: http, port: 80}]
  placement:
    clusters: [{name: earth}, {name: vulcan}]
`

func applyYAML(t testing.TB, ctx context.Context, name, manifest string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".yaml")
	if err := os.WriteFile(path, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl(t, ctx, "apply", "-f", path)
}

// joinMembers joins every member with meridianctl and waits until each is Ready.
func joinMembers(t testing.TB, ctx context.Context) {
	t.Helper()
	for _, m := range testEnv.Members {
		if out, err := meridianctl(t, ctx, "join", m.Name, "--host-cluster-context", env.HostContext); err != nil {
			t.Fatalf("join %s: %v\n%s", m.Name, err, out)
		}
		waitKFC(t, ctx, m.Name, "Ready", "True", 30*time.Second)
	}
}

// eventually polls cond every 200 ms until it holds or timeout passes.
func eventually(t testing.TB, ctx context.Context, timeout time.Duration, what string, cond func(context.Context) (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		ok, err := cond(ctx)
		last = err
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s: not true within %v (last error: %v)", what, timeout, last)
	}
}

func deploymentReplicas(ctx context.Context, c kubernetes.Interface) (spec, ready int32, err error) {
	d, err := c.AppsV1().Deployments("sync-lab").Get(ctx, "httpbin", metav1.GetOptions{})
	if err != nil {
		return 0, 0, err
	}
	return *d.Spec.Replicas, d.Status.ReadyReplicas, nil
}

// TestSyncPropagatesKubeFedLab applies KubeFed's YAML and follows the objects into the members:
// placement, overrides, placement changes, unknown clusters, deletion and orphaning.
func TestSyncPropagatesKubeFedLab(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	setUpFederation(t, ctx)
	joinMembers(t, ctx)
	applyYAML(t, ctx, "ftc", syncTypeConfigs)
	start := time.Now()
	applyYAML(t, ctx, "lab", syncLab)
	m1, m2 := testEnv.Members[0].Client(), testEnv.Members[1].Client()

	want := map[string]int32{"earth": 1, "vulcan": 3}
	for name, replicas := range want {
		c := testEnv.Cluster(name).Client()
		eventually(t, ctx, time.Minute, "httpbin Ready in "+name, func(ctx context.Context) (bool, error) {
			spec, ready, err := deploymentReplicas(ctx, c)
			return err == nil && spec == replicas && ready == replicas, err
		})
		svc, err := c.CoreV1().Services("sync-lab").Get(ctx, "httpbin", metav1.GetOptions{})
		if err != nil || svc.Spec.ClusterIP == "" || svc.Labels["kubefed.io/managed"] != "true" {
			t.Fatalf("%s: Service %+v, %v; want a managed Service with a clusterIP from the member", name, svc, err)
		}
	}
	if _, _, err := deploymentReplicas(ctx, testEnv.Cluster("mars").Client()); !apierrors.IsNotFound(err) {
		t.Fatalf("mars is not in the placement, yet: %v", err)
	}
	t.Logf("lab Ready in both members %v after kubectl apply", time.Since(start).Round(100*time.Millisecond))
	eventually(t, ctx, 30*time.Second, "Propagation=True on the FederatedDeployment", func(ctx context.Context) (bool, error) {
		out := kubectl(t, ctx, "get", "federateddeployment", "httpbin", "-n", "sync-lab",
			"-o", `jsonpath={.status.conditions[?(@.type=="Propagation")].status} {.status.clusters[*].clusterName}`)
		return out == "True earth vulcan", fmt.Errorf("status %q", out)
	})

	t.Run("a member's edit is undone", func(t *testing.T) {
		d, err := m1.AppsV1().Deployments("sync-lab").Get(ctx, "httpbin", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		five := int32(5)
		d.Spec.Replicas = &five
		if _, err := m1.AppsV1().Deployments("sync-lab").Update(ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, ctx, 30*time.Second, "replicas back to 1 in earth", func(ctx context.Context) (bool, error) {
			spec, _, err := deploymentReplicas(ctx, m1)
			return err == nil && spec == 1, err
		})
	})

	t.Run("a bad override is reported for its cluster while the other stays in sync", func(t *testing.T) {
		kubectl(t, ctx, "patch", "federateddeployment", "httpbin", "-n", "sync-lab", "--type=merge", "-p",
			`{"spec":{"template":{"metadata":{"labels":{"app":"httpbin","rev":"2"}}},`+
				`"overrides":[{"clusterName":"vulcan","clusterOverrides":[{"path":"/spec/replicaz","value":3}]}]}}`)
		eventually(t, ctx, 30*time.Second, "the new label in earth", func(ctx context.Context) (bool, error) {
			d, err := m1.AppsV1().Deployments("sync-lab").Get(ctx, "httpbin", metav1.GetOptions{})
			return err == nil && d.Labels["rev"] == "2", err
		})
		wantMsg := "vulcan: ApplyOverridesFailed: spec.overrides[0].clusterOverrides[0]: replace /spec/replicaz: no field at /spec/replicaz"
		eventually(t, ctx, 30*time.Second, "the failed override in the status", func(ctx context.Context) (bool, error) {
			out := kubectl(t, ctx, "get", "federateddeployment", "httpbin", "-n", "sync-lab", "-o",
				`jsonpath={.status.conditions[?(@.type=="Propagation")].status} {.status.conditions[?(@.type=="Propagation")].message}`)
			return out == "False "+wantMsg, fmt.Errorf("status %q", out)
		})
		events := kubectl(t, ctx, "get", "events", "-n", "sync-lab", "--field-selector", "involvedObject.kind=FederatedDeployment,reason=ApplyOverridesFailed", "-o", "jsonpath={.items[*].message}")
		if !strings.Contains(events, "/spec/replicaz") {
			t.Fatalf("no ApplyOverridesFailed Event naming the path; events: %q", events)
		}
		// vulcan keeps what it had: a failed override never removes a member's object.
		if spec, _, err := deploymentReplicas(ctx, m2); err != nil || spec != 3 {
			t.Fatalf("vulcan's Deployment: replicas %d, %v; want it left at 3", spec, err)
		}
		kubectl(t, ctx, "patch", "federateddeployment", "httpbin", "-n", "sync-lab", "--type=merge", "-p",
			`{"spec":{"overrides":[{"clusterName":"vulcan","clusterOverrides":[{"path":"/spec/replicas","value":2}]}]}}`)
		eventually(t, ctx, 30*time.Second, "the fixed override in vulcan", func(ctx context.Context) (bool, error) {
			spec, _, err := deploymentReplicas(ctx, m2)
			return err == nil && spec == 2, err
		})
	})

	t.Run("an unreachable member waits while the other is updated", func(t *testing.T) {
		vulcan := testEnv.Cluster("vulcan")
		if err := vulcan.APIServer.Stop(); err != nil {
			t.Fatal(err)
		}
		restarted := false
		t.Cleanup(func() {
			if !restarted {
				_ = vulcan.APIServer.Start(context.Background())
			}
		})
		kubectl(t, ctx, "patch", "federateddeployment", "httpbin", "-n", "sync-lab", "--type=merge", "-p",
			`{"spec":{"template":{"metadata":{"labels":{"app":"httpbin","rev":"3"}}}}}`)
		eventually(t, ctx, 30*time.Second, "rev 3 in earth while vulcan is down", func(ctx context.Context) (bool, error) {
			d, err := m1.AppsV1().Deployments("sync-lab").Get(ctx, "httpbin", metav1.GetOptions{})
			return err == nil && d.Labels["rev"] == "3", err
		})
		eventually(t, ctx, 30*time.Second, "vulcan reported not Ready", func(ctx context.Context) (bool, error) {
			out := kubectl(t, ctx, "get", "federateddeployment", "httpbin", "-n", "sync-lab", "-o", `jsonpath={.status.clusters[?(@.clusterName=="vulcan")].status}`)
			return out == "ClusterNotReady", fmt.Errorf("vulcan's status %q", out)
		})
		if err := vulcan.APIServer.Start(ctx); err != nil {
			t.Fatal(err)
		}
		restarted = true
		eventually(t, ctx, time.Minute, "rev 3 in vulcan once it is back", func(ctx context.Context) (bool, error) {
			d, err := m2.AppsV1().Deployments("sync-lab").Get(ctx, "httpbin", metav1.GetOptions{})
			return err == nil && d.Labels["rev"] == "3", err
		})
	})

	t.Run("an object Meridian did not create is left alone unless adoption is on", func(t *testing.T) {
		user := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: "sync-lab"}, Data: map[string]string{"owner": "user"}}
		if _, err := m1.CoreV1().ConfigMaps("sync-lab").Create(ctx, user, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		kubectl(t, ctx, "patch", "kubefedconfig", "kubefed", "-n", fedNamespace, "--type=merge", "-p", `{"spec":{"syncController":{"adoptResources":"Disabled"}}}`)
		applyYAML(t, ctx, "settings", `apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: settings, namespace: sync-lab}
spec:
  template: {data: {owner: meridian}}
  placement: {clusters: [{name: earth}, {name: vulcan}]}
`)
		eventually(t, ctx, 30*time.Second, "AlreadyExists for earth, synced in vulcan", func(ctx context.Context) (bool, error) {
			out := kubectl(t, ctx, "get", "federatedconfigmap", "settings", "-n", "sync-lab", "-o", `jsonpath={.status.clusters[*].status}`)
			cm, err := m2.CoreV1().ConfigMaps("sync-lab").Get(ctx, "settings", metav1.GetOptions{})
			return out == "AlreadyExists" && err == nil && cm.Data["owner"] == "meridian", fmt.Errorf("statuses %q, vulcan: %v", out, err)
		})
		if cm, err := m1.CoreV1().ConfigMaps("sync-lab").Get(ctx, "settings", metav1.GetOptions{}); err != nil || cm.Data["owner"] != "user" || cm.Labels["kubefed.io/managed"] != "" {
			t.Fatalf("earth's own ConfigMap was touched: %+v, %v", cm, err)
		}
		kubectl(t, ctx, "patch", "kubefedconfig", "kubefed", "-n", fedNamespace, "--type=merge", "-p", `{"spec":{"syncController":{"adoptResources":"Enabled"}}}`)
		eventually(t, ctx, 30*time.Second, "earth's ConfigMap adopted", func(ctx context.Context) (bool, error) {
			cm, err := m1.CoreV1().ConfigMaps("sync-lab").Get(ctx, "settings", metav1.GetOptions{})
			return err == nil && cm.Data["owner"] == "meridian" && cm.Labels["kubefed.io/managed"] == "true", err
		})
	})

	t.Run("a template of the wrong kind is reported naming the field", func(t *testing.T) {
		applyYAML(t, ctx, "wrong-kind", `apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: wrong, namespace: sync-lab}
spec:
  template: {apiVersion: v1, kind: Secret, data: {a: Yg==}}
  placement: {clusterSelector: {}}
`)
		eventually(t, ctx, 30*time.Second, "ComputeResourceFailed in the status", func(ctx context.Context) (bool, error) {
			out := kubectl(t, ctx, "get", "federatedconfigmap", "wrong", "-n", "sync-lab", "-o", `jsonpath={.status.conditions[?(@.type=="Propagation")].message}`)
			return strings.Contains(out, `earth: ComputeResourceFailed: spec.template.kind: "Secret", but this federated type propagates ConfigMap`) &&
				strings.Contains(out, "vulcan: ComputeResourceFailed"), fmt.Errorf("message %q", out)
		})
		for _, c := range []kubernetes.Interface{m1, m2} {
			if _, err := c.CoreV1().ConfigMaps("sync-lab").Get(ctx, "wrong", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Fatalf("a ConfigMap from a wrong template reached a member: %v", err)
			}
		}
	})

	t.Run("an unknown cluster is reported while the others stay in sync", func(t *testing.T) {
		kubectl(t, ctx, "patch", "federateddeployment", "httpbin", "-n", "sync-lab", "--type=merge",
			"-p", `{"spec":{"placement":{"clusters":[{"name":"earth"},{"name":"pluto"}]}}}`)
		eventually(t, ctx, 30*time.Second, "Deployment gone from vulcan only", func(ctx context.Context) (bool, error) {
			_, err := m2.AppsV1().Deployments("sync-lab").Get(ctx, "httpbin", metav1.GetOptions{})
			return apierrors.IsNotFound(err), err
		})
		if _, _, err := deploymentReplicas(ctx, m1); err != nil {
			t.Fatalf("earth lost its Deployment: %v", err)
		}
		eventually(t, ctx, 30*time.Second, "ClusterNotFound for pluto in the status", func(ctx context.Context) (bool, error) {
			out := kubectl(t, ctx, "get", "federateddeployment", "httpbin", "-n", "sync-lab", "-o", `jsonpath={.status.conditions[?(@.type=="Propagation")].message}`)
			return strings.Contains(out, "pluto: ClusterNotFound") && strings.Contains(out, "spec.placement.clusters"), fmt.Errorf("message %q", out)
		})
	})

	t.Run("deleting removes everywhere; the orphan annotation keeps", func(t *testing.T) {
		kubectl(t, ctx, "annotate", "federatedservice", "httpbin", "-n", "sync-lab", "kubefed.io/orphan=true")
		kubectl(t, ctx, "delete", "federatedservice", "httpbin", "-n", "sync-lab")
		kubectl(t, ctx, "delete", "federateddeployment", "httpbin", "-n", "sync-lab")
		eventually(t, ctx, 30*time.Second, "Deployment gone from earth", func(ctx context.Context) (bool, error) {
			_, err := m1.AppsV1().Deployments("sync-lab").Get(ctx, "httpbin", metav1.GetOptions{})
			return apierrors.IsNotFound(err), err
		})
		for _, c := range []kubernetes.Interface{m1, m2} {
			if _, err := c.CoreV1().Services("sync-lab").Get(ctx, "httpbin", metav1.GetOptions{}); err != nil {
				t.Errorf("the orphaned Service should stay in the members: %v", err)
			}
		}
	})
}

// widgetCRD is a type users define; the tests install it in the host and in every member, as
// propagating a custom kind needs.
const widgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`

// TestEnableCustomTypeAndPropagate enables a CRD with meridianctl, re-joins the members as enable
// says to, and follows a FederatedWidget into both members, with an override for one.
func TestEnableCustomTypeAndPropagate(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	setUpFederation(t, ctx)
	path := filepath.Join(t.TempDir(), "widget-crd.yaml")
	if err := os.WriteFile(path, []byte(widgetCRD), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range testEnv.Clusters() {
		kubectl(t, ctx, "--context", c.Name, "apply", "-f", path)
		kubectl(t, ctx, "--context", c.Name, "wait", "--for=condition=Established", "crd/widgets.example.com")
	}
	out, err := meridianctl(t, ctx, "enable", "widgets.example.com", "--host-cluster-context", env.HostContext)
	if err != nil || !strings.Contains(out, "meridianctl join earth") {
		t.Fatalf("enable: %v\n%s\nwant a hint to join earth again for the new type", err, out)
	}
	joinMembers(t, ctx) // grants the members' ServiceAccounts the new type
	applyYAML(t, ctx, "widgets", `apiVersion: v1
kind: Namespace
metadata: {name: widgets}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: widgets, namespace: widgets}
spec: {placement: {clusterSelector: {}}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedWidget
metadata: {name: gear, namespace: widgets}
spec:
  template: {spec: {teeth: 12}}
  placement: {clusterSelector: {}}
  overrides:
  - clusterName: vulcan
    clusterOverrides: [{path: /spec/teeth, value: 40}]
`)
	want := map[string]string{"earth": "12", "mars": "12", "vulcan": "40"}
	for _, m := range testEnv.Members {
		eventually(t, ctx, time.Minute, "the Widget in "+m.Name, func(ctx context.Context) (bool, error) {
			cmd := exec.CommandContext(ctx, testEnv.Binaries.Kubectl, "--kubeconfig", testEnv.KubeconfigPath, "--context", m.Name,
				"get", "widget", "gear", "-n", "widgets", "-o", "jsonpath={.spec.teeth} {.metadata.labels.kubefed\\.io/managed}")
			got, err := cmd.CombinedOutput()
			return string(got) == want[m.Name]+" true", fmt.Errorf("%s: %q, %v", m.Name, got, err)
		})
	}
}
