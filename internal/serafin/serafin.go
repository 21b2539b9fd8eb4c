// Package serafin provides the SERAFIN-PH nomenclature of needs (besoins) and
// services (prestations directes, prestations indirectes) for people with
// disabilities, shipped inside the binary: look a code up and answer with its
// French label, check that a code is a need or a prestation, walk the tree.
//
// The data is the ANS publication of the value sets JDV_J285, JDV_J284 and
// JDV_J283 (see README.md beside this file), embedded from serafin-ph.csv and
// parsed once by Default.
//
// A SERAFIN-PH code means nothing without its code system and version: store
// it with System and Version, never bare. Other lists number the same services
// differently (the ROR list TRE_R265 calls 2.4 "coordination renforcée" 037);
// a crosswalk to them is explicit and versioned, and is not kept here.
package serafin

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// System and Version identify the code system of the embedded data, as the
// ANS terminology server (SMT) publishes it. Store them with every code.
const (
	System  = "https://smt.esante.gouv.fr/terminologie-SERAFINPH"
	Version = "2023.1.0"
)

// Family is the branch of the nomenclature a code belongs to, spelled as in
// the family column of the data.
type Family string

const (
	// Besoin is a need of the person (besoins, codes 1.…).
	Besoin Family = "besoin"
	// PrestationDirecte is a direct service: care and support given to the
	// person (prestations directes de soins et d'accompagnement, codes 2.…).
	PrestationDirecte Family = "prestation_directe"
	// PrestationIndirecte is an indirect service: management and support
	// functions (prestations indirectes de pilotage et fonctions support,
	// codes 3.…).
	PrestationIndirecte Family = "prestation_indirecte"
)

func (f Family) known() bool {
	return f == Besoin || f == PrestationDirecte || f == PrestationIndirecte
}

// term is how the family reads in a sentence.
func (f Family) term() string {
	return strings.ReplaceAll(string(f), "_", " ")
}

// Entry is one code of the nomenclature.
type Entry struct {
	Code   string // "1.2.1.3"
	Parent string // "1.2.1"; empty for the root of a family ("1", "2", "3")
	Family Family
	Label  string // French, as published: "Besoins pour la mobilité"
}

// Errors of Need and Prestation; the returned errors wrap them and name the
// code (and what it is, when it is known).
var (
	ErrUnknownCode    = errors.New("unknown SERAFIN-PH code")
	ErrNotANeed       = errors.New("not a SERAFIN-PH need (besoin)")
	ErrNotAPrestation = errors.New("not a SERAFIN-PH prestation")
)

// Nomenclature is a parsed, validated SERAFIN-PH tree. It is immutable and
// safe for concurrent use; the slices it returns are the caller's own.
// Codes are matched exactly: no trimming, no leading zeros.
type Nomenclature struct {
	entries  map[string]Entry
	children map[string][]Entry // sorted by CompareCodes; key "" holds the roots
	families map[Family][]Entry // sorted by CompareCodes
}

// Lookup returns the entry of code, and whether there is one.
func (n *Nomenclature) Lookup(code string) (Entry, bool) {
	e, ok := n.entries[code]
	return e, ok
}

// Need returns the entry of code if it is a need (besoin). The error wraps
// ErrUnknownCode or ErrNotANeed.
func (n *Nomenclature) Need(code string) (Entry, error) {
	e, ok := n.entries[code]
	if !ok {
		return Entry{}, fmt.Errorf("%w %q", ErrUnknownCode, code)
	}
	if e.Family != Besoin {
		return Entry{}, fmt.Errorf("%w: %s is a %s (%q)", ErrNotANeed, code, e.Family.term(), e.Label)
	}
	return e, nil
}

// Prestation returns the entry of code if it is a service, direct or
// indirect (prestation directe or indirecte). The error wraps ErrUnknownCode
// or ErrNotAPrestation.
func (n *Nomenclature) Prestation(code string) (Entry, error) {
	e, ok := n.entries[code]
	if !ok {
		return Entry{}, fmt.Errorf("%w %q", ErrUnknownCode, code)
	}
	if e.Family != PrestationDirecte && e.Family != PrestationIndirecte {
		return Entry{}, fmt.Errorf("%w: %s is a %s (%q)", ErrNotAPrestation, code, e.Family.term(), e.Label)
	}
	return e, nil
}

// Children returns the entries whose parent is code, sorted by CompareCodes
// (1.1.9 before 1.1.10); nil for a leaf or an unknown code.
func (n *Nomenclature) Children(code string) []Entry {
	if code == "" { // "" keys the roots internally; it is no code
		return nil
	}
	return slices.Clone(n.children[code])
}

// Ancestors returns the entries above code, root first, code excluded:
// [1, 1.2, 1.2.1] for 1.2.1.3. It returns nil for a root or an unknown code.
func (n *Nomenclature) Ancestors(code string) []Entry {
	var up []Entry
	// Parse checked that every parent exists and is a strict prefix of its
	// child, so this walk ends.
	for p := n.entries[code].Parent; p != ""; p = n.entries[p].Parent {
		up = append(up, n.entries[p])
	}
	slices.Reverse(up)
	return up
}

// IsLeaf reports whether code is known and has no children: the most precise
// level of its branch.
func (n *Nomenclature) IsLeaf(code string) bool {
	_, ok := n.entries[code]
	return ok && len(n.children[code]) == 0
}

// All returns every entry of family f, sorted by CompareCodes; nil for an
// unknown family.
func (n *Nomenclature) All(f Family) []Entry {
	return slices.Clone(n.families[f])
}

// CompareCodes orders codes by their dot-separated segments compared as
// numbers, a parent before its children: 1.2.9 < 1.2.10 < 1.3. It returns
// -1, 0 or +1 and is a total order on all strings (for use with
// slices.SortFunc): numeric segments sort before any other, other segments
// compare as text, and codes equal segment by segment ("01" and "1") fall
// back to comparing as text.
func CompareCodes(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(as), len(bs)) {
		if c := compareSegment(as[i], bs[i]); c != 0 {
			return c
		}
	}
	if len(as) != len(bs) {
		if len(as) < len(bs) {
			return -1
		}
		return +1
	}
	return strings.Compare(a, b)
}

func compareSegment(x, y string) int {
	xn, yn := isDigits(x), isDigits(y)
	switch {
	case xn && yn:
		// Compare as numbers of any length: without leading zeros, the
		// shorter is the smaller; same length compares as text.
		x, y = strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
		if len(x) != len(y) {
			if len(x) < len(y) {
				return -1
			}
			return +1
		}
		return strings.Compare(x, y)
	case xn:
		return -1
	case yn:
		return +1
	}
	return strings.Compare(x, y)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validSegment reports whether s is a positive integer written without
// leading zeros, as every segment of a SERAFIN-PH code is.
func validSegment(s string) bool {
	return isDigits(s) && s[0] != '0'
}

func validCode(code string) bool {
	for seg := range strings.SplitSeq(code, ".") {
		if !validSegment(seg) {
			return false
		}
	}
	return true
}

//go:embed serafin-ph.csv
var embedded string

var parseDefault = sync.OnceValue(func() *Nomenclature {
	n, err := Parse(strings.NewReader(embedded))
	if err != nil {
		// The tests parse the same file; this cannot happen in a tested build.
		panic("serafin: embedded serafin-ph.csv: " + err.Error())
	}
	return n
})

// Default returns the nomenclature embedded in the binary (System, Version),
// parsed on first use and shared afterwards.
func Default() *Nomenclature { return parseDefault() }

var header = []string{"code", "parent", "family", "label"}

// Parse reads a nomenclature in the CSV form of serafin-ph.csv: a header
// line code,parent,family,label, then one entry per line. It checks every
// line and returns every problem it finds (joined with errors.Join, each
// naming its line): four columns; a code made of positive integers joined by
// dots; a known family; a non-empty label in valid UTF-8; codes unique; a
// root code of one segment with no parent, any other code equal to its
// parent followed by "." and a number; the parent present in the data and of
// the same family. A CSV syntax error stops the reading.
func Parse(r io.Reader) (*Nomenclature, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked below, to name the line and go on

	var errs []error
	bad := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("line %d: "+format, append([]any{line}, args...)...))
	}

	got, err := cr.Read()
	switch {
	case err == io.EOF:
		return nil, fmt.Errorf("parse SERAFIN-PH: no header, want %s", strings.Join(header, ","))
	case err != nil:
		return nil, fmt.Errorf("parse SERAFIN-PH: %w", err)
	case !slices.Equal(got, header):
		bad(1, "header %q, want %q", got, header)
	}

	type row struct {
		Entry
		line int
	}
	var rows []row
	lineOf := make(map[string]int) // code → line of its first row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A *csv.ParseError names its line; what follows it cannot be
			// trusted to be split into the rows the author meant.
			errs = append(errs, err)
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			bad(line, "%d columns, want %d (%s)", len(rec), len(header), strings.Join(header, ","))
			continue
		}
		e := Entry{Code: rec[0], Parent: rec[1], Family: Family(rec[2]), Label: rec[3]}

		if !e.Family.known() {
			bad(line, "code %q: family %q, want %s, %s or %s", e.Code, e.Family, Besoin, PrestationDirecte, PrestationIndirecte)
		}
		if strings.TrimSpace(e.Label) == "" {
			bad(line, "code %q: empty label", e.Code)
		} else if !utf8.ValidString(e.Label) {
			bad(line, "code %q: label is not valid UTF-8", e.Code)
		}
		if !validCode(e.Code) {
			bad(line, "code %q: want positive integers joined by dots (1.2.1.3)", e.Code)
			continue // nothing below means anything for it
		}
		if prev, dup := lineOf[e.Code]; dup {
			bad(line, "code %q already on line %d", e.Code, prev)
			continue
		}
		lineOf[e.Code] = line

		parent, child := parentOf(e.Code)
		switch {
		case !child && e.Parent != "":
			bad(line, "code %q has one segment, so is a root, but has parent %q", e.Code, e.Parent)
		case child && e.Parent == "":
			bad(line, "code %q has no parent, want %q", e.Code, parent)
		case child && e.Parent != parent:
			bad(line, "code %q is not its parent %q followed by \".\" and a number", e.Code, e.Parent)
		}
		rows = append(rows, row{e, line})
	}

	byCode := make(map[string]Entry, len(rows))
	for _, r := range rows {
		byCode[r.Code] = r.Entry
	}
	for _, r := range rows {
		if r.Parent == "" {
			continue
		}
		p, ok := byCode[r.Parent]
		switch {
		case !ok:
			bad(r.line, "code %q: parent %q is not in the data", r.Code, r.Parent)
		case p.Family != r.Family && p.Family.known() && r.Family.known():
			bad(r.line, "code %q is a %s but its parent %q (line %d) is a %s", r.Code, r.Family.term(), r.Parent, lineOf[r.Parent], p.Family.term())
		}
	}
	if len(errs) == 0 && len(rows) == 0 {
		return nil, errors.New("parse SERAFIN-PH: no entries")
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("parse SERAFIN-PH: %w", errors.Join(errs...))
	}

	n := &Nomenclature{
		entries:  byCode,
		children: make(map[string][]Entry),
		families: make(map[Family][]Entry),
	}
	for _, r := range rows {
		n.children[r.Parent] = append(n.children[r.Parent], r.Entry)
		n.families[r.Family] = append(n.families[r.Family], r.Entry)
	}
	byCodeOrder := func(a, b Entry) int { return CompareCodes(a.Code, b.Code) }
	for _, es := range n.children {
		slices.SortFunc(es, byCodeOrder)
	}
	for _, es := range n.families {
		slices.SortFunc(es, byCodeOrder)
	}
	return n, nil
}

// parentOf returns the parent a well-formed code must have: "1.2" for
// "1.2.10"; child is false for a root ("1").
func parentOf(code string) (parent string, child bool) {
	i := strings.LastIndexByte(code, '.')
	if i < 0 {
		return "", false
	}
	return code[:i], true
}
