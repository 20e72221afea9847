package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/config/crd"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/test/env"
	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

// The provider benchmarks publish benchNames names, benchPerObject per DNSEndpoint (its limit is
// 1,000 endpoints), each a plain A record.
const (
	benchNames     = 10000
	benchPerObject = 1000
	steadyWindow   = 2 * time.Minute
)

// benchEndpoints are the endpoints of DNSEndpoint i of the benchmark in zone.
func benchEndpoints(zone string, i int) []v1alpha1.Endpoint {
	eps := make([]v1alpha1.Endpoint, 0, benchPerObject)
	for j := range benchPerObject {
		n := i*benchPerObject + j
		eps = append(eps, v1alpha1.Endpoint{DNSName: fmt.Sprintf("svc-%05d.%s", n, zone), RecordType: "A", RecordTTL: 300,
			Targets: []string{fmt.Sprintf("198.18.%d.%d", n/250, n%250+1)}})
	}
	return eps
}

// providerRun is what one publisher cost a backend: the cold start, the steady state and one
// changed name.
type providerRun struct {
	who         string
	cold        time.Duration
	coldCalls   map[string]int
	steadyCalls map[string]int // over steadyWindow
	changeCalls map[string]int
}

func (r providerRun) report(b *testing.B, writes ...string) {
	perMinute := func(calls map[string]int) float64 {
		total := 0
		for _, n := range calls {
			total += n
		}
		return float64(total) / steadyWindow.Minutes()
	}
	written := func(calls map[string]int) int {
		n := 0
		for _, w := range writes {
			n += calls[w]
		}
		return n
	}
	b.ReportMetric(r.cold.Seconds(), r.who+"-cold-s")
	b.ReportMetric(perMinute(r.steadyCalls), r.who+"-steady-calls/min")
	b.ReportMetric(float64(written(r.steadyCalls))/steadyWindow.Minutes(), r.who+"-steady-writes/min")
	if r.changeCalls != nil {
		b.ReportMetric(float64(written(r.changeCalls)), r.who+"-writes-for-one-change")
	}
	fmt.Fprintf(os.Stdout, "%-22s cold start %6.1fs  calls %v\n%-22s steady state %.1f calls/min %v\n",
		r.who, r.cold.Seconds(), r.coldCalls, "", perMinute(r.steadyCalls), r.steadyCalls)
	if r.changeCalls != nil {
		fmt.Fprintf(os.Stdout, "%-22s one changed name: %v\n", "", r.changeCalls)
	}
}

// BenchmarkRoute53 publishes 10,000 names to the Route 53 fake, paced at the documented 5
// requests per second of an account, with Meridian (the controller binary) and then with stock
// external-dns v0.21.0, and reports for each the cold start (time, calls by operation), the calls
// per minute with nothing changing, and, for Meridian, the calls for one changed name.
func BenchmarkRoute53(b *testing.B) {
	ctx := testContext(b, 30*time.Minute)
	awsTestCredentials(b)
	for range b.N {
		meridian := route53Meridian(b, ctx)
		meridian.report(b, "ChangeResourceRecordSets")
		external := route53ExternalDNS(b, ctx)
		external.report(b, "ChangeResourceRecordSets")
	}
}

func newRoute53Fake(b *testing.B, zone string) (*route53fake.Fake, string) {
	fake := route53fake.New(route53fake.Options{Rate: route53fake.DocumentedRate, Burst: route53fake.DocumentedRate})
	b.Cleanup(fake.Close)
	return fake, fake.CreateZone(zone)
}

// countA counts the zone's A sets.
func countA(sets []types.ResourceRecordSet) int {
	n := 0
	for _, s := range sets {
		if s.Type == types.RRTypeA {
			n++
		}
	}
	return n
}

func route53Meridian(b *testing.B, ctx context.Context) providerRun {
	const zone = "bench53.example.com"
	fake, zoneID := newRoute53Fake(b, zone)
	setUpFederation(b, ctx, "--provider=route53", "--zone="+zone, "--route53-endpoint="+fake.URL)
	ns := ensureHostNamespace(b, ctx, "bench-route53")
	return measurePublisher(b, ctx, "meridian-route53", fake.ResetCalls, fake.CallCounts, func() int { return countA(fake.RecordSets(zoneID)) },
		func() { createBenchEndpoints(b, ctx, ns, zone, v1alpha1.SchemeGroupVersion.WithKind("DNSEndpoint")) },
		func() { changeOneTarget(b, ctx, ns, zone) },
		func() bool { return hasTarget(fake.RecordSets(zoneID), "svc-00000."+zone+".", changedTarget) })
}

func route53ExternalDNS(b *testing.B, ctx context.Context) providerRun {
	const zone = "bench53x.example.com"
	fake, zoneID := newRoute53Fake(b, zone)
	bins, err := env.EnsureBenchBinaries(ctx, os.Stderr)
	if err != nil {
		b.Fatal(err)
	}
	installExternalDNSGroup(b, ctx)
	ns := ensureHostNamespace(b, ctx, "bench-externaldns")
	gvk := externalDNSGroupVersion.WithKind("DNSEndpoint")
	var x *env.ExternalDNS
	return measurePublisher(b, ctx, "external-dns-v0.21.0", fake.ResetCalls, fake.CallCounts, func() int { return countA(fake.RecordSets(zoneID)) },
		func() {
			createBenchEndpoints(b, ctx, ns, zone, gvk)
			// external-dns's defaults, as a user runs it; the endpoint override is the SDK's
			// standard AWS_ENDPOINT_URL_ROUTE_53.
			x, err = env.StartExternalDNS(ctx, bins.ExternalDNS, b.TempDir(),
				[]string{"AWS_ENDPOINT_URL_ROUTE_53=" + fake.URL},
				"--kubeconfig="+testEnv.Host.KubeconfigPath, "--source=crd", "--namespace="+ns,
				"--provider=aws", "--registry=txt", "--txt-owner-id=external-dns-bench",
				"--domain-filter="+zone, "--policy=sync", "--interval=1m")
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = x.Stop() })
		}, nil, nil)
}

// measurePublisher times start (which makes the publisher publish every name) until the backend
// holds them all, then counts calls over steadyWindow with nothing changing, then (with change)
// the calls until changed reports the change landed.
func measurePublisher(b *testing.B, ctx context.Context, who string, reset func(), counts func() map[string]int,
	published func() int, start, change func(), changed func() bool) providerRun {
	run := providerRun{who: who}
	reset()
	began := time.Now()
	start()
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 10*time.Minute, true, func(context.Context) (bool, error) {
		return published() >= benchNames, nil
	})
	if err != nil {
		b.Fatalf("%s: %d of %d names published", who, published(), benchNames)
	}
	run.cold, run.coldCalls = time.Since(began), counts()
	reset()
	time.Sleep(steadyWindow)
	run.steadyCalls = counts()
	if change != nil {
		reset()
		change()
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
			return changed(), nil
		})
		if err != nil {
			b.Fatalf("%s: the changed name was not published", who)
		}
		time.Sleep(2 * time.Second) // anything else the change caused
		run.changeCalls = counts()
	}
	return run
}

// changedTarget is the new address of svc-00000 in the one-change step.
const changedTarget = "198.19.0.1"

func changeOneTarget(b *testing.B, ctx context.Context, ns, zone string) {
	host := hostClient(b)
	obj := &v1alpha1.DNSEndpoint{}
	if err := host.Get(ctx, client.ObjectKey{Namespace: ns, Name: "bench-0"}, obj); err != nil {
		b.Fatal(err)
	}
	obj.Spec.Endpoints[0].Targets = []string{changedTarget}
	if err := host.Update(ctx, obj); err != nil {
		b.Fatal(err)
	}
}

func hasTarget(sets []types.ResourceRecordSet, name, target string) bool {
	for _, s := range sets {
		if s.Type == types.RRTypeA && *s.Name == name && len(s.ResourceRecords) == 1 && *s.ResourceRecords[0].Value == target {
			return true
		}
	}
	return false
}

func ensureHostNamespace(b *testing.B, ctx context.Context, name string) string {
	_, err := testEnv.Host.Client().CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		b.Fatal(err)
	}
	return name
}

// createBenchEndpoints creates the benchmark's DNSEndpoints of kind gvk (Meridian's group or
// external-dns's own) in ns.
func createBenchEndpoints(b *testing.B, ctx context.Context, ns, zone string, gvk schema.GroupVersionKind) {
	host := hostClient(b)
	for i := range benchNames / benchPerObject {
		obj := &v1alpha1.DNSEndpoint{Spec: v1alpha1.DNSEndpointSpec{Endpoints: benchEndpoints(zone, i)}}
		content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			b.Fatal(err)
		}
		u := &unstructured.Unstructured{Object: content}
		u.SetGroupVersionKind(gvk)
		u.SetNamespace(ns)
		u.SetName(fmt.Sprintf("bench-%d", i))
		if err := host.Create(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
}

// externalDNSGroupVersion is the group external-dns v0.21.0 reads DNSEndpoints from.
var externalDNSGroupVersion = schema.GroupVersion{Group: "externaldns.k8s.io", Version: "v1alpha1"}

// installExternalDNSGroup serves DNSEndpoints in external-dns's own group: Meridian's DNSEndpoint
// CRD under that group, since the two are field for field the same.
func installExternalDNSGroup(b *testing.B, ctx context.Context) {
	crds, err := crd.All()
	if err != nil {
		b.Fatal(err)
	}
	var def *apiextensionsv1.CustomResourceDefinition
	for _, c := range crds {
		if c.Spec.Names.Kind == "DNSEndpoint" {
			def = c.DeepCopy()
		}
	}
	def.Spec.Group = externalDNSGroupVersion.Group
	def.Name = def.Spec.Names.Plural + "." + def.Spec.Group
	def.Spec.Names.Categories = nil
	// *.k8s.io groups are reserved for APIs approved upstream; external-dns's own CRD carries
	// its approval, this copy says it has none.
	def.Annotations = map[string]string{"api-approved.kubernetes.io": "unapproved, a benchmark's copy of external-dns's DNSEndpoint"}
	api, err := apiextensions.NewForConfig(testEnv.Host.RESTConfig())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := api.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, def, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		b.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		got, err := api.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, def.Name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		for _, c := range got.Status.Conditions {
			if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		b.Fatal("the externaldns.k8s.io DNSEndpoint CRD was not established")
	}
}

// BenchmarkCloudDNS publishes the same 10,000 names to the Cloud DNS fake with Meridian and
// reports the same figures.
func BenchmarkCloudDNS(b *testing.B) {
	ctx := testContext(b, 20*time.Minute)
	const zone = "benchgcp.example.com"
	for range b.N {
		// Each name costs two rrsets (its record and its ownership TXT): 20,000 rrsets are over
		// Cloud DNS's default quota of 10,000 per zone, so this is a project with a raised quota.
		fake := clouddnsfake.New(clouddnsfake.Options{Project: "meridian-bench", Rate: 5, Burst: 5,
			Limits: clouddnsfake.Limits{RrsetsPerZone: 25000}})
		b.Cleanup(fake.Close)
		if err := fake.CreateZone("bench", zone+"."); err != nil {
			b.Fatal(err)
		}
		setUpFederation(b, ctx, "--provider=clouddns", "--zone="+zone, "--clouddns-project=meridian-bench",
			"--clouddns-endpoint="+fake.Endpoint())
		ns := ensureHostNamespace(b, ctx, "bench-clouddns")
		countRRSets := func() int {
			n := 0
			for _, r := range fake.RecordSets("bench") {
				if r.Type == "A" && strings.HasPrefix(r.Name, "svc-") {
					n++
				}
			}
			return n
		}
		changed := func() bool {
			for _, r := range fake.RecordSets("bench") {
				if r.Name == "svc-00000."+zone+"." && r.Type == "A" && len(r.Rrdatas) == 1 && r.Rrdatas[0] == changedTarget {
					return true
				}
			}
			return false
		}
		run := measurePublisher(b, ctx, "meridian-clouddns", fake.ResetCalls, fake.CallCounts, countRRSets,
			func() { createBenchEndpoints(b, ctx, ns, zone, v1alpha1.SchemeGroupVersion.WithKind("DNSEndpoint")) },
			func() { changeOneTarget(b, ctx, ns, zone) }, changed)
		run.report(b, "dns.changes.create")
	}
}
