package nearest_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
)

var testCandidates = []nearest.Candidate{
	{Cluster: "dublin-a", Region: "eu-west-1"},
	{Cluster: "dublin-b", Region: "eu-west-1"},
	{Cluster: "virginia", Region: "us-east-1"},
	{Cluster: "sydney", Region: "ap-southeast-2"},
	{Cluster: "tokyo", Region: "ap-northeast-1"},
}

func TestChoose(t *testing.T) {
	l := newLocator(t, nil, "", map[string]nearest.LatLon{
		// Three sites around Frankfurt: a and b 0.56 km apart, c 2.2 km from a.
		"dc-a": {Lat: 50, Lon: 8}, "dc-b": {Lat: 50.005, Lon: 8}, "dc-c": {Lat: 50.02, Lon: 8},
	})
	l.SetClusterRegions(map[string]string{"frankfurt": "eu-central-1", "edge-1": "on-prem-x"})
	cases := []struct {
		name  string
		loc   nearest.Location
		cands []nearest.Candidate
		want  []int
	}{
		{"client cluster among candidates", nearest.Location{Cluster: "sydney"}, testCandidates, []int{3}},
		{"client cluster wins over its region", nearest.Location{Cluster: "tokyo", Region: "eu-west-1"}, testCandidates, []int{4}},
		{"client cluster with several record sets", nearest.Location{Cluster: "dublin-b"},
			append(slices.Clone(testCandidates), nearest.Candidate{Cluster: "dublin-b", Region: "eu-west-1"}), []int{1, 5}},
		{"client cluster absent, region unknown", nearest.Location{Cluster: "mars"}, testCandidates, []int{0, 1, 2, 3, 4}},
		{"client cluster absent, region learned", nearest.Location{Cluster: "frankfurt"}, testCandidates, []int{0, 1}},
		{"client cluster absent, region given", nearest.Location{Cluster: "mars", Region: "ap-southeast-4"}, testCandidates, []int{3}},
		{"learned region without coordinates equals a candidate's", nearest.Location{Cluster: "edge-1"},
			[]nearest.Candidate{{"dublin", "eu-west-1"}, {"edge-2", "on-prem-x"}}, []int{1}},
		{"region without coordinates", nearest.Location{Region: "eu-west-2"}, testCandidates, []int{0, 1}},
		{"region with coordinates", regionLoc("eu-west-2", london), testCandidates, []int{0, 1}},
		{"database coordinates", coordLoc(tokyo), testCandidates, []int{4}},
		{"database coordinates, other side", coordLoc(melbourne), testCandidates, []int{3}},
		{"database coordinates, across the Atlantic", coordLoc(boston), testCandidates, []int{2}},
		{"client region case-insensitive", nearest.Location{Region: "AP-Southeast-2"}, testCandidates, []int{3}},
		{"candidate region case-insensitive", coordLoc(london),
			[]nearest.Candidate{{"v", "US-EAST-1"}, {"d", "EU-West-1"}}, []int{1}},
		{"equal unknown regions are distance 0", nearest.Location{Region: "ON-PREM-X"},
			[]nearest.Candidate{{"a", "eu-west-1"}, {"b", "on-prem-x"}, {"c", "on-prem-y"}}, []int{1}},
		{"unknown candidate regions ignored", coordLoc(tokyo),
			[]nearest.Candidate{{"a", "mars-1"}, {"b", "eu-west-1"}, {"c", ""}, {"d", "us-east-1"}}, []int{1}},
		{"all candidate regions unknown", coordLoc(tokyo),
			[]nearest.Candidate{{"a", "mars-1"}, {"b", ""}}, []int{0, 1}},
		{"client region unknown", nearest.Location{Region: "mars-1"}, testCandidates, []int{0, 1, 2, 3, 4}},
		{"unknown client", nearest.Location{}, testCandidates, []int{0, 1, 2, 3, 4}},
		{"NaN coordinates are unknown", nearest.Location{Lat: math.NaN(), HasCoordinates: true}, testCandidates, []int{0, 1, 2, 3, 4}},
		{"tie: same coordinates, two clouds", nearest.Location{Region: "us-east-2"},
			[]nearest.Candidate{{"aws", "us-east-1"}, {"gcp", "us-east4"}, {"eu", "eu-west-1"}}, []int{0, 1}},
		{"tie: within 1 km", coordLoc(nearest.LatLon{Lat: 49.5, Lon: 8}),
			[]nearest.Candidate{{"c", "dc-c"}, {"b", "dc-b"}, {"a", "dc-a"}}, []int{1, 2}},
		{"no tie beyond 1 km", coordLoc(nearest.LatLon{Lat: 50.5, Lon: 8}),
			[]nearest.Candidate{{"a", "dc-a"}, {"c", "dc-c"}}, []int{1}},
		{"equal region ties with regions within 1 km", nearest.Location{Region: "dc-a"},
			[]nearest.Candidate{{"a", "dc-a"}, {"b", "dc-b"}, {"c", "dc-c"}}, []int{0, 1}},
		{"single candidate", coordLoc(tokyo), testCandidates[:1], []int{0}},
		{"empty candidates", coordLoc(tokyo), nil, []int{}},
		{"empty candidates, client cluster", nearest.Location{Cluster: "x"}, nil, []int{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := l.Choose(tc.loc, tc.cands)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Choose(%+v) = %v, want %v", tc.loc, got, tc.want)
			}
		})
	}
}

func TestChooseOverriddenCoordinates(t *testing.T) {
	cands := []nearest.Candidate{{"x", "eu-west-1"}, {"v", "us-east-1"}}
	builtin := newLocator(t, nil, "", nil)
	if got := builtin.Choose(coordLoc(boston), cands); !slices.Equal(got, []int{1}) {
		t.Errorf("built-in: Choose = %v, want [1]", got)
	}
	moved := newLocator(t, nil, "", map[string]nearest.LatLon{"EU-WEST-1": newYork})
	if got := moved.Choose(coordLoc(boston), cands); !slices.Equal(got, []int{0}) {
		t.Errorf("overridden: Choose = %v, want [0]", got)
	}
}

func TestSetClusterRegionsReplacesAndCopies(t *testing.T) {
	l := newLocator(t, nil, "", nil)
	m := map[string]string{"c": "ap-northeast-1"}
	l.SetClusterRegions(m)
	m["c"] = "eu-west-1" // must not leak into the Locator
	loc := nearest.Location{Cluster: "c"}
	if got := l.Choose(loc, testCandidates); !slices.Equal(got, []int{4}) {
		t.Errorf("Choose = %v, want [4]", got)
	}
	l.SetClusterRegions(m)
	if got := l.Choose(loc, testCandidates); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("after replacing: Choose = %v, want [0 1]", got)
	}
	l.SetClusterRegions(nil)
	if got := l.Choose(loc, testCandidates); len(got) != len(testCandidates) {
		t.Errorf("after clearing: Choose = %v, want all", got)
	}
}

func TestChooseManyCandidates(t *testing.T) {
	l := newLocator(t, nil, "", nil)
	var cands []nearest.Candidate
	for i := range 40 {
		cands = append(cands, nearest.Candidate{Cluster: fmt.Sprint("c", i), Region: "us-east-1"})
	}
	cands[33].Region = "ap-northeast-1"
	cands[37].Region = "ap-northeast-1"
	if got := l.Choose(coordLoc(tokyo), cands); !slices.Equal(got, []int{33, 37}) {
		t.Errorf("Choose = %v, want [33 37]", got)
	}
}

func TestChooseIntoReusesBuffer(t *testing.T) {
	l := newLocator(t, nil, "", nil)
	l.SetClusterRegions(map[string]string{"frankfurt": "eu-central-1"})
	dst := make([]int, 0, 8)
	for _, loc := range []nearest.Location{
		coordLoc(tokyo), {Region: "EU-West-2"}, {Cluster: "sydney"}, {Cluster: "frankfurt"}, {},
	} {
		allocs := testing.AllocsPerRun(100, func() { dst = l.ChooseInto(dst, loc, testCandidates) })
		if allocs != 0 {
			t.Errorf("ChooseInto(%+v) allocates %v times", loc, allocs)
		}
	}
	got := l.ChooseInto([]int{9, 9, 9}, coordLoc(tokyo), testCandidates)
	if !slices.Equal(got, []int{4}) {
		t.Errorf("ChooseInto kept old contents: %v", got)
	}
}

// TestChooseNeverEmpty feeds random locations and candidates, known and
// unknown, and checks the invariants every answer must keep.
func TestChooseNeverEmpty(t *testing.T) {
	l := newLocator(t, nil, "", nil)
	regions := []string{"eu-west-1", "us-east-1", "US-EAST4", "mars-1", "", "asia-northeast1", "westeurope"}
	clusters := []string{"", "a", "b", "c"}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	for range 2000 {
		cands := make([]nearest.Candidate, 1+rng.IntN(6))
		for i := range cands {
			cands[i] = nearest.Candidate{Cluster: pick(clusters[1:]), Region: pick(regions)}
		}
		loc := nearest.Location{Cluster: pick(clusters), Region: pick(regions)}
		if rng.IntN(2) == 0 {
			loc.Lat, loc.Lon, loc.HasCoordinates = rng.Float64()*180-90, rng.Float64()*360-180, true
		}
		got := l.Choose(loc, cands)
		if len(got) == 0 || !slices.IsSorted(got) || got[len(got)-1] >= len(cands) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("Choose(%+v, %+v) = %v", loc, cands, got)
		}
	}
}

// TestConcurrentUse runs the query path against SetClusterRegions, for the
// race detector.
func TestConcurrentUse(t *testing.T) {
	l := newLocator(t, testRules, writeDB(t), nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			l.SetClusterRegions(map[string]string{"dublin-1": testCandidates[i%len(testCandidates)].Region})
		}
	}()
	addrs := []string{"10.1.5.5", "198.51.100.20", "2001:db8:1::5", "8.8.8.8"}
	dst := make([]int, 0, 8)
	for i := range 2000 {
		loc, _ := l.Locate(netip.MustParseAddr(addrs[i%len(addrs)]))
		if dst = l.ChooseInto(dst, loc, testCandidates[2:]); len(dst) == 0 {
			t.Fatalf("empty choice for %+v", loc)
		}
	}
	<-done
}
