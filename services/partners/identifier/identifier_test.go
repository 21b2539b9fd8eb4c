package identifier

import (
	"errors"
	"strings"
	"testing"
)

// Real numbers, and where they come from:
//   - 750712184: the FINESS EJ of the AP-HP (Assistance publique – Hôpitaux de
//     Paris), the FINESS EJ of the Pitié-Salpêtrière site in the public FINESS
//     extract.
//   - 010000024 / 010780054: FINESS ET and EJ of the CH de Fleyriat
//     (Bourg-en-Bresse), and 26010004500012 its SIRET, from the structureet
//     line of the public FINESS extract (etalab-cs1100502, 2026-05-12).
//   - 970400024 / 970408589 and SIRET 20003001300011: the CHU de La Réunion,
//     site Félix Guyon, same extract.
//   - 35600000000048: the siège of La Poste, the exception to La Poste's rule.

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		kind     Kind
		want     string
		reason   Reason // 0: valid
		message  string // the error message, when invalid
		wantKind Kind   // the Kind of the *Error
	}{
		{in: "750712184", kind: FINESS, want: "750712184"},
		{in: "750 712 184", kind: FINESS, want: "750712184"},
		{in: "750\u00a0712\u202f184", kind: FINESS, want: "750712184"},
		{in: "010000024", kind: FINESS, want: "010000024"},
		{in: "970400024", kind: FINESS, want: "970400024"},
		{in: "2A0000123", kind: FINESS, want: "2A0000123"},
		{in: "2B 000 9999", kind: FINESS, want: "2B0009999"},
		{in: "26010004500012", kind: SIRET, want: "26010004500012"},
		{in: "260 100 045 00012", kind: SIRET, want: "26010004500012"},
		{in: "20003001300011", kind: SIRET, want: "20003001300011"},
		{in: "35600000000048", kind: SIRET, want: "35600000000048"},
		{in: "35600000000001", kind: SIRET, want: "35600000000001"}, // digits add up to 15
		{in: "35600000001019", kind: SIRET, want: "35600000001019"}, // 25

		{in: "750712185", reason: BadKey, wantKind: FINESS,
			message: "FINESS 750712185: key digit 5, want 4"},
		{in: "750 712 185", reason: BadKey, wantKind: FINESS,
			message: "FINESS 750 712 185: key digit 5, want 4"},
		{in: "75071218X", reason: BadCharacter, wantKind: FINESS,
			message: "FINESS 75071218X: character 'X' at position 9, want a digit"},
		{in: "2a0000123", reason: BadCharacter, wantKind: FINESS,
			message: "FINESS 2a0000123: character 'a' at position 2, want a digit"},
		{in: "2A00001é3", reason: BadCharacter, wantKind: FINESS, // 9 characters, 10 bytes
			message: `FINESS "2A00001é3": character 'é' at position 8, want a digit`},
		{in: "75071218é", reason: BadCharacter, wantKind: FINESS,
			message: `FINESS "75071218é": character 'é' at position 9, want a digit`},
		{in: "75071218\xff", reason: BadCharacter, wantKind: FINESS,
			message: `FINESS "75071218\xff": byte 0xff at position 9, want a digit`},
		{in: "2A00001-3", reason: BadCharacter, wantKind: FINESS,
			message: `FINESS "2A00001-3": character '-' at position 8, want a digit`},
		{in: "750-712-184", reason: BadLength,
			message: `identifier "750-712-184": 11 characters, want 9 (FINESS) or 14 (SIRET)`},
		{in: "", reason: BadLength,
			message: `identifier "": 0 characters, want 9 (FINESS) or 14 (SIRET)`},
		{in: "26010004500013", reason: BadKey, wantKind: SIRET,
			message: "SIRET 26010004500013: key digit 3, want 2"},
		{in: "35600000000014", reason: BadKey, wantKind: SIRET,
			message: "SIRET 35600000000014: La Poste numbers have a digit sum that is a multiple of 5, this one 19"},
		{in: "2A000012300000", reason: BadCharacter, wantKind: SIRET,
			message: "SIRET 2A000012300000: character 'A' at position 2, want a digit"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.reason == 0 {
			if err != nil {
				t.Errorf("Parse(%q) = %v, want %s %s", tt.in, err, tt.kind, tt.want)
				continue
			}
			if got.Kind() != tt.kind || got.String() != tt.want {
				t.Errorf("Parse(%q) = %s %s, want %s %s", tt.in, got.Kind(), got, tt.kind, tt.want)
			}
			continue
		}
		var ierr *Error
		if !errors.As(err, &ierr) {
			t.Errorf("Parse(%q) = %v, %v, want an *Error", tt.in, got, err)
			continue
		}
		if !got.IsZero() {
			t.Errorf("Parse(%q) returned %v with its error", tt.in, got)
		}
		if ierr.Reason != tt.reason || ierr.Kind != tt.wantKind || ierr.Value != tt.in {
			t.Errorf("Parse(%q) error = {%v %v %q}, want {%v %v %q}", tt.in,
				ierr.Kind, ierr.Reason, ierr.Value, tt.wantKind, tt.reason, tt.in)
		}
		if err.Error() != tt.message {
			t.Errorf("Parse(%q) error = %q, want %q", tt.in, err, tt.message)
		}
	}
}

func TestParseKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		parse   func(string) (ID, error)
		name    string
		in      string
		want    string
		message string
	}{
		{parse: ParseFINESS, name: "ParseFINESS", in: "010780054", want: "010780054"},
		{parse: ParseFINESS, name: "ParseFINESS", in: "26010004500012",
			message: "FINESS 26010004500012: 14 characters, want 9"},
		{parse: ParseSIRET, name: "ParseSIRET", in: "26010004500012", want: "26010004500012"},
		{parse: ParseSIRET, name: "ParseSIRET", in: "750712184",
			message: "SIRET 750712184: 9 characters, want 14"},
		{parse: ParseSIREN, name: "ParseSIREN", in: "260 100 045", want: "260100045"},
		{parse: ParseSIREN, name: "ParseSIREN", in: "356000000", want: "356000000"},
		{parse: ParseSIREN, name: "ParseSIREN", in: "260100046",
			message: "SIREN 260100046: key digit 6, want 5"},
		{parse: ParseSIREN, name: "ParseSIREN", in: "2A0000123",
			message: "SIREN 2A0000123: character 'A' at position 2, want a digit"},
	}
	for _, tt := range tests {
		got, err := tt.parse(tt.in)
		switch {
		case tt.message == "" && err != nil:
			t.Errorf("%s(%q) = %v, want %s", tt.name, tt.in, err, tt.want)
		case tt.message == "" && got.String() != tt.want:
			t.Errorf("%s(%q) = %s, want %s", tt.name, tt.in, got, tt.want)
		case tt.message != "" && (err == nil || err.Error() != tt.message):
			t.Errorf("%s(%q) = %v, %v, want error %q", tt.name, tt.in, got, err, tt.message)
		}
	}
}

func TestSIRENOfSIRET(t *testing.T) {
	t.Parallel()
	siret, err := ParseSIRET("20003001300011")
	if err != nil {
		t.Fatal(err)
	}
	if got := siret.SIREN(); got.Kind() != SIREN || got.String() != "200030013" {
		t.Errorf("SIREN() of %s = %s %s, want SIREN 200030013", siret, got.Kind(), got)
	}
	if _, err := ParseSIREN(siret.SIREN().String()); err != nil {
		t.Errorf("the SIREN of a valid SIRET does not parse: %v", err)
	}
	finess, _ := ParseFINESS("750712184")
	if got := finess.SIREN(); !got.IsZero() {
		t.Errorf("SIREN() of a FINESS = %v, want the zero ID", got)
	}
}

func TestLuhnKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		digits string
		want   byte
	}{
		{"75071218", '4'},
		{"01000002", '4'},
		{"2601000450001", '2'},
		{"", '0'},
		{"0", '0'},
		{"1", '8'},
	}
	for _, tt := range tests {
		if got := LuhnKey(tt.digits); got != tt.want {
			t.Errorf("LuhnKey(%q) = %c, want %c", tt.digits, got, tt.want)
		}
	}
}

// Any input: a number, or an *Error that holds the input; a number reads back
// as itself and has its kind's length; the three parsers agree with Parse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"750712184", "750 712 184", "2A0000123", "26010004500012",
		"35600000000048", "35600000000001", "", "2a0000123", "\xff\xfe", "2A00001\u00e93"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			var ierr *Error
			if !errors.As(err, &ierr) || ierr.Value != s || ierr.Reason == 0 || ierr.Detail == "" {
				t.Fatalf("Parse(%q) error %#v is not a complete *Error", s, err)
			}
			if !id.IsZero() {
				t.Fatalf("Parse(%q) returned %v with an error", s, id)
			}
		} else {
			if strings.ContainsAny(id.String(), " \u00a0\u202f") {
				t.Fatalf("Parse(%q) = %q keeps a space", s, id)
			}
			wantLen := map[Kind]int{FINESS: 9, SIRET: 14}[id.Kind()]
			if len(id.String()) != wantLen {
				t.Fatalf("Parse(%q) = %s %q: length %d", s, id.Kind(), id, len(id.String()))
			}
			again, err := Parse(id.String())
			if err != nil || again != id {
				t.Fatalf("Parse(%q) = %v, but %q reads back as %v, %v", s, id, id, again, err)
			}
		}
		for _, p := range []struct {
			kind  Kind
			parse func(string) (ID, error)
		}{{FINESS, ParseFINESS}, {SIRET, ParseSIRET}, {SIREN, ParseSIREN}} {
			got, perr := p.parse(s)
			if perr == nil && got.Kind() != p.kind {
				t.Fatalf("Parse%s(%q) = kind %v", p.kind, s, got.Kind())
			}
			if perr == nil && err == nil && p.kind != SIREN && got != id {
				t.Fatalf("Parse%s(%q) = %v, Parse = %v", p.kind, s, got, id)
			}
			if perr == nil && p.kind != SIREN && err != nil {
				t.Fatalf("Parse%s(%q) = %v, but Parse fails: %v", p.kind, s, got, err)
			}
		}
	})
}
