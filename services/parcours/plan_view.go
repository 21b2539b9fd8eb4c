package parcours

import (
	"cmp"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The view's needs and projet personnalisé: objectives, actions,
// validation, reviews and co-evaluations. The fold keeps what the events
// say; presentPlan adds what depends on the day of the read (overdue
// actions and reviews, next actions, needs' coverage, SERAFIN-PH labels).

// viewMaxNextActions bounds CoordinatedView.next_actions.
const viewMaxNextActions = 5

func foldNeedIdentified(view *parcoursv1.CoordinatedView, e *eventsv1.NeedIdentified, when time.Time) {
	view.Needs = append(view.Needs, &parcoursv1.Need{
		NeedId:       e.GetNeedId(),
		Code:         serafinCodeView(e.GetCode()),
		Description:  e.GetDescription(),
		State:        parcoursv1.NeedState_NEED_STATE_OPEN,
		CoveredBy:    &parcoursv1.NeedCoverage{},
		IdentifiedAt: timestamppb.New(when),
	})
}

func foldNeedClosed(view *parcoursv1.CoordinatedView, e *eventsv1.NeedClosed, when time.Time) {
	if n := viewNeed(view, e.GetNeedId()); n != nil {
		n.State, n.ClosureReason, n.ClosureNote, n.ClosedAt = parcoursv1.NeedState_NEED_STATE_CLOSED, e.GetReason(), e.GetNote(), timestamppb.New(when)
	}
}

func viewNeed(view *parcoursv1.CoordinatedView, id string) *parcoursv1.Need {
	for _, n := range view.Needs {
		if n.GetNeedId() == id {
			return n
		}
	}
	return nil
}

func serafinCodeView(c *eventsv1.SerafinCode) *parcoursv1.SerafinCode {
	if c == nil {
		return nil
	}
	return &parcoursv1.SerafinCode{System: c.GetSystem(), Version: c.GetVersion(), Code: c.GetCode()}
}

// viewEnsurePlan returns the view's plan, creating it on the first objective
// or validation.
func viewEnsurePlan(view *parcoursv1.CoordinatedView) *parcoursv1.Plan {
	if view.Plan == nil {
		view.Plan = &parcoursv1.Plan{}
	}
	return view.Plan
}

func viewObjective(view *parcoursv1.CoordinatedView, id string) *parcoursv1.Objective {
	for _, o := range view.GetPlan().GetObjectives() {
		if o.GetObjectiveId() == id {
			return o
		}
	}
	return nil
}

func viewAction(view *parcoursv1.CoordinatedView, id string) *parcoursv1.Action {
	for _, o := range view.GetPlan().GetObjectives() {
		for _, a := range o.GetActions() {
			if a.GetActionId() == id {
				return a
			}
		}
	}
	return nil
}

// foldObjectiveSet adds the objective; the plan now awaits a new
// validation.
func foldObjectiveSet(view *parcoursv1.CoordinatedView, e *eventsv1.ObjectiveSet) {
	plan := viewEnsurePlan(view)
	plan.Objectives = append(plan.Objectives, &parcoursv1.Objective{
		ObjectiveId: e.GetObjectiveId(),
		Statement:   e.GetStatement(),
		Indicator:   e.GetIndicator(),
		DueDate:     e.GetDueDate(),
		NeedIds:     slices.Clone(e.GetNeedIds()),
		State:       parcoursv1.ObjectiveState_OBJECTIVE_STATE_OPEN,
	})
	plan.Validated = false
	for _, id := range e.GetNeedIds() {
		if n := viewNeed(view, id); n != nil {
			if n.CoveredBy == nil {
				n.CoveredBy = &parcoursv1.NeedCoverage{}
			}
			n.CoveredBy.ObjectiveIds = append(n.CoveredBy.ObjectiveIds, e.GetObjectiveId())
		}
	}
}

// foldActionPlanned adds the action to its objective; the plan now awaits
// a new validation.
func foldActionPlanned(view *parcoursv1.CoordinatedView, e *eventsv1.ActionPlanned) {
	plan := viewEnsurePlan(view)
	plan.Validated = false
	o := viewObjective(view, e.GetObjectiveId())
	if o == nil {
		return // the decider refuses it; nothing to attach it to
	}
	o.Actions = append(o.Actions, &parcoursv1.Action{
		ActionId:    e.GetActionId(),
		Description: e.GetDescription(),
		Responsible: responsibleView(e.GetResponsible()),
		DueDate:     e.GetDueDate(),
		Prestation:  serafinCodeView(e.GetPrestation()),
		State:       parcoursv1.ActionState_ACTION_STATE_PLANNED,
	})
}

func responsibleView(r *eventsv1.Responsible) *parcoursv1.Responsible {
	if r == nil {
		return nil
	}
	out := &parcoursv1.Responsible{DisplayName: r.GetDisplayName()}
	switch w := r.GetWho().(type) {
	case *eventsv1.Responsible_PartnerId:
		out.Who = &parcoursv1.Responsible_PartnerId{PartnerId: w.PartnerId}
	case *eventsv1.Responsible_Professional:
		out.Who = &parcoursv1.Responsible_Professional{Professional: &parcoursv1.Professional{
			ProfessionalId: w.Professional.GetProfessionalId(), OrganisationId: w.Professional.GetOrganisationId(),
		}}
	case *eventsv1.Responsible_EntourageMemberId:
		out.Who = &parcoursv1.Responsible_EntourageMemberId{EntourageMemberId: w.EntourageMemberId}
	case *eventsv1.Responsible_Person:
		out.Who = &parcoursv1.Responsible_Person{Person: w.Person}
	}
	return out
}

func foldActionCompleted(view *parcoursv1.CoordinatedView, e *eventsv1.ActionCompleted) {
	if a := viewAction(view, e.GetActionId()); a != nil {
		a.State, a.CompletedOn, a.CompletionNote = parcoursv1.ActionState_ACTION_STATE_COMPLETED, e.GetCompletedOn(), e.GetNote()
	}
}

func foldPlanValidated(view *parcoursv1.CoordinatedView, e *eventsv1.PlanValidated) {
	plan := viewEnsurePlan(view)
	plan.Revision, plan.Validated = e.GetPlanRevision(), true
	plan.ValidatedBy, plan.RepresentativeMemberId, plan.ValidatedOn = e.GetValidatedBy(), e.GetRepresentativeMemberId(), e.GetValidatedOn()
}

// foldReviewScheduled adds a pending review; one still pending is replaced
// by it. The fold keeps a pending review SCHEDULED: presentPlan tells
// whether it is overdue on the day of the read.
func foldReviewScheduled(view *parcoursv1.CoordinatedView, e *eventsv1.PlanReviewScheduled) {
	for _, r := range view.Reviews {
		if r.GetState() == parcoursv1.ReviewState_REVIEW_STATE_SCHEDULED {
			r.State = parcoursv1.ReviewState_REVIEW_STATE_REPLACED
		}
	}
	view.Reviews = append(view.Reviews, &parcoursv1.Review{
		ReviewId: e.GetReviewId(), ScheduledOn: e.GetScheduledOn(), State: parcoursv1.ReviewState_REVIEW_STATE_SCHEDULED,
	})
	view.NextReviewOn = e.GetScheduledOn()
}

var viewObjectiveStates = map[eventsv1.ObjectiveOutcome]parcoursv1.ObjectiveState{
	eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ACHIEVED:           parcoursv1.ObjectiveState_OBJECTIVE_STATE_ACHIEVED,
	eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_PARTIALLY_ACHIEVED: parcoursv1.ObjectiveState_OBJECTIVE_STATE_PARTIALLY_ACHIEVED,
	eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_NOT_ACHIEVED:       parcoursv1.ObjectiveState_OBJECTIVE_STATE_NOT_ACHIEVED,
	eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ABANDONED:          parcoursv1.ObjectiveState_OBJECTIVE_STATE_ABANDONED,
}

// viewObjectiveClosed reports whether an objective in state s is closed
// (achieved or abandoned).
func viewObjectiveClosed(s parcoursv1.ObjectiveState) bool {
	return s == parcoursv1.ObjectiveState_OBJECTIVE_STATE_ACHIEVED || s == parcoursv1.ObjectiveState_OBJECTIVE_STATE_ABANDONED
}

// foldObjectiveEvaluated records the co-evaluation. An objective achieved
// or abandoned drops its actions not done; an evaluation made at a review
// makes that review held.
func foldObjectiveEvaluated(view *parcoursv1.CoordinatedView, e *eventsv1.ObjectiveEvaluated) {
	if o := viewObjective(view, e.GetObjectiveId()); o != nil {
		o.Evaluations = append(o.Evaluations, &parcoursv1.ObjectiveEvaluation{
			Outcome: e.GetOutcome(), EvaluatedOn: e.GetEvaluatedOn(), PersonWords: e.GetPersonWords(),
			ProfessionalNotes: e.GetProfessionalNotes(), ReviewId: e.GetReviewId(),
		})
		if s, ok := viewObjectiveStates[e.GetOutcome()]; ok {
			o.State = s
		}
		if viewObjectiveClosed(o.State) {
			for _, a := range o.Actions {
				if a.GetState() == parcoursv1.ActionState_ACTION_STATE_PLANNED {
					a.State = parcoursv1.ActionState_ACTION_STATE_DROPPED
				}
			}
		}
	}
	if e.GetReviewId() == "" {
		return
	}
	for _, r := range view.Reviews {
		if r.GetReviewId() != e.GetReviewId() {
			continue
		}
		if r.GetState() == parcoursv1.ReviewState_REVIEW_STATE_SCHEDULED {
			view.NextReviewOn = "" // it was the pending one
		}
		r.State = parcoursv1.ReviewState_REVIEW_STATE_HELD
		if !slices.Contains(r.EvaluatedObjectiveIds, e.GetObjectiveId()) {
			r.EvaluatedObjectiveIds = append(r.EvaluatedObjectiveIds, e.GetObjectiveId())
		}
	}
}

// viewDueAction is an action still to be done, for sorting by due date.
type viewDueAction struct {
	action    *parcoursv1.Action
	objective *parcoursv1.Objective
	order     int // plan order, to break ties
}

// viewPendingActions returns the actions still to be done (planned, overdue or
// not), soonest due first, ties in plan order.
func viewPendingActions(plan *parcoursv1.Plan) []viewDueAction {
	var out []viewDueAction
	for _, o := range plan.GetObjectives() {
		for _, a := range o.GetActions() {
			switch a.GetState() {
			case parcoursv1.ActionState_ACTION_STATE_PLANNED, parcoursv1.ActionState_ACTION_STATE_OVERDUE:
				out = append(out, viewDueAction{a, o, len(out)})
			}
		}
	}
	slices.SortFunc(out, func(x, y viewDueAction) int {
		return cmp.Or(cmp.Compare(x.action.GetDueDate(), y.action.GetDueDate()), cmp.Compare(x.order, y.order))
	})
	return out
}

// presentPlan sets what depends on day (midnight UTC of the day of the
// read in Europe/Paris): action and review states, overdue and next
// actions, needs' coverage, and SERAFIN-PH labels.
func presentPlan(view *parcoursv1.CoordinatedView, day time.Time) {
	d := day.Format(dateLayout)
	view.OverdueActions, view.NextActions = nil, nil
	pending := viewPendingActions(view.GetPlan())
	for _, p := range pending {
		// "YYYY-MM-DD" compares as text.
		if p.action.GetDueDate() < d {
			p.action.State = parcoursv1.ActionState_ACTION_STATE_OVERDUE
			view.OverdueActions = append(view.OverdueActions, p.action.GetActionId())
			continue
		}
		p.action.State = parcoursv1.ActionState_ACTION_STATE_PLANNED
		if len(view.NextActions) < viewMaxNextActions && !viewObjectiveClosed(p.objective.GetState()) {
			view.NextActions = append(view.NextActions, p.action.GetActionId())
		}
	}
	for _, r := range view.Reviews {
		switch {
		case r.GetState() == parcoursv1.ReviewState_REVIEW_STATE_SCHEDULED && r.GetScheduledOn() < d:
			r.State = parcoursv1.ReviewState_REVIEW_STATE_OVERDUE
		case r.GetState() == parcoursv1.ReviewState_REVIEW_STATE_OVERDUE && r.GetScheduledOn() >= d:
			r.State = parcoursv1.ReviewState_REVIEW_STATE_SCHEDULED
		}
	}
	// Coverage: each need's objectives' actions still to be done, soonest
	// due first.
	for _, n := range view.Needs {
		if n.CoveredBy == nil {
			n.CoveredBy = &parcoursv1.NeedCoverage{}
		}
		n.CoveredBy.ActionIds = nil
		if len(n.CoveredBy.GetObjectiveIds()) > 0 {
			wanted := map[string]bool{}
			for _, id := range n.CoveredBy.GetObjectiveIds() {
				wanted[id] = true
			}
			for _, p := range pending {
				if wanted[p.objective.GetObjectiveId()] {
					n.CoveredBy.ActionIds = append(n.CoveredBy.ActionIds, p.action.GetActionId())
				}
			}
		}
		viewLabelCode(n.Code)
	}
	for _, o := range view.GetPlan().GetObjectives() {
		for _, a := range o.GetActions() {
			viewLabelCode(a.Prestation)
		}
	}
}

// viewLabelCode sets c's label from the SERAFIN-PH reference data, when c is a
// code of the version Maillage holds.
func viewLabelCode(c *parcoursv1.SerafinCode) {
	if c == nil {
		return
	}
	c.Label = ""
	if c.GetSystem() != serafin.System || c.GetVersion() != serafin.Version {
		return
	}
	if e, ok := serafin.Default().Lookup(c.GetCode()); ok {
		c.Label = e.Label
	}
}
