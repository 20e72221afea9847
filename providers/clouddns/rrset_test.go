package clouddns

import (
	"strings"
	"testing"

	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
)

func TestTXTQuoting(t *testing.T) {
	long := strings.Repeat("a", 300)
	cases := []struct{ text, rrdata string }{
		{"", `""`},
		{"hello world", `"hello world"`},
		{`say "hi" \o/`, `"say \"hi\" \\o/"`},
		{long, `"` + long[:255] + `" "` + long[255:] + `"`},
		{"grüße", `"grüße"`},
	}
	for _, tc := range cases {
		if got := quoteTXT(tc.text); got != tc.rrdata {
			t.Errorf("quoteTXT(%q) = %q; want %q", tc.text, got, tc.rrdata)
		}
		if got := unquoteTXT(tc.rrdata); got != tc.text {
			t.Errorf("unquoteTXT(%q) = %q; want %q", tc.rrdata, got, tc.text)
		}
	}
	// What others write reads as its text: unquoted words, several strings, decimal escapes.
	for rrdata, text := range map[string]string{
		`v=spf1 -all`:               "v=spf1-all",
		`"v=DKIM1; k=rsa; " "p=AB"`: "v=DKIM1; k=rsa; p=AB",
		`"a\065b"`:                  "aAb",
		`"unterminated`:             "unterminated",
		`trailing\`:                 `trailing\`,
	} {
		if got := unquoteTXT(rrdata); got != text {
			t.Errorf("unquoteTXT(%q) = %q; want %q", rrdata, got, text)
		}
	}
}

// TestFromRRSet reads rrsets as the API returns them, kinds and all, and rrsets Meridian never
// writes.
func TestFromRRSet(t *testing.T) {
	cases := []struct {
		name string
		rr   *dns.ResourceRecordSet
		want providers.Record
	}{{
		name: "plain, names and addresses in Record form",
		rr:   &dns.ResourceRecordSet{Kind: "dns#resourceRecordSet", Name: "WWW.Example.com.", Type: "AAAA", Ttl: 5, Rrdatas: []string{"2001:DB8::1"}},
		want: providers.Record{Name: "www.example.com", Type: "AAAA", TTL: 5, Targets: []string{"2001:db8::1"}},
	}, {
		name: "CNAME",
		rr:   &dns.ResourceRecordSet{Name: "www.example.com.", Type: "CNAME", Ttl: 5, Rrdatas: []string{"Web.Example.com."}},
		want: providers.Record{Name: "www.example.com", Type: "CNAME", TTL: 5, Targets: []string{"web.example.com"}},
	}, {
		name: "SOA and other types as they are",
		rr:   &dns.ResourceRecordSet{Name: "example.com.", Type: "MX", Ttl: 5, Rrdatas: []string{"10 mx.example.com."}},
		want: providers.Record{Name: "example.com", Type: "MX", TTL: 5, Targets: []string{"10 mx.example.com."}},
	}, {
		name: "fractional weights",
		rr: &dns.ResourceRecordSet{Name: "w.example.com.", Type: "A", Ttl: 5, RoutingPolicy: &dns.RRSetRoutingPolicy{
			Kind: "dns#rRSetRoutingPolicy", Wrr: &dns.RRSetRoutingPolicyWrrPolicy{Items: []*dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem{
				wrrItem(0.25, "192.0.2.1"), wrrItem(0.75, "192.0.2.2")}}}},
		want: providers.Record{Name: "w.example.com", Type: "A", TTL: 5, Routing: "weighted", Targets: []string{"0|0.25|192.0.2.1", "1|0.75|192.0.2.2"}},
	}, {
		name: "health-checked geo items",
		rr: &dns.ResourceRecordSet{Name: "g.example.com.", Type: "A", Ttl: 5, RoutingPolicy: &dns.RRSetRoutingPolicy{
			Geo: geo(&dns.RRSetRoutingPolicyGeoPolicyGeoPolicyItem{Location: "us-east1",
				HealthCheckedTargets: &dns.RRSetRoutingPolicyHealthCheckTargets{ExternalEndpoints: []string{"192.0.2.1"}}})}},
		want: providers.Record{Name: "g.example.com", Type: "A", TTL: 5, Routing: "nearest", Targets: []string{otherFeatures}},
	}, {
		name: "trickle traffic",
		rr: &dns.ResourceRecordSet{Name: "f.example.com.", Type: "A", Ttl: 5, RoutingPolicy: &dns.RRSetRoutingPolicy{
			PrimaryBackup: &dns.RRSetRoutingPolicyPrimaryBackupPolicy{TrickleTraffic: 0.1,
				PrimaryTargets:   &dns.RRSetRoutingPolicyHealthCheckTargets{ExternalEndpoints: []string{"192.0.2.1"}},
				BackupGeoTargets: geo(geoItem("us-east1", "192.0.2.2"))}}},
		want: providers.Record{Name: "f.example.com", Type: "A", TTL: 5, Routing: "failover",
			Targets: []string{"backup|us-east1|192.0.2.2", "primary|192.0.2.1", otherFeatures}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := fromRRSet(tc.rr)
			if dump(got) != dump(tc.want) {
				t.Errorf("fromRRSet:\n got %s\nwant %s", dump(got), dump(tc.want))
			}
		})
	}
}

// TestToRRSetRefuses: targets that are not in the canonical form of their routing are errors,
// never rrsets written wrong.
func TestToRRSetRefuses(t *testing.T) {
	rec := func(typ, routing string, targets ...string) providers.Record {
		return providers.Record{Name: "x.example.com", Type: typ, TTL: 5, Routing: routing, Targets: targets}
	}
	for _, r := range []providers.Record{
		rec("A", "nearest", "192.0.2.1"),
		rec("A", "nearest"),
		rec("A", "weighted", "0|x|192.0.2.1"),
		rec("A", "weighted", "1|1|192.0.2.1"),
		rec("A", "weighted", "0|1|192.0.2.1", "0|2|192.0.2.2"),
		rec("A", "failover", "primary|192.0.2.1"),
		rec("A", "failover", "other|192.0.2.1", "backup|us-east1|192.0.2.2"),
		rec("CNAME", "failover", "primary|a.example.com", "backup|us-east1|b.example.com"),
		rec("A", "nearest", "us-east1|192.0.2.1", otherFeatures),
		rec("A", "sideways", "192.0.2.1"),
	} {
		if rr, err := toRRSet(r); err == nil {
			t.Errorf("toRRSet(%v) = %s; want an error", r.Targets, dump(rr))
		}
	}
}

func TestSameRRSet(t *testing.T) {
	listed := &dns.ResourceRecordSet{Kind: "dns#resourceRecordSet", Name: "W.example.com.", Type: "A", Ttl: 5,
		RoutingPolicy: &dns.RRSetRoutingPolicy{Kind: "dns#rRSetRoutingPolicy", Geo: &dns.RRSetRoutingPolicyGeoPolicy{
			Kind: "dns#rRSetRoutingPolicyGeoPolicy", Items: []*dns.RRSetRoutingPolicyGeoPolicyGeoPolicyItem{
				{Kind: "dns#rRSetRoutingPolicyGeoPolicyGeoPolicyItem", Location: "us-east1", Rrdatas: []string{"192.0.2.1"}}}}}}
	written := &dns.ResourceRecordSet{Name: "w.example.com.", Type: "A", Ttl: 5,
		RoutingPolicy: &dns.RRSetRoutingPolicy{Geo: geo(geoItem("us-east1", "192.0.2.1"))}}
	if !sameRRSet(listed, written) {
		t.Error("an rrset as listed and as written differ")
	}
	if s := stripped(listed); s.Kind != "" || s.RoutingPolicy.Geo.Items[0].Kind != "" || !sameRRSet(s, written) {
		t.Errorf("stripped kept kinds: %s", dump(s))
	}
	written.Ttl = 6
	if sameRRSet(listed, written) {
		t.Error("rrsets with different TTLs are the same")
	}
	withNull := &dns.ResourceRecordSet{Name: "n.example.com.", Type: "A", RoutingPolicy: &dns.RRSetRoutingPolicy{
		Wrr: &dns.RRSetRoutingPolicyWrrPolicy{Items: []*dns.RRSetRoutingPolicyWrrPolicyWrrPolicyItem{nil, wrrItem(1, "192.0.2.1")}}}}
	if got := fromRRSet(stripped(withNull)); dump(got.Targets) != dump([]string{"0|1|192.0.2.1"}) {
		t.Errorf("an rrset with a null item reads as %v", got.Targets)
	}
}
