package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meridian-dns/meridian/test/env"
)

// kubefedLabManifests is KubeFed's own YAML for the classic lab: a FederatedTypeConfig as
// kubefedctl enable wrote it, and a FederatedNamespace, FederatedDeployment (with a replicas
// override) and FederatedService as its user guide shows them.
const kubefedLabManifests = `apiVersion: core.kubefed.io/v1beta1
kind: FederatedTypeConfig
metadata:
  name: deployments.apps
  namespace: kube-federation-system
spec:
  federatedType:
    group: types.kubefed.io
    kind: FederatedDeployment
    pluralName: federateddeployments
    scope: Namespaced
    version: v1beta1
  propagation: Enabled
  targetType:
    group: apps
    kind: Deployment
    pluralName: deployments
    scope: Namespaced
    version: v1
---
apiVersion: core.kubefed.io/v1beta1
kind: FederatedTypeConfig
metadata:
  name: configmaps
  namespace: kube-federation-system
spec:
  federatedType:
    group: types.kubefed.io
    kind: FederatedConfigMap
    pluralName: federatedconfigmaps
    scope: Namespaced
    version: v1beta1
  propagation: Enabled
  targetType:
    kind: ConfigMap
    pluralName: configmaps
    scope: Namespaced
    version: v1
---
apiVersion: v1
kind: Namespace
metadata:
  name: test-namespace
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata:
  name: test-namespace
  namespace: test-namespace
spec:
  placement:
    clusters:
    - name: earth
    - name: vulcan
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata:
  name: test-deployment
  namespace: test-namespace
spec:
  template:
    metadata:
      labels:
        app: nginx
    spec:
      replicas: 3
      selector:
        matchLabels:
          app: nginx
      template:
        metadata:
          labels:
            app: nginx
        spec:
          containers:
          - image: nginx
            name: nginx
  placement:
    clusters:
    - name: earth
    - name: vulcan
  overrides:
  - clusterName: vulcan
    clusterOverrides:
    - path: "/spec/replicas"
      value: 5
    - path: "/spec/template/spec/containers/0/image"
      value: "nginx:1.17.0-alpine"
    - path: "/metadata/annotations"
      op: "add"
      value:
        foo: bar
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedService
metadata:
  name: test-service
  namespace: test-namespace
spec:
  template:
    spec:
      selector:
        app: nginx
      type: NodePort
      ports:
        - name: http
          port: 80
  placement:
    clusterSelector:
      matchLabels: {}
---
apiVersion: scheduling.kubefed.io/v1alpha1
kind: ReplicaSchedulingPreference
metadata:
  name: test-deployment
  namespace: test-namespace
spec:
  targetKind: FederatedDeployment
  totalReplicas: 9
  clusters:
    earth:
      minReplicas: 1
      maxReplicas: 8
      weight: 1
    vulcan:
      weight: 2
`

// TestKubeFedFederatedTypesApplyUnchanged applies KubeFed's YAML with kubectl (the CRDs
// accept it byte for byte) and checks that validation rejects broken variants naming the field.
func TestKubeFedFederatedTypesApplyUnchanged(t *testing.T) {
	ctx := testContext(t, time.Minute)
	dir := t.TempDir()
	path := filepath.Join(dir, "lab.yaml")
	if err := os.WriteFile(path, []byte(kubefedLabManifests), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl(t, ctx, "create", "namespace", fedNamespace, "--dry-run=client", "-o", "yaml") // kubectl works at all
	_ = exec.CommandContext(ctx, testEnv.Binaries.Kubectl, "--kubeconfig", testEnv.KubeconfigPath, "--context", env.HostContext,
		"create", "namespace", fedNamespace).Run() // may exist already
	out := kubectl(t, ctx, "apply", "-f", path)
	// Another test of the package may have enabled the same types already: then kubectl says
	// unchanged (or configured) instead, which proves as much.
	for _, ftc := range []string{"deployments.apps", "configmaps"} {
		if !regexp.MustCompile(`federatedtypeconfig.core.kubefed.io/` + regexp.QuoteMeta(ftc) + ` (created|unchanged|configured)`).MatchString(out) {
			t.Errorf("kubectl apply output lacks FederatedTypeConfig %s:\n%s", ftc, out)
		}
	}
	for _, want := range []string{
		"federatednamespace.types.kubefed.io/test-namespace created",
		"federateddeployment.types.kubefed.io/test-deployment created",
		"federatedservice.types.kubefed.io/test-service created",
		"replicaschedulingpreference.scheduling.kubefed.io/test-deployment created",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl apply output lacks %q:\n%s", want, out)
		}
	}
	t.Cleanup(func() {
		kubectl(t, context.Background(), "delete", "-f", path, "--wait=false")
	})
	// Stored as written: the override value and the empty selector survive pruning.
	got := kubectl(t, ctx, "get", "federateddeployment", "test-deployment", "-n", "test-namespace", "-o", "jsonpath={.spec.overrides[0].clusterOverrides[2].value.foo} {.spec.template.spec.replicas}")
	if got != "bar 3" {
		t.Errorf("stored FederatedDeployment reads back %q, want %q", got, "bar 3")
	}
	got = kubectl(t, ctx, "get", "federatedservice", "test-service", "-n", "test-namespace", "-o", "jsonpath={.spec.placement}")
	if !strings.Contains(got, `"clusterSelector":{"matchLabels":{}}`) && !strings.Contains(got, `"clusterSelector":{}`) {
		t.Errorf("the empty clusterSelector (all clusters) was not kept: %s", got)
	}
	if got := kubectl(t, ctx, "get", "federated", "-n", "test-namespace", "-o", "name"); strings.Count(got, "\n") != 3 {
		t.Errorf("kubectl get federated (category) lists:\n%s", got)
	}

	bad := []struct{ edit, field string }{
		{`- path: "/spec/replicas"`, `- path: "/metadata/name"`},
		{`      op: "add"`, `      op: "move"`},
		{"  name: deployments.apps\n", "  name: deployments\n"},
		{"      maxReplicas: 8\n", "      maxReplicas: 0\n"},
	}
	fields := []string{"overrides cannot change the object's identity", `spec.overrides[0].clusterOverrides[2].op: Unsupported value: "move"`, "metadata.name: must be <spec.targetType.pluralName>",
		"minReplicas: must not be greater than maxReplicas"}
	for i, b := range bad {
		broken := strings.Replace(kubefedLabManifests, b.edit, b.field, 1)
		if broken == kubefedLabManifests {
			t.Fatalf("edit %d did not apply", i)
		}
		p := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(p, []byte(broken), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(ctx, testEnv.Binaries.Kubectl, "--kubeconfig", testEnv.KubeconfigPath, "--context", env.HostContext,
			"apply", "--dry-run=server", "-f", p)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), fields[i]) {
			t.Errorf("broken manifest %d: want a rejection containing %q, got %v:\n%s", i, fields[i], err, out)
		}
	}
}
