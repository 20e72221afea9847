package route53fake_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

// baseSets is the state every validation case starts from.
func baseSets(checkID string) []types.ResourceRecordSet {
	hc := set("hc.example.com", types.RRTypeA, 60, "192.0.2.9")
	hc.HealthCheckId = aws.String(checkID)
	return []types.ResourceRecordSet{
		set("a.example.com", types.RRTypeA, 60, "192.0.2.1", "192.0.2.2"),
		set("cname.example.com", types.RRTypeCname, 300, "target.example.net"),
		weighted("w.example.com", "blue", 10, "192.0.2.3"),
		latency("l.example.com", "use1", "us-east-1", "192.0.2.4"),
		failover("f.example.com", "p", types.ResourceRecordSetFailoverPrimary, "192.0.2.5"),
		hc,
	}
}

// with returns s changed by fn.
func with(s types.ResourceRecordSet, fn func(*types.ResourceRecordSet)) types.ResourceRecordSet {
	fn(&s)
	return s
}

// validationCase is one refused batch: the error code and message fragments
// Route 53 answers it with.
type validationCase struct {
	name    string
	changes []types.Change
	code    string
	want    []string
}

// validationCases lists every refusal rule applied to the baseSets state.
func validationCases() []validationCase {
	a := set("a.example.com", types.RRTypeA, 60, "192.0.2.1", "192.0.2.2")
	x := set("x.example.com", types.RRTypeA, 60, "192.0.2.7")
	const (
		icb = "InvalidChangeBatch"
		ii  = "InvalidInput"
	)
	return []validationCase{
		// InvalidChangeBatch: the batch's effect on the zone.
		{"create existing", []types.Change{chg("CREATE", a)}, icb,
			[]string{"[Tried to create resource record set [name='a.example.com.', type='A'] but it already exists]"}},
		{"delete missing", []types.Change{chg("DELETE", x)}, icb,
			[]string{"Tried to delete resource record set [name='x.example.com.', type='A'] but it was not found"}},
		{"delete wrong TTL", []types.Change{chg("DELETE", with(a, func(s *types.ResourceRecordSet) { s.TTL = aws.Int64(61) }))}, icb,
			[]string{"but the values provided do not match the current values"}},
		{"delete wrong values", []types.Change{chg("DELETE", set("a.example.com", types.RRTypeA, 60, "192.0.2.1"))}, icb,
			[]string{"do not match the current values"}},
		{"delete wrong weight", []types.Change{chg("DELETE", weighted("w.example.com", "blue", 11, "192.0.2.3"))}, icb,
			[]string{"[name='w.example.com.', type='A', set-identifier='blue'] but the values provided do not match"}},
		{"delete wrong set identifier", []types.Change{chg("DELETE", weighted("w.example.com", "green", 10, "192.0.2.3"))}, icb,
			[]string{"set-identifier='green'] but it was not found"}},
		{"delete without health check id", []types.Change{chg("DELETE", set("hc.example.com", types.RRTypeA, 60, "192.0.2.9"))}, icb,
			[]string{"do not match the current values"}},
		{"CNAME beside A", []types.Change{chg("CREATE", set("a.example.com", types.RRTypeCname, 60, "b.example.com"))}, icb,
			[]string{"RRSet of type CNAME with DNS name a.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com."}},
		{"A beside CNAME", []types.Change{chg("CREATE", set("cname.example.com", types.RRTypeA, 60, "192.0.2.1"))}, icb,
			[]string{"RRSet of type A with DNS name cname.example.com. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone example.com."}},
		{"CNAME at apex", []types.Change{chg("UPSERT", set("example.com", types.RRTypeCname, 60, "b.example.net"))}, icb,
			[]string{"RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com."}},
		{"same create twice", []types.Change{chg("CREATE", x), chg("CREATE", x)}, icb,
			[]string{"The request contains an invalid set of changes for a resource record set 'A x.example.com.'"}},
		{"same delete twice", []types.Change{chg("DELETE", a), chg("DELETE", a)}, icb,
			[]string{"invalid set of changes for a resource record set 'A a.example.com.'"}},
		{"upsert then upsert", []types.Change{chg("UPSERT", x), chg("UPSERT", x)}, icb, []string{"invalid set of changes"}},
		{"outside the zone", []types.Change{chg("CREATE", set("www.example.org", types.RRTypeA, 60, "192.0.2.1"))}, icb,
			[]string{"RRSet with DNS name www.example.org. is not permitted in zone example.com."}},
		{"suffix is not a subdomain", []types.Change{chg("CREATE", set("notexample.com", types.RRTypeA, 60, "192.0.2.1"))}, icb,
			[]string{"not permitted in zone example.com."}},
		{"bad IPv4", []types.Change{chg("CREATE", set("x.example.com", types.RRTypeA, 60, "300.1.1.1"))}, icb,
			[]string{"Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '300.1.1.1''"}},
		{"IPv6 in an A record", []types.Change{chg("CREATE", set("x.example.com", types.RRTypeA, 60, "2001:db8::1"))}, icb,
			[]string{"ARRDATAIllegalIPv4Address"}},
		{"A value with spaces", []types.Change{chg("CREATE", set("x.example.com", types.RRTypeA, 60, "192.0.2.1, 192.0.2.2"))}, icb,
			[]string{"ARRDATANotSingleField (Value contains spaces)"}},
		{"bad IPv6", []types.Change{chg("CREATE", set("x.example.com", types.RRTypeAaaa, 60, "192.0.2.1"))}, icb,
			[]string{"AAAARDATAIllegalIPv6Address"}},
		{"TXT not quoted", []types.Change{chg("CREATE", set("x.example.com", types.RRTypeTxt, 60, "hello"))}, icb,
			[]string{"InvalidCharacterString (Value should be enclosed in quotation marks)"}},
		{"TXT string too long", []types.Change{chg("CREATE", set("x.example.com", types.RRTypeTxt, 60, `"`+strings.Repeat("a", 256)+`"`))}, icb,
			[]string{"CharacterStringTooLong (Value is too long)"}},
		{"CNAME with two values", []types.Change{chg("CREATE", set("x.example.com", types.RRTypeCname, 60, "a.example.net", "b.example.net"))}, icb,
			[]string{"RRSet of type CNAME with DNS name x.example.com. contains more than one value."}},
		{"duplicate value", []types.Change{chg("CREATE", set("x.example.com", types.RRTypeA, 60, "192.0.2.1", "192.0.2.1"))}, icb,
			[]string{"Duplicate Resource Record: '192.0.2.1'"}},
		{"simple beside weighted", []types.Change{chg("CREATE", set("w.example.com", types.RRTypeA, 60, "192.0.2.1"))}, icb,
			[]string{"RRSet with DNS name w.example.com., type A cannot be created as other RRSets exist with the same name and type."}},
		{"weighted beside simple", []types.Change{chg("CREATE", weighted("a.example.com", "green", 1, "192.0.2.1"))}, icb,
			[]string{"RRSet with DNS name a.example.com., type A, SetIdentifier green cannot be created as a non-weighted set exists with the same name and type."}},
		{"latency beside weighted", []types.Change{chg("CREATE", latency("w.example.com", "euw1", "eu-west-1", "192.0.2.1"))}, icb,
			[]string{"as a non-latency set exists"}},
		{"latency region twice", []types.Change{chg("CREATE", latency("l.example.com", "other", "us-east-1", "192.0.2.1"))}, icb,
			[]string{"SetIdentifier other, and Region Name=us-east-1 cannot be created because a latency RRSet with the same name, type and region already exists."}},
		{"second PRIMARY", []types.Change{chg("CREATE", failover("f.example.com", "p2", types.ResourceRecordSetFailoverPrimary, "192.0.2.1"))}, icb,
			[]string{"and Failover PRIMARY cannot be created"}},
		{"two problems in one batch", []types.Change{chg("CREATE", a), chg("DELETE", x)}, icb,
			[]string{"[Tried to create resource record set [name='a.example.com.', type='A'] but it already exists, Tried to delete resource record set [name='x.example.com.', type='A'] but it was not found]"}},

		// InvalidInput: malformed requests, rejected before the zone is consulted.
		{"negative TTL", []types.Change{chg("CREATE", with(x, func(s *types.ResourceRecordSet) { s.TTL = aws.Int64(-1) }))}, ii,
			[]string{"Value '-1' at 'changeBatch.changes.1.member.resourceRecordSet.tTL' failed to satisfy constraint"}},
		{"TTL too large", []types.Change{chg("CREATE", with(x, func(s *types.ResourceRecordSet) { s.TTL = aws.Int64(1 << 31) }))}, ii,
			[]string{"less than or equal to 2147483647"}},
		{"missing TTL", []types.Change{chg("CREATE", with(x, func(s *types.ResourceRecordSet) { s.TTL = nil }))}, ii,
			[]string{"Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=CREATE, Name=x.example.com, Type=A, SetIdentifier=null]"}},
		{"weight too large", []types.Change{chg("CREATE", weighted("w.example.com", "big", 256, "192.0.2.1"))}, ii,
			[]string{"Value '256' at 'changeBatch.changes.1.member.resourceRecordSet.weight'", "less than or equal to 255"}},
		{"weight without set identifier", []types.Change{chg("CREATE", with(x, func(s *types.ResourceRecordSet) { s.Weight = aws.Int64(1) }))}, ii,
			[]string{"Invalid request: Missing field 'SetIdentifier' in Change with [Action=CREATE, Name=x.example.com, Type=A, SetIdentifier=null]"}},
		{"set identifier without policy", []types.Change{chg("CREATE", with(x, func(s *types.ResourceRecordSet) { s.SetIdentifier = aws.String("id") }))}, ii,
			[]string{"Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer", "but found none in Change with [Action=CREATE, Name=x.example.com, Type=A, SetIdentifier=id]"}},
		{"two policies", []types.Change{chg("CREATE", with(weighted("x.example.com", "id", 1, "192.0.2.1"), func(s *types.ResourceRecordSet) { s.Region = "us-east-1" }))}, ii,
			[]string{"but found more than one"}},
		{"unknown region", []types.Change{chg("CREATE", latency("x.example.com", "id", "mars-north-1", "192.0.2.1"))}, ii,
			[]string{"Value 'mars-north-1' at 'changeBatch.changes.1.member.resourceRecordSet.region'", "enum value set"}},
		{"unknown failover role", []types.Change{chg("CREATE", failover("x.example.com", "id", "TERTIARY", "192.0.2.1"))}, ii,
			[]string{"Member must satisfy enum value set: [PRIMARY, SECONDARY]"}},
		{"unknown action", []types.Change{chg("MERGE", x)}, ii, []string{"Value 'MERGE' at 'changeBatch.changes.1.member.action'"}},
		{"no changes", []types.Change{}, ii, []string{"changeBatch.changes"}},
		{"alias not modelled", []types.Change{chg("CREATE", with(x, func(s *types.ResourceRecordSet) {
			s.AliasTarget = &types.AliasTarget{DNSName: aws.String("lb.example.net"), HostedZoneId: aws.String("Z1")}
		}))}, ii, []string{"route53fake does not model AliasTarget"}},
		{"second change is malformed", []types.Change{chg("CREATE", x), chg("CREATE", with(x, func(s *types.ResourceRecordSet) { s.TTL = aws.Int64(-5) }))}, ii,
			[]string{"changeBatch.changes.2.member"}},

		// NoSuchHealthCheck for a set that names an unknown check.
		{"unknown health check", []types.Change{chg("CREATE", with(x, func(s *types.ResourceRecordSet) { s.HealthCheckId = aws.String("00000000-dead-beef-0000-000000000000") }))},
			"NoSuchHealthCheck", nil},
	}
}

func TestChangeBatchValidation(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	c := newClient(f)
	hc, err := c.CreateHealthCheck(ctx(t), &route53.CreateHealthCheckInput{CallerReference: aws.String("base"),
		HealthCheckConfig: &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String("8.8.8.8")}})
	if err != nil {
		t.Fatal(err)
	}
	checkID := aws.ToString(hc.HealthCheck.Id)
	for _, tc := range validationCases() {
		t.Run(tc.name, func(t *testing.T) {
			id := f.CreateZone("example.com")
			if err := f.Seed(id, baseSets(checkID)...); err != nil {
				t.Fatal(err)
			}
			before := f.RecordSets(id)
			_, err := apply(t, c, id, tc.changes...)
			wantAPIError(t, err, tc.code, tc.want...)
			if after := f.RecordSets(id); !reflect.DeepEqual(before, after) {
				t.Fatalf("a refused batch changed the zone")
			}
		})
	}
}

func TestTypedErrors(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	x := set("x.example.com", types.RRTypeA, 60, "192.0.2.1")
	mustApply(t, c, id, chg("CREATE", x))
	_, err := apply(t, c, id, chg("CREATE", x), chg("CREATE", set("y.example.org", types.RRTypeA, 60, "192.0.2.1")))
	var icb *types.InvalidChangeBatch
	if !errors.As(err, &icb) {
		t.Fatalf("want *types.InvalidChangeBatch, got %T %v", err, err)
	}
	if msg := aws.ToString(icb.Message); !strings.HasPrefix(msg, "[Tried to create") || !strings.Contains(msg, ", RRSet with DNS name y.example.org.") {
		t.Fatalf("message = %s", msg)
	}
	_, err = apply(t, c, id, chg("CREATE", with(x, func(s *types.ResourceRecordSet) { s.TTL = nil })))
	var inv *types.InvalidInput
	if !errors.As(err, &inv) {
		t.Fatalf("want *types.InvalidInput, got %T %v", err, err)
	}
	_, err = apply(t, c, "ZNOSUCHZONE", chg("CREATE", x))
	var nsz *types.NoSuchHostedZone
	if !errors.As(err, &nsz) {
		t.Fatalf("want *types.NoSuchHostedZone, got %T %v", err, err)
	}
}

func TestRoutedGroupsThatAreAllowed(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	var changes []types.Change
	for i, w := range []int64{0, 1, 255} {
		changes = append(changes, chg("CREATE", weighted("w.example.com", string(rune('a'+i)), w, "192.0.2.1")))
	}
	changes = append(changes,
		chg("CREATE", failover("f.example.com", "p", types.ResourceRecordSetFailoverPrimary, "192.0.2.1")),
		chg("CREATE", failover("f.example.com", "s", types.ResourceRecordSetFailoverSecondary, "192.0.2.2")),
		chg("CREATE", latency("l.example.com", "use1", "us-east-1", "192.0.2.1")),
		chg("CREATE", latency("l.example.com", "euw1", "eu-west-1", "192.0.2.2")),
		chg("CREATE", set("w.example.com", types.RRTypeTxt, 60, `"owner=meridian"`)),
	)
	// Route 53 answers with up to eight healthy multivalue records but lets
	// you create more than eight.
	for i := range 10 {
		s := set("mv.example.com", types.RRTypeA, 60, "192.0.2.1")
		s.SetIdentifier, s.MultiValueAnswer = aws.String(string(rune('a'+i))), aws.Bool(true)
		changes = append(changes, chg("CREATE", s))
	}
	mustApply(t, c, id, changes...)
	if n := len(f.RecordSets(id)); n != 2+len(changes) {
		t.Fatalf("%d sets, want %d", n, 2+len(changes))
	}
}

func TestBatchIsAtomic(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	_, err := apply(t, c, id,
		chg("CREATE", set("a.example.com", types.RRTypeA, 60, "192.0.2.1")),
		chg("CREATE", set("b.example.com", types.RRTypeA, 60, "192.0.2.2")),
		chg("UPSERT", set("c.example.com", types.RRTypeA, 60, "192.0.2.3")),
		chg("DELETE", set("d.example.com", types.RRTypeA, 60, "192.0.2.4")),
	)
	wantAPIError(t, err, "InvalidChangeBatch", "d.example.com.")
	if n := len(f.RecordSets(id)); n != 2 {
		t.Fatalf("a failed batch left %d sets", n)
	}
	out, err := c.GetHostedZone(ctx(t), &route53.GetHostedZoneInput{Id: aws.String(id)})
	if err != nil || aws.ToInt64(out.HostedZone.ResourceRecordSetCount) != 2 {
		t.Fatalf("count = %v, %v", out, err)
	}
}

func TestApexSOAAndNSStay(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	apex := f.RecordSets(id) // NS, SOA
	_, err := apply(t, c, id, chg("DELETE", apex[1]))
	wantAPIError(t, err, "InvalidChangeBatch", "A HostedZone must contain exactly one SOA record.")
	_, err = apply(t, c, id, chg("DELETE", apex[0]))
	wantAPIError(t, err, "InvalidChangeBatch", "A HostedZone must contain at least one NS record for the zone itself.")

	// Editing them is allowed, by UPSERT or by DELETE and CREATE in one batch.
	ns := with(apex[0], func(s *types.ResourceRecordSet) { s.TTL = aws.Int64(3600) })
	mustApply(t, c, id, chg("UPSERT", ns))
	mustApply(t, c, id, chg("DELETE", ns), chg("CREATE", apex[0]))
	if got := f.RecordSets(id); !reflect.DeepEqual(got, apex) {
		t.Fatalf("apex = %v", names(got))
	}
}
