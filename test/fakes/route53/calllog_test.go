package route53fake_test

import (
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

func TestCallLog(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	if err := f.Seed(id, set("seeded.example.com", types.RRTypeA, 60, "192.0.2.1")); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Calls()); n != 0 {
		t.Fatalf("Seed and CreateZone were logged: %d calls", n)
	}
	c := newClient(f)
	before := time.Now()
	mustApply(t, c, id,
		chg("CREATE", set("a.example.com", types.RRTypeA, 60, "192.0.2.1", "192.0.2.2")),
		chg("UPSERT", set("b.example.com", types.RRTypeTxt, 60, `"x"`)))
	_, err := apply(t, c, id, chg("CREATE", set("a.example.com", types.RRTypeA, 60, "192.0.2.1")))
	wantAPIError(t, err, "InvalidChangeBatch")
	if _, err := c.ListResourceRecordSets(ctx(t), &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListHealthChecks(ctx(t), &route53.ListHealthChecksInput{}); err != nil {
		t.Fatal(err)
	}

	calls := f.Calls()
	if len(calls) != 4 {
		t.Fatalf("%d calls: %+v", len(calls), calls)
	}
	want := []route53fake.Call{
		{Op: "ChangeResourceRecordSets", Zone: id, Status: http.StatusOK, Changes: 2, Values: 3},
		{Op: "ChangeResourceRecordSets", Zone: id, Status: http.StatusBadRequest, Code: "InvalidChangeBatch", Changes: 1, Values: 1},
		{Op: "ListResourceRecordSets", Zone: id, Status: http.StatusOK},
		{Op: "ListHealthChecks", Status: http.StatusOK},
	}
	for i, w := range want {
		got := calls[i]
		if got.Time.Before(before) || got.Account != "AKIDMERIDIANTEST" {
			t.Errorf("call %d: time %v account %q", i, got.Time, got.Account)
		}
		got.Time, got.Account, got.Latency = time.Time{}, "", 0
		if got != w {
			t.Errorf("call %d = %+v, want %+v", i, got, w)
		}
	}
	wantCounts := map[string]int{"ChangeResourceRecordSets": 2, "ListResourceRecordSets": 1, "ListHealthChecks": 1}
	if got := f.CallCounts(); !maps.Equal(got, wantCounts) {
		t.Fatalf("counts %v", got)
	}
	f.ResetCalls()
	if len(f.Calls()) != 0 || len(f.CallCounts()) != 0 {
		t.Fatal("ResetCalls left entries")
	}
}

func TestUnknownOperation(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	c := newClient(f)
	_, err := c.GetHostedZoneCount(ctx(t), &route53.GetHostedZoneCountInput{})
	wantAPIError(t, err, "UnknownOperationException", "does not implement")
	if got := f.CallCounts()["Unknown"]; got != 1 {
		t.Fatalf("counts %v", f.CallCounts())
	}
}
