package clouddnsfake

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	dns "google.golang.org/api/dns/v1"
	"google.golang.org/api/option"
)

func TestZoneStartsWithSOAAndNS(t *testing.T) {
	f, svc := newFake(t, Options{})
	got := records(t, svc, nil)
	if len(got) != 2 || got[0].Type != "NS" || got[1].Type != "SOA" {
		t.Fatalf("rrsets of a new zone = %+v, want NS and SOA", got)
	}
	z, err := svc.ManagedZones.Get(DefaultProject, testZone).Do()
	if err != nil {
		t.Fatal(err)
	}
	if !deepEqual(got[0].Rrdatas, z.NameServers) || got[0].Ttl != 21600 || got[0].Name != testDNSName {
		t.Errorf("NS rrset %+v does not delegate to the zone's name servers %v", got[0], z.NameServers)
	}
	if !strings.HasPrefix(got[1].Rrdatas[0], z.NameServers[0]+" cloud-dns-hostmaster.google.com. 1 ") {
		t.Errorf("SOA rrdata = %q", got[1].Rrdatas[0])
	}
	if len(f.RecordSets(testZone)) != 2 {
		t.Errorf("RecordSets = %d rrsets, want 2", len(f.RecordSets(testZone)))
	}
}

func TestManagedZonesGet(t *testing.T) {
	f, svc := newFake(t, Options{})
	z, err := svc.ManagedZones.Get(DefaultProject, testZone).Do()
	if err != nil {
		t.Fatal(err)
	}
	if z.Name != testZone || z.DnsName != testDNSName || z.Kind != "dns#managedZone" || z.Id == 0 ||
		z.Visibility != "public" || len(z.NameServers) != 4 || z.CreationTime == "" {
		t.Errorf("zone = %+v", z)
	}
	// The managedZone parameter "Can be the managed zone name or ID".
	byID, err := svc.ManagedZones.Get(DefaultProject, strconv.FormatUint(z.Id, 10)).Do()
	if err != nil || byID.Name != testZone {
		t.Errorf("get by id %d = %+v, %v", z.Id, byID, err)
	}
	_, err = svc.ManagedZones.Get(DefaultProject, "missing").Do()
	gerr := wantErr(t, err, http.StatusNotFound, ReasonNotFound)
	if gerr.Message != "The 'parameters.managedZone' resource named 'missing' does not exist." {
		t.Errorf("message = %q", gerr.Message)
	}
	_, err = svc.ManagedZones.Get("other-project", testZone).Do()
	wantErr(t, err, http.StatusForbidden, ReasonForbidden)
	if f.Project() != DefaultProject {
		t.Errorf("Project() = %q", f.Project())
	}
}

func TestManagedZonesListFilterAndPages(t *testing.T) {
	f, svc := newFake(t, Options{})
	for _, z := range [][2]string{{"b-zone", "b.example.org"}, {"a-zone", "a.example.org."}, {"c-zone", "C.Example.Org."}} {
		if err := f.CreateZone(z[0], z[1]); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	err := svc.ManagedZones.List(DefaultProject).MaxResults(1).Pages(context.Background(),
		func(page *dns.ManagedZonesListResponse) error {
			if len(page.ManagedZones) > 1 {
				t.Errorf("page of %d zones, asked for 1", len(page.ManagedZones))
			}
			for _, z := range page.ManagedZones {
				names = append(names, z.Name)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "a-zone,b-zone,c-zone,example" {
		t.Errorf("zones = %v", names)
	}
	for dnsName, want := range map[string]string{"b.example.org.": "b-zone", "c.example.org.": "c-zone", "example.com": "example"} {
		resp, err := svc.ManagedZones.List(DefaultProject).DnsName(dnsName).Do()
		if err != nil || len(resp.ManagedZones) != 1 || resp.ManagedZones[0].Name != want {
			t.Errorf("list dnsName=%q = %+v, %v; want %s", dnsName, resp, err, want)
		}
	}
	resp, err := svc.ManagedZones.List(DefaultProject).DnsName("nowhere.test.").Do()
	if err != nil || len(resp.ManagedZones) != 0 {
		t.Errorf("list of an unknown dnsName = %+v, %v", resp, err)
	}
}

func TestCreateZoneRejects(t *testing.T) {
	f := New(Options{})
	defer f.Close()
	for _, tc := range [][2]string{
		{"", "a.test."}, {"1zone", "a.test."}, {"Zone", "a.test."}, {"zone-", "a.test."},
		{"zone_x", "a.test."}, {strings.Repeat("z", 64), "a.test."}, {"ok", "."}, {"ok", "bad name.test."},
	} {
		if err := f.CreateZone(tc[0], tc[1]); err == nil {
			t.Errorf("CreateZone(%q, %q) succeeded", tc[0], tc[1])
		}
	}
	if err := f.CreateZone("ok", "a.test"); err != nil {
		t.Fatal(err)
	}
	if err := f.CreateZone("ok", "b.test."); err == nil {
		t.Error("a second zone named ok was created")
	}
	if f.RecordSets("nope") != nil || f.Remove("nope", "a.test.", "A") {
		t.Error("unknown zone has records")
	}
}

// The generated client appends "dns/v1/projects/..." to its endpoint: an endpoint that already
// ends in /dns/v1/ doubles the prefix, and the fake says so.
func TestEndpointWithAPIPrefixIsExplained(t *testing.T) {
	f, _ := newFake(t, Options{})
	svc, err := dns.NewService(context.Background(), option.WithEndpoint(f.URL+"/dns/v1/"),
		option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.ManagedZones.Get(DefaultProject, testZone).Do()
	gerr := wantErr(t, err, http.StatusNotFound, ReasonNotFound)
	if !strings.Contains(gerr.Message, "/dns/v1/dns/v1/projects/") || !strings.Contains(gerr.Message, "Endpoint()") {
		t.Errorf("message = %q", gerr.Message)
	}
	if c := f.Calls(); len(c) != 1 || c[0].Method != "unknown" {
		t.Errorf("calls = %+v", c)
	}
}

// Real methods the fake does not implement fail plainly.
func TestUnimplementedMethod(t *testing.T) {
	_, svc := newFake(t, Options{})
	err := svc.ManagedZones.Delete(DefaultProject, testZone).Do()
	gerr := wantErr(t, err, http.StatusNotImplemented, ReasonNotImplemented)
	if !strings.Contains(gerr.Message, "DELETE /dns/v1/projects/meridian-test/managedZones/example") {
		t.Errorf("message = %q", gerr.Message)
	}
}

type countingTransport struct{ n int }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	return http.DefaultTransport.RoundTrip(r)
}

// Options given to Service reach the client, e.g. a caller's own HTTP client.
func TestServiceWithHTTPClient(t *testing.T) {
	f, _ := newFake(t, Options{})
	rt := &countingTransport{}
	svc, err := f.Service(context.Background(), option.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ManagedZones.List(DefaultProject).Do(); err != nil || rt.n != 1 {
		t.Errorf("list through a custom client: %v, %d requests", err, rt.n)
	}
}
