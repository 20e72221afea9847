package clouddnsfake

import (
	"strings"
	"testing"
	"time"
)

func TestValidRRData(t *testing.T) {
	cases := []struct {
		typ, data string
		ok        bool
	}{
		{"A", "192.0.2.1", true},
		{"A", "0.0.0.0", true},
		{"A", "192.0.2", false},
		{"A", "192.0.2.1.5", false},
		{"A", "::ffff:192.0.2.1", false},
		{"A", " 192.0.2.1", false},
		{"AAAA", "2001:db8::1", true},
		{"AAAA", "::ffff:192.0.2.1", true},
		{"AAAA", "fe80::1%eth0", false},
		{"AAAA", "2001:db8::g", false},
		{"CNAME", "a.example.net.", true},
		{"CNAME", "_svc.example.net.", true},
		{"CNAME", "-a.example.net.", false},
		{"CNAME", "a..example.net.", false},
		{"CNAME", "*.example.net.", false},
		{"NS", "ns-cloud-a1.googledomains.com.", true},
		{"PTR", "host.example.com.", true},
		{"PTR", "host", false},
		{"MX", "0 .", true},
		{"MX", "65535 mx.example.com.", true},
		{"MX", "65536 mx.example.com.", false},
		{"MX", "10 mx.example.com. extra", false},
		{"SRV", "0 0 0 .", true},
		{"SRV", "1 2 3", false},
		{"CAA", `128 iodef "mailto:security@example.com"`, true},
		{"CAA", `0 is-sue "x"`, false},
		{"CAA", `0 issue`, false},
		{"SOA", "ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300", true},
		{"SOA", "ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600", false},
		{"SOA", "ns1.example.com. hostmaster.example.com. 4294967296 7200 3600 1209600 300", false},
		{"TXT", "plain words", true},
		{"TXT", `"quoted \"escape\""`, true},
		{"TXT", `"a" "b"`, true},
		{"TXT", `mid"quote`, false},
		{"TXT", `"` + strings.Repeat("z", 255) + `"`, true},
		{"TXT", strings.Repeat("z", 256), false},
		{"SPF", `"v=spf1 -all"`, true},
		{"DS", "12345 8 2 ABCDEF", true}, // not parsed: only non-empty
		{"DS", "   ", false},
	}
	for _, tc := range cases {
		if got := validRRData(tc.typ, tc.data); got != tc.ok {
			t.Errorf("validRRData(%s, %q) = %v, want %v", tc.typ, tc.data, got, tc.ok)
		}
	}
}

func TestValidDomainName(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	name253 := strings.Repeat(label63+".", 3) + strings.Repeat("b", 61) + "."
	cases := []struct {
		name     string
		wildcard bool
		ok       bool
	}{
		{".", false, true},
		{"example.com.", false, true},
		{"example.com", false, false},
		{"*.example.com.", true, true},
		{"*.example.com.", false, false},
		{"a.*.example.com.", true, false},
		{label63 + ".com.", false, true},
		{label63 + "a.com.", false, false},
		{name253, false, true},
		{"c" + name253, false, false},
		{"under_score.example.com.", false, true},
		{"sp ace.example.com.", false, false},
		{"", false, false},
	}
	for _, tc := range cases {
		if got := validDomainName(tc.name, tc.wildcard); got != tc.ok {
			t.Errorf("validDomainName(%q, %v) = %v, want %v", tc.name, tc.wildcard, got, tc.ok)
		}
	}
}

func TestTokenBucketRefill(t *testing.T) {
	clock := newTestClock()
	var b tokenBucket
	b.configure(2, 3, clock.Now())
	var got []bool
	for range 4 {
		got = append(got, b.allow(clock.Now()))
	}
	clock.Advance(500 * time.Millisecond) // one token back
	got = append(got, b.allow(clock.Now()), b.allow(clock.Now()))
	clock.Advance(10 * time.Second) // long idle: refills to the burst, not beyond
	for range 4 {
		got = append(got, b.allow(clock.Now()))
	}
	want := []bool{true, true, true, false, true, false, true, true, true, false}
	if !deepEqual(got, want) {
		t.Errorf("allow = %v, want %v", got, want)
	}
}
