package parcours

import (
	"slices"
	"strings"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The view's transitions (in planned-date order), ruptures and risks of
// rupture.

func foldTransitionAnticipated(view *parcoursv1.CoordinatedView, e *eventsv1.TransitionAnticipated) {
	view.Transitions = append(view.Transitions, &parcoursv1.Transition{
		TransitionId:       e.GetTransitionId(),
		Kind:               e.GetKind(),
		FromSetting:        e.GetFromSetting(),
		ToSetting:          e.GetToSetting(),
		PlannedDate:        e.GetPlannedDate(),
		ReceivingPartnerId: e.GetReceivingPartnerId(),
		State:              parcoursv1.TransitionState_TRANSITION_STATE_ANTICIPATED,
	})
	viewSortTransitions(view)
}

// viewSortTransitions keeps the planned-date order the API promises;
// "YYYY-MM-DD" sorts as text, and a stable sort keeps same-day transitions
// in recorded order.
func viewSortTransitions(view *parcoursv1.CoordinatedView) {
	slices.SortStableFunc(view.Transitions, func(a, b *parcoursv1.Transition) int {
		return strings.Compare(a.GetPlannedDate(), b.GetPlannedDate())
	})
}

func viewTransition(view *parcoursv1.CoordinatedView, id string) *parcoursv1.Transition {
	for _, t := range view.Transitions {
		if t.GetTransitionId() == id {
			return t
		}
	}
	return nil
}

func foldTransitionRescheduled(view *parcoursv1.CoordinatedView, e *eventsv1.TransitionRescheduled) {
	if t := viewTransition(view, e.GetTransitionId()); t != nil {
		t.PlannedDate = e.GetPlannedDate()
		t.RescheduleCount++
		viewSortTransitions(view)
	}
}

func foldTransitionCompleted(view *parcoursv1.CoordinatedView, e *eventsv1.TransitionCompleted) {
	if t := viewTransition(view, e.GetTransitionId()); t != nil {
		t.State, t.CompletedOn = parcoursv1.TransitionState_TRANSITION_STATE_COMPLETED, e.GetCompletedOn()
	}
}

func foldTransitionCancelled(view *parcoursv1.CoordinatedView, e *eventsv1.TransitionCancelled) {
	if t := viewTransition(view, e.GetTransitionId()); t != nil {
		t.State, t.CancelledReason = parcoursv1.TransitionState_TRANSITION_STATE_CANCELLED, e.GetReason()
	}
}

// foldRuptureResolved resolves the rupture or the risk of that id (they
// share one space of ids).
func foldRuptureResolved(view *parcoursv1.CoordinatedView, e *eventsv1.RuptureResolved) {
	for _, r := range view.Ruptures {
		if r.GetRuptureId() == e.GetRuptureId() {
			r.State, r.ResolvedOn, r.Resolution = parcoursv1.RuptureState_RUPTURE_STATE_RESOLVED, e.GetResolvedOn(), e.GetResolution()
			return
		}
	}
	for _, r := range view.Risks {
		if r.GetRiskId() == e.GetRuptureId() {
			r.State, r.ResolvedOn, r.Resolution = parcoursv1.RuptureState_RUPTURE_STATE_RESOLVED, e.GetResolvedOn(), e.GetResolution()
			return
		}
	}
}

// viewIsRisk reports whether id names a risk of the view (rather than a
// rupture).
func viewIsRisk(view *parcoursv1.CoordinatedView, id string) bool {
	for _, r := range view.Risks {
		if r.GetRiskId() == id {
			return true
		}
	}
	return false
}
