package parcours

import (
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// The projet personnalisé: the needs identified with the person (besoins,
// SERAFIN-PH), the objectives that answer them, the actions that serve the
// objectives (who does what by when), the plan's validation by the person
// or their legal representative, its reviews and the co-evaluation of its
// objectives. Commands, by area: plan_needs.go (IdentifyNeed, CloseNeed),
// plan_objectives.go (SetObjective, EvaluateObjective), plan_actions.go
// (PlanAction, CompleteAction), plan_validation.go (ValidatePlan),
// plan_reviews.go (SchedulePlanReview).
//
// Each command is checked as Person says: its own fields first (an
// *InvalidError naming the API field), then the file (checkFile), then the
// plan's rules (need.unknown, need.closed, objective.unknown,
// objective.closed, action.unknown, action.completed, plan.empty,
// plan.unchanged, review.unknown).

// PlanState is the projet personnalisé as the decider knows it: needs,
// objectives, actions, validation, reviews and evaluations. Its maps are
// nil until the first event of their kind.
type PlanState struct {
	// Needs holds every need identified, open or closed, by need id.
	Needs map[string]PlanNeed
	// Objectives holds every objective set, by objective id.
	Objectives map[string]PlanObjective
	// Actions holds every action planned, by action id.
	Actions map[string]PlannedAction
	// Reviews holds every review scheduled, by review id.
	Reviews map[string]PlanReview
	// PendingReviewID is the review scheduled and not held yet (at most
	// one); empty when none.
	PendingReviewID string
	// Revision is the revision of the last validation: 0 before any.
	Revision uint32
	// Changed is true when an objective or an action was set since the
	// last validation (or, before any, since the start): the plan as it
	// stands awaits validation as revision Revision+1.
	Changed bool
}

// PlanNeed is a need identified with the person (besoin).
type PlanNeed struct {
	ID     string
	Code   SerafinCode
	Closed bool
}

// SerafinCode is a SERAFIN-PH code with the nomenclature (system) and
// version it was taken from.
type SerafinCode struct {
	System, Version, Code string
}

// PlanObjective is an objective of the projet personnalisé.
type PlanObjective struct {
	ID      string
	NeedIDs []string
	DueDate string // "YYYY-MM-DD"
	// Outcome is the outcome of the last evaluation; UNSPECIFIED before any.
	Outcome eventsv1.ObjectiveOutcome
}

// Closed reports whether the objective was achieved or abandoned: it takes
// no more actions nor evaluations.
func (o PlanObjective) Closed() bool { return objectiveClosedBy(o.Outcome) }

func objectiveClosedBy(o eventsv1.ObjectiveOutcome) bool {
	return o == eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ACHIEVED || o == eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ABANDONED
}

// PlannedAction is an action of the plan: who does what by when.
type PlannedAction struct {
	ID          string
	ObjectiveID string
	DueDate     string // "YYYY-MM-DD"
	// CompletedOn is the date it was done, "YYYY-MM-DD"; empty until then.
	CompletedOn string
	// DecisionID is the meeting's decision it comes from; empty when none.
	DecisionID string
}

// Completed reports whether the action was done.
func (a PlannedAction) Completed() bool { return a.CompletedOn != "" }

// PlanReview is a review of the projet personnalisé (révision / bilan).
type PlanReview struct {
	ID          string
	ScheduledOn string // "YYYY-MM-DD"
	// Held is true once an objective was evaluated at it.
	Held bool
	// Replaced is true when another review was scheduled while it was
	// pending.
	Replaced bool
}

// serafinCode is a SERAFIN-PH code as an event stores it: with the code
// system and the version of the nomenclature it was checked against.
func serafinCode(code string) *eventsv1.SerafinCode {
	return &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: code}
}
