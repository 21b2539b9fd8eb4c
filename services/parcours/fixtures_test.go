package parcours_test

import (
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

// Fixtures of the roles, entourage, projet de vie, rights, transitions,
// risks and discharge: ev… return an event, cmd… the command that records
// it, so that a test edits one field of a valid value.

const (
	lifeMemberID  = "01JC4MEMBER000000000000000"
	lifeMember2ID = "01JC4MEMBER000000000000002"
	lifeRightID   = "01JC5R1GHT0000000000000000"
	lifeRiskID    = "01JC6R1SK00000000000000000"
	referentProID = "rpps-30303030303"
)

func evDischarged() *eventsv1.PersonDischarged {
	return &eventsv1.PersonDischarged{Reason: eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN, DischargedOn: "2026-11-02",
		Note: "Suivi repris par le médecin traitant et le CCAS."}
}

func cmdDischarge() parcours.DischargePerson {
	return parcours.DischargePerson{PersonID: personID, Reason: eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN, DischargedOn: "2026-11-02",
		Note: "Suivi repris par le médecin traitant et le CCAS."}
}

func evReferentAssigned() *eventsv1.ReferentAssigned {
	return &eventsv1.ReferentAssigned{ProfessionalId: referentProID, OrganisationId: "750000003", DisplayName: "Karim Benali, SESSAD Les Lilas"}
}

func cmdAssignReferent() parcours.AssignReferent {
	return parcours.AssignReferent{PersonID: personID, ProfessionalID: referentProID, OrganisationID: "750000003", DisplayName: "Karim Benali, SESSAD Les Lilas"}
}

func evCoordinatorReleased() *eventsv1.CoordinationRoleReleased {
	return &eventsv1.CoordinationRoleReleased{Role: eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR,
		ProfessionalId: "rpps-10101010101", Reason: "départ de la structure"}
}

func cmdReleaseCoordinator() parcours.ReleaseCoordinationRole {
	return parcours.ReleaseCoordinationRole{PersonID: personID, Role: eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR,
		ProfessionalID: "rpps-10101010101", Reason: "départ de la structure"}
}

func evLevelSet() *eventsv1.CoordinationLevelSet {
	return &eventsv1.CoordinationLevelSet{Level: eventsv1.CoordinationLevel_COORDINATION_LEVEL_RENFORCEE,
		Reason: "plusieurs ESSMS, transition enfant-adulte à préparer"}
}

func cmdSetLevel() parcours.SetCoordinationLevel {
	return parcours.SetCoordinationLevel{PersonID: personID, Level: eventsv1.CoordinationLevel_COORDINATION_LEVEL_RENFORCEE,
		Reason: "plusieurs ESSMS, transition enfant-adulte à préparer"}
}

// evMemberAdded is the person's mother, their tutrice.
func evMemberAdded() *eventsv1.EntourageMemberAdded {
	return &eventsv1.EntourageMemberAdded{MemberId: lifeMemberID, DisplayName: "Nadia Haddad", Relationship: "mère",
		Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
		Roles:   []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER, eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE},
		Contact: "06 12 34 56 78"}
}

// evNeighbourAdded is a neighbour, with no role.
func evNeighbourAdded() *eventsv1.EntourageMemberAdded {
	return &eventsv1.EntourageMemberAdded{MemberId: lifeMember2ID, DisplayName: "Tata Rose", Relationship: "voisine",
		Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FRIENDSHIPS, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_PERSONAL}
}

func member() parcours.Member {
	return parcours.Member{DisplayName: "Nadia Haddad", Relationship: "mère",
		Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
		Roles:   []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER, eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE},
		Contact: "06 12 34 56 78"}
}

func cmdAddMember() parcours.AddEntourageMember {
	return parcours.AddEntourageMember{PersonID: personID, Member: member()}
}

// cmdUpdateMember moves the mother to another phone number.
func cmdUpdateMember() parcours.UpdateEntourageMember {
	m := member()
	m.Contact = "01 23 45 67 89"
	return parcours.UpdateEntourageMember{PersonID: personID, MemberID: lifeMemberID, Member: m}
}

func evMemberUpdated() *eventsv1.EntourageMemberUpdated {
	return &eventsv1.EntourageMemberUpdated{MemberId: lifeMemberID, DisplayName: "Nadia Haddad", Relationship: "mère",
		Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
		Roles:   []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER, eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE},
		Contact: "01 23 45 67 89"}
}

func cmdRemoveMember() parcours.RemoveEntourageMember {
	return parcours.RemoveEntourageMember{PersonID: personID, MemberID: lifeMemberID, Reason: "à la demande de la personne"}
}

func evMemberRemoved() *eventsv1.EntourageMemberRemoved {
	return &eventsv1.EntourageMemberRemoved{MemberId: lifeMemberID, Reason: "à la demande de la personne"}
}

func cmdExpressByRepresentative() parcours.ExpressLifeProject {
	return parcours.ExpressLifeProject{PersonID: personID, Text: "Vivre dans un appartement près de ma sœur.",
		ExpressedBy: eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_LEGAL_REPRESENTATIVE, RepresentativeMemberID: lifeMemberID}
}

func evLifeProjectByRepresentative() *eventsv1.LifeProjectExpressed {
	return &eventsv1.LifeProjectExpressed{Text: "Vivre dans un appartement près de ma sœur.",
		ExpressedBy: eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_LEGAL_REPRESENTATIVE, RepresentativeMemberId: lifeMemberID}
}

func cmdNotifyRights() parcours.NotifyRights {
	return parcours.NotifyRights{PersonID: personID, Decision: eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_ESMS, Detail: "orientation FAM",
		StartDate: "2026-01-01", EndDate: "2030-12-31", MDPHReference: "MDPH75-2026-001234"}
}

func evRightsNotified() *eventsv1.RightsNotified {
	return &eventsv1.RightsNotified{RightId: lifeRightID, Decision: eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_ESMS, Detail: "orientation FAM",
		StartDate: "2026-01-01", EndDate: "2030-12-31", MdphReference: "MDPH75-2026-001234"}
}

func cmdReschedule() parcours.RescheduleTransition {
	return parcours.RescheduleTransition{PersonID: personID, TransitionID: transitionID, PlannedDate: "2027-01-15",
		Reason: "place en FAM disponible en janvier seulement"}
}

func evRescheduled() *eventsv1.TransitionRescheduled {
	return &eventsv1.TransitionRescheduled{TransitionId: transitionID, PlannedDate: "2027-01-15",
		Reason: "place en FAM disponible en janvier seulement"}
}

func cmdComplete() parcours.CompleteTransition {
	return parcours.CompleteTransition{PersonID: personID, TransitionID: transitionID, CompletedOn: "2026-11-02"}
}

func evCompleted() *eventsv1.TransitionCompleted {
	return &eventsv1.TransitionCompleted{TransitionId: transitionID, CompletedOn: "2026-11-02"}
}

func cmdCancel() parcours.CancelTransition {
	return parcours.CancelTransition{PersonID: personID, TransitionID: transitionID, Reason: "la personne préfère rester à la MAS"}
}

func evCancelled() *eventsv1.TransitionCancelled {
	return &eventsv1.TransitionCancelled{TransitionId: transitionID, Reason: "la personne préfère rester à la MAS"}
}

func cmdRaiseRisk() parcours.RaiseRuptureRisk {
	return parcours.RaiseRuptureRisk{PersonID: personID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED,
		Description: "Aucun SSIAD contacté à un mois du retour.", RaisedOn: "2026-11-02", TransitionID: transitionID}
}

func evRiskRaised() *eventsv1.RuptureRiskRaised {
	return &eventsv1.RuptureRiskRaised{RiskId: lifeRiskID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED,
		Description: "Aucun SSIAD contacté à un mois du retour.", RaisedOn: "2026-11-02", TransitionId: transitionID}
}

func cmdResolve() parcours.ResolveRupture {
	return parcours.ResolveRupture{PersonID: personID, RuptureID: ruptureID, ResolvedOn: "2026-11-02",
		Resolution: "Le SSIAD du Val a confirmé la reprise des soins."}
}

func evResolved() *eventsv1.RuptureResolved {
	return &eventsv1.RuptureResolved{RuptureId: ruptureID, ResolvedOn: "2026-11-02",
		Resolution: "Le SSIAD du Val a confirmé la reprise des soins."}
}
