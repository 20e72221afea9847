package route53fake_test

import (
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

func TestCreateUpsertDelete(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)

	out := mustApply(t, c, id,
		chg(types.ChangeActionCreate, set("WWW.Example.COM", types.RRTypeA, 60, "198.51.1.1", "198.51.1.2")),
		chg(types.ChangeActionCreate, set("*.example.com", types.RRTypeCname, 300, "www.example.com")),
		chg(types.ChangeActionCreate, set("txt.example.com.", types.RRTypeTxt, 60, `"v=spf1 -all"`, `"a" "b"`)),
	)
	if info := out.ChangeInfo; !strings.HasPrefix(aws.ToString(info.Id), "/change/C") || info.Status != types.ChangeStatusPending || info.SubmittedAt == nil {
		t.Fatalf("ChangeInfo = %+v", info)
	}
	want := []string{"example.com. NS ", "example.com. SOA ", `\052.example.com. CNAME `, "txt.example.com. TXT ", "www.example.com. A "}
	if got := names(f.RecordSets(id)); !slices.Equal(got, want) {
		t.Fatalf("after CREATE: %q", got)
	}

	// UPSERT replaces values and TTL; DELETE must repeat the set exactly.
	mustApply(t, c, id, chg(types.ChangeActionUpsert, set("www.example.com", types.RRTypeA, 30, "198.51.1.3")))
	got := f.RecordSets(id)[4]
	if aws.ToInt64(got.TTL) != 30 || len(got.ResourceRecords) != 1 || aws.ToString(got.ResourceRecords[0].Value) != "198.51.1.3" {
		t.Fatalf("after UPSERT: %+v", got)
	}
	mustApply(t, c, id, chg(types.ChangeActionDelete, set(`\052.example.com`, types.RRTypeCname, 300, "www.example.com")))
	if n := len(f.RecordSets(id)); n != 4 {
		t.Fatalf("after DELETE: %d sets", n)
	}

	// The classic replace: DELETE then CREATE of one set in one batch.
	mustApply(t, c, id,
		chg(types.ChangeActionDelete, set("www.example.com", types.RRTypeA, 30, "198.51.1.3")),
		chg(types.ChangeActionCreate, set("www.example.com", types.RRTypeA, 60, "198.51.1.4")))
	if v := aws.ToString(f.RecordSets(id)[3].ResourceRecords[0].Value); v != "198.51.1.4" {
		t.Fatalf("after replace: %s", v)
	}
}

func TestListedSetsRoundTripThroughDelete(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	mustApply(t, c, id,
		chg(types.ChangeActionCreate, weighted("w.example.com", "blue", 10, "198.51.1.1")),
		chg(types.ChangeActionCreate, latency("l.example.com", "us", "us-east-1", "198.51.1.2")),
		chg(types.ChangeActionCreate, failover("f.example.com", "p", types.ResourceRecordSetFailoverPrimary, "198.51.1.3")),
	)
	listed, _ := listAll(t, c, id, 300)
	var deletes []types.Change
	for _, s := range listed {
		if s.Type != types.RRTypeSoa && s.Type != types.RRTypeNs {
			deletes = append(deletes, chg(types.ChangeActionDelete, s))
		}
	}
	mustApply(t, c, id, deletes...)
	if n := len(f.RecordSets(id)); n != 2 {
		t.Fatalf("%d sets left", n)
	}
}

func TestChangePropagation(t *testing.T) {
	var clock atomic.Int64 // nanoseconds since start, moved by hand
	start := time.Now()
	now := func() time.Time { return start.Add(time.Duration(clock.Load())) }
	f := newFake(t, route53fake.Options{PropagationDelay: time.Minute, Now: now})
	id := f.CreateZone("example.com")
	c := newClient(f)
	out := mustApply(t, c, id, chg(types.ChangeActionCreate, set("a.example.com", types.RRTypeA, 60, "198.51.1.1")))
	if !out.ChangeInfo.SubmittedAt.Equal(start.Truncate(time.Millisecond)) {
		t.Fatalf("SubmittedAt = %v, want %v", out.ChangeInfo.SubmittedAt, start)
	}
	get := func() types.ChangeStatus {
		g, err := c.GetChange(ctx(t), &route53.GetChangeInput{Id: out.ChangeInfo.Id})
		if err != nil {
			t.Fatal(err)
		}
		return g.ChangeInfo.Status
	}
	clock.Store(int64(59 * time.Second))
	if s := get(); s != types.ChangeStatusPending {
		t.Fatalf("status before the delay = %s", s)
	}
	clock.Store(int64(time.Minute))
	if s := get(); s != types.ChangeStatusInsync {
		t.Fatalf("status after the delay = %s", s)
	}
	_, err := c.GetChange(ctx(t), &route53.GetChangeInput{Id: aws.String("/change/CNOSUCH")})
	var nsc *types.NoSuchChange
	if !errors.As(err, &nsc) {
		t.Fatalf("want NoSuchChange, got %v", err)
	}
}

func TestPriorRequestNotComplete(t *testing.T) {
	f := newFake(t, route53fake.Options{PropagationDelay: time.Hour, RejectWhilePending: true})
	id := f.CreateZone("example.com")
	other := f.CreateZone("example.org")
	c := newClient(f)
	mustApply(t, c, id, chg(types.ChangeActionCreate, set("a.example.com", types.RRTypeA, 60, "198.51.1.1")))
	_, err := apply(t, c, id, chg(types.ChangeActionCreate, set("b.example.com", types.RRTypeA, 60, "198.51.1.1")))
	var prnc *types.PriorRequestNotComplete
	if !errors.As(err, &prnc) {
		t.Fatalf("want *types.PriorRequestNotComplete, got %v", err)
	}
	// Other zones are not blocked; turning the option off lets the zone go on.
	mustApply(t, c, other, chg(types.ChangeActionCreate, set("a.example.org", types.RRTypeA, 60, "198.51.1.1")))
	f.SetRejectWhilePending(false)
	mustApply(t, c, id, chg(types.ChangeActionCreate, set("b.example.com", types.RRTypeA, 60, "198.51.1.1")))

	// The SDK's standard retryer treats PriorRequestNotComplete as a throttle
	// and retries; once the change is INSYNC the retry goes through.
	f.SetPropagationDelay(100 * time.Millisecond)
	f.SetRejectWhilePending(true)
	third := f.CreateZone("example.net")
	mustApply(t, c, third, chg(types.ChangeActionCreate, set("a.example.net", types.RRTypeA, 60, "198.51.1.1")))
	retrying := newClient(f, withFastRetries(20))
	if _, err := apply(t, retrying, third, chg(types.ChangeActionCreate, set("b.example.net", types.RRTypeA, 60, "198.51.1.1"))); err != nil {
		t.Fatalf("with retries: %v", err)
	}
}
