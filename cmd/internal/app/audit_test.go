package app_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

func export(t *testing.T, api auditv1.AuditServiceClient, person string, f auditv1.ExportFormat) [][]byte {
	t.Helper()
	s, err := api.ExportAuditTrail(ctxT(t), &auditv1.ExportAuditTrailRequest{PersonId: person, Format: f})
	mustNil(t, err)
	var data bytes.Buffer
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		mustNil(t, err)
		data.Write(chunk.GetData())
	}
	var lines [][]byte
	sc := bufio.NewScanner(&data)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	return lines
}

// Who saw the file is told, verified and exported; a forged record is
// found by the verification; a restart seals the trail.
func TestAuditTrailOverGRPC(t *testing.T) {
	f := openSharedFile(t)
	_, _ = f.view(t, homeHelp)
	_, _ = f.view(t, doctor)
	_, _ = f.view(t, outsider) // refused, and recorded as such
	api := auditv1.NewAuditServiceClient(f.m.client(t, dpo))

	who := map[string]eventsv1.LegalBasis{}
	denied := false
	for _, r := range f.trail(t) {
		if d := r.GetDisclosed(); d != nil && d.GetKind() == eventsv1.DisclosureKind_DISCLOSURE_KIND_VIEW {
			who[d.GetActor().GetSubject()+"@"+d.GetActor().GetOrganisationId()] = d.GetLegalBasis()
		}
		if r.GetDenied().GetRule() == "access.not_in_coordination" && r.GetDenied().GetActor().GetOrganisationId() == outsiderOrg {
			denied = true
		}
	}
	if who["aide-1@"+saadOrg] != eventsv1.LegalBasis_LEGAL_BASIS_MISSION || who["dr-1@"+ssiadOrg] != eventsv1.LegalBasis_LEGAL_BASIS_MISSION || !denied {
		t.Errorf("who saw the file: %v, outsider refused %v", who, denied)
	}
	// A partner's dpo sees what their own organisation accessed, not what
	// others saw of the person.
	saadDPO := auditv1.NewAuditServiceClient(f.m.client(t, auth.Principal{Subject: "dpo-saad", Organisation: saadOrg, Role: auth.RoleDPO}))
	own, err := saadDPO.ListDisclosures(ctxT(t), &auditv1.ListDisclosuresRequest{PersonId: f.person})
	mustNil(t, err)
	if len(own.GetRecords()) == 0 {
		t.Error("the partner's dpo sees none of their organisation's accesses")
	}
	for _, r := range own.GetRecords() {
		if a := r.GetDisclosed().GetActor(); a != nil && a.GetOrganisationId() != saadOrg {
			t.Errorf("the partner's dpo sees an access by %s", a.GetOrganisationId())
		}
	}
	// Only a dpo of an organisation taking part, or the coordination, reads it.
	for _, p := range []struct {
		name string
		cc   auditv1.AuditServiceClient
	}{
		{"partner professional", auditv1.NewAuditServiceClient(f.m.client(t, homeHelp))},
		{"outsider", auditv1.NewAuditServiceClient(f.m.client(t, outsider))},
		{"administrateur", auditv1.NewAuditServiceClient(f.m.client(t, administrator))},
	} {
		_, err := p.cc.ListDisclosures(ctxT(t), &auditv1.ListDisclosuresRequest{PersonId: f.person})
		wantCode(t, err, codes.PermissionDenied)
		_, err = p.cc.VerifyAuditTrail(ctxT(t), &auditv1.VerifyAuditTrailRequest{PersonId: f.person})
		wantCode(t, err, codes.PermissionDenied)
		s, err := p.cc.ExportAuditTrail(ctxT(t), &auditv1.ExportAuditTrailRequest{PersonId: f.person})
		if err == nil {
			_, err = s.Recv()
		}
		wantCode(t, err, codes.PermissionDenied)
	}
	_, err = auditv1.NewAuditServiceClient(f.m.client(t, coordinatrice)).VerifyAuditTrail(ctxT(t), &auditv1.VerifyAuditTrailRequest{PersonId: f.person})
	mustNil(t, err)

	rep, err := api.VerifyAuditTrail(ctxT(t), &auditv1.VerifyAuditTrailRequest{PersonId: f.person})
	mustNil(t, err)
	if !rep.GetIntact() || rep.GetRecords() < 5 {
		t.Fatalf("verification of an untouched trail = %v", rep)
	}

	lines := export(t, api, f.person, auditv1.ExportFormat_EXPORT_FORMAT_JSON_LINES)
	fhir := export(t, api, f.person, auditv1.ExportFormat_EXPORT_FORMAT_FHIR_AUDIT_EVENT)
	// Each export is recorded before its first line: the FHIR export has
	// one more record than the JSON one; seals have no AuditEvent.
	seals := 0
	for _, l := range lines {
		if bytes.Contains(l, []byte(`"sealed"`)) {
			seals++
		}
	}
	if len(lines) != int(rep.GetRecords())+1 || len(fhir) != len(lines)+1-seals {
		t.Fatalf("exported %d JSON lines (%d seals) and %d AuditEvents for %d records", len(lines), seals, len(fhir), rep.GetRecords())
	}
	for _, l := range fhir {
		var ev struct {
			ResourceType string `json:"resourceType"`
			Action       string `json:"action"`
			Agent        []struct {
				Requestor bool `json:"requestor"`
			} `json:"agent"`
			Entity []struct {
				What struct {
					Identifier struct{ Value string } `json:"identifier"`
				} `json:"what"`
			} `json:"entity"`
		}
		if err := json.Unmarshal(l, &ev); err != nil || ev.ResourceType != "AuditEvent" || ev.Action != "R" || len(ev.Agent) != 2 ||
			!ev.Agent[0].Requestor || ev.Entity[0].What.Identifier.Value != f.person {
			t.Fatalf("AuditEvent line %s: %v", l, err)
		}
	}

	// Someone with write access to the store forges a disclosure.
	store := f.m.app.Trails()
	forged, _ := decider.Encode(&eventsv1.InformationDisclosed{DisclosureId: "forged", PersonId: f.person,
		Chain: &eventsv1.AuditChainLink{Sequence: 999, PreviousHash: []byte("not the hash")}})
	_, err = store.Append(ctxT(t), audit.StreamOf(f.person), es.Any, es.AppendRequest{Events: []es.EventData{forged}})
	mustNil(t, err)
	rep, err = api.VerifyAuditTrail(ctxT(t), &auditv1.VerifyAuditTrailRequest{PersonId: f.person})
	mustNil(t, err)
	if rep.GetIntact() || len(rep.GetProblems()) == 0 {
		t.Fatalf("verification after a forged record = %v, want it found", rep)
	}
}

// A trail left unsealed is sealed when maillaged stops, and a restarted
// maillaged goes on with the same chain.
func TestAuditTrailSealedAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	f := openSharedFileIn(t, dir)
	_, _ = f.view(t, homeHelp)
	mustNil(t, f.m.stop())
	f.m = start(t, dir, time.Now)
	waitServing(t, f.m.client(t, coordinatrice), auditv1.AuditService_ServiceDesc.ServiceName)
	waitServing(t, f.m.client(t, coordinatrice), "maillage.parcours.v1.ParcoursService")
	api := auditv1.NewAuditServiceClient(f.m.client(t, dpo))
	rep, err := api.VerifyAuditTrail(ctxT(t), &auditv1.VerifyAuditTrailRequest{PersonId: f.person})
	mustNil(t, err)
	// Verifying is itself recorded after the report: the seal covered
	// everything written before the stop.
	if !rep.GetIntact() || rep.GetSealedThrough() != rep.GetRecords()-1 {
		t.Fatalf("after a restart: %v, want intact and sealed through the record before the seal", rep)
	}
	_, _ = f.view(t, doctor)
	rep, err = api.VerifyAuditTrail(ctxT(t), &auditv1.VerifyAuditTrailRequest{PersonId: f.person})
	mustNil(t, err)
	if !rep.GetIntact() {
		t.Fatalf("the chain after a restart: %v", rep)
	}
}
