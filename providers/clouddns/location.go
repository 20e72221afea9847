package clouddns

import (
	"math"
	"regexp"
	"strings"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
)

// gcpRegions are the Google Cloud regions a geo routing item may name ("a GCP region, e.g.
// us-east1"). The coordinates come from plugin/gslb/nearest's table, which holds every one of
// them; extend both together.
var gcpRegions = []string{
	"africa-south1",
	"asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
	"asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2",
	"australia-southeast1", "australia-southeast2",
	"europe-central2", "europe-north1", "europe-north2", "europe-southwest1",
	"europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6",
	"europe-west8", "europe-west9", "europe-west10", "europe-west12",
	"me-central1", "me-central2", "me-west1",
	"northamerica-northeast1", "northamerica-northeast2", "northamerica-south1",
	"southamerica-east1", "southamerica-west1",
	"us-central1", "us-east1", "us-east4", "us-east5", "us-south1",
	"us-west1", "us-west2", "us-west3", "us-west4",
}

// gcpShaped matches the GCP region naming scheme (area-direction plus a number: "us-east1",
// "europe-west10"), which AWS ("us-east-1") and Azure ("eastus") names never match.
var gcpShaped = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)

// gcpLocation is the geo location of a cluster labelled region: the region itself when it is a
// GCP region, else the GCP region nearest to its coordinates (an AWS, Azure or other region the
// table knows). A GCP-shaped name the table lacks is taken as is, so that regions newer than the
// table still work. It returns "" for a region it cannot place.
func gcpLocation(region string) string {
	region = strings.ToLower(strings.TrimSpace(region))
	if region == "" {
		return ""
	}
	here, known := nearest.RegionCoordinates(region)
	if !known {
		if gcpShaped.MatchString(region) {
			return region
		}
		return ""
	}
	best, bestKm := "", math.Inf(1)
	for _, r := range gcpRegions { // in a fixed order, so ties always go the same way
		if r == region {
			return r
		}
		c, ok := nearest.RegionCoordinates(r)
		if !ok {
			continue
		}
		if km := nearest.DistanceKm(here, c); km < bestKm {
			best, bestKm = r, km
		}
	}
	return best
}
