package clouddnsfake

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	dns "google.golang.org/api/dns/v1"
	"google.golang.org/api/googleapi"
)

const (
	testZone    = "example"
	testDNSName = "example.com."
)

// testClock is a settable clock for change status and the token bucket.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newFake starts a fake with the zone "example" (example.com.) and returns it with a client of the
// real generated API pointed at it.
func newFake(t *testing.T, opts Options) (*Fake, *dns.Service) {
	t.Helper()
	f := New(opts)
	t.Cleanup(f.Close)
	if err := f.CreateZone(testZone, testDNSName); err != nil {
		t.Fatal(err)
	}
	svc, err := f.Service(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f, svc
}

// apply sends one change through the client.
func apply(svc *dns.Service, adds, dels []*dns.ResourceRecordSet) (*dns.Change, error) {
	return svc.Changes.Create(DefaultProject, testZone, &dns.Change{Additions: adds, Deletions: dels}).Do()
}

func mustApply(t *testing.T, svc *dns.Service, adds, dels []*dns.ResourceRecordSet) *dns.Change {
	t.Helper()
	ch, err := apply(svc, adds, dels)
	if err != nil {
		t.Fatalf("changes.create: %v", err)
	}
	return ch
}

func rrs(list ...*dns.ResourceRecordSet) []*dns.ResourceRecordSet { return list }

func rrset(name, typ string, ttl int64, rrdatas ...string) *dns.ResourceRecordSet {
	return &dns.ResourceRecordSet{Name: name, Type: typ, Ttl: ttl, Rrdatas: rrdatas}
}

// googleErr unwraps the *googleapi.Error the client returns for a non-2xx answer.
func googleErr(t *testing.T, err error) *googleapi.Error {
	t.Helper()
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		t.Fatalf("error %v (%T) is not a *googleapi.Error", err, err)
	}
	return gerr
}

// wantErr checks the HTTP code and the reason of every error item, and returns the error.
func wantErr(t *testing.T, err error, code int, reason string) *googleapi.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want HTTP %d %s", code, reason)
	}
	gerr := googleErr(t, err)
	if gerr.Code != code || len(gerr.Errors) == 0 {
		t.Fatalf("got %v, want HTTP %d %s", err, code, reason)
	}
	for _, item := range gerr.Errors {
		if item.Reason != reason {
			t.Fatalf("got %v, want every reason %q", err, reason)
		}
	}
	return gerr
}

// records lists a zone through the client, following every page.
func records(t *testing.T, svc *dns.Service, call func(*dns.ResourceRecordSetsListCall)) []*dns.ResourceRecordSet {
	t.Helper()
	var out []*dns.ResourceRecordSet
	c := svc.ResourceRecordSets.List(DefaultProject, testZone)
	if call != nil {
		call(c)
	}
	err := c.Pages(context.Background(), func(page *dns.ResourceRecordSetsListResponse) error {
		out = append(out, page.Rrsets...)
		return nil
	})
	if err != nil {
		t.Fatalf("resourceRecordSets.list: %v", err)
	}
	return out
}

// stripKinds returns copies of rrsets without the kind fields the server stamps, for comparison
// with what was sent.
func stripKinds(in []*dns.ResourceRecordSet) []*dns.ResourceRecordSet {
	out := make([]*dns.ResourceRecordSet, len(in))
	for i, rr := range in {
		out[i] = cloneRRSet(rr)
	}
	return out
}

// sameJSON reports whether two values encode to the same JSON.
func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

// userRecords drops the SOA and NS rrsets every zone starts with.
func userRecords(in []*dns.ResourceRecordSet) []*dns.ResourceRecordSet {
	var out []*dns.ResourceRecordSet
	for _, rr := range in {
		if !(rr.Name == testDNSName && (rr.Type == "SOA" || rr.Type == "NS")) {
			out = append(out, rr)
		}
	}
	return out
}

func deepEqual(a, b any) bool { return reflect.DeepEqual(a, b) }
