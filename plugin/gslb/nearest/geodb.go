package nearest

import (
	"math"
	"net/netip"

	"github.com/oschwald/maxminddb-golang/v2/mmdbdata"
)

// lookupDB reads the coordinates of addr's network from the database, and
// the network's prefix length, which bounds where the answer holds even when
// the network has no record. A network without a location (GeoLite2 has
// some, e.g. satellite providers) leaves the client unknown.
func (l *Locator) lookupDB(addr netip.Addr) (Location, int) {
	res := l.db.Lookup(addr)
	if res.Err() != nil {
		return Location{}, 0
	}
	bits := res.Prefix().Bits()
	if !res.Found() {
		return Location{}, bits
	}
	rec := geoRecord{Lat: math.NaN(), Lon: math.NaN()}
	if err := res.Decode(&rec); err != nil {
		return Location{}, bits
	}
	c := LatLon(rec)
	if !c.valid() {
		return Location{}, bits
	}
	return Location{Lat: c.Lat, Lon: c.Lon, HasCoordinates: true}, bits
}

// geoRecord is the part of a GeoIP2/GeoLite2 City record that Locate reads:
// location.latitude and location.longitude. A field the record lacks keeps
// the value it had before decoding, so callers start from NaN to detect it.
type geoRecord struct{ Lat, Lon float64 }

// UnmarshalMaxMindDBCursor decodes the record by walking it, which the
// reader prefers over reflection; reflection took most of a database
// lookup's time (about 450 of 600 ns on a small record).
func (r *geoRecord) UnmarshalMaxMindDBCursor(c mmdbdata.Cursor) (mmdbdata.Cursor, error) {
	return walkMap(c, func(key []byte, v mmdbdata.Cursor) (mmdbdata.Cursor, error) {
		if string(key) != "location" {
			return v.Skip()
		}
		return walkMap(v, func(key []byte, v mmdbdata.Cursor) (mmdbdata.Cursor, error) {
			switch string(key) {
			case "latitude":
				return readFloat(v, &r.Lat)
			case "longitude":
				return readFloat(v, &r.Lon)
			default:
				return v.Skip()
			}
		})
	})
}

// walkMap calls entry for each key and value of the map at c; entry returns
// the cursor after the value, as the reader requires to move on.
func walkMap(c mmdbdata.Cursor, entry func(key []byte, v mmdbdata.Cursor) (mmdbdata.Cursor, error)) (mmdbdata.Cursor, error) {
	m, err := c.Map()
	if err != nil {
		return mmdbdata.Cursor{}, mmdbdata.NormalizeUnmarshalError[geoRecord](err)
	}
	var next mmdbdata.Cursor
	for {
		key, v, ok := m.Next(next)
		if !ok {
			return m.End()
		}
		if next, err = entry(key, v); err != nil {
			return mmdbdata.Cursor{}, err
		}
	}
}

func readFloat(c mmdbdata.Cursor, dst *float64) (mmdbdata.Cursor, error) {
	f, next, err := c.ReadFloat()
	if err != nil {
		return mmdbdata.Cursor{}, mmdbdata.NormalizeUnmarshalError[float64](err)
	}
	*dst = f
	return next, nil
}
