package finess

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/maillage/maillage/services/partners/geo"
	"github.com/maillage/maillage/services/partners/identifier"
)

// syntheticExtract returns an extract of n lines in Latin-1, the size of a
// real one (about 100,000 lines): a header, then établissements, then their
// geolocalisation lines, one for each.
func syntheticExtract(n int) []byte {
	var b bytes.Buffer
	b.WriteString("finess;etalab;98;2024-12-18\n")
	count := (n - 1) / 2
	ids := make([]string, count)
	for i := range ids {
		prefix := fmt.Sprintf("35%06d", i)
		ids[i] = prefix + string(identifier.LuhnKey(prefix))
		b.WriteString(toLatin1(structureLine(map[int]string{1: ids[i]})))
		b.WriteByte('\n')
	}
	for i, id := range ids {
		x, y := geo.ToLambert93(geo.Point{Lat: 48 + float64(i%1000)/1000, Lon: -1.5 + float64(i%997)/1000})
		fmt.Fprintf(&b, "geolocalisation;%s;%.1f;%.1f;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2024-12-04\n", id, x, y)
	}
	return b.Bytes()
}

func BenchmarkReadAll(b *testing.B) {
	data := syntheticExtract(100_000)
	lines := bytes.Count(data, []byte{'\n'})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := ReadAll(bytes.NewReader(data))
		if err != nil || len(s.Rejected) != 0 || len(s.Establishments) != lines/2 {
			b.Fatalf("ReadAll: %v, %d rejected, %d établissements", err, len(s.Rejected), len(s.Establishments))
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func TestSyntheticExtract(t *testing.T) {
	t.Parallel()
	data := syntheticExtract(1001)
	s, err := ReadAll(bytes.NewReader(data))
	if err != nil || len(s.Rejected) != 0 || len(s.Establishments) != 500 {
		t.Fatalf("ReadAll: %v, rejected %v, %d établissements", err, s.Rejected, len(s.Establishments))
	}
	if s.Encoding != Latin1 || !strings.HasPrefix(s.Establishments[0].Category.Label, "Service d'Éducation") {
		t.Errorf("encoding %v, label %q", s.Encoding, s.Establishments[0].Category.Label)
	}
	for _, e := range s.Establishments {
		if e.Location == nil {
			t.Fatalf("line %d: not located", e.Line)
		}
	}
}
