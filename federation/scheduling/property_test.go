package scheduling

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDistributeProperties checks, over generated inputs, what must hold whatever the numbers:
// bounds, totals, determinism, and that Rebalance off moves nothing it need not. The seed is
// fixed so that a failure reproduces; the message prints the input.
func TestDistributeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 500 {
		in := generate(rng)
		out, err := Distribute(in)
		if err != nil {
			t.Fatalf("input %d %+v: %v", i, in, err)
		}
		for _, p := range checkProperties(rng, in, out) {
			t.Errorf("input %d %+v\n  got %v: %s", i, in, out, p)
		}
	}
}

func generate(rng *rand.Rand) Input {
	in := Input{
		TotalReplicas: rng.Int64N(31),
		Preferences:   map[string]ClusterPreferences{},
		Rebalance:     rng.IntN(2) == 0,
	}
	for _, name := range []string{Default, "a", "b", "c", "d", "e"} {
		if rng.IntN(10) < 4 {
			continue
		}
		p := w(rng.Int64N(4))
		if rng.IntN(2) == 0 {
			p = p.min(rng.Int64N(5))
		}
		if rng.IntN(2) == 0 {
			p = p.max(p.MinReplicas + rng.Int64N(6))
		}
		in.Preferences[name] = p
	}
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		if rng.IntN(10) < 7 {
			in.Clusters = append(in.Clusters, name)
		}
	}
	if rng.IntN(2) == 0 {
		in.Current = map[string]int64{}
		for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
			if rng.IntN(10) < 6 {
				in.Current[name] = rng.Int64N(13)
			}
		}
	}
	if rng.IntN(10) < 3 {
		in.Unschedulable = map[string]int64{}
		for _, name := range in.Clusters {
			if rng.IntN(2) == 0 {
				in.Unschedulable[name] = rng.Int64N(4)
			}
		}
	}
	return in
}

// checkProperties returns every property out violates. Bounds are worked out here from the input
// directly, not from the package's slots, so a slip in slotsFor shows up.
func checkProperties(rng *rand.Rand, in Input, out map[string]int64) []string {
	var bad []string
	fail := func(s string) { bad = append(bad, s) }
	total := in.TotalReplicas
	prefs := map[string]ClusterPreferences{}
	for _, name := range in.Clusters {
		if p, ok := in.Preferences[name]; ok {
			prefs[name] = p
		} else if p, ok := in.Preferences[Default]; ok {
			prefs[name] = p
		}
	}
	capOf := func(p ClusterPreferences) int64 {
		if p.MaxReplicas == nil {
			return total
		}
		return min(*p.MaxReplicas, total)
	}
	var sum, room, mins int64
	for name, p := range prefs {
		sum += out[name]
		if out[name] < 0 || out[name] > capOf(p) {
			fail("a cluster is outside 0..maxReplicas")
		}
		if p.Weight > 0 {
			room += capOf(p)
		} else {
			room += min(p.MinReplicas, total)
		}
		mins += p.MinReplicas
	}
	if !slices.Equal(slices.Sorted(maps.Keys(out)), slices.Sorted(maps.Keys(prefs))) {
		fail("entries are not exactly the eligible clusters with a preference")
	}
	if sum > total {
		fail("the sum exceeds the total")
	}
	// With Rebalance the preferences alone decide how much can be placed; without it, kept
	// replicas on zero-weight clusters may place more.
	if sum < min(total, room) || (in.Rebalance && sum != min(total, room)) {
		fail("replicas left unassigned although the preferences leave room")
	}
	if len(in.Unschedulable) == 0 && mins <= total {
		for name, p := range prefs {
			if out[name] < p.MinReplicas {
				fail("a minimum is not met although the minimums fit")
			}
		}
	}
	if !in.Rebalance && len(in.Current) > 0 {
		bad = append(bad, checkKept(in, out, prefs, capOf)...)
	}
	if !in.Rebalance && len(in.Unschedulable) == 0 {
		again := in
		again.Current = out
		if next, _ := Distribute(again); !maps.Equal(next, out) {
			fail(fmt.Sprint("fed back as current, the layout changes to ", next))
		}
	}
	if in.Rebalance && len(in.Unschedulable) == 0 {
		fresh := in
		fresh.Current = nil
		if other, _ := Distribute(fresh); !maps.Equal(other, out) {
			fail("with rebalance, the current layout changes the result")
		}
	}
	shuffled := in
	shuffled.Clusters = slices.Clone(in.Clusters)
	rng.Shuffle(len(shuffled.Clusters), func(a, b int) {
		shuffled.Clusters[a], shuffled.Clusters[b] = shuffled.Clusters[b], shuffled.Clusters[a]
	})
	if other, _ := Distribute(shuffled); !maps.Equal(other, out) {
		fail("the order of Clusters changes the result")
	}
	return bad
}

// checkKept checks that without Rebalance running replicas only move when they must: a scale-up
// removes none, a scale-down adds none beyond a cluster's minimum.
func checkKept(in Input, out map[string]int64, prefs map[string]ClusterPreferences, capOf func(ClusterPreferences) int64) []string {
	var bad []string
	var held, heldOrMin int64
	for name, p := range prefs {
		h := min(in.Current[name], capOf(p))
		held += h
		heldOrMin += max(h, p.MinReplicas)
	}
	for name, p := range prefs {
		h := min(in.Current[name], capOf(p))
		if in.TotalReplicas >= heldOrMin && out[name] < h {
			bad = append(bad, "a scale-up took running replicas away")
		}
		if in.TotalReplicas <= held && out[name] > max(h, p.MinReplicas) {
			bad = append(bad, "a scale-down added replicas")
		}
	}
	return bad
}
