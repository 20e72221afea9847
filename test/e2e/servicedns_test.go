package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

// The record tests publish documentation addresses (192.0.2.x, 198.51.100.x), which nothing
// contacts, except the health-check test, whose load balancers are test servers on 127.x.

// sdrLab is a Domain and a ServiceDNSRecord for Service web in namespace sdr-lab, in KubeFed's
// YAML, and a record whose Domain does not exist.
const sdrLab = `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata: {name: sdr, namespace: kube-federation-system}
domain: sdr.example.com
---
apiVersion: v1
kind: Namespace
metadata: {name: sdr-lab}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: web, namespace: sdr-lab}
spec:
  domainRef: sdr
  recordTTL: 60
`

// TestServiceDNSRecordStatus follows one Service in earth and vulcan into the record's status,
// in KubeFed's encoding, through a shard losing its endpoints and a member going down.
func TestServiceDNSRecordStatus(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	setUpFederation(t, ctx)
	joinMembers(t, ctx)
	applyYAML(t, ctx, "sdr-lab", sdrLab)
	host := hostClient(t)
	earth, vulcan := testEnv.Cluster("earth").Client(), testEnv.Cluster("vulcan").Client()
	runLoadBalancedService(t, ctx, earth, "sdr-lab", "web", "192.0.2.21")
	runLoadBalancedService(t, ctx, vulcan, "sdr-lab", "web", "198.51.100.21")
	web := types.NamespacedName{Namespace: "sdr-lab", Name: "web"}

	const bothHealthy = "earth=192.0.2.21@us-east-1/us-east-1a vulcan=198.51.100.21@eu-west-1/eu-west-1a"
	r := waitServiceDNS(t, ctx, host, web, 30*time.Second, "both shards in status.dns", bothHealthy)
	if r.Status.Domain != "sdr.example.com" || r.Status.ObservedGeneration != r.Generation {
		t.Fatalf("status.domain %q, observedGeneration %d (generation %d)", r.Status.Domain, r.Status.ObservedGeneration, r.Generation)
	}
	assertCondition(t, r.Status.Conditions, v1alpha1.ConditionReady, "True", "ShardsHealthy", "2 of 2 shards healthy (earth, vulcan)")
	assertCondition(t, r.Status.Conditions, "Topology", "True", "TopologyLabeled", "")

	t.Run("a shard without ready endpoints loses its load balancer, and gets it back", func(t *testing.T) {
		scaleDeployment(t, ctx, earth, web, 0)
		start := time.Now()
		r := waitServiceDNS(t, ctx, host, web, 10*time.Second, "earth's load balancer cleared",
			"earth=-@us-east-1/us-east-1a vulcan=198.51.100.21@eu-west-1/eu-west-1a")
		t.Logf("earth left status.dns %v after its scale-down", time.Since(start).Round(10*time.Millisecond))
		assertCondition(t, r.Status.Conditions, v1alpha1.ConditionReady, "True", "ShardsHealthy",
			`1 of 2 shards healthy (vulcan). Not serving: Service in cluster "earth" has no ready endpoints`)
		scaleDeployment(t, ctx, earth, web, 1)
		waitServiceDNS(t, ctx, host, web, 10*time.Second, "earth back", bothHealthy)
	})

	t.Run("every shard down: Ready says DNS keeps the last addresses", func(t *testing.T) {
		scaleDeployment(t, ctx, earth, web, 0)
		scaleDeployment(t, ctx, vulcan, web, 0)
		r := waitServiceDNS(t, ctx, host, web, 10*time.Second, "both cleared",
			"earth=-@us-east-1/us-east-1a vulcan=-@eu-west-1/eu-west-1a")
		assertCondition(t, r.Status.Conditions, v1alpha1.ConditionReady, "False", "NoHealthyShards", "DNS keeps serving the last published addresses")
		waitRecordEvent(t, ctx, "sdr-lab", "web", "NoHealthyShards")
		scaleDeployment(t, ctx, earth, web, 1)
		scaleDeployment(t, ctx, vulcan, web, 1)
		waitServiceDNS(t, ctx, host, web, 10*time.Second, "both back", bothHealthy)
	})

	t.Run("a record whose Domain does not exist says so", func(t *testing.T) {
		applyYAML(t, ctx, "sdr-orphan", `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: web-orphan, namespace: sdr-lab}
spec: {domainRef: missing}
`)
		key := types.NamespacedName{Namespace: "sdr-lab", Name: "web-orphan"}
		eventually(t, ctx, 30*time.Second, "DomainNotFound", func(ctx context.Context) (bool, error) {
			r := &v1alpha1.ServiceDNSRecord{}
			if err := host.Get(ctx, key, r); err != nil {
				return false, err
			}
			c := meta.FindStatusCondition(r.Status.Conditions, v1alpha1.ConditionReady)
			return c != nil && c.Reason == "DomainNotFound" &&
				c.Message == `Domain "missing" (spec.domainRef) not found in namespace "kube-federation-system"`, fmt.Errorf("Ready %+v", c)
		})
		waitRecordEvent(t, ctx, "sdr-lab", "web-orphan", "DomainNotFound")
		// The other record is not disturbed.
		waitServiceDNS(t, ctx, host, web, time.Second, "web unchanged", bothHealthy)
	})

	t.Run("a Service that is not a LoadBalancer is named", func(t *testing.T) {
		for _, c := range []kubernetes.Interface{earth, vulcan} {
			runService(t, ctx, c, "sdr-lab", "plain", corev1.ServiceTypeClusterIP)
		}
		applyYAML(t, ctx, "sdr-plain", `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: plain, namespace: sdr-lab}
spec: {domainRef: sdr}
`)
		key := types.NamespacedName{Namespace: "sdr-lab", Name: "plain"}
		r := waitServiceDNS(t, ctx, host, key, 30*time.Second, "entries without load balancers",
			"earth=-@us-east-1/us-east-1a vulcan=-@eu-west-1/eu-west-1a")
		assertCondition(t, r.Status.Conditions, v1alpha1.ConditionReady, "False", "NotLoadBalancer",
			`Service in cluster "earth" is of type ClusterIP, not LoadBalancer`)
		waitRecordEvent(t, ctx, "sdr-lab", "plain", "NotLoadBalancer")
	})

	// Last: after a member's API server restarts, the member cache can stay stale in the full
	// suite (a known issue, see the issue 5 note), which later steps here would trip over.
	t.Run("a member that goes down keeps its entry without a load balancer", func(t *testing.T) {
		member := testEnv.Cluster("vulcan")
		if err := member.APIServer.Stop(); err != nil {
			t.Fatal(err)
		}
		restarted := false
		t.Cleanup(func() {
			if !restarted {
				_ = member.APIServer.Start(context.Background())
			}
		})
		r := waitServiceDNS(t, ctx, host, web, 30*time.Second, "vulcan cleared while down",
			"earth=192.0.2.21@us-east-1/us-east-1a vulcan=-@eu-west-1/eu-west-1a")
		assertCondition(t, r.Status.Conditions, v1alpha1.ConditionReady, "True", "ShardsHealthy", `Cluster "vulcan" is not ready`)
		if err := member.APIServer.Start(ctx); err != nil {
			t.Fatal(err)
		}
		restarted = true
		waitServiceDNS(t, ctx, host, web, time.Minute, "vulcan back", bothHealthy)
	})
}

// TestServiceDNSRecordHealthCheck publishes two shards whose load balancers are HTTP servers on
// 127.0.0.21 and 127.0.0.22 (same port, as a health check has one port) and turns earth's
// answers to 500 and back.
func TestServiceDNSRecordHealthCheck(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	setUpFederation(t, ctx)
	joinMembers(t, ctx)
	earthOK, port := healthServer(t, "127.0.0.21", 0)
	marsOK, _ := healthServer(t, "127.0.0.22", port)
	applyYAML(t, ctx, "sdr-probed", fmt.Sprintf(`apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata: {name: sdr, namespace: kube-federation-system}
domain: sdr.example.com
---
apiVersion: v1
kind: Namespace
metadata: {name: sdr-probed}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: web, namespace: sdr-probed}
spec:
  domainRef: sdr
  healthCheck: {protocol: HTTP, port: %d, path: /healthz, interval: 1s, timeout: 500ms, failureThreshold: 2, successThreshold: 2}
`, port))
	host := hostClient(t)
	runLoadBalancedService(t, ctx, testEnv.Cluster("earth").Client(), "sdr-probed", "web", "127.0.0.21")
	runLoadBalancedService(t, ctx, testEnv.Cluster("mars").Client(), "sdr-probed", "web", "127.0.0.22")
	web := types.NamespacedName{Namespace: "sdr-probed", Name: "web"}
	const bothHealthy = "earth=127.0.0.21@us-east-1/us-east-1a mars=127.0.0.22@us-east-1/us-east-1b"
	waitServiceDNS(t, ctx, host, web, 30*time.Second, "both shards probed and published", bothHealthy)

	earthOK.Store(false)
	start := time.Now()
	// Two failures one second apart, plus a probe timeout and a reconcile.
	r := waitServiceDNS(t, ctx, host, web, 10*time.Second, "earth cleared by its failing probe",
		"earth=-@us-east-1/us-east-1a mars=127.0.0.22@us-east-1/us-east-1b")
	t.Logf("earth left status.dns %v after its health endpoint started failing", time.Since(start).Round(10*time.Millisecond))
	assertCondition(t, r.Status.Conditions, v1alpha1.ConditionReady, "True", "ShardsHealthy", `Health check failing in cluster "earth": 127.0.0.21`)
	if !marsOK.Load() {
		t.Fatal("mars's server must stay healthy")
	}

	earthOK.Store(true)
	start = time.Now()
	waitServiceDNS(t, ctx, host, web, 10*time.Second, "earth back after two good probes", bothHealthy)
	t.Logf("earth came back %v after its health endpoint recovered", time.Since(start).Round(10*time.Millisecond))
}

// TestIngressDNSRecordStatus follows an Ingress in earth and vulcan into an IngressDNSRecord.
func TestIngressDNSRecordStatus(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	setUpFederation(t, ctx)
	joinMembers(t, ctx)
	applyYAML(t, ctx, "idr-lab", `apiVersion: v1
kind: Namespace
metadata: {name: idr-lab}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: IngressDNSRecord
metadata: {name: front, namespace: idr-lab}
spec:
  hosts: [front.sdr.example.com]
  recordTTL: 300
`)
	host := hostClient(t)
	lbs := map[string]networkingv1.IngressLoadBalancerIngress{
		"earth":  {IP: "192.0.2.31"},
		"vulcan": {Hostname: "front.lb.example.net"},
	}
	for name, lb := range lbs {
		runIngress(t, ctx, testEnv.Cluster(name).Client(), "idr-lab", "front", lb)
	}
	key := types.NamespacedName{Namespace: "idr-lab", Name: "front"}
	var r v1alpha1.IngressDNSRecord
	eventually(t, ctx, 30*time.Second, "both Ingresses in status.dns", func(ctx context.Context) (bool, error) {
		if err := host.Get(ctx, key, &r); err != nil {
			return false, err
		}
		got := ingressLine(r.Status.DNS)
		return got == "earth=192.0.2.31 vulcan=front.lb.example.net", fmt.Errorf("status.dns %q", got)
	})
	assertCondition(t, r.Status.Conditions, v1alpha1.ConditionReady, "True", "ShardsHealthy", "2 of 2 shards healthy (earth, vulcan)")
	if meta.FindStatusCondition(r.Status.Conditions, "Topology") != nil {
		t.Fatal("an IngressDNSRecord has no Topology condition")
	}
}

// serviceLine renders status.dns as "cluster=address,...@region/zone,..." per entry, with "-"
// for a cleared load balancer.
func serviceLine(dns []v1alpha1.ClusterDNS) string {
	var parts []string
	for _, d := range dns {
		parts = append(parts, fmt.Sprintf("%s=%s@%s/%s", d.Cluster, lbLine(d.LoadBalancer), d.Region, strings.Join(d.Zones, ",")))
	}
	return strings.Join(parts, " ")
}

func ingressLine(dns []v1alpha1.ClusterIngressDNS) string {
	var parts []string
	for _, d := range dns {
		parts = append(parts, d.Cluster+"="+lbLine(d.LoadBalancer))
	}
	return strings.Join(parts, " ")
}

func lbLine(lb corev1.LoadBalancerStatus) string {
	var addrs []string
	for _, e := range lb.Ingress {
		addrs = append(addrs, e.IP+e.Hostname)
	}
	if len(addrs) == 0 {
		return "-"
	}
	return strings.Join(addrs, ",")
}

// waitServiceDNS waits until the record's status.dns renders as want, and returns the record.
func waitServiceDNS(t *testing.T, ctx context.Context, host client.Client, key types.NamespacedName, timeout time.Duration, what, want string) *v1alpha1.ServiceDNSRecord {
	t.Helper()
	r := &v1alpha1.ServiceDNSRecord{}
	eventually(t, ctx, timeout, what, func(ctx context.Context) (bool, error) {
		if err := host.Get(ctx, key, r); err != nil {
			return false, err
		}
		got := serviceLine(r.Status.DNS)
		return got == want, fmt.Errorf("status.dns %q, want %q", got, want)
	})
	return r
}

// assertCondition checks a condition's status and reason, and that its message contains msg.
func assertCondition(t *testing.T, conds []metav1.Condition, typ, status, reason, msg string) {
	t.Helper()
	c := meta.FindStatusCondition(conds, typ)
	if c == nil || string(c.Status) != status || c.Reason != reason || !strings.Contains(c.Message, msg) {
		t.Fatalf("%s condition %+v; want %s, %s, a message containing %q", typ, c, status, reason, msg)
	}
}

// waitRecordEvent waits for an Event with the given reason about the named record.
func waitRecordEvent(t *testing.T, ctx context.Context, ns, name, reason string) {
	t.Helper()
	eventually(t, ctx, 10*time.Second, reason+" Event", func(ctx context.Context) (bool, error) {
		out := kubectl(t, ctx, "get", "events", "-n", ns, "--field-selector",
			"involvedObject.name="+name+",reason="+reason, "-o", "jsonpath={.items[*].type}")
		return strings.Contains(out, "Warning"), fmt.Errorf("events %q", out)
	})
}

// ensureMemberNamespace creates ns in a member if needed, and removes it when the test ends.
func ensureMemberNamespace(t testing.TB, ctx context.Context, c kubernetes.Interface, ns string) {
	t.Helper()
	_, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	switch {
	case apierrors.IsAlreadyExists(err):
	case err != nil:
		t.Fatal(err)
	default:
		t.Cleanup(func() { _ = c.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	}
}

// runService creates, directly in a member, a one-replica Deployment and a Service of the
// given type in front of it.
func runService(t testing.TB, ctx context.Context, c kubernetes.Interface, ns, name string, typ corev1.ServiceType) *corev1.Service {
	t.Helper()
	ensureMemberNamespace(t, ctx, c, ns)
	labels := map[string]string{"app": name}
	deploy := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: name, Image: "registry.k8s.io/e2e-test-images/agnhost:2.53"}}}}},
	}
	if _, err := c.AppsV1().Deployments(ns).Create(ctx, deploy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	svc, err := c.CoreV1().Services(ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       corev1.ServiceSpec{Type: typ, Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// runLoadBalancedService is runService with type LoadBalancer and the address ip set through
// the status subresource, as a cloud's controller would.
func runLoadBalancedService(t testing.TB, ctx context.Context, c kubernetes.Interface, ns, name, ip string) {
	t.Helper()
	svc := runService(t, ctx, c, ns, name, corev1.ServiceTypeLoadBalancer)
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: ip}}
	if _, err := c.CoreV1().Services(ns).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// runIngress creates an Ingress in a member and sets its load balancer through the status
// subresource, as an ingress controller would.
func runIngress(t *testing.T, ctx context.Context, c kubernetes.Interface, ns, name string, lb networkingv1.IngressLoadBalancerIngress) {
	t.Helper()
	ensureMemberNamespace(t, ctx, c, ns)
	ing, err := c.NetworkingV1().Ingresses(ns).Create(ctx, &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{
			Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Number: 80}}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ing.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{lb}
	if _, err := c.NetworkingV1().Ingresses(ns).UpdateStatus(ctx, ing, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// scaleDeployment sets a member Deployment's replicas, retrying when the Deployment's own
// controller wrote it in between.
func scaleDeployment(t testing.TB, ctx context.Context, c kubernetes.Interface, key types.NamespacedName, replicas int32) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		s, err := c.AppsV1().Deployments(key.Namespace).GetScale(ctx, key.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		s.Spec.Replicas = replicas
		_, err = c.AppsV1().Deployments(key.Namespace).UpdateScale(ctx, key.Name, s, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("scaling %s to %d: %v", key, replicas, err)
	}
}

// healthServer serves /healthz on addr:port (0: any port) with 200 while the returned flag is
// true and 500 otherwise, until the test ends.
func healthServer(t *testing.T, addr string, port int) (*atomic.Bool, int) {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(addr, fmt.Sprint(port)))
	if err != nil {
		t.Fatalf("listening on %s:%d: %v", addr, port, err)
	}
	ok := &atomic.Bool{}
	ok.Store(true)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || !ok.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ok, l.Addr().(*net.TCPAddr).Port
}
