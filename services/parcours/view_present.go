package parcours

import (
	"time"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// present sets the fields of view that depend on the day of the read, day
// being midnight UTC of that day in Europe/Paris (as today returns it):
// action and review states, overdue and next actions, rights' remaining
// days, needs' coverage and SERAFIN-PH labels. The projection never stores
// them, so that a view does not go stale overnight; present works on the
// copy a read returns, and gives the same answer whatever was set before.
func present(view *parcoursv1.CoordinatedView, day time.Time) {
	presentPlan(view, day)
	presentRights(view, day)
	for _, s := range view.GetPendingSolicitations() {
		viewLabelCode(s.Prestation)
	}
	for _, s := range view.GetDeclinedSolicitations() {
		viewLabelCode(s.Prestation)
	}
	for _, g := range view.GetEngagements() {
		viewLabelCode(g.Prestation)
	}
}
