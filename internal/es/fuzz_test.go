package es_test

import (
	"testing"

	"github.com/maillage/maillage/internal/es"
)

// Position tokens come from integrators (min_position): any string must
// parse or fail cleanly, and a parsed token must print back to itself.
func FuzzParsePosition(f *testing.F) {
	for _, s := range []string{"", "1", "42", "7:3", "18446744073709551615", ":", "1:", "-1", "1:2:3", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := es.ParsePosition(s)
		if err != nil {
			return
		}
		back, err := es.ParsePosition(p.String())
		if err != nil || back != p {
			t.Fatalf("ParsePosition(%q) = %v, which prints as %q and parses back as %v, %v", s, p, p.String(), back, err)
		}
	})
}

// Stream names come from request ids: a valid one must map onto a category
// of lower-case letters and an id with no subject separator.
func FuzzValidateStream(f *testing.F) {
	for _, s := range []string{"parcours-01J", "a-b", "-x", "x-", "Parcours-1", "p-a.b", "p-*", "p->", "p-é", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if es.ValidateStream(s) != nil {
			return
		}
		cat := es.Category(s)
		if cat == "" || cat == s || len(s) > es.MaxStreamNameLen {
			t.Fatalf("ValidateStream accepted %q (category %q)", s, cat)
		}
		for _, r := range s {
			if r == '.' || r == '*' || r == '>' || r == ' ' || r > 127 {
				t.Fatalf("ValidateStream accepted %q with %q", s, r)
			}
		}
	})
}
