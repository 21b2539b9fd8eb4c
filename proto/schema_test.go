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
	} {
		if _, err := protoregistry.GlobalTypes.FindMessageByName(name); err != nil {
			t.Errorf("FindMessageByName(%q) = %v, want a registered event type", name, err)
		}
	}
	_ = eventsv1.File_maillage_events_v1_parcours_proto // links the events package
}

const (
	personID     = "01JD7Q6Z9X4V3W2T1S0R9Q8P7N"
	transitionID = "01JD7Q7A0B1C2D3E4F5G6H7J8K"
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
		{"get partner", &partnersv1.GetPartnerRequest{}, []string{"partner_id: required"}},
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
