package geo

import "math"

// The Lambert conformal conic projection, as IGN defines and computes it in
// its note NT/G 71 ("Projection cartographique conique conforme de Lambert",
// algorithms ALG0001–ALG0004 and ALG0054), and Lambert-93 (EPSG:2154), the
// projection of RGF93 in metropolitan France, whose parameters IGN gives in
// note NT/G 87: GRS80 ellipsoid, standard parallels 44° N and 49° N, origin
// 46°30' N 3° E at (700 000 m, 6 600 000 m).

// ellipsoid is an ellipsoid of revolution: semi-major axis a in metres and
// first eccentricity e.
type ellipsoid struct{ a, e float64 }

// grs80 is the ellipsoid of RGF93 and of the overseas frames: a = 6 378 137 m,
// flattening 1/298.257222101.
var grs80 = func() ellipsoid {
	const f = 1 / 298.257222101
	return ellipsoid{a: 6378137, e: math.Sqrt(f * (2 - f))}
}()

// lambert holds a conic projection's constants in IGN's terms: exponent n,
// constant c (m), longitude of origin λc (radians), and the projected
// coordinates of the pole (xs, ys) in metres.
type lambert struct {
	e, n, c, λc, xs, ys float64
}

// secantLambert computes a secant projection's constants from its standard
// parallels φ1 and φ2, its origin (φ0, λ0) and the coordinates (x0, y0) of
// that origin (ALG0054). Angles are in radians.
func secantLambert(el ellipsoid, λ0, φ0, φ1, φ2, x0, y0 float64) lambert {
	e := el.e
	n1 := el.a / math.Sqrt(1-sq(e*math.Sin(φ1))) * math.Cos(φ1)
	n2 := el.a / math.Sqrt(1-sq(e*math.Sin(φ2))) * math.Cos(φ2)
	l1, l2 := isometricLatitude(φ1, e), isometricLatitude(φ2, e)
	n := math.Log(n2/n1) / (l1 - l2)
	c := n1 / n * math.Exp(n*l1)
	ys := y0
	// At the pole (φ0 = 90°) the isometric latitude is infinite and the
	// origin is the pole itself.
	if φ0 < math.Pi/2 {
		ys += c * math.Exp(-n*isometricLatitude(φ0, e))
	}
	return lambert{e: e, n: n, c: c, λc: λ0, xs: x0, ys: ys}
}

// lambert93 is EPSG:2154, RGF93 v1 / Lambert-93.
var lambert93 = secantLambert(grs80, radians(3), radians(46.5), radians(44), radians(49), 700000, 6600000)

// FromLambert93 returns the point whose Lambert-93 coordinates (EPSG:2154,
// RGF93 v1 / Lambert-93) are x (easting) and y (northing), in metres, by the
// inverse Lambert conformal conic projection (two standard parallels).
// RGF93 and WGS84 agree at the metre level, so the RGF93 latitude and
// longitude are returned as WGS84 without a datum shift.
func FromLambert93(x, y float64) Point {
	λ, φ := lambert93.inverse(x, y)
	return Point{Lat: degrees(φ), Lon: degrees(λ)}
}

// ToLambert93 returns the Lambert-93 coordinates of p, in metres.
func ToLambert93(p Point) (x, y float64) {
	return lambert93.forward(radians(p.Lon), radians(p.Lat))
}

// forward projects longitude λ and latitude φ, in radians (ALG0003).
func (p lambert) forward(λ, φ float64) (x, y float64) {
	r := p.c * math.Exp(-p.n*isometricLatitude(φ, p.e))
	γ := p.n * (λ - p.λc)
	return p.xs + r*math.Sin(γ), p.ys - r*math.Cos(γ)
}

// inverse returns the longitude and latitude, in radians, of (x, y) (ALG0004).
func (p lambert) inverse(x, y float64) (λ, φ float64) {
	dx, dy := x-p.xs, p.ys-y
	r := math.Hypot(dx, dy)
	// As IGN writes it: atan, not atan2, so that the formula holds for a cone
	// opening to the south too (n < 0), where dy is negative.
	γ := math.Atan(dx / dy)
	λ = p.λc + γ/p.n
	l := -math.Log(math.Abs(r/p.c)) / p.n
	return λ, latitudeFromIsometric(l, p.e)
}

// isometricLatitude returns the isometric latitude of φ on an ellipsoid of
// first eccentricity e (ALG0001).
func isometricLatitude(φ, e float64) float64 {
	s := math.Sin(φ)
	return math.Log(math.Tan(math.Pi/4+φ/2) * math.Pow((1-e*s)/(1+e*s), e/2))
}

// latitudeFromIsometric returns the latitude whose isometric latitude is l
// (ALG0002), iterating until two values differ by less than 1e-12 radian
// (6 µm), and at most 50 times, so that no input can loop for ever.
func latitudeFromIsometric(l, e float64) float64 {
	el := math.Exp(l)
	φ := 2*math.Atan(el) - math.Pi/2
	for i := 0; i < 50; i++ {
		s := e * math.Sin(φ)
		next := 2*math.Atan(math.Pow((1+s)/(1-s), e/2)*el) - math.Pi/2
		if math.Abs(next-φ) < 1e-12 || math.IsNaN(next) {
			return next
		}
		φ = next
	}
	return φ
}
