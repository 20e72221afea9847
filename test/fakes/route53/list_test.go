package route53fake_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

func TestListPaginatesLargeZone(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	var seed []types.ResourceRecordSet
	for i := range 2500 {
		seed = append(seed, set(fmt.Sprintf("host-%04d.example.com", i), types.RRTypeA, 60, fmt.Sprintf("203.0.%d.%d", i/256, i%256)))
	}
	if err := f.Seed(id, seed...); err != nil {
		t.Fatal(err)
	}
	c := newClient(f)
	for _, tc := range []struct {
		pageSize  int32
		wantPages int
	}{
		{300, 9},  // 2,502 sets (with SOA and NS)
		{1000, 9}, // served as 300, the documented maximum
		{7, 358},
	} {
		got, pages := listAll(t, c, id, tc.pageSize)
		if pages != tc.wantPages {
			t.Errorf("page size %d: %d pages, want %d", tc.pageSize, pages, tc.wantPages)
		}
		if !slices.Equal(names(got), names(f.RecordSets(id))) {
			t.Errorf("page size %d: listing differs from RecordSets", tc.pageSize)
		}
	}
}

func TestListOrder(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	c := newClient(f)
	mustApply(t, c, id,
		chg(types.ChangeActionCreate, set("z.example.com", types.RRTypeA, 60, "198.51.1.1")),
		chg(types.ChangeActionCreate, set("b.a.example.com", types.RRTypeTxt, 60, `"x"`)),
		chg(types.ChangeActionCreate, set("a.example.com", types.RRTypeTxt, 60, `"x"`)),
		chg(types.ChangeActionCreate, set("a.example.com", types.RRTypeA, 60, "198.51.1.2")),
		chg(types.ChangeActionCreate, set("*.example.com", types.RRTypeA, 60, "198.51.1.3")),
		chg(types.ChangeActionCreate, set("a-b.example.com", types.RRTypeA, 60, "198.51.1.4")),
		chg(types.ChangeActionCreate, weighted("w.example.com", "two", 1, "198.51.1.5")),
		chg(types.ChangeActionCreate, weighted("w.example.com", "one", 1, "198.51.1.6")),
	)
	got, _ := listAll(t, c, id, 300)
	// Reversed labels compared in ASCII: "com.example." < "com.example.\052." <
	// "com.example.a-b." < "com.example.a." < "com.example.a.b." < ...
	want := []string{
		"example.com. NS ", "example.com. SOA ",
		`\052.example.com. A `,
		"a-b.example.com. A ",
		"a.example.com. A ", "a.example.com. TXT ",
		"b.a.example.com. TXT ",
		"w.example.com. A one", "w.example.com. A two",
		"z.example.com. A ",
	}
	if !slices.Equal(names(got), want) {
		t.Fatalf("order:\n got %q\nwant %q", names(got), want)
	}
}

func TestListStartPositions(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	id := f.CreateZone("example.com")
	if err := f.Seed(id,
		set("a.example.com", types.RRTypeA, 60, "198.51.1.1"),
		set("a.example.com", types.RRTypeTxt, 60, `"x"`),
		weighted("w.example.com", "one", 1, "198.51.1.2"),
		weighted("w.example.com", "three", 1, "198.51.1.3"),
		weighted("w.example.com", "two", 1, "198.51.1.4"),
	); err != nil {
		t.Fatal(err)
	}
	c := newClient(f)
	for _, tc := range []struct {
		name, typ, id string
		want          string
	}{
		{"a.example.com", "", "", "a.example.com. A "},
		{"A.EXAMPLE.COM.", "TXT", "", "a.example.com. TXT "},
		{"a.example.com", "MX", "", "a.example.com. TXT "},
		{"b.example.com", "", "", "w.example.com. A one"},
		{"w.example.com", "A", "three", "w.example.com. A three"},
	} {
		in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id), MaxItems: aws.Int32(1), StartRecordName: aws.String(tc.name)}
		if tc.typ != "" {
			in.StartRecordType = types.RRType(tc.typ)
		}
		if tc.id != "" {
			in.StartRecordIdentifier = aws.String(tc.id)
		}
		out, err := c.ListResourceRecordSets(ctx(t), in)
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		if got := names(out.ResourceRecordSets); len(got) != 1 || got[0] != tc.want {
			t.Errorf("start %s/%s/%s: got %v, want %s", tc.name, tc.typ, tc.id, got, tc.want)
		}
	}

	// A page that ends inside a weighted group names the next identifier.
	out, err := c.ListResourceRecordSets(ctx(t), &route53.ListResourceRecordSetsInput{
		HostedZoneId: aws.String(id), MaxItems: aws.Int32(1), StartRecordName: aws.String("w.example.com"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !out.IsTruncated || aws.ToString(out.NextRecordName) != "w.example.com." || out.NextRecordType != types.RRTypeA ||
		aws.ToString(out.NextRecordIdentifier) != "three" {
		t.Fatalf("next = %v %s %s %s", out.IsTruncated, aws.ToString(out.NextRecordName), out.NextRecordType, aws.ToString(out.NextRecordIdentifier))
	}

	// "If you specify Type but not Name, Amazon Route 53 returns the InvalidInput error."
	_, err = c.ListResourceRecordSets(ctx(t), &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id), StartRecordType: types.RRTypeA})
	wantAPIError(t, err, "InvalidInput")
	_, err = c.ListResourceRecordSets(ctx(t), &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String("ZNOPE")})
	wantAPIError(t, err, "NoSuchHostedZone")
}
