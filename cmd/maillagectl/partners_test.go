package main

import (
	"encoding/json"
	"strings"
	"testing"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
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

// A solicitation from the command line: the coordination asks the club,
// the club accepts with its own token, the view shows the engagement.
func TestSolicitationCommands(t *testing.T) {
	dir, addr := startMaillaged(t)
	env := map[string]string{"MAILLAGE_DATA": dir, "MAILLAGE_ADDR": addr}
	coord := []string{"--as-org", "750000001", "--as-role", "coordinateur", "--as-subject", "claire"}
	club := []string{"--as-org", "35000000100015", "--as-role", "professionnel"}
	person := ok(t, env, &parcoursv1.EnrollPersonResponse{}, append([]string{"enroll", "--birth-date", "2004-05-01", "--commune", "35238",
		"--public", "disability", "--protection", "none"}, coord...)...).GetPersonId()
	ok(t, env, &parcoursv1.AssignCoordinatorResponse{}, append([]string{"assign-coordinator", person, "--professional", "claire",
		"--org", "750000001", "--name", "Claire Martin"}, coord...)...)
	ok(t, env, &partnersv1.RegisterPartnerResponse{}, append([]string{"register-partner", "35000000100015", "--name", "Club de sport adapté",
		"--kind", "droit-commun", "--commune", "35238", "--offers", "2.3.4.2", "--mission", "vie_sociale"}, coord...)...)
	// The club is outside her coordination: she consents to it being told.
	consent := ok(t, env, &parcoursv1.RecordSharingConsentResponse{}, append([]string{"consent", person, "--categories", "identite,projet",
		"--org", "35000000100015"}, coord...)...)
	sent := ok(t, env, &partnersv1.SendSolicitationResponse{}, append([]string{"solicit", person, "--to", "35000000100015",
		"--prestation", "2.3.4.2", "--share", "identite,projet", "--basis", "consent", "--consent", consent.GetConsentId(),
		"--message", "Activités de loisirs en groupe."}, coord...)...)
	pending := ok(t, env, &partnersv1.ListSolicitationsResponse{}, append([]string{"solicitations", "--pending", "--min-position", sent.GetPosition()}, club...)...)
	if len(pending.GetSolicitations()) != 1 {
		t.Fatalf("the club's pending solicitations: %v", pending)
	}
	accepted := ok(t, env, &partnersv1.AcceptSolicitationResponse{}, append([]string{"accept", sent.GetSolicitationId(), "--frequency", "le mercredi"}, club...)...)
	view := ok(t, env, &parcoursv1.GetCoordinatedViewResponse{}, append([]string{"view", person, "--min-position", accepted.GetPosition()}, coord...)...)
	if len(view.GetView().GetEngagements()) != 1 || view.GetView().GetEngagements()[0].GetEngagementId() != accepted.GetEngagementId() {
		t.Fatalf("the view's engagements: %v", view.GetView().GetEngagements())
	}
	ok(t, env, &partnersv1.EndEngagementResponse{}, append([]string{"engagement", sent.GetSolicitationId(), "end", "--outcome", "done",
		"--end-reason", "objective-reached"}, club...)...)
	if r := ctl(t, env, append([]string{"coverage", "--departement", "35", "--csv"}, coord...)...); r.code != 0 ||
		!strings.HasPrefix(r.stdout, "besoin,libelle,personnes,couvertes,offre_a_proximite,sans_reponse,sans_localisation,prestations_repondant\n") {
		t.Errorf("coverage --csv: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
