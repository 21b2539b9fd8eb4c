package geo

import "strings"

// geohashAlphabet is Gustavo Niemeyer's geohash base32 (no a, i, l, o).
const geohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// Geohash returns p's geohash of precision characters (1 to 12): a cell
// whose code is a prefix of the codes of every cell inside it, so that a
// store sorted by key finds a region's points by one prefix scan.
func Geohash(p Point, precision int) string {
	precision = min(max(precision, 1), 12)
	latLo, latHi, lonLo, lonHi := -90.0, 90.0, -180.0, 180.0
	var b strings.Builder
	b.Grow(precision)
	bits, ch, even := 0, 0, true
	for b.Len() < precision {
		if even {
			mid := (lonLo + lonHi) / 2
			ch <<= 1
			if p.Lon >= mid {
				ch, lonLo = ch|1, mid
			} else {
				lonHi = mid
			}
		} else {
			mid := (latLo + latHi) / 2
			ch <<= 1
			if p.Lat >= mid {
				ch, latLo = ch|1, mid
			} else {
				latHi = mid
			}
		}
		even = !even
		if bits++; bits == 5 {
			b.WriteByte(geohashAlphabet[ch])
			bits, ch = 0, 0
		}
	}
	return b.String()
}

// GeohashBox returns the cell a geohash names.
func GeohashBox(hash string) Box {
	latLo, latHi, lonLo, lonHi := -90.0, 90.0, -180.0, 180.0
	even := true
	for i := 0; i < len(hash); i++ {
		v := strings.IndexByte(geohashAlphabet, hash[i])
		if v < 0 {
			break
		}
		for bit := 4; bit >= 0; bit-- {
			on := v>>bit&1 == 1
			if even {
				if mid := (lonLo + lonHi) / 2; on {
					lonLo = mid
				} else {
					lonHi = mid
				}
			} else {
				if mid := (latLo + latHi) / 2; on {
					latLo = mid
				} else {
					latHi = mid
				}
			}
			even = !even
		}
	}
	return Box{MinLat: latLo, MaxLat: latHi, MinLon: lonLo, MaxLon: lonHi}
}

// GeohashCover returns the geohash cells, of the finest precision up to
// maxPrecision that needs at most maxCells of them, that together cover
// box; each is a prefix to scan. A box too wide for maxCells cells at
// precision 1 gets every cell it touches at precision 1.
func GeohashCover(box Box, maxPrecision, maxCells int) []string {
	for p := max(maxPrecision, 1); p >= 1; p-- {
		cells := cover(box, p, maxCells)
		if cells != nil || p == 1 {
			if cells == nil {
				cells = cover(box, 1, 32)
			}
			return cells
		}
	}
	return nil
}

// cover lists the cells of precision p touching box, nil when more than
// limit.
func cover(box Box, p, limit int) []string {
	cell := GeohashBox(Geohash(Point{Lat: box.MinLat, Lon: box.MinLon}, p))
	h, w := cell.MaxLat-cell.MinLat, cell.MaxLon-cell.MinLon
	seen := map[string]bool{}
	var out []string
	for lat := box.MinLat; ; lat += h {
		lat = min(lat, box.MaxLat)
		for lon := box.MinLon; ; lon += w {
			lon = min(lon, box.MaxLon)
			g := Geohash(Point{Lat: lat, Lon: lon}, p)
			if !seen[g] {
				if len(out) == limit {
					return nil
				}
				seen[g] = true
				out = append(out, g)
			}
			if lon >= box.MaxLon {
				break
			}
		}
		if lat >= box.MaxLat {
			break
		}
	}
	return out
}
