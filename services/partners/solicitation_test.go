package partners_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider/decidertest"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/partners"
)

// The coordination of FINESS 750000001 (prof-1, coordinateur) solicits the
// foyer de vie of Rennes and a SAVS for person P.
const (
	coordination = "750000001"
	savs         = "350000022"
	solID        = "01JDSOL0000000000000000001"
	person       = "01JDPERSON0000000000000001"
)

var (
	now     = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	expires = now.Add(15 * 24 * time.Hour)
)

func team() access.Team {
	return access.Team{Holder: coordination, Coordinator: &access.Professional{Subject: "prof-1", Organisation: coordination},
		Consents: map[string]access.Consent{"C1": {ID: "C1", Categories: access.Of(access.Identite, access.Sante, access.Projet)}}}
}

func send() partners.SendSolicitation {
	return partners.SendSolicitation{SolicitationID: solID, PersonID: person,
		Addressees: []partners.Addressee{{Organisation: foyer, Name: "Foyer", Known: true}, {Organisation: savs, Name: "SAVS", Known: true}},
		Prestation: "2.3.4", Message: "Jeune adulte, 20 ans, projet de vie en foyer.",
		SharedCategories: []eventsv1.InformationCategory{access.Identite, access.Projet},
		LegalBasis:       eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_INFORMED_NO_OPPOSITION,
		ExpiresAt:        expires, Mission: eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT, File: true, Team: team()}
}

func sent() *eventsv1.SolicitationSent {
	return &eventsv1.SolicitationSent{SolicitationId: solID, PersonId: person, OrganisationIds: []string{foyer, savs}, Prestation: code("2.3.4"),
		Message: "Jeune adulte, 20 ans, projet de vie en foyer.", SharedCategories: []eventsv1.InformationCategory{access.Identite, access.Projet},
		LegalBasis: eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_INFORMED_NO_OPPOSITION, ExpiresAt: timestamppb.New(expires),
		Mission: eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT, SenderOrganisationId: coordination}
}

// underConsent is c sent under the person's consent C1.
func underConsent(c partners.SendSolicitation) partners.SendSolicitation {
	c.LegalBasis, c.ConsentID = eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT, "C1"
	return c
}

func sentUnderConsent() *eventsv1.SolicitationSent {
	e := sent()
	e.LegalBasis, e.ConsentId = eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT, "C1"
	return e
}

func accept(org string) partners.AcceptSolicitation {
	return partners.AcceptSolicitation{SolicitationID: solID, Organisation: org, Name: "Foyer", EngagementID: "E1",
		StartOn: "2026-12-01", Frequency: "accueil de jour, 3 jours par semaine"}
}

func accepted(org string) []*eventsv1.SolicitationAccepted {
	return []*eventsv1.SolicitationAccepted{{OrganisationId: org}}
}

func started() *eventsv1.EngagementStarted {
	return &eventsv1.EngagementStarted{EngagementId: "E1", OrganisationId: foyer, PersonId: person, Prestation: code("2.3.4"),
		StartOn: "2026-12-01", Frequency: "accueil de jour, 3 jours par semaine", Mission: eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT,
		DisplayName: "Foyer"}
}

// sol is a spec acting as caller, the sender's events recorded by the
// coordination.
func sol(caller access.Caller) decidertest.Spec[*partners.SolicitationState, partners.SolicitationCommand] {
	return decidertest.New(partners.Solicitation, decidertest.Caller(caller), decidertest.At(now))
}

var (
	coordinator = access.Caller{Subject: "prof-1", Organisation: coordination, Role: auth.RoleCoordinateur}
	atFoyer     = access.Caller{Subject: "dir-1", Organisation: foyer, Role: auth.RoleProfessionnel}
	atSavs      = access.Caller{Subject: "cds-1", Organisation: savs, Role: auth.RoleProfessionnel}
)

func TestSendSolicitation(t *testing.T) {
	t.Parallel()
	t.Run("to the partners, with what they need to answer", func(t *testing.T) {
		sol(coordinator).Given().When(underConsent(send())).Then(t, sentUnderConsent())
	})
	t.Run("informed with no opposition: within the coordination only", func(t *testing.T) {
		sol(coordinator).Given().When(send()).ThenRefused(t, "solicitation.outside_team_needs_consent")
		c := send()
		c.Team.Partners = map[string]access.Partner{foyer: {Organisation: foyer}, savs: {Organisation: savs}}
		sol(coordinator).Given().When(c).Then(t, sent())
	})
	t.Run("only by the coordination", func(t *testing.T) {
		sol(atFoyer).Given().When(send()).ThenError(t, derrors.ErrPermission)
	})
	t.Run("for a person who has a file", func(t *testing.T) {
		c := send()
		c.File = false
		sol(coordinator).Given().When(c).ThenError(t, derrors.ErrNotFound)
	})
	t.Run("never what the person opposed", func(t *testing.T) {
		c := send()
		c.Team.Oppositions = map[string]access.Opposition{"O1": {ID: "O1", Categories: access.Of(access.Projet), Organisation: savs}}
		sol(coordinator).Given().When(c).ThenRefused(t, "solicitation.opposed")
	})
	t.Run("santé only under a consent", func(t *testing.T) {
		c := send()
		c.SharedCategories = append(c.SharedCategories, access.Sante)
		sol(coordinator).Given().When(c).ThenRefused(t, "solicitation.sante_needs_consent")
		c.LegalBasis, c.ConsentID = eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT, "C1"
		want := sent()
		want.SharedCategories = []eventsv1.InformationCategory{access.Identite, access.Sante, access.Projet}
		want.LegalBasis, want.ConsentId = c.LegalBasis, "C1"
		sol(access.Caller{Subject: "prof-1", Organisation: coordination, Role: auth.RoleCoordinateur, HealthProfessional: true}).
			Given().When(c).Then(t, want)
	})
	t.Run("a consent that covers less refuses", func(t *testing.T) {
		c := send()
		c.LegalBasis, c.ConsentID = eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT, "C1"
		c.SharedCategories = append(c.SharedCategories, access.VieSociale)
		sol(coordinator).Given().When(c).ThenRefused(t, "solicitation.consent_too_narrow")
		c.ConsentID = "C9"
		sol(coordinator).Given().When(c).ThenInvalid(t, "consent_id")
	})
	t.Run("with no mission named, each partner's, from the directory", func(t *testing.T) {
		c := underConsent(send())
		c.Mission = eventsv1.PartnerMission_PARTNER_MISSION_UNSPECIFIED
		c.Addressees[0].Mission = eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT
		c.Addressees[1].Mission = eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE
		want := sentUnderConsent()
		want.Mission = eventsv1.PartnerMission_PARTNER_MISSION_UNSPECIFIED
		want.AddresseeMissions = []eventsv1.PartnerMission{eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT,
			eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE}
		sol(coordinator).Given().When(c).Then(t, want)
		c.Addressees[1].Mission = eventsv1.PartnerMission_PARTNER_MISSION_UNSPECIFIED
		sol(coordinator).Given().When(c).ThenInvalid(t, "mission")
	})
	t.Run("to partners of the directory", func(t *testing.T) {
		c := send()
		c.Addressees[1].Known = false
		sol(coordinator).Given().When(c).ThenInvalid(t, "organisation_ids")
	})
	t.Run("for an open need", func(t *testing.T) {
		c := send()
		c.NeedID = "N1"
		sol(coordinator).Given().When(c).ThenInvalid(t, "need_id")
	})
}

func TestAcceptSolicitation(t *testing.T) {
	t.Parallel()
	t.Run("the partner asked accepts and is engaged", func(t *testing.T) {
		sol(atFoyer).Given(sent()).When(accept(foyer)).Then(t, accepted(foyer)[0], started())
	})
	t.Run("exactly one wins: a second answer is refused", func(t *testing.T) {
		sol(atSavs).Given(sent(), accepted(foyer)[0], started()).When(accept(savs)).ThenRefused(t, "solicitation.answered")
		sol(atSavs).Given(sent(), accepted(foyer)[0], started()).
			When(partners.DeclineSolicitation{SolicitationID: solID, Organisation: savs, Reason: eventsv1.DeclineReason_DECLINE_REASON_NO_PLACE}).
			ThenRefused(t, "solicitation.answered")
	})
	t.Run("not by a partner that was not asked", func(t *testing.T) {
		other := access.Caller{Subject: "x", Organisation: "330000019", Role: auth.RoleProfessionnel}
		c := accept("330000019")
		sol(other).Given(sent()).When(c).ThenError(t, derrors.ErrPermission)
		sol(other).Given(sent()).When(accept(foyer)).ThenError(t, derrors.ErrPermission)
	})
	t.Run("by its legal entity", func(t *testing.T) {
		c := accept(foyer)
		c.LegalEntity = "350000030"
		sol(access.Caller{Subject: "dg", Organisation: "350000030", Role: auth.RoleProfessionnel}).Given(sent()).When(c).
			Then(t, accepted(foyer)[0], started())
	})
	t.Run("not once expired", func(t *testing.T) {
		decidertest.New(partners.Solicitation, decidertest.Caller(atFoyer), decidertest.At(expires)).Given(sent()).When(accept(foyer)).
			ThenRefused(t, "solicitation.closed")
	})
	t.Run("with no mission named, the partner's own as the directory had it when asked", func(t *testing.T) {
		given := sent()
		given.Mission = eventsv1.PartnerMission_PARTNER_MISSION_UNSPECIFIED
		given.AddresseeMissions = []eventsv1.PartnerMission{eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT,
			eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE}
		want := started()
		want.OrganisationId, want.Mission = savs, eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE
		sol(atSavs).Given(given).When(accept(savs)).Then(t, accepted(savs)[0], want)
	})
	t.Run("not by a partner that left the directory since asked", func(t *testing.T) {
		c := accept(foyer)
		c.Withdrawn = true
		sol(atFoyer).Given(sent()).When(c).ThenRefused(t, "partner.withdrawn")
	})
	t.Run("a start within a year", func(t *testing.T) {
		c := accept(foyer)
		c.StartOn = "2027-11-03"
		sol(atFoyer).Given(sent()).When(c).ThenInvalid(t, "start_on")
	})
	t.Run("a start and a frequency", func(t *testing.T) {
		c := accept(foyer)
		c.Frequency = ""
		sol(atFoyer).Given(sent()).When(c).ThenInvalid(t, "frequency")
		c = accept(foyer)
		c.PlannedEndOn = "2026-11-30"
		sol(atFoyer).Given(sent()).When(c).ThenInvalid(t, "planned_end_on")
	})
}

func TestDeclineRevokeExpire(t *testing.T) {
	t.Parallel()
	declined := func(org string) *eventsv1.SolicitationDeclined {
		return &eventsv1.SolicitationDeclined{OrganisationId: org, Reason: eventsv1.DeclineReason_DECLINE_REASON_NO_PLACE}
	}
	decline := func(org string) partners.DeclineSolicitation {
		return partners.DeclineSolicitation{SolicitationID: solID, Organisation: org, Reason: eventsv1.DeclineReason_DECLINE_REASON_NO_PLACE}
	}
	sol(atSavs).Given(sent()).When(decline(savs)).Then(t, declined(savs))
	sol(atSavs).Given(sent(), declined(savs)).When(decline(savs)).Then(t)
	decidertest.New(partners.Solicitation, decidertest.Caller(atSavs), decidertest.At(expires)).Given(sent()).When(decline(savs)).
		ThenRefused(t, "solicitation.closed") // past due, before the scheduler closed it
	// Declined by one, still open to the other; declined by all, closed.
	sol(atFoyer).Given(sent(), declined(savs)).When(accept(foyer)).Then(t, accepted(foyer)[0], started())
	sol(atFoyer).Given(sent(), declined(savs), declined(foyer)).When(accept(foyer)).ThenRefused(t, "solicitation.closed")

	// Revoked by the person's coordination of the moment (the port says
	// whether the caller holds it).
	coordinating := partners.Parties{Coordinating: true}
	sol(coordinator).Given(sent()).When(partners.RevokeSolicitation{SolicitationID: solID, Reason: "besoin couvert", Parties: coordinating}).
		Then(t, &eventsv1.SolicitationRevoked{Reason: "besoin couvert"})
	sol(coordinator).Given(sent()).When(partners.RevokeSolicitation{SolicitationID: solID, Reason: "handed over"}).ThenError(t, derrors.ErrPermission)
	sol(atFoyer).Given(sent()).When(partners.RevokeSolicitation{SolicitationID: solID, Reason: "x"}).ThenError(t, derrors.ErrPermission)

	expire := partners.ExpireSolicitation{SolicitationID: solID}
	sol(coordinator).Given(sent()).When(expire).Then(t) // not due yet
	decidertest.New(partners.Solicitation, decidertest.At(expires)).Given(sent()).When(expire).
		Then(t, &eventsv1.SolicitationExpired{ExpiredAt: timestamppb.New(expires)})
	decidertest.New(partners.Solicitation, decidertest.At(expires)).Given(sent(), accepted(foyer)[0], started()).When(expire).Then(t)
	sol(coordinator).Given().When(expire).ThenError(t, derrors.ErrNotFound)
}

func TestEngagement(t *testing.T) {
	t.Parallel()
	engaged := []proto.Message{sent(), accepted(foyer)[0], started()}
	given := func(c access.Caller, extra ...proto.Message) decidertest.Case[*partners.SolicitationState, partners.SolicitationCommand] {
		return sol(c).Given(append(append([]proto.Message{}, engaged...), extra...)...)
	}
	suspended := &eventsv1.EngagementSuspended{Reason: "hospitalisation", FromOn: "2026-11-02"}
	given(atFoyer).When(partners.SuspendEngagement{SolicitationID: solID, Reason: "hospitalisation", FromOn: "2026-11-02"}).Then(t, suspended)
	coordinating := partners.Parties{Coordinating: true}
	given(coordinator, suspended).When(partners.ResumeEngagement{SolicitationID: solID, ResumedOn: "2026-11-02", Parties: coordinating}).
		Then(t, &eventsv1.EngagementResumed{ResumedOn: "2026-11-02"})
	// The organisation that sent it, once it handed the coordination over,
	// no longer; the legal entity of the partner engaged does.
	given(coordinator, suspended).When(partners.ResumeEngagement{SolicitationID: solID, ResumedOn: "2026-11-02"}).ThenError(t, derrors.ErrPermission)
	given(access.Caller{Subject: "dg", Organisation: "350000030", Role: auth.RoleProfessionnel}, suspended).
		When(partners.ResumeEngagement{SolicitationID: solID, ResumedOn: "2026-11-02", Parties: partners.Parties{EngagedEntity: "350000030"}}).
		Then(t, &eventsv1.EngagementResumed{ResumedOn: "2026-11-02"})
	end := partners.EndEngagement{SolicitationID: solID, Outcome: eventsv1.EngagementOutcome_ENGAGEMENT_OUTCOME_NOT_DONE,
		Reason: eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_PERSON_CHOICE, EndedOn: "2026-11-02"}
	ended := &eventsv1.EngagementEnded{Outcome: end.Outcome, Reason: end.Reason, EndedOn: "2026-11-02"}
	// Accepted for a later start (2026-12-01), it is cancelled today.
	given(atFoyer).When(end).Then(t, ended)
	// Begun, it ends from its start to today.
	startedEarlier := started()
	startedEarlier.StartOn = "2026-10-01"
	sol(atFoyer).Given(sent(), accepted(foyer)[0], startedEarlier).When(end).Then(t, ended)
	before, tomorrow := end, end
	before.EndedOn, tomorrow.EndedOn = "2026-09-30", "2026-11-03"
	sol(atFoyer).Given(sent(), accepted(foyer)[0], startedEarlier).When(before).ThenInvalid(t, "ended_on")
	sol(atFoyer).Given(sent(), accepted(foyer)[0], startedEarlier).When(tomorrow).ThenInvalid(t, "ended_on")
	sol(atFoyer).Given(sent(), accepted(foyer)[0], startedEarlier, ended).When(end).ThenRefused(t, "engagement.ended")
	given(atSavs).When(partners.SuspendEngagement{SolicitationID: solID, Reason: "x", FromOn: "2026-11-02"}).ThenError(t, derrors.ErrPermission)
	sol(atFoyer).Given(sent()).When(end).ThenRefused(t, "engagement.none")
}
