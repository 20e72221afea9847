package publish

import (
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/controllers/dnsendpoint"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/plan"
)

var testZones = []string{"example.com"}

func endpoint(name, recordType string, targets ...string) v1alpha1.Endpoint {
	return v1alpha1.Endpoint{DNSName: name, RecordType: recordType, Targets: targets}
}

func dnsEndpoint(endpoints ...v1alpha1.Endpoint) *v1alpha1.DNSEndpoint {
	return &v1alpha1.DNSEndpoint{
		ObjectMeta: metav1.ObjectMeta{Name: "service-web", Namespace: "shop"},
		Spec:       v1alpha1.DNSEndpointSpec{Endpoints: endpoints},
	}
}

func ptr[T any](v T) *T { return &v }

func TestDesiredConvertsEveryField(t *testing.T) {
	routed := endpoint("Web.Shop.Prod.svc.example.com.", "A", "192.0.2.2", "192.0.2.1", "192.0.2.1")
	routed.SetIdentifier = "earth"
	routed.RecordTTL = 30
	routed.Labels = v1alpha1.Labels{
		dnsendpoint.LabelCluster: "earth", dnsendpoint.LabelRegion: "us-east-1",
		dnsendpoint.LabelZones: "us-east-1b,us-east-1a", dnsendpoint.LabelWeight: "3",
		dnsendpoint.LabelFailoverPriority: "1",
	}
	routed.ProviderSpecific = v1alpha1.ProviderSpecific{{Name: dnsendpoint.PropertyRoutingPolicy, Value: "weighted"},
		{Name: dnsendpoint.PropertyHealthCheck, Value: "protocol=HTTPS,port=443,path=/healthz,interval=30,failureThreshold=2"}}
	ep := dnsEndpoint(
		routed,
		endpoint("alias.example.com", "CNAME", "Web.Shop.Prod.svc.example.com."),
		endpoint("v6.example.com", "AAAA", "2001:db8:0:0::1"),
		endpoint("plain.example.com", "", "192.0.2.9"),
		endpoint("txt.example.com", "TXT", "hello world"),
	)
	got, problems := Desired(ep, testZones, DefaultRecordTypes)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := []providers.Record{
		{Name: "alias.example.com", Type: "CNAME", TTL: 180, Targets: []string{"web.shop.prod.svc.example.com"}},
		{Name: "plain.example.com", Type: "A", TTL: 180, Targets: []string{"192.0.2.9"}},
		{Name: "txt.example.com", Type: "TXT", TTL: 180, Targets: []string{"hello world"}},
		{Name: "v6.example.com", Type: "AAAA", TTL: 180, Targets: []string{"2001:db8::1"}},
		{Name: "web.shop.prod.svc.example.com", Type: "A", SetIdentifier: "earth", TTL: 30,
			Targets: []string{"192.0.2.1", "192.0.2.2"}, Cluster: "earth", Region: "us-east-1",
			Zones: []string{"us-east-1a", "us-east-1b"}, Routing: "weighted", Weight: ptr(int64(3)), FailoverPriority: ptr(1),
			HealthCheck: &providers.HealthCheck{Protocol: "HTTPS", Port: 443, Path: "/healthz", IntervalSeconds: 30, FailureThreshold: 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Desired:\n got %+v\nwant %+v", got, want)
	}
}

func TestDesiredReportsTheField(t *testing.T) {
	badWeight := endpoint("w.example.com", "A", "192.0.2.1")
	badWeight.Labels = v1alpha1.Labels{dnsendpoint.LabelWeight: "heavy"}
	badPriority := endpoint("p.example.com", "A", "192.0.2.1")
	badPriority.Labels = v1alpha1.Labels{dnsendpoint.LabelFailoverPriority: "-1"}
	badPolicy := endpoint("r.example.com", "A", "192.0.2.1")
	badPolicy.ProviderSpecific = v1alpha1.ProviderSpecific{{Name: dnsendpoint.PropertyRoutingPolicy, Value: "random"}}
	badCheck := endpoint("h.example.com", "A", "192.0.2.1")
	badCheck.ProviderSpecific = v1alpha1.ProviderSpecific{{Name: dnsendpoint.PropertyHealthCheck, Value: "protocol=UDP,port=53"}}
	for _, tc := range []struct {
		name  string
		ep    v1alpha1.Endpoint
		field string
		text  string
	}{
		{"hostname in A", endpoint("a.example.com", "A", "lb.example.net"), "spec.endpoints[0].targets[0]", "not an IP address"},
		{"IPv6 in A", endpoint("a.example.com", "A", "2001:db8::1"), "spec.endpoints[0].targets[0]", "not an IPv4 address"},
		{"IPv4 in AAAA", endpoint("a.example.com", "AAAA", "192.0.2.1"), "spec.endpoints[0].targets[0]", "not an IPv6 address"},
		{"no targets", endpoint("a.example.com", "A"), "spec.endpoints[0].targets", "at least one target"},
		{"outside the zones", endpoint("a.example.org", "A", "192.0.2.1"), "spec.endpoints[0].dnsName", "in no zone"},
		{"suffix is not a zone", endpoint("badexample.com", "A", "192.0.2.1"), "spec.endpoints[0].dnsName", "in no zone"},
		{"unsupported type", endpoint("a.example.com", "MX", "10 mail.example.com"), "spec.endpoints[0].recordType", "MX records are not supported"},
		{"bad weight", badWeight, "spec.endpoints[0].labels", "not a weight"},
		{"bad priority", badPriority, "spec.endpoints[0].labels", "not a priority"},
		{"bad policy", badPolicy, "spec.endpoints[0].providerSpecific", "not a routing strategy"},
		{"bad health check", badCheck, "spec.endpoints[0].providerSpecific", `"UDP" is not HTTP, HTTPS or TCP`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good := endpoint("ok.example.com", "A", "192.0.2.7")
			got, problems := Desired(dnsEndpoint(tc.ep, good), testZones, DefaultRecordTypes)
			if len(problems) != 1 || problems[0].Field != tc.field || !strings.Contains(problems[0].Message, tc.text) {
				t.Fatalf("problems = %v, want one at %s containing %q", problems, tc.field, tc.text)
			}
			if len(got) != 1 || got[0].Name != "ok.example.com" {
				t.Errorf("the valid endpoint was not kept: %+v", got)
			}
		})
	}
}

func TestDesiredRejectsDuplicateKeys(t *testing.T) {
	_, problems := Desired(dnsEndpoint(endpoint("a.example.com", "A", "192.0.2.1"),
		endpoint("A.example.com.", "A", "192.0.2.2")), testZones, DefaultRecordTypes)
	if len(problems) != 1 || problems[0].Field != "spec.endpoints[1]" || !strings.Contains(problems[0].Message, "spec.endpoints[0]") {
		t.Fatalf("problems = %v", problems)
	}
}

func TestDesiredZoneApexIsInTheZone(t *testing.T) {
	got, problems := Desired(dnsEndpoint(endpoint("Example.COM", "A", "192.0.2.1")), testZones, DefaultRecordTypes)
	if len(problems) != 0 || len(got) != 1 {
		t.Fatalf("got %v, problems %v", got, problems)
	}
}

func TestConflictFieldsNameTheEndpoint(t *testing.T) {
	ep := &v1alpha1.DNSEndpoint{Spec: v1alpha1.DNSEndpointSpec{Endpoints: []v1alpha1.Endpoint{
		endpoint("ok.example.com", "A", "192.0.2.1"),
		endpoint("Web.Example.com.", "", "203.0.113.66"), // type A by default, name in any spelling
	}}}
	conflicts := []plan.Conflict{
		{Key: providers.Key{Name: "web.example.com", Type: "A"}, Resource: "dnsendpoint/x/bad", Holder: "resource dnsendpoint/x/web", Reason: plan.ErrOtherResource},
		{Key: providers.Key{Name: "gone.example.com", Type: "A"}, Resource: "dnsendpoint/x/bad", Holder: "owner \"other\"", Reason: plan.ErrForeign},
	}
	got := conflictFields(ep, conflicts)
	if len(got) != 2 || got[0].Field != "spec.endpoints[1]" || got[1].Field != "spec.endpoints" {
		t.Fatalf("conflictFields = %v", got)
	}
	want := `spec.endpoints[1]: A web.example.com (set ""): held by another resource of this owner: resource dnsendpoint/x/web`
	if got[0].String() != want {
		t.Errorf("got %q, want %q", got[0].String(), want)
	}
}
