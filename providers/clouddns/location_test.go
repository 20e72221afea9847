package clouddns

import (
	"testing"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
)

func TestGCPLocation(t *testing.T) {
	cases := map[string]string{
		"us-east1":        "us-east1",
		" US-East1 ":      "us-east1",
		"europe-west10":   "europe-west10",
		"us-east-1":       "us-east4",        // AWS Ashburn
		"eu-west-1":       "europe-west2",    // AWS Dublin: London is nearer than Belgium
		"ap-northeast-1":  "asia-northeast1", // AWS Tokyo
		"westeurope":      "europe-west4",    // Azure Amsterdam: Eemshaven
		"asia-southeast3": "asia-southeast3", // GCP-shaped, newer than the table: as is
		"on-prem-berlin":  "",
		"":                "",
	}
	for region, want := range cases {
		if got := gcpLocation(region); got != want {
			t.Errorf("gcpLocation(%q) = %q; want %q", region, got, want)
		}
	}
}

// TestGCPRegionsKnown: every GCP region has coordinates, or non-GCP regions could not be mapped
// onto it.
func TestGCPRegionsKnown(t *testing.T) {
	for _, r := range gcpRegions {
		if _, ok := nearest.RegionCoordinates(r); !ok {
			t.Errorf("no coordinates for GCP region %s", r)
		}
		if !gcpShaped.MatchString(r) {
			t.Errorf("GCP region %s does not match the naming scheme", r)
		}
	}
}
