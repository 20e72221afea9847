package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"

	"github.com/meridian-dns/meridian/test/env"
)

// chartNamespace is where the chart tests render and install the chart.
const chartNamespace = "meridian-system"

// chartDir is charts/meridian in the source tree.
func chartDir(t testing.TB) string {
	t.Helper()
	root, err := env.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "charts", "meridian")
}

// helm runs the pinned Helm with its configuration, cache and data in a temporary folder, and
// returns its standard output; a failure returns standard error in the error.
func helm(t testing.TB, ctx context.Context, args ...string) (string, error) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, testEnv.Binaries.Helm, args...)
	cmd.Env = append(os.Environ(), "HELM_CONFIG_HOME="+home, "HELM_CACHE_HOME="+home, "HELM_DATA_HOME="+home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("helm %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// renderChart runs helm template for release in chartNamespace, for the host's Kubernetes
// version, with the CRDs, and extra flags (-f, --set).
func renderChart(t testing.TB, ctx context.Context, release string, extra ...string) (string, error) {
	t.Helper()
	args := append([]string{"template", release, chartDir(t), "--namespace", chartNamespace, "--include-crds",
		"--kube-version", testEnv.Binaries.KubernetesVersion}, extra...)
	return helm(t, ctx, args...)
}

// chartObjects splits a rendered manifest into objects.
func chartObjects(t testing.TB, manifest string) []*unstructured.Unstructured {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	var objs []*unstructured.Unstructured
	for {
		obj := map[string]any{}
		err := dec.Decode(&obj)
		if errors.Is(err, io.EOF) {
			return objs
		}
		if err != nil {
			t.Fatalf("decoding the rendered chart: %v", err)
		}
		if len(obj) > 0 {
			objs = append(objs, &unstructured.Unstructured{Object: obj})
		}
	}
}

func kindCounts(objs []*unstructured.Unstructured) map[string]int {
	counts := map[string]int{}
	for _, o := range objs {
		counts[o.GetKind()]++
	}
	return counts
}

// findObject returns the object of kind and name, failing the test when there is none.
func findObject(t testing.TB, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	t.Fatalf("the chart rendered no %s %s", kind, name)
	return nil
}

// firstContainer returns the first container of a Deployment or StatefulSet.
func firstContainer(t testing.TB, obj *unstructured.Unstructured) corev1.Container {
	t.Helper()
	var spec corev1.PodTemplateSpec
	raw, _, _ := unstructured.NestedMap(obj.Object, "spec", "template")
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &spec); err != nil || len(spec.Spec.Containers) == 0 {
		t.Fatalf("%s %s: no container (%v)", obj.GetKind(), obj.GetName(), err)
	}
	return spec.Spec.Containers[0]
}

// TestChartLint lints the chart with its defaults and with each value set of ci/, strictly:
// warnings fail too, and so does any value a template reads that values.yaml does not define.
func TestChartLint(t *testing.T) {
	ctx := testContext(t, 2*time.Minute)
	if out, err := helm(t, ctx, "lint", "--strict", chartDir(t)); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, file := range chartValueSets(t) {
		if out, err := helm(t, ctx, "lint", "--strict", chartDir(t), "-f", file); err != nil {
			t.Errorf("%s: %v\n%s", filepath.Base(file), err, out)
		}
	}
}

// chartValueSets are the value files under ci/, Helm's convention for the sets a chart is tested with.
func chartValueSets(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartDir(t), "ci", "*-values.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no value sets in ci/ (%v)", err)
	}
	return files
}

// chartCases say what each value set (by ci/ file name) must render: the kinds, counted, and
// what is particular to it.
var chartCases = map[string]struct {
	kinds map[string]int
	check func(t *testing.T, objs []*unstructured.Unstructured)
}{
	"defaults": {
		kinds: controllerKinds(nil),
		check: func(t *testing.T, objs []*unstructured.Unstructured) {
			args := firstContainer(t, findObject(t, objs, "Deployment", "meridian-controller")).Args
			wantArgs(t, args, "--provider=none", "--leader-elect=true", "--leader-election-namespace=kube-federation-system",
				"--kubefed-namespace=kube-federation-system", "--health-probe-bind-address=:8081", "--metrics-bind-address=:8080")
		},
	},
	"etcd-bundled-values.yaml": {
		kinds: controllerKinds(map[string]int{"Deployment": 2, "ConfigMap": 1, "Service": 5, "StatefulSet": 1,
			"NetworkPolicy": 1, "PodDisruptionBudget": 2}),
		check: func(t *testing.T, objs []*unstructured.Unstructured) {
			const bundled = "http://meridian-etcd.meridian-system.svc:2379"
			wantArgs(t, firstContainer(t, findObject(t, objs, "Deployment", "meridian-controller")).Args,
				"--provider=etcd", "--zone=example.com", "--etcd-endpoints="+bundled)
			corefile := findObject(t, objs, "ConfigMap", "meridian-coredns").Object["data"].(map[string]any)["Corefile"].(string)
			if !strings.Contains(corefile, "endpoint "+bundled) || !strings.Contains(corefile, "client 10.244.0.0/16 10.245.0.0/16 cluster earth") {
				t.Errorf("Corefile does not read the bundled etcd or lacks the client rules:\n%s", corefile)
			}
			etcd := firstContainer(t, findObject(t, objs, "StatefulSet", "meridian-etcd"))
			peers := "meridian-etcd-%d=http://meridian-etcd-%d.meridian-etcd-peers.meridian-system.svc:2380"
			wantArgs(t, etcd.Args, "--initial-cluster="+fmt.Sprintf(peers+","+peers+","+peers, 0, 0, 1, 1, 2, 2))
		},
	},
	"route53-values.yaml": {
		kinds: controllerKinds(nil),
		check: func(t *testing.T, objs []*unstructured.Unstructured) {
			c := firstContainer(t, findObject(t, objs, "Deployment", "meridian-controller"))
			wantArgs(t, c.Args, "--provider=route53", "--zone=example.com", "--zone=example.org", "--owner-id=meridian-prod")
			for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
				if e := envVar(c, name); e == nil || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != "route53-credentials" {
					t.Errorf("%s does not come from Secret route53-credentials: %+v", name, e)
				}
			}
		},
	},
	"clouddns-values.yaml": {
		kinds: controllerKinds(nil),
		check: func(t *testing.T, objs []*unstructured.Unstructured) {
			c := firstContainer(t, findObject(t, objs, "Deployment", "meridian-controller"))
			wantArgs(t, c.Args, "--provider=clouddns", "--clouddns-project=my-dns-project")
			if e := envVar(c, "GOOGLE_APPLICATION_CREDENTIALS"); e != nil {
				t.Errorf("workload identity needs no key file, yet GOOGLE_APPLICATION_CREDENTIALS=%s", e.Value)
			}
			sa := findObject(t, objs, "ServiceAccount", "meridian")
			if sa.GetAnnotations()["iam.gke.io/gcp-service-account"] == "" {
				t.Errorf("ServiceAccount lacks the workload identity annotation: %v", sa.GetAnnotations())
			}
		},
	},
	"external-etcd-tls-values.yaml": {
		kinds: controllerKinds(map[string]int{"Deployment": 2, "ConfigMap": 1, "Service": 3, "PodDisruptionBudget": 1}),
		check: func(t *testing.T, objs []*unstructured.Unstructured) {
			c := firstContainer(t, findObject(t, objs, "Deployment", "meridian-controller"))
			wantArgs(t, c.Args, "--etcd-cert-file=/etc/meridian/etcd-tls/tls.crt", "--etcd-ca-file=/etc/meridian/etcd-tls/ca.crt",
				"--etcd-username=meridian", "--etcd-prefix=/meridian")
			if e := envVar(c, "MERIDIAN_ETCD_PASSWORD"); e == nil || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef.Name != "meridian-etcd-password" {
				t.Errorf("MERIDIAN_ETCD_PASSWORD does not come from Secret meridian-etcd-password: %+v", e)
			}
			corefile := findObject(t, objs, "ConfigMap", "meridian-coredns").Object["data"].(map[string]any)["Corefile"].(string)
			for _, want := range []string{"gslb.example.com:5353 gslb.example.org:5353 {", "tls /etc/meridian/etcd-tls/tls.crt",
				"credentials meridian {$MERIDIAN_ETCD_PASSWORD}", "coordinates onprem-paris 48.86 2.35", "fallthrough"} {
				if !strings.Contains(corefile, want) {
					t.Errorf("Corefile lacks %q:\n%s", want, corefile)
				}
			}
		},
	},
}

// controllerKinds are the kinds of the controller alone, changed by more. Without a cluster to
// look it up in, the KubeFed namespace is rendered too.
func controllerKinds(more map[string]int) map[string]int {
	kinds := map[string]int{"CustomResourceDefinition": 17, "Namespace": 1, "ServiceAccount": 1, "ClusterRole": 1,
		"ClusterRoleBinding": 1, "Role": 2, "RoleBinding": 2, "Deployment": 1, "Service": 1}
	maps.Copy(kinds, more)
	return kinds
}

func wantArgs(t *testing.T, args []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(args, w) {
			t.Errorf("args lack %s: %v", w, args)
		}
	}
}

func envVar(c corev1.Container, name string) *corev1.EnvVar {
	for i := range c.Env {
		if c.Env[i].Name == name {
			return &c.Env[i]
		}
	}
	return nil
}

// TestChartRendersAndAppliesToTheHost renders the defaults and every ci/ value set and has the
// host's API server validate each object (kubectl apply --dry-run=server): schemas, field names
// and enums as an install would meet them.
func TestChartRendersAndAppliesToTheHost(t *testing.T) {
	ctx := testContext(t, 3*time.Minute)
	ensureNamespaces(t, ctx, chartNamespace, fedNamespace)
	sets := map[string]string{"defaults": ""}
	for _, f := range chartValueSets(t) {
		sets[filepath.Base(f)] = f
	}
	for _, name := range slices.Sorted(maps.Keys(sets)) {
		t.Run(name, func(t *testing.T) {
			tc, ok := chartCases[name]
			if !ok {
				t.Fatalf("ci/%s has no expectations in chartCases", name)
			}
			var extra []string
			if sets[name] != "" {
				extra = []string{"-f", sets[name]}
			}
			manifest, err := renderChart(t, ctx, "meridian", extra...)
			if err != nil {
				t.Fatal(err)
			}
			objs := chartObjects(t, manifest)
			if got := kindCounts(objs); !maps.Equal(got, tc.kinds) {
				t.Errorf("rendered kinds %v, want %v", got, tc.kinds)
			}
			tc.check(t, objs)
			path := filepath.Join(t.TempDir(), "chart.yaml")
			if err := os.WriteFile(path, []byte(manifest), 0o600); err != nil {
				t.Fatal(err)
			}
			out := kubectl(t, ctx, "apply", "--dry-run=server", "-f", path)
			if n := strings.Count(out, "(server dry run)"); n != len(objs) {
				t.Errorf("the API server accepted %d of %d objects:\n%s", n, len(objs), out)
			}
		})
	}
}

// TestChartInstallDryRun runs helm install --dry-run=server against the host: Helm checks the
// chart's kubeVersion against the real server, looks the KubeFed namespace up (it exists, so the
// release must not take it over) and renders the NOTES.
func TestChartInstallDryRun(t *testing.T) {
	ctx := testContext(t, 2*time.Minute)
	ensureNamespaces(t, ctx, chartNamespace, fedNamespace)
	out, err := helm(t, ctx, "install", "meridian", chartDir(t), "--namespace", chartNamespace, "--dry-run=server",
		"--kubeconfig", testEnv.KubeconfigPath, "--kube-context", env.HostContext,
		"-f", filepath.Join(chartDir(t), "ci", "etcd-bundled-values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(out, "MANIFEST:")
	manifest, notes, found := strings.Cut(rest, "NOTES:")
	if !found {
		t.Fatalf("helm install --dry-run printed no MANIFEST and NOTES:\n%s", out)
	}
	if counts := kindCounts(chartObjects(t, manifest)); counts["Namespace"] != 0 || counts["StatefulSet"] != 1 {
		t.Errorf("rendered kinds %v: want the bundled etcd's StatefulSet and no Namespace (%s exists)", counts, fedNamespace)
	}
	for _, want := range []string{"meridianctl join NAME", "kube-federation-system/meridian-controller",
		"CoreDNS with gslb serves example.com", "Bundled etcd: 3 members"} {
		if !strings.Contains(notes, want) {
			t.Errorf("NOTES lack %q:\n%s", want, notes)
		}
	}
}

// TestChartRejectsInvalidValues: combinations that could not work fail rendering, and the
// message names the value to change.
func TestChartRejectsInvalidValues(t *testing.T) {
	ctx := testContext(t, time.Minute)
	for _, tc := range []struct {
		set  []string
		want string
	}{
		{[]string{"provider.name=route53"}, "provider.zones: name the DNS zones the route53 provider manages"},
		{[]string{"provider.name=powerdns", "provider.zones={example.com}"}, `provider.name "powerdns": must be none, etcd, route53 or clouddns`},
		{[]string{"provider.name=clouddns", "provider.zones={example.com}"}, "provider.clouddns.project: name the Google Cloud project"},
		{[]string{"provider.name=etcd", "provider.zones={example.com}"}, "provider.etcd.endpoints: name your etcd's client URLs, or set etcd.enabled=true"},
		{[]string{"etcd.enabled=true"}, "etcd.enabled: the bundled etcd is for the etcd provider and CoreDNS"},
		{[]string{"controller.leaderElection.enabled=false"}, "controller.leaderElection.enabled: more than one replica needs leader election"},
		{[]string{"provider.name=etcd", "provider.zones={example.com}", "provider.etcd.endpoints={https://etcd:2379}",
			"provider.etcd.auth.username=meridian"}, "provider.etcd.auth.existingSecret: name the Secret"},
	} {
		var args []string
		for _, s := range tc.set {
			args = append(args, "--set", s)
		}
		_, err := renderChart(t, ctx, "meridian", args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--set %s: want an error with %q, got %v", strings.Join(tc.set, " --set "), tc.want, err)
		}
	}
}

// chartRBACZone is the zone the RBAC test publishes to the environment's etcd.
const chartRBACZone = "chart.example.com"

// TestChartRBACRunsTheController proves the chart's RBAC is enough, on the real host: the
// rendered ServiceAccount, roles and bindings are applied, and the real controller runs as that
// ServiceAccount (a TokenRequest token) with the Deployment's own arguments. It takes its Lease,
// makes the members Ready, propagates a FederatedConfigMap, schedules replicas, publishes a
// ServiceDNSRecord to etcd, which CoreDNS answers with the chart's Corefile, and never hears
// "forbidden". kubectl auth can-i then shows what the ServiceAccount may not do.
func TestChartRBACRunsTheController(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	ensureNamespaces(t, ctx, chartNamespace, fedNamespace)
	ports, err := env.FreePorts(6)
	if err != nil {
		t.Fatal(err)
	}
	const release, leaseID = "chart-rbac", "chart-rbac-meridian-controller"
	manifest, err := renderChart(t, ctx, release,
		"--set", "provider.name=etcd", "--set", "provider.zones={"+chartRBACZone+"}",
		"--set", "provider.etcd.endpoints={"+testEnv.Etcd.Endpoint+"}",
		"--set", "controller.leaderElection.id="+leaseID,
		"--set", "coredns.containerPort="+strconv.Itoa(ports[2]), "--set", "coredns.ports.health="+strconv.Itoa(ports[3]),
		"--set", "coredns.ports.ready="+strconv.Itoa(ports[4]), "--set", "coredns.ports.metrics="+strconv.Itoa(ports[5]))
	if err != nil {
		t.Fatal(err)
	}
	objs := chartObjects(t, manifest)
	saName := applyChartRBAC(t, ctx, objs)
	kubeconfig := serviceAccountKubeconfig(t, ctx, chartNamespace, saName)

	// The Deployment's arguments, then what differs outside a Pod: the identity and free ports.
	args := firstContainer(t, findObject(t, objs, "Deployment", release+"-meridian-controller")).Args
	metricsAddr, probeAddr := fmt.Sprintf("127.0.0.1:%d", ports[0]), fmt.Sprintf("127.0.0.1:%d", ports[1])
	args = append(args, "--kubeconfig", kubeconfig, "--context", "meridian",
		"--metrics-bind-address", metricsAddr, "--health-probe-bind-address", probeAddr)
	controller := setUpFederation(t, ctx, args...)
	host := testEnv.Host.Client()
	waitLeaseHolder(t, ctx, host, leaseID, func(h string) bool { return h != "" }, "the chart's controller")
	for _, path := range []string{"/healthz", "/readyz"} {
		eventually(t, ctx, 30*time.Second, "GET "+path, func(ctx context.Context) (bool, error) {
			code, body, err := httpGet(ctx, "http://"+probeAddr+path)
			return code == 200, fmt.Errorf("%d %q %v", code, body, err)
		})
	}

	joinMembers(t, ctx)
	applyYAML(t, ctx, "ftc", syncTypeConfigs)
	const ns = "chart-rbac-lab"
	t.Cleanup(func() { deleteChartLab(ns) }) // before the controller stops: finalizers
	applyYAML(t, ctx, "lab", chartRBACLab(ns))

	t.Run("a FederatedConfigMap reaches its member", func(t *testing.T) {
		earth := testEnv.Cluster("earth").Client()
		eventually(t, ctx, time.Minute, "ConfigMap settings in earth", func(ctx context.Context) (bool, error) {
			cm, err := earth.CoreV1().ConfigMaps(ns).Get(ctx, "settings", metav1.GetOptions{})
			return err == nil && cm.Data["colour"] == "blue" && cm.Labels["kubefed.io/managed"] == "true", err
		})
		eventually(t, ctx, 30*time.Second, "Propagation=True with the finalizer", func(ctx context.Context) (bool, error) {
			out := kubectl(t, ctx, "get", "federatedconfigmap", "settings", "-n", ns, "-o",
				`jsonpath={.status.conditions[?(@.type=="Propagation")].status} {.metadata.finalizers}`)
			return strings.HasPrefix(out, "True ") && strings.Contains(out, "kubefed.io/sync-controller"), fmt.Errorf("%q", out)
		})
	})

	t.Run("a ReplicaSchedulingPreference gets its layout", func(t *testing.T) {
		eventually(t, ctx, time.Minute, "status.replicas", func(ctx context.Context) (bool, error) {
			out := kubectl(t, ctx, "get", "rsp", "spread", "-n", ns, "-o", "jsonpath={.status.replicas}")
			return strings.Contains(out, `"earth":1`) && strings.Contains(out, `"vulcan":1`), fmt.Errorf("%q", out)
		})
	})

	t.Run("a ServiceDNSRecord is published and served by the chart's CoreDNS", func(t *testing.T) {
		east := "192.0.2.61"
		runLoadBalancedService(t, ctx, testEnv.Cluster("earth").Client(), ns, "web", east)
		assertPublished(t, ctx, types.NamespacedName{Namespace: ns, Name: "service-web"})
		corefile := findObject(t, objs, "ConfigMap", release+"-meridian-coredns").Object["data"].(map[string]any)["Corefile"].(string)
		binary, err := env.BuildCommand(ctx, "coredns")
		if err != nil {
			t.Fatal(err)
		}
		server, err := env.StartCoreDNSOnPort(ctx, binary, t.TempDir(), corefile, ports[2])
		if err != nil {
			t.Fatalf("CoreDNS with the chart's Corefile: %v\n%s", err, corefile)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("CoreDNS log:\n%s", server.LogTail(40))
			}
			_ = server.Stop()
		})
		waitAnswer(t, ctx, server.Addr, netip.MustParseAddr("127.0.0.1"), netip.Prefix{}, "web."+ns+".chartdns.svc."+chartRBACZone+".", east)
		code, _, err := httpGet(ctx, fmt.Sprintf("http://127.0.0.1:%d/ready", ports[4]))
		if err != nil || code != 200 {
			t.Errorf("CoreDNS /ready: %d %v", code, err)
		}
	})

	t.Run("kubectl auth can-i", func(t *testing.T) {
		assertChartRights(t, ctx, "system:serviceaccount:"+chartNamespace+":"+saName, leaseID)
	})

	data, err := os.ReadFile(controller.log)
	if err != nil {
		t.Fatal(err)
	}
	if lines := forbiddenLines(string(data)); len(lines) > 0 {
		t.Errorf("the controller was refused %d times as the chart's ServiceAccount, first:\n%s", len(lines), strings.Join(lines[:min(len(lines), 5)], "\n"))
	}
}

// chartRBACLab is what the RBAC test federates and publishes in namespace ns: a ConfigMap for
// earth, a two-replica Deployment spread by a ReplicaSchedulingPreference, and a Service record.
func chartRBACLab(ns string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata: {name: %[1]s}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: %[1]s, namespace: %[1]s}
spec: {placement: {clusters: [{name: earth}, {name: vulcan}]}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: settings, namespace: %[1]s}
spec:
  template: {data: {colour: blue}}
  placement: {clusters: [{name: earth}]}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedDeployment
metadata: {name: spread, namespace: %[1]s}
spec:
  template:
    spec:
      replicas: 1
      selector: {matchLabels: {app: spread}}
      template:
        metadata: {labels: {app: spread}}
        spec: {containers: [{name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
  placement: {clusters: [{name: earth}, {name: vulcan}]}
---
apiVersion: scheduling.kubefed.io/v1alpha1
kind: ReplicaSchedulingPreference
metadata: {name: spread, namespace: %[1]s}
spec:
  targetKind: FederatedDeployment
  totalReplicas: 2
  clusters: {earth: {weight: 1}, vulcan: {weight: 1}}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata: {name: chartdns, namespace: kube-federation-system}
domain: %[2]s
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: web, namespace: %[1]s}
spec: {domainRef: chartdns, recordTTL: 5}
`, ns, chartRBACZone)
}

// deleteChartLab removes the federated objects while the controller still runs (it removes their
// finalizers after cleaning the members), then the namespace and the Domain.
func deleteChartLab(ns string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	kubectlQuiet(ctx, "delete", "-n", ns, "--wait", "--timeout=45s", "--ignore-not-found",
		"federatedconfigmaps,federateddeployments,federatednamespaces,replicaschedulingpreferences,servicednsrecords", "--all")
	kubectlQuiet(ctx, "delete", "namespace", ns, "--wait=false", "--ignore-not-found")
	kubectlQuiet(ctx, "delete", "domain", "chartdns", "-n", fedNamespace, "--ignore-not-found")
}

// kubectlQuiet runs kubectl against the host and returns its standard output, for commands
// whose failure is an answer (can-i) or does not matter (cleanup); the error has stderr.
func kubectlQuiet(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, testEnv.Binaries.Kubectl, append([]string{"--kubeconfig", testEnv.KubeconfigPath, "--context", env.HostContext}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		err = fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), err
}

// applyChartRBAC creates the rendered ServiceAccount, roles and bindings in the host, removes
// them when the test ends (after the controller has stopped), and returns the ServiceAccount.
func applyChartRBAC(t *testing.T, ctx context.Context, objs []*unstructured.Unstructured) string {
	t.Helper()
	host := hostClient(t)
	var saName string
	var created []*unstructured.Unstructured
	for _, o := range objs {
		switch o.GetKind() {
		case "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
		default:
			continue
		}
		if o.GetKind() == "ServiceAccount" {
			saName = o.GetName()
		}
		if err := host.Create(ctx, o); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("creating %s %s: %v", o.GetKind(), o.GetName(), err)
		}
		created = append(created, o)
	}
	t.Cleanup(func() {
		for _, o := range created {
			_ = host.Delete(context.Background(), o)
		}
	})
	if saName == "" || len(created) != 7 {
		t.Fatalf("the chart rendered %d RBAC objects (ServiceAccount %q), want 7", len(created), saName)
	}
	return saName
}

// serviceAccountKubeconfig writes a kubeconfig for the host (context "meridian") that
// authenticates with a token of the ServiceAccount, as a Pod's projected token does.
func serviceAccountKubeconfig(t *testing.T, ctx context.Context, ns, sa string) string {
	t.Helper()
	tok, err := testEnv.Host.Client().CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for %s/%s: %v", ns, sa, err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["host"] = &clientcmdapi.Cluster{Server: testEnv.Host.URL, CertificateAuthorityData: testEnv.Host.CACert}
	cfg.AuthInfos["meridian"] = &clientcmdapi.AuthInfo{Token: tok.Status.Token}
	cfg.Contexts["meridian"] = &clientcmdapi.Context{Cluster: "host", AuthInfo: "meridian"}
	cfg.CurrentContext = "meridian"
	path := filepath.Join(t.TempDir(), "meridian.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// assertChartRights checks the ServiceAccount's rights as the API server sees them: no wildcard
// verb anywhere, Secrets only in the KubeFed namespace, one Lease only, no deletes.
func assertChartRights(t *testing.T, ctx context.Context, user, leaseID string) {
	t.Helper()
	for _, ns := range []string{fedNamespace, "default"} {
		out, err := kubectlQuiet(ctx, "auth", "can-i", "--list", "--as", user, "-n", ns)
		if err != nil {
			t.Fatalf("kubectl auth can-i --list -n %s: %v\n%s", ns, err, out)
		}
		for _, line := range strings.Split(out, "\n")[1:] {
			if i := strings.LastIndex(line, "["); i >= 0 && strings.Contains(line[i:], "*") {
				t.Errorf("-n %s: a wildcard verb: %s", ns, line)
			}
		}
		if ns == fedNamespace && !strings.Contains(out, "*.types.kubefed.io") {
			t.Errorf("-n %s: no rule for the federated types:\n%s", ns, out)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "secrets", "-n", fedNamespace}, "yes"},
		{[]string{"get", "secrets", "-n", "default"}, "no"},
		{[]string{"list", "secrets", "--all-namespaces"}, "no"},
		{[]string{"update", "leases/" + leaseID, "-n", fedNamespace}, "yes"},
		{[]string{"update", "leases/someone-elses", "-n", fedNamespace}, "no"},
		{[]string{"create", "leases", "-n", "default"}, "no"},
		{[]string{"update", "federateddeployments.types.kubefed.io", "-n", "default"}, "yes"},
		{[]string{"delete", "federateddeployments.types.kubefed.io", "-n", "default"}, "no"},
		{[]string{"patch", "kubefedclusters.core.kubefed.io", "--subresource=status", "-n", fedNamespace}, "yes"},
		{[]string{"patch", "kubefedclusters.core.kubefed.io", "--subresource=status", "-n", "default"}, "no"},
		{[]string{"update", "kubefedclusters.core.kubefed.io", "-n", fedNamespace}, "no"},
		{[]string{"create", "dnsendpoints.multiclusterdns.kubefed.io", "-n", "default"}, "yes"},
		{[]string{"delete", "dnsendpoints.multiclusterdns.kubefed.io", "-n", "default"}, "no"},
		{[]string{"update", "servicednsrecords.multiclusterdns.kubefed.io", "-n", "default"}, "no"},
		// Not exercised here (the test host has no OwnerReferencesPermissionEnforcement), but
		// clusters that enforce it refuse the DNSEndpoints' blockOwnerDeletion without it.
		{[]string{"update", "servicednsrecords.multiclusterdns.kubefed.io", "--subresource=finalizers", "-n", "default"}, "yes"},
		{[]string{"list", "pods", "--all-namespaces"}, "no"},
		{[]string{"get", "customresourcedefinitions.apiextensions.k8s.io"}, "no"},
	} {
		out, _ := kubectlQuiet(ctx, append([]string{"auth", "can-i", "--as", user}, tc.args...)...)
		if out != tc.want {
			t.Errorf("can-i %s: %q, want %s", strings.Join(tc.args, " "), out, tc.want)
		}
	}
}

var forbidden = regexp.MustCompile(`(?i)forbidden`)

// forbiddenLines are the log lines that report a refused request.
func forbiddenLines(log string) []string {
	var lines []string
	for _, l := range strings.Split(log, "\n") {
		if forbidden.MatchString(l) {
			lines = append(lines, l)
		}
	}
	return lines
}
