package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// What a reader of the integration feed may receive of one event of a
// file: the rules of the view (view_access.go) applied to one event. The
// person's current view says what the event is linked to (the needs of an
// objective, the objective of an action).

// feedRedact returns the event as a reader granted g may receive it, with
// its category, or false when it must not be delivered at all.
func feedRedact(view *parcoursv1.CoordinatedView, payload proto.Message, g access.Grant) (proto.Message, access.Category, bool) {
	cat := timelineCategory(view, payload)
	if cat != 0 && !g.Categories.Has(cat) {
		return nil, cat, false
	}
	if linked := linkedNeedCategories(view, payload); !g.Categories.Covers(linked) {
		return nil, cat, false
	}
	switch e := payload.(type) {
	case *eventsv1.SharingConsentRecorded, *eventsv1.SharingConsentWithdrawn, *eventsv1.SharingOpposed, *eventsv1.SharingOppositionLifted:
		// The person's choices about sharing are the coordination's and
		// the référent's, as in the view.
		if g.Part < access.PartReferent {
			return nil, cat, false
		}
	case *eventsv1.PersonEnrolled:
		if !g.Categories.Has(access.Administratif) {
			e = proto.CloneOf(e)
			e.LegalProtection = 0
			return e, cat, true
		}
	}
	return payload, cat, true
}

// linkedNeedCategories are the categories of the needs an objective, an
// action or an evaluation is linked to: hidden with them.
func linkedNeedCategories(view *parcoursv1.CoordinatedView, payload proto.Message) access.Categories {
	var objective string
	var needIDs []string
	switch e := payload.(type) {
	case *eventsv1.ObjectiveSet:
		needIDs = e.GetNeedIds()
	case *eventsv1.ActionPlanned:
		objective = e.GetObjectiveId()
	case *eventsv1.ObjectiveEvaluated:
		objective = e.GetObjectiveId()
	case *eventsv1.ActionCompleted:
		objective = objectiveOfAction(view, e.GetActionId())
	}
	if objective != "" {
		needIDs = viewObjective(view, objective).GetNeedIds()
	}
	var cats access.Categories
	for _, id := range needIDs {
		cats |= access.Of(viewNeedCategory(view, id))
	}
	return cats
}

func objectiveOfAction(view *parcoursv1.CoordinatedView, actionID string) string {
	for _, o := range view.GetPlan().GetObjectives() {
		for _, a := range o.GetActions() {
			if a.GetActionId() == actionID {
				return o.GetObjectiveId()
			}
		}
	}
	return ""
}
