package finess

import (
	"bytes"
	"github.com/maillage/maillage/internal/serafin"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/maillage/maillage/services/partners/geo"
)

const samplePath = "testdata/etalab-cs1100507-stock-sample.csv"

func readSample(t *testing.T) (*Stock, []byte) {
	t.Helper()
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ReadAll(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ReadAll(%s): %v", samplePath, err)
	}
	return s, data
}

// The sample's communes and where their town centres are (see
// testdata/README.md): every établissement of the sample is within 3.5 km of
// its commune's centre.
var sampleCommunes = map[string]geo.Point{
	"35238": {Lat: 48.1113, Lon: -1.6800}, "35047": {Lat: 48.0247, Lon: -1.7458}, "35051": {Lat: 48.1211, Lon: -1.6030},
	"35288": {Lat: 48.6390, Lon: -2.0020}, "35115": {Lat: 48.3524, Lon: -1.1990}, "35360": {Lat: 48.1236, Lon: -1.2093},
	"35236": {Lat: 47.6514, Lon: -2.0843},
	"33063": {Lat: 44.8378, Lon: -0.5792}, "33281": {Lat: 44.8386, Lon: -0.6436}, "33318": {Lat: 44.8067, Lon: -0.6311},
	"33522": {Lat: 44.8080, Lon: -0.5885}, "33243": {Lat: 44.9152, Lon: -0.2434}, "33009": {Lat: 44.6540, Lon: -1.1700},
	"33227": {Lat: 44.5531, Lon: -0.2494},
	"97411": {Lat: -20.8950, Lon: 55.4600}, "97416": {Lat: -21.3300, Lon: 55.4800}, "97415": {Lat: -21.0100, Lon: 55.2880},
	"97422": {Lat: -21.2779, Lon: 55.5177}, "97410": {Lat: -21.0400, Lon: 55.7020}, "97409": {Lat: -20.9633, Lon: 55.6503},
}

func TestSample(t *testing.T) {
	t.Parallel()
	s, _ := readSample(t)
	if s.Header == nil || s.Header.Line != 1 || s.Header.Number != 98 || !s.Header.Date.Equal(day("2024-12-18")) {
		t.Errorf("Header = %+v, want line 1, 98, 2024-12-18", s.Header)
	}
	if s.Encoding != Latin1 {
		t.Errorf("Encoding = %v, want ISO-8859-1", s.Encoding)
	}
	if len(s.Establishments) != 45 {
		t.Errorf("%d établissements, want 45", len(s.Establishments))
	}
	wantRejected := []struct {
		line   int
		reason string
	}{
		{47, "nofinesset: FINESS 350099901: key digit 1, want 9"},
		{48, "structureet: 30 fields, want 32"},
		{49, "siret: SIRET 77563291200117: key digit 7, want 6"},
		{50, "FINESS 350043758 is already the établissement of line 7"},
		{96, "geolocalisation of 350099933: no structureet line for it"},
		{97, `geolocalisation of 350041315: unknown coordinate system in source "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_II_ETENDU"`},
		{98, "geolocalisation of 350041927: Lambert-93 (6782000, 347000) is not in metropolitan France"},
		{99, "geolocalisation of 350042438: a second one (the first is line 54)"},
	}
	if len(s.Rejected) != len(wantRejected) {
		t.Errorf("%d rejected lines, want %d: %v", len(s.Rejected), len(wantRejected), s.Rejected)
	}
	for i := range min(len(s.Rejected), len(wantRejected)) {
		got, want := s.Rejected[i], wantRejected[i]
		if got.Line != want.line || got.Reason != want.reason {
			t.Errorf("rejected[%d] = line %d %q, want line %d %q", i, got.Line, got.Reason, want.line, want.reason)
		}
	}

	for _, e := range s.Establishments {
		centre, ok := sampleCommunes[e.Address.INSEE]
		if !ok {
			t.Errorf("line %d: INSEE %q (département %q, commune %q) is not a commune of the sample",
				e.Line, e.Address.INSEE, e.Address.Departement, e.Address.Commune)
			continue
		}
		if e.FINESS.String() == "330063934" { // its geolocalisation line has no coordinates
			if e.Location != nil {
				t.Errorf("line %d: located at %v, want no location", e.Line, e.Location)
			}
			continue
		}
		if e.Location == nil {
			t.Errorf("line %d: %s has no location", e.Line, e.FINESS)
			continue
		}
		if d := geo.Distance(e.Location.Point, centre); d > 3500 {
			t.Errorf("line %d: %s is %.0f m from the centre of %s", e.Line, e.Name, d, e.Address.INSEE)
		}
	}
}

func TestSampleEstablishment(t *testing.T) {
	t.Parallel()
	s, _ := readSample(t)
	var got *Establishment
	for i := range s.Establishments {
		if s.Establishments[i].FINESS.String() == "350044269" {
			got = &s.Establishments[i]
		}
	}
	if got == nil {
		t.Fatal("no établissement 350044269")
	}
	if got.Name != `FOYER DE VIE "LES MOUETTES"` ||
		got.Category != (Code{"449", "Etab.Accueil Non Médicalisé pour personnes handicapées"}) ||
		got.CategoryGroup != (Code{"4301", "Etab. et Services d'Hébergement pour Adultes Handicapés"}) ||
		got.Tariff != (Code{"08", "Président du Conseil Départemental"}) ||
		got.LegalEntity.String() != "350000410" || got.SIRET.String() != "77563291200538" ||
		got.Address.INSEE != "35288" ||
		!reflect.DeepEqual(got.Address.Lines(), []string{"41 AV DE MOKA", "35400 SAINT MALO"}) {
		t.Errorf("établissement 350044269 = %+v", got)
	}
	if got.Location == nil || got.Location.Line != 57 || got.Location.Source != "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93" {
		t.Errorf("location = %+v, want line 57 in Lambert-93", got.Location)
	}

	// La Réunion, in UTM 40S.
	for _, e := range s.Establishments {
		if e.FINESS.String() != "970422879" {
			continue
		}
		if e.Address.INSEE != "97415" || e.Address.Departement != "9D" || e.Location == nil ||
			!strings.HasSuffix(e.Location.Source, "UTM_S40") ||
			geo.Distance(e.Location.Point, sampleCommunes["97415"]) > 2000 {
			t.Errorf("établissement 970422879 = %+v, location %+v", e, e.Location)
		}
	}
}

// The same sample in UTF-8 reads the same.
func TestSampleUTF8(t *testing.T) {
	t.Parallel()
	latin1, data := readSample(t)
	var b strings.Builder
	for _, c := range data {
		b.WriteRune(rune(c)) // ISO-8859-1: byte c is code point c
	}
	utf8, err := ReadAll(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Encoding != UTF8 {
		t.Errorf("Encoding = %v, want UTF-8", utf8.Encoding)
	}
	utf8.Encoding = latin1.Encoding
	if !reflect.DeepEqual(utf8, latin1) {
		t.Errorf("the sample reads differently in UTF-8")
	}
}

// Every profile names prestations of the nomenclature Maillage ships.
func TestProfilesNameKnownPrestations(t *testing.T) {
	for category, p := range profiles {
		if p.Kind == 0 || p.Mission == 0 || len(p.Prestations) == 0 {
			t.Errorf("category %s: profile %+v lacks a kind, a mission or a prestation", category, p)
		}
		for _, c := range p.Prestations {
			if _, err := serafin.Default().Prestation(c); err != nil {
				t.Errorf("category %s: %v", category, err)
			}
		}
	}
}

func TestSyntheticExtractReadsClean(t *testing.T) {
	s, err := ReadAll(bytes.NewReader(SyntheticExtract(2001, 1)))
	if err != nil || len(s.Rejected) != 0 || len(s.Establishments) != 1000 || s.Encoding != Latin1 {
		first := Rejected{}
		if len(s.Rejected) > 0 {
			first = s.Rejected[0]
		}
		t.Fatalf("ReadAll: %v, %d rejected (the first: %v), %d établissements, %v", err, len(s.Rejected), first, len(s.Establishments), s.Encoding)
	}
	for _, e := range s.Establishments {
		if e.Location == nil || e.Address.INSEE == "" {
			t.Fatalf("line %d: located %v, commune %q", e.Line, e.Location, e.Address.INSEE)
		}
		if _, ok := ProfileOf(e.Category.Code); !ok {
			t.Fatalf("line %d: category %s has no profile", e.Line, e.Category.Code)
		}
	}
}
