package e2e

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// TestDeploymentGetsReadyEndpoints proves a member behaves like a real cluster: a Deployment's
// pods are scheduled onto the fake nodes, become Ready, and appear as ready endpoints.
func TestDeploymentGetsReadyEndpoints(t *testing.T) {
	ctx := testContext(t, time.Minute)
	client := testEnv.Cluster("earth").Client()
	ns := createNamespace(t, ctx, client, "smoke-endpoints")

	labels := map[string]string{"app": "web"}
	deploy := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "web", Image: "registry.k8s.io/e2e-test-images/agnhost:2.53",
					Ports: []corev1.ContainerPort{{ContainerPort: 8080}},
				}}},
			},
		},
	}
	if _, err := client.AppsV1().Deployments(ns).Create(ctx, deploy, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating Deployment: %v", err)
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: corev1.ServiceSpec{
			Selector: labels,
			Ports:    []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}},
		},
	}
	if _, err := client.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating Service: %v", err)
	}

	var ready int
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		slices, err := client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{
			LabelSelector: discoveryv1.LabelServiceName + "=web",
		})
		if err != nil {
			return false, err
		}
		ready = countReady(slices.Items)
		return ready == 2, nil
	})
	if err != nil {
		t.Fatalf("EndpointSlices of Service web list %d ready endpoints, want 2: %v", ready, err)
	}
}

func countReady(slices []discoveryv1.EndpointSlice) int {
	n := 0
	for _, s := range slices {
		for _, ep := range s.Endpoints {
			if ep.Conditions.Ready != nil && *ep.Conditions.Ready && len(ep.Addresses) > 0 {
				n++
			}
		}
	}
	return n
}

// TestLoadBalancerStatusSubresource sets a LoadBalancer Service's address the way a cloud
// controller does: only through the status subresource; a plain update cannot set it.
func TestLoadBalancerStatusSubresource(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	client := testEnv.Cluster("vulcan").Client()
	ns := createNamespace(t, ctx, client, "smoke-lb")

	svc, err := client.CoreV1().Services(ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeLoadBalancer,
			Selector: map[string]string{"app": "web"},
			Ports:    []corev1.ServicePort{{Port: 80}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating Service: %v", err)
	}
	want := []corev1.LoadBalancerIngress{{IP: "192.0.2.10"}, {Hostname: "web.elb.example.net"}}

	svc.Status.LoadBalancer.Ingress = want
	svc, err = client.CoreV1().Services(ns).Update(ctx, svc, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("updating Service: %v", err)
	}
	if got := svc.Status.LoadBalancer.Ingress; len(got) != 0 {
		t.Fatalf("a plain update set status.loadBalancer to %v; the apiserver should ignore status there", got)
	}

	svc.Status.LoadBalancer.Ingress = want
	if _, err := client.CoreV1().Services(ns).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("updating Service status: %v", err)
	}
	got, err := client.CoreV1().Services(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading Service back: %v", err)
	}
	ingress := got.Status.LoadBalancer.Ingress
	if len(ingress) != 2 || ingress[0].IP != "192.0.2.10" || ingress[1].Hostname != "web.elb.example.net" {
		t.Fatalf("status.loadBalancer.ingress = %+v, want %+v", ingress, want)
	}
}

// TestMemberAPIServerRestart stops and starts one member's apiserver, as fault tests will.
func TestMemberAPIServerRestart(t *testing.T) {
	ctx := testContext(t, time.Minute)
	member := testEnv.Cluster("vulcan")
	client := member.Client()

	if err := member.APIServer.Stop(); err != nil {
		t.Fatalf("stopping vulcan's apiserver: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 3*time.Second)
	_, err := client.CoreV1().Nodes().List(short, metav1.ListOptions{})
	cancel()
	if err == nil {
		t.Fatal("vulcan still answers with its apiserver stopped")
	}
	if err := member.APIServer.Start(ctx); err != nil {
		t.Fatalf("starting vulcan's apiserver again: %v", err)
	}
	nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("vulcan does not answer after restart: %v", err)
	}
	if len(nodes.Items) != len(member.Zones) {
		t.Fatalf("vulcan has %d nodes after restart, want %d (its data lives in etcd)", len(nodes.Items), len(member.Zones))
	}
}

// testContext bounds a test; every e2e test starts with it, so it also skips them all under
// -short, when no environment was started.
func testContext(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	if testEnv == nil {
		t.Skip("needs the test environment (not started with -short)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}

// createNamespace creates a namespace with a generated name and deletes it when the test ends.
func createNamespace(t *testing.T, ctx context.Context, client kubernetes.Interface, prefix string) string {
	t.Helper()
	ns, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating namespace: %v", err)
	}
	t.Cleanup(func() {
		_ = client.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{})
	})
	return ns.Name
}
