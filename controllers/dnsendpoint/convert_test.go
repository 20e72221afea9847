package dnsendpoint

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"

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
		if got := routing(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
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
