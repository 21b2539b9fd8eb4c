package parcours_test

import (
	"testing"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider/decidertest"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

// The sharing commands as given events / when command / then events.

const ssiad = "750000003"

func associateSoins() parcours.AssociatePartner {
	return parcours.AssociatePartner{PersonID: personID, OrganisationID: ssiad, DisplayName: "SSIAD du Val",
		Mission: eventsv1.PartnerMission_PARTNER_MISSION_SOINS}
}

func byThePerson() parcours.SharingChoice {
	return parcours.SharingChoice{DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON, On: "2026-11-02"}
}

func TestAssociatePartner(t *testing.T) {
	t.Parallel()
	joined := &eventsv1.PartnerJoinedCoordination{OrganisationId: ssiad, DisplayName: "SSIAD du Val",
		Mission: eventsv1.PartnerMission_PARTNER_MISSION_SOINS, Categories: access.MissionCategories(eventsv1.PartnerMission_PARTNER_MISSION_SOINS).List()}
	t.Run("the mission's categories", func(t *testing.T) {
		spec().Given(enrolled()).When(associateSoins()).Then(t, joined)
	})
	t.Run("again as it is: nothing", func(t *testing.T) {
		spec().Given(enrolled(), joined).When(associateSoins()).Then(t)
	})
	t.Run("a category beyond the mission", func(t *testing.T) {
		c := associateSoins()
		c.Categories = []access.Category{access.VieSociale}
		spec().Given(enrolled()).When(c).ThenInvalid(t, "categories")
	})
	t.Run("the organisation holding the file", func(t *testing.T) {
		c := associateSoins()
		c.OrganisationID = "750000001" // the spec's, which enrolled
		spec().Given(enrolled()).When(c).ThenRefused(t, "partner.holds_coordination")
	})
	t.Run("dissociating one that is not a partner", func(t *testing.T) {
		spec().Given(enrolled()).When(parcours.DissociatePartner{PersonID: personID, OrganisationID: ssiad, Reason: "fin"}).
			ThenRefused(t, "partner.not_associated")
	})
	t.Run("a professionnel of the holder may not", func(t *testing.T) {
		as := decidertest.Caller(access.Caller{Subject: "pro", Organisation: "750000001", Role: "professionnel"})
		spec(as).Given(enrolled()).When(associateSoins()).ThenError(t, derrors.ErrPermission)
	})
}

func TestConsentsAndOppositions(t *testing.T) {
	t.Parallel()
	consent := parcours.RecordSharingConsent{PersonID: personID, Categories: []access.Category{access.Sante}, OrganisationID: ssiad, Choice: byThePerson()}
	t.Run("recorded", func(t *testing.T) {
		spec(decidertest.IDs("c1")).Given(enrolled()).When(consent).Then(t, &eventsv1.SharingConsentRecorded{ConsentId: "c1",
			Categories: []access.Category{access.Sante}, OrganisationId: ssiad, DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON, RecordedOn: "2026-11-02"})
	})
	t.Run("by someone who is no legal representative", func(t *testing.T) {
		c := consent
		c.Choice = parcours.SharingChoice{DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_LEGAL_REPRESENTATIVE, RepresentativeMemberID: lifeMember2ID, On: "2026-11-02"}
		spec().Given(enrolled(), evNeighbourAdded()).When(c).ThenInvalid(t, "choice.representative_member_id")
	})
	t.Run("by the legal representative", func(t *testing.T) {
		c := consent
		c.Choice = parcours.SharingChoice{DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_LEGAL_REPRESENTATIVE, RepresentativeMemberID: lifeMemberID, On: "2026-11-02"}
		spec(decidertest.IDs("c1")).Given(enrolled(), evMemberAdded()).When(c).Then(t, &eventsv1.SharingConsentRecorded{ConsentId: "c1",
			Categories: []access.Category{access.Sante}, OrganisationId: ssiad, DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_LEGAL_REPRESENTATIVE,
			RepresentativeMemberId: lifeMemberID, RecordedOn: "2026-11-02"})
	})
	t.Run("expiring before it was expressed", func(t *testing.T) {
		c := consent
		c.ExpiresOn = "2026-11-01"
		spec().Given(enrolled()).When(c).ThenInvalid(t, "expires_on")
	})
	t.Run("expressed tomorrow", func(t *testing.T) {
		c := consent
		c.Choice.On = "2026-11-03"
		spec().Given(enrolled()).When(c).ThenInvalid(t, "choice.on")
	})
	t.Run("withdrawing a consent not in force", func(t *testing.T) {
		spec().Given(enrolled()).When(parcours.WithdrawSharingConsent{PersonID: personID, ConsentID: "c9", Choice: byThePerson()}).
			ThenError(t, derrors.ErrNotFound)
	})
	t.Run("an opposition, then lifted", func(t *testing.T) {
		opposed := &eventsv1.SharingOpposed{OppositionId: "o1", Categories: []access.Category{access.VieSociale},
			DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON, RecordedOn: "2026-11-02", Reason: "ma famille"}
		spec(decidertest.IDs("o1")).Given(enrolled()).When(parcours.RecordSharingOpposition{PersonID: personID,
			Categories: []access.Category{access.VieSociale}, Choice: byThePerson(), Reason: "ma famille"}).Then(t, opposed)
		spec().Given(enrolled(), opposed).When(parcours.LiftSharingOpposition{PersonID: personID, OppositionID: "o1", Choice: byThePerson()}).
			Then(t, &eventsv1.SharingOppositionLifted{OppositionId: "o1", DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON, LiftedOn: "2026-11-02"})
	})
}
