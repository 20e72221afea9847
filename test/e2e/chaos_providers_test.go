package e2e

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	clouddnsapi "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/controllers/publish"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/test/env"
	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

// providerFailureRate and providerThrottleRate are the shares of Route 53 and Cloud DNS calls
// the fakes fail (500/503) and throttle while the fault lasts, on top of the account's rate limit.
const (
	providerFailureRate  = 0.3
	providerThrottleRate = 0.1
)

// foreignName is a record someone else keeps in the Route 53 and Cloud DNS zones.
const foreignName = "legacy." + chaosZone + "."

// 6. Route 53 and Cloud DNS fail and throttle a share of calls while a controller publishes to
// each (started under the fault, and given a change meanwhile): once the faults stop, both
// zones converge to exactly the DNSEndpoints, and the foreign records are as they were.
func (lab *chaosLab) providerFaults(t *testing.T, ctx context.Context) chaosRow {
	r53 := route53fake.New(route53fake.Options{Rate: route53fake.DocumentedRate, Burst: 5, Seed: 6})
	t.Cleanup(r53.Close)
	zoneID := r53.CreateZone(chaosZone)
	foreignR53 := []types.ResourceRecordSet{
		{Name: aws.String(foreignName), Type: types.RRTypeA, TTL: aws.Int64(300), ResourceRecords: []types.ResourceRecord{{Value: aws.String("203.0.113.7")}}},
		{Name: aws.String(foreignName), Type: types.RRTypeTxt, TTL: aws.Int64(300), ResourceRecords: []types.ResourceRecord{{Value: aws.String(`"owned by someone else"`)}}},
	}
	if err := r53.Seed(zoneID, foreignR53...); err != nil {
		t.Fatal(err)
	}
	gcp := clouddnsfake.New(clouddnsfake.Options{Project: "meridian-chaos", Rate: 5, Burst: 5, Seed: 6})
	t.Cleanup(gcp.Close)
	if err := gcp.CreateZone("chaos", chaosZone+"."); err != nil {
		t.Fatal(err)
	}
	if err := gcp.Seed("chaos",
		&clouddnsapi.ResourceRecordSet{Name: foreignName, Type: "A", Ttl: 300, Rrdatas: []string{"203.0.113.7"}},
		&clouddnsapi.ResourceRecordSet{Name: foreignName, Type: "TXT", Ttl: 300, Rrdatas: []string{`"owned by someone else"`}},
	); err != nil {
		t.Fatal(err)
	}
	foreignBefore := [2]any{foreignRoute53(r53.RecordSets(zoneID)), foreignCloudDNS(gcp.RecordSets("chaos"))}
	setFaults := func(on bool) {
		share := func(p float64) float64 { return map[bool]float64{true: p}[on] }
		r53.SetFailureRate(share(providerFailureRate))
		r53.SetThrottleRate(share(providerThrottleRate))
		gcp.SetFailureRate(share(providerFailureRate))
		gcp.SetThrottleRate(share(providerThrottleRate))
	}

	awsTestCredentials(t)
	binary, err := env.BuildCommand(ctx, "meridian-controller")
	if err != nil {
		t.Fatal(err)
	}
	f := fault{
		static: []string{staticA, staticB},
		inject: func(t *testing.T, ctx context.Context) {
			setFaults(true)
			// And the first calls fail for sure, whatever the random shares pick.
			r53.FailNext(3, 503)
			gcp.FailNext(3, 503)
			startController(t, binary, "chaos-route53", "--provider=route53", "--zone="+chaosZone, "--route53-endpoint="+r53.URL)
			startController(t, binary, "chaos-clouddns", "--provider=clouddns", "--zone="+chaosZone,
				"--clouddns-project=meridian-chaos", "--clouddns-endpoint="+gcp.Endpoint())
		},
		during: func(t *testing.T, ctx context.Context) { lab.flipStatic(t, ctx) },
		heal: func(context.Context) error {
			setFaults(false)
			return nil
		},
	}
	f.want = withStatic(lab.expected, otherStatic(lab.static))
	f.converged = func(ctx context.Context) error {
		desired, err := lab.desiredRecords(ctx)
		if err != nil {
			return err
		}
		if err := route53Converged(desired, r53.RecordSets(zoneID)); err != nil {
			return fmt.Errorf("Route 53: %w", err)
		}
		if err := cloudDNSConverged(desired, gcp.RecordSets("chaos")); err != nil {
			return fmt.Errorf("Cloud DNS: %w", err)
		}
		after := [2]any{foreignRoute53(r53.RecordSets(zoneID)), foreignCloudDNS(gcp.RecordSets("chaos"))}
		if !reflect.DeepEqual(after, foreignBefore) {
			return fmt.Errorf("foreign records changed: %+v, were %+v", after, foreignBefore)
		}
		return nil
	}
	row := lab.runFault(t, ctx, f)
	r53Failed, r53Calls := 0, r53.Calls()
	for _, c := range r53Calls {
		if c.Status >= 400 {
			r53Failed++
		}
	}
	gcpFailed, gcpCalls := 0, gcp.Calls()
	for _, c := range gcpCalls {
		if c.Status >= 400 {
			gcpFailed++
		}
	}
	row.note = fmt.Sprintf("Route 53: %d of %d calls failed; Cloud DNS: %d of %d", r53Failed, len(r53Calls), gcpFailed, len(gcpCalls))
	t.Log(row.note)
	if r53Failed == 0 || gcpFailed == 0 {
		t.Errorf("the faults did not bite: %s", row.note)
	}
	return row
}

// desiredRecords are the record sets the DNSEndpoints ask for in the zone.
func (lab *chaosLab) desiredRecords(ctx context.Context) ([]providers.Record, error) {
	list := &v1alpha1.DNSEndpointList{}
	if err := hostClient(lab.controllers.t).List(ctx, list); err != nil {
		return nil, err
	}
	var out []providers.Record
	for i := range list.Items {
		if list.Items[i].DeletionTimestamp == nil {
			records, _ := publish.Desired(&list.Items[i], []string{chaosZone}, publish.DefaultRecordTypes)
			out = append(out, records...)
		}
	}
	return out, nil
}

func foreignRoute53(sets []types.ResourceRecordSet) []types.ResourceRecordSet {
	var out []types.ResourceRecordSet
	for _, s := range sets {
		if aws.ToString(s.Name) == foreignName {
			out = append(out, s)
		}
	}
	return out
}

func foreignCloudDNS(rrsets []*clouddnsapi.ResourceRecordSet) []*clouddnsapi.ResourceRecordSet {
	var out []*clouddnsapi.ResourceRecordSet
	for _, r := range rrsets {
		if r.Name == foreignName {
			out = append(out, r)
		}
	}
	return out
}

// ownershipName is the name of the external-dns TXT record that claims a set of typ at name.
func ownershipName(typ, name string) string {
	return strings.ToLower(typ) + "-" + name
}

// route53Converged compares Route 53's sets with the desired records: per name and type, the
// sets (one per cluster or per AWS region, which the provider merges clusters into) hold every
// desired target exactly once, and each set has one ownership TXT set beside it.
func route53Converged(desired []providers.Record, sets []types.ResourceRecordSet) error {
	want := targetsByName(desired)
	got := map[string]int{}
	targets := map[string][]string{}
	owned, ownership := map[string]int{}, map[string]int{}
	for _, s := range sets {
		name := aws.ToString(s.Name)
		if name == foreignName || s.Type == types.RRTypeSoa || s.Type == types.RRTypeNs {
			continue
		}
		if s.Type == types.RRTypeTxt {
			ownership[name+" "+aws.ToString(s.SetIdentifier)]++
			continue
		}
		owned[ownershipName(string(s.Type), name)+" "+aws.ToString(s.SetIdentifier)]++
		key := name + " " + string(s.Type)
		for _, v := range s.ResourceRecords {
			targets[key] = append(targets[key], aws.ToString(v.Value))
		}
	}
	for key, ts := range targets {
		slices.Sort(ts)
		got[key+" "+strings.Join(ts, ",")]++
	}
	if d := diff(want, got); d != "" {
		return fmt.Errorf("sets differ from the DNSEndpoints:\n%s", d)
	}
	if d := diff(owned, ownership); d != "" {
		return fmt.Errorf("ownership TXT sets differ from the owned sets:\n%s", d)
	}
	return nil
}

// targetsByName renders the desired records as "name. type target,target..." lines, every
// target of a name and type (over its clusters) once per record that holds it.
func targetsByName(desired []providers.Record) map[string]int {
	targets := map[string][]string{}
	for _, r := range desired {
		key := r.Name + ". " + r.Type
		targets[key] = append(targets[key], r.Targets...)
	}
	want := map[string]int{}
	for key, ts := range targets {
		slices.Sort(ts)
		want[key+" "+strings.Join(ts, ",")]++
	}
	return want
}

// cloudDNSConverged compares Cloud DNS's rrsets with the desired records: one rrset per name and
// type holding every desired target once (in its rrdatas or its routing policy's items), and an
// ownership TXT rrset beside each.
func cloudDNSConverged(desired []providers.Record, rrsets []*clouddnsapi.ResourceRecordSet) error {
	want := targetsByName(desired)
	for line := range maps.Clone(want) {
		f := strings.Fields(line)
		want[ownershipName(f[1], f[0])+" TXT owned"]++
	}
	got := map[string]int{}
	for _, r := range rrsets {
		if r.Name == foreignName || r.Type == "SOA" || r.Type == "NS" {
			continue
		}
		if r.Type == "TXT" {
			got[r.Name+" TXT owned"]++
			continue
		}
		ts := slices.Clone(r.Rrdatas)
		if p := r.RoutingPolicy; p != nil {
			if p.Geo != nil {
				for _, it := range p.Geo.Items {
					ts = append(ts, it.Rrdatas...)
				}
			}
			if p.Wrr != nil {
				for _, it := range p.Wrr.Items {
					ts = append(ts, it.Rrdatas...)
				}
			}
		}
		slices.Sort(ts)
		got[r.Name+" "+r.Type+" "+strings.Join(ts, ",")]++
	}
	if d := diff(want, got); d != "" {
		return fmt.Errorf("rrsets differ from the DNSEndpoints:\n%s", d)
	}
	return nil
}
