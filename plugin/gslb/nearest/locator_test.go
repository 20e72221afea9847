package nearest_test

import (
	"math"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
	"github.com/meridian-dns/meridian/plugin/gslb/nearest/nearesttest"
)

var (
	dublin    = nearest.LatLon{Lat: 53.35, Lon: -6.26}
	ashburn   = nearest.LatLon{Lat: 39.04, Lon: -77.49}
	london    = nearest.LatLon{Lat: 51.51, Lon: -0.13}
	sydney    = nearest.LatLon{Lat: -33.87, Lon: 151.21}
	melbourne = nearest.LatLon{Lat: -37.81, Lon: 144.96}
	tokyo     = nearest.LatLon{Lat: 35.68, Lon: 139.69}
	boston    = nearest.LatLon{Lat: 42.36, Lon: -71.06}
	newYork   = nearest.LatLon{Lat: 40.71, Lon: -74.01}
	noWhere   = nearest.LatLon{Lat: math.NaN(), Lon: math.NaN()}
)

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// testRules nest on purpose, so that longest-prefix matching and the ECS
// scope around nested rules are both exercised.
var testRules = []nearest.Rule{
	{Prefix: mustPrefix("10.0.0.0/8"), Region: "eu-west-1"},
	{Prefix: mustPrefix("10.1.0.0/16"), Cluster: "dublin-1"},
	{Prefix: mustPrefix("10.1.2.0/24"), Region: "Us-East-1"},
	{Prefix: mustPrefix("::ffff:192.168.0.0/112"), Region: "us-west-2"},
	{Prefix: mustPrefix("192.0.2.0/24"), Region: "on-prem-x"},
	{Prefix: mustPrefix("203.0.113.0/24"), Region: "eu-west-1"},
	{Prefix: mustPrefix("2001:db8::/32"), Region: "ap-southeast-2"},
	{Prefix: mustPrefix("2001:db8:1::/48"), Cluster: "sydney-1"},
}

var testNetworks = map[netip.Prefix]nearest.LatLon{
	mustPrefix("203.0.113.0/24"):  tokyo, // also a rule, which must win
	mustPrefix("198.51.100.0/24"): sydney,
	mustPrefix("100.64.0.0/10"):   noWhere,
	mustPrefix("2a00:1450::/32"):  dublin,
}

func writeDB(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.mmdb")
	if err := nearesttest.WriteTestDB(path, testNetworks); err != nil {
		t.Fatal(err)
	}
	return path
}

func newLocator(t testing.TB, rules []nearest.Rule, db string, coords map[string]nearest.LatLon) *nearest.Locator {
	t.Helper()
	l, err := nearest.NewLocator(rules, db, coords)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	return l
}

func regionLoc(region string, c nearest.LatLon) nearest.Location {
	return nearest.Location{Region: region, Lat: c.Lat, Lon: c.Lon, HasCoordinates: true}
}

func coordLoc(c nearest.LatLon) nearest.Location {
	return nearest.Location{Lat: c.Lat, Lon: c.Lon, HasCoordinates: true}
}

func TestLocate(t *testing.T) {
	withDB := newLocator(t, testRules, writeDB(t), nil)
	rulesOnly := newLocator(t, testRules, "", nil)
	empty := newLocator(t, nil, "", nil)
	cases := []struct {
		name     string
		l        *nearest.Locator
		addr     string
		want     nearest.Location
		wantBits int
	}{
		// 10.9/16 shares 12 bits with the nested 10.1.0.0/16, so the /8 answer
		// holds only for 10.9's /13.
		{"shortest v4 rule, scope excludes nested rule", withDB, "10.9.9.9", regionLoc("eu-west-1", dublin), 13},
		{"middle v4 rule", withDB, "10.1.5.5", nearest.Location{Cluster: "dublin-1"}, 22},
		{"longest v4 rule, region spelled as written", withDB, "10.1.2.3", regionLoc("Us-East-1", ashburn), 24},
		{"mapped client is IPv4", withDB, "::ffff:10.1.2.3", regionLoc("Us-East-1", ashburn), 24},
		{"mapped rule is IPv4", withDB, "192.168.77.1", regionLoc("us-west-2", nearest.LatLon{Lat: 45.84, Lon: -119.70}), 16},
		{"mapped rule, mapped client", withDB, "::ffff:192.168.77.1", regionLoc("us-west-2", nearest.LatLon{Lat: 45.84, Lon: -119.70}), 16},
		{"region without coordinates", withDB, "192.0.2.7", nearest.Location{Region: "on-prem-x"}, 24},
		{"rule beats database", withDB, "203.0.113.9", regionLoc("eu-west-1", dublin), 24},
		{"v6 cluster rule", withDB, "2001:db8:1::5", nearest.Location{Cluster: "sydney-1"}, 48},
		{"v6 region rule, scope excludes nested rule", withDB, "2001:db8:2::1", regionLoc("ap-southeast-2", sydney), 47},
		{"database v4", withDB, "198.51.100.20", coordLoc(sydney), 24},
		{"database v4 mapped", withDB, "::ffff:198.51.100.20", coordLoc(sydney), 24},
		{"database v6", withDB, "2a00:1450:4001::1", coordLoc(dublin), 32},
		{"database network without location", withDB, "100.64.1.1", nearest.Location{}, 10},
		{"no rule, no database: scope from nearest rule", rulesOnly, "8.8.8.8", nearest.Location{}, 7},
		{"no rule, no database, v6", rulesOnly, "2002::1", nearest.Location{}, 15},
		{"database ignored where a rule matches", rulesOnly, "198.51.100.20", nearest.Location{}, 6},
		{"nothing configured", empty, "198.51.100.20", nearest.Location{}, 0},
		{"nothing configured, v6", empty, "2001:db8::1", nearest.Location{}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, bits := tc.l.Locate(netip.MustParseAddr(tc.addr))
			if !sameLocation(got, tc.want) || bits != tc.wantBits {
				t.Errorf("Locate(%s) = %+v, %d; want %+v, %d", tc.addr, got, bits, tc.want, tc.wantBits)
			}
		})
	}
}

func sameLocation(a, b nearest.Location) bool {
	const eps = 1e-9
	return a.Cluster == b.Cluster && a.Region == b.Region && a.HasCoordinates == b.HasCoordinates &&
		math.Abs(a.Lat-b.Lat) < eps && math.Abs(a.Lon-b.Lon) < eps
}

func TestLocateUnknownThroughDatabase(t *testing.T) {
	l := newLocator(t, nil, writeDB(t), nil)
	loc, bits := l.Locate(netip.MustParseAddr("8.8.8.8"))
	if loc != (nearest.Location{}) {
		t.Errorf("Locate(8.8.8.8) = %+v, want unknown", loc)
	}
	// The empty network around 8.8.8.8 is bounded by the database's
	// networks; it must not claim to cover them.
	if bits < 1 || bits > 32 {
		t.Errorf("prefixBits = %d, want 1..32", bits)
	}
	if loc, bits := l.Locate(netip.Addr{}); loc != (nearest.Location{}) || bits != 0 {
		t.Errorf("Locate(invalid) = %+v, %d", loc, bits)
	}
}

func TestLocateOverriddenRegionCoordinates(t *testing.T) {
	l := newLocator(t, testRules, "", map[string]nearest.LatLon{"EU-West-1": newYork, "on-prem-X": london})
	cases := map[string]nearest.Location{
		"10.9.9.9":  regionLoc("eu-west-1", newYork),
		"192.0.2.1": regionLoc("on-prem-x", london),
	}
	for addr, want := range cases {
		if got, _ := l.Locate(netip.MustParseAddr(addr)); !sameLocation(got, want) {
			t.Errorf("Locate(%s) = %+v, want %+v", addr, got, want)
		}
	}
}

func TestNewLocatorErrors(t *testing.T) {
	cases := []struct {
		name   string
		rules  []nearest.Rule
		db     string
		coords map[string]nearest.LatLon
		want   string
	}{
		{"region and cluster", []nearest.Rule{{Prefix: mustPrefix("10.0.0.0/8"), Region: "a", Cluster: "b"}}, "", nil, "exactly one"},
		{"neither", []nearest.Rule{{Prefix: mustPrefix("10.0.0.0/8")}}, "", nil, "exactly one"},
		{"invalid prefix", []nearest.Rule{{Region: "a"}}, "", nil, "invalid prefix"},
		{"duplicate", []nearest.Rule{
			{Prefix: mustPrefix("10.0.0.0/8"), Region: "a"},
			{Prefix: mustPrefix("10.0.0.0/8"), Cluster: "b"},
		}, "", nil, "duplicate prefix 10.0.0.0/8"},
		{"duplicate after masking", []nearest.Rule{
			{Prefix: mustPrefix("10.0.0.0/8"), Region: "a"},
			{Prefix: mustPrefix("10.1.2.3/8"), Region: "b"},
		}, "", nil, "duplicate prefix"},
		{"duplicate through mapping", []nearest.Rule{
			{Prefix: mustPrefix("10.0.0.0/8"), Region: "a"},
			{Prefix: mustPrefix("::ffff:10.0.0.0/104"), Region: "b"},
		}, "", nil, "duplicate prefix"},
		{"latitude out of range", nil, "", map[string]nearest.LatLon{"x": {Lat: 91}}, "out of range"},
		{"longitude NaN", nil, "", map[string]nearest.LatLon{"x": {Lon: math.NaN()}}, "out of range"},
		{"missing database", nil, filepath.Join(t.TempDir(), "none.mmdb"), nil, "opening location database"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := nearest.NewLocator(tc.rules, tc.db, tc.coords)
			if err == nil {
				_ = l.Close()
				t.Fatal("NewLocator succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}
