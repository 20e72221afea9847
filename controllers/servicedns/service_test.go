package servicedns

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

func slice(name, service string, ready ...bool) *discoveryv1.EndpointSlice {
	s := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: name, Namespace: "shop", Labels: map[string]string{discoveryv1.LabelServiceName: service}},
		AddressType: discoveryv1.AddressTypeIPv4,
	}
	for i, r := range ready {
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{
			Addresses:  []string{"10.0.0." + string(rune('1'+i))},
			Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(r)},
		})
	}
	return s
}

func TestReadService(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = corev1.AddToScheme(scheme)
	_ = discoveryv1.AddToScheme(scheme)
	member := fake.NewClientBuilder().WithScheme(scheme).WithObjects(
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
			Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer},
			Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{
				{IP: "192.0.2.1", Ports: []corev1.PortStatus{{Port: 80, Protocol: corev1.ProtocolTCP}}}}}},
		},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "plain", Namespace: "shop"}},
		slice("web-a", "web", true, false),
		slice("web-b", "web", true),
		slice("db-a", "db", true, true, true),
	).Build()
	ctx := context.Background()

	obj, found, err := readService(ctx, member, types.NamespacedName{Namespace: "shop", Name: "web"})
	if err != nil || !found {
		t.Fatalf("readService(web) = %v, %v", found, err)
	}
	if obj.ServiceType != corev1.ServiceTypeLoadBalancer || obj.ReadyEndpoints != 1 ||
		len(obj.LoadBalancer) != 1 || obj.LoadBalancer[0].IP != "192.0.2.1" || obj.LoadBalancer[0].Ports != nil {
		// 10.0.0.1 is ready in both of web's slices: one endpoint.
		t.Fatalf("readService(web) = %+v; want LoadBalancer, 1 ready endpoint, 192.0.2.1 without ports", obj)
	}
	obj, found, err = readService(ctx, member, types.NamespacedName{Namespace: "shop", Name: "plain"})
	if err != nil || !found || obj.ServiceType != corev1.ServiceTypeClusterIP || obj.ReadyEndpoints != 0 {
		t.Fatalf("readService(plain) = %+v, %v, %v; want a ClusterIP Service without endpoints", obj, found, err)
	}
	if _, found, err := readService(ctx, member, types.NamespacedName{Namespace: "shop", Name: "gone"}); found || err != nil {
		t.Fatalf("readService(gone) = %v, %v; want not found, no error", found, err)
	}
}

func TestSliceService(t *testing.T) {
	if key, ok := sliceService(slice("web-a", "web")); !ok || key != (types.NamespacedName{Namespace: "shop", Name: "web"}) {
		t.Fatalf("sliceService = %v, %v", key, ok)
	}
	if _, ok := sliceService(slice("orphan", "")); ok {
		t.Fatal("a slice without the service-name label has no record")
	}
}

func TestMemberPredicates(t *testing.T) {
	lb := func(t corev1.ServiceType, ips ...string) *corev1.Service {
		s := &corev1.Service{Spec: corev1.ServiceSpec{Type: t}}
		for _, ip := range ips {
			s.Status.LoadBalancer.Ingress = append(s.Status.LoadBalancer.Ingress, corev1.LoadBalancerIngress{IP: ip})
		}
		s.Annotations = map[string]string{"rev": string(rune('a' + len(ips)))}
		return s
	}
	services := []struct {
		name     string
		old, new *corev1.Service
		want     bool
	}{
		{"an annotation", lb("LoadBalancer", "192.0.2.1"), func() *corev1.Service { s := lb("LoadBalancer", "192.0.2.1"); s.Annotations["x"] = "y"; return s }(), false},
		{"an address", lb("LoadBalancer"), lb("LoadBalancer", "192.0.2.1"), true},
		{"the type", lb("LoadBalancer"), lb("NodePort"), true},
		{"the order of addresses", lb("LoadBalancer", "192.0.2.1", "192.0.2.2"), lb("LoadBalancer", "192.0.2.2", "192.0.2.1"), false},
	}
	for _, tt := range services {
		if got := (serviceChanged{}).Update(event.TypedUpdateEvent[*corev1.Service]{ObjectOld: tt.old, ObjectNew: tt.new}); got != tt.want {
			t.Errorf("Service update %s: passed %v, want %v", tt.name, got, tt.want)
		}
	}
	slices := []struct {
		name     string
		old, new *discoveryv1.EndpointSlice
		want     bool
	}{
		{"first ready endpoint", slice("a", "web", false), slice("a", "web", true), true},
		{"last ready endpoint gone", slice("a", "web", true, false), slice("a", "web", false, false), true},
		{"one more ready endpoint", slice("a", "web", true), slice("a", "web", true, true), false},
		{"still none ready", slice("a", "web"), slice("a", "web", false), false},
	}
	for _, tt := range slices {
		if got := (sliceReadinessChanged{}).Update(event.TypedUpdateEvent[*discoveryv1.EndpointSlice]{ObjectOld: tt.old, ObjectNew: tt.new}); got != tt.want {
			t.Errorf("EndpointSlice update %s: passed %v, want %v", tt.name, got, tt.want)
		}
	}
}
