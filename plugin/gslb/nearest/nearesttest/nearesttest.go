// Package nearesttest writes small MaxMind-format location databases for
// tests of nearest and of the plugins built on it.
package nearesttest

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"os"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
)

// WriteTestDB writes a GeoIP2-City-shaped database to path in which each
// network's record carries location.latitude and location.longitude. A NaN
// coordinate writes a record without a location (only a country), as some
// real networks have. Reserved ranges (RFC 1918, documentation prefixes) are
// allowed, since tests use them. IPv4 networks are also reachable through
// their IPv4-mapped IPv6 form, as in MaxMind's own databases.
func WriteTestDB(path string, networks map[netip.Prefix]nearest.LatLon) error {
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            "GeoIP2-City",
		Description:             map[string]string{"en": "meridian test locations"},
		IncludeReservedNetworks: true,
		RecordSize:              24,
	})
	if err != nil {
		return fmt.Errorf("creating database: %w", err)
	}
	for p, c := range networks {
		if err := tree.Insert(ipNet(p), record(c)); err != nil {
			return fmt.Errorf("inserting %s: %w", p, err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := tree.WriteTo(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

func record(c nearest.LatLon) mmdbtype.Map {
	country := mmdbtype.Map{"iso_code": mmdbtype.String("ZZ")}
	if math.IsNaN(c.Lat) || math.IsNaN(c.Lon) {
		return mmdbtype.Map{"country": country}
	}
	return mmdbtype.Map{
		"country": country,
		"location": mmdbtype.Map{
			"accuracy_radius": mmdbtype.Uint16(20),
			"latitude":        mmdbtype.Float64(c.Lat),
			"longitude":       mmdbtype.Float64(c.Lon),
		},
	}
}

// ipNet converts p to the form mmdbwriter expects: a 4-byte IP for IPv4, so
// that it lands in the IPv4 subtree.
func ipNet(p netip.Prefix) *net.IPNet {
	p = p.Masked()
	a := p.Addr()
	bits := 128
	if a.Is4() {
		bits = 32
	}
	return &net.IPNet{IP: net.IP(a.AsSlice()), Mask: net.CIDRMask(p.Bits(), bits)}
}
