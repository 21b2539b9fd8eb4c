package geo

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// (57.64911, 10.40744) is "u4pruydqqvj", the example of geohash.org and
// of Niemeyer's description; the Paris code follows from the same
// algorithm, and each cell must hold its point.
func TestGeohashKnownValues(t *testing.T) {
	for _, tc := range []struct {
		p    Point
		want string
	}{
		{Point{57.64911, 10.40744}, "u4pruydqqvj"},
		{Point{48.8566, 2.3522}, "u09tvw0f6"}, // Paris
	} {
		if got := Geohash(tc.p, len(tc.want)); got != tc.want {
			t.Errorf("Geohash(%v, %d) = %q, want %q", tc.p, len(tc.want), got, tc.want)
		}
		if box := GeohashBox(tc.want); !box.Contains(tc.p) {
			t.Errorf("GeohashBox(%q) = %+v does not hold %v", tc.want, box, tc.p)
		}
	}
}

// Every point within the radius of a center falls in a cell of the cover,
// whatever the precision chosen.
func TestGeohashCoverHoldsTheCircle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		center := Point{Lat: 42 + r.Float64()*9, Lon: -4 + r.Float64()*12}
		radius := 1000 + r.Float64()*300_000
		cells := GeohashCover(BoundingBox(center, radius), 5, 24)
		if len(cells) == 0 || len(cells) > 32 {
			t.Fatalf("cover of %v within %.0f m: %d cells", center, radius, len(cells))
		}
		for range 50 {
			// A point at a random bearing and distance inside the circle.
			p := Point{Lat: center.Lat + (r.Float64()*2-1)*radius/111_000, Lon: center.Lon + (r.Float64()*2-1)*radius/75_000}
			if Distance(center, p) > radius {
				continue
			}
			g := Geohash(p, 5)
			found := false
			for _, c := range cells {
				if strings.HasPrefix(g, c) {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("%v (%s), %.0f m from %v, is in no cell of the cover %v", p, g, Distance(center, p), center, cells)
			}
		}
	}
}
