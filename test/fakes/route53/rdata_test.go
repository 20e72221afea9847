package route53fake

import (
	"strings"
	"testing"
)

func TestValueProblem(t *testing.T) {
	for _, tc := range []struct {
		typ, value, want string // want: "" for a valid value, else a fragment
	}{
		{"A", "192.0.2.1", ""},
		{"A", "192.0.2", "ARRDATAIllegalIPv4Address"},
		{"A", "192.000.2.1", "ARRDATAIllegalIPv4Address"},
		{"A", "::1", "ARRDATAIllegalIPv4Address"},
		{"A", "192.0.2.1 192.0.2.2", "ARRDATANotSingleField"},
		{"AAAA", "2001:db8::1", ""},
		{"AAAA", "::ffff:192.0.2.1", ""},
		{"AAAA", "192.0.2.1", "AAAARDATAIllegalIPv6Address"},
		{"AAAA", "fe80::1%eth0", "AAAARDATAIllegalIPv6Address"},
		{"CNAME", "target.example.net", ""},
		{"CNAME", "target.example.net.", ""},
		{"CNAME", "a..example.net", "DomainLabelEmpty"},
		{"CNAME", "a b", "DomainNameNotSingleField"},
		{"NS", "ns-1.awsdns-01.com.", ""},
		{"MX", "10 mail.example.com", ""},
		{"MX", "mail.example.com", "RRDATAIncorrectFieldCount"},
		{"MX", "70000 mail.example.com", "RRDATAIllegalInteger"},
		{"SRV", "1 10 5269 xmpp.example.com", ""},
		{"SRV", "1 10 xmpp.example.com", "RRDATAIncorrectFieldCount"},
		{"TXT", `"hello world"`, ""},
		{"TXT", `"a" "b"`, ""},
		{"TXT", `""`, ""},
		{"TXT", `"say \"hi\""`, ""},
		{"TXT", `"` + strings.Repeat("x", 255) + `"`, ""},
		{"TXT", `"` + strings.Repeat("x", 253) + `\052"`, ""}, // an escape counts as one byte
		{"TXT", `"` + strings.Repeat("x", 256) + `"`, "CharacterStringTooLong"},
		{"TXT", `hello`, "InvalidCharacterString"},
		{"TXT", `"unterminated`, "InvalidCharacterString"},
		{"SPF", `"v=spf1 -all"`, ""},
		{"CAA", `0 issue "letsencrypt.org"`, ""},
	} {
		got := valueProblem(tc.typ, tc.value)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s %q: got %q, want %q", tc.typ, tc.value, got, tc.want)
		}
	}
}

func TestRdataProblemsReportsEachValue(t *testing.T) {
	s := &rrset{Name: "x.example.com.", Type: "A", ResourceRecords: &rrValues{Items: []rrValue{{"1.2.3"}, {"192.0.2.1"}, {"192.0.2.1"}, {"1.2.4"}}}}
	got := rdataProblems(s)
	want := []string{
		"Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '1.2.3''",
		"Duplicate Resource Record: '192.0.2.1'",
		"Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '1.2.4''",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q", got)
	}
}

func TestRoutedSetQuota(t *testing.T) {
	sets := nameSets{}
	for i := range maxRoutedSets {
		s := &rrset{Name: "w.example.com.", Type: "A", SetIdentifier: ptr(string(rune('A' + i))), Weight: ptr(int64(1))}
		if msgs := routingConflicts(s, sets); len(msgs) > 0 {
			t.Fatalf("set %d refused: %v", i+1, msgs)
		}
		sets[keyOf(s)] = s
	}
	extra := &rrset{Name: "w.example.com.", Type: "A", SetIdentifier: ptr("extra"), Weight: ptr(int64(1))}
	msgs := routingConflicts(extra, sets)
	if len(msgs) != 1 || msgs[0] != "Exceeded limit on number of weighted RRSets for w.example.com., type A in this zone." {
		t.Fatalf("set 101: %v", msgs)
	}
	// Replacing a member of a full group is fine.
	if msgs := routingConflicts(sets[setKey{typ: "A", setID: "A"}], sets); len(msgs) > 0 {
		t.Fatalf("upsert within a full group: %v", msgs)
	}
}
