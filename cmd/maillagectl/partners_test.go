package main

import (
	"encoding/json"
	"strings"
	"testing"

	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// The directory driven from the command line against a real maillaged:
// the sample FINESS extract imported (twice: the second changes nothing),
// a partner registered by hand, its places set by itself, and searches.
func TestPartnersCommands(t *testing.T) {
	dir, addr := startMaillaged(t)
	env := map[string]string{"MAILLAGE_DATA": dir, "MAILLAGE_ADDR": addr}
	coord := []string{"--as-org", "750000001", "--as-role", "coordinateur"}
	sample := "../../services/partners/finess/testdata/etalab-cs1100507-stock-sample.csv"

	for round, want := range []importReport{{Establishments: 45, Registered: 45}, {Establishments: 45, Unchanged: 45}} {
		r := ctl(t, env, append([]string{"import-finess", sample, "--quiet"}, coord...)...)
		var got importReport
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &got) != nil {
			t.Fatalf("import-finess (round %d): exit %d, stdout %q, stderr %q", round, r.code, r.stdout, r.stderr)
		}
		if got.Establishments != want.Establishments || got.Registered != want.Registered || got.Unchanged != want.Unchanged ||
			got.Updated != 0 || len(got.Rejected) != 8 || got.Position == "" {
			t.Errorf("import-finess (round %d) = %+v; want %d registered, %d unchanged, and the 8 bad lines rejected", round, got, want.Registered, want.Unchanged)
		}
	}

	ok(t, env, &partnersv1.RegisterPartnerResponse{}, append([]string{"register-partner", "35000000100015", "--name", "Club de sport adapté",
		"--kind", "droit-commun", "--commune", "35238", "--city", "Rennes", "--lat", "48.1090", "--lon", "-1.6700", "--offers", "2.3.4.2",
		"--mission", "vie_sociale", "--places", "12", "--available", "3"}, coord...)...)
	ok(t, env, &partnersv1.UpdateCapacityResponse{}, "update-capacity", "35000000100015", "--places", "12", "--available", "0",
		"--as-org", "35000000100015", "--as-role", "professionnel")
	found := ok(t, env, &partnersv1.SearchPartnersResponse{}, append([]string{"search-partners", "--prestation", "2.3.4", "--near", "48.11,-1.68",
		"--radius", "20"}, coord...)...)
	var names []string
	for _, r := range found.GetResults() {
		names = append(names, r.GetPartner().GetDisplayName())
	}
	if len(names) < 2 || !strings.Contains(strings.Join(names, "|"), "Club de sport adapté") {
		t.Errorf("search near Rennes for 2.3.4 found %v; want the imported services and the club", names)
	}
	full := ok(t, env, &partnersv1.SearchPartnersResponse{}, append([]string{"search-partners", "--prestation", "2.3.4", "--near", "48.11,-1.68",
		"--radius", "20", "--available"}, coord...)...)
	for _, r := range full.GetResults() {
		if r.GetPartner().GetOrganisationId() == "35000000100015" {
			t.Errorf("the club, with no place left, is among the partners with places")
		}
	}
	if r := ctl(t, env, append([]string{"search-partners", "--near", "48.11"}, coord...)...); r.code == 0 || !strings.Contains(r.stderr, "LAT,LON") {
		t.Errorf("--near without a longitude: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := ctl(t, env, append([]string{"partner", "350000015"}, coord...)...); r.code == 0 || !strings.Contains(r.stderr, "NotFound") {
		t.Errorf("partner unknown: exit %d, stderr %q", r.code, r.stderr)
	}
}
