package dnsendpoint

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestOutputIndependentOfInputOrder builds random records and shards, then builds them again
// with every list whose order carries no meaning shuffled (shards, zones, load-balancer entries,
// resolved addresses, hosts), and expects the same result: the controller must not rewrite a
// DNSEndpoint because a watch delivered members in another order. Every result must also be one
// external-dns's plan takes.
func TestOutputIndependentOfInputOrder(t *testing.T) {
	for seed := range uint64(3000) {
		r := rand.New(rand.NewPCG(seed, 0x6d6572696469616e))
		rec, shards := randomInput(r)
		want, err := Build(rec, shards)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkPlanInvariants(t, want.Endpoints)
		for range 3 {
			shuffledRec, shuffledShards := shuffled(r, rec, shards)
			got, err := Build(shuffledRec, shuffledShards)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d: order changed the result:\nfirst:\n%s%+v\nshuffled:\n%s%+v",
					seed, format(want.Endpoints), want.Facts, format(got.Endpoints), got.Facts)
			}
		}
		if t.Failed() {
			t.Fatalf("seed %d: input %+v %+v", seed, rec, shards)
		}
	}
}

func randomInput(r *rand.Rand) (Record, []Shard) {
	strategies := []Strategy{"", StrategyNearest, StrategyWeighted, StrategyFailover, StrategyAll}
	rec := service(strategies[r.IntN(len(strategies))])
	if r.IntN(3) == 0 {
		rec = ingress(rec.Routing.Strategy, pick(r, []string{"a.example.com", "b.example.com", ""})...)
	}
	if r.IntN(3) == 0 {
		rec.DNSPrefix = "www"
	}
	if r.IntN(4) == 0 {
		rec.ExternalName = "ext"
	}
	rec.RecordTTL = int64(r.IntN(2) * 60)
	clusters := pick(r, []string{"c0", "c1", "c2", "c3", "c4", "c5"})
	rec.Routing.FailoverOrder = pick(r, append(slices.Clone(clusters), "gone"))
	r.Shuffle(len(rec.Routing.FailoverOrder), func(i, j int) {
		rec.Routing.FailoverOrder[i], rec.Routing.FailoverOrder[j] = rec.Routing.FailoverOrder[j], rec.Routing.FailoverOrder[i]
	})
	if r.IntN(2) == 0 {
		rec.Routing.Weights = map[string]int64{}
		for _, c := range pick(r, clusters) {
			rec.Routing.Weights[c] = int64(r.IntN(5))
		}
	}
	var shards []Shard
	for _, c := range clusters {
		shards = append(shards, Shard{
			Cluster:      c,
			Region:       []string{"r1", "r2", ""}[r.IntN(3)],
			Zones:        pick(r, []string{"z1", "z2", ""}),
			LoadBalancer: randomEntries(r),
			Healthy:      r.IntN(3) > 0,
			LastKnown:    randomEntries(r),
		})
	}
	return rec, shards
}

func randomEntries(r *rand.Rand) []LoadBalancerIngress {
	var out []LoadBalancerIngress
	for range r.IntN(3) {
		switch r.IntN(4) {
		case 0:
			out = append(out, LoadBalancerIngress{IP: fmt.Sprintf("10.0.0.%d", r.IntN(4))})
		case 1:
			out = append(out, LoadBalancerIngress{IP: fmt.Sprintf("2001:db8::%d", r.IntN(4))})
		case 2:
			out = append(out, LoadBalancerIngress{Hostname: fmt.Sprintf("lb-%d.test", r.IntN(3))})
		default:
			out = append(out, LoadBalancerIngress{Hostname: fmt.Sprintf("lb-%d.test", r.IntN(3)),
				ResolvedIPs: pick(r, []string{"10.1.0.1", "10.1.0.2", "2001:db8:1::1"})})
		}
	}
	return out
}

// pick returns a random subset, in the order given.
func pick(r *rand.Rand, from []string) []string {
	var out []string
	for _, s := range from {
		if r.IntN(2) == 0 {
			out = append(out, s)
		}
	}
	return out
}

func shuffled(r *rand.Rand, rec Record, shards []Shard) (Record, []Shard) {
	rec.Hosts = shuffleStrings(r, rec.Hosts)
	out := make([]Shard, len(shards))
	for i, s := range shards {
		s.Zones = shuffleStrings(r, s.Zones)
		s.LoadBalancer = shuffleEntries(r, s.LoadBalancer)
		s.LastKnown = shuffleEntries(r, s.LastKnown)
		out[i] = s
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return rec, out
}

func shuffleStrings(r *rand.Rand, in []string) []string {
	out := slices.Clone(in)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func shuffleEntries(r *rand.Rand, in []LoadBalancerIngress) []LoadBalancerIngress {
	out := slices.Clone(in)
	for i := range out {
		out[i].ResolvedIPs = shuffleStrings(r, out[i].ResolvedIPs)
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
