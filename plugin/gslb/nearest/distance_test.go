package nearest

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestDistanceKm(t *testing.T) {
	var (
		dublin   = LatLon{53.35, -6.26}
		virginia = LatLon{39.04, -77.49}
		london   = LatLon{51.51, -0.13}
		paris    = LatLon{48.86, 2.35}
		newYork  = LatLon{40.71, -74.01}
		sydney   = LatLon{-33.87, 151.21}
		tokyo    = LatLon{35.68, 139.69}
	)
	// Published great-circle distances between the cities, rounded.
	cases := []struct {
		name string
		a, b LatLon
		want float64
	}{
		{"Dublin-Virginia", dublin, virginia, 5500},
		{"London-Paris", london, paris, 344},
		{"London-New York", london, newYork, 5570},
		{"Sydney-Tokyo", sydney, tokyo, 7820},
		{"Tokyo-New York", tokyo, newYork, 10850},
		{"across the antimeridian", LatLon{0, 179.5}, LatLon{0, -179.5}, 111.2},
		{"pole to pole", LatLon{90, 0}, LatLon{-90, 0}, math.Pi * earthRadiusKm},
		{"antipodes", LatLon{10, 20}, LatLon{-10, -160}, math.Pi * earthRadiusKm},
	}
	for _, tc := range cases {
		for _, pair := range [][2]LatLon{{tc.a, tc.b}, {tc.b, tc.a}} {
			got := DistanceKm(pair[0], pair[1])
			if math.Abs(got-tc.want) > 0.05*tc.want {
				t.Errorf("%s: DistanceKm = %.0f km, want %.0f km ±5%%", tc.name, got, tc.want)
			}
		}
	}
	if d := DistanceKm(tokyo, tokyo); d != 0 {
		t.Errorf("DistanceKm(x, x) = %v", d)
	}
}

// TestChordMatchesHaversine checks that ranking by chord, as Choose does,
// measures the same distance as DistanceKm, and that the tie threshold
// conversion round-trips.
func TestChordMatchesHaversine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		a := LatLon{rng.Float64()*180 - 90, rng.Float64()*360 - 180}
		b := LatLon{rng.Float64()*180 - 90, rng.Float64()*360 - 180}
		want := DistanceKm(a, b)
		c2 := chord2(pointOf(a), pointOf(b))
		if got := chord2ToKm(c2); math.Abs(got-want) > 1e-3 {
			t.Fatalf("%v-%v: chord gives %.6f km, haversine %.6f km", a, b, got, want)
		}
		if got := kmToChord2(want); math.Abs(got-c2) > 1e-9 {
			t.Fatalf("%v-%v: kmToChord2(%.3f) = %v, want %v", a, b, want, got, c2)
		}
	}
	if got := kmToChord2(1e9); got != 4 {
		t.Errorf("kmToChord2(beyond antipode) = %v, want 4", got)
	}
}

func TestTieLimit(t *testing.T) {
	for _, km := range []float64{0, 0.5, 1, 10, 500, 5000, 15000, 20000, 20015, 30000} {
		c2 := kmToChord2(km)
		want := kmToChord2(chord2ToKm(c2) + tieKm)
		if got := tieLimit2(c2); math.Abs(got-want) > 1e-12 {
			t.Errorf("tieLimit2 at %v km = %v, want %v", km, got, want)
		}
	}
}
