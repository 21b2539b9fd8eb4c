package serafin_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/maillage/maillage/internal/serafin"
)

const (
	mobilite     = "Besoins pour la mobilité"
	coordination = "Prestation de coordination renforcée pour la cohérence du parcours"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	n := serafin.Default()
	tests := []struct {
		code   string
		want   serafin.Entry
		wantOK bool
	}{
		{"1", serafin.Entry{Code: "1", Family: serafin.Besoin, Label: "Besoins"}, true},
		{"1.2.1.3", serafin.Entry{Code: "1.2.1.3", Parent: "1.2.1", Family: serafin.Besoin, Label: mobilite}, true},
		{"1.1.10", serafin.Entry{Code: "1.1.10", Parent: "1.1", Family: serafin.Besoin, Label: "Besoins pour entretenir et prendre soin de sa santé"}, true},
		{"2.4.1", serafin.Entry{Code: "2.4.1", Parent: "2.4", Family: serafin.PrestationDirecte, Label: coordination}, true},
		{"3.2.2.1", serafin.Entry{Code: "3.2.2.1", Parent: "3.2.2", Family: serafin.PrestationIndirecte, Label: "Fournir des repas"}, true},
		{"", serafin.Entry{}, false},
		{"4", serafin.Entry{}, false},
		{"1.2.1.3 ", serafin.Entry{}, false}, // no trimming
		{"01.2", serafin.Entry{}, false},     // no leading zeros
		{"037", serafin.Entry{}, false},      // a ROR TRE_R265 number is no SERAFIN-PH code
	}
	for _, tt := range tests {
		got, ok := n.Lookup(tt.code)
		if ok != tt.wantOK {
			t.Errorf("Lookup(%q) ok = %v, want %v", tt.code, ok, tt.wantOK)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Lookup(%q) mismatch (-want +got):\n%s", tt.code, diff)
		}
	}
}

func TestNeed(t *testing.T) {
	t.Parallel()
	n := serafin.Default()
	tests := []struct {
		code      string
		wantLabel string
		wantErr   error
		wantText  []string // what the message must say
	}{
		{code: "1.2.1.3", wantLabel: mobilite},
		{code: "1", wantLabel: "Besoins"},
		{code: "2.4.1", wantErr: serafin.ErrNotANeed, wantText: []string{"2.4.1", "prestation directe", coordination}},
		{code: "3.1.6", wantErr: serafin.ErrNotANeed, wantText: []string{"3.1.6", "prestation indirecte"}},
		{code: "1.2.1.9", wantErr: serafin.ErrUnknownCode, wantText: []string{`"1.2.1.9"`}},
		{code: "", wantErr: serafin.ErrUnknownCode, wantText: []string{`""`}},
	}
	for _, tt := range tests {
		got, err := n.Need(tt.code)
		checkErr(t, "Need", tt.code, err, tt.wantErr, tt.wantText)
		if got.Label != tt.wantLabel {
			t.Errorf("Need(%q).Label = %q, want %q", tt.code, got.Label, tt.wantLabel)
		}
		if err == nil && got.Family != serafin.Besoin {
			t.Errorf("Need(%q).Family = %q, want %q", tt.code, got.Family, serafin.Besoin)
		}
	}
}

func TestPrestation(t *testing.T) {
	t.Parallel()
	n := serafin.Default()
	tests := []struct {
		code       string
		wantFamily serafin.Family
		wantErr    error
		wantText   []string
	}{
		{code: "2.4.1", wantFamily: serafin.PrestationDirecte},
		{code: "2.1.1.3", wantFamily: serafin.PrestationDirecte},
		{code: "3.2.4.1", wantFamily: serafin.PrestationIndirecte},
		{code: "3", wantFamily: serafin.PrestationIndirecte},
		{code: "1.2.1.3", wantErr: serafin.ErrNotAPrestation, wantText: []string{"1.2.1.3", "besoin", mobilite}},
		{code: "2.5", wantErr: serafin.ErrUnknownCode, wantText: []string{`"2.5"`}},
	}
	for _, tt := range tests {
		got, err := n.Prestation(tt.code)
		checkErr(t, "Prestation", tt.code, err, tt.wantErr, tt.wantText)
		if got.Family != tt.wantFamily {
			t.Errorf("Prestation(%q).Family = %q, want %q", tt.code, got.Family, tt.wantFamily)
		}
	}
}

func checkErr(t *testing.T, fn, code string, err, want error, text []string) {
	t.Helper()
	if !errors.Is(err, want) || (want == nil) != (err == nil) {
		t.Errorf("%s(%q) error = %v, want %v", fn, code, err, want)
		return
	}
	for _, s := range text {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%s(%q) error = %q, want it to mention %q", fn, code, err, s)
		}
	}
}

func codes(es []serafin.Entry) []string {
	var cs []string
	for _, e := range es {
		cs = append(cs, e.Code)
	}
	return cs
}

func TestChildren(t *testing.T) {
	t.Parallel()
	n := serafin.Default()
	tests := []struct {
		code string
		want []string
	}{
		// Numeric order per segment: 1.1.10 comes after 1.1.9, not after 1.1.1.
		{"1.1", []string{"1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.1.8", "1.1.9", "1.1.10"}},
		{"1.2.1", []string{"1.2.1.1", "1.2.1.2", "1.2.1.3", "1.2.1.4"}},
		{"2", []string{"2.1", "2.2", "2.3", "2.4"}},
		{"2.4", []string{"2.4.1"}},
		{"1.2.1.3", nil}, // a leaf
		{"9", nil},       // unknown
		{"", nil},        // no code
	}
	for _, tt := range tests {
		got := n.Children(tt.code)
		if diff := cmp.Diff(tt.want, codes(got)); diff != "" {
			t.Errorf("Children(%q) mismatch (-want +got):\n%s", tt.code, diff)
		}
		for _, c := range got {
			if c.Parent != tt.code {
				t.Errorf("Children(%q) holds %s, whose parent is %q", tt.code, c.Code, c.Parent)
			}
		}
	}
}

func TestChildrenIsACopy(t *testing.T) {
	t.Parallel()
	n := serafin.Default()
	got := n.Children("2.4")
	got[0].Label = "changed"
	if e, _ := n.Lookup("2.4.1"); n.Children("2.4")[0].Label != e.Label {
		t.Errorf("changing what Children returned changed the nomenclature")
	}
	all := n.All(serafin.Besoin)
	all[0].Code = "changed"
	if n.All(serafin.Besoin)[0].Code != "1" {
		t.Errorf("changing what All returned changed the nomenclature")
	}
}

func TestAncestors(t *testing.T) {
	t.Parallel()
	n := serafin.Default()
	tests := []struct {
		code string
		want []serafin.Entry
	}{
		{"1.2.1.3", []serafin.Entry{
			{Code: "1", Family: serafin.Besoin, Label: "Besoins"},
			{Code: "1.2", Parent: "1", Family: serafin.Besoin, Label: "Besoins en matière d'autonomie"},
			{Code: "1.2.1", Parent: "1.2", Family: serafin.Besoin, Label: "Besoins en matière d'autonomie"},
		}},
		{"2.4.1", []serafin.Entry{
			{Code: "2", Family: serafin.PrestationDirecte, Label: "Prestations directes - Soins et d'accompagnement"},
			{Code: "2.4", Parent: "2", Family: serafin.PrestationDirecte, Label: coordination},
		}},
		{"3", nil},
		{"3.9", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, n.Ancestors(tt.code)); diff != "" {
			t.Errorf("Ancestors(%q) mismatch (-want +got):\n%s", tt.code, diff)
		}
	}
}

func TestIsLeaf(t *testing.T) {
	t.Parallel()
	n := serafin.Default()
	tests := []struct {
		code string
		want bool
	}{
		{"1.2.1.3", true},
		{"2.4.1", true},
		{"3.1.6", true}, // a leaf at the third level
		{"1.2.1", false},
		{"1", false},
		{"9.9", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := n.IsLeaf(tt.code); got != tt.want {
			t.Errorf("IsLeaf(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestAll(t *testing.T) {
	t.Parallel()
	n := serafin.Default()
	for _, f := range []serafin.Family{serafin.Besoin, serafin.PrestationDirecte, serafin.PrestationIndirecte} {
		all := n.All(f)
		if len(all) == 0 {
			t.Fatalf("All(%q) is empty", f)
		}
		if !slices.IsSortedFunc(all, func(a, b serafin.Entry) int { return serafin.CompareCodes(a.Code, b.Code) }) {
			t.Errorf("All(%q) = %v, want sorted by CompareCodes", f, codes(all))
		}
		for _, e := range all {
			if e.Family != f {
				t.Errorf("All(%q) holds %s of family %q", f, e.Code, e.Family)
			}
		}
	}
	besoins := codes(n.All(serafin.Besoin))
	if i, j := slices.Index(besoins, "1.1.9"), slices.Index(besoins, "1.1.10"); i < 0 || j != i+1 {
		t.Errorf("All(Besoin): 1.1.9 at %d and 1.1.10 at %d, want 1.1.10 right after 1.1.9", i, j)
	}
	if got := n.All("besoins"); got != nil {
		t.Errorf("All(%q) = %v, want nil", "besoins", codes(got))
	}
}

func TestCompareCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"1.2.9", "1.2.10", -1},
		{"1.2.10", "1.2.9", +1},
		{"1.1.10", "1.2", -1},
		{"1.2", "1.2.1", -1}, // a parent before its children
		{"1.2.1", "1.2", +1},
		{"2", "10", -1},
		{"3.1.6", "3.1.6", 0},
		{"1.01", "1.1", -1}, // equal numbers: total order by text
		{"99999999999999999999999", "100000000000000000000000", -1}, // no overflow
		{"1.x", "1.2", +1}, // numbers before anything else
		{"", "1", +1},
	}
	for _, tt := range tests {
		if got := serafin.CompareCodes(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareCodes(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestDefaultLoadsEveryRow counts the rows of the embedded file without the
// csv package (codes and families never hold commas or quotes; labels come
// last), and checks that Default has every one of them.
func TestDefaultLoadsEveryRow(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("serafin-ph.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if lines[0] != "code,parent,family,label" {
		t.Fatalf("first line = %q, want the header", lines[0])
	}
	n := serafin.Default()
	perFamily := make(map[serafin.Family]int)
	rows := 0
	for i, line := range lines[1:] {
		if line == "" {
			continue
		}
		rows++
		f := strings.SplitN(line, ",", 4)
		if len(f) != 4 {
			t.Fatalf("line %d = %q, want 4 columns", i+2, line)
		}
		perFamily[serafin.Family(f[2])]++
		e, ok := n.Lookup(f[0])
		if !ok {
			t.Errorf("line %d: Lookup(%q) not found", i+2, f[0])
			continue
		}
		if e.Parent != f[1] || e.Family != serafin.Family(f[2]) {
			t.Errorf("line %d: Lookup(%q) = %+v, want parent %q family %q", i+2, f[0], e, f[1], f[2])
		}
		if want := strings.Trim(f[3], `"`); e.Label != want {
			t.Errorf("line %d: Lookup(%q).Label = %q, want %q", i+2, f[0], e.Label, want)
		}
	}
	if rows < 100 {
		t.Errorf("counted %d rows in serafin-ph.csv, want the whole nomenclature (107 in 2023.1.0)", rows)
	}
	total := 0
	for f, want := range perFamily {
		if got := len(n.All(f)); got != want {
			t.Errorf("len(All(%q)) = %d, want %d rows of the file", f, got, want)
		}
		total += want
	}
	if total != rows || len(perFamily) != 3 {
		t.Errorf("families %v hold %d rows of %d, want the three families to hold them all", perFamily, total, rows)
	}
}

func TestDefaultIsShared(t *testing.T) {
	t.Parallel()
	first, second := serafin.Default(), serafin.Default()
	if first != second {
		t.Error("Default() returned two nomenclatures, want one parsed once")
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	const csv = "code,parent,family,label\r\n" +
		"2,,prestation_directe,Prestations directes\r\n" +
		"2.2,2,prestation_directe,Autonomie\r\n" +
		"2.10,2,prestation_directe,\"Dix, avec une virgule\"\r\n" +
		"2.2.1,2.2,prestation_directe,Vie quotidienne\r\n" +
		"1.1,1,besoin,Santé\r\n" + // a child may come before its parent
		"1,,besoin,Besoins\r\n"
	n, err := serafin.Parse(strings.NewReader(csv))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if diff := cmp.Diff([]string{"2.2", "2.10"}, codes(n.Children("2"))); diff != "" {
		t.Errorf("Children(2) mismatch (-want +got):\n%s", diff)
	}
	if e, _ := n.Lookup("2.10"); e.Label != "Dix, avec une virgule" {
		t.Errorf("Lookup(2.10).Label = %q, want %q", e.Label, "Dix, avec une virgule")
	}
	if diff := cmp.Diff([]string{"1", "1.1"}, codes(n.All(serafin.Besoin))); diff != "" {
		t.Errorf("All(Besoin) mismatch (-want +got):\n%s", diff)
	}
	if got := n.All(serafin.PrestationIndirecte); got != nil {
		t.Errorf("All(PrestationIndirecte) = %v, want nil", codes(got))
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const h = "code,parent,family,label\n"
	const root = "1,,besoin,Besoins\n" // line 2
	tests := []struct {
		name string
		csv  string
		want []string // each must appear in the error
	}{
		{"empty input", "", []string{"no header"}},
		{"header only", h, []string{"no entries"}},
		{"wrong header", "code,parent,famille,libellé\n" + root, []string{"line 1: header"}},
		{"three columns", h + root + "1.1,1,besoin\n", []string{"line 3: 3 columns, want 4"}},
		{"five columns", h + root + "1.1,1,besoin,Santé,x\n", []string{"line 3: 5 columns, want 4"}},
		{"unknown family", h + root + "1.1,1,prestation,Santé\n", []string{`line 3: code "1.1": family "prestation"`}},
		{"empty label", h + root + "1.1,1,besoin,\n", []string{`line 3: code "1.1": empty label`}},
		{"blank label", h + root + "1.1,1,besoin,\"  \"\n", []string{`line 3: code "1.1": empty label`}},
		{"label not UTF-8", h + root + "1.1,1,besoin,Sant\xe9\n", []string{`line 3: code "1.1": label is not valid UTF-8`}},
		{"duplicate code", h + root + "1,,besoin,Encore\n", []string{`line 3: code "1" already on line 2`}},
		{"parent missing", h + root + "2.1,2,besoin,Orphelin\n", []string{`line 3: code "2.1": parent "2" is not in the data`}},
		{"parent of another family", h + root + "1.1,1,prestation_directe,Soins\n", []string{`line 3: code "1.1" is a prestation directe but its parent "1" (line 2) is a besoin`}},
		{"code not under its parent", h + root + "2,,besoin,Deux\n2.1,1,besoin,Ailleurs\n", []string{`line 4: code "2.1" is not its parent "1" followed by "." and a number`}},
		{"code skips a level", h + root + "1.1.1,1,besoin,Trop bas\n", []string{`line 3: code "1.1.1" is not its parent "1"`}},
		{"child without parent", h + root + "1.1,,besoin,Santé\n", []string{`line 3: code "1.1" has no parent, want "1"`}},
		{"root with a parent", h + root + "2,1,besoin,Deux\n", []string{`line 3: code "2" has one segment, so is a root, but has parent "1"`}},
		{"leading zero", h + root + "1.01,1,besoin,Zéro\n", []string{`line 3: code "1.01": want positive integers`}},
		{"zero segment", h + root + "1.0,1,besoin,Zéro\n", []string{`line 3: code "1.0": want positive integers`}},
		{"empty code", h + root + ",1,besoin,Rien\n", []string{`line 3: code "": want positive integers`}},
		{"code with spaces", h + root + " 1.1,1,besoin,Espace\n", []string{`line 3: code " 1.1": want positive integers`}},
		{"csv syntax", h + root + "1.1,1,besoin,\"Santé\n", []string{"line 3", "extraneous or missing \" in quoted-field"}},
		{
			"every problem at once",
			h + root + "1.1,1,service,A\n1.2,1,besoin,\n1.2,1,besoin,B\n9.1,9,besoin,C\n",
			[]string{`line 3: code "1.1": family "service"`, `line 4: code "1.2": empty label`, `line 5: code "1.2" already on line 4`, `line 6: code "9.1": parent "9"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := serafin.Parse(strings.NewReader(tt.csv))
			if err == nil {
				t.Fatalf("Parse(%q) = %v, nil, want an error", tt.csv, n)
			}
			if n != nil {
				t.Errorf("Parse(%q) returned a nomenclature with its error", tt.csv)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse(%q) error =\n%v\nwant it to contain %q", tt.csv, err, w)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	data, err := os.ReadFile("serafin-ph.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	for _, k := range []int{1, 2, 5, 14, 40} {
		f.Add(strings.Join(lines[:k], ""))
	}
	f.Add(string(data))
	f.Add("code,parent,family,label\n1,,besoin,B\n1.1,1,prestation_directe,X\n1.1,,besoin,\n")
	f.Add("code,parent,family,label\n1.2.10,1.2,besoin,\"a\"\"b\"\n1.2,1,besoin,c\n1,,besoin,d\n")

	f.Fuzz(func(t *testing.T, in string) {
		n, err := serafin.Parse(strings.NewReader(in))
		if (n == nil) == (err == nil) {
			t.Fatalf("Parse = %v, %v: want exactly one of them", n, err)
		}
		if err != nil {
			return
		}
		// Whatever Parse accepts must hold together.
		seen := 0
		for _, fam := range []serafin.Family{serafin.Besoin, serafin.PrestationDirecte, serafin.PrestationIndirecte} {
			for _, e := range n.All(fam) {
				seen++
				if got, ok := n.Lookup(e.Code); !ok || got != e {
					t.Fatalf("All(%q) holds %+v, but Lookup = %+v, %v", fam, e, got, ok)
				}
				up := n.Ancestors(e.Code)
				if len(up) != strings.Count(e.Code, ".") {
					t.Fatalf("Ancestors(%q) = %v, want one per level", e.Code, codes(up))
				}
				for _, a := range up {
					if a.Family != fam || !strings.HasPrefix(e.Code, a.Code+".") {
						t.Fatalf("Ancestors(%q) holds %+v", e.Code, a)
					}
				}
				kids := n.Children(e.Code)
				if n.IsLeaf(e.Code) != (len(kids) == 0) {
					t.Fatalf("IsLeaf(%q) = %v with %d children", e.Code, n.IsLeaf(e.Code), len(kids))
				}
				if !slices.IsSortedFunc(kids, func(a, b serafin.Entry) int { return serafin.CompareCodes(a.Code, b.Code) }) {
					t.Fatalf("Children(%q) = %v, want sorted", e.Code, codes(kids))
				}
				_, needErr := n.Need(e.Code)
				_, prestErr := n.Prestation(e.Code)
				if (needErr == nil) == (prestErr == nil) {
					t.Fatalf("%s: Need error %v, Prestation error %v: want exactly one to fail", e.Code, needErr, prestErr)
				}
			}
		}
		if seen == 0 {
			t.Fatal("Parse accepted data with no entries")
		}
	})
}
