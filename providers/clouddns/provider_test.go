package clouddns

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
)

func TestNewChecksConfig(t *testing.T) {
	f := newFake(t, clouddnsfake.Options{})
	ctx := testContext(t)
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Zones: []string{"example.com"}}, "no project"},
		{Config{Project: f.Project()}, "no zones"},
		{Config{Project: f.Project(), Zones: []string{"example.com", "example.org."}}, "no managed zone for example.org"},
		{Config{Project: "someone-else", Zones: []string{"example.com"}}, "someone-else"},
		{Config{Project: f.Project(), Zones: []string{" "}}, "empty zone name"},
	} {
		tc.cfg.Endpoint, tc.cfg.RequestsPerSecond, tc.cfg.Backoff = f.Endpoint(), -1, fastBackoff
		_, err := New(ctx, tc.cfg, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v; want an error saying %q", tc.cfg, err, tc.want)
		}
	}
}

func TestChooseZone(t *testing.T) {
	mz := func(name, dnsName, visibility string) *dns.ManagedZone {
		return &dns.ManagedZone{Name: name, DnsName: dnsName, Visibility: visibility}
	}
	cases := []struct {
		listed []*dns.ManagedZone
		want   string // zone name, or the error's text
	}{
		{[]*dns.ManagedZone{mz("ex", "example.com.", "public")}, "ex"},
		{[]*dns.ManagedZone{mz("ex", "Example.COM.", "")}, "ex"},
		{[]*dns.ManagedZone{mz("inside", "example.com.", "private"), mz("outside", "example.com.", "public")}, "outside"},
		{[]*dns.ManagedZone{mz("only-private", "example.com.", "private")}, "only-private"},
		{[]*dns.ManagedZone{mz("p1", "example.com.", "private"), mz("p2", "example.com.", "private")}, "2 managed zones for example.com (p1, p2)"},
		{[]*dns.ManagedZone{mz("other", "example.org.", "public")}, "no managed zone for example.com"},
	}
	for _, tc := range cases {
		z, err := chooseZone("example.com", tc.listed)
		got := z.name
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("chooseZone(%s) = %q; want %q", dump(tc.listed), got, tc.want)
		}
	}
}

// TestZonesPagedAndNested finds zones across list pages, and writes each name into the closest
// of nested zones.
func TestZonesPagedAndNested(t *testing.T) {
	f := newFake(t, clouddnsfake.Options{PageSize: 1})
	for i, dnsName := range []string{"a.example.net.", "sub.example.com.", "b.example.net."} {
		if err := f.CreateZone(fmt.Sprintf("z%d", i), dnsName); err != nil {
			t.Fatal(err)
		}
	}
	p := newProvider(t, f, Config{Zones: []string{"example.com", "sub.example.com."}})
	reg := wrap(p)
	desired := []providers.Record{plain("www.sub.example.com", "A", "192.0.2.1"), plain("www.example.com", "A", "192.0.2.2")}
	mustPublish(t, reg, "dnsendpoint/shop/web", desired)
	if got := f.RecordSets("z1"); !strings.Contains(dump(got), "www.sub.example.com.") || strings.Contains(dump(got), `"www.example.com."`) {
		t.Errorf("sub.example.com holds %s", dump(got))
	}
	if got := ours(f); !strings.Contains(dump(got), `"www.example.com."`) || strings.Contains(dump(got), "www.sub.example.com.") {
		t.Errorf("example.com holds %s", dump(got))
	}
	_, err := publish(testContext(t), reg, "dnsendpoint/shop/web", []providers.Record{plain("www.example.org", "A", "192.0.2.1")})
	if !errors.Is(err, ErrOutsideZones) {
		t.Errorf("publishing outside the zones: %v; want ErrOutsideZones", err)
	}
}

// TestRecordsIncludeForeignTypes: every rrset is listed, SOA and NS too, none with an owner.
func TestRecordsIncludeForeignTypes(t *testing.T) {
	f := newFake(t, clouddnsfake.Options{})
	mx := &dns.ResourceRecordSet{Name: "example.com.", Type: "MX", Ttl: 300, Rrdatas: []string{"10 mx.example.com."}}
	if err := f.Seed(testZone, mx); err != nil {
		t.Fatal(err)
	}
	got, err := newProvider(t, f, Config{}).Records(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, r := range got {
		types = append(types, r.Type)
		if r.Owner != "" || r.Name != "example.com" {
			t.Errorf("unexpected %s", dump(r))
		}
	}
	if strings.Join(types, ",") != "MX,NS,SOA" {
		t.Errorf("listed types %v; want MX, NS and SOA", types)
	}
}

// TestClientSideRateLimit: requests wait for the token bucket instead of meeting the API's 429s.
func TestClientSideRateLimit(t *testing.T) {
	f := newFake(t, clouddnsfake.Options{})
	p := newProvider(t, f, Config{RequestsPerSecond: 50, Burst: 1})
	start := time.Now()
	for range 6 {
		if _, err := p.Records(testContext(t)); err != nil {
			t.Fatal(err)
		}
	}
	// New's zone lookup took the one token of the burst; six listings then wait 20ms each.
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
		t.Errorf("six listings at 50 requests a second took %v", elapsed)
	}
}
