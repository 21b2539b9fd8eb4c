package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// maxObjectiveNeeds bounds the needs one objective answers.
const maxObjectiveNeeds = 20

// SetObjective adds an objective to the projet personnalisé (objectif):
// concrete, measurable, dated, answering one or more open needs. It
// records ObjectiveSet with a new objective id.
type SetObjective struct {
	PersonID string
	// NeedIDs are 1 to 20 distinct open needs of the person.
	NeedIDs   []string
	Statement string // the objective, concrete, in French
	Indicator string // how it is measured (indicateur)
	// DueDate (échéance), "YYYY-MM-DD": today or later, Europe/Paris.
	DueDate string
}

func (c SetObjective) personID() string { return c.PersonID }

func decideSetObjective(s *PersonState, c SetObjective, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	switch n := len(c.NeedIDs); {
	case n == 0:
		bad.Add("need_ids", "an objective answers at least one need")
	case n > maxObjectiveNeeds:
		bad.Add("need_ids", "an objective answers at most %d needs, not %d", maxObjectiveNeeds, n)
	default:
		seen := make(map[string]bool, n)
		for _, id := range c.NeedIDs {
			if seen[id] {
				bad.Add("need_ids", "need %s is given twice", id)
				break
			}
			seen[id] = true
		}
	}
	if c.Statement == "" {
		bad.Add("statement", "the objective is required")
	}
	if c.Indicator == "" {
		bad.Add("indicator", "how the objective is measured is required")
	}
	checkDayAhead(bad, "due_date", c.DueDate, at.Now, "an objective is set ahead")
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	for _, id := range c.NeedIDs {
		if err := checkOpenNeed(s, id); err != nil {
			return nil, err
		}
	}
	id, err := newID(at)
	if err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.ObjectiveSet{
		ObjectiveId: id,
		NeedIds:     append([]string(nil), c.NeedIDs...), // the event must not alias the caller's slice
		Statement:   c.Statement,
		Indicator:   c.Indicator,
		DueDate:     c.DueDate,
	}}, nil
}

// checkOpenObjective refuses an objective the plan does not have
// (objective.unknown) or that was achieved or abandoned
// (objective.closed).
func checkOpenObjective(s *PersonState, objectiveID string) error {
	o, ok := s.Plan.Objectives[objectiveID]
	if !ok {
		return derrors.Rejected("objective.unknown", "objective/"+objectiveID,
			"person %s has no objective %s", s.PersonID, objectiveID)
	}
	if o.Closed() {
		return derrors.Rejected("objective.closed", "objective/"+objectiveID,
			"objective %s of person %s is closed (%s)", objectiveID, s.PersonID, o.Outcome)
	}
	return nil
}

// EvaluateObjective records the co-evaluation of an open objective with
// the person (co-évaluation). It records ObjectiveEvaluated; an outcome
// achieved or abandoned closes the objective.
type EvaluateObjective struct {
	PersonID    string
	ObjectiveID string
	Outcome     eventsv1.ObjectiveOutcome
	// EvaluatedOn (date d'évaluation), "YYYY-MM-DD": today or earlier.
	EvaluatedOn       string
	PersonWords       string // parole de la personne
	ProfessionalNotes string
	// ReviewID is the review the evaluation is made at; empty outside a
	// review.
	ReviewID string
}

func (c EvaluateObjective) personID() string { return c.PersonID }

func decideEvaluateObjective(s *PersonState, c EvaluateObjective, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.Outcome == eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_UNSPECIFIED {
		bad.Add("outcome", "the outcome of the evaluation is required")
	}
	checkDayDone(bad, "evaluated_on", c.EvaluatedOn, at.Now, "an evaluation is recorded once made")
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if err := checkOpenObjective(s, c.ObjectiveID); err != nil {
		return nil, err
	}
	if c.ReviewID != "" {
		if _, ok := s.Plan.Reviews[c.ReviewID]; !ok {
			return nil, derrors.Rejected("review.unknown", "review/"+c.ReviewID,
				"person %s has no plan review %s", s.PersonID, c.ReviewID)
		}
	}
	return []proto.Message{&eventsv1.ObjectiveEvaluated{
		ObjectiveId:       c.ObjectiveID,
		Outcome:           c.Outcome,
		EvaluatedOn:       c.EvaluatedOn,
		PersonWords:       c.PersonWords,
		ProfessionalNotes: c.ProfessionalNotes,
		ReviewId:          c.ReviewID,
	}}, nil
}

func evolveObjectiveSet(p *PlanState, e *eventsv1.ObjectiveSet) {
	if p.Objectives == nil {
		p.Objectives = map[string]PlanObjective{}
	}
	p.Objectives[e.GetObjectiveId()] = PlanObjective{
		ID: e.GetObjectiveId(), NeedIDs: append([]string(nil), e.GetNeedIds()...), DueDate: e.GetDueDate(),
	}
	p.Changed = true
}
