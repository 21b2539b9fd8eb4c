package parcours_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	"github.com/maillage/maillage/services/parcours"
)

// file returns payloads as person's stream from version 1: event v
// occurred on day(v-1).
func file(t testing.TB, person string, payloads ...proto.Message) []es.RecordedEvent {
	t.Helper()
	var evs []es.RecordedEvent
	for i, p := range payloads {
		evs = append(evs, recorded(t, person, uint64(i+1), p))
	}
	return evs
}

// viewOf folds payloads (after an enrolment) in a projection and returns
// the stored view, as Get gives it.
func viewOf(t *testing.T, payloads ...proto.Message) *parcoursv1.CoordinatedView {
	t.Helper()
	v := parcours.NewViews(nil)
	apply(t, v, file(t, personID, append([]proto.Message{enrolled()}, payloads...)...)...)
	got, ok := v.Get(personID)
	if !ok {
		t.Fatalf("Get(%s) = no view", personID)
	}
	return got
}

// lastLine is the view's last timeline entry.
func lastLine(view *parcoursv1.CoordinatedView) *parcoursv1.TimelineEntry {
	return view.GetTimeline()[len(view.GetTimeline())-1]
}

// lineCategory is the category of each fact in the timeline (the need of
// these tests, 1.1.1, is of santé): what decides who reads the line.
var lineCategory = map[string]eventsv1.InformationCategory{
	"PersonEnrolled":           access.Identite,
	"CoordinationLevelSet":     0, // the frame of the file
	"ReferentAssigned":         0,
	"CoordinatorAssigned":      0,
	"CoordinationRoleReleased": 0,
	"EntourageMemberAdded":     access.VieSociale,
	"EntourageMemberUpdated":   access.VieSociale,
	"EntourageMemberRemoved":   access.VieSociale,
	"RightsNotified":           access.Administratif,
	"NeedIdentified":           access.Sante,
	"NeedClosed":               access.Sante,
	"ObjectiveEvaluated":       access.Evaluations,
	"LifeProjectExpressed":     access.Projet,
	"ActionCompleted":          access.Projet,
	"PlanValidated":            access.Projet,
	"PlanReviewScheduled":      access.Projet,
	"PersonDischarged":         access.Projet,
	"RuptureResolved":          access.Projet,
	"RuptureRiskRaised":        access.Projet,
	"TransitionCancelled":      access.Projet,
	"TransitionCompleted":      access.Projet,
	"TransitionRescheduled":    access.Projet,
}

func checkLast(t *testing.T, view *parcoursv1.CoordinatedView, eventType, summary string) {
	t.Helper()
	want := &parcoursv1.TimelineEntry{OccurredAt: timestamppb.New(day(len(view.GetTimeline()) - 1)), EventType: eventType, Summary: summary,
		Category: lineCategory[eventType]}
	if diff := cmp.Diff(want, lastLine(view), protocmp.Transform()); diff != "" {
		t.Errorf("last timeline entry (-want +got):\n%s", diff)
	}
}

func diffProto(t *testing.T, what string, want, got any) {
	t.Helper()
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

const (
	memberID    = "01JC4MEMBER000000000000000"
	needID      = "01JC5NEED00000000000000000"
	objectiveID = "01JC6OBJECTIVE000000000000"
	actionID    = "01JC7ACTION000000000000000"
	reviewID    = "01JC8REVIEW000000000000000"
	rightID     = "01JC9RIGHT0000000000000000"
	riskID      = "01JCARISK00000000000000000"
)

func referentAssigned() *eventsv1.ReferentAssigned {
	return &eventsv1.ReferentAssigned{ProfessionalId: "rpps-20202020202", OrganisationId: "750000002", DisplayName: "Marc Leroy, SESSAD Les Lilas"}
}

func memberAdded() *eventsv1.EntourageMemberAdded {
	return &eventsv1.EntourageMemberAdded{MemberId: memberID, DisplayName: "Nadia Haddad", Relationship: "mère",
		Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
		Roles: []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER}, Contact: "06 00 00 00 00"}
}

func needIdentified() *eventsv1.NeedIdentified {
	return &eventsv1.NeedIdentified{NeedId: needID, Code: &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: "1.1.1"}, Description: "fatigue"}
}

func objectiveSet() *eventsv1.ObjectiveSet {
	return &eventsv1.ObjectiveSet{ObjectiveId: objectiveID, NeedIds: []string{needID}, Statement: "aller seul au lycée", Indicator: "trajets seuls", DueDate: "2027-06-30"}
}

func actionPlanned(id, due string) *eventsv1.ActionPlanned {
	return &eventsv1.ActionPlanned{ActionId: id, ObjectiveId: objectiveID, Description: "entraînement au trajet",
		Responsible: &eventsv1.Responsible{Who: &eventsv1.Responsible_PartnerId{PartnerId: partnerID}, DisplayName: "SESSAD Les Lilas"}, DueDate: due}
}

func TestViewsFoldRoles(t *testing.T) {
	t.Parallel()
	got := viewOf(t, coordinatorAssigned(), referentAssigned())
	diffProto(t, "referent", &parcoursv1.Referent{ProfessionalId: "rpps-20202020202", OrganisationId: "750000002",
		DisplayName: "Marc Leroy, SESSAD Les Lilas", Since: timestamppb.New(day(2))}, got.GetReferent())
	checkLast(t, got, "ReferentAssigned", "Référent de parcours : Marc Leroy, SESSAD Les Lilas")

	handover := coordinatorAssigned()
	handover.ProfessionalId, handover.DisplayName, handover.HandedOverFrom = "rpps-3", "Léa Dupont", "rpps-10101010101"
	got = viewOf(t, coordinatorAssigned(), handover)
	if c := got.GetCoordinator(); c.GetProfessionalId() != "rpps-3" || c.GetHandedOverFrom() != "rpps-10101010101" {
		t.Errorf("coordinator after handover = %v", c)
	}

	released := &eventsv1.CoordinationRoleReleased{Role: eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR, ProfessionalId: "rpps-10101010101", Reason: "mutation"}
	got = viewOf(t, coordinatorAssigned(), referentAssigned(), released)
	if got.GetCoordinator() != nil || got.GetReferent() == nil {
		t.Errorf("after the coordinator's release: coordinator %v, referent %v; want none, kept", got.GetCoordinator(), got.GetReferent())
	}
	checkLast(t, got, "CoordinationRoleReleased", "Fin de mission : coordinateur de parcours")

	got = viewOf(t, &eventsv1.CoordinationLevelSet{Level: eventsv1.CoordinationLevel_COORDINATION_LEVEL_RENFORCEE})
	if got.GetCoordinationLevel() != eventsv1.CoordinationLevel_COORDINATION_LEVEL_RENFORCEE {
		t.Errorf("coordination_level = %v", got.GetCoordinationLevel())
	}
	checkLast(t, got, "CoordinationLevelSet", "Niveau de coordination : coordination renforcée")

	got = viewOf(t, coordinatorAssigned(), &eventsv1.PersonDischarged{Reason: eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN, DischargedOn: "2026-11-03", Note: "club"})
	if !got.GetDischarged() || got.GetCoordinator() == nil {
		t.Errorf("discharged = %v, coordinator %v; want true, kept", got.GetDischarged(), got.GetCoordinator())
	}
	diffProto(t, "discharge", &parcoursv1.Discharge{DischargedOn: "2026-11-03", Reason: eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN, Note: "club"}, got.GetDischarge())
	checkLast(t, got, "PersonDischarged", "Sortie du dispositif de coordination le 2026-11-03 : relais par le droit commun")
}

func TestViewsFoldEntourageAndLifeProject(t *testing.T) {
	t.Parallel()
	got := viewOf(t, memberAdded())
	diffProto(t, "entourage", []*parcoursv1.EntourageMember{{MemberId: memberID, DisplayName: "Nadia Haddad", Relationship: "mère",
		Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
		Roles: []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER}, Contact: "06 00 00 00 00", AddedAt: timestamppb.New(day(1))}}, got.GetEntourage())
	checkLast(t, got, "EntourageMemberAdded", "Entourage : ajout d'un membre (famille, aidant)")

	updated := &eventsv1.EntourageMemberUpdated{MemberId: memberID, DisplayName: "Nadia H.", Relationship: "mère", Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY,
		Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_PERSONAL, Roles: []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE}}
	got = viewOf(t, memberAdded(), updated)
	m := got.GetEntourage()[0]
	if m.GetDisplayName() != "Nadia H." || m.GetCircle() != eventsv1.SluzkiCircle_SLUZKI_CIRCLE_PERSONAL || m.GetContact() != "" || !m.GetAddedAt().AsTime().Equal(day(1)) {
		t.Errorf("member after update = %v", m)
	}
	checkLast(t, got, "EntourageMemberUpdated", "Entourage : mise à jour d'un membre (famille, représentant légal)")

	got = viewOf(t, memberAdded(), &eventsv1.EntourageMemberRemoved{MemberId: memberID, Reason: "déménagement"})
	if len(got.GetEntourage()) != 0 {
		t.Errorf("entourage after removal = %v, want none", got.GetEntourage())
	}
	checkLast(t, got, "EntourageMemberRemoved", "Entourage : retrait d'un membre (famille, aidant)")

	got = viewOf(t, &eventsv1.LifeProjectExpressed{Text: "vivre en appartement", ExpressedBy: eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON})
	diffProto(t, "life project", &parcoursv1.LifeProject{Text: "vivre en appartement", ExpressedBy: eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON, ExpressedAt: timestamppb.New(day(1))}, got.GetLifeProject())
	checkLast(t, got, "LifeProjectExpressed", "Projet de vie exprimé par la personne")
}

func TestViewsFoldNeedsAndPlan(t *testing.T) {
	t.Parallel()
	got := viewOf(t, needIdentified())
	diffProto(t, "needs", []*parcoursv1.Need{{NeedId: needID, Code: &parcoursv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: "1.1.1"},
		Description: "fatigue", State: parcoursv1.NeedState_NEED_STATE_OPEN, CoveredBy: &parcoursv1.NeedCoverage{}, IdentifiedAt: timestamppb.New(day(1))}}, got.GetNeeds())
	if got.GetPlan() != nil {
		t.Errorf("plan with no objective = %v, want unset", got.GetPlan())
	}
	checkLast(t, got, "NeedIdentified", "Besoin identifié : 1.1.1 Besoins en matière de fonctions mentales, psychiques, cognitives et du système nerveux")

	got = viewOf(t, needIdentified(), &eventsv1.NeedClosed{NeedId: needID, Reason: eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_MET, Note: "ok"})
	n := got.GetNeeds()[0]
	if n.GetState() != parcoursv1.NeedState_NEED_STATE_CLOSED || n.GetClosureReason() != eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_MET || n.GetClosureNote() != "ok" || !n.GetClosedAt().AsTime().Equal(day(2)) {
		t.Errorf("need after closing = %v", n)
	}
	checkLast(t, got, "NeedClosed", "Besoin clos : besoin couvert")

	validated := &eventsv1.PlanValidated{PlanRevision: 1, ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON, ValidatedOn: "2026-11-06"}
	got = viewOf(t, needIdentified(), objectiveSet(), actionPlanned(actionID, "2026-12-10"), validated)
	want := &parcoursv1.Plan{Revision: 1, Validated: true, ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON, ValidatedOn: "2026-11-06",
		Objectives: []*parcoursv1.Objective{{ObjectiveId: objectiveID, Statement: "aller seul au lycée", Indicator: "trajets seuls", DueDate: "2027-06-30",
			NeedIds: []string{needID}, State: parcoursv1.ObjectiveState_OBJECTIVE_STATE_OPEN,
			Actions: []*parcoursv1.Action{{ActionId: actionID, Description: "entraînement au trajet", DueDate: "2026-12-10",
				Responsible: &parcoursv1.Responsible{Who: &parcoursv1.Responsible_PartnerId{PartnerId: partnerID}, DisplayName: "SESSAD Les Lilas"},
				State:       parcoursv1.ActionState_ACTION_STATE_PLANNED}}}}}
	diffProto(t, "validated plan", want, got.GetPlan())
	diffProto(t, "need coverage", []string{objectiveID}, got.GetNeeds()[0].GetCoveredBy().GetObjectiveIds())
	checkLast(t, got, "PlanValidated", "Projet personnalisé (révision 1) validé le 2026-11-06 par la personne")
	if s := got.GetTimeline()[2].GetSummary(); s != "Objectif fixé, échéance le 2027-06-30" {
		t.Errorf("ObjectiveSet summary = %q", s)
	}
	if s := got.GetTimeline()[3].GetSummary(); s != "Action prévue, confiée à SESSAD Les Lilas, échéance le 2026-12-10" {
		t.Errorf("ActionPlanned summary = %q", s)
	}

	// A change after the validation awaits the next one.
	got = viewOf(t, needIdentified(), objectiveSet(), validated, actionPlanned(actionID, "2026-12-10"))
	if p := got.GetPlan(); p.GetValidated() || p.GetRevision() != 1 {
		t.Errorf("plan changed after validation: validated %v revision %d, want false 1", p.GetValidated(), p.GetRevision())
	}

	got = viewOf(t, objectiveSet(), actionPlanned(actionID, "2026-12-10"), &eventsv1.ActionCompleted{ActionId: actionID, CompletedOn: "2026-11-04", Note: "fait"})
	a := got.GetPlan().GetObjectives()[0].GetActions()[0]
	if a.GetState() != parcoursv1.ActionState_ACTION_STATE_COMPLETED || a.GetCompletedOn() != "2026-11-04" || a.GetCompletionNote() != "fait" {
		t.Errorf("action after completion = %v", a)
	}
	checkLast(t, got, "ActionCompleted", "Action réalisée le 2026-11-04")
}

func TestViewsFoldReviewsAndEvaluations(t *testing.T) {
	t.Parallel()
	first := &eventsv1.PlanReviewScheduled{ReviewId: reviewID, ScheduledOn: "2026-12-15"}
	second := &eventsv1.PlanReviewScheduled{ReviewId: "01JC8REVIEW000000000000001", ScheduledOn: "2027-01-15"}
	got := viewOf(t, objectiveSet(), first, second)
	diffProto(t, "reviews", []*parcoursv1.Review{
		{ReviewId: reviewID, ScheduledOn: "2026-12-15", State: parcoursv1.ReviewState_REVIEW_STATE_REPLACED},
		{ReviewId: "01JC8REVIEW000000000000001", ScheduledOn: "2027-01-15", State: parcoursv1.ReviewState_REVIEW_STATE_SCHEDULED},
	}, got.GetReviews())
	if got.GetNextReviewOn() != "2027-01-15" {
		t.Errorf("next_review_on = %q, want 2027-01-15", got.GetNextReviewOn())
	}
	checkLast(t, got, "PlanReviewScheduled", "Révision du projet personnalisé prévue le 2027-01-15")

	evaluated := &eventsv1.ObjectiveEvaluated{ObjectiveId: objectiveID, Outcome: eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ACHIEVED,
		EvaluatedOn: "2026-12-15", PersonWords: "je prends le bus seul", ReviewId: reviewID}
	got = viewOf(t, objectiveSet(), actionPlanned(actionID, "2026-12-10"), first, evaluated)
	o := got.GetPlan().GetObjectives()[0]
	if o.GetState() != parcoursv1.ObjectiveState_OBJECTIVE_STATE_ACHIEVED || len(o.GetEvaluations()) != 1 {
		t.Errorf("objective after evaluation = %v", o)
	}
	if s := o.GetActions()[0].GetState(); s != parcoursv1.ActionState_ACTION_STATE_DROPPED {
		t.Errorf("action of an achieved objective = %v, want DROPPED", s)
	}
	diffProto(t, "held review", &parcoursv1.Review{ReviewId: reviewID, ScheduledOn: "2026-12-15", State: parcoursv1.ReviewState_REVIEW_STATE_HELD,
		EvaluatedObjectiveIds: []string{objectiveID}}, got.GetReviews()[0])
	if got.GetNextReviewOn() != "" {
		t.Errorf("next_review_on after the review was held = %q, want none", got.GetNextReviewOn())
	}
	checkLast(t, got, "ObjectiveEvaluated", "Objectif co-évalué le 2026-12-15 : atteint (lors d'une révision)")
	// Dropped actions are never overdue.
	v := parcours.NewViews(nil)
	apply(t, v, file(t, personID, enrolled(), objectiveSet(), actionPlanned(actionID, "2026-12-10"), first, evaluated)...)
	read, _ := v.Read(personID, time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC))
	if len(read.GetOverdueActions()) != 0 || read.GetPlan().GetObjectives()[0].GetActions()[0].GetState() != parcoursv1.ActionState_ACTION_STATE_DROPPED {
		t.Errorf("dropped action read later: overdue %v, state %v", read.GetOverdueActions(), read.GetPlan().GetObjectives()[0].GetActions()[0].GetState())
	}
}

func TestViewsFoldRightsTransitionsRisks(t *testing.T) {
	t.Parallel()
	later := &eventsv1.RightsNotified{RightId: "01JC9RIGHT0000000000000001", Decision: eventsv1.MdphDecision_MDPH_DECISION_PCH, StartDate: "2026-06-01"}
	aah := &eventsv1.RightsNotified{RightId: rightID, Decision: eventsv1.MdphDecision_MDPH_DECISION_AAH, StartDate: "2025-01-01", EndDate: "2026-12-31", MdphReference: "75-123"}
	got := viewOf(t, later, aah)
	diffProto(t, "rights by start date", []*parcoursv1.Right{
		{RightId: rightID, Decision: eventsv1.MdphDecision_MDPH_DECISION_AAH, StartDate: "2025-01-01", EndDate: "2026-12-31", MdphReference: "75-123"},
		{RightId: "01JC9RIGHT0000000000000001", Decision: eventsv1.MdphDecision_MDPH_DECISION_PCH, StartDate: "2026-06-01"},
	}, got.GetRights())
	checkLast(t, got, "RightsNotified", "Notification MDPH : AAH à partir du 2025-01-01 jusqu'au 2026-12-31")

	moved := &eventsv1.TransitionRescheduled{TransitionId: transitionID, PlannedDate: "2027-01-10", Reason: "place en janvier"}
	got = viewOf(t, transitionAnticipated(), moved)
	if tr := got.GetTransitions()[0]; tr.GetPlannedDate() != "2027-01-10" || tr.GetRescheduleCount() != 1 || tr.GetState() != parcoursv1.TransitionState_TRANSITION_STATE_ANTICIPATED {
		t.Errorf("rescheduled transition = %v", tr)
	}
	checkLast(t, got, "TransitionRescheduled", "Transition reportée au 2027-01-10")
	got = viewOf(t, transitionAnticipated(), &eventsv1.TransitionCompleted{TransitionId: transitionID, CompletedOn: "2026-12-01"})
	if tr := got.GetTransitions()[0]; tr.GetState() != parcoursv1.TransitionState_TRANSITION_STATE_COMPLETED || tr.GetCompletedOn() != "2026-12-01" {
		t.Errorf("completed transition = %v", tr)
	}
	checkLast(t, got, "TransitionCompleted", "Transition réalisée le 2026-12-01")
	got = viewOf(t, transitionAnticipated(), &eventsv1.TransitionCancelled{TransitionId: transitionID, Reason: "souhait de la personne"})
	if tr := got.GetTransitions()[0]; tr.GetState() != parcoursv1.TransitionState_TRANSITION_STATE_CANCELLED || tr.GetCancelledReason() != "souhait de la personne" {
		t.Errorf("cancelled transition = %v", tr)
	}
	checkLast(t, got, "TransitionCancelled", "Transition annulée")

	risk := &eventsv1.RuptureRiskRaised{RiskId: riskID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_RIGHTS_EXPIRED, Description: "AAH échue bientôt", RaisedOn: "2026-11-03", Rule: "rights_expiring"}
	got = viewOf(t, risk)
	diffProto(t, "risks", []*parcoursv1.RuptureRisk{{RiskId: riskID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_RIGHTS_EXPIRED, Description: "AAH échue bientôt",
		RaisedOn: "2026-11-03", Rule: "rights_expiring", State: parcoursv1.RuptureState_RUPTURE_STATE_OPEN}}, got.GetRisks())
	checkLast(t, got, "RuptureRiskRaised", "Risque de rupture signalé le 2026-11-03 : droits échus (vigilance automatique)")
	got = viewOf(t, risk, &eventsv1.RuptureResolved{RuptureId: riskID, ResolvedOn: "2026-11-04", Resolution: "renouvellement déposé"})
	if r := got.GetRisks()[0]; r.GetState() != parcoursv1.RuptureState_RUPTURE_STATE_RESOLVED || r.GetResolvedOn() != "2026-11-04" {
		t.Errorf("resolved risk = %v", r)
	}
	checkLast(t, got, "RuptureResolved", "Risque de rupture levé le 2026-11-04")
	got = viewOf(t, transitionAnticipated(), ruptureDetected(), &eventsv1.RuptureResolved{RuptureId: ruptureID, ResolvedOn: "2026-11-05", Resolution: "SSIAD trouvé"})
	if r := got.GetRuptures()[0]; r.GetState() != parcoursv1.RuptureState_RUPTURE_STATE_RESOLVED || r.GetResolution() != "SSIAD trouvé" {
		t.Errorf("resolved rupture = %v", r)
	}
	checkLast(t, got, "RuptureResolved", "Rupture de parcours résolue le 2026-11-05")
}

// TestViewsReadOnTheDay: what depends on the day is computed at read, in
// Europe/Paris, and the projection's own copy never changes.
func TestViewsReadOnTheDay(t *testing.T) {
	t.Parallel()
	v := parcours.NewViews(nil)
	apply(t, v, file(t, personID, enrolled(), needIdentified(), objectiveSet(),
		actionPlanned(actionID, "2026-12-10"), actionPlanned("01JC7ACTION000000000000001", "2026-12-20"),
		&eventsv1.PlanReviewScheduled{ReviewId: reviewID, ScheduledOn: "2026-12-15"},
		&eventsv1.RightsNotified{RightId: rightID, Decision: eventsv1.MdphDecision_MDPH_DECISION_AAH, StartDate: "2025-01-01", EndDate: "2026-12-31"},
		&eventsv1.RightsNotified{RightId: "01JC9RIGHT0000000000000001", Decision: eventsv1.MdphDecision_MDPH_DECISION_PCH, StartDate: "2026-06-01"},
	)...)
	stored, _ := v.Get(personID)
	action := func(view *parcoursv1.CoordinatedView, i int) *parcoursv1.Action {
		return view.GetPlan().GetObjectives()[0].GetActions()[i]
	}

	onDueDate, _ := v.Read(personID, time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC))
	if s := action(onDueDate, 0).GetState(); s != parcoursv1.ActionState_ACTION_STATE_PLANNED {
		t.Errorf("action on its due date = %v, want PLANNED", s)
	}
	diffProto(t, "next actions on 2026-12-10", []string{actionID, "01JC7ACTION000000000000001"}, onDueDate.GetNextActions())
	diffProto(t, "coverage on 2026-12-10", []string{actionID, "01JC7ACTION000000000000001"}, onDueDate.GetNeeds()[0].GetCoveredBy().GetActionIds())
	if got := onDueDate.GetRights()[0].ExpiresWithinDays; got == nil || *got != 21 {
		t.Errorf("AAH expires_within_days on 2026-12-10 = %v, want 21", got)
	}
	if got := onDueDate.GetRights()[1].ExpiresWithinDays; got != nil {
		t.Errorf("PCH with no end: expires_within_days = %v, want unset", *got)
	}
	if s := onDueDate.GetReviews()[0].GetState(); s != parcoursv1.ReviewState_REVIEW_STATE_SCHEDULED {
		t.Errorf("review before its date = %v, want SCHEDULED", s)
	}
	if l := onDueDate.GetNeeds()[0].GetCode().GetLabel(); l == "" {
		t.Errorf("need's SERAFIN-PH label is empty at read")
	}

	// 23:30 UTC on the 10th is already the 11th in Paris: the day after the
	// due date.
	dayAfter, _ := v.Read(personID, time.Date(2026, 12, 10, 23, 30, 0, 0, time.UTC))
	if s := action(dayAfter, 0).GetState(); s != parcoursv1.ActionState_ACTION_STATE_OVERDUE {
		t.Errorf("action the day after its due date = %v, want OVERDUE", s)
	}
	diffProto(t, "overdue on 2026-12-11", []string{actionID}, dayAfter.GetOverdueActions())
	diffProto(t, "next on 2026-12-11", []string{"01JC7ACTION000000000000001"}, dayAfter.GetNextActions())
	diffProto(t, "coverage keeps overdue actions", []string{actionID, "01JC7ACTION000000000000001"}, dayAfter.GetNeeds()[0].GetCoveredBy().GetActionIds())

	late, _ := v.Read(personID, time.Date(2027, 1, 2, 12, 0, 0, 0, time.UTC))
	if s := late.GetReviews()[0].GetState(); s != parcoursv1.ReviewState_REVIEW_STATE_OVERDUE {
		t.Errorf("review after its date, not held = %v, want OVERDUE", s)
	}
	if late.GetNextReviewOn() != "2026-12-15" {
		t.Errorf("next_review_on of an overdue review = %q, want 2026-12-15", late.GetNextReviewOn())
	}
	if got := late.GetRights()[0].ExpiresWithinDays; got == nil || *got != -2 {
		t.Errorf("AAH expires_within_days on 2027-01-02 = %v, want -2", got)
	}
	diffProto(t, "overdue, most overdue first", []string{actionID, "01JC7ACTION000000000000001"}, late.GetOverdueActions())

	// The stored view went stale on no day.
	again, _ := v.Get(personID)
	diffProto(t, "stored view after reads", stored, again)
	if stored.GetRights()[0].ExpiresWithinDays != nil || action(stored, 0).GetState() != parcoursv1.ActionState_ACTION_STATE_PLANNED {
		t.Errorf("stored view holds read-time fields")
	}
}

func TestViewsNextActionsAtMostFive(t *testing.T) {
	t.Parallel()
	payloads := []proto.Message{objectiveSet()}
	for i := 9; i >= 1; i-- {
		payloads = append(payloads, actionPlanned(fmt.Sprintf("A%d", i), fmt.Sprintf("2027-01-0%d", i)))
	}
	v := parcours.NewViews(nil)
	apply(t, v, file(t, personID, append([]proto.Message{enrolled()}, payloads...)...)...)
	got, _ := v.Read(personID, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	diffProto(t, "next actions", []string{"A1", "A2", "A3", "A4", "A5"}, got.GetNextActions())
}

func TestFoldViewAsOfWithThePlan(t *testing.T) {
	t.Parallel()
	evs := file(t, personID, enrolled(), objectiveSet(), actionPlanned(actionID, "2026-12-10"),
		&eventsv1.ActionCompleted{ActionId: actionID, CompletedOn: "2026-11-05"})
	got, err := parcours.FoldView(personID, parcours.EventsAsOf(evs, day(3).Add(-time.Nanosecond)), decider.NewCodec(nil))
	if err != nil {
		t.Fatalf("FoldView = %v", err)
	}
	if s := got.GetPlan().GetObjectives()[0].GetActions()[0].GetState(); s != parcoursv1.ActionState_ACTION_STATE_PLANNED {
		t.Errorf("action as of before its completion = %v, want PLANNED", s)
	}
	whole, err := parcours.FoldView(personID, evs, decider.NewCodec(nil))
	if err != nil {
		t.Fatalf("FoldView = %v", err)
	}
	v := parcours.NewViews(nil)
	apply(t, v, evs...)
	live, _ := v.Get(personID)
	diffProto(t, "FoldView and the projection", live, whole)
}
