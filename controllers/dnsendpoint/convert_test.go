package dnsendpoint

import (
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

func TestServiceShardsFollowKubeFedEncoding(t *testing.T) {
	dns := []v1alpha1.ClusterDNS{
		{Cluster: "earth", Region: "us-east-1", Zones: []string{"us-east-1a"},
			LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "192.0.2.1"}, {Hostname: "lb.example.net"}, {}}}},
		{Cluster: "vulcan", Region: "eu-west-1"},
	}
	want := []Shard{
		{Cluster: "earth", Region: "us-east-1", Zones: []string{"us-east-1a"}, Healthy: true,
			LoadBalancer: []LoadBalancerIngress{{IP: "192.0.2.1"}, {Hostname: "lb.example.net"}}},
		{Cluster: "vulcan", Region: "eu-west-1"},
	}
	got := serviceShards(dns)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("shards\n got %+v\nwant %+v", got, want)
	}
}

func TestRoutingConversion(t *testing.T) {
	tests := []struct {
		name string
		in   *v1alpha1.Routing
		want Routing
	}{
		{"absent is nearest", nil, Routing{Strategy: StrategyNearest}},
		{"weighted keeps the weights", &v1alpha1.Routing{Strategy: v1alpha1.RoutingWeighted, Weights: map[string]int32{"earth": 3}},
			Routing{Strategy: StrategyWeighted, Weights: map[string]int64{"earth": 3}}},
		{"failover keeps the order", &v1alpha1.Routing{Strategy: v1alpha1.RoutingFailover, Failover: []string{"vulcan", "earth"}},
			Routing{Strategy: StrategyFailover, FailoverOrder: []string{"vulcan", "earth"}}},
	}
	for _, tt := range tests {
		if got := routing(tt.in, nil); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestHealthCheckProperty(t *testing.T) {
	interval := metav1.Duration{Duration: 30 * time.Second}
	for _, tc := range []struct {
		in   *v1alpha1.HealthCheck
		want string
	}{
		{nil, ""},
		{&v1alpha1.HealthCheck{Port: 8080}, "protocol=HTTP,port=8080,path=/,interval=10,failureThreshold=3"},
		{&v1alpha1.HealthCheck{Protocol: v1alpha1.HealthCheckHTTPS, Port: 443, Path: "/healthz", Interval: &interval, FailureThreshold: 5},
			"protocol=HTTPS,port=443,path=/healthz,interval=30,failureThreshold=5"},
		{&v1alpha1.HealthCheck{Protocol: v1alpha1.HealthCheckTCP, Port: 5432}, "protocol=TCP,port=5432,interval=10,failureThreshold=3"},
	} {
		if got := healthCheckProperty(tc.in); got != tc.want {
			t.Errorf("healthCheckProperty(%+v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAPIEndpointsCopyEveryField(t *testing.T) {
	in := []Endpoint{{DNSName: "a.example.com", Targets: []string{"192.0.2.1"}, RecordType: "A", RecordTTL: 60,
		Labels: map[string]string{LabelCluster: "earth"}, SetIdentifier: "earth",
		ProviderSpecific: []ProviderSpecificProperty{{Name: "aws/region", Value: "us-east-1"}}}}
	want := []v1alpha1.Endpoint{{DNSName: "a.example.com", Targets: v1alpha1.Targets{"192.0.2.1"}, RecordType: "A", RecordTTL: 60,
		Labels: v1alpha1.Labels{LabelCluster: "earth"}, SetIdentifier: "earth",
		ProviderSpecific: v1alpha1.ProviderSpecific{{Name: "aws/region", Value: "us-east-1"}}}}
	if got := apiEndpoints(in); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// An Ingress's shards carry their cluster's location, so its per-cluster endpoints can be
// routed by nearness like a Service's.
func TestIngressShardsCarryTheirLocation(t *testing.T) {
	dns := []v1alpha1.ClusterIngressDNS{{Cluster: "earth", Region: "us-east-1", Zones: []string{"us-east-1a"},
		LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "192.0.2.1"}}}}}
	shards := ingressShards(dns)
	want := []Shard{{Cluster: "earth", Region: "us-east-1", Zones: []string{"us-east-1a"}, Healthy: true,
		LoadBalancer: []LoadBalancerIngress{{IP: "192.0.2.1"}}}}
	if !reflect.DeepEqual(shards, want) {
		t.Fatalf("shards\n got %+v\nwant %+v", shards, want)
	}
	res, err := Build(ingress(StrategyNearest, "shop.example.org"), shards)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Endpoints) != 1 || res.Endpoints[0].Labels[LabelRegion] != "us-east-1" {
		t.Fatalf("endpoints %+v: want one for shop.example.org labelled with region us-east-1", res.Endpoints)
	}
}
