package parcours

import (
	"errors"
	"testing"

	"github.com/maillage/maillage/internal/derrors"
)

// Page tokens come back from integrators: any string must give a person id
// to start after, or an InvalidArgument on page_token, never a panic; and a
// token we wrote reads back as the person id it carries, with its filters
// only.
func FuzzParsePageToken(f *testing.F) {
	mine := caseloadFilters{coordinator: "prof-42", onlyOpenRuptures: true}
	other := caseloadFilters{coordinator: "prof-42"}
	f.Add(pageToken("01JD0000000000000000000000", mine))
	f.Add("")
	f.Add("not base64!")
	f.Add("YzF8fA")
	f.Fuzz(func(t *testing.T, tok string) {
		after, err := parsePageToken(tok, mine)
		if err != nil {
			var inv *derrors.InvalidError
			if !errors.As(err, &inv) || inv.Violations[0].Field != "page_token" {
				t.Fatalf("parsePageToken(%q) = %v, want an invalid page_token", tok, err)
			}
			return
		}
		if after == "" {
			t.Fatalf("parsePageToken(%q) accepted a token with no person id", tok)
		}
		if back, err := parsePageToken(pageToken(after, mine), mine); err != nil || back != after {
			t.Fatalf("token for %q reads back as %q, %v", after, back, err)
		}
		if _, err := parsePageToken(pageToken(after, mine), other); err == nil {
			t.Fatalf("a token made for other filters was accepted")
		}
	})
}
