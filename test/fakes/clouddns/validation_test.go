package clouddnsfake

import (
	"net/http"
	"strings"
	"testing"

	dns "google.golang.org/api/dns/v1"
)

var long = strings.Repeat("x", 64)

// additionCases are single additions to example.com. and the field the 400 names, or "" when the
// addition is valid.
var additionCases = []struct {
	name  string
	rr    *dns.ResourceRecordSet
	field string
}{
	{"A", rrset("a.example.com.", "A", 300, "192.0.2.1"), ""},
	{"A not IPv4", rrset("a.example.com.", "A", 300, "2001:db8::1"), "additions[0].rrdata[0]"},
	{"A leading zero", rrset("a.example.com.", "A", 300, "192.0.2.01"), "additions[0].rrdata[0]"},
	{"A second bad", rrset("a.example.com.", "A", 300, "192.0.2.1", "300.1.1.1"), "additions[0].rrdata[1]"},
	{"A duplicate", rrset("a.example.com.", "A", 300, "192.0.2.1", "192.0.2.1"), "additions[0].rrdata[1]"},
	{"AAAA", rrset("a.example.com.", "AAAA", 300, "2001:db8::1"), ""},
	{"AAAA not IPv6", rrset("a.example.com.", "AAAA", 300, "192.0.2.1"), "additions[0].rrdata[0]"},
	{"CNAME", rrset("c.example.com.", "CNAME", 300, "target.example.net."), ""},
	{"CNAME relative", rrset("c.example.com.", "CNAME", 300, "target.example.net"), "additions[0].rrdata[0]"},
	{"CNAME two targets", rrset("c.example.com.", "CNAME", 300, "a.example.net.", "b.example.net."), "additions[0].rrdata[1]"},
	{"NS relative", rrset("sub.example.com.", "NS", 300, "ns1.example.net"), "additions[0].rrdata[0]"},
	{"MX", rrset("example.com.", "MX", 300, "10 mail.example.com."), ""},
	{"MX no preference", rrset("example.com.", "MX", 300, "mail.example.com."), "additions[0].rrdata[0]"},
	{"SRV", rrset("_sip._tcp.example.com.", "SRV", 300, "10 5 5060 sip.example.com."), ""},
	{"SRV port", rrset("_sip._tcp.example.com.", "SRV", 300, "10 5 70000 sip.example.com."), "additions[0].rrdata[0]"},
	{"CAA", rrset("example.com.", "CAA", 300, `0 issue "letsencrypt.org"`), ""},
	{"CAA flags", rrset("example.com.", "CAA", 300, `256 issue "letsencrypt.org"`), "additions[0].rrdata[0]"},
	{"TXT", rrset("t.example.com.", "TXT", 300, `"v=spf1 -all" "second \" string"`), ""},
	{"TXT unbalanced", rrset("t.example.com.", "TXT", 300, `"open`), "additions[0].rrdata[0]"},
	{"TXT string too long", rrset("t.example.com.", "TXT", 300, `"`+strings.Repeat("y", 256)+`"`), "additions[0].rrdata[0]"},
	{"empty rrdata", rrset("t.example.com.", "TXT", 300, ""), "additions[0].rrdata[0]"},
	{"no rrdatas", rrset("a.example.com.", "A", 300), "additions[0].rrdata"},
	{"wildcard", rrset("*.example.com.", "A", 300, "192.0.2.1"), ""},
	{"underscore", rrset("_acme-challenge.example.com.", "TXT", 300, `"token"`), ""},
	{"mixed case", rrset("MiXeD.Example.Com.", "A", 300, "192.0.2.1"), ""},
	{"name relative", rrset("a.example.com", "A", 300, "192.0.2.1"), "additions[0].name"},
	{"name outside zone", rrset("a.example.org.", "A", 300, "192.0.2.1"), "additions[0].name"},
	{"name suffix only", rrset("notexample.com.", "A", 300, "192.0.2.1"), "additions[0].name"},
	{"name bad character", rrset("a$b.example.com.", "A", 300, "192.0.2.1"), "additions[0].name"},
	{"name long label", rrset(long+".example.com.", "A", 300, "192.0.2.1"), "additions[0].name"},
	{"name inner wildcard", rrset("a.*.example.com.", "A", 300, "192.0.2.1"), "additions[0].name"},
	{"name empty", rrset("", "A", 300, "192.0.2.1"), "additions[0].name"},
	{"type unknown", rrset("a.example.com.", "FOO", 300, "x"), "additions[0].type"},
	{"type lowercase", rrset("a.example.com.", "a", 300, "192.0.2.1"), "additions[0].type"},
	{"ttl zero", rrset("a.example.com.", "A", 0, "192.0.2.1"), ""},
	{"ttl max", rrset("a.example.com.", "A", 2147483647, "192.0.2.1"), ""},
	{"ttl negative", rrset("a.example.com.", "A", -1, "192.0.2.1"), "additions[0].ttl"},
	{"ttl too big", rrset("a.example.com.", "A", 2147483648, "192.0.2.1"), "additions[0].ttl"},
	{"rrdata and routing policy", &dns.ResourceRecordSet{Name: "a.example.com.", Type: "A", Ttl: 1,
		Rrdatas: []string{"192.0.2.1"}, RoutingPolicy: wrrPolicy(1, "192.0.2.2")}, "additions[0].routingPolicy"},
	{"null addition", nil, "additions[0]"},
}

func TestAdditionValidation(t *testing.T) {
	_, svc := newFake(t, Options{})
	for _, tc := range additionCases {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := apply(svc, rrs(tc.rr), nil)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("valid addition refused: %v", err)
				}
				mustApply(t, svc, nil, ch.Additions) // leave the zone as it was
				return
			}
			gerr := wantErr(t, err, http.StatusBadRequest, ReasonInvalid)
			if prefix := "Invalid value for 'entity.change." + tc.field + "': "; !strings.HasPrefix(gerr.Message, prefix) {
				t.Errorf("message = %q, want prefix %q", gerr.Message, prefix)
			}
		})
	}
}

// Every bad field of a change is reported in one 400, as the service does.
func TestValidationReportsEveryField(t *testing.T) {
	_, svc := newFake(t, Options{})
	_, err := apply(svc, rrs(
		rrset("a.example.com.", "A", 300, "192.0.2.1", "bad", "192.0.2.300"),
		rrset("b.example.org.", "A", -5, "192.0.2.1"),
	), rrs(rrset("", "A", 1, "192.0.2.1")))
	gerr := wantErr(t, err, http.StatusBadRequest, ReasonInvalid)
	var got []string
	for _, item := range gerr.Errors {
		got = append(got, item.Message)
	}
	want := []string{
		"Invalid value for 'entity.change.additions[0].rrdata[1]': 'bad'",
		"Invalid value for 'entity.change.additions[0].rrdata[2]': '192.0.2.300'",
		"Invalid value for 'entity.change.additions[1].name': 'b.example.org.'",
		"Invalid value for 'entity.change.additions[1].ttl': '-5'",
		"Invalid value for 'entity.change.deletions[0].name': ''",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if gerr.Message != want[0] || !strings.Contains(gerr.Error(), "More details:") {
		t.Errorf("error = %v", gerr)
	}
}

func TestEmptyChangeIsRequired(t *testing.T) {
	_, svc := newFake(t, Options{})
	_, err := apply(svc, nil, nil)
	wantErr(t, err, http.StatusBadRequest, ReasonRequired)
}

// A name holds one CNAME rrset or rrsets of other types, judged on the zone the change leaves.
func TestCNAMEExclusive(t *testing.T) {
	f, svc := newFake(t, Options{})
	a := rrset("www.example.com.", "A", 300, "192.0.2.1")
	cname := rrset("www.example.com.", "CNAME", 300, "lb.example.net.")
	mustApply(t, svc, rrs(a), nil)
	for name, adds := range map[string][]*dns.ResourceRecordSet{
		"CNAME next to A":       rrs(cname),
		"CNAME at apex":         rrs(rrset(testDNSName, "CNAME", 300, "lb.example.net.")),
		"CNAME and TXT at once": rrs(rrset("c.example.com.", "CNAME", 300, "lb.example.net."), rrset("c.example.com.", "TXT", 300, `"x"`)),
	} {
		_, err := apply(svc, adds, nil)
		gerr := wantErr(t, err, http.StatusBadRequest, ReasonCNAMEConflict)
		if !strings.HasPrefix(gerr.Message, "The resource record set 'entity.change.additions[") {
			t.Errorf("%s: message = %q", name, gerr.Message)
		}
	}
	// Replacing the A by a CNAME in one change is fine, and then an A next to it is not.
	mustApply(t, svc, rrs(cname), rrs(a))
	_, err := apply(svc, rrs(a), nil)
	wantErr(t, err, http.StatusBadRequest, ReasonCNAMEConflict)
	if got := userRecords(f.RecordSets(testZone)); len(got) != 1 || got[0].Type != "CNAME" {
		t.Errorf("zone = %+v", got)
	}
}
