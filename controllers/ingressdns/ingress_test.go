package ingressdns

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/meridian-dns/meridian/controllers/shards"
	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

func ingress(name string, lb ...networkingv1.IngressLoadBalancerIngress) *networkingv1.Ingress {
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop"},
		Status:     networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{Ingress: lb}},
	}
}

func TestReadIngress(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = networkingv1.AddToScheme(scheme)
	port := int32(443)
	member := fake.NewClientBuilder().WithScheme(scheme).WithObjects(ingress("front",
		networkingv1.IngressLoadBalancerIngress{Hostname: "lb.example.net", Ports: []networkingv1.IngressPortStatus{{Port: port, Protocol: corev1.ProtocolTCP}}},
		networkingv1.IngressLoadBalancerIngress{IP: "192.0.2.1"},
	)).Build()
	obj, found, err := readIngress(context.Background(), member, types.NamespacedName{Namespace: "shop", Name: "front"})
	if err != nil || !found {
		t.Fatalf("readIngress = %v, %v", found, err)
	}
	// KubeFed's order: by IP, then hostname, so entries with a hostname only come first.
	want := []corev1.LoadBalancerIngress{{Hostname: "lb.example.net"}, {IP: "192.0.2.1"}}
	if obj.ServiceType != "" || !apiequality.Semantic.DeepEqual(obj.LoadBalancer, want) {
		t.Fatalf("readIngress = %+v; want %+v in Service form, sorted, without ports", obj, want)
	}
	if _, found, err := readIngress(context.Background(), member, types.NamespacedName{Namespace: "shop", Name: "gone"}); found || err != nil {
		t.Fatalf("readIngress(gone) = %v, %v", found, err)
	}
}

func TestProbeHost(t *testing.T) {
	for _, tt := range []struct {
		hosts []string
		want  string
	}{
		{nil, ""},
		{[]string{"*.example.com"}, ""},
		{[]string{"*.example.com", "shop.example.com", "www.example.com"}, "shop.example.com"},
	} {
		if got := probeHost(tt.hosts); got != tt.want {
			t.Errorf("probeHost(%q) = %q, want %q", tt.hosts, got, tt.want)
		}
	}
}

func TestIngressChanged(t *testing.T) {
	a := ingress("front", networkingv1.IngressLoadBalancerIngress{IP: "192.0.2.1"})
	relabelled := a.DeepCopy()
	relabelled.Labels = map[string]string{"x": "y"}
	moved := ingress("front", networkingv1.IngressLoadBalancerIngress{IP: "192.0.2.2"})
	if (ingressChanged{}).Update(event.TypedUpdateEvent[*networkingv1.Ingress]{ObjectOld: a, ObjectNew: relabelled}) {
		t.Error("a label change passed")
	}
	if !(ingressChanged{}).Update(event.TypedUpdateEvent[*networkingv1.Ingress]{ObjectOld: a, ObjectNew: moved}) {
		t.Error("a new address did not pass")
	}
}

type noWatches struct{}

func (noWatches) Watch(source.Source) error { return nil }

// TestReconcileIngressNotFound: no member has the Ingress; the record says which, and no
// Topology condition, which only Service names have.
func TestReconcileIngressNotFound(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = v1beta1.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	rec := &v1alpha1.IngressDNSRecord{ObjectMeta: metav1.ObjectMeta{Name: "front", Namespace: "shop", Generation: 1},
		Spec: v1alpha1.IngressDNSRecordSpec{Hosts: []string{"shop.example.com"}}}
	host := fake.NewClientBuilder().WithScheme(scheme).WithObjects(rec).WithStatusSubresource(rec).Build()
	recorder := events.NewFakeRecorder(10)
	registry := cluster.NewRegistry(scheme, logr.Discard())
	c := &Controller{Host: host, Namespace: "kube-federation-system", Registry: registry, Recorder: recorder,
		Clock: clocktesting.NewFakePassiveClock(time.Now())}
	c.setUp()
	c.members = cluster.NewMemberWatches(registry, noWatches{}, logr.Discard(), c.memberSources)
	key := types.NamespacedName{Namespace: "shop", Name: "front"}
	if _, err := c.Reconcile(context.Background(), reconcile.Request{NamespacedName: key}); err != nil {
		t.Fatal(err)
	}
	got := &v1alpha1.IngressDNSRecord{}
	if err := host.Get(context.Background(), key, got); err != nil {
		t.Fatal(err)
	}
	ready := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
	if ready == nil || ready.Reason != shards.ReasonIngressNotFound || ready.Message != "Ingress shop/front not found in any member cluster" {
		t.Fatalf("Ready = %+v", ready)
	}
	if meta.FindStatusCondition(got.Status.Conditions, shards.ConditionTopology) != nil {
		t.Fatal("an IngressDNSRecord has no Topology condition")
	}
	if e := <-recorder.Events; !strings.HasPrefix(e, "Warning IngressNotFound") {
		t.Fatalf("Event %q", e)
	}
}
