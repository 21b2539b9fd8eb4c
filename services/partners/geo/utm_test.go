package geo

import (
	"math"
	"testing"
)

func TestFromUTMControlPoints(t *testing.T) {
	t.Parallel()
	for _, cp := range controlPoints {
		if cp.zone == 0 {
			continue
		}
		got := FromUTM(cp.zone, cp.south, cp.x, cp.y)
		if math.Abs(got.Lat-cp.lat) > 1e-5 || math.Abs(got.Lon-cp.lon) > 1e-5 {
			t.Errorf("%s: FromUTM(%d, %v, %.1f, %.1f) = %.6f, %.6f, want %.5f, %.5f",
				cp.what, cp.zone, cp.south, cp.x, cp.y, got.Lat, got.Lon, cp.lat, cp.lon)
		}
	}
}

// GeographicLib's GeoConvert manual gives "33.3 44.4" and "38n 444140.54
// 3684706.36" as the same point (on WGS84, whose ellipsoid differs from GRS80
// by 0.1 mm in the flattening's effect here).
func TestUTMGeographicLibExample(t *testing.T) {
	t.Parallel()
	x, y := ToUTM(38, false, Point{Lat: 33.3, Lon: 44.4})
	if math.Abs(x-444140.54) > 0.01 || math.Abs(y-3684706.36) > 0.01 {
		t.Errorf("ToUTM(38N, 33.3, 44.4) = (%.3f, %.3f), want (444140.54, 3684706.36)", x, y)
	}
	p := FromUTM(38, false, 444140.54, 3684706.36)
	if math.Abs(p.Lat-33.3) > 1e-7 || math.Abs(p.Lon-44.4) > 1e-7 {
		t.Errorf("FromUTM(38N, 444140.54, 3684706.36) = %.8f, %.8f, want 33.3, 44.4", p.Lat, p.Lon)
	}
}

// Forward then inverse over each overseas territory every 0.02° (about 2 km),
// and over a whole zone from 80° S to 84° N every 0.5°, 3.5° each side of the
// central meridian: within a millimetre.
func TestUTMRoundTrip(t *testing.T) {
	t.Parallel()
	type grid struct {
		name  string
		zone  int
		south bool
		area  Box
		step  float64
	}
	grids := []grid{
		{"Antilles", 20, false, systemUTM20N.area, 0.02},
		{"Saint-Pierre-et-Miquelon", 21, false, systemUTM21N.area, 0.02},
		{"Guyane", 22, false, systemUTM22N.area, 0.02},
		{"Mayotte", 38, true, systemUTM38S.area, 0.02},
		{"La Réunion", 40, true, systemUTM40S.area, 0.02},
		{"zone 31N", 31, false, Box{MinLat: 0, MaxLat: 84, MinLon: -0.5, MaxLon: 6.5}, 0.5},
		{"zone 31S", 31, true, Box{MinLat: -80, MaxLat: 0, MinLon: -0.5, MaxLon: 6.5}, 0.5},
	}
	for _, g := range grids {
		worst, worstInverse := 0.0, 0.0
		for lat := g.area.MinLat; lat <= g.area.MaxLat; lat += g.step {
			for lon := g.area.MinLon; lon <= g.area.MaxLon; lon += g.step {
				x, y := ToUTM(g.zone, g.south, Point{lat, lon})
				p := FromUTM(g.zone, g.south, x, y)
				if d := Distance(p, Point{lat, lon}); d > worst {
					worst = d
				}
				x2, y2 := ToUTM(g.zone, g.south, p)
				if d := math.Hypot(x2-x, y2-y); d > worstInverse {
					worstInverse = d
				}
			}
		}
		t.Logf("%s: worst round trip %.2g m (geographic first), %.2g m (projected first)", g.name, worst, worstInverse)
		if worst > 1e-3 || worstInverse > 1e-3 {
			t.Errorf("%s: round trip worst error %.3g m, %.3g m, want under 1 mm", g.name, worst, worstInverse)
		}
	}
}

func TestUTMZoneOutOfRange(t *testing.T) {
	t.Parallel()
	for _, zone := range []int{0, 61, -3} {
		if p := FromUTM(zone, false, 500000, 0); !math.IsNaN(p.Lat) || !math.IsNaN(p.Lon) {
			t.Errorf("FromUTM(zone %d) = %v, want NaNs", zone, p)
		}
		if x, y := ToUTM(zone, false, Point{}); !math.IsNaN(x) || !math.IsNaN(y) {
			t.Errorf("ToUTM(zone %d) = %v, %v, want NaNs", zone, x, y)
		}
	}
}

func FuzzUTM(f *testing.F) {
	f.Add(40, true, 323086.6, 7679599.8)
	f.Add(20, false, 657242.9, 1795384.4)
	f.Add(0, false, 0.0, 0.0)
	f.Add(22, false, math.Inf(-1), math.NaN())
	f.Add(31, false, 500000.0, 1e300)
	f.Fuzz(func(t *testing.T, zone int, south bool, x, y float64) {
		p := FromUTM(zone, south, x, y) // never panics, whatever it returns
		// Within 300 km of the central meridian and 84° of the equator: a
		// round trip to the millimetre.
		if zone < 1 || zone > 60 || !(math.Abs(x-500000) < 300000) {
			return
		}
		n := y
		if south {
			n -= 10000000
		}
		if !(math.Abs(n) < 9300000) {
			return
		}
		x2, y2 := ToUTM(zone, south, p)
		if d := math.Hypot(x2-x, y2-y); !(d < 1e-3) {
			t.Fatalf("UTM %d %v (%v, %v) → %v → (%v, %v): %g m off", zone, south, x, y, p, x2, y2, d)
		}
	})
}
