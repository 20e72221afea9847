package route53fake_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

func listZones(t *testing.T, c *route53.Client) error {
	t.Helper()
	_, err := c.ListHostedZones(ctx(t), &route53.ListHostedZonesInput{})
	return err
}

func TestThrottlingWithoutRetries(t *testing.T) {
	f := newFake(t, route53fake.Options{Rate: 1, Burst: 2})
	c := newClient(f)
	for i := range 2 {
		if err := listZones(t, c); err != nil {
			t.Fatalf("call %d within the burst: %v", i, err)
		}
	}
	wantAPIError(t, listZones(t, c), "Throttling", "Rate exceeded")
	calls := f.Calls()
	if last := calls[len(calls)-1]; last.Status != http.StatusBadRequest || last.Code != "Throttling" || last.Account != "AKIDMERIDIANTEST" {
		t.Fatalf("logged %+v", last)
	}
	// The bucket is per account: another access key has its own.
	other := newClient(f, func(o *route53.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIDOTHERACCOUNT", "secret", "")
	})
	if err := listZones(t, other); err != nil {
		t.Fatalf("other account: %v", err)
	}
}

func TestThrottlingWithStandardRetryer(t *testing.T) {
	f := newFake(t, route53fake.Options{Rate: 20, Burst: 1})
	c := newClient(f, withFastRetries(10))
	for i := range 8 {
		if err := listZones(t, c); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	throttled := 0
	for _, call := range f.Calls() {
		if call.Code == "Throttling" {
			throttled++
		}
	}
	if throttled == 0 || f.CallCounts()["ListHostedZones"] != 8+throttled {
		t.Fatalf("throttled %d, counts %v", throttled, f.CallCounts())
	}
}

func TestFailNext(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)

	f.FailNext(2, http.StatusServiceUnavailable)
	wantAPIError(t, listZones(t, c), "ServiceUnavailable")
	wantAPIError(t, listZones(t, c), "ServiceUnavailable")
	if err := listZones(t, c); err != nil {
		t.Fatalf("third call: %v", err)
	}

	f.FailNextOn("ChangeResourceRecordSets", 1, http.StatusInternalServerError)
	if err := listZones(t, c); err != nil {
		t.Fatalf("other operation: %v", err)
	}
	_, err := apply(t, c, id, chg("CREATE", set("a.example.com", types.RRTypeA, 60, "192.0.2.1")))
	wantAPIError(t, err, "InternalFailure")
	if n := len(f.RecordSets(id)); n != 2 {
		t.Fatalf("a failed call changed the zone: %d sets", n)
	}

	// The SDK retries 5xx answers on its own.
	f.FailNext(2, http.StatusInternalServerError)
	f.ResetCalls()
	if err := listZones(t, newClient(f, withFastRetries(3))); err != nil {
		t.Fatalf("with retries: %v", err)
	}
	if got := f.CallCounts()["ListHostedZones"]; got != 3 {
		t.Fatalf("%d attempts, want 3", got)
	}
}

// outcomes runs n calls and returns their error codes ("" for success).
func outcomes(t *testing.T, f *route53fake.Fake, n int) []string {
	c := newClient(f)
	var codes []string
	for range n {
		_ = listZones(t, c)
	}
	for _, call := range f.Calls() {
		codes = append(codes, call.Code)
	}
	return codes
}

func TestFailureAndThrottleShares(t *testing.T) {
	run := func(seed int64) []string {
		f := newFake(t, route53fake.Options{Seed: seed})
		f.SetFailureRate(0.3)
		f.SetThrottleRate(0.3)
		return outcomes(t, f, 200)
	}
	a, b := run(7), run(7)
	counts := map[string]int{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different outcome at call %d: %q vs %q", i, a[i], b[i])
		}
		counts[a[i]]++
	}
	// 30% failures, then 30% of the rest throttled: about 60/42/98 of 200.
	failures := counts["InternalFailure"] + counts["ServiceUnavailable"]
	if failures < 35 || failures > 85 || counts["Throttling"] < 20 || counts["Throttling"] > 65 || counts[""] < 70 {
		t.Fatalf("outcome counts %v", counts)
	}

	f := newFake(t, route53fake.Options{})
	f.SetThrottleRate(1)
	for _, code := range outcomes(t, f, 5) {
		if code != "Throttling" {
			t.Fatalf("throttle share 1 let a call through: %q", code)
		}
	}
}

func TestLatency(t *testing.T) {
	f := newFake(t, route53fake.Options{Latency: 60 * time.Millisecond})
	c := newClient(f)
	start := time.Now()
	if err := listZones(t, c); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("call took %v", d)
	}
	// Latency applies to refused calls too, and can be turned off.
	f.FailNext(1, http.StatusServiceUnavailable)
	start = time.Now()
	wantAPIError(t, listZones(t, c), "ServiceUnavailable")
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("failed call took %v", d)
	}
	f.SetLatency(0)
	_, err := c.GetHostedZone(ctx(t), &route53.GetHostedZoneInput{Id: aws.String("ZNONE")})
	wantAPIError(t, err, "NoSuchHostedZone")
}
