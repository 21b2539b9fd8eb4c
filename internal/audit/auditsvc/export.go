package auditsvc

import (
	"bytes"
	"encoding/json"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/kit"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// chunkSize is about how many bytes of lines one message carries.
const chunkSize = 64 << 10

// ExportAuditTrail streams the person's trail, one record per line.
func (s *Service) ExportAuditTrail(req *auditv1.ExportAuditTrailRequest, stream auditv1.AuditService_ExportAuditTrailServer) error {
	ctx := stream.Context()
	grant, err := s.allow(ctx, req.GetPersonId())
	if err != nil {
		return err
	}
	recs, err := s.cfg.Store.Read(ctx, audit.StreamOf(req.GetPersonId()), 1)
	if err != nil {
		return kit.Status(err)
	}
	// Audited before the first byte leaves.
	if err := s.cfg.Kit.Disclosed(ctx, kit.Disclosure{PersonID: req.GetPersonId(), Grant: grant,
		Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_AUDIT_EXPORT, Detail: req.GetFormat().String()}); err != nil {
		return kit.Status(err)
	}
	caller, _ := s.cfg.Kit.Caller(ctx)
	var buf bytes.Buffer
	for _, rec := range recs {
		r, err := s.record(rec)
		if err != nil {
			return kit.Status(err)
		}
		if !visibleTo(r, grant, caller.Organisation) {
			continue
		}
		line, err := exportLine(r, req.GetFormat())
		if err != nil {
			return kit.Status(err)
		}
		if line == nil {
			continue
		}
		buf.Write(line)
		buf.WriteByte('\n')
		if buf.Len() >= chunkSize {
			if err := stream.Send(&auditv1.ExportAuditTrailResponse{Data: bytes.Clone(buf.Bytes())}); err != nil {
				return err
			}
			buf.Reset()
		}
	}
	if buf.Len() > 0 {
		return stream.Send(&auditv1.ExportAuditTrailResponse{Data: buf.Bytes()})
	}
	return nil
}

func exportLine(r *auditv1.AuditRecord, f auditv1.ExportFormat) ([]byte, error) {
	if f != auditv1.ExportFormat_EXPORT_FORMAT_FHIR_AUDIT_EVENT {
		return protojson.MarshalOptions{UseProtoNames: true}.Marshal(r)
	}
	ev := fhirAuditEvent(r)
	if ev == nil {
		return nil, nil // a seal is no access: it has no AuditEvent
	}
	return json.Marshal(ev)
}

// FHIR R4 AuditEvent, as far as BALP's Basic Audit read pattern uses it.
type (
	coding struct {
		System  string `json:"system,omitempty"`
		Code    string `json:"code"`
		Display string `json:"display,omitempty"`
	}
	concept struct {
		Coding []coding `json:"coding,omitempty"`
		Text   string   `json:"text,omitempty"`
	}
	identifier struct {
		System string `json:"system,omitempty"`
		Value  string `json:"value"`
	}
	reference struct {
		Identifier *identifier `json:"identifier,omitempty"`
		Display    string      `json:"display,omitempty"`
	}
	agent struct {
		Type      *concept   `json:"type,omitempty"`
		Role      []concept  `json:"role,omitempty"`
		Who       *reference `json:"who"`
		Requestor bool       `json:"requestor"`
	}
	entity struct {
		What        *reference `json:"what"`
		Type        *coding    `json:"type,omitempty"`
		Role        *coding    `json:"role,omitempty"`
		Description string     `json:"description,omitempty"`
	}
	source struct {
		Observer reference `json:"observer"`
		Type     []coding  `json:"type"`
	}
	auditEvent struct {
		ResourceType   string           `json:"resourceType"`
		ID             string           `json:"id"`
		Meta           map[string]any   `json:"meta"`
		Type           coding           `json:"type"`
		Subtype        []coding         `json:"subtype"`
		Action         string           `json:"action"`
		Recorded       string           `json:"recorded"`
		Outcome        string           `json:"outcome"`
		OutcomeDesc    string           `json:"outcomeDesc,omitempty"`
		PurposeOfEvent []concept        `json:"purposeOfEvent,omitempty"`
		Agent          []agent          `json:"agent"`
		Source         source           `json:"source"`
		Entity         []entity         `json:"entity"`
		Extension      []map[string]any `json:"extension,omitempty"`
		_              struct{}         `json:"-"`
	}
)

// Identifier systems: Maillage's own, for the person's file, the
// organisations (FINESS or SIRET as written) and the professionals (token
// subjects).
const (
	personSystem       = "urn:maillage:person"
	organisationSystem = "urn:maillage:organisation"
	professionalSystem = "urn:maillage:professional"
	balpRead           = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead"
)

// fhirAuditEvent maps a disclosure or a refusal to an AuditEvent; nil for
// a seal.
func fhirAuditEvent(r *auditv1.AuditRecord) *auditEvent {
	var (
		id, person, method, requestID, detail string
		at                                    time.Time
		actor                                 *eventsv1.AuditActor
		outcome, outcomeDesc                  = "0", ""
		purpose                               eventsv1.DisclosurePurpose
		categories                            []eventsv1.InformationCategory
	)
	switch rec := r.GetRecord().(type) {
	case *auditv1.AuditRecord_Disclosed:
		d := rec.Disclosed
		id, person, method, requestID, detail = d.GetDisclosureId(), d.GetPersonId(), d.GetMethod(), d.GetRequestId(), d.GetDetail()
		at, actor, purpose, categories = d.GetOccurredAt().AsTime(), d.GetActor(), d.GetPurpose(), d.GetCategories()
	case *auditv1.AuditRecord_Denied:
		d := rec.Denied
		id, person, method, requestID = d.GetDenialId(), d.GetPersonId(), d.GetMethod(), d.GetRequestId()
		at, actor = d.GetOccurredAt().AsTime(), d.GetActor()
		outcome, outcomeDesc = "4", d.GetRule()+": "+d.GetReason()
	default:
		return nil
	}
	ev := &auditEvent{
		ResourceType: "AuditEvent", ID: id,
		Meta:     map[string]any{"profile": []string{balpRead}},
		Type:     coding{System: "http://terminology.hl7.org/CodeSystem/audit-event-type", Code: "rest", Display: "RESTful Operation"},
		Subtype:  []coding{{System: "http://hl7.org/fhir/restful-interaction", Code: "read", Display: "read"}},
		Action:   "R",
		Recorded: at.UTC().Format(time.RFC3339Nano),
		Outcome:  outcome, OutcomeDesc: outcomeDesc,
		Agent: []agent{
			{
				Type:      &concept{Coding: []coding{{System: "http://terminology.hl7.org/CodeSystem/extra-security-role-type", Code: "humanuser", Display: "human user"}}},
				Role:      []concept{{Text: actor.GetRole()}},
				Who:       &reference{Identifier: &identifier{System: professionalSystem, Value: actor.GetSubject()}, Display: actor.GetDisplayName()},
				Requestor: true,
			},
			{
				Type:      &concept{Coding: []coding{{System: "http://terminology.hl7.org/CodeSystem/provenance-participant-type", Code: "custodian", Display: "Custodian"}}},
				Who:       &reference{Identifier: &identifier{System: organisationSystem, Value: actor.GetOrganisationId()}},
				Requestor: false,
			},
		},
		Source: source{Observer: reference{Display: "Maillage " + method},
			Type: []coding{{System: "http://terminology.hl7.org/CodeSystem/security-source-type", Code: "4", Display: "Application Server"}}},
		Entity: []entity{
			{What: &reference{Identifier: &identifier{System: personSystem, Value: person}},
				Type:        &coding{System: "http://terminology.hl7.org/CodeSystem/audit-entity-type", Code: "1", Display: "Person"},
				Role:        &coding{System: "http://terminology.hl7.org/CodeSystem/object-role", Code: "1", Display: "Patient"},
				Description: categoryNames(categories)},
			{What: &reference{Identifier: &identifier{Value: requestID}},
				Type: &coding{System: "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType", Code: "XrequestId"}, Description: detail},
		},
	}
	if code := purposeCode(purpose); code != "" {
		ev.PurposeOfEvent = []concept{{Coding: []coding{{System: "http://terminology.hl7.org/CodeSystem/v3-ActReason", Code: code}}}}
	}
	return ev
}

func purposeCode(p eventsv1.DisclosurePurpose) string {
	switch p {
	case eventsv1.DisclosurePurpose_DISCLOSURE_PURPOSE_COORDINATION:
		return "TREAT"
	case eventsv1.DisclosurePurpose_DISCLOSURE_PURPOSE_INTEGRATION:
		return "HOPERAT"
	case eventsv1.DisclosurePurpose_DISCLOSURE_PURPOSE_AUDIT_REVIEW, eventsv1.DisclosurePurpose_DISCLOSURE_PURPOSE_EXPORT:
		return "HCOMPL"
	}
	return ""
}

func categoryNames(cs []eventsv1.InformationCategory) string {
	names := make([]byte, 0, 64)
	for i, c := range cs {
		if i > 0 {
			names = append(names, ", "...)
		}
		names = append(names, c.String()...)
	}
	return string(names)
}
