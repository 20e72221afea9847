package route53

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/go-logr/logr"

	"github.com/meridian-dns/meridian/providers"
)

func TestTXTQuoting(t *testing.T) {
	long := strings.Repeat("a", 300)
	cases := []struct{ text, wire string }{
		{"", `""`},
		{"v=spf1 -all", `"v=spf1 -all"`},
		{`say "hi" \o/`, `"say \"hi\" \\o/"`},
		{"tab\there é", `"tab\011here \303\251"`},
		{long, `"` + long[:255] + `" "` + long[255:] + `"`},
		{strings.Repeat(`"`, 256), `"` + strings.Repeat(`\"`, 255) + `" "\""`},
	}
	for _, tc := range cases {
		if got := quoteTXT(tc.text); got != tc.wire {
			t.Errorf("quoteTXT(%q) = %q, want %q", tc.text, got, tc.wire)
		}
		if got := unquoteTXT(tc.wire); got != tc.text {
			t.Errorf("unquoteTXT(%q) = %q, want %q", tc.wire, got, tc.text)
		}
	}
	// Values other tools wrote without the format are read as they are.
	for _, v := range []string{"unquoted", `"unterminated`, `"a" b`} {
		if got := unquoteTXT(v); got != v {
			t.Errorf("unquoteTXT(%q) = %q", v, got)
		}
	}
}

func TestCanonicalName(t *testing.T) {
	for in, want := range map[string]string{
		"WWW.Example.COM.":      "www.example.com",
		`\052.example.com.`:     "*.example.com",
		`a\.b.example.com.`:     "a.b.example.com", // an escaped dot is read as a dot: Meridian writes none
		"example.com":           "example.com",
		`\100home.example.com.`: "@home.example.com",
		" padded.example.com. ": "padded.example.com",
	} {
		if got := canonicalName(in); got != want {
			t.Errorf("canonicalName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFromRRSet(t *testing.T) {
	cases := []struct {
		set  types.ResourceRecordSet
		want string
	}{
		{types.ResourceRecordSet{Name: aws.String(`\052.example.com.`), Type: "CNAME", TTL: aws.Int64(5),
			ResourceRecords: []types.ResourceRecord{{Value: aws.String("LB.example.net.")}}},
			`*.example.com CNAME "" cluster="" routing="" region="" [lb.example.net]`},
		{types.ResourceRecordSet{Name: aws.String("v6.example.com."), Type: "AAAA", TTL: aws.Int64(5), SetIdentifier: aws.String("c1"),
			Failover:        types.ResourceRecordSetFailoverSecondary,
			ResourceRecords: []types.ResourceRecord{{Value: aws.String("2001:DB8:0:0::1")}}},
			`v6.example.com AAAA "c1" cluster="c1" routing="failover" region="" [2001:db8::1] priority=1`},
		{types.ResourceRecordSet{Name: aws.String("m.example.com."), Type: "A", TTL: aws.Int64(5), SetIdentifier: aws.String("c1"),
			MultiValueAnswer: aws.Bool(true), ResourceRecords: []types.ResourceRecord{{Value: aws.String("203.0.113.1")}}},
			`m.example.com A "c1" cluster="c1" routing="all" region="" [203.0.113.1]`},
		{types.ResourceRecordSet{Name: aws.String("elb.example.com."), Type: "A",
			AliasTarget: &types.AliasTarget{DNSName: aws.String("dualstack.my-elb.amazonaws.com."), HostedZoneId: aws.String("Z1")}},
			`elb.example.com A "" cluster="" routing="" region="" [dualstack.my-elb.amazonaws.com]`},
		{types.ResourceRecordSet{Name: aws.String("geo.example.com."), Type: "A", TTL: aws.Int64(5), SetIdentifier: aws.String("eu"),
			GeoLocation: &types.GeoLocation{ContinentCode: aws.String("EU")}, ResourceRecords: []types.ResourceRecord{{Value: aws.String("203.0.113.1")}}},
			`geo.example.com A "eu" cluster="eu" routing="" region="" [203.0.113.1]`},
	}
	for _, tc := range cases {
		if got := show(fromRRSet(&tc.set)); got != tc.want {
			t.Errorf("fromRRSet:\n got %s\nwant %s", got, tc.want)
		}
	}
	for _, tc := range []struct {
		set  types.ResourceRecordSet
		want string
	}{
		{cases[3].set, "an alias"},
		{cases[4].set, "a geolocation, geoproximity or CIDR set"},
		{types.ResourceRecordSet{Type: "NS"}, "type NS"},
		{cases[0].set, ""},
	} {
		if got := unmanaged(&tc.set); got != tc.want {
			t.Errorf("unmanaged(%s) = %q, want %q", show(fromRRSet(&tc.set)), got, tc.want)
		}
	}
}

func TestToRRSetMapsOneSetAtATime(t *testing.T) {
	p := canonicalProvider(nil, logr.Discard())
	cases := []struct {
		rec  providers.Record
		want string
	}{
		{providers.Record{Name: "n.example.com", Type: "A", TTL: 9, SetIdentifier: "c", Routing: providers.RoutingNearest, Region: "westeurope", Targets: []string{"203.0.113.1"}},
			"n.example.com. A ttl=9 set=c region=eu-west-2 healthcheck [203.0.113.1]"},
		{providers.Record{Name: "w.example.com", Type: "A", TTL: 9, SetIdentifier: "c", Routing: providers.RoutingWeighted, Weight: ptr(int64(999)), Targets: []string{"203.0.113.1"}},
			"w.example.com. A ttl=9 set=c weight=255 healthcheck [203.0.113.1]"},
		{providers.Record{Name: "f.example.com", Type: "A", TTL: 9, SetIdentifier: "c", Routing: providers.RoutingFailover, FailoverPriority: ptr(4), Targets: []string{"203.0.113.1"}},
			"f.example.com. A ttl=9 set=c failover=SECONDARY healthcheck [203.0.113.1]"},
		{providers.Record{Name: "t.example.com", Type: "TXT", TTL: 9, Targets: []string{"x"}},
			`t.example.com. TXT ttl=9 healthcheck ["x"]`},
	}
	for _, tc := range cases {
		if got := render(p.toRRSet(&tc.rec, "hc-1")); got != tc.want {
			t.Errorf("toRRSet:\n got %s\nwant %s", got, tc.want)
		}
	}
}
