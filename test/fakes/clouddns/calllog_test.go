package clouddnsfake

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestCallLog(t *testing.T) {
	clock := newTestClock()
	var observed []Call
	var mu sync.Mutex
	f, svc := newFake(t, Options{Now: clock.Now, Observe: func(c Call) {
		mu.Lock()
		defer mu.Unlock()
		observed = append(observed, c)
	}})
	a := rrset("a.example.com.", "A", 60, "192.0.2.1")
	mustApply(t, svc, rrs(a, rrset("b.example.com.", "A", 60, "192.0.2.2")), nil)
	_, err := apply(svc, rrs(rrset("c.example.com.", "A", 60, "192.0.2.3")), rrs(rrset("a.example.com.", "A", 61, "192.0.2.1")))
	wantErr(t, err, http.StatusPreconditionFailed, ReasonConditionNotMet)
	f.FailNext(1, http.StatusServiceUnavailable)
	_, err = svc.ResourceRecordSets.List(DefaultProject, testZone).Do()
	wantErr(t, err, http.StatusServiceUnavailable, ReasonBackendError)
	records(t, svc, nil)
	if err := f.Seed(testZone, rrset("seeded.example.com.", "A", 60, "192.0.2.9")); err != nil {
		t.Fatal(err)
	}
	want := []Call{
		{Method: "dns.changes.create", Status: 200, Additions: 2},
		{Method: "dns.changes.create", Status: 412, Reason: ReasonConditionNotMet, Additions: 1, Deletions: 1},
		{Method: "dns.resourceRecordSets.list", Status: 503, Reason: ReasonBackendError, Injected: true},
		{Method: "dns.resourceRecordSets.list", Status: 200},
	}
	calls := f.Calls()
	if len(calls) != len(want) {
		t.Fatalf("calls = %+v", calls)
	}
	for i, c := range calls {
		if c.Project != DefaultProject || c.Zone != testZone || !c.Time.Equal(clock.Now()) {
			t.Errorf("call %d = %+v", i, c)
		}
		c.Project, c.Zone, c.Time, c.Duration = "", "", time.Time{}, 0
		if c != want[i] {
			t.Errorf("call %d = %+v, want %+v", i, c, want[i])
		}
	}
	mu.Lock()
	if len(observed) != len(want) {
		t.Errorf("observed %d calls, want %d", len(observed), len(want))
	}
	mu.Unlock()
	counts := f.CallCounts()
	if counts["dns.changes.create"] != 2 || counts["dns.resourceRecordSets.list"] != 2 || len(counts) != 2 {
		t.Errorf("counts = %v", counts)
	}
	f.ResetCalls()
	if len(f.Calls()) != 0 || len(f.CallCounts()) != 0 {
		t.Error("ResetCalls left entries")
	}
}

// Many clients at once: the fake serializes changes, so every addition lands exactly once.
func TestConcurrentChanges(t *testing.T) {
	f, svc := newFake(t, Options{})
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, rr := range hosts("w"+string(rune('a'+w)), each) {
				if _, err := apply(svc, rrs(rr), nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(userRecords(f.RecordSets(testZone))); n != workers*each {
		t.Errorf("%d rrsets, want %d", n, workers*each)
	}
	resp, err := svc.Changes.List(DefaultProject, testZone).MaxResults(1000).Context(context.Background()).Do()
	if err != nil || len(resp.Changes) != workers*each+1 {
		t.Errorf("changes: %d, %v", len(resp.Changes), err)
	}
}
