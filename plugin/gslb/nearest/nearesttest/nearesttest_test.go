package nearesttest_test

import (
	"math"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
	"github.com/meridian-dns/meridian/plugin/gslb/nearest/nearesttest"
)

// TestWriteTestDB reads the database back with the reader itself, so that
// tests of nearest do not depend on nearest to check their fixture.
func TestWriteTestDB(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.mmdb")
	err := nearesttest.WriteTestDB(path, map[netip.Prefix]nearest.LatLon{
		netip.MustParsePrefix("192.0.2.0/24"):    {Lat: 1.5, Lon: -2.5},
		netip.MustParsePrefix("2001:db8::/32"):   {Lat: -3, Lon: 4},
		netip.MustParsePrefix("198.51.100.0/24"): {Lat: math.NaN(), Lon: math.NaN()},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := maxminddb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	type rec struct {
		Location *struct {
			Lat float64 `maxminddb:"latitude"`
			Lon float64 `maxminddb:"longitude"`
		} `maxminddb:"location"`
	}
	cases := []struct {
		addr         string
		found, loc   bool
		lat, lon     float64
		prefixLength int
	}{
		{"192.0.2.9", true, true, 1.5, -2.5, 24},
		{"::ffff:192.0.2.9", true, true, 1.5, -2.5, 120}, // the reader counts IPv6 bits here; Locate unmaps first
		{"2001:db8::1", true, true, -3, 4, 32},
		{"198.51.100.1", true, false, 0, 0, 24},
		{"203.0.113.1", false, false, 0, 0, -1},
	}
	for _, tc := range cases {
		res := r.Lookup(netip.MustParseAddr(tc.addr))
		var got rec
		if err := res.Decode(&got); err != nil {
			t.Fatalf("%s: %v", tc.addr, err)
		}
		if res.Found() != tc.found || (got.Location != nil) != tc.loc {
			t.Errorf("%s: found %v, location %v; want %v, %v", tc.addr, res.Found(), got.Location != nil, tc.found, tc.loc)
			continue
		}
		if tc.loc && (got.Location.Lat != tc.lat || got.Location.Lon != tc.lon) {
			t.Errorf("%s: location %+v", tc.addr, *got.Location)
		}
		if tc.prefixLength >= 0 && res.Prefix().Bits() != tc.prefixLength {
			t.Errorf("%s: prefix %s", tc.addr, res.Prefix())
		}
	}
}
