package route53fake_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

func TestGetHostedZone(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("Example.COM")
	c := newClient(f)

	// The SDK strips "/hostedzone/" from IDs, so both forms must work.
	for _, in := range []string{id, "/hostedzone/" + id} {
		out, err := c.GetHostedZone(ctx(t), &route53.GetHostedZoneInput{Id: aws.String(in)})
		if err != nil {
			t.Fatalf("GetHostedZone(%s): %v", in, err)
		}
		hz := out.HostedZone
		if aws.ToString(hz.Id) != "/hostedzone/"+id || aws.ToString(hz.Name) != "example.com." {
			t.Fatalf("zone = %s %s", aws.ToString(hz.Id), aws.ToString(hz.Name))
		}
		if aws.ToInt64(hz.ResourceRecordSetCount) != 2 || hz.Config == nil || hz.Config.PrivateZone {
			t.Fatalf("want a public zone with SOA and NS, got count %d", aws.ToInt64(hz.ResourceRecordSetCount))
		}
		if len(out.DelegationSet.NameServers) != 4 {
			t.Fatalf("name servers = %v", out.DelegationSet.NameServers)
		}
	}
	_, err := c.GetHostedZone(ctx(t), &route53.GetHostedZoneInput{Id: aws.String("ZNOSUCHZONE")})
	var nsz *types.NoSuchHostedZone
	if !errors.As(err, &nsz) {
		t.Fatalf("want *types.NoSuchHostedZone, got %v", err)
	}
}

func TestDefaultSOAAndNS(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	sets := f.RecordSets(id)
	if got := names(sets); !slices.Equal(got, []string{"example.com. NS ", "example.com. SOA "}) {
		t.Fatalf("default sets = %v", got)
	}
	if aws.ToInt64(sets[0].TTL) != 172800 || aws.ToInt64(sets[1].TTL) != 900 {
		t.Fatalf("TTLs NS %d SOA %d", aws.ToInt64(sets[0].TTL), aws.ToInt64(sets[1].TTL))
	}
	if soa := aws.ToString(sets[1].ResourceRecords[0].Value); !strings.Contains(soa, "awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400") {
		t.Fatalf("SOA = %s", soa)
	}
}

func TestListHostedZonesPagination(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	var want []string
	for _, n := range []string{"a.com", "b.com", "c.com", "d.com", "e.com"} {
		want = append(want, "/hostedzone/"+f.CreateZone(n))
	}
	c := newClient(f)
	p := route53.NewListHostedZonesPaginator(c, &route53.ListHostedZonesInput{MaxItems: aws.Int32(2)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, z := range out.HostedZones {
			got = append(got, aws.ToString(z.Id))
		}
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Fatalf("pages %d, zones %v, want %v", pages, got, want)
	}
}

func TestListHostedZonesByName(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	ids := map[string]string{}
	for _, n := range []string{"www.example.com", "example.org", "example.com", "a.example.com"} {
		ids[n] = f.CreateZone(n)
	}
	c := newClient(f)
	// Reversed-label order: com.example, com.example.a, com.example.www, org.example.
	want := []string{"example.com.", "a.example.com.", "www.example.com.", "example.org."}

	out, err := c.ListHostedZonesByName(ctx(t), &route53.ListHostedZonesByNameInput{MaxItems: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	if got := zoneNames(out.HostedZones); !slices.Equal(got, want[:3]) || !out.IsTruncated {
		t.Fatalf("first page %v truncated=%v", got, out.IsTruncated)
	}
	if aws.ToString(out.NextDNSName) != "example.org." || aws.ToString(out.NextHostedZoneId) != ids["example.org"] {
		t.Fatalf("next = %s %s", aws.ToString(out.NextDNSName), aws.ToString(out.NextHostedZoneId))
	}
	out, err = c.ListHostedZonesByName(ctx(t), &route53.ListHostedZonesByNameInput{DNSName: aws.String("A.Example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if got := zoneNames(out.HostedZones); !slices.Equal(got, want[1:]) || out.IsTruncated {
		t.Fatalf("from a.example.com: %v", got)
	}
	_, err = c.ListHostedZonesByName(ctx(t), &route53.ListHostedZonesByNameInput{HostedZoneId: aws.String(ids["example.org"])})
	wantAPIError(t, err, "InvalidInput")
}

func zoneNames(zs []types.HostedZone) []string {
	out := make([]string, len(zs))
	for i, z := range zs {
		out[i] = aws.ToString(z.Name)
	}
	return out
}
