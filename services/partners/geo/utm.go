package geo

import "math"

// Universal Transverse Mercator on GRS80, the projection of the overseas
// départements: Guadeloupe and Martinique in zone 20 N (RGAF09), Guyane in
// zone 22 N (RGFG95), La Réunion in zone 40 S (RGR92), Mayotte in zone 38 S
// (RGM04), Saint-Pierre-et-Miquelon in zone 21 N (RGSPM06).
//
// The transverse Mercator is computed with Krüger's series in the third
// flattening n, to order n⁶, with the coefficients and the method of
// C. F. F. Karney, "Transverse Mercator with an accuracy of a few
// nanometers", J. Geodesy 85 (2011) 475–485: well under a millimetre within
// a UTM zone and its neighbours.

const (
	utmScale         = 0.9996
	utmFalseEasting  = 500000.0
	utmFalseNorthing = 10000000.0 // in the southern hemisphere
)

// transverseMercator holds the series' constants for one ellipsoid.
type transverseMercator struct {
	e     float64    // first eccentricity
	a     float64    // rectifying radius A: meridian length = A × rectifying latitude
	alpha [6]float64 // forward series, α1…α6
	beta  [6]float64 // inverse series, β1…β6
}

func newTransverseMercator(el ellipsoid) transverseMercator {
	f := 1 - math.Sqrt(1-el.e*el.e)
	n := f / (2 - f)
	n2, n3 := n*n, n*n*n
	n4, n5, n6 := n2*n2, n2*n3, n3*n3
	return transverseMercator{
		e: el.e,
		a: el.a / (1 + n) * (1 + n2/4 + n4/64 + n6/256),
		alpha: [6]float64{
			n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
			13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
			61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
			49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
			34729*n5/80640 - 3418889*n6/1995840,
			212378941 * n6 / 319334400,
		},
		beta: [6]float64{
			n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
			n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
			17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
			4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
			4583*n5/161280 - 108847*n6/3991680,
			20648693 * n6 / 638668800,
		},
	}
}

var grs80TM = newTransverseMercator(grs80)

// FromUTM returns the point whose UTM coordinates on GRS80, in zone (1–60)
// of the northern or southern hemisphere, are x (easting) and y (northing)
// in metres. The overseas frames (RGAF09, RGFG95, RGR92, RGM04, RGSPM06)
// agree with WGS84 at the metre level, so the result is returned as WGS84.
// A zone out of range gives a point of NaNs.
func FromUTM(zone int, south bool, x, y float64) Point {
	if zone < 1 || zone > 60 {
		return Point{Lat: math.NaN(), Lon: math.NaN()}
	}
	if south {
		y -= utmFalseNorthing
	}
	φ, dλ := grs80TM.inverse((x-utmFalseEasting)/utmScale, y/utmScale)
	return Point{Lat: degrees(φ), Lon: centralMeridian(zone) + degrees(dλ)}
}

// ToUTM returns the UTM coordinates on GRS80 of p in the given zone and
// hemisphere, in metres. A zone out of range gives NaNs.
func ToUTM(zone int, south bool, p Point) (x, y float64) {
	if zone < 1 || zone > 60 {
		return math.NaN(), math.NaN()
	}
	e, n := grs80TM.forward(radians(p.Lat), radians(p.Lon-centralMeridian(zone)))
	x, y = utmFalseEasting+utmScale*e, utmScale*n
	if south {
		y += utmFalseNorthing
	}
	return x, y
}

func centralMeridian(zone int) float64 { return float64(6*zone - 183) }

// forward returns the easting and northing on the unscaled projection of
// latitude φ and longitude dλ from the central meridian, in radians.
func (tm transverseMercator) forward(φ, dλ float64) (x, y float64) {
	τ := math.Tan(φ)
	τc := conformalTan(τ, tm.e)
	ξc := math.Atan2(τc, math.Cos(dλ))
	ηc := math.Asinh(math.Sin(dλ) / math.Hypot(τc, math.Cos(dλ)))
	ξ, η := ξc, ηc
	for j, a := range tm.alpha {
		k := 2 * float64(j+1)
		ξ += a * math.Sin(k*ξc) * math.Cosh(k*ηc)
		η += a * math.Cos(k*ξc) * math.Sinh(k*ηc)
	}
	return tm.a * η, tm.a * ξ
}

// inverse returns the latitude and the longitude from the central meridian,
// in radians, of a point on the unscaled projection.
func (tm transverseMercator) inverse(x, y float64) (φ, dλ float64) {
	ξ, η := y/tm.a, x/tm.a
	ξc, ηc := ξ, η
	for j, b := range tm.beta {
		k := 2 * float64(j+1)
		ξc -= b * math.Sin(k*ξ) * math.Cosh(k*η)
		ηc -= b * math.Cos(k*ξ) * math.Sinh(k*η)
	}
	sh, c := math.Sinh(ηc), math.Cos(ξc)
	τc := math.Sin(ξc) / math.Hypot(sh, c)
	return math.Atan(geographicTan(τc, tm.e)), math.Atan2(sh, c)
}

// conformalTan returns the tangent of the conformal latitude whose geographic
// latitude has tangent τ (Karney 2011, eq. 7–9).
func conformalTan(τ, e float64) float64 {
	τ1 := math.Hypot(1, τ)
	σ := math.Sinh(e * math.Atanh(e*τ/τ1))
	return τ*math.Hypot(1, σ) - σ*τ1
}

// geographicTan inverts conformalTan by Newton's method (Karney 2011,
// eq. 19–21): two or three steps reach double precision; at most 10 are taken
// so that no input loops for ever.
func geographicTan(τc, e float64) float64 {
	e2 := e * e
	τ := τc
	for i := 0; i < 10; i++ {
		τci := conformalTan(τ, e)
		d := (τc - τci) / math.Hypot(1, τci) * (1 + (1-e2)*τ*τ) / ((1 - e2) * math.Hypot(1, τ))
		τ += d
		if !(math.Abs(d) >= 1e-14*math.Max(1, math.Abs(τ))) { // also stops on NaN
			break
		}
	}
	return τ
}
