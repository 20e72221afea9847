package clouddnsfake

import (
	"slices"
	"strings"

	dns "google.golang.org/api/dns/v1"
)

// listZones serves managedZones.list: the project's zones by name, optionally only those whose
// DNS name is dnsName ("Restricts the list to return only zones with this domain name"), paged.
func (f *Fake) listZones(c *callCtx) (any, *apiError) {
	size, token, e := f.pageParams(c)
	if e != nil {
		return nil, e
	}
	want := ""
	if d := c.r.URL.Query().Get("dnsName"); d != "" {
		want, _ = canonicalZoneName(d)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var all []*dns.ManagedZone
	for _, z := range f.zones {
		if want == "" || z.info.DnsName == want {
			all = append(all, z.view())
		}
	}
	slices.SortFunc(all, func(a, b *dns.ManagedZone) int { return strings.Compare(a.Name, b.Name) })
	from, to, next, e := offsetPage(len(all), size, token)
	if e != nil {
		return nil, e
	}
	return &dns.ManagedZonesListResponse{Kind: "dns#managedZonesListResponse",
		ManagedZones: all[from:to], NextPageToken: next}, nil
}

// getZone serves managedZones.get; the zone may be named by name or numeric id.
func (f *Fake) getZone(c *callCtx) (any, *apiError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zoneLocked(c.zone)
	if !ok {
		return nil, errZoneNotFound(c.zone)
	}
	return z.view(), nil
}
