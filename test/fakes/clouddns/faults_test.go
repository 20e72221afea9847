package clouddnsfake

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	dns "google.golang.org/api/dns/v1"
)

func getZone(svc *dns.Service) error {
	_, err := svc.ManagedZones.Get(DefaultProject, testZone).Do()
	return err
}

// statusOf is the HTTP status a call ended with: 200 or the error's code.
func statusOf(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return http.StatusOK
	}
	return googleErr(t, err).Code
}

// The generated client does not retry: each call the caller makes is one HTTP request, and a 429
// reaches the caller as *googleapi.Error. Retrying is the provider's job.
func TestTokenBucket(t *testing.T) {
	clock := newTestClock()
	f, svc := newFake(t, Options{Now: clock.Now, Rate: 1, Burst: 2})
	var got []int
	for range 3 {
		got = append(got, statusOf(t, getZone(svc)))
	}
	clock.Advance(time.Second)
	got = append(got, statusOf(t, getZone(svc)), statusOf(t, getZone(svc)))
	want := []int{200, 200, 429, 200, 429}
	if !deepEqual(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if n := f.CallCounts()["dns.managedZones.get"]; n != len(want) {
		t.Errorf("%d requests for %d calls: the client retried", n, len(want))
	}
	f.SetThrottle(0, 0)
	for range 5 {
		if err := getZone(svc); err != nil {
			t.Fatalf("throttle off: %v", err)
		}
	}
	f.SetThrottle(1000, 0) // burst defaults to the rate
	for range 5 {
		if err := getZone(svc); err != nil {
			t.Fatalf("fast bucket: %v", err)
		}
	}
}

func TestRateLimitErrorShape(t *testing.T) {
	f, svc := newFake(t, Options{})
	f.FailNext(1, http.StatusTooManyRequests)
	gerr := wantErr(t, getZone(svc), http.StatusTooManyRequests, ReasonRateLimitExceeded)
	var body struct {
		Error struct {
			Code    int
			Message string
			Status  string
			Errors  []struct{ Domain, Reason, Message string }
		}
	}
	if err := json.Unmarshal([]byte(gerr.Body), &body); err != nil {
		t.Fatal(err)
	}
	e := body.Error
	if e.Code != 429 || e.Status != "RESOURCE_EXHAUSTED" || len(e.Errors) != 1 || e.Errors[0].Domain != "usageLimits" ||
		e.Message != "Resource has been exhausted (e.g. check quota)." || e.Errors[0].Message != e.Message {
		t.Errorf("body = %s", gerr.Body)
	}
	if gerr.Error() != "googleapi: Error 429: Resource has been exhausted (e.g. check quota)., rateLimitExceeded" {
		t.Errorf("error text = %q", gerr.Error())
	}
}

func TestFailNext(t *testing.T) {
	f, svc := newFake(t, Options{})
	f.FailNext(2, http.StatusServiceUnavailable)
	www := rrset("www.example.com.", "A", 300, "192.0.2.1")
	for range 2 {
		_, err := apply(svc, rrs(www), nil)
		wantErr(t, err, http.StatusServiceUnavailable, ReasonBackendError)
	}
	if len(userRecords(f.RecordSets(testZone))) != 0 {
		t.Fatal("a change failed by injection was applied")
	}
	mustApply(t, svc, rrs(www), nil)
	f.FailNext(1, http.StatusInternalServerError)
	wantErr(t, getZone(svc), http.StatusInternalServerError, ReasonBackendError)
	if err := getZone(svc); err != nil {
		t.Fatal(err)
	}
	// FailNextOn only touches the method it names.
	f.FailNextOn("dns.changes.create", 1, http.StatusServiceUnavailable)
	if err := getZone(svc); err != nil {
		t.Fatal(err)
	}
	_, err := apply(svc, nil, rrs(www))
	wantErr(t, err, http.StatusServiceUnavailable, ReasonBackendError)
	mustApply(t, svc, nil, rrs(www))
}

// The random shares come from the seeded source: the same seed gives the same answers.
func TestFailureAndThrottleRates(t *testing.T) {
	run := func(seed int64, failure, throttle float64) []int {
		f, svc := newFake(t, Options{Seed: seed})
		f.SetFailureRate(failure)
		f.SetThrottleRate(throttle)
		var out []int
		for range 200 {
			out = append(out, statusOf(t, getZone(svc)))
		}
		return out
	}
	count := func(statuses []int, codes ...int) int {
		n := 0
		for _, s := range statuses {
			for _, c := range codes {
				if s == c {
					n++
				}
			}
		}
		return n
	}
	a, b := run(7, 0.3, 0), run(7, 0.3, 0)
	if !deepEqual(a, b) {
		t.Error("same seed, different failures")
	}
	if n := count(a, 500, 503); n < 30 || n > 90 || count(a, 500) == 0 || count(a, 503) == 0 {
		t.Errorf("failure rate 0.3: %d of 200 failed (%d 500s)", n, count(a, 500))
	}
	throttled := run(8, 0, 0.5)
	if n := count(throttled, 429); n < 70 || n > 130 || count(throttled, 200)+n != 200 {
		t.Errorf("throttle rate 0.5: %d of 200 refused", n)
	}
}

func TestLatency(t *testing.T) {
	f, svc := newFake(t, Options{})
	f.SetLatency(60 * time.Millisecond)
	start := time.Now()
	if err := getZone(svc); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("call took %v with 60ms latency", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := svc.ManagedZones.Get(DefaultProject, testZone).Context(ctx).Do()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("call past its deadline: %v", err)
	}
}
