package route53

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

func TestBaseName(t *testing.T) {
	cases := []struct{ name, typ, want string }{
		{"www.example.com", "A", "www.example.com"},
		{"a-www.example.com", "A", "a-www.example.com"}, // only TXT sets are companions
		{"a-www.example.com", "TXT", "www.example.com"},
		{"aaaa-www.example.com", "TXT", "www.example.com"},
		{"cname-x.example.com", "TXT", "x.example.com"},
		{"*.a-wild.example.com", "TXT", "*.wild.example.com"},
		{"txt.example.com", "TXT", "txt.example.com"},
		{"a-", "TXT", "a-"},
	}
	for _, tc := range cases {
		if got := baseName(&providers.Record{Name: tc.name, Type: tc.typ}); got != tc.want {
			t.Errorf("baseName(%s %s) = %s, want %s", tc.typ, tc.name, got, tc.want)
		}
	}
}

// grp builds a group of changes with the given value lengths.
func grp(base string, action types.ChangeAction, lengths ...int) *group {
	g := &group{base: base}
	for _, n := range lengths {
		g.ops = append(g.ops, op{action: action, values: []string{strings.Repeat("x", n)}})
	}
	return g
}

func TestPack(t *testing.T) {
	describe := func(batches [][]*group) string {
		var parts []string
		for _, b := range batches {
			var names []string
			for _, g := range b {
				name := g.base
				if g.part > 0 {
					name += fmt.Sprintf("#%d(%d)", g.part, len(g.ops))
				}
				names = append(names, name)
			}
			parts = append(parts, strings.Join(names, ","))
		}
		return strings.Join(parts, " | ")
	}
	cases := []struct {
		name      string
		groups    []*group
		maxValues int
		maxChars  int
		want      string
		oversize  int
	}{
		{"whole groups by values", []*group{grp("a", "CREATE", 1, 1), grp("b", "CREATE", 1, 1), grp("c", "CREATE", 1)}, 4, 100, "a,b | c", 0},
		{"UPSERT counts twice", []*group{grp("a", "UPSERT", 1), grp("b", "UPSERT", 1), grp("c", "CREATE", 1)}, 4, 100, "a,b | c", 0},
		{"by characters", []*group{grp("a", "CREATE", 40), grp("b", "CREATE", 40), grp("c", "CREATE", 30)}, 100, 100, "a,b | c", 0},
		{"a group larger than a batch is split in order", []*group{grp("a", "CREATE", 1), grp("big", "DELETE", 1, 1, 1, 1, 1), grp("c", "CREATE", 1)}, 2, 100, "a | big#1(2) | big#2(2) | big#3(1) | c", 0},
		{"a change larger than a batch is not sent", []*group{grp("a", "CREATE", 1), grp("huge", "CREATE", 200)}, 10, 100, "a", 1},
		{"an empty list", nil, 10, 100, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			batches, oversize := pack(tc.groups, tc.maxValues, tc.maxChars)
			if got := describe(batches); got != tc.want || len(oversize) != tc.oversize {
				t.Errorf("pack = %q with %d oversize, want %q with %d", got, len(oversize), tc.want, tc.oversize)
			}
			for _, b := range batches {
				values, chars := 0, 0
				for _, g := range b {
					v, c := g.size()
					values, chars = values+v, chars+c
				}
				if values > tc.maxValues || chars > tc.maxChars {
					t.Errorf("batch %s over the limits: %d values, %d characters", describe([][]*group{b}), values, chars)
				}
			}
		})
	}
}

// TestLargeChange publishes 2,500 names through the TXT registry, updates them all and deletes
// them all: every batch must stay within Route 53's limits (which the fake enforces too), keep
// each set with its companion, and be about as full as the limits allow.
func TestLargeChange(t *testing.T) {
	e := newEnv(t)
	reg := owned(e.provider(Config{}))
	const n = 2500
	desired := make([]providers.Record, n)
	for i := range desired {
		desired[i] = set(fmt.Sprintf("host-%04d.example.com", i), providers.TypeA, fmt.Sprintf("203.0.%d.%d", i/250, i%250))
	}
	for _, step := range []string{"create", "update", "delete"} {
		switch step {
		case "update":
			for i := range desired {
				desired[i].TTL = 300
			}
		case "delete":
			desired = nil
		}
		e.fake.ResetCalls()
		mustSync(t, reg, testResource, desired)
		batches := e.api.sent()
		checkPairs(t, batches)
		totalChars, changes := 0, 0
		for i, b := range batches {
			values, chars := batchSize(b)
			if values > DefaultMaxBatchValues || chars > DefaultMaxBatchChars {
				t.Errorf("%s: batch %d has %d values and %d characters", step, i+1, values, chars)
			}
			totalChars += chars
			changes += len(b)
		}
		if changes != 2*n {
			t.Errorf("%s: %d changes sent, want %d", step, changes, 2*n)
		}
		// Packing whole names loses at most one name's worth per batch.
		if minimum := (totalChars + DefaultMaxBatchChars - 1) / DefaultMaxBatchChars; len(batches) > minimum+1 {
			t.Errorf("%s: %d batches for %d characters, want at most %d", step, len(batches), totalChars, minimum+1)
		}
		for _, c := range e.fake.Calls() {
			if c.Op == "ChangeResourceRecordSets" && c.Code != "" {
				t.Errorf("%s: the fake refused a batch: %s", step, c.Code)
			}
		}
		t.Logf("%s: %d names in %d batches", step, n, len(batches))
	}
	if got := e.stored(); len(got) != 0 {
		t.Errorf("%d sets left", len(got))
	}
}

// TestRefusedNameIsIsolated makes one name of a full batch invalid: Route 53 refuses the whole
// batch, the provider halves it until the bad name is alone, applies the others, and names the
// bad one in an error wrapping ErrStale (someone created the set since it was listed).
func TestRefusedNameIsIsolated(t *testing.T) {
	e := newEnv(t)
	p := e.provider(Config{})
	reg := owned(p)
	if _, err := reg.Records(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	// Created behind the provider's back, after its listing.
	if err := e.fake.Seed(e.zoneID, types.ResourceRecordSet{Name: aws.String("n-0013.example.com"), Type: types.RRTypeA,
		TTL: aws.Int64(60), ResourceRecords: []types.ResourceRecord{{Value: aws.String("192.0.2.1")}}}); err != nil {
		t.Fatal(err)
	}
	var changes providers.Changes
	for i := range 40 {
		changes.Create = append(changes.Create, set(fmt.Sprintf("n-%04d.example.com", i), providers.TypeA, "203.0.113.1"))
	}
	e.fake.ResetCalls()
	err := reg.ApplyChanges(testCtx(t), changes)
	if !errors.Is(err, providers.ErrStale) || !strings.Contains(err.Error(), "n-0013.example.com") || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("error %v, want ErrStale naming n-0013.example.com", err)
	}
	if strings.Contains(err.Error(), "n-0012") {
		t.Errorf("the error names a name that was applied: %v", err)
	}
	if got := len(e.stored()); got != 2*39+1 {
		t.Errorf("%d sets stored, want the 39 good names with companions and the seeded one", got)
	}
	// One full batch, then halves down to the bad name: 1 + 2·log2(40) at most.
	if calls := e.fake.CallCounts()["ChangeResourceRecordSets"]; calls > 1+2*6 {
		t.Errorf("%d batches sent to isolate one bad name", calls)
	}
}

// TestSoftFailureStopsTheCall fails every try of the second batch: the first stays applied, the
// third is not sent, and the error is soft.
func TestSoftFailureStopsTheCall(t *testing.T) {
	e := newEnv(t)
	p := e.provider(Config{MaxBatchValues: 2})
	var changes providers.Changes
	for i := range 3 {
		changes.Create = append(changes.Create, set(fmt.Sprintf("n%d.example.com", i), providers.TypeA, "203.0.113.1", "203.0.113.2"))
	}
	e.api.beforeChange = func(n int) {
		if n == 2 {
			e.fake.FailNextOn("ChangeResourceRecordSets", fastBackoff.Attempts, 503)
		}
	}
	err := p.ApplyChanges(testCtx(t), changes)
	if !providers.IsSoft(err) || !strings.Contains(err.Error(), "change batch 2 of 3") {
		t.Fatalf("error %v, want a soft error at batch 2 of 3", err)
	}
	wantLines(t, "stored sets", e.stored(), []string{"n0.example.com. A ttl=60 [203.0.113.1 203.0.113.2]"})
	if n := len(e.api.sent()); n != 1+fastBackoff.Attempts {
		t.Errorf("%d batches sent, want %d", n, 1+fastBackoff.Attempts)
	}
}
