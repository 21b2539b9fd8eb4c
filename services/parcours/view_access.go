package parcours

import (
	"slices"

	"github.com/maillage/maillage/internal/access"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// redact leaves in view (a copy, changed in place) only what g lets its
// reader see, and returns the categories left that hold something. The
// frame of the file (who coordinates, who takes part, the level, whether
// the person left) is the team's: every reader with a grant sees it.
//
//	identité                  enrolment (birth date, domicile, INS, public)
//	administratif et droits   legal protection, MDPH rights; consents and
//	                          oppositions (to the coordination and référent)
//	vie sociale et entourage  the entourage
//	santé                     needs 1.1 and what is linked to them
//	scolarité et emploi       needs 1.3.3 and what is linked to them
//	évaluations               other needs, objectives' evaluations
//	projet et objectifs       projet de vie, objectives, actions, plan,
//	                          reviews, transitions, ruptures, risks, discharge
func redact(view *parcoursv1.CoordinatedView, g access.Grant) access.Categories {
	var shown access.Categories
	keep := func(c access.Category, present bool) bool {
		ok := g.Categories.Has(c)
		if ok && present {
			shown |= access.Of(c)
		}
		return ok
	}
	redactEnrolment(view, keep)
	if !keep(access.Administratif, len(view.GetRights()) > 0 || len(view.GetConsents()) > 0 || len(view.GetOppositions()) > 0) {
		view.Rights = nil
	}
	if g.Part < access.PartReferent || !g.Categories.Has(access.Administratif) {
		view.Consents, view.Oppositions = nil, nil
	}
	if !keep(access.VieSociale, len(view.GetEntourage()) > 0) {
		view.Entourage = nil
	}
	hiddenNeeds := redactNeeds(view, keep)
	redactProjet(view, keep, hiddenNeeds, g.Via)
	view.Timeline = slices.DeleteFunc(view.Timeline, func(e *parcoursv1.TimelineEntry) bool {
		return (e.GetCategory() != 0 && !g.Categories.Has(e.GetCategory())) || (sharingLine(e) && g.Part < access.PartReferent)
	})
	view.DisclosedCategories = shown.List()
	return shown
}

func redactEnrolment(view *parcoursv1.CoordinatedView, keep func(access.Category, bool) bool) {
	e := view.GetEnrolled()
	if e == nil {
		return
	}
	if !keep(access.Identite, true) {
		view.Enrolled = nil
		return
	}
	if !keep(access.Administratif, e.GetLegalProtection() != 0) {
		e.LegalProtection = 0
	}
}

// redactNeeds leaves the needs whose category g grants and returns the ids
// of the others: what is linked to them is hidden too.
func redactNeeds(view *parcoursv1.CoordinatedView, keep func(access.Category, bool) bool) map[string]bool {
	hidden := map[string]bool{}
	view.Needs = slices.DeleteFunc(view.Needs, func(n *parcoursv1.Need) bool {
		if keep(needCategory(n.GetCode().GetCode()), true) {
			return false
		}
		hidden[n.GetNeedId()] = true
		return true
	})
	return hidden
}

func redactProjet(view *parcoursv1.CoordinatedView, keep func(access.Category, bool) bool, hiddenNeeds map[string]bool, reader string) {
	projet := keep(access.Projet, view.GetLifeProject() != nil || view.GetPlan() != nil || len(view.GetTransitions()) > 0 ||
		len(view.GetRuptures()) > 0 || len(view.GetRisks()) > 0 || view.GetDischarge() != nil || len(view.GetReviews()) > 0 ||
		len(view.GetPendingSolicitations()) > 0 || len(view.GetEngagements()) > 0 || len(view.GetDeclinedSolicitations()) > 0 ||
		len(view.GetMeetings()) > 0)
	if !projet {
		view.LifeProject, view.Plan, view.Reviews, view.NextReviewOn = nil, nil, nil, ""
		view.NextActions, view.OverdueActions = nil, nil
		view.Transitions, view.Ruptures, view.Risks, view.Discharge = nil, nil, nil, nil
		view.PendingSolicitations, view.Engagements, view.DeclinedSolicitations, view.Meetings = nil, nil, nil, nil
		for _, n := range view.Needs {
			if n.CoveredBy != nil {
				n.CoveredBy.EngagementIds = nil
			}
		}
		return
	}
	// What asks or commits partners for a hidden need, or for a
	// prestation of a category the reader may not see (soins: santé), is
	// hidden with it, but for the reader's own engagement, without the
	// need it names.
	hiddenFor := func(need string, prestation *parcoursv1.SerafinCode) bool {
		return hiddenNeeds[need] || !keep(prestationCategory(prestation.GetCode()), true)
	}
	hiddenSolicitation := func(s *parcoursv1.PendingSolicitation) bool { return hiddenFor(s.GetNeedId(), s.GetPrestation()) }
	view.PendingSolicitations = slices.DeleteFunc(view.PendingSolicitations, hiddenSolicitation)
	view.DeclinedSolicitations = slices.DeleteFunc(view.DeclinedSolicitations, hiddenSolicitation)
	view.Engagements = slices.DeleteFunc(view.Engagements, func(g *parcoursv1.PartnerEngagement) bool {
		if !hiddenFor(g.GetNeedId(), g.GetPrestation()) {
			return false
		}
		if g.GetOrganisationId() == reader {
			if hiddenNeeds[g.GetNeedId()] {
				g.NeedId = ""
			}
			return false
		}
		return true
	})
	if lp := view.GetLifeProject(); lp != nil && !keep(access.VieSociale, false) {
		lp.RepresentativeMemberId = ""
	}
	plan := view.GetPlan()
	if plan == nil {
		return
	}
	var hiddenActions []string
	plan.Objectives = slices.DeleteFunc(plan.Objectives, func(o *parcoursv1.Objective) bool {
		for _, id := range o.GetNeedIds() {
			if hiddenNeeds[id] {
				for _, a := range o.GetActions() {
					hiddenActions = append(hiddenActions, a.GetActionId())
				}
				return true
			}
		}
		return false
	})
	redactPlanPeople(view, keep)
	evaluations := false
	for _, o := range plan.GetObjectives() {
		evaluations = evaluations || len(o.GetEvaluations()) > 0
	}
	if !keep(access.Evaluations, evaluations) {
		for _, o := range plan.GetObjectives() {
			o.Evaluations = nil
		}
	}
	hidden := func(id string) bool { return slices.Contains(hiddenActions, id) }
	view.NextActions = slices.DeleteFunc(view.NextActions, hidden)
	view.OverdueActions = slices.DeleteFunc(view.OverdueActions, hidden)
}

// redactPlanPeople hides, in the plan, who of the entourage is named
// (vie sociale) and the soins prestations (santé) from a reader who may
// not see them.
func redactPlanPeople(view *parcoursv1.CoordinatedView, keep func(access.Category, bool) bool) {
	plan := view.GetPlan()
	entourage := keep(access.VieSociale, false)
	sante := keep(access.Sante, false)
	if !entourage {
		plan.RepresentativeMemberId = ""
	}
	for _, o := range plan.GetObjectives() {
		for _, a := range o.GetActions() {
			if !entourage && a.GetResponsible().GetEntourageMemberId() != "" {
				a.Responsible = &parcoursv1.Responsible{DisplayName: "un membre de l'entourage"}
			}
			if !sante && prestationCategory(a.GetPrestation().GetCode()) == access.Sante {
				a.Prestation = nil
			}
		}
	}
}
