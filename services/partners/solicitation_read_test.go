package partners_test

import (
	"errors"
	"testing"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
	"github.com/maillage/maillage/services/partners"
)

// Who reads a solicitation is decided on the file as stored now: the
// coordination of the moment, a partner while it answers or is engaged,
// and only as far as the person allows today.
func TestWhoReadsASolicitation(t *testing.T) {
	t.Parallel()
	const newHolder, entity, stranger = "130000016", "350000030", "330000019"
	pending := func() *partnersv1.Solicitation {
		return &partnersv1.Solicitation{SolicitationId: solID, PersonId: person, SenderOrganisationId: coordination,
			SharedCategories: []eventsv1.InformationCategory{access.Identite, access.Projet},
			LegalBasis:       eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_INFORMED_NO_OPPOSITION,
			State:            partnersv1.SolicitationState_SOLICITATION_STATE_PENDING,
			Answers:          []*partnersv1.Answer{{OrganisationId: foyer}, {OrganisationId: savs}}}
	}
	declinedBySavs := func() *partnersv1.Solicitation {
		s := pending()
		s.Answers[1].Declined = eventsv1.DeclineReason_DECLINE_REASON_NO_PLACE
		return s
	}
	engagedFoyer := func(state partnersv1.EngagementState) func() *partnersv1.Solicitation {
		return func() *partnersv1.Solicitation {
			s := pending()
			s.State, s.Answers[0].Accepted = partnersv1.SolicitationState_SOLICITATION_STATE_ACCEPTED, true
			s.Engagement = &partnersv1.Engagement{State: state}
			return s
		}
	}
	underConsent := func() *partnersv1.Solicitation {
		s := pending()
		s.LegalBasis, s.ConsentId = eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT, "C1"
		return s
	}
	handedOver := func(t access.Team) access.Team {
		t.Holder, t.Coordinator = newHolder, &access.Professional{Subject: "prof-9", Organisation: newHolder}
		return t
	}
	opposedBy := func(org string, c access.Categories) func(access.Team) access.Team {
		return func(t access.Team) access.Team {
			t.Oppositions = map[string]access.Opposition{"O1": {ID: "O1", Organisation: org, Categories: c}}
			return t
		}
	}
	withdrawn := func(t access.Team) access.Team { t.Consents = nil; return t }
	expired := func(t access.Team) access.Team {
		t.Consents = map[string]access.Consent{"C1": {ID: "C1", Categories: access.All, ExpiresOn: "2026-11-01"}}
		return t
	}
	same := func(t access.Team) access.Team { return t }

	for _, c := range []struct {
		name   string
		reader string
		sol    func() *partnersv1.Solicitation
		file   func(access.Team) access.Team
		basis  eventsv1.LegalBasis // UNSPECIFIED: denied
		rule   string
	}{
		{"the coordination that sent it", coordination, pending, same, eventsv1.LegalBasis_LEGAL_BASIS_MISSION, ""},
		{"the coordination it was handed over to", newHolder, pending, handedOver, eventsv1.LegalBasis_LEGAL_BASIS_MISSION, ""},
		{"not the sender once it handed over", coordination, pending, handedOver, 0, "solicitation.handed_over"},
		{"a partner asked that may answer", savs, pending, same, eventsv1.LegalBasis_LEGAL_BASIS_INFORMED_NO_OPPOSITION, ""},
		{"the legal entity of a partner asked", entity, pending, same, eventsv1.LegalBasis_LEGAL_BASIS_INFORMED_NO_OPPOSITION, ""},
		{"not a partner that declined", savs, declinedBySavs, same, 0, "solicitation.closed_to_partner"},
		{"not a partner not chosen", savs, engagedFoyer(partnersv1.EngagementState_ENGAGEMENT_STATE_ACTIVE), same, 0, "solicitation.closed_to_partner"},
		{"the partner engaged", foyer, engagedFoyer(partnersv1.EngagementState_ENGAGEMENT_STATE_SUSPENDED), same,
			eventsv1.LegalBasis_LEGAL_BASIS_INFORMED_NO_OPPOSITION, ""},
		{"not once its engagement ended", foyer, engagedFoyer(partnersv1.EngagementState_ENGAGEMENT_STATE_ENDED), same, 0, "solicitation.closed_to_partner"},
		{"not after the person opposed sharing it with the partner", savs, pending, opposedBy(savs, access.Of(access.Projet)), 0, "solicitation.opposed"},
		{"not after the person opposed sharing it with anyone", savs, pending, opposedBy("", access.Of(access.Identite)), 0, "solicitation.opposed"},
		{"an opposition on what it does not share", savs, pending, opposedBy(savs, access.Of(access.Sante)),
			eventsv1.LegalBasis_LEGAL_BASIS_INFORMED_NO_OPPOSITION, ""},
		{"under the consent in force", savs, underConsent, same, eventsv1.LegalBasis_LEGAL_BASIS_CONSENT, ""},
		{"not once the consent is withdrawn", savs, underConsent, withdrawn, 0, "solicitation.consent_ended"},
		{"not once the consent expired", savs, underConsent, expired, 0, "solicitation.consent_ended"},
		{"not another organisation", stranger, pending, same, 0, "solicitation.not_a_party"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := partners.SolicitationReading{Caller: access.Caller{Subject: "x", Organisation: c.reader}, Team: c.file(team()), Today: "2026-11-02",
				LegalEntityOf: func(org string) string {
					if org == savs {
						return entity
					}
					return ""
				}}
			d, err := partners.MayRead(r, c.sol())
			var denied *derrors.DeniedError
			switch {
			case c.basis == 0 && (!errors.As(err, &denied) || denied.Rule != c.rule):
				t.Fatalf("MayRead = %v, want denied by %s", err, c.rule)
			case c.basis != 0 && err != nil:
				t.Fatalf("MayRead = %v, want read under %s", err, c.basis)
			case c.basis != 0 && d.LegalBasis != c.basis:
				t.Fatalf("read under %s, want %s", d.LegalBasis, c.basis)
			case c.basis == eventsv1.LegalBasis_LEGAL_BASIS_CONSENT && (len(d.ConsentIDs) != 1 || d.ConsentIDs[0] != "C1"):
				t.Fatalf("read under consents %v, want C1", d.ConsentIDs)
			}
		})
	}
}
