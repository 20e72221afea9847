package route53fake_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

// aSets returns changes carrying n A values in sets of at most 100 values.
func aSets(action types.ChangeAction, prefix string, n int) []types.Change {
	var out []types.Change
	for i := 0; n > 0; i++ {
		k := min(n, 100)
		var values []string
		for j := range k {
			values = append(values, fmt.Sprintf("192.0.2.%d", j))
		}
		out = append(out, chg(action, set(fmt.Sprintf("%s%d.example.com", prefix, i), types.RRTypeA, 60, values...)))
		n -= k
	}
	return out
}

// txtValue builds a valid TXT value of exactly n characters (n >= 2) from
// quoted strings of at most 250 characters.
func txtValue(n int) string {
	var b strings.Builder
	for b.Len() < n {
		rem := n - b.Len()
		if b.Len() > 0 {
			b.WriteByte(' ')
			rem--
		}
		k := min(rem-2, 250)
		if rem-2-k == 1 || rem-2-k == 2 { // leave room for a whole next chunk
			k -= 3
		}
		b.WriteString(`"` + strings.Repeat("a", k) + `"`)
	}
	return b.String()
}

// txtSets returns one change per value length, each on its own name.
func txtSets(action types.ChangeAction, lengths ...int) []types.Change {
	var out []types.Change
	for i, n := range lengths {
		v := txtValue(n)
		if len(v) != n {
			panic(fmt.Sprintf("txtValue(%d) has length %d", n, len(v)))
		}
		out = append(out, chg(action, set(fmt.Sprintf("t%d.example.com", i), types.RRTypeTxt, 60, v)))
	}
	return out
}

func TestRequestLimits(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	c := newClient(f)
	const (
		records = "Number of records limit of 1000 exceeded."
		chars   = "Number of characters limit of 32000 exceeded."
	)
	cases := []struct {
		name    string
		changes []types.Change
		refused string // "" when the batch must succeed
	}{
		{"1,000 values", aSets("CREATE", "c", 1000), ""},
		{"1,001 values", aSets("CREATE", "c", 1001), records},
		{"500 upserted values count as 1,000", aSets("UPSERT", "u", 500), ""},
		{"501 upserted values count as 1,002", aSets("UPSERT", "u", 501), records},
		{"999 created and 1 upserted", append(aSets("CREATE", "c", 999), aSets("UPSERT", "u", 1)...), records},
		{"998 created and 1 upserted", append(aSets("CREATE", "c", 998), aSets("UPSERT", "u", 1)...), ""},
		{"32,000 characters", txtSets("CREATE", 4000, 4000, 4000, 4000, 4000, 4000, 4000, 3998, 2), ""},
		{"32,002 characters", txtSets("CREATE", 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 2), chars},
		{"16,000 upserted characters count as 32,000", txtSets("UPSERT", 4000, 4000, 4000, 4000), ""},
		{"16,002 upserted characters count as 32,004", txtSets("UPSERT", 4000, 4000, 4000, 4000, 2), chars},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := f.CreateZone("example.com")
			_, err := apply(t, c, id, tc.changes...)
			if tc.refused == "" {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				return
			}
			wantAPIError(t, err, "InvalidChangeBatch", "["+tc.refused+"]")
			if n := len(f.RecordSets(id)); n != 2 {
				t.Fatalf("refused batch left %d sets", n)
			}
		})
	}
}
