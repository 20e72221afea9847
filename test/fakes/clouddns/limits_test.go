package clouddnsfake

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	dns "google.golang.org/api/dns/v1"
)

// hosts returns n A rrsets named prefix-N.example.com.
func hosts(prefix string, n int) []*dns.ResourceRecordSet {
	out := make([]*dns.ResourceRecordSet, n)
	for i := range out {
		out[i] = rrset(fmt.Sprintf("%s-%d.example.com.", prefix, i), "A", 60, fmt.Sprintf("10.1.%d.%d", i/256, i%256))
	}
	return out
}

// txtOfSize is a valid TXT rrdata of exactly n bytes (n >= 3), made of quoted strings.
func txtOfSize(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for b.Len() < n {
		rest := n - b.Len()
		if b.Len() > 0 {
			b.WriteByte(' ')
			rest--
		}
		body := min(rest-2, 250)
		if left := rest - body - 2; left > 0 && left < 4 {
			body -= 4 // leave room for a whole next string: space, quotes and a character
		}
		b.WriteString(`"` + strings.Repeat("x", body) + `"`)
	}
	if b.Len() != n || !validTXT(b.String()) {
		t.Fatalf("txtOfSize(%d) made %d bytes", n, b.Len())
	}
	return b.String()
}

func wantQuota(t *testing.T, err error, messages ...string) {
	t.Helper()
	gerr := wantErr(t, err, http.StatusForbidden, ReasonQuotaExceeded)
	var got []string
	for _, item := range gerr.Errors {
		got = append(got, item.Message)
	}
	if strings.Join(got, "|") != strings.Join(messages, "|") {
		t.Errorf("quota errors %q, want %q", got, messages)
	}
}

const (
	quotaAdditions = "The change would exceed quota for additions per change."
	quotaDeletions = "The change would exceed quota for deletions per change."
	quotaSize      = "The change would exceed quota for total rrdata size per change."
)

func TestAdditionsAndDeletionsPerChange(t *testing.T) {
	f, svc := newFake(t, Options{})
	_, err := apply(svc, hosts("over", 1001), nil)
	wantQuota(t, err, quotaAdditions)
	mustApply(t, svc, hosts("h", 1000), nil)
	_, err = apply(svc, nil, hosts("h", 1001))
	wantQuota(t, err, quotaDeletions)
	mustApply(t, svc, nil, hosts("h", 1000))
	if n := len(f.RecordSets(testZone)); n != 2 {
		t.Errorf("%d rrsets left, want SOA and NS", n)
	}
}

func TestRrdataSizePerChange(t *testing.T) {
	f, svc := newFake(t, Options{})
	sized := func(sizes ...int) []*dns.ResourceRecordSet {
		var out []*dns.ResourceRecordSet
		for i, n := range sizes {
			out = append(out, rrset(fmt.Sprintf("t%d.example.com.", i), "TXT", 60, txtOfSize(t, n)))
		}
		return out
	}
	at := make([]int, 100)
	for i := range at {
		at[i] = 1000
	}
	over := append([]int{1001}, at[1:]...)
	_, err := apply(svc, sized(over...), nil)
	wantQuota(t, err, quotaSize)
	mustApply(t, svc, sized(at...), nil)
	// Deletions count too: deleting the 100,000 bytes and adding one byte more is over.
	_, err = apply(svc, rrs(rrset("x.example.com.", "A", 60, "1.2.3.4")), f.RecordSets(testZone)[2:])
	wantQuota(t, err, quotaSize)
}

// Every exceeded quota is reported in one answer, as seen from the service
// (kubernetes-sigs/external-dns#1028).
func TestQuotasReportedTogether(t *testing.T) {
	_, svc := newFake(t, Options{})
	big := hosts("big", 1001)
	big[0].Rrdatas = []string{txtOfSize(t, 100_000)}
	_, err := apply(svc, big, hosts("gone", 1001))
	wantQuota(t, err, quotaAdditions, quotaDeletions, quotaSize)
	if !strings.HasPrefix(err.Error(), "googleapi: Error 403: "+quotaAdditions+"\nMore details:") {
		t.Errorf("error text = %q", err.Error())
	}
}

func TestRecordsPerRRSet(t *testing.T) {
	_, svc := newFake(t, Options{})
	ips := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("192.0.2.%d", i))
		}
		return out
	}
	mustApply(t, svc, rrs(rrset("hundred.example.com.", "A", 60, ips(100)...)), nil)
	_, err := apply(svc, rrs(rrset("more.example.com.", "A", 60, ips(101)...)), nil)
	wantQuota(t, err, "The change would exceed quota for resource records per rrset.")
	_, err = apply(svc, rrs(routed("geo.example.com.", "A", geoPolicy(&geoItem{Location: "us-east1", Rrdatas: ips(101)}))), nil)
	wantQuota(t, err, "The change would exceed quota for resource records per rrset.")
}

func TestRRSetsPerZone(t *testing.T) {
	f, svc := newFake(t, Options{Limits: Limits{RrsetsPerZone: 5}})
	mustApply(t, svc, hosts("h", 3), nil) // SOA and NS make five
	_, err := apply(svc, hosts("x", 1), nil)
	wantQuota(t, err, "The change would exceed quota for rrsets per managed zone.")
	// Seeding ignores quotas, and a change that shrinks an oversized zone is still accepted.
	if err := f.Seed(testZone, hosts("s", 3)...); err != nil {
		t.Fatal(err)
	}
	mustApply(t, svc, nil, hosts("s", 1))
}
