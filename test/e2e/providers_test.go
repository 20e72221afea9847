package e2e

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	clouddnsapi "google.golang.org/api/dns/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/controllers/dnsendpoint"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

// awsTestCredentials are what the SDK signs requests to the Route 53 fake with: the standard
// chain finds them in the environment, as it would find a real key.
func awsTestCredentials(t testing.TB) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDMERIDIANE2E")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "meridian-e2e-secret")
	t.Setenv("AWS_REGION", "us-east-1")
}

// nearestEndpoints are the two per-cluster endpoints the controller writes for a nearest name:
// earth in an AWS region, vulcan in a Google Cloud one, each with a health check.
func nearestEndpoints(name string) []v1alpha1.Endpoint {
	cluster := func(c, region, ip string) v1alpha1.Endpoint {
		return v1alpha1.Endpoint{DNSName: name, RecordType: "A", RecordTTL: 60, SetIdentifier: c, Targets: []string{ip},
			Labels: v1alpha1.Labels{dnsendpoint.LabelCluster: c, dnsendpoint.LabelRegion: region},
			ProviderSpecific: v1alpha1.ProviderSpecific{
				{Name: dnsendpoint.PropertyRoutingPolicy, Value: "nearest"},
				{Name: dnsendpoint.PropertyHealthCheck, Value: "protocol=HTTP,port=80,path=/healthz,interval=10,failureThreshold=3"},
			}}
	}
	// Public-looking addresses: Route 53 refuses health checks of documentation ranges. The
	// fake never connects to them.
	return []v1alpha1.Endpoint{cluster("earth", "us-east-1", "52.0.0.10"), cluster("vulcan", "europe-west1", "34.0.0.20")}
}

// createEndpoint creates a DNSEndpoint in a new namespace and returns it.
func createEndpoint(t *testing.T, ctx context.Context, prefix string, endpoints []v1alpha1.Endpoint) *v1alpha1.DNSEndpoint {
	t.Helper()
	ns := createNamespace(t, ctx, testEnv.Host.Client(), prefix)
	obj := &v1alpha1.DNSEndpoint{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "service-web"},
		Spec: v1alpha1.DNSEndpointSpec{Endpoints: endpoints}}
	if err := hostClient(t).Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

// TestRoute53ThroughTheController: the controller binary publishes a nearest name to Route 53
// (the wire-compatible fake, through the real SDK and the standard credential chain) as latency
// records with health checks and external-dns ownership records, and withdraws all of it with the
// DNSEndpoint, leaving someone else's record as it was.
func TestRoute53ThroughTheController(t *testing.T) {
	ctx := testContext(t, 4*time.Minute)
	const zone = "r53.example.com"
	fake := route53fake.New(route53fake.Options{Rate: route53fake.DocumentedRate, Burst: 5})
	t.Cleanup(fake.Close)
	zoneID := fake.CreateZone(zone)
	foreign := types.ResourceRecordSet{Name: aws.String("legacy." + zone + "."), Type: types.RRTypeA, TTL: aws.Int64(300),
		ResourceRecords: []types.ResourceRecord{{Value: aws.String("203.0.113.7")}}}
	if err := fake.Seed(zoneID, foreign); err != nil {
		t.Fatal(err)
	}
	before := fake.RecordSets(zoneID)
	awsTestCredentials(t)
	setUpFederation(t, ctx, "--provider=route53", "--zone="+zone, "--route53-endpoint="+fake.URL)

	name := "web." + zone
	obj := createEndpoint(t, ctx, "route53", nearestEndpoints(name))
	want := []string{
		"A web.r53.example.com. earth region=us-east-1 52.0.0.10 checked",
		"A web.r53.example.com. vulcan region=eu-west-3 34.0.0.20 checked", // europe-west1 (Belgium): nearest is Paris
		`TXT a-web.r53.example.com. earth region=us-east-1 "heritage=external-dns,external-dns/owner=meridian,external-dns/resource=dnsendpoint/` + obj.Namespace + `/service-web"`,
		`TXT a-web.r53.example.com. vulcan region=eu-west-3 "heritage=external-dns,external-dns/owner=meridian,external-dns/resource=dnsendpoint/` + obj.Namespace + `/service-web"`,
	}
	eventually(t, ctx, time.Minute, "the latency records in Route 53", func(context.Context) (bool, error) {
		got := route53Lines(fake.RecordSets(zoneID), "web."+zone+".")
		return slices.Equal(got, want) && len(fake.HealthChecks()) == 2, fmt.Errorf("sets %q, %d health checks", got, len(fake.HealthChecks()))
	})
	assertPublished(t, ctx, client.ObjectKeyFromObject(obj))

	if err := hostClient(t).Delete(ctx, obj); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, time.Minute, "everything withdrawn", func(context.Context) (bool, error) {
		after := fake.RecordSets(zoneID)
		return reflect.DeepEqual(after, before) && len(fake.HealthChecks()) == 0,
			fmt.Errorf("sets %q, %d health checks", route53Lines(after, ""), len(fake.HealthChecks()))
	})
}

// route53Lines renders the A and TXT sets whose name ends in suffix, sorted.
func route53Lines(sets []types.ResourceRecordSet, suffix string) []string {
	var out []string
	for _, s := range sets {
		if (s.Type != types.RRTypeA && s.Type != types.RRTypeTxt) || !strings.HasSuffix(aws.ToString(s.Name), suffix) {
			continue
		}
		line := fmt.Sprintf("%s %s %s region=%s", s.Type, aws.ToString(s.Name), aws.ToString(s.SetIdentifier), s.Region)
		for _, v := range s.ResourceRecords {
			line += " " + aws.ToString(v.Value)
		}
		if s.HealthCheckId != nil {
			line += " checked"
		}
		out = append(out, line)
	}
	slices.Sort(out)
	return out
}

// TestCloudDNSThroughTheController: the controller binary publishes the same nearest name to
// Cloud DNS (the fake, through the real client) as one rrset with a geo routing policy, each
// cluster at its Google Cloud location, with an ownership record, and withdraws both.
func TestCloudDNSThroughTheController(t *testing.T) {
	ctx := testContext(t, 4*time.Minute)
	const zone = "gcp.example.com"
	fake := clouddnsfake.New(clouddnsfake.Options{Project: "meridian-e2e"})
	t.Cleanup(fake.Close)
	if err := fake.CreateZone("gcp", zone+"."); err != nil {
		t.Fatal(err)
	}
	before := fake.RecordSets("gcp")
	setUpFederation(t, ctx, "--provider=clouddns", "--zone="+zone, "--clouddns-project=meridian-e2e",
		"--clouddns-endpoint="+fake.Endpoint())

	name := "web." + zone
	obj := createEndpoint(t, ctx, "clouddns", nearestEndpoints(name))
	want := []string{
		"A web.gcp.example.com. geo europe-west1=34.0.0.20 us-east4=52.0.0.10", // us-east-1 (Virginia) → us-east4 (Virginia)
		`TXT a-web.gcp.example.com. "heritage=external-dns,external-dns/owner=meridian,external-dns/resource=dnsendpoint/` + obj.Namespace + `/service-web"`,
	}
	eventually(t, ctx, time.Minute, "the geo rrset in Cloud DNS", func(context.Context) (bool, error) {
		got := cloudDNSLines(fake.RecordSets("gcp"), "web."+zone+".")
		return slices.Equal(got, want), fmt.Errorf("rrsets %q", got)
	})
	assertPublished(t, ctx, client.ObjectKeyFromObject(obj))

	if err := hostClient(t).Delete(ctx, obj); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, time.Minute, "everything withdrawn", func(context.Context) (bool, error) {
		after := fake.RecordSets("gcp")
		return reflect.DeepEqual(after, before), fmt.Errorf("rrsets %q", cloudDNSLines(after, ""))
	})
}

// cloudDNSLines renders the A and TXT rrsets whose name ends in suffix, sorted.
func cloudDNSLines(rrsets []*clouddnsapi.ResourceRecordSet, suffix string) []string {
	var out []string
	for _, r := range rrsets {
		if (r.Type != "A" && r.Type != "TXT") || !strings.HasSuffix(r.Name, suffix) {
			continue
		}
		line := r.Type + " " + r.Name
		if r.RoutingPolicy != nil && r.RoutingPolicy.Geo != nil {
			line += " geo"
			var items []string
			for _, it := range r.RoutingPolicy.Geo.Items {
				items = append(items, it.Location+"="+strings.Join(it.Rrdatas, ","))
			}
			slices.Sort(items)
			line += " " + strings.Join(items, " ")
		}
		for _, d := range r.Rrdatas {
			line += " " + d
		}
		out = append(out, line)
	}
	slices.Sort(out)
	return out
}
