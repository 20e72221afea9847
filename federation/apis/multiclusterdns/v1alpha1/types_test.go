package v1alpha1

import (
	"encoding/json"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// The manifests below are the shapes KubeFed's DNS guides show and external-dns reads; decoding
// them strictly proves every field name and nesting exists in the Go types, and re-encoding
// proves nothing is renamed or dropped on the way out.

const kubefedServiceDNS = `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata:
  name: test-service
  namespace: test-namespace
spec:
  domainRef: test-domain
  recordTTL: 300
  dnsPrefix: www
  externalName: web
  allowServiceWithoutEndpoints: true
status:
  domain: example.com
  dns:
  - cluster: cluster1
    loadBalancer:
      ingress:
      - ip: 10.0.0.1
    zones: [us-west1-b]
    region: us-west1
`

const kubefedIngressDNS = `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: IngressDNSRecord
metadata:
  name: test-ingress
  namespace: test-namespace
spec:
  hosts:
  - ingress.example.com
  recordTTL: 300
status:
  dns:
  - cluster: cluster1
    loadBalancer:
      ingress:
      - hostname: lb.example.net
`

const kubefedDomain = `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata:
  name: test-domain
  namespace: kube-federation-system
domain: your.domain.name
nameServer: ns1.your.domain.name
`

// externalDNSEndpoint uses every field of external-dns's endpoint.Endpoint, with its JSON names.
const externalDNSEndpoint = `{
  "apiVersion": "multiclusterdns.kubefed.io/v1alpha1",
  "kind": "DNSEndpoint",
  "metadata": {"name": "service-test-service", "namespace": "test-namespace"},
  "spec": {"endpoints": [{
    "dnsName": "test-service.test-namespace.test-domain.svc.example.com",
    "targets": ["10.0.0.1", "10.0.0.2"],
    "recordType": "A",
    "setIdentifier": "cluster1",
    "recordTTL": 300,
    "labels": {"cluster": "cluster1"},
    "providerSpecific": [{"name": "aws/weight", "value": "10"}]
  }]},
  "status": {"observedGeneration": 2}
}`

func TestKubeFedShapesDecodeStrictly(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		into any
	}{
		{"ServiceDNSRecord", kubefedServiceDNS, &ServiceDNSRecord{}},
		{"IngressDNSRecord", kubefedIngressDNS, &IngressDNSRecord{}},
		{"Domain", kubefedDomain, &Domain{}},
		{"DNSEndpoint", externalDNSEndpoint, &DNSEndpoint{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := yaml.UnmarshalStrict([]byte(tc.doc), tc.into); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			out, err := json.Marshal(tc.into)
			if err != nil {
				t.Fatal(err)
			}
			var want, got map[string]any
			if err := yaml.Unmarshal([]byte(tc.doc), &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			// Encoding adds an empty metadata.creationTimestamp and, for kinds without a status
			// in the input, an empty status; neither is part of the comparison.
			if md, ok := got["metadata"].(map[string]any); ok {
				delete(md, "creationTimestamp")
			}
			if s, ok := got["status"].(map[string]any); ok && len(s) == 0 {
				delete(got, "status")
			}
			if !reflect.DeepEqual(want, got) {
				t.Errorf("round trip changed the object:\nwant %v\ngot  %v", want, got)
			}
		})
	}
}

func TestTTLOrDefault(t *testing.T) {
	for _, tc := range []struct{ in, want TTL }{
		{0, 180},
		{-1, 180},
		{1, 1},
		{300, 300},
		{2147483647, 2147483647},
	} {
		if got := tc.in.OrDefault(); got != tc.want {
			t.Errorf("TTL(%d).OrDefault() = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestEffectiveStrategy(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   *Routing
		want RoutingStrategy
	}{
		{"no routing", nil, RoutingNearest},
		{"no strategy", &Routing{}, RoutingNearest},
		{"weighted", &Routing{Strategy: RoutingWeighted}, RoutingWeighted},
		{"failover", &Routing{Strategy: RoutingFailover}, RoutingFailover},
		{"all", &Routing{Strategy: RoutingAll}, RoutingAll},
	} {
		if got := tc.in.EffectiveStrategy(); got != tc.want {
			t.Errorf("%s: EffectiveStrategy() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestAddToSchemeRegistersEveryKind(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"Domain", "ServiceDNSRecord", "IngressDNSRecord", "DNSEndpoint"} {
		for _, k := range []string{kind, kind + "List"} {
			if !scheme.Recognizes(SchemeGroupVersion.WithKind(k)) {
				t.Errorf("%s is not registered in %s", k, SchemeGroupVersion)
			}
		}
	}
}
