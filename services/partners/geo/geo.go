// Package geo places partners on the map: WGS84 points, the distance between
// them, and the projections French registries publish coordinates in —
// Lambert-93 for metropolitan France and UTM for the overseas départements —
// turned back into latitude and longitude.
//
// The projections are computed on the GRS80 ellipsoid of RGF93 (metropolitan
// France), RGAF09 (Antilles), RGFG95 (Guyane), RGR92 (La Réunion), RGM04
// (Mayotte) and RGSPM06 (Saint-Pierre-et-Miquelon). These frames are all
// realisations of ITRS and agree with WGS84 at the metre level, which is the
// precision of an address; so the latitude and longitude they give are used
// as WGS84 without a datum shift, and WGS84's own ellipsoid differs from
// GRS80 by far less than a millimetre in these projections.
package geo

import "math"

// Point is a place on Earth in WGS84 degrees: latitude north positive,
// longitude east positive.
type Point struct{ Lat, Lon float64 }

// EarthRadius is the mean radius of the Earth in metres (IUGG, R1 of GRS80),
// the radius Distance uses.
const EarthRadius = 6371008.8

// Distance returns the great-circle distance between a and b in metres, on a
// sphere of radius EarthRadius (haversine formula). It is within 0.5% of the
// distance on the ellipsoid: enough to rank partners by how far they are.
func Distance(a, b Point) float64 {
	φ1, φ2 := radians(a.Lat), radians(b.Lat)
	dφ, dλ := φ2-φ1, radians(b.Lon-a.Lon)
	h := sq(math.Sin(dφ/2)) + math.Cos(φ1)*math.Cos(φ2)*sq(math.Sin(dλ/2))
	return 2 * EarthRadius * math.Asin(math.Sqrt(math.Min(1, h)))
}

// Box is a latitude and longitude range, in degrees, for a quick prefilter
// before Distance. MinLon > MaxLon never happens: a box that would cross the
// antimeridian spans every longitude instead.
type Box struct {
	MinLat, MaxLat float64
	MinLon, MaxLon float64
}

// Contains reports whether p is in the box, edges included.
func (b Box) Contains(p Point) bool {
	return b.MinLat <= p.Lat && p.Lat <= b.MaxLat && b.MinLon <= p.Lon && p.Lon <= b.MaxLon
}

// BoundingBox returns the smallest latitude and longitude ranges that hold
// every point within radius metres of center (as Distance measures it), so
// that a search can keep the points in the box and then measure only those.
// Near a pole, or across the antimeridian, the box widens to every longitude.
func BoundingBox(center Point, radius float64) Box {
	δ := math.Max(0, radius) / EarthRadius // angular radius
	φ := radians(center.Lat)
	b := Box{
		MinLat: degrees(φ - δ), MaxLat: degrees(φ + δ),
		MinLon: -180, MaxLon: 180,
	}
	if b.MinLat <= -90 || b.MaxLat >= 90 || δ >= math.Pi/2 {
		// The circle holds a pole: every longitude.
		b.MinLat, b.MaxLat = math.Max(b.MinLat, -90), math.Min(b.MaxLat, 90)
		return b
	}
	// The widest point of a small circle is not on the center's parallel but
	// where a meridian is tangent to it: Δλ = asin(sin δ / cos φ).
	dλ := degrees(math.Asin(math.Min(1, math.Sin(δ)/math.Cos(φ))))
	if center.Lon-dλ >= -180 && center.Lon+dλ <= 180 {
		b.MinLon, b.MaxLon = center.Lon-dλ, center.Lon+dλ
	}
	return b
}

func radians(deg float64) float64 { return deg * math.Pi / 180 }
func degrees(rad float64) float64 { return rad * 180 / math.Pi }
func sq(x float64) float64        { return x * x }
