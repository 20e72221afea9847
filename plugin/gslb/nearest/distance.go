package nearest

import "math"

// earthRadiusKm is the mean Earth radius (IUGG).
const earthRadiusKm = 6371.0088

// DistanceKm is the great-circle distance between a and b in kilometres, by
// the haversine formula.
func DistanceKm(a, b LatLon) float64 {
	lat1, lat2 := radians(a.Lat), radians(b.Lat)
	dLat, dLon := lat2-lat1, radians(b.Lon-a.Lon)
	h := sq(math.Sin(dLat/2)) + math.Cos(lat1)*math.Cos(lat2)*sq(math.Sin(dLon/2))
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(min(h, 1)))
}

// point is a position on the unit sphere.
//
// Choose compares many candidates against one client, so it ranks by the
// squared chord between points instead of calling DistanceKm: the haversine of
// the central angle is a quarter of the squared chord, so both order
// candidates identically, and the chord needs no trigonometry per candidate.
type point struct{ x, y, z float64 }

func pointOf(c LatLon) point {
	sinLat, cosLat := math.Sincos(radians(c.Lat))
	sinLon, cosLon := math.Sincos(radians(c.Lon))
	return point{x: cosLat * cosLon, y: cosLat * sinLon, z: sinLat}
}

// chord2 is the squared straight-line distance between a and b.
func chord2(a, b point) float64 {
	return sq(a.x-b.x) + sq(a.y-b.y) + sq(a.z-b.z)
}

// chord2ToKm turns a squared chord back into a great-circle distance.
func chord2ToKm(c2 float64) float64 {
	return 2 * earthRadiusKm * math.Asin(min(math.Sqrt(c2)/2, 1))
}

// kmToChord2 is the inverse of chord2ToKm; distances beyond half the Earth's
// circumference map to the largest chord.
func kmToChord2(km float64) float64 {
	half := min(km/earthRadiusKm/2, math.Pi/2)
	return sq(2 * math.Sin(half))
}

// Half the angle that tieKm subtends at the Earth's centre, as sine and cosine.
var tieSin, tieCos = math.Sincos(tieKm / earthRadiusKm / 2)

// tieLimit2 is the squared chord of a point tieKm further from the client
// than the point at squared chord c2: with chord c = 2·sin(θ/2), the sum
// formula for sin(θ/2 + ε/2) needs only a square root, where going through
// chord2ToKm and kmToChord2 would cost two trigonometric calls per query.
func tieLimit2(c2 float64) float64 {
	c := math.Sqrt(c2)
	cosHalf := math.Sqrt(max(4-c2, 0)) // 2·cos(θ/2)
	if cosHalf*tieCos <= c*tieSin {
		return 4 // θ + tie reaches past the antipode: every point is within
	}
	return sq(c*tieCos + cosHalf*tieSin)
}

func radians(deg float64) float64 { return deg * math.Pi / 180 }

func sq(x float64) float64 { return x * x }
