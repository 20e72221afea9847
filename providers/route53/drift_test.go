package route53

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

// TestCheckDeletedBehindOurBack deletes a set's health check outside Meridian: listing shows the
// set without a check, and the next pass attaches a new one under the next generation of the
// same reference (the deleted one's stays reserved). TestStaleCheckIDInBatch covers a change
// planned before the listing.
func TestCheckDeletedBehindOurBack(t *testing.T) {
	e := newEnv(t)
	reg := owned(e.provider(Config{}))
	www := withCheck(set("www.example.com", "A", "8.8.8.8"), providers.HealthCheck{Protocol: "HTTP"})
	mustSync(t, reg, testResource, []providers.Record{www})
	old := e.attached()["www.example.com. A "]
	if _, err := sdkClient(e.fake.URL).DeleteHealthCheck(testCtx(t), &route53.DeleteHealthCheckInput{HealthCheckId: aws.String(old)}); err != nil {
		t.Fatal(err)
	}
	www.TTL = 30
	current, err := reg.Records(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range current {
		if r.Name == "www.example.com" && r.HealthCheck != nil {
			t.Errorf("a set whose check is gone reports %+v", r.HealthCheck)
		}
	}
	converge(t, reg, testResource, []providers.Record{www}, 3)
	id := e.attached()["www.example.com. A "]
	if id == "" || id == old || len(e.fake.HealthChecks()) != 1 {
		t.Errorf("after repair: attached %q (old %q), %d checks", id, old, len(e.fake.HealthChecks()))
	}
}

// TestStaleCheckIDInBatch sends an UPSERT naming a check deleted since it was listed: Route 53
// refuses the batch, and the error wraps ErrStale.
func TestStaleCheckIDInBatch(t *testing.T) {
	e := newEnv(t)
	reg := owned(e.provider(Config{}))
	www := withCheck(set("www.example.com", "A", "8.8.8.8"), providers.HealthCheck{Protocol: "HTTP"})
	mustSync(t, reg, testResource, []providers.Record{www})
	current, err := reg.Records(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	id := e.attached()["www.example.com. A "]
	if _, err := sdkClient(e.fake.URL).DeleteHealthCheck(testCtx(t), &route53.DeleteHealthCheckInput{HealthCheckId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	var old providers.Record
	for _, r := range current {
		if r.Name == "www.example.com" && r.Type == "A" {
			old = r
		}
	}
	next := old
	next.TTL = 30
	err = reg.ApplyChanges(testCtx(t), providers.Changes{Update: []providers.Update{{Old: old, New: next}}})
	if !errors.Is(err, providers.ErrStale) || !strings.Contains(err.Error(), id) {
		t.Errorf("error %v, want ErrStale naming check %s", err, id)
	}
}

// TestCheckDrift attaches, behind Meridian's back, a check of another address to a Meridian set,
// and points another set at a check that does not exist: both read back without a health check,
// so the plan puts the right ones back.
func TestCheckDrift(t *testing.T) {
	e := newEnv(t)
	reg := owned(e.provider(Config{}))
	hc := providers.HealthCheck{Protocol: "TCP", Port: 443}
	desired := []providers.Record{withCheck(set("a.example.com", "A", "8.8.8.8"), hc), withCheck(set("b.example.com", "A", "8.8.4.4"), hc)}
	mustSync(t, reg, testResource, desired)
	other, err := sdkClient(e.fake.URL).CreateHealthCheck(testCtx(t), &route53.CreateHealthCheckInput{CallerReference: aws.String("manual"),
		HealthCheckConfig: &types.HealthCheckConfig{Type: types.HealthCheckTypeTcp, IPAddress: aws.String("1.1.1.1"), Port: aws.Int32(443)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range e.fake.RecordSets(e.zoneID) {
		switch aws.ToString(s.Name) {
		case "a.example.com.":
			s.HealthCheckId = other.HealthCheck.Id
		case "b.example.com.":
			s.HealthCheckId = aws.String("00000000-dead-4c0e-8000-000000000000")
		default:
			continue
		}
		if err := e.fake.Seed(e.zoneID, s); err != nil {
			t.Fatal(err)
		}
	}
	changes := mustSync(t, reg, testResource, desired)
	if len(changes.Update) != 2 {
		t.Errorf("planned %+v, want both sets updated", changes)
	}
	if changes := mustSync(t, reg, testResource, desired); !changes.Empty() {
		t.Errorf("still planned %+v after the repair", changes)
	}
	if n := e.fake.CallCounts()["GetHealthCheck"]; n == 0 {
		t.Error("the unknown check was never looked up")
	}
	// The manual check is not Meridian's: detached, but not deleted.
	if len(e.fake.HealthChecks()) != 3 {
		t.Errorf("%d checks, want Meridian's two and the manual one", len(e.fake.HealthChecks()))
	}
}

// TestFailedCleanupIsRetried fails every try to delete an unused check: the change itself
// succeeds, and the next Records call deletes the check.
func TestFailedCleanupIsRetried(t *testing.T) {
	e := newEnv(t)
	reg := owned(e.provider(Config{}))
	mustSync(t, reg, testResource, []providers.Record{withCheck(set("www.example.com", "A", "8.8.8.8"), providers.HealthCheck{Protocol: "HTTP"})})
	e.fake.FailNextOn("DeleteHealthCheck", fastBackoff.Attempts, 503)
	mustSync(t, reg, testResource, nil)
	if n := len(e.fake.HealthChecks()); n != 1 {
		t.Fatalf("%d checks after the failed cleanup, want 1", n)
	}
	if _, err := reg.Records(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.HealthChecks()); n != 0 {
		t.Errorf("%d checks after the next listing, want 0", n)
	}
}

func TestJoinIdentifiers(t *testing.T) {
	if got := joinIdentifiers([]string{"a", "b"}); got != "a+b" {
		t.Errorf("joinIdentifiers = %q", got)
	}
	long := []string{strings.Repeat("x", 100), strings.Repeat("y", 100)}
	got := joinIdentifiers(long)
	if len(got) != maxSetIdentifier || got == joinIdentifiers([]string{strings.Repeat("x", 100), strings.Repeat("z", 100)}) {
		t.Errorf("joinIdentifiers of long names = %q (%d characters)", got, len(got))
	}
}

func TestEndpointOf(t *testing.T) {
	cases := []struct {
		rec      providers.Record
		protocol string
		want     endpoint
		ok       bool
	}{
		{set("www.example.com", "A", "8.8.8.8"), "HTTP", endpoint{"8.8.8.8", "www.example.com"}, true},
		{set("www.example.com", "AAAA", "2001:4860::8888"), "TCP", endpoint{"2001:4860::8888", ""}, true},
		{set("*.example.com", "A", "8.8.8.8"), "HTTPS", endpoint{"8.8.8.8", ""}, true},
		{set("www.example.com", "CNAME", "lb.example.net"), "HTTP", endpoint{"", "lb.example.net"}, true},
		{set("www.example.com", "TXT", "x"), "HTTP", endpoint{}, false},
		{set("www.example.com", "A"), "HTTP", endpoint{}, false},
	}
	for _, tc := range cases {
		got, ok := endpointOf(&tc.rec, tc.protocol)
		if got != tc.want || ok != tc.ok {
			t.Errorf("endpointOf(%s, %s) = %+v, %t; want %+v, %t", describe(&tc.rec), tc.protocol, got, ok, tc.want, tc.ok)
		}
	}
}
