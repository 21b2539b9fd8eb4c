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

// feedRedact returns the event as a reader granted g may receive it, its
// category, and every category it discloses; false when it must not be
// delivered at all.
func feedRedact(view *parcoursv1.CoordinatedView, payload proto.Message, g access.Grant) (proto.Message, access.Category, access.Categories, bool) {
	cat := timelineCategory(view, payload)
	if cat != 0 && !g.Categories.Has(cat) {
		return nil, cat, 0, false
	}
	linked := linkedNeedCategories(view, payload)
	if !g.Categories.Covers(linked) {
		return nil, cat, 0, false
	}
	disclosed := access.Of(cat) | linked
	entourage := g.Categories.Has(access.VieSociale)
	switch e := payload.(type) {
	case *eventsv1.SharingConsentRecorded, *eventsv1.SharingConsentWithdrawn, *eventsv1.SharingOpposed, *eventsv1.SharingOppositionLifted:
		// The person's choices about sharing are the coordination's and
		// the référent's, as in the view.
		if g.Part < access.PartReferent {
			return nil, cat, 0, false
		}
	case *eventsv1.PersonEnrolled:
		if e.GetLegalProtection() != 0 {
			if !g.Categories.Has(access.Administratif) {
				e = proto.CloneOf(e)
				e.LegalProtection = 0
				return e, cat, disclosed, true
			}
			disclosed |= access.Of(access.Administratif)
		}
	// The frame goes to the whole team; the coordination's notes on it
	// (reasons in words) do not, as the view never shows them.
	case *eventsv1.CoordinationLevelSet:
		if g.Part < access.PartReferent && e.GetReason() != "" {
			e = proto.CloneOf(e)
			e.Reason = ""
			return e, cat, disclosed, true
		}
	case *eventsv1.CoordinationRoleReleased:
		if g.Part < access.PartReferent && e.GetReason() != "" {
			e = proto.CloneOf(e)
			e.Reason = ""
			return e, cat, disclosed, true
		}
	case *eventsv1.PartnerLeftCoordination:
		if g.Part < access.PartReferent && e.GetReason() != "" {
			e = proto.CloneOf(e)
			e.Reason = ""
			return e, cat, disclosed, true
		}
	// Who of the entourage is named is vie sociale.
	case *eventsv1.ActionPlanned:
		if !entourage && e.GetResponsible().GetEntourageMemberId() != "" {
			e = proto.CloneOf(e)
			e.Responsible = &eventsv1.Responsible{DisplayName: "un membre de l'entourage"}
			return e, cat, disclosed, true
		}
	case *eventsv1.LifeProjectExpressed:
		if !entourage && e.GetRepresentativeMemberId() != "" {
			e = proto.CloneOf(e)
			e.RepresentativeMemberId = ""
			return e, cat, disclosed, true
		}
	case *eventsv1.PlanValidated:
		if !entourage && e.GetRepresentativeMemberId() != "" {
			e = proto.CloneOf(e)
			e.RepresentativeMemberId = ""
			return e, cat, disclosed, true
		}
	}
	return payload, cat, disclosed, true
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
