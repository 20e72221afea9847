package route53

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

// TestCompanionsTravelWithTheirSets checks that the TXT registry's companions are created,
// changed and removed in the same change batch as the sets they describe, even when the batches
// are small enough to force many of them.
func TestCompanionsTravelWithTheirSets(t *testing.T) {
	e := newEnv(t)
	// Room for about three names per batch: sets and companions must still pair up.
	reg := owned(e.provider(Config{MaxBatchValues: 7}))
	var desired []providers.Record
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		desired = append(desired, set(n+".example.com", providers.TypeA, "203.0.113.1"))
	}
	desired = append(desired, set("*.wild.example.com", providers.TypeA, "203.0.113.2"),
		set("alias.example.com", providers.TypeCNAME, "lb.example.net"))

	mustSync(t, reg, testResource, desired)
	checkPairs(t, e.api.sent())
	if got := len(e.stored()); got != 2*len(desired) {
		t.Fatalf("%d sets stored, want %d (each set and its companion)", got, 2*len(desired))
	}
	for _, s := range e.fake.RecordSets(e.zoneID) {
		if name := aws.ToString(s.Name); name == `\052.a-wild.example.com.` {
			if v := values(&s); len(v) != 1 || v[0] != heritage {
				t.Errorf("wildcard companion holds %v", v)
			}
		}
	}

	// A TTL change updates every set and companion; removing the rest deletes them in pairs.
	for i := range desired {
		desired[i].TTL = 120
	}
	mustSync(t, reg, testResource, desired)
	checkPairs(t, e.api.sent())
	mustSync(t, reg, testResource, desired[:2])
	checkPairs(t, e.api.sent())
	wantLines(t, "stored sets", e.stored(), []string{
		"a-a.example.com. TXT ttl=120 [" + heritage + "]",
		"a-b.example.com. TXT ttl=120 [" + heritage + "]",
		"a.example.com. A ttl=120 [203.0.113.1]",
		"b.example.com. A ttl=120 [203.0.113.1]",
	})
	mustSync(t, reg, testResource, nil)
	if got := e.stored(); len(got) != 0 {
		t.Errorf("after withdrawing everything the zone still holds %v", got)
	}
}

// checkPairs fails unless every batch holds, for each set it changes, the change of its
// companion, and no batch holds a companion without its set.
func checkPairs(t *testing.T, batches [][]types.Change) {
	t.Helper()
	if len(batches) == 0 {
		t.Fatal("no batch was sent")
	}
	for i, b := range batches {
		var sets, companions []string
		for _, c := range b {
			s := c.ResourceRecordSet
			name := canonicalName(aws.ToString(s.Name))
			id := string(c.Action) + " " + aws.ToString(s.SetIdentifier) + " "
			if s.Type == types.RRTypeTxt {
				base := baseName(&providers.Record{Name: name, Type: providers.TypeTXT})
				companions = append(companions, id+strings.ToLower(base))
				continue
			}
			sets = append(sets, id+name)
		}
		slices.Sort(sets)
		slices.Sort(companions)
		if !slices.Equal(sets, companions) {
			t.Errorf("batch %d of %d: sets %v, companions %v", i+1, len(batches), sets, companions)
		}
	}
}
