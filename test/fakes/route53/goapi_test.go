package route53fake_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

func TestSeedErrors(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	alias := set("a.example.com", types.RRTypeA, 60)
	alias.AliasTarget = &types.AliasTarget{DNSName: aws.String("lb.example.net")}
	for name, tc := range map[string]struct {
		zone string
		set  types.ResourceRecordSet
	}{
		"unknown zone": {"ZNONE", set("a.example.com", types.RRTypeA, 60, "192.0.2.1")},
		"outside zone": {id, set("a.example.org", types.RRTypeA, 60, "192.0.2.1")},
		"bad name":     {id, set("a..example.com", types.RRTypeA, 60, "192.0.2.1")},
		"no name":      {id, types.ResourceRecordSet{Type: types.RRTypeA}},
		"alias":        {id, alias},
	} {
		if err := f.Seed(tc.zone, tc.set); err == nil {
			t.Errorf("%s: Seed accepted it", name)
		}
	}
	// Seeding twice replaces, like an UPSERT.
	for _, v := range []string{"192.0.2.1", "192.0.2.2"} {
		if err := f.Seed(id, set("A.example.com", types.RRTypeA, 60, v)); err != nil {
			t.Fatal(err)
		}
	}
	sets := f.RecordSets(id)
	if len(sets) != 3 || aws.ToString(sets[2].Name) != "a.example.com." || aws.ToString(sets[2].ResourceRecords[0].Value) != "192.0.2.2" {
		t.Fatalf("after seeding: %v", names(sets))
	}
	// RecordSets is a deep copy.
	sets[2].ResourceRecords[0].Value = aws.String("mutated")
	if v := aws.ToString(f.RecordSets(id)[2].ResourceRecords[0].Value); v != "192.0.2.2" {
		t.Fatalf("RecordSets shares memory: %s", v)
	}
	if f.RecordSets("ZNONE") != nil || f.ZoneName("ZNONE") != "" {
		t.Fatal("unknown zone answered")
	}
}

func TestUpsertSemantics(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	// UPSERT creates a missing set, then replaces it.
	mustApply(t, c, id, chg("UPSERT", weighted("w.example.com", "blue", 10, "192.0.2.1")))
	mustApply(t, c, id, chg("UPSERT", weighted("w.example.com", "blue", 90, "192.0.2.2")))
	mustApply(t, c, id, chg("UPSERT", weighted("w.example.com", "green", 10, "192.0.2.3")))
	sets := f.RecordSets(id)
	if len(sets) != 4 || aws.ToInt64(sets[2].Weight) != 90 || aws.ToString(sets[3].SetIdentifier) != "green" {
		t.Fatalf("weighted group: %v", names(sets))
	}
	// Moving a name from weighted to simple routing takes one batch that
	// deletes the group and creates the simple set.
	_, err := apply(t, c, id, chg("UPSERT", set("w.example.com", types.RRTypeA, 60, "192.0.2.9")))
	wantAPIError(t, err, "InvalidChangeBatch", "other RRSets exist")
	mustApply(t, c, id,
		chg("DELETE", weighted("w.example.com", "blue", 90, "192.0.2.2")),
		chg("DELETE", weighted("w.example.com", "green", 10, "192.0.2.3")),
		chg("CREATE", set("w.example.com", types.RRTypeA, 60, "192.0.2.9")))
	out, err := c.GetHostedZone(ctx(t), &route53.GetHostedZoneInput{Id: aws.String(id)})
	if err != nil || aws.ToInt64(out.HostedZone.ResourceRecordSetCount) != 3 {
		t.Fatalf("count: %v %v", out, err)
	}
}

// The fake is used from concurrent reconcilers; every batch must land once.
func TestConcurrentChanges(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	const workers, perWorker = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				s := set(fmt.Sprintf("w%d-%d.example.com", w, i), types.RRTypeA, 60, "192.0.2.1")
				if _, err := apply(t, c, id, chg("CREATE", s)); err != nil {
					errs <- err
				}
				_, _ = c.ListResourceRecordSets(ctx(t), &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id), MaxItems: aws.Int32(5)})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := len(f.RecordSets(id)); n != 2+workers*perWorker {
		t.Fatalf("%d sets", n)
	}
	counts := f.CallCounts()
	if counts["ChangeResourceRecordSets"] != workers*perWorker || counts["ListResourceRecordSets"] != workers*perWorker {
		t.Fatalf("counts %v", counts)
	}
}

func TestTagsOnZonesAndErrors(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	_, err := c.ChangeTagsForResource(ctx(t), &route53.ChangeTagsForResourceInput{
		ResourceType: types.TagResourceTypeHostedzone, ResourceId: aws.String(id),
		AddTags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("meridian")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Tags("hostedzone", id); got["owner"] != "meridian" {
		t.Fatalf("tags %v", got)
	}
	_, err = c.ListTagsForResource(ctx(t), &route53.ListTagsForResourceInput{ResourceType: "bucket", ResourceId: aws.String(id)})
	wantAPIError(t, err, "InvalidInput", "[healthcheck, hostedzone]")
	_, err = c.ListTagsForResource(ctx(t), &route53.ListTagsForResourceInput{ResourceType: types.TagResourceTypeHostedzone, ResourceId: aws.String("ZNONE")})
	wantAPIError(t, err, "NoSuchHostedZone")
	ids := make([]string, 11)
	for i := range ids {
		ids[i] = id
	}
	_, err = c.ListTagsForResources(ctx(t), &route53.ListTagsForResourcesInput{ResourceType: types.TagResourceTypeHostedzone, ResourceIds: ids})
	wantAPIError(t, err, "InvalidInput")
	long := make([]byte, 129)
	for i := range long {
		long[i] = 'k'
	}
	_, err = c.ChangeTagsForResource(ctx(t), &route53.ChangeTagsForResourceInput{
		ResourceType: types.TagResourceTypeHostedzone, ResourceId: aws.String(id),
		AddTags: []types.Tag{{Key: aws.String(string(long)), Value: aws.String("v")}},
	})
	wantAPIError(t, err, "InvalidInput", "128")
}

func TestListParameterErrors(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	_, err := c.ListHostedZones(ctx(t), &route53.ListHostedZonesInput{Marker: aws.String("ZNONE")})
	wantAPIError(t, err, "InvalidInput")
	_, err = c.ListHostedZones(ctx(t), &route53.ListHostedZonesInput{MaxItems: aws.Int32(0)})
	wantAPIError(t, err, "InvalidInput", "maxitems")
	_, err = c.ListHealthChecks(ctx(t), &route53.ListHealthChecksInput{Marker: aws.String("nope")})
	wantAPIError(t, err, "InvalidInput")
	_, err = c.ListResourceRecordSets(ctx(t), &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id),
		StartRecordName: aws.String("example.com"), StartRecordType: "BOGUS"})
	wantAPIError(t, err, "InvalidInput", "enum value set")
	_, err = c.ListResourceRecordSets(ctx(t), &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id),
		StartRecordName: aws.String("example.com"), StartRecordIdentifier: aws.String("x")})
	wantAPIError(t, err, "InvalidInput", "StartRecordIdentifier")
}
