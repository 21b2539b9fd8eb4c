package geo

import (
	"math"
	"testing"
)

// The test sets ("jeux d'essai") of IGN's note NT/G 71, "Projection
// cartographique conique conforme de Lambert" (IGN, Service de géodésie et
// nivellement), one per algorithm, with the precision IGN prints them to.
// Lambert I (NTF, Clarke 1880 IGN) is the projection of ALG0003 and ALG0004.
var ntfLambertI = lambert{e: 0.0824832568, n: 0.760405966, c: 11603796.9767, λc: 0.04079234433,
	xs: 600000, ys: 5657616.674}

func TestIsometricLatitudeALG0001(t *testing.T) {
	t.Parallel()
	const e = 0.08199188998
	tests := []struct{ φ, want float64 }{
		{0.872664626, 1.00552653649},
		{-0.3, -0.30261690063},
		{0.19998903370, 0.200000000009},
	}
	for _, tt := range tests {
		if got := isometricLatitude(tt.φ, e); math.Abs(got-tt.want) > 1e-11 {
			t.Errorf("isometricLatitude(%.11f) = %.12f, want %.12f", tt.φ, got, tt.want)
		}
		// ALG0002 is the same set read the other way.
		if got := latitudeFromIsometric(tt.want, e); math.Abs(got-tt.φ) > 1e-11 {
			t.Errorf("latitudeFromIsometric(%.12f) = %.12f, want %.11f", tt.want, got, tt.φ)
		}
	}
}

func TestLambertForwardALG0003(t *testing.T) {
	t.Parallel()
	x, y := ntfLambertI.forward(0.145512099, 0.872664626)
	if math.Abs(x-1029705.0818) > 1e-4 || math.Abs(y-272723.8510) > 1e-4 {
		t.Errorf("forward(0.145512099, 0.872664626) = (%.4f, %.4f), want (1029705.0818, 272723.8510)", x, y)
	}
}

func TestLambertInverseALG0004(t *testing.T) {
	t.Parallel()
	λ, φ := ntfLambertI.inverse(1029705.083, 272723.849)
	if math.Abs(λ-0.14551209925) > 1e-11 || math.Abs(φ-0.87266462567) > 1e-11 {
		t.Errorf("inverse(1029705.083, 272723.849) = (%.11f, %.11f), want (0.14551209925, 0.87266462567)", λ, φ)
	}
}

func TestSecantLambertALG0054(t *testing.T) {
	t.Parallel()
	hayford := ellipsoid{a: 6378388, e: 0.08199189}
	tests := []struct {
		name           string
		λ0, φ0, φ1, φ2 float64
		x0, y0         float64
		n, c, xs, ys   float64
	}{
		// IGN prints φ0 = 1.570796327, π/2 rounded: the origin is the pole.
		{"north", 0.07623554539, math.Pi / 2, 0.869755744, 0.893026801, 150000, 5400000,
			0.7716421867, 11565915.8294, 150000, 5400000},
		{"south", 0, 0, -0.575958653, -0.785398163, 0, 0,
			-0.63049633, -12453174.1795, 0, -12453174.1795},
	}
	for _, tt := range tests {
		got := secantLambert(hayford, tt.λ0, tt.φ0, tt.φ1, tt.φ2, tt.x0, tt.y0)
		if math.Abs(got.n-tt.n) > 1e-8 || math.Abs(got.c-tt.c) > 1e-4 ||
			math.Abs(got.xs-tt.xs) > 1e-4 || math.Abs(got.ys-tt.ys) > 1e-4 {
			t.Errorf("%s: n, c, xs, ys = %.10f, %.4f, %.4f, %.4f, want %.10f, %.4f, %.4f, %.4f",
				tt.name, got.n, got.c, got.xs, got.ys, tt.n, tt.c, tt.xs, tt.ys)
		}
	}
}

// IGN's note NT/G 87 ("Lambert-93, projection associée au système géodésique
// RGF93") gives the constants of Lambert-93: n = 0.7256077650,
// c = 11 754 255.426 m, Xs = 700 000 m, Ys = 12 655 612.050 m.
func TestLambert93Constants(t *testing.T) {
	t.Parallel()
	p := lambert93
	if math.Abs(p.n-0.7256077650) > 1e-10 || math.Abs(p.c-11754255.426) > 1e-3 ||
		p.xs != 700000 || math.Abs(p.ys-12655612.050) > 1e-3 {
		t.Errorf("Lambert-93 n, c, xs, ys = %.10f, %.3f, %.3f, %.3f, want 0.7256077650, 11754255.426, 700000, 12655612.050",
			p.n, p.c, p.xs, p.ys)
	}
}

// Control points, one per system of the FINESS extract: the pairs published
// in the tests of a public FINESS consumer (a script that reprojects the
// extract, its expected values "checked against pyproj, 5 decimals", with the
// source field spellings of the 2026 extract), confirmed here with PROJ 9.1.1
// (cs2cs EPSG:<code> EPSG:4326), which gives the same values to 1e-9°.
var controlPoints = []struct {
	what   string
	source string // a FINESS source field naming the system
	zone   int    // 0: Lambert-93
	south  bool
	x, y   float64
	lat    float64
	lon    float64
}{
	{"CH de Fleyriat, Viriat (Ain)", "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93",
		0, false, 870262.2, 6571540.8, 46.22229, 5.20918},
	{"Polyclinique de la Guadeloupe, Les Abymes", "2,ATLASANTE,96,BAN,EPSG:5490 RGAF09/UTM Zone 20N (Antilles)",
		20, false, 657242.9, 1795384.4, 16.23400, -61.52874},
	{"Cayenne (Guyane)", "2,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N22",
		22, false, 353672.8, 544349.1, 4.92347, -52.31973},
	{"Le Port / Saint-Paul (La Réunion)", "2,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_S40",
		40, true, 323086.6, 7679599.8, -20.97571, 55.29821},
	{"Mamoudzou (Mayotte)", "2,ATLASANTE,100,BDADRESSE,EPSG:4471 RGM04/UTM zone 38S (Mayotte)",
		38, true, 524819.9, 8587194.7, -12.77989, 45.22868},
	{"Saint-Pierre (Saint-Pierre-et-Miquelon)", "2,ATLASANTE,90,BAN,WGS84/UTM zone 21N (St-Pierre-et-Miquelon)",
		21, false, 563213.8, 5180306.8, 46.77332, -56.17201},
}

func TestFromLambert93ControlPoints(t *testing.T) {
	t.Parallel()
	for _, cp := range controlPoints {
		if cp.zone != 0 {
			continue
		}
		got := FromLambert93(cp.x, cp.y)
		if math.Abs(got.Lat-cp.lat) > 1e-5 || math.Abs(got.Lon-cp.lon) > 1e-5 {
			t.Errorf("%s: FromLambert93(%.1f, %.1f) = %.6f, %.6f, want %.5f, %.5f",
				cp.what, cp.x, cp.y, got.Lat, got.Lon, cp.lat, cp.lon)
		}
	}
}

// Forward then inverse, and inverse then forward, over metropolitan France and
// Corsica every 10 km: within a millimetre.
func TestLambert93RoundTrip(t *testing.T) {
	t.Parallel()
	worst := 0.0
	for x := 50000.0; x <= 1250000; x += 10000 {
		for y := 6000000.0; y <= 7150000; y += 10000 {
			p := FromLambert93(x, y)
			x2, y2 := ToLambert93(p)
			if d := math.Hypot(x2-x, y2-y); d > worst {
				worst = d
			}
		}
	}
	for lat := 41.0; lat <= 51.5; lat += 0.1 {
		for lon := -5.5; lon <= 10; lon += 0.1 {
			x, y := ToLambert93(Point{lat, lon})
			p := FromLambert93(x, y)
			if d := Distance(p, Point{lat, lon}); d > worst {
				worst = d
			}
		}
	}
	t.Logf("Lambert-93: worst round trip %.2g m", worst)
	if worst > 1e-3 {
		t.Errorf("Lambert-93 round trip: worst error %.3g m, want under 1 mm", worst)
	}
}

func FuzzLambert93(f *testing.F) {
	f.Add(870262.2, 6571540.8)
	f.Add(700000.0, 12655612.049876) // the pole of the cone
	f.Add(0.0, 0.0)
	f.Add(math.Inf(1), math.NaN())
	f.Fuzz(func(t *testing.T, x, y float64) {
		p := FromLambert93(x, y) // never panics, whatever it returns
		// Within a wide square around France, a round trip to the millimetre.
		if !(x > -200000 && x < 1600000 && y > 5800000 && y < 7400000) {
			return
		}
		x2, y2 := ToLambert93(p)
		if d := math.Hypot(x2-x, y2-y); !(d < 1e-3) {
			t.Fatalf("(%v, %v) → %v → (%v, %v): %g m off", x, y, p, x2, y2, d)
		}
	})
}
