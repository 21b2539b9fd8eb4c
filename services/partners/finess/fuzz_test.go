package finess

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// Whatever the bytes: no panic, no error from an in-memory reader, every
// string valid UTF-8, every rejection on a line of the input, every
// établissement with a FINESS number and its location on Earth, and no line
// lost between the Reader and ReadAll.
func FuzzReadAll(f *testing.F) {
	sample, err := os.ReadFile(samplePath)
	if err != nil {
		f.Fatal(err)
	}
	// A few lines of each kind from the sample, good and bad: mutations of
	// the whole sample (40 kB) would be slow to minimise.
	lines := strings.SplitAfter(string(sample), "\n")
	var seed []byte
	for _, i := range []int{0, 1, 2, 7, 13, 36, 46, 47, 48, 49, 50, 51, 56, 62, 85, 95, 96, 97, 98} {
		seed = append(seed, lines[i]...)
	}
	f.Add(seed)
	for _, l := range lines[:3] {
		f.Add([]byte(l))
	}
	f.Add([]byte(lines[0] + lines[56] + lines[7] + lines[55]))
	f.Add([]byte(toLatin1(structureLine(nil)) + "\r\n" + "geolocalisation;350041315;1;2;UTM_S40;x"))
	f.Add([]byte(`structureet;"a""b;"";c` + "\n\xef\xbb\xbf;\"\n"))
	f.Add([]byte("geolocalisation;2A0000123;354636,0;6791447,6;EPSG:2154;"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadAll(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("ReadAll: %v", err)
		}
		nLines := bytes.Count(data, []byte{'\n'}) + 1
		for _, r := range s.Rejected {
			if r.Line < 1 || r.Line > nLines || r.Reason == "" || !utf8.ValidString(r.Reason) {
				t.Fatalf("rejection %+v: line out of 1..%d, or no valid reason", r, nLines)
			}
		}
		for _, e := range s.Establishments {
			if e.Line < 1 || e.Line > nLines || e.FINESS.IsZero() || e.LegalEntity.IsZero() {
				t.Fatalf("établissement %+v", e)
			}
			for _, v := range []string{e.Name, e.ShortName, e.NameComplement, e.Category.Label,
				e.CategoryGroup.Label, e.Tariff.Label, e.Address.Street, e.Address.PostalLine,
				e.Address.DepartementName, e.Address.INSEE, e.UAI} {
				if !utf8.ValidString(v) {
					t.Fatalf("line %d: %q is not UTF-8", e.Line, v)
				}
			}
			if l := e.Location; l != nil {
				if !l.Located || l.FINESS != e.FINESS ||
					!(l.Point.Lat >= -90 && l.Point.Lat <= 90 && l.Point.Lon >= -180 && l.Point.Lon <= 180) {
					t.Fatalf("line %d: location %+v", e.Line, l)
				}
			}
		}
		// Each line the Reader returns is in the Stock once: as an
		// établissement, the header, a rejection, or a joined
		// geolocalisation.
		r := NewReader(bytes.NewReader(data))
		records, rejected := 0, 0
		for {
			_, err := r.Next()
			if err == nil {
				records++
				continue
			}
			if _, ok := err.(*Rejected); ok {
				rejected++
				continue
			}
			break
		}
		header := 0
		if s.Header != nil {
			header = 1
		}
		if records+rejected != len(s.Establishments)+len(s.Rejected)+header+countGeolocations(data, s) {
			t.Fatalf("Reader: %d records, %d rejected; ReadAll: %d établissements, %d rejected",
				records, rejected, len(s.Establishments), len(s.Rejected))
		}
	})
}

// countGeolocations counts the geolocalisation records ReadAll joined: one
// per établissement that has a geolocalisation line, located or not.
func countGeolocations(data []byte, s *Stock) int {
	r := NewReader(bytes.NewReader(data))
	known := map[string]bool{}
	for _, e := range s.Establishments {
		known[e.FINESS.String()] = true
	}
	seen := map[string]bool{}
	n := 0
	for {
		rec, err := r.Next()
		if err != nil {
			if _, ok := err.(*Rejected); ok {
				continue
			}
			return n
		}
		if g, ok := rec.(*Geolocation); ok && known[g.FINESS.String()] && !seen[g.FINESS.String()] {
			seen[g.FINESS.String()] = true
			n++
		}
	}
}
