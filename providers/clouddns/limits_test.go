package clouddns

import (
	"fmt"
	"strings"
	"testing"

	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
)

// changesOf reads every change Meridian made in the zone (change "0" is the zone's creation).
func changesOf(t *testing.T, f *clouddnsfake.Fake) []*dns.Change {
	t.Helper()
	svc, err := f.Service(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	var out []*dns.Change
	err = svc.Changes.List(f.Project(), testZone).Pages(testContext(t), func(resp *dns.ChangesListResponse) error {
		for _, c := range resp.Changes {
			if c.Id != "0" {
				out = append(out, c)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkTogether checks that each change holds every companion of the sets it holds: a set and
// its ownership record never appear or vanish apart.
func checkTogether(t *testing.T, changes []*dns.Change) {
	t.Helper()
	for _, c := range changes {
		for _, list := range [][]*dns.ResourceRecordSet{c.Additions, c.Deletions} {
			names := map[string]bool{}
			for _, rr := range list {
				names[rr.Type+" "+rr.Name] = true
			}
			for _, rr := range list {
				if rr.Type == "TXT" {
					continue
				}
				want := "TXT " + strings.ToLower(rr.Type) + "-" + rr.Name
				if !names[want] {
					t.Errorf("change %s holds %s %s without its companion", c.Id, rr.Type, rr.Name)
				}
			}
		}
	}
}

// TestLargeChangeSplitsBetweenNames publishes 2,500 names (5,000 rrsets with their companions)
// and withdraws them: each change stays within 1,000 additions and 1,000 deletions, and keeps
// every name whole.
func TestLargeChangeSplitsBetweenNames(t *testing.T) {
	const res = "dnsendpoint/bulk/names"
	f := newFake(t, clouddnsfake.Options{})
	reg := wrap(newProvider(t, f, Config{}))
	var desired []providers.Record
	for i := range 2500 {
		desired = append(desired, plain(fmt.Sprintf("n%04d.example.com", i), "A", fmt.Sprintf("10.0.%d.%d", i/250, i%250)))
	}
	mustPublish(t, reg, res, desired)
	if got := len(ours(f)); got != 5000 {
		t.Fatalf("the zone holds %d rrsets; want 5000", got)
	}
	mustPublish(t, reg, res, nil)
	if got := len(ours(f)); got != 0 {
		t.Fatalf("after withdrawing, the zone holds %d rrsets", got)
	}
	changes := changesOf(t, f)
	if len(changes) != 10 {
		t.Errorf("%d changes; want 5 to create and 5 to delete", len(changes))
	}
	for _, c := range changes {
		if len(c.Additions) > 1000 || len(c.Deletions) > 1000 {
			t.Errorf("change %s: %d additions, %d deletions", c.Id, len(c.Additions), len(c.Deletions))
		}
	}
	checkTogether(t, changes)
}

// TestChangeSplitsByRrdataSize splits on the rrdata bytes quota, and refuses, before sending
// anything, a name that alone exceeds it.
func TestChangeSplitsByRrdataSize(t *testing.T) {
	const res = "dnsendpoint/bulk/txt"
	limits := clouddnsfake.Limits{RrdataBytesPerChange: 3000}
	f := newFake(t, clouddnsfake.Options{Limits: limits})
	reg := wrap(newProvider(t, f, Config{Limits: Limits{RrdataBytesPerChange: 3000}}))
	var desired []providers.Record
	for i := range 40 {
		desired = append(desired, plain(fmt.Sprintf("t%02d.example.com", i), "TXT", strings.Repeat("x", 200)))
	}
	mustPublish(t, reg, res, desired)
	changes := changesOf(t, f)
	if len(changes) < 4 {
		t.Errorf("%d changes for about 12,000 bytes of rrdata; want at least 4", len(changes))
	}
	for _, c := range changes {
		if n := rrdataBytes(&dns.ResourceRecordSet{Rrdatas: flatten(c.Additions)}); n > 3000 {
			t.Errorf("change %s carries %d bytes of rrdata", c.Id, n)
		}
	}
	checkTogether(t, changes)

	f.ResetCalls()
	huge := append(desired, plain("huge.example.com", "TXT", strings.Repeat("y", 4000)))
	_, err := publish(testContext(t), reg, res, huge)
	if err == nil || !strings.Contains(err.Error(), "TXT huge.example.com") || providers.IsSoft(err) {
		t.Errorf("publishing a name over the limits: %v; want a hard error naming it", err)
	}
	if n := f.CallCounts()["dns.changes.create"]; n != 0 {
		t.Errorf("%d changes sent; want none", n)
	}
}

func flatten(rrsets []*dns.ResourceRecordSet) []string {
	var out []string
	for _, rr := range rrsets {
		out = append(out, rr.Rrdatas...)
	}
	return out
}
