package clouddnsfake

import (
	"net/http"
	"strings"
	"testing"
	"time"

	dns "google.golang.org/api/dns/v1"
)

func TestChangeIsPendingThenDone(t *testing.T) {
	clock := newTestClock()
	_, svc := newFake(t, Options{Now: clock.Now, ChangeDelay: 30 * time.Second})
	www := rrset("www.example.com.", "A", 300, "192.0.2.1")
	ch := mustApply(t, svc, rrs(www), nil)
	if ch.Status != "pending" || ch.Id != "1" || ch.Kind != "dns#change" || ch.StartTime != "2030-01-02T03:04:05.000Z" {
		t.Errorf("created change = %+v", ch)
	}
	if len(ch.Additions) != 1 || ch.Additions[0].Kind != "dns#resourceRecordSet" || ch.Additions[0].Rrdatas[0] != "192.0.2.1" {
		t.Errorf("change additions = %+v", ch.Additions)
	}
	// The records are there at once; only the status waits.
	if got := userRecords(records(t, svc, nil)); len(got) != 1 {
		t.Errorf("rrsets after create = %+v", got)
	}
	got, err := svc.Changes.Get(DefaultProject, testZone, ch.Id).Do()
	if err != nil || got.Status != "pending" {
		t.Fatalf("get before the delay = %+v, %v", got, err)
	}
	clock.Advance(30 * time.Second)
	got, err = svc.Changes.Get(DefaultProject, testZone, ch.Id).Do()
	if err != nil || got.Status != "done" || !sameJSON(t, got.Additions, ch.Additions) {
		t.Fatalf("get after the delay = %+v, %v", got, err)
	}
	for _, id := range []string{"2", "-1", "01", "x"} {
		_, err = svc.Changes.Get(DefaultProject, testZone, id).Do()
		wantErr(t, err, http.StatusNotFound, ReasonNotFound)
	}
}

func TestChangesList(t *testing.T) {
	_, svc := newFake(t, Options{})
	for _, ip := range []string{"192.0.2.1", "192.0.2.2"} {
		mustApply(t, svc, rrs(rrset("h"+ip[len(ip)-1:]+".example.com.", "A", 60, ip)), nil)
	}
	resp, err := svc.Changes.List(DefaultProject, testZone).Do()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range resp.Changes {
		ids = append(ids, c.Id+":"+c.Status)
	}
	// Change 0 is the zone's creation, adding its SOA and NS.
	if strings.Join(ids, ",") != "0:done,1:done,2:done" || len(resp.Changes[0].Additions) != 2 {
		t.Errorf("changes = %v", ids)
	}
	page, err := svc.Changes.List(DefaultProject, testZone).SortOrder("descending").MaxResults(2).Do()
	if err != nil || len(page.Changes) != 2 || page.Changes[0].Id != "2" || page.NextPageToken == "" {
		t.Fatalf("descending page = %+v, %v", page, err)
	}
	last, err := svc.Changes.List(DefaultProject, testZone).SortOrder("descending").MaxResults(2).
		PageToken(page.NextPageToken).Do()
	if err != nil || len(last.Changes) != 1 || last.Changes[0].Id != "0" || last.NextPageToken != "" {
		t.Fatalf("second page = %+v, %v", last, err)
	}
	_, err = svc.Changes.List(DefaultProject, testZone).SortOrder("sideways").Do()
	wantErr(t, err, http.StatusBadRequest, ReasonInvalid)
}

// Replacing an rrset is a deletion of the exact current data and an addition in one change.
func TestReplaceByDeleteAndAdd(t *testing.T) {
	f, svc := newFake(t, Options{})
	old := rrset("www.example.com.", "A", 300, "192.0.2.1", "192.0.2.2")
	mustApply(t, svc, rrs(old), nil)
	repl := rrset("www.example.com.", "A", 60, "192.0.2.3")
	mustApply(t, svc, rrs(repl), rrs(old))
	if got := userRecords(f.RecordSets(testZone)); len(got) != 1 || !deepEqual(got[0], repl) {
		t.Errorf("after replace = %+v", got)
	}
	// Adding without deleting is a conflict.
	_, err := apply(svc, rrs(rrset("WWW.example.com.", "A", 60, "192.0.2.4")), nil)
	gerr := wantErr(t, err, http.StatusConflict, ReasonAlreadyExists)
	want := "The resource 'entity.change.additions[0]' named 'WWW.example.com. (A)' already exists"
	if gerr.Message != want || gerr.Error() != "googleapi: Error 409: "+want+", alreadyExists" {
		t.Errorf("error = %q", gerr.Error())
	}
	// So is adding the same name and type twice in one change.
	_, err = apply(svc, rrs(rrset("x.example.com.", "A", 60, "192.0.2.5"), rrset("x.example.com.", "A", 60, "192.0.2.6")), nil)
	if gerr := wantErr(t, err, http.StatusConflict, ReasonAlreadyExists); !strings.Contains(gerr.Message, "additions[1]") {
		t.Errorf("message = %q", gerr.Message)
	}
}

// Deletions must match existing data exactly (Change.deletions). A deletion of something absent
// is 404 notFound; one that differs in any field is 412 conditionNotMet.
func TestDeletionMustMatchExactly(t *testing.T) {
	f, svc := newFake(t, Options{})
	cur := rrset("www.example.com.", "A", 300, "192.0.2.1", "192.0.2.2")
	mustApply(t, svc, rrs(cur), nil)
	cases := map[string]*dns.ResourceRecordSet{
		"ttl":           rrset("www.example.com.", "A", 301, "192.0.2.1", "192.0.2.2"),
		"fewer rrdatas": rrset("www.example.com.", "A", 300, "192.0.2.1"),
		"other rrdata":  rrset("www.example.com.", "A", 300, "192.0.2.1", "192.0.2.9"),
		"rrdata order":  rrset("www.example.com.", "A", 300, "192.0.2.2", "192.0.2.1"),
		"routing policy": {Name: "www.example.com.", Type: "A", Ttl: 300, RoutingPolicy: &dns.RRSetRoutingPolicy{
			Wrr: &dns.RRSetRoutingPolicyWrrPolicy{Items: []*dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem{
				{Weight: 1, Rrdatas: []string{"192.0.2.1", "192.0.2.2"}}}}}},
	}
	for name, del := range cases {
		_, err := apply(svc, nil, rrs(del))
		gerr := wantErr(t, err, http.StatusPreconditionFailed, ReasonConditionNotMet)
		if gerr.Message != "Precondition not met for 'entity.change.deletions[0]'" {
			t.Errorf("%s: message = %q", name, gerr.Message)
		}
	}
	_, err := apply(svc, nil, rrs(rrset("www.example.com.", "AAAA", 300, "2001:db8::1")))
	gerr := wantErr(t, err, http.StatusNotFound, ReasonNotFound)
	if gerr.Message != "The 'entity.change.deletions[0]' resource named 'www.example.com. (AAAA)' does not exist." {
		t.Errorf("message = %q", gerr.Message)
	}
	// Names compare without case, and a copy read back (kinds and all) deletes.
	read := userRecords(records(t, svc, nil))
	read[0].Name = "WWW.Example.COM."
	mustApply(t, svc, nil, read)
	if len(userRecords(f.RecordSets(testZone))) != 0 {
		t.Error("rrset survived its deletion")
	}
}

// One failing part fails the whole change, and nothing of it is applied.
func TestChangeIsAtomic(t *testing.T) {
	f, svc := newFake(t, Options{})
	keep := rrset("keep.example.com.", "A", 300, "192.0.2.1")
	mustApply(t, svc, rrs(keep), nil)
	before := f.RecordSets(testZone)
	adds := rrs(rrset("new1.example.com.", "A", 300, "192.0.2.2"), rrset("new2.example.com.", "TXT", 300, `"x"`))
	for name, dels := range map[string][]*dns.ResourceRecordSet{
		"missing":  rrs(keep, rrset("gone.example.com.", "A", 300, "192.0.2.3")),
		"mismatch": rrs(rrset("keep.example.com.", "A", 299, "192.0.2.1")),
	} {
		if _, err := apply(svc, adds, dels); err == nil {
			t.Fatalf("%s: change with a bad deletion succeeded", name)
		}
		if after := f.RecordSets(testZone); !deepEqual(after, before) {
			t.Errorf("%s: zone changed by a failed change:\n%+v\nwant\n%+v", name, after, before)
		}
	}
	resp, err := svc.Changes.List(DefaultProject, testZone).Do()
	if err != nil || len(resp.Changes) != 2 {
		t.Errorf("failed changes were recorded: %+v, %v", resp, err)
	}
}

// The apex SOA can be replaced but not removed.
func TestApexSOA(t *testing.T) {
	f, svc := newFake(t, Options{})
	var soa *dns.ResourceRecordSet
	for _, rr := range f.RecordSets(testZone) {
		if rr.Type == "SOA" {
			soa = rr
		}
	}
	_, err := apply(svc, nil, rrs(soa))
	wantErr(t, err, http.StatusBadRequest, ReasonInvalid)
	next := rrset(testDNSName, "SOA", 300, strings.Replace(soa.Rrdatas[0], " 1 ", " 2 ", 1))
	mustApply(t, svc, rrs(next), rrs(soa))
	_, err = apply(svc, rrs(rrset("sub.example.com.", "SOA", 300, next.Rrdatas[0])), nil)
	wantErr(t, err, http.StatusBadRequest, ReasonInvalid)
}

// A response lost after the change was applied: the retry of the same change conflicts, which
// is what a provider has to cope with.
func TestFailAfterCommit(t *testing.T) {
	f, svc := newFake(t, Options{})
	f.FailNextAfterCommit(1, http.StatusServiceUnavailable)
	www := rrset("www.example.com.", "A", 300, "192.0.2.1")
	_, err := apply(svc, rrs(www), nil)
	wantErr(t, err, http.StatusServiceUnavailable, ReasonBackendError)
	if got := userRecords(f.RecordSets(testZone)); len(got) != 1 {
		t.Fatalf("change was not applied: %+v", got)
	}
	_, err = apply(svc, rrs(www), nil)
	wantErr(t, err, http.StatusConflict, ReasonAlreadyExists)
	if calls := f.Calls(); !calls[0].Injected || calls[1].Injected {
		t.Errorf("calls = %+v", calls)
	}
}

// When a change breaks several rules, the stages answer in order: quotas, then the shape of the
// rrsets, then the zone's state, then the resulting zone.
func TestCheckOrder(t *testing.T) {
	_, svc := newFake(t, Options{Limits: Limits{AdditionsPerChange: 2}})
	mustApply(t, svc, rrs(rrset("a.example.com.", "A", 60, "192.0.2.1")), nil)
	bad := rrset("b.example.com.", "A", 60, "not-an-ip")
	dup := rrset("a.example.com.", "A", 60, "192.0.2.2")
	cname := rrset("a.example.com.", "CNAME", 60, "x.example.net.")
	missing := rrset("gone.example.com.", "A", 60, "192.0.2.3")
	for _, tc := range []struct {
		name       string
		adds, dels []*dns.ResourceRecordSet
		code       int
		reason     string
	}{
		{"quota before shape", rrs(bad, dup, cname), nil, http.StatusForbidden, ReasonQuotaExceeded},
		{"shape before state", rrs(bad, dup), nil, http.StatusBadRequest, ReasonInvalid},
		{"deletions before additions", rrs(dup), rrs(missing), http.StatusNotFound, ReasonNotFound},
		{"state before result", rrs(dup, cname), nil, http.StatusConflict, ReasonAlreadyExists},
	} {
		_, err := apply(svc, tc.adds, tc.dels)
		if gerr := googleErr(t, err); gerr.Code != tc.code || gerr.Errors[0].Reason != tc.reason {
			t.Errorf("%s: got %v, want %d %s", tc.name, err, tc.code, tc.reason)
		}
	}
}

func TestChangesOnUnknownZoneOrProject(t *testing.T) {
	_, svc := newFake(t, Options{})
	www := rrs(rrset("www.example.com.", "A", 60, "192.0.2.1"))
	_, err := svc.Changes.Create(DefaultProject, "missing", &dns.Change{Additions: www}).Do()
	wantErr(t, err, http.StatusNotFound, ReasonNotFound)
	_, err = svc.Changes.Create("someone-else", testZone, &dns.Change{Additions: www}).Do()
	wantErr(t, err, http.StatusForbidden, ReasonForbidden)
	_, err = svc.Changes.Get(DefaultProject, "missing", "0").Do()
	wantErr(t, err, http.StatusNotFound, ReasonNotFound)
	_, err = svc.Changes.List(DefaultProject, "missing").Do()
	wantErr(t, err, http.StatusNotFound, ReasonNotFound)
}
