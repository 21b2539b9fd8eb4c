package finess

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/maillage/maillage/services/partners/geo"
	"github.com/maillage/maillage/services/partners/identifier"
)

// baseFields is a structureet line of a made-up établissement: a SESSAD in
// Rennes. The tests change a field or two.
var baseFields = []string{
	"structureet", "350041315", "350000410", "SESSAD LES AJONCS",
	"SERVICE D'EDUCATION SPECIALE ET DE SOINS A DOMICILE LES AJONCS", "", "BATIMENT B",
	"14", "R", "DE LA MOTTE BROONS", "B", "", "238", "35", "ILLE ET VILAINE", "35700 RENNES",
	"0299000115", "0299000165", "182", "Service d'Éducation Spéciale et de Soins à Domicile",
	"4106", "Services à Domicile ou Ambulatoires pour Handicapés", "77563291200181", "8891B",
	"57", "DGS ARS & hébergement PCD - sous CPOM", "", "", "1991-01-07", "1990-11-20", "2023-03-14", "",
}

// structureLine returns baseFields with the fields at the given indexes
// replaced, joined by semicolons.
func structureLine(changes map[int]string) string {
	f := append([]string(nil), baseFields...)
	for i, v := range changes {
		f[i] = v
	}
	return strings.Join(f, ";")
}

func mustID(t *testing.T, parse func(string) (identifier.ID, error), s string) identifier.ID {
	t.Helper()
	id, err := parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// readAllRecords reads every record and rejection of input with a Reader.
func readAllRecords(t *testing.T, input string) ([]Record, []*Rejected, *Reader) {
	t.Helper()
	r := NewReader(strings.NewReader(input))
	var recs []Record
	var rejs []*Rejected
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, rejs, r
		}
		var rej *Rejected
		if errors.As(err, &rej) {
			rejs = append(rejs, rej)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		recs = append(recs, rec)
	}
}

func TestReaderRecords(t *testing.T) {
	t.Parallel()
	input := "finess;etalab;98;2024-12-18\n" +
		structureLine(nil) + "\n" +
		"geolocalisation;350041315;354636.0;6791447.6;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2024-11-27\n" +
		"geolocalisation;350041315;;;;2024-11-27\n"
	recs, rejs, r := readAllRecords(t, input)
	if len(rejs) != 0 {
		t.Fatalf("rejected: %v", rejs)
	}
	want := []Record{
		&Header{Line: 1, Number: 98, Date: day("2024-12-18")},
		&Establishment{
			Line:           2,
			FINESS:         mustID(t, identifier.ParseFINESS, "350041315"),
			LegalEntity:    mustID(t, identifier.ParseFINESS, "350000410"),
			Name:           "SERVICE D'EDUCATION SPECIALE ET DE SOINS A DOMICILE LES AJONCS",
			ShortName:      "SESSAD LES AJONCS",
			NameComplement: "",
			Address: Address{
				Distribution: "BATIMENT B", Number: "14", Repetition: "B", StreetType: "R",
				Street: "DE LA MOTTE BROONS", PostalLine: "35700 RENNES",
				Departement: "35", DepartementName: "ILLE ET VILAINE", Commune: "238", INSEE: "35238",
			},
			Phone:         "0299000115",
			Fax:           "0299000165",
			Category:      Code{"182", "Service d'Éducation Spéciale et de Soins à Domicile"},
			CategoryGroup: Code{"4106", "Services à Domicile ou Ambulatoires pour Handicapés"},
			SIRET:         mustID(t, identifier.ParseSIRET, "77563291200181"),
			APE:           "8891B",
			Tariff:        Code{"57", "DGS ARS & hébergement PCD - sous CPOM"},
			Opened:        day("1991-01-07"),
			Authorised:    day("1990-11-20"),
			Updated:       day("2023-03-14"),
		},
		&Geolocation{
			Line: 3, FINESS: mustID(t, identifier.ParseFINESS, "350041315"), Located: true,
			X: 354636.0, Y: 6791447.6, Source: "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93",
			Point: geo.FromLambert93(354636.0, 6791447.6), Updated: day("2024-11-27"),
		},
		&Geolocation{Line: 4, FINESS: mustID(t, identifier.ParseFINESS, "350041315"), Updated: day("2024-11-27")},
	}
	if !reflect.DeepEqual(recs, want) {
		for i := range max(len(recs), len(want)) {
			var got, w Record
			if i < len(recs) {
				got = recs[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("record %d:\n got %+v\nwant %+v", i, got, w)
			}
		}
	}
	if r.Encoding() != UTF8 {
		t.Errorf("Encoding() = %v, want UTF-8", r.Encoding())
	}
}

func TestReaderRejections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line   string
		reason string
		cause  any // a pointer to the type errors.As should find, or nil
	}{
		{structureLine(map[int]string{1: "350041316"}),
			"nofinesset: FINESS 350041316: key digit 6, want 5", new(*identifier.Error)},
		{structureLine(map[int]string{2: ""}),
			`nofinessej: FINESS "": 0 characters, want 9`, new(*identifier.Error)},
		{structureLine(map[int]string{22: "77563291200182"}),
			"siret: SIRET 77563291200182: key digit 2, want 1", new(*identifier.Error)},
		{strings.Join(baseFields[:31], ";"), "structureet: 31 fields, want 32", nil},
		{structureLine(nil) + ";;x", "structureet: 34 fields, want 32", nil},
		{"geolocalisation;350041315;354636.0;6791447.6;LAMBERT_93", "geolocalisation: 5 fields, want 6", nil},
		{"geolocalisation;35004131;1;2;LAMBERT_93;2024-11-27",
			"nofinesset: FINESS 35004131: 8 characters, want 9", new(*identifier.Error)},
		{"geolocalisation;350041315;abc;6791447.6;LAMBERT_93;2024-11-27",
			`geolocalisation of 350041315: x "abc" is not a number`, nil},
		{"geolocalisation;350041315;354636.0;;LAMBERT_93;2024-11-27",
			`geolocalisation of 350041315: y "" is not a number`, nil},
		{"geolocalisation;350041315;354636.0;6791447.6;;2024-11-27",
			"geolocalisation of 350041315: no coordinate system: the source field is empty", new(*geo.UnknownSystemError)},
		{"geolocalisation;350041315;354636.0;6791447.6;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N99;2024-11-27",
			`geolocalisation of 350041315: unknown coordinate system in source "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N99"`,
			new(*geo.UnknownSystemError)},
		{"geolocalisation;350041315;6791447.6;354636.0;LAMBERT_93;2024-11-27",
			"geolocalisation of 350041315: Lambert-93 (6791447.6, 354636) is not in metropolitan France",
			new(*geo.CoordinateError)},
		{"finess;etalab;x;2024-12-18", `header: number "x" is not an integer`, nil},
		{"finess;etalab;98;18/12/2024", `header: date "18/12/2024" is not YYYY-MM-DD`, nil},
		{"finess;etalab;98", "header: 3 fields, want 4 (finess;etalab;N;DATE)", nil},
		{"finess;autre;98;2024-12-18", `header: second field "autre", want "etalab"`, nil},
		{"equipementsocial;350041315;1", `unknown section "equipementsocial"`, nil},
		{`structureet;"350041315;x`, "field 2: a quoted field has no closing quote", nil},
		{`structureet;"350041315"x;y`, "field 2: text after the closing quote of a field", nil},
	}
	for _, tt := range tests {
		_, rejs, _ := readAllRecords(t, "\n"+tt.line+"\n")
		if len(rejs) != 1 {
			t.Errorf("%q: %d rejections, want 1", tt.line, len(rejs))
			continue
		}
		rej := rejs[0]
		if rej.Line != 2 || rej.Reason != tt.reason {
			t.Errorf("%q: rejected line %d %q, want line 2 %q", tt.line, rej.Line, rej.Reason, tt.reason)
		}
		if rej.Error() != "line 2: "+tt.reason {
			t.Errorf("Error() = %q", rej.Error())
		}
		if tt.cause != nil && !errors.As(rej, tt.cause) {
			t.Errorf("%q: cause %T is not %T", tt.line, rej.Err, tt.cause)
		}
	}
}

func TestReaderLeniency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		check func(t *testing.T, recs []Record)
	}{
		{"trailing empty fields, CRLF, blank lines, no final newline",
			"\r\n" + structureLine(nil) + ";;\r\n\r\n" + "geolocalisation;350041315;;;;;",
			func(t *testing.T, recs []Record) {
				if len(recs) != 2 || recs[0].LineNumber() != 2 || recs[1].LineNumber() != 4 {
					t.Errorf("records %+v", recs)
				}
			}},
		{"quoted fields",
			structureLine(map[int]string{3: `"FOYER DE VIE ""LES MOUETTES"""`, 4: `""`, 6: `"BATIMENT B; 2E ETAGE"`}),
			func(t *testing.T, recs []Record) {
				e := recs[0].(*Establishment)
				if e.ShortName != `FOYER DE VIE "LES MOUETTES"` || e.Name != e.ShortName ||
					e.Address.Distribution != "BATIMENT B; 2E ETAGE" {
					t.Errorf("names %q %q, distribution %q", e.ShortName, e.Name, e.Address.Distribution)
				}
			}},
		{"spaces around identifiers, a bad date, no SIRET",
			structureLine(map[int]string{1: " 350 041 315 ", 22: "", 28: "1991-13-07"}),
			func(t *testing.T, recs []Record) {
				e := recs[0].(*Establishment)
				if e.FINESS.String() != "350041315" || !e.SIRET.IsZero() || !e.Opened.IsZero() {
					t.Errorf("FINESS %v, SIRET %v, opened %v", e.FINESS, e.SIRET, e.Opened)
				}
			}},
		{"a decimal comma",
			"geolocalisation;350041315;354636,5;6791447,6;LAMBERT_93;2024-11-27",
			func(t *testing.T, recs []Record) {
				g := recs[0].(*Geolocation)
				if g.X != 354636.5 || g.Y != 6791447.6 {
					t.Errorf("x, y = %v, %v", g.X, g.Y)
				}
			}},
	}
	for _, tt := range tests {
		recs, rejs, _ := readAllRecords(t, tt.input)
		if len(rejs) != 0 {
			t.Errorf("%s: rejected %v", tt.name, rejs)
			continue
		}
		if len(recs) == 0 {
			t.Errorf("%s: no record", tt.name)
			continue
		}
		tt.check(t, recs)
	}
}

func TestReaderEncodings(t *testing.T) {
	t.Parallel()
	label := "Service d'Éducation Spéciale et de Soins à Domicile"
	utf8Line := structureLine(nil)
	latin1Line := toLatin1(utf8Line)
	tests := []struct {
		name  string
		input string
		want  Encoding
		label string
	}{
		{"UTF-8", utf8Line, UTF8, label},
		{"UTF-8 with a byte order mark", "\uFEFF" + utf8Line, UTF8, label},
		{"Latin-1", latin1Line, Latin1, label},
		{"Latin-1 after ASCII lines", "finess;etalab;98;2024-12-18\n" + latin1Line, Latin1, label},
		{"ASCII only", structureLine(map[int]string{19: "SESSAD", 21: "Services", 25: "DGS ARS"}), ASCII, "SESSAD"},
		// The first line beyond ASCII decides: a later stray byte of a UTF-8
		// file becomes U+FFFD rather than turning the file into Latin-1.
		{"UTF-8 with a stray byte later", utf8Line + "\n" + structureLine(map[int]string{1: "350042438", 19: "Caf\xe9"}),
			UTF8, "Caf\uFFFD"},
	}
	for _, tt := range tests {
		recs, rejs, r := readAllRecords(t, tt.input)
		if len(rejs) != 0 || len(recs) == 0 {
			t.Errorf("%s: records %v, rejected %v", tt.name, recs, rejs)
			continue
		}
		last := recs[len(recs)-1].(*Establishment)
		if r.Encoding() != tt.want || last.Category.Label != tt.label {
			t.Errorf("%s: encoding %v, label %q, want %v, %q", tt.name, r.Encoding(), last.Category.Label, tt.want, tt.label)
		}
	}
}

// toLatin1 encodes s, which must hold only Latin-1 characters, in ISO-8859-1.
func toLatin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			panic("not Latin-1: " + string(r))
		}
		b = append(b, byte(r))
	}
	return string(b)
}

func TestReaderLongLine(t *testing.T) {
	t.Parallel()
	input := structureLine(nil) + "\n" + strings.Repeat("x", 200<<10) + "\n" +
		structureLine(map[int]string{1: "350042438"})
	recs, rejs, _ := readAllRecords(t, input)
	if len(recs) != 2 || recs[1].LineNumber() != 3 {
		t.Errorf("records %v, want lines 1 and 3", recs)
	}
	if len(rejs) != 1 || rejs[0].Line != 2 || rejs[0].Reason != "line longer than 65536 bytes" {
		t.Errorf("rejected %v, want line 2 too long", rejs)
	}
}

// A failing reader ends the reading with its error, again on every call;
// what was read before it is kept.
func TestReaderError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	in := io.MultiReader(strings.NewReader(structureLine(nil)+"\n"), iotest.ErrReader(boom))
	r := NewReader(in)
	if rec, err := r.Next(); err != nil || rec.LineNumber() != 1 {
		t.Fatalf("Next() = %v, %v, want line 1", rec, err)
	}
	for range 2 {
		if _, err := r.Next(); !errors.Is(err, boom) {
			t.Fatalf("Next() error = %v, want %v", err, boom)
		}
	}
	s, err := ReadAll(io.MultiReader(strings.NewReader(structureLine(nil)+"\n"), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) || len(s.Establishments) != 1 {
		t.Errorf("ReadAll = %d établissements, %v, want 1 and %v", len(s.Establishments), err, boom)
	}
}

func TestSplitFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want []string
		err  string
	}{
		{"a;b;;c", []string{"a", "b", "", "c"}, ""},
		{"", []string{""}, ""},
		{";", []string{"", ""}, ""},
		{`"a;b";c`, []string{"a;b", "c"}, ""},
		{`"say ""hi""";x`, []string{`say "hi"`, "x"}, ""},
		{`a;""`, []string{"a", ""}, ""},
		{`a;"";b`, []string{"a", "", "b"}, ""},
		{`LIEU "X";y`, []string{`LIEU "X"`, "y"}, ""},
		{`a;"b`, nil, "field 2: a quoted field has no closing quote"},
		{`"a"b;c`, nil, "field 1: text after the closing quote of a field"},
	}
	for _, tt := range tests {
		got, err := splitFields(tt.line, nil)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("splitFields(%q) error = %v, want %q", tt.line, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitFields(%q) = %q, %v, want %q", tt.line, got, err, tt.want)
		}
	}
}

func TestINSEECode(t *testing.T) {
	t.Parallel()
	tests := []struct{ departement, commune, want string }{
		{"35", "238", "35238"}, // Rennes
		{"01", "451", "01451"}, // Viriat
		{"2A", "004", "2A004"}, // Ajaccio
		{"2B", "033", "2B033"}, // Bastia
		{"9A", "101", "97101"}, // Les Abymes
		{"9B", "209", "97209"}, // Fort-de-France
		{"9C", "302", "97302"}, // Cayenne
		{"9D", "411", "97411"}, // Saint-Denis
		{"9F", "611", "97611"}, // Mamoudzou
		{"9J", "613", "98613"}, // Uvea
		{"9D", "101", ""},      // a Guadeloupe commune under La Réunion
		{"20", "004", ""},
		{"96", "001", ""},
		{"9K", "735", ""},
		{"35", "38", ""},
		{"35", "2A8", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := inseeCode(tt.departement, tt.commune); got != tt.want {
			t.Errorf("inseeCode(%q, %q) = %q, want %q", tt.departement, tt.commune, got, tt.want)
		}
	}
}

func TestAddressLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a    Address
		want []string
	}{
		{Address{Number: "14", Repetition: "B", StreetType: "R", Street: "DE LA MOTTE BROONS",
			Distribution: "BATIMENT B", PostalLine: "35700 RENNES"},
			[]string{"BATIMENT B", "14 B R DE LA MOTTE BROONS", "35700 RENNES"}},
		{Address{Locality: "LIEU DIT BOIS DE NEFLES", PostalLine: "97460 ST PAUL"},
			[]string{"LIEU DIT BOIS DE NEFLES", "97460 ST PAUL"}},
		{Address{}, []string{}},
	}
	for _, tt := range tests {
		if got := tt.a.Lines(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lines() of %+v = %q, want %q", tt.a, got, tt.want)
		}
	}
}
