package allinone

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/meridian-dns/meridian/examples"
)

func TestLoadBalancerAddressesGroupRegions(t *testing.T) {
	members := []Member{{Region: "us-east-1"}, {Region: "eu-west-1"}, {Region: "us-east-1"}, {Region: "a"}, {Region: "b"}}
	got := loadBalancerAddresses(members)
	want := []string{"192.0.2.10", "198.51.100.10", "192.0.2.11", "203.0.113.10", "100.64.3.10"}
	if !slices.Equal(got, want) {
		t.Errorf("loadBalancerAddresses = %v, want %v", got, want)
	}
}

func TestClientSubnetsAndCorefile(t *testing.T) {
	subnets := clientSubnets([]Member{{Region: "us-east-1"}, {Region: "us-east-1"}, {Region: ""}, {Region: "eu-west-1"}})
	want := []RegionSubnet{{"us-east-1", "10.1.0.0/16"}, {"eu-west-1", "10.2.0.0/16"}}
	if !slices.Equal(subnets, want) {
		t.Fatalf("clientSubnets = %v, want %v", subnets, want)
	}
	conf := corefile("http://127.0.0.1:1,http://127.0.0.1:2", subnets)
	for _, line := range []string{"meridian.test {", "bind 127.0.0.1", "gslb meridian.test {", "endpoint http://127.0.0.1:1 http://127.0.0.1:2",
		"client 10.1.0.0/16 region us-east-1", "client 10.2.0.0/16 region eu-west-1"} {
		if !strings.Contains(conf, line) {
			t.Errorf("Corefile lacks %q:\n%s", line, conf)
		}
	}
	if got := clientIn("10.2.0.0/16"); got != "10.2.7.0/24" {
		t.Errorf("clientIn = %s", got)
	}
}

func TestECSOption(t *testing.T) {
	e, err := ecsOption("10.2.7.9/24")
	if err != nil || e.SourceNetmask != 24 || e.Address.String() != "10.2.7.0" {
		t.Errorf("ecsOption = %+v, %v", e, err)
	}
	for _, bad := range []string{"10.2.7.0", "2001:db8::/32", "x/8"} {
		if _, err := ecsOption(bad); err == nil {
			t.Errorf("ecsOption(%q) accepted", bad)
		}
	}
}

// The example's Domain must be the zone the stack serves, and its record the name the tour
// asks for.
func TestExamplesMatchTheStack(t *testing.T) {
	var kinds []string
	for _, name := range examples.Order {
		data, err := examples.Manifests.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
		for {
			obj := &unstructured.Unstructured{}
			if err := decoder.Decode(&obj.Object); err != nil {
				break
			}
			kinds = append(kinds, obj.GetKind())
			switch obj.GetKind() {
			case "Domain":
				if domain, _, _ := unstructured.NestedString(obj.Object, "domain"); domain != Zone {
					t.Errorf("examples/%s: Domain %s is for %q, the stack serves %q", name, obj.GetName(), domain, Zone)
				}
				if !strings.Contains(GlobalName, ".svc.") || !strings.Contains(GlobalName, "."+obj.GetName()+".svc.") {
					t.Errorf("GlobalName %s does not name Domain %s", GlobalName, obj.GetName())
				}
			case "ServiceDNSRecord":
				if want := obj.GetName() + "." + obj.GetNamespace() + "."; !strings.HasPrefix(GlobalName, want) {
					t.Errorf("GlobalName %s is not ServiceDNSRecord %s/%s's", GlobalName, obj.GetNamespace(), obj.GetName())
				}
			}
		}
	}
	for _, want := range []string{"FederatedTypeConfig", "FederatedNamespace", "FederatedDeployment", "FederatedService", "Domain", "ServiceDNSRecord"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("examples lack a %s (have %v)", want, kinds)
		}
	}
}
