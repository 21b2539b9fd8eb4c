package proto_test

import (
	"errors"
	"slices"
	"testing"

	"buf.build/go/protovalidate"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	meetingsv1 "github.com/maillage/maillage/proto/maillage/meetings/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// TestEventTypeNames pins the full names of stored event types: the event
// store records them, so a rename would orphan every stored event.
func TestEventTypeNames(t *testing.T) {
	t.Parallel()
	for _, name := range []protoreflect.FullName{
		"maillage.events.v1.PersonEnrolled",
		"maillage.events.v1.CoordinatorAssigned",
		"maillage.events.v1.TransitionAnticipated",
		"maillage.events.v1.RuptureDetected",
		"maillage.events.v1.PersonDischarged",
		"maillage.events.v1.ReferentAssigned",
		"maillage.events.v1.CoordinationRoleReleased",
		"maillage.events.v1.CoordinationLevelSet",
		"maillage.events.v1.EntourageMemberAdded",
		"maillage.events.v1.EntourageMemberUpdated",
		"maillage.events.v1.EntourageMemberRemoved",
		"maillage.events.v1.LifeProjectExpressed",
		"maillage.events.v1.NeedIdentified",
		"maillage.events.v1.NeedClosed",
		"maillage.events.v1.ObjectiveSet",
		"maillage.events.v1.ActionPlanned",
		"maillage.events.v1.ActionCompleted",
		"maillage.events.v1.PlanValidated",
		"maillage.events.v1.PlanReviewScheduled",
		"maillage.events.v1.ObjectiveEvaluated",
		"maillage.events.v1.RightsNotified",
		"maillage.events.v1.TransitionRescheduled",
		"maillage.events.v1.TransitionCompleted",
		"maillage.events.v1.TransitionCancelled",
		"maillage.events.v1.RuptureRiskRaised",
		"maillage.events.v1.RuptureResolved",
	} {
		if _, err := protoregistry.GlobalTypes.FindMessageByName(name); err != nil {
			t.Errorf("FindMessageByName(%q) = %v, want a registered event type", name, err)
		}
	}
	// Links the events package, every file of it.
	_ = []protoreflect.FileDescriptor{
		eventsv1.File_maillage_events_v1_parcours_proto,
		eventsv1.File_maillage_events_v1_parcours_roles_proto,
		eventsv1.File_maillage_events_v1_parcours_entourage_proto,
		eventsv1.File_maillage_events_v1_parcours_needs_proto,
		eventsv1.File_maillage_events_v1_parcours_plan_proto,
		eventsv1.File_maillage_events_v1_parcours_rights_proto,
	}
}

const (
	personID     = "01JD7Q6Z9X4V3W2T1S0R9Q8P7N"
	transitionID = "01JD7Q7A0B1C2D3E4F5G6H7J8K"
	objectiveID  = "01JD7Q8B1C2D3E4F5G6H7J8K9M"
	memberID     = "01JD7Q9C2D3E4F5G6H7J8K9M0N"
	partnerID    = "01JD7QAD3E4F5G6H7J8K9M0N1P"
)

func validEnroll() *parcoursv1.EnrollPersonRequest {
	return &parcoursv1.EnrollPersonRequest{
		RequestId: "req-1",
		BirthDate: "2009-04-17",
		Domicile: &parcoursv1.Domicile{
			CommuneInsee: "2A004",
			Latitude:     proto.Float64(41.9192),
			Longitude:    proto.Float64(8.7386),
		},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY,
		LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE,
	}
}

// TestValidation checks that the constraints declared in the schemas compile
// with the protovalidate version the services use, and say what they mean.
func TestValidation(t *testing.T) {
	t.Parallel()
	v, err := protovalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		msg  proto.Message
		want []string // "field path: rule id", sorted; nil when valid
	}{
		{"enrol, minimal", validEnroll(), nil},
		{"enrol, everything", with(validEnroll(), func(m *parcoursv1.EnrollPersonRequest) {
			m.PersonId = personID
			m.ExpectedVersion = proto.Uint64(0)
			m.Ins = proto.String("180127511200142")
			m.RequestOrigin = "MDPH"
		}), nil},
		{"enrol, empty", &parcoursv1.EnrollPersonRequest{}, []string{
			"birth_date: required",
			"domicile: required",
			"legal_protection: required",
			"public_concerned: required",
			"request_id: required",
		}},
		{"enrol, malformed", with(validEnroll(), func(m *parcoursv1.EnrollPersonRequest) {
			m.RequestId = "req 1"
			m.PersonId = "01jd7q6z9x4v3w2t1s0r9q8p7n"
			m.ExpectedVersion = proto.Uint64(3)
			m.Ins = proto.String("")
			m.BirthDate = "17/04/2009"
			m.Domicile = &parcoursv1.Domicile{CommuneInsee: "2C004", Latitude: proto.Float64(91)}
			m.PublicConcerned = 42
		}), []string{
			"birth_date: string.pattern",
			"domicile.commune_insee: string.pattern",
			"domicile.latitude: double.gte_lte",
			"domicile: domicile.coordinates_together",
			"expected_version: uint64.const",
			"ins: string.pattern",
			"person_id: string.pattern",
			"public_concerned: enum.defined_only",
			"request_id: string.pattern",
		}},
		{"assign coordinator, FINESS", &parcoursv1.AssignCoordinatorRequest{
			RequestId: "r", PersonId: personID, ProfessionalId: "10003456789",
			OrganisationId: "2A0000154", DisplayName: "Claire Martin",
		}, nil},
		{"assign coordinator, SIRET", &parcoursv1.AssignCoordinatorRequest{
			RequestId: "r", PersonId: personID, ProfessionalId: "p",
			OrganisationId: "12345678900012", DisplayName: "Claire Martin",
		}, nil},
		{"assign coordinator, bad organisation", &parcoursv1.AssignCoordinatorRequest{
			RequestId: "r", PersonId: personID, ProfessionalId: "p",
			OrganisationId: "1234567890", DisplayName: "Claire Martin",
		}, []string{"organisation_id: string.pattern"}},
		{"anticipate transition", &parcoursv1.AnticipateTransitionRequest{
			RequestId: "r", PersonId: personID,
			Kind:        eventsv1.TransitionKind_TRANSITION_KIND_PASSAGE_ADULTE,
			FromSetting: "IME Les Tilleuls", ToSetting: "FAM du Val",
			PlannedDate: "2027-09-01",
		}, nil},
		{"anticipate transition, unspecified kind", &parcoursv1.AnticipateTransitionRequest{
			RequestId: "r", PersonId: personID,
			FromSetting: "domicile", ToSetting: "EHPAD",
			PlannedDate: "2027-13-01", ReceivingPartnerId: "partner-1",
		}, []string{
			"kind: required",
			"planned_date: string.pattern",
			"receiving_partner_id: string.pattern",
		}},
		{"report rupture", &parcoursv1.ReportRuptureRequest{
			RequestId: "r", PersonId: personID,
			Kind:        eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED,
			Description: "Sortie d'hospitalisation sans accueil confirmé.",
			DetectedOn:  "2026-11-22", TransitionId: transitionID,
		}, nil},
		{"get view as of", &parcoursv1.GetCoordinatedViewRequest{
			PersonId: personID, MinPosition: "opaque", AsOf: timestamppb.Now(),
		}, nil},
		{"get view, no person", &parcoursv1.GetCoordinatedViewRequest{}, []string{"person_id: required"}},
		{"identify need", &parcoursv1.IdentifyNeedRequest{
			RequestId: "r", PersonId: personID, NeedCode: "1.2.1.3",
			Description: "Se déplacer seul jusqu'au lycée.",
		}, nil},
		{"identify need, bad code", &parcoursv1.IdentifyNeedRequest{
			RequestId: "r", PersonId: personID, NeedCode: "1.2.",
		}, []string{"need_code: string.pattern"}},
		{"plan action, partner and prestation", &parcoursv1.PlanActionRequest{
			RequestId: "r", PersonId: personID, ObjectiveId: objectiveID,
			Description: "Entraînement au trajet en bus.",
			Responsible: &parcoursv1.Responsible{
				Who:         &parcoursv1.Responsible_PartnerId{PartnerId: partnerID},
				DisplayName: "SESSAD Les Lilas",
			},
			DueDate: "2027-01-15", PrestationCode: "2.3.1.1",
		}, nil},
		{"plan action, the person themself", &parcoursv1.PlanActionRequest{
			RequestId: "r", PersonId: personID, ObjectiveId: objectiveID,
			Description: "S'inscrire au club de foot.",
			Responsible: &parcoursv1.Responsible{
				Who: &parcoursv1.Responsible_Person{Person: true}, DisplayName: "Léa",
			},
			DueDate: "2027-01-15",
		}, nil},
		{"plan action, malformed", &parcoursv1.PlanActionRequest{
			RequestId: "r", PersonId: personID, ObjectiveId: objectiveID,
			Description: "Appeler la MDPH.",
			Responsible: &parcoursv1.Responsible{
				Who: &parcoursv1.Responsible_Professional{Professional: &parcoursv1.Professional{
					ProfessionalId: "p", OrganisationId: "1234",
				}},
			},
			DueDate: "2027-02-30x", PrestationCode: "2.x",
		}, []string{
			"due_date: string.pattern",
			"prestation_code: string.pattern",
			"responsible.display_name: required",
			"responsible.professional.organisation_id: string.pattern",
		}},
		{"plan action, nobody responsible", &parcoursv1.PlanActionRequest{
			RequestId: "r", PersonId: personID, ObjectiveId: objectiveID,
			Description: "Appeler la MDPH.",
			Responsible: &parcoursv1.Responsible{DisplayName: "?"},
			DueDate:     "2027-02-01",
		}, []string{"responsible.who: required"}},
		{"list caseload, defaults", &parcoursv1.ListCaseloadRequest{}, nil},
		{"list caseload, filters", &parcoursv1.ListCaseloadRequest{
			CoordinatorProfessionalId: "10003456789", OrganisationId: "2A0000154",
			OnlyOpenRuptures: true, TransitionsWithinDays: 90, OnlyOverdueReviews: true,
			OnlyOverdueActions: true, IncludeDischarged: true, PageSize: 500, PageToken: "opaque",
		}, nil},
		{"list caseload, out of range", &parcoursv1.ListCaseloadRequest{
			OrganisationId: "PCPE", TransitionsWithinDays: 731, PageSize: 501,
		}, []string{
			"organisation_id: string.pattern",
			"page_size: int32.gte_lte",
			"transitions_within_days: uint32.lte",
		}},
		{"discharge person", &parcoursv1.DischargePersonRequest{
			RequestId: "r", PersonId: personID, ExpectedVersion: proto.Uint64(12),
			Reason:       eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN,
			DischargedOn: "2026-11-30",
		}, nil},
		{"discharge person, other with no note", &parcoursv1.DischargePersonRequest{
			RequestId: "r", PersonId: personID,
			Reason:       eventsv1.DischargeReason_DISCHARGE_REASON_OTHER,
			DischargedOn: "30/11/2026",
		}, []string{
			": discharge_person.note_when_other",
			"discharged_on: string.pattern",
		}},
		{"discharge person, no reason", &parcoursv1.DischargePersonRequest{
			RequestId: "r", PersonId: personID, DischargedOn: "2026-11-30",
		}, []string{"reason: required"}},
		{"add entourage member, bad roles", &parcoursv1.AddEntourageMemberRequest{
			RequestId: "r", PersonId: personID, DisplayName: "Nadia Haddad", Relationship: "mère",
			Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY,
			Circle:   eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
			Roles: []eventsv1.EntourageRole{
				eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER,
				eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER,
				eventsv1.EntourageRole_ENTOURAGE_ROLE_UNSPECIFIED,
			},
		}, []string{"roles: repeated.unique", "roles[2]: enum.not_in"}},
		{"validate plan by the representative, no member", &parcoursv1.ValidatePlanRequest{
			RequestId: "r", PersonId: personID,
			ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE, ValidatedOn: "2026-11-30",
		}, []string{": validate_plan.representative_member_id"}},
		{"validate plan by the person, with a member", &parcoursv1.ValidatePlanRequest{
			RequestId: "r", PersonId: personID, RepresentativeMemberId: memberID,
			ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON, ValidatedOn: "2026-11-30",
		}, []string{": validate_plan.representative_member_id"}},
		{"express life project by the representative", &parcoursv1.ExpressLifeProjectRequest{
			RequestId: "r", PersonId: personID, Text: "Vivre près de ma sœur.",
			ExpressedBy:            eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_LEGAL_REPRESENTATIVE,
			RepresentativeMemberId: memberID,
		}, nil},
		{"close need, other with no note", &parcoursv1.CloseNeedRequest{
			RequestId: "r", PersonId: personID, NeedId: objectiveID,
			Reason: eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_OTHER,
		}, []string{": close_need.note_when_other"}},
		{"set objective, no need", &parcoursv1.SetObjectiveRequest{
			RequestId: "r", PersonId: personID, Statement: "Aller seul au lycée.",
			Indicator: "trajets seuls par semaine", DueDate: "2027-06-30",
		}, []string{"need_ids: repeated.min_items"}},
		{"notify rights, no end", &parcoursv1.NotifyRightsRequest{
			RequestId: "r", PersonId: personID, Decision: eventsv1.MdphDecision_MDPH_DECISION_AAH,
			StartDate: "2026-01-01",
		}, nil},
		{"notify rights, ends before it starts", &parcoursv1.NotifyRightsRequest{
			RequestId: "r", PersonId: personID, Decision: eventsv1.MdphDecision_MDPH_DECISION_OTHER,
			StartDate: "2026-01-01", EndDate: "2025-12-31",
		}, []string{": notify_rights.detail_when_other", ": notify_rights.end_after_start"}},
		{"get partner", &partnersv1.GetPartnerRequest{}, []string{"organisation_id: required"}},
		{"search partners, a need as prestation and a bad radius", &partnersv1.SearchPartnersRequest{PrestationCode: "1.1 ", RadiusKm: 501},
			[]string{"prestation_code: string.pattern", "radius_km: double.gte_lte"}},
		{"a coverage radius off the steps", &partnersv1.GetTerritorialCoverageRequest{Departement: "35", RadiusKm: 7},
			[]string{"radius_km: double.in"}},
		{"send a solicitation to nobody", &partnersv1.SendSolicitationRequest{RequestId: "r", PersonId: personID, PrestationCode: "2.3.4",
			Message: "m", SharedCategories: []eventsv1.InformationCategory{eventsv1.InformationCategory_INFORMATION_CATEGORY_IDENTITE},
			LegalBasis: eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT}, []string{"organisation_ids: repeated.min_items"}},
		{"get meeting", &meetingsv1.GetMeetingRequest{MeetingId: personID}, nil},
		{"list notifications", &notificationsv1.ListNotificationsRequest{PageSize: 101}, []string{"page_size: int32.gte_lte"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := violations(t, v.Validate(tt.msg))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate(%v) violations (-want +got):\n%s", tt.msg, diff)
			}
		})
	}
}

func with[M proto.Message](m M, edit func(M)) M {
	edit(m)
	return m
}

func violations(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *protovalidate.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate: %v, want nil or a *protovalidate.ValidationError", err)
	}
	var got []string
	for _, v := range ve.Violations {
		got = append(got, protovalidate.FieldPathString(v.Proto.GetField())+": "+v.Proto.GetRuleId())
	}
	slices.Sort(got)
	return got
}
