package geo

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestDistance(t *testing.T) {
	t.Parallel()
	quarter := math.Pi / 2 * EarthRadius
	tests := []struct {
		name string
		a, b Point
		want float64
	}{
		{"same point", Point{48.1113, -1.68}, Point{48.1113, -1.68}, 0},
		{"one degree of the equator", Point{0, 0}, Point{0, 1}, math.Pi / 180 * EarthRadius},
		{"one degree of a meridian", Point{45, 3}, Point{46, 3}, math.Pi / 180 * EarthRadius},
		{"equator to pole", Point{0, 55.5}, Point{90, 0}, quarter},
		{"antipodes", Point{-21, 55.5}, Point{21, -124.5}, 2 * quarter},
		{"across the antimeridian", Point{0, 179.5}, Point{0, -179.5}, math.Pi / 180 * EarthRadius},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("%s: Distance(%v, %v) = %.6f, want %.6f", tt.name, tt.a, tt.b, got, tt.want)
		}
		if got, back := Distance(tt.a, tt.b), Distance(tt.b, tt.a); got != back {
			t.Errorf("%s: Distance is not symmetric: %v, %v", tt.name, got, back)
		}
	}
}

// destination returns the point at distance d metres from p in direction
// bearing (radians from north), on the sphere Distance uses.
func destination(p Point, bearing, d float64) Point {
	δ, φ1, λ1 := d/EarthRadius, radians(p.Lat), radians(p.Lon)
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(bearing))
	λ2 := λ1 + math.Atan2(math.Sin(bearing)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	lon := math.Mod(degrees(λ2)+540, 360) - 180
	return Point{Lat: degrees(φ2), Lon: lon}
}

func TestBoundingBox(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		center Point
		radius float64
		want   Box
	}{
		{"zero radius", Point{44.8378, -0.5792}, 0, Box{44.8378, 44.8378, -0.5792, -0.5792}},
		{"negative radius", Point{1, 2}, -5, Box{1, 1, 2, 2}},
		{"around a pole", Point{89.9, 0}, 50000, Box{89.9 - 50000/EarthRadius*180/math.Pi, 90, -180, 180}},
		{"across the antimeridian", Point{-17.5, 179.9}, 50000,
			Box{-17.5 - 50000/EarthRadius*180/math.Pi, -17.5 + 50000/EarthRadius*180/math.Pi, -180, 180}},
	}
	for _, tt := range tests {
		got := BoundingBox(tt.center, tt.radius)
		if math.Abs(got.MinLat-tt.want.MinLat) > 1e-9 || math.Abs(got.MaxLat-tt.want.MaxLat) > 1e-9 ||
			math.Abs(got.MinLon-tt.want.MinLon) > 1e-9 || math.Abs(got.MaxLon-tt.want.MaxLon) > 1e-9 {
			t.Errorf("%s: BoundingBox(%v, %v) = %+v, want %+v", tt.name, tt.center, tt.radius, got, tt.want)
		}
	}
}

// Every point within the radius is in the box, and the box is tight: the
// points at the radius due north, south, and at the widest longitude touch
// its edges.
func TestBoundingBoxHoldsTheCircle(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2154, 4471))
	for i := 0; i < 500; i++ {
		center := Point{Lat: rng.Float64()*170 - 85, Lon: rng.Float64()*360 - 180}
		radius := math.Pow(10, rng.Float64()*6.5) // 1 m to 3,000 km
		box := BoundingBox(center, radius)
		for j := 0; j < 64; j++ {
			p := destination(center, rng.Float64()*2*math.Pi, radius*math.Sqrt(rng.Float64()))
			// Allow for rounding at the edges: a micrometre.
			slack := Box{box.MinLat - 1e-11, box.MaxLat + 1e-11, box.MinLon - 1e-11, box.MaxLon + 1e-11}
			if !slack.Contains(p) {
				t.Fatalf("BoundingBox(%v, %.1f) = %+v misses %v at %.1f m", center, radius, box, p, Distance(center, p))
			}
		}
		if box.MinLon == -180 && box.MaxLon == 180 {
			continue
		}
		north := destination(center, 0, radius)
		if math.Abs(north.Lat-box.MaxLat) > 1e-9 {
			t.Fatalf("BoundingBox(%v, %.1f) north edge %v, the circle reaches %v", center, radius, box.MaxLat, north.Lat)
		}
		widest := 0.0
		for b := 0.0; b < math.Pi; b += math.Pi / 1440 {
			widest = math.Max(widest, math.Abs(destination(center, b, radius).Lon-center.Lon))
		}
		if got := box.MaxLon - center.Lon; got < widest-1e-9 || got > widest*1.001+1e-9 {
			t.Fatalf("BoundingBox(%v, %.1f) reaches %.9f° east, the circle %.9f°", center, radius, got, widest)
		}
	}
}

func TestFromFinessSource(t *testing.T) {
	t.Parallel()
	for _, cp := range controlPoints {
		got, err := FromFinessSource(cp.source, cp.x, cp.y)
		if err != nil || math.Abs(got.Lat-cp.lat) > 1e-5 || math.Abs(got.Lon-cp.lon) > 1e-5 {
			t.Errorf("%s: FromFinessSource(%q, %.1f, %.1f) = %v, %v, want %.5f, %.5f",
				cp.what, cp.source, cp.x, cp.y, got, err, cp.lat, cp.lon)
		}
	}
	// The other spellings of each system.
	fleyriat := controlPoints[0]
	for _, source := range []string{
		"1,ATLASANTE,96,BAN,L93_METROPOLE",
		"1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)",
		"LAMBERT_93",
		"1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,lambert_93 ",
		"RGF93 / Lambert-93",
	} {
		got, err := FromFinessSource(source, fleyriat.x, fleyriat.y)
		if err != nil || math.Abs(got.Lat-fleyriat.lat) > 1e-5 {
			t.Errorf("FromFinessSource(%q) = %v, %v, want Lambert-93", source, got, err)
		}
	}
	utm := []struct {
		source string
		index  int
	}{
		{"2,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N20", 1},
		{"EPSG:32620", 1},
		{"2,ATLASANTE,96,BAN,EPSG:2972 RGFG95/UTM zone 22N (Guyane)", 2},
		{"2,ATLASANTE,96,BAN,EPSG:2975 RGR92/UTM zone 40S (La Réunion)", 3},
		{"2,ATLASANTE,96,BAN,RGR92/UTM zone 40S", 3},
		{"2,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_S38", 4},
		{"2,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N21", 5},
		{"EPSG:4467", 5},
	}
	for _, tt := range utm {
		cp := controlPoints[tt.index]
		got, err := FromFinessSource(tt.source, cp.x, cp.y)
		if err != nil || math.Abs(got.Lat-cp.lat) > 1e-5 || math.Abs(got.Lon-cp.lon) > 1e-5 {
			t.Errorf("FromFinessSource(%q, %.1f, %.1f) = %v, %v, want %.5f, %.5f", tt.source, cp.x, cp.y, got, err, cp.lat, cp.lon)
		}
	}
}

func TestFromFinessSourceErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		source  string
		x, y    float64
		unknown bool // *UnknownSystemError; else *CoordinateError
		message string
	}{
		{"", 870262.2, 6571540.8, true, "no coordinate system: the source field is empty"},
		{"1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N99", 1, 2, true,
			`unknown coordinate system in source "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N99"`},
		{"EPSG:27572", 600000, 2400000, true, `unknown coordinate system in source "EPSG:27572"`},
		{"EPSG:", 600000, 2400000, true, `unknown coordinate system in source "EPSG:"`},
		{"WGS84/UTM zone 31N", 500000, 5000000, true, `unknown coordinate system in source "WGS84/UTM zone 31N"`},
		{"LAMBERT_93", 6571540.8, 870262.2, false, "Lambert-93 (6571540.8, 870262.2) is not in metropolitan France"},
		{"LAMBERT_93", 0, 0, false, "Lambert-93 (0, 0) is not in metropolitan France"},
		{"LAMBERT_93", math.NaN(), 6571540.8, false, "Lambert-93 (NaN, 6571540.8) is not in metropolitan France"},
		{"UTM_S40", 870262.2, 6571540.8, false, "UTM 40S (870262.2, 6571540.8) is not in La Réunion"},
		{"UTM_N20", 323086.6, 7679599.8, false, "UTM 20N (323086.6, 7679599.8) is not in the Antilles"},
		{"UTM_S38", math.Inf(1), 8587194.7, false, "UTM 38S (+Inf, 8587194.7) is not in Mayotte"},
	}
	for _, tt := range tests {
		p, err := FromFinessSource(tt.source, tt.x, tt.y)
		var unknown *UnknownSystemError
		var coord *CoordinateError
		switch {
		case err == nil:
			t.Errorf("FromFinessSource(%q, %v, %v) = %v, want an error", tt.source, tt.x, tt.y, p)
		case tt.unknown && !errors.As(err, &unknown), !tt.unknown && !errors.As(err, &coord):
			t.Errorf("FromFinessSource(%q, %v, %v) error %T, want the other type", tt.source, tt.x, tt.y, err)
		case err.Error() != tt.message:
			t.Errorf("FromFinessSource(%q, %v, %v) error %q, want %q", tt.source, tt.x, tt.y, err, tt.message)
		}
	}
}

func FuzzFromFinessSource(f *testing.F) {
	for _, cp := range controlPoints {
		f.Add(cp.source, cp.x, cp.y)
	}
	f.Add("", 0.0, 0.0)
	f.Add("EPSG:99999999999999999999", 1.0, 1.0)
	f.Add("utm zone 40s", math.NaN(), math.Inf(1))
	f.Fuzz(func(t *testing.T, source string, x, y float64) {
		p, err := FromFinessSource(source, x, y)
		if err != nil {
			var unknown *UnknownSystemError
			var coord *CoordinateError
			if !errors.As(err, &unknown) && !errors.As(err, &coord) {
				t.Fatalf("FromFinessSource(%q, %v, %v) error %T %v", source, x, y, err, err)
			}
			return
		}
		if !(p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180) {
			t.Fatalf("FromFinessSource(%q, %v, %v) = %v, not a place on Earth", source, x, y, p)
		}
	})
}
