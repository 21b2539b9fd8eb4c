package main

import (
	"strings"
	"testing"

	accessv1 "github.com/maillage/maillage/proto/maillage/access/v1"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// Sharing, audit and access driven from the command line against a real
// maillaged: a partner associated, a consent, the file read by the
// partner, then who saw it, its verification and its FHIR export.
func TestSharingAndAuditCommands(t *testing.T) {
	dir, addr := startMaillaged(t)
	coord := map[string]string{"MAILLAGE_DATA": dir, "MAILLAGE_ADDR": addr}
	person := ok(t, coord, &parcoursv1.EnrollPersonResponse{}, "enroll", "--as-org", "750000001", "--as-role", "coordinateur",
		"--birth-date", "2008-03-14", "--commune", "69123", "--public", "disability", "--protection", "none").GetPersonId()
	as := func(org, role string, args ...string) []string {
		return append(args, "--as-org", org, "--as-role", role, "--as-subject", role+"-"+org)
	}
	ok(t, coord, &parcoursv1.AssociatePartnerResponse{}, as("750000001", "coordinateur", "associate-partner", person,
		"--org", "750000004", "--name", "SAAD Les Mimosas", "--mission", "aide_domicile")...)
	consent := ok(t, coord, &parcoursv1.RecordSharingConsentResponse{}, as("750000001", "coordinateur", "consent", person,
		"--categories", "sante", "--org", "750000004")...)
	if consent.GetConsentId() == "" {
		t.Fatalf("consent = %v", consent)
	}
	view := ok(t, coord, &parcoursv1.GetCoordinatedViewResponse{}, as("750000004", "professionnel", "view", person,
		"--min-position", consent.GetPosition())...)
	if view.GetView().GetEnrolled().GetLegalProtection() != 0 {
		t.Errorf("the aide à domicile sees the legal protection: %v", view.GetView().GetEnrolled())
	}
	if r := ctl(t, coord, as("750000009", "coordinateur", "view", person)...); r.code == 0 || !strings.Contains(r.stderr, "PermissionDenied") {
		t.Errorf("view by an outsider: exit %d, stderr %q", r.code, r.stderr)
	}
	saw := ok(t, coord, &auditv1.ListDisclosuresResponse{}, as("750000001", "dpo", "who-saw", person)...)
	readers := map[string]bool{}
	for _, r := range saw.GetRecords() {
		readers[r.GetDisclosed().GetActor().GetOrganisationId()+"/"+r.GetDenied().GetActor().GetOrganisationId()] = true
	}
	if !readers["750000004/"] || !readers["/750000009"] {
		t.Errorf("who-saw lists %v; want the partner's read and the outsider's refusal", readers)
	}
	verified := ok(t, coord, &auditv1.VerifyAuditTrailResponse{}, as("750000001", "dpo", "verify-audit", person)...)
	if !verified.GetIntact() {
		t.Errorf("verify-audit = %v", verified)
	}
	export := ctl(t, coord, as("750000001", "dpo", "export-audit", person, "--fhir")...)
	if export.code != 0 || !strings.Contains(export.stdout, `"resourceType":"AuditEvent"`) {
		t.Errorf("export-audit --fhir: exit %d, stdout %q, stderr %q", export.code, export.stdout, export.stderr)
	}
	me := ok(t, coord, &accessv1.WhoAmIResponse{}, as("750000004", "professionnel", "whoami")...)
	if me.GetOrganisationId() != "750000004" || me.GetTokenId() == "" {
		t.Errorf("whoami = %v", me)
	}
}
