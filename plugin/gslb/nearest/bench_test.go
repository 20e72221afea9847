package nearest_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
)

// sink keeps results alive so the compiler cannot drop the calls measured.
var sink int

func benchLocate(b *testing.B, l *nearest.Locator, addrs ...string) {
	as := make([]netip.Addr, len(addrs))
	for i, s := range addrs {
		as[i] = netip.MustParseAddr(s)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, bits := l.Locate(as[i%len(as)])
		sink += bits
		i++
	}
}

func BenchmarkLocate(b *testing.B) {
	withDB := newLocator(b, testRules, writeDB(b), nil)
	b.Run("rule/v4", func(b *testing.B) { benchLocate(b, withDB, "10.1.2.3", "10.9.9.9", "192.168.1.1") })
	b.Run("rule/v4-mapped", func(b *testing.B) { benchLocate(b, withDB, "::ffff:10.1.2.3") })
	b.Run("rule/v6", func(b *testing.B) { benchLocate(b, withDB, "2001:db8:1::5", "2001:db8:2::1") })
	b.Run("db/v4", func(b *testing.B) { benchLocate(b, withDB, "198.51.100.20") })
	b.Run("db/v6", func(b *testing.B) { benchLocate(b, withDB, "2a00:1450:4001::1") })
	b.Run("db/miss", func(b *testing.B) { benchLocate(b, withDB, "8.8.8.8") })

	many := newLocator(b, manyRules(2000), "", nil)
	b.Run("rule/v4-2000-rules", func(b *testing.B) { benchLocate(b, many, "10.1.2.3", "172.16.5.5", "100.70.1.1") })
}

// manyRules makes n distinct /16../24 IPv4 rules under 10/8, 172.16/12 and
// 100.64/10, a large Corefile's worth.
func manyRules(n int) []nearest.Rule {
	rng := rand.New(rand.NewPCG(5, 6))
	bases := []netip.Prefix{mustPrefix("10.0.0.0/8"), mustPrefix("172.16.0.0/12"), mustPrefix("100.64.0.0/10")}
	seen := map[netip.Prefix]bool{}
	var rules []nearest.Rule
	for len(rules) < n {
		base := bases[rng.IntN(len(bases))].Addr().As4()
		a := netip.AddrFrom4([4]byte{base[0], base[1] | byte(rng.IntN(64)), byte(rng.IntN(256)), 0})
		p := netip.PrefixFrom(a, 16+rng.IntN(9)).Masked()
		if seen[p] {
			continue
		}
		seen[p] = true
		rules = append(rules, nearest.Rule{Prefix: p, Region: fmt.Sprint("region-", len(rules)%50)})
	}
	return rules
}

func BenchmarkChoose(b *testing.B) {
	l := newLocator(b, nil, "", nil)
	l.SetClusterRegions(map[string]string{"frankfurt": "eu-central-1"})
	cases := []struct {
		name string
		loc  nearest.Location
	}{
		{"coordinates", coordLoc(tokyo)},
		{"region", nearest.Location{Region: "eu-west-2"}},
		{"region-uppercase", nearest.Location{Region: "EU-WEST-2"}},
		{"cluster-present", nearest.Location{Cluster: "sydney"}},
		{"cluster-learned-region", nearest.Location{Cluster: "frankfurt"}},
		{"unknown", nearest.Location{}},
	}
	for _, tc := range cases {
		b.Run("into/"+tc.name, func(b *testing.B) {
			dst := make([]int, 0, len(testCandidates))
			b.ReportAllocs()
			for b.Loop() {
				dst = l.ChooseInto(dst, tc.loc, testCandidates)
			}
			sink += len(dst)
		})
	}
	b.Run("alloc/coordinates", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink += len(l.Choose(coordLoc(tokyo), testCandidates))
		}
	})
	var many []nearest.Candidate
	regions := []string{"us-east-1", "eu-west-1", "ap-northeast-1", "westeurope", "us-central1"}
	for i := range 40 {
		many = append(many, nearest.Candidate{Cluster: fmt.Sprint("c", i), Region: regions[i/8]})
	}
	b.Run("into/coordinates-40-candidates", func(b *testing.B) {
		dst := make([]int, 0, len(many))
		b.ReportAllocs()
		for b.Loop() {
			dst = l.ChooseInto(dst, coordLoc(london), many)
		}
		sink += len(dst)
	})
}
