package route53fake

import (
	"strings"
	"testing"
)

func TestCanonicalName(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"www.example.com", "www.example.com.", ""},
		{"WWW.Example.COM.", "www.example.com.", ""},
		{"*.example.com", `\052.example.com.`, ""},
		{`\052.example.com`, `\052.example.com.`, ""},
		{`\101b.example.com`, "ab.example.com.", ""}, // \101 is 'A', stored lower case
		{`a\.b.example.com`, `a\056b.example.com.`, ""},
		{"_acme-challenge.example.com", "_acme-challenge.example.com.", ""},
		{"ex\xe4mple.com", `ex\344mple.com.`, ""},
		{".", ".", ""},
		{"a..b", "", "DomainLabelEmpty"},
		{".a", "", "DomainLabelEmpty"},
		{"", "", "DomainLabelEmpty"},
		{`a\09.com`, "", "InvalidEscape"},
		{string(make([]byte, 64)) + ".com", "", "DomainLabelTooLong"},
	} {
		got, err := canonicalName(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("canonicalName(%q) = %q, %v; want error %s", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("canonicalName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestNameLengthLimit(t *testing.T) {
	label := "a123456789a123456789a123456789a123456789a123456789a123456789abc" // 63
	name := label + "." + label + "." + label + "." + label[:61]               // 253 + root
	if _, err := canonicalName(name); err != nil {
		t.Fatalf("255-byte name refused: %v", err)
	}
	if _, err := canonicalName("a" + name); err == nil {
		t.Fatal("256-byte name accepted")
	}
}

func TestSortKeyAndZone(t *testing.T) {
	if got := sortKey("www.example.com."); got != "com.example.www." {
		t.Fatalf("sortKey = %q", got)
	}
	for _, tc := range []struct {
		name, zone string
		want       bool
	}{
		{"example.com.", "example.com.", true},
		{"a.example.com.", "example.com.", true},
		{"aexample.com.", "example.com.", false},
		{"example.org.", "example.com.", false},
	} {
		if got := inZone(tc.name, tc.zone); got != tc.want {
			t.Errorf("inZone(%s, %s) = %v", tc.name, tc.zone, got)
		}
	}
}
