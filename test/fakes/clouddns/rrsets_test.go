package clouddnsfake

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	dns "google.golang.org/api/dns/v1"
)

// seedHosts seeds n A rrsets host-0000.example.com. ... directly.
func seedHosts(t *testing.T, f *Fake, n int) {
	t.Helper()
	var list []*dns.ResourceRecordSet
	for i := range n {
		list = append(list, rrset(fmt.Sprintf("host-%04d.example.com.", i), "A", 300,
			fmt.Sprintf("10.%d.%d.%d", i/65536, i/256%256, i%256)))
	}
	if err := f.Seed(testZone, list...); err != nil {
		t.Fatal(err)
	}
}

func TestListPaginatesLargeZone(t *testing.T) {
	f, svc := newFake(t, Options{})
	seedHosts(t, f, 2500)
	const total = 2502 // with the zone's SOA and NS
	// maxResults 0 leaves the page length to the server (Options.PageSize, 100); 5000 is capped
	// at Options.MaxPageSize (1000).
	for _, tc := range []struct{ max, pageLen int64 }{{0, 100}, {7, 7}, {333, 333}, {1000, 1000}, {5000, 1000}} {
		pages, seen := int64(0), map[string]bool{}
		c := svc.ResourceRecordSets.List(DefaultProject, testZone)
		if tc.max > 0 {
			c.MaxResults(tc.max)
		}
		err := c.Pages(context.Background(), func(p *dns.ResourceRecordSetsListResponse) error {
			pages++
			if int64(len(p.Rrsets)) > tc.pageLen {
				t.Errorf("maxResults %d: page of %d rrsets", tc.max, len(p.Rrsets))
			}
			for _, rr := range p.Rrsets {
				key := rr.Name + "/" + rr.Type
				if seen[key] {
					t.Errorf("maxResults %d: %s listed twice", tc.max, key)
				}
				seen[key] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if wantPages := (total + tc.pageLen - 1) / tc.pageLen; len(seen) != total || pages != wantPages {
			t.Errorf("maxResults %d: listed %d rrsets in %d pages, want %d in %d", tc.max, len(seen), pages, total, wantPages)
		}
	}
}

// The page token names the last rrset returned, so rrsets deleted or added between pages do not
// shift the rest (the reference only promises an "inconsistent view" then; this is the fake's
// stronger choice).
func TestListPageTokenSurvivesChanges(t *testing.T) {
	f, svc := newFake(t, Options{})
	seedHosts(t, f, 10)
	first, err := svc.ResourceRecordSets.List(DefaultProject, testZone).MaxResults(4).Do()
	if err != nil {
		t.Fatal(err)
	}
	f.Remove(testZone, first.Rrsets[3].Name, "A")
	mustApply(t, svc, rrs(rrset("aaa.example.com.", "A", 60, "192.0.2.1")), nil)
	rest, err := svc.ResourceRecordSets.List(DefaultProject, testZone).MaxResults(100).
		PageToken(first.NextPageToken).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(rest.Rrsets) != 8 || rest.Rrsets[0].Name != "host-0002.example.com." || rest.NextPageToken != "" {
		t.Errorf("second page = %d rrsets from %s, next %q", len(rest.Rrsets), rest.Rrsets[0].Name, rest.NextPageToken)
	}
}

func TestListFilters(t *testing.T) {
	f, svc := newFake(t, Options{})
	seedHosts(t, f, 3)
	if err := f.Seed(testZone, rrset("host-0001.example.com.", "TXT", 300, `"owner=meridian"`),
		rrset("other.example.com.", "A", 300, "192.0.2.9")); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		call func(*dns.ResourceRecordSetsListCall)
		want int
	}{
		"name":              {func(c *dns.ResourceRecordSetsListCall) { c.Name("HOST-0001.example.com.") }, 2},
		"name and type":     {func(c *dns.ResourceRecordSetsListCall) { c.Name("host-0001.example.com.").Type("TXT") }, 1},
		"unknown name":      {func(c *dns.ResourceRecordSetsListCall) { c.Name("nope.example.com.") }, 0},
		"filter name":       {func(c *dns.ResourceRecordSetsListCall) { c.Filter(`name="other.example.com."`) }, 1},
		"filter type":       {func(c *dns.ResourceRecordSetsListCall) { c.Filter(`name="host-0001.example.com." AND type="A"`) }, 1},
		"filter has_suffix": {func(c *dns.ResourceRecordSetsListCall) { c.Filter(`name=has_suffix("example.com.") AND type="A"`) }, 4},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := records(t, svc, tc.call); len(got) != tc.want {
				t.Errorf("got %d rrsets, want %d", len(got), tc.want)
			}
		})
	}
	bad := map[string]func(*dns.ResourceRecordSetsListCall){
		"type without name": func(c *dns.ResourceRecordSetsListCall) { c.Type("A") },
		"filter and name":   func(c *dns.ResourceRecordSetsListCall) { c.Filter(`name="a.example.com."`).Name("a.example.com.") },
		"filter syntax":     func(c *dns.ResourceRecordSetsListCall) { c.Filter(`type="A"`) },
		"page token":        func(c *dns.ResourceRecordSetsListCall) { c.PageToken("!!") },
		"max results":       func(c *dns.ResourceRecordSetsListCall) { c.MaxResults(-1) },
	}
	for name, call := range bad {
		c := svc.ResourceRecordSets.List(DefaultProject, testZone)
		call(c)
		if _, err := c.Do(); err == nil || googleErr(t, err).Code != http.StatusBadRequest {
			t.Errorf("%s: got %v, want 400", name, err)
		}
	}
}

func TestGetRRSet(t *testing.T) {
	f, svc := newFake(t, Options{})
	seedHosts(t, f, 2)
	rr, err := svc.ResourceRecordSets.Get(DefaultProject, testZone, "host-0001.example.com.", "A").Do()
	if err != nil {
		t.Fatal(err)
	}
	if rr.Kind != "dns#resourceRecordSet" || rr.Rrdatas[0] != "10.0.0.1" {
		t.Errorf("get = %+v", rr)
	}
	_, err = svc.ResourceRecordSets.Get(DefaultProject, testZone, "host-0001.example.com.", "AAAA").Do()
	wantErr(t, err, http.StatusNotFound, ReasonNotFound)
	_, err = svc.ResourceRecordSets.List(DefaultProject, "missing").Do()
	wantErr(t, err, http.StatusNotFound, ReasonNotFound)
}

// RecordSets hands out deep copies: changing them changes nothing in the fake.
func TestRecordSetsAreCopies(t *testing.T) {
	f, _ := newFake(t, Options{})
	seedHosts(t, f, 1)
	got := userRecords(f.RecordSets(testZone))
	got[0].Rrdatas[0] = "192.0.2.200"
	got[0].Name = "changed."
	again := userRecords(f.RecordSets(testZone))
	if len(again) != 1 || again[0].Name != "host-0000.example.com." || again[0].Rrdatas[0] != "10.0.0.0" {
		t.Errorf("stored rrset changed through a copy: %+v", again)
	}
}

func TestSeedRejectsAndReplaces(t *testing.T) {
	f, _ := newFake(t, Options{})
	if err := f.Seed("missing", rrset("a.example.com.", "A", 1, "192.0.2.1")); err == nil {
		t.Error("seeded an unknown zone")
	}
	if err := f.Seed(testZone, rrset("a.example.org.", "A", 1, "192.0.2.1")); err == nil {
		t.Error("seeded a name outside the zone")
	}
	if err := f.Seed(testZone, rrset("a.example.com.", "A", 1, "192.0.2.1")); err != nil {
		t.Fatal(err)
	}
	if err := f.Seed(testZone, rrset("a.example.com.", "A", 5, "192.0.2.2")); err != nil {
		t.Fatal(err)
	}
	got := userRecords(f.RecordSets(testZone))
	if len(got) != 1 || got[0].Ttl != 5 || got[0].Rrdatas[0] != "192.0.2.2" {
		t.Errorf("after replacing seed: %+v", got)
	}
	if err := f.Seed(testZone, rrset("a.example.com.", "CNAME", 5, "b.example.net.")); err == nil {
		t.Error("seeded a CNAME next to an A")
	}
	if !f.Remove(testZone, "A.example.com.", "A") || len(userRecords(f.RecordSets(testZone))) != 0 {
		t.Error("Remove did not remove the rrset")
	}
	if len(f.Calls()) != 0 {
		t.Errorf("seeding was logged: %+v", f.Calls())
	}
}
