package nearest

import (
	"strings"
	"testing"
)

func TestBuiltinRegionsWellFormed(t *testing.T) {
	for name, c := range builtinRegions {
		if name != strings.ToLower(name) || strings.TrimSpace(name) != name || name == "" {
			t.Errorf("region %q: names must be lower case, as lookups lower-case them", name)
		}
		if !c.valid() || (c.Lat == 0 && c.Lon == 0) {
			t.Errorf("region %q: bad coordinates %v", name, c)
		}
	}
}

// TestBuiltinRegionsPlausible spot-checks the table: regions of different
// clouds in one city must be close, and well-known pairs far apart.
func TestBuiltinRegionsPlausible(t *testing.T) {
	cases := []struct {
		a, b         string
		minKm, maxKm float64
	}{
		{"eu-west-1", "northeurope", 0, 50},    // Dublin
		{"us-east-1", "us-east4", 0, 50},       // Ashburn
		{"us-east-1", "eastus", 0, 300},        // Virginia
		{"ap-northeast-1", "japaneast", 0, 50}, // Tokyo
		{"ap-northeast-1", "asia-northeast1", 0, 50},
		{"eu-central-1", "europe-west3", 0, 50},    // Frankfurt
		{"ap-southeast-2", "australiaeast", 0, 50}, // Sydney
		{"europe-west1", "westeurope", 100, 250},   // St. Ghislain–Amsterdam
		{"eu-west-1", "us-east-1", 5200, 5800},
		{"us-west-2", "ap-southeast-2", 12000, 13000},
		{"sa-east-1", "af-south-1", 6000, 6600},
	}
	for _, tc := range cases {
		a, okA := builtinRegions[tc.a]
		b, okB := builtinRegions[tc.b]
		if !okA || !okB {
			t.Errorf("%s or %s missing", tc.a, tc.b)
			continue
		}
		if d := DistanceKm(a, b); d < tc.minKm || d > tc.maxKm {
			t.Errorf("%s-%s: %.0f km, want %.0f..%.0f", tc.a, tc.b, d, tc.minKm, tc.maxKm)
		}
	}
}

func TestBuiltinRegionsCoverTheClouds(t *testing.T) {
	for _, name := range []string{
		"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2",
		"ap-northeast-1", "sa-east-1", "ca-central-1", "af-south-1", "me-south-1",
		"us-central1", "europe-west1", "asia-northeast1", "australia-southeast1", "southamerica-east1",
		"eastus", "westeurope", "japaneast", "australiaeast", "brazilsouth", "southeastasia",
	} {
		if _, ok := builtinRegions[name]; !ok {
			t.Errorf("built-in table lacks %s", name)
		}
	}
}

func TestRegionPointCaseInsensitive(t *testing.T) {
	l, err := NewLocator(nil, "", map[string]LatLon{"On-Prem-Berlin": {52.52, 13.40}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"eu-west-1", "EU-WEST-1", "Eu-West-1", "on-prem-berlin", "ON-PREM-BERLIN"} {
		if _, ok := l.regionPoint(name); !ok {
			t.Errorf("regionPoint(%q) not found", name)
		}
	}
	long := strings.Repeat("X", 100)
	for _, name := range []string{"", "mars-1", long} {
		if _, ok := l.regionPoint(name); ok {
			t.Errorf("regionPoint(%q) found", name)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { l.regionPoint("EU-WEST-1") }); allocs != 0 {
		t.Errorf("regionPoint of an upper-case name allocates %v times", allocs)
	}
}

func TestRegionCoordinates(t *testing.T) {
	cases := []struct {
		name string
		want LatLon
		ok   bool
	}{
		{"us-east4", LatLon{39.04, -77.49}, true},
		{"US-East-1", LatLon{39.04, -77.49}, true}, // labels keep the case users typed
		{"westeurope", LatLon{52.37, 4.90}, true},
		{"on-prem-berlin", LatLon{}, false},
		{"", LatLon{}, false},
	}
	for _, tc := range cases {
		got, ok := RegionCoordinates(tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("RegionCoordinates(%q) = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
