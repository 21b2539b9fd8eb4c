package parcours

import (
	"cmp"
	"fmt"
	"time"

	"github.com/maillage/maillage/internal/calendar"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// The vigilance rules (DOMAIN.md, "Vigilance"): what, in a person's file
// and the partners' answers, is a risk of rupture de parcours or a
// rupture already, on a given day. Pure: the file, the partners' support,
// the thresholds of the organisation holding the coordination and the
// clock in; the findings and the next day anything may change out.

// The rules' names, as RuptureRiskRaised.rule and RuptureDetected.rule
// carry them.
const (
	RuleNoCoordinator             = "coordinator.missing"
	RuleTransitionNotSecured      = "transition.not_secured"
	RuleTransitionMissed          = "transition.missed"
	RuleSupportLost               = "support.lost"
	RuleRightsExpiring            = "rights.expiring"
	RulePlanReviewOverdue         = "plan.review_overdue"
	RuleActionOverdue             = "action.overdue"
	RuleSolicitationUnanswered    = "solicitation.unanswered"
	RuleSolicitationNoAlternative = "solicitation.no_alternative"
)

// VigilanceThresholds are an organisation's thresholds for the rules, in
// days (months for rights).
type VigilanceThresholds struct {
	NoCoordinatorDays      int // a file with nobody coordinating for this long
	TransitionSecuredDays  int // a transition must be secured this long before its date
	TransitionGraceDays    int // its completion may be recorded this long after its date
	RightsExpiringMonths   int // a right ending within this many months, not renewed
	PlanReviewGraceDays    int // a review not held this long after its day
	ActionGraceDays        int // an action not done this long after its due date
	SolicitationAnswerDays int // a solicitation unanswered this long after it was sent
}

// DefaultVigilanceThresholds are used where an organisation set none.
func DefaultVigilanceThresholds() VigilanceThresholds {
	return VigilanceThresholds{NoCoordinatorDays: 15, TransitionSecuredDays: 60, TransitionGraceDays: 2, RightsExpiringMonths: 6,
		PlanReviewGraceDays: 15, ActionGraceDays: 15, SolicitationAnswerDays: 15}
}

// Support is what the partners' streams tell about a person: the
// solicitations sent for her and the engagements that came of them, by id.
type Support struct {
	Solicitations map[string]SupportSolicitation `json:"s,omitempty"`
	Engagements   map[string]SupportEngagement   `json:"e,omitempty"`
}

// SupportSolicitation is a solicitation as the vigilance needs it.
type SupportSolicitation struct {
	NeedID       string `json:"n,omitempty"`
	TransitionID string `json:"t,omitempty"`
	Prestation   string `json:"p,omitempty"`
	SentOn       string `json:"d"` // "YYYY-MM-DD", Europe/Paris
	Asked        int    `json:"a"` // partners asked
	Declined     int    `json:"x,omitempty"`
	// Closed: accepted, revoked or expired.
	Accepted bool `json:"ok,omitempty"`
	Revoked  bool `json:"r,omitempty"`
	Expired  bool `json:"e,omitempty"`
}

// pending: nobody accepted yet and it may still be.
func (s SupportSolicitation) pending() bool {
	return !s.Accepted && !s.Revoked && !s.Expired && s.Declined < s.Asked
}

// failed: every partner asked declined, or it expired unaccepted.
func (s SupportSolicitation) failed() bool {
	return !s.Accepted && !s.Revoked && (s.Expired || s.Declined >= s.Asked)
}

// SupportEngagement is an engagement as the vigilance needs it.
type SupportEngagement struct {
	Organisation string `json:"o"`
	NeedID       string `json:"n,omitempty"`
	TransitionID string `json:"t,omitempty"`
	Prestation   string `json:"p,omitempty"`
	Ended        bool   `json:"x,omitempty"`
}

// Finding is a risk or a rupture a rule finds, one per cause.
type Finding struct {
	Rule, Cause  string
	Rupture      bool // a rupture (RuptureDetected), else a risk
	Kind         eventsv1.RuptureKind
	Description  string // in French
	TransitionID string
}

// vigilanceCheck applies the rules to one file on one day.
type vigilanceCheck struct {
	s     *PersonState
	sup   Support
	th    VigilanceThresholds
	today string
	found map[string]Finding
	next  string // the first day after today a finding may change; "" none
}

// VigilanceFindings returns what the rules find in the file on now's day
// (Europe/Paris), by cause, and the first instant after now when they may
// find something else with nothing new written (zero: never).
func VigilanceFindings(s *PersonState, sup Support, th VigilanceThresholds, now time.Time) (map[string]Finding, time.Time) {
	v := &vigilanceCheck{s: s, sup: sup, th: th, today: calendar.Today(now), found: map[string]Finding{}}
	if !s.Enrolled || s.Discharged {
		return v.found, time.Time{}
	}
	v.noCoordinator()
	v.transitions()
	v.supportLost()
	v.rightsExpiring()
	v.planReview()
	v.actions()
	v.solicitations()
	var next time.Time
	if d, err := calendar.Parse(v.next); err == nil {
		next = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, calendar.Paris)
	}
	return v.found, next
}

// reached reports whether day has come; if not, it is a day to check again.
// An unreadable day ("") never comes.
func (v *vigilanceCheck) reached(day string) bool {
	if day == "" {
		return false
	}
	if day <= v.today {
		return true
	}
	if v.next == "" || day < v.next {
		v.next = day
	}
	return false
}

func (v *vigilanceCheck) find(f Finding) {
	if v.s.Vigilance.Dismissed[f.Cause] {
		return // resolved by a professional: never raised again
	}
	v.found[f.Cause] = f
}

// addMonths moves day by n months, to the month's last day when it has
// fewer (6 months before 31 August is 28 or 29 February, not 3 March).
func addMonths(day string, n int) string {
	d, err := calendar.Parse(day)
	if err != nil {
		return ""
	}
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d.Day(), last), 0, 0, 0, 0, time.UTC).Format(calendar.Layout)
}

func addDays(day string, n int) string {
	d, err := calendar.Parse(day)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, n).Format(calendar.Layout)
}

func (v *vigilanceCheck) noCoordinator() {
	since := cmp.Or(v.s.Vigilance.CoordinatorReleasedOn, v.s.EnrolledOn)
	if v.s.Coordinator != nil || !v.reached(addDays(since, v.th.NoCoordinatorDays)) {
		return
	}
	v.find(Finding{Rule: RuleNoCoordinator, Cause: RuleNoCoordinator + "/" + since, Kind: eventsv1.RuptureKind_RUPTURE_KIND_NO_COORDINATOR,
		Description: fmt.Sprintf("Aucun coordinateur de parcours depuis le %s.", since)})
}

func (v *vigilanceCheck) transitions() {
	for _, t := range v.s.Transitions {
		if t.Status != TransitionStatusAnticipated {
			continue
		}
		if v.reached(addDays(t.PlannedDate, v.th.TransitionGraceDays+1)) {
			v.find(Finding{Rule: RuleTransitionMissed, Cause: RuleTransitionMissed + "/" + t.ID + "/" + t.PlannedDate, Rupture: true,
				Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED, TransitionID: t.ID,
				Description: fmt.Sprintf("La transition prévue le %s n'a pas été réalisée.", t.PlannedDate)})
			continue
		}
		if !v.secured(t) && v.reached(addDays(t.PlannedDate, -v.th.TransitionSecuredDays)) {
			v.find(Finding{Rule: RuleTransitionNotSecured, Cause: RuleTransitionNotSecured + "/" + t.ID,
				Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED, TransitionID: t.ID,
				Description: fmt.Sprintf("La transition du %s n'est pas sécurisée : aucun partenaire d'accueil engagé.", t.PlannedDate)})
		}
	}
}

// secured: an engagement runs for the transition, or the receiving
// partner named is engaged for the person.
func (v *vigilanceCheck) secured(t Transition) bool {
	for _, e := range v.sup.Engagements {
		if !e.Ended && (e.TransitionID == t.ID || (t.ReceivingPartnerID != "" && e.Organisation == t.ReceivingPartnerID)) {
			return true
		}
	}
	return false
}

// covered: a running engagement answers the need.
func (v *vigilanceCheck) covered(needID string) bool {
	for _, e := range v.sup.Engagements {
		if !e.Ended && e.NeedID == needID {
			return true
		}
	}
	return false
}

// supportLost: a need open that an engagement covered and none covers
// now; one rupture per need, named by the last engagement that ended (a
// later loss, after a professional resolved the first, is a new cause).
func (v *vigilanceCheck) supportLost() {
	last := map[string]string{} // need → the last engagement ended (ids grow with time)
	for id, e := range v.sup.Engagements {
		if e.Ended && id > last[e.NeedID] {
			last[e.NeedID] = id
		}
	}
	for needID, id := range last {
		need, ok := v.s.Plan.Needs[needID]
		if !ok || need.Closed || v.covered(needID) {
			continue
		}
		e := v.sup.Engagements[id]
		v.find(Finding{Rule: RuleSupportLost, Cause: RuleSupportLost + "/" + needID + "/" + id, Rupture: true,
			Kind:        eventsv1.RuptureKind_RUPTURE_KIND_LOSS_OF_SUPPORT,
			Description: fmt.Sprintf("Un accompagnement a pris fin (%s) alors que le besoin %s reste ouvert.", e.Organisation, need.Code.Code)})
	}
}

func (v *vigilanceCheck) rightsExpiring() {
	for _, r := range v.s.Life.Rights {
		if r.EndDate == "" || v.renewed(r) {
			continue
		}
		if !v.reached(addMonths(r.EndDate, -v.th.RightsExpiringMonths)) {
			continue
		}
		v.find(Finding{Rule: RuleRightsExpiring, Cause: RuleRightsExpiring + "/" + r.ID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_RIGHTS_EXPIRED,
			Description: fmt.Sprintf("Un droit MDPH (%s) prend fin le %s sans renouvellement notifié.", decisionWord(r.Decision), r.EndDate)})
	}
}

// renewed: another decision of the same kind goes on after r's end.
func (v *vigilanceCheck) renewed(r Right) bool {
	for _, o := range v.s.Life.Rights {
		if o.ID != r.ID && o.Decision == r.Decision && (o.EndDate == "" || o.EndDate > r.EndDate) {
			return true
		}
	}
	return false
}

func decisionWord(d eventsv1.MdphDecision) string {
	if w, ok := eventsv1.MdphDecision_name[int32(d)]; ok && d != eventsv1.MdphDecision_MDPH_DECISION_UNSPECIFIED {
		return w[len("MDPH_DECISION_"):]
	}
	return "décision"
}

func (v *vigilanceCheck) planReview() {
	r, ok := v.s.Plan.Reviews[v.s.Plan.PendingReviewID]
	if !ok || r.Held || !v.reached(addDays(r.ScheduledOn, v.th.PlanReviewGraceDays+1)) {
		return
	}
	v.find(Finding{Rule: RulePlanReviewOverdue, Cause: RulePlanReviewOverdue + "/" + r.ID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_PLAN_REVIEW_OVERDUE,
		Description: fmt.Sprintf("La révision du projet personnalisé prévue le %s n'a pas eu lieu.", r.ScheduledOn)})
}

func (v *vigilanceCheck) actions() {
	for _, a := range v.s.Plan.Actions {
		if a.Completed() || a.DueDate == "" || v.s.Plan.Objectives[a.ObjectiveID].Closed() {
			continue
		}
		if v.reached(addDays(a.DueDate, v.th.ActionGraceDays+1)) {
			v.find(Finding{Rule: RuleActionOverdue, Cause: RuleActionOverdue + "/" + a.ID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_ACTION_OVERDUE,
				Description: fmt.Sprintf("Une action du plan devait être réalisée le %s.", a.DueDate)})
		}
	}
}

func (v *vigilanceCheck) solicitations() {
	for id, s := range v.sup.Solicitations {
		switch {
		case s.pending():
			if v.reached(addDays(s.SentOn, v.th.SolicitationAnswerDays)) {
				v.find(Finding{Rule: RuleSolicitationUnanswered, Cause: RuleSolicitationUnanswered + "/" + id,
					Kind: eventsv1.RuptureKind_RUPTURE_KIND_SOLICITATION_UNANSWERED, TransitionID: s.TransitionID,
					Description: fmt.Sprintf("Une sollicitation (%s) envoyée le %s reste sans réponse.", s.Prestation, s.SentOn)})
			}
		case s.failed() && !v.alternative(id, s):
			v.find(Finding{Rule: RuleSolicitationNoAlternative, Cause: RuleSolicitationNoAlternative + "/" + id,
				Kind: eventsv1.RuptureKind_RUPTURE_KIND_SOLICITATION_UNANSWERED, TransitionID: s.TransitionID,
				Description: fmt.Sprintf("Aucun partenaire n'a accepté la sollicitation (%s) et aucune autre n'est en cours.", s.Prestation)})
		}
	}
}

// alternative: what failed is sought or answered otherwise — the need is
// closed or the transition over, or another solicitation for the same
// need (transition, else prestation) is pending, or an engagement runs
// for it.
func (v *vigilanceCheck) alternative(id string, s SupportSolicitation) bool {
	if n, ok := v.s.Plan.Needs[s.NeedID]; ok && n.Closed {
		return true
	}
	if t, ok := v.s.Transitions[s.TransitionID]; ok && t.Status != TransitionStatusAnticipated {
		return true
	}
	same := func(needID, transitionID, prestation string) bool {
		switch {
		case s.NeedID != "":
			return needID == s.NeedID
		case s.TransitionID != "":
			return transitionID == s.TransitionID
		}
		return prestation == s.Prestation
	}
	for other, o := range v.sup.Solicitations {
		if other != id && o.pending() && same(o.NeedID, o.TransitionID, o.Prestation) {
			return true
		}
	}
	for _, e := range v.sup.Engagements {
		if !e.Ended && same(e.NeedID, e.TransitionID, e.Prestation) {
			return true
		}
	}
	return false
}
