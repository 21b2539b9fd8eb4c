package parcours_test

import (
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

// Fixtures of the projet personnalisé. Names start with "plan" to stay
// clear of the other areas' fixtures in this package.
const (
	planNeedID      = "01JC4NEED00000000000000001"
	planNeed2ID     = "01JC4NEED00000000000000002"
	planObjectiveID = "01JC5GBJECT000000000000001"
	planActionID    = "01JC6ACT10N000000000000001"
	planReviewID    = "01JC7REV1EW000000000000001"
	planReview2ID   = "01JC7REV1EW000000000000002"
	planMemberID    = "01JC8MEMBER000000000000001"
)

func planCode(code string) *eventsv1.SerafinCode {
	return &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: code}
}

func planNeedIdentified() *eventsv1.NeedIdentified {
	return &eventsv1.NeedIdentified{NeedId: planNeedID, Code: planCode("1.2.1.3"), Description: "se déplacer seul jusqu'au lycée"}
}

func planNeed2Identified() *eventsv1.NeedIdentified {
	return &eventsv1.NeedIdentified{NeedId: planNeed2ID, Code: planCode("1.3.1"), Description: "faire valoir ses droits"}
}

func planIdentify() parcours.IdentifyNeed {
	return parcours.IdentifyNeed{PersonID: personID, NeedCode: "1.2.1.3", Description: "se déplacer seul jusqu'au lycée"}
}

func planNeedClosed() *eventsv1.NeedClosed {
	return &eventsv1.NeedClosed{NeedId: planNeedID, Reason: eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_MET, Note: "trajet acquis"}
}

func planCloseNeed() parcours.CloseNeed {
	return parcours.CloseNeed{PersonID: personID, NeedID: planNeedID, Reason: eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_MET, Note: "trajet acquis"}
}

func planObjectiveSet() *eventsv1.ObjectiveSet {
	return &eventsv1.ObjectiveSet{
		ObjectiveId: planObjectiveID,
		NeedIds:     []string{planNeedID},
		Statement:   "aller seul au lycée en bus trois jours par semaine",
		Indicator:   "nombre de trajets seuls par semaine",
		DueDate:     "2027-06-30",
	}
}

func planSetObjective() parcours.SetObjective {
	return parcours.SetObjective{
		PersonID:  personID,
		NeedIDs:   []string{planNeedID},
		Statement: "aller seul au lycée en bus trois jours par semaine",
		Indicator: "nombre de trajets seuls par semaine",
		DueDate:   "2027-06-30",
	}
}

func planActionPlanned() *eventsv1.ActionPlanned {
	return &eventsv1.ActionPlanned{
		ActionId:    planActionID,
		ObjectiveId: planObjectiveID,
		Description: "entraînement au trajet avec l'éducatrice du SESSAD",
		Responsible: &eventsv1.Responsible{Who: &eventsv1.Responsible_PartnerId{PartnerId: partnerID}, DisplayName: "SESSAD Les Lilas"},
		DueDate:     "2027-01-31",
		Prestation:  planCode("2.3.1.1"),
	}
}

func planPlanAction() parcours.PlanAction {
	return parcours.PlanAction{
		PersonID:       personID,
		ObjectiveID:    planObjectiveID,
		Description:    "entraînement au trajet avec l'éducatrice du SESSAD",
		Responsible:    parcours.Responsible{PartnerID: partnerID, DisplayName: "SESSAD Les Lilas"},
		DueDate:        "2027-01-31",
		PrestationCode: "2.3.1.1",
	}
}

func planActionCompleted() *eventsv1.ActionCompleted {
	return &eventsv1.ActionCompleted{ActionId: planActionID, CompletedOn: "2026-11-02", Note: "trois trajets accompagnés"}
}

func planCompleteAction() parcours.CompleteAction {
	return parcours.CompleteAction{PersonID: personID, ActionID: planActionID, CompletedOn: "2026-11-02", Note: "trois trajets accompagnés"}
}

func planValidated(revision uint32) *eventsv1.PlanValidated {
	return &eventsv1.PlanValidated{PlanRevision: revision, ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON, ValidatedOn: "2026-11-02"}
}

func planValidate() parcours.ValidatePlan {
	return parcours.ValidatePlan{PersonID: personID, ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON, ValidatedOn: "2026-11-02"}
}

func planReviewScheduled() *eventsv1.PlanReviewScheduled {
	return &eventsv1.PlanReviewScheduled{ReviewId: planReviewID, ScheduledOn: "2027-01-15"}
}

func planScheduleReview() parcours.SchedulePlanReview {
	return parcours.SchedulePlanReview{PersonID: personID, ScheduledOn: "2027-01-15"}
}

func planObjectiveEvaluated(outcome eventsv1.ObjectiveOutcome) *eventsv1.ObjectiveEvaluated {
	return &eventsv1.ObjectiveEvaluated{
		ObjectiveId:       planObjectiveID,
		Outcome:           outcome,
		EvaluatedOn:       "2026-11-02",
		PersonWords:       "je prends le bus seule le mardi",
		ProfessionalNotes: "progrès nets",
		ReviewId:          planReviewID,
	}
}

func planEvaluate(outcome eventsv1.ObjectiveOutcome) parcours.EvaluateObjective {
	return parcours.EvaluateObjective{
		PersonID:          personID,
		ObjectiveID:       planObjectiveID,
		Outcome:           outcome,
		EvaluatedOn:       "2026-11-02",
		PersonWords:       "je prends le bus seule le mardi",
		ProfessionalNotes: "progrès nets",
		ReviewID:          planReviewID,
	}
}

const (
	planPartially = eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_PARTIALLY_ACHIEVED
	planAchieved  = eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ACHIEVED
	planAbandoned = eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ABANDONED
	planNotYet    = eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_NOT_ACHIEVED
)

// planMemberAdded is an entourage member of the person, holding roles.
func planMemberAdded(roles ...eventsv1.EntourageRole) *eventsv1.EntourageMemberAdded {
	return &eventsv1.EntourageMemberAdded{
		MemberId: planMemberID, DisplayName: "Nadia Haddad", Relationship: "mère",
		Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
		Roles: roles,
	}
}

const planLegalRepresentative = eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE
