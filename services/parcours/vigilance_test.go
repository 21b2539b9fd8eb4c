package parcours_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider/decidertest"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

// The vigilance rules, given a file, when the process manager checks it
// on a day, then the risks and ruptures raised or resolved. The spec's
// clock (2026-11-02 09:00 UTC) is when the given events happened; each
// check moves it (on).

var vigilanceManager = decidertest.Caller(access.Caller{Subject: "maillage-vigilance", Organisation: "maillage"})

const vigilanceEngagement = "01JD0ENGAGEMENT00000000001"

// on is 09:00 in Paris on "YYYY-MM-DD".
func on(d string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", d+" 09:00", paris)
	if err != nil {
		panic(err)
	}
	return t
}

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

func vigil(opts ...decidertest.Option) decidertest.Spec[*parcours.PersonState, parcours.Command] {
	return spec(append([]decidertest.Option{vigilanceManager, decidertest.IDs("01JD1R1SK00000000000000001", "01JD1R1SK00000000000000002")}, opts...)...)
}

func check(sup parcours.Support) parcours.CheckVigilance {
	return parcours.CheckVigilance{PersonID: personID, Support: sup, Thresholds: parcours.DefaultVigilanceThresholds()}
}

func checkWith(th func(*parcours.VigilanceThresholds)) parcours.CheckVigilance {
	c := check(parcours.Support{})
	th(&c.Thresholds)
	return c
}

func risk(rule, cause string, kind eventsv1.RuptureKind, on, description, transition string) *eventsv1.RuptureRiskRaised {
	return &eventsv1.RuptureRiskRaised{RiskId: "01JD1R1SK00000000000000001", Kind: kind, Description: description, RaisedOn: on,
		TransitionId: transition, Rule: rule, Cause: cause}
}

func resolvedByVigilance(id, on string) *eventsv1.RuptureResolved {
	return &eventsv1.RuptureResolved{RuptureId: id, ResolvedOn: on, ByVigilance: true, Resolution: "Levé automatiquement : la cause a disparu."}
}

func noCoordinatorRisk(on string) *eventsv1.RuptureRiskRaised {
	return risk(parcours.RuleNoCoordinator, "coordinator.missing/2026-11-02", eventsv1.RuptureKind_RUPTURE_KIND_NO_COORDINATOR, on,
		"Aucun coordinateur de parcours depuis le 2026-11-02.", "")
}

func TestVigilanceNoCoordinator(t *testing.T) {
	t.Parallel()
	t.Run("nothing before the threshold", func(t *testing.T) {
		vigil().Given(enrolled()).When(check(parcours.Support{})).At(on("2026-11-16")).Then(t)
	})
	t.Run("a risk on the threshold's day", func(t *testing.T) {
		vigil().Given(enrolled()).When(check(parcours.Support{})).At(on("2026-11-17")).Then(t, noCoordinatorRisk("2026-11-17"))
	})
	t.Run("the organisation's threshold", func(t *testing.T) {
		vigil().Given(enrolled()).When(checkWith(func(th *parcours.VigilanceThresholds) { th.NoCoordinatorDays = 3 })).
			At(on("2026-11-05")).Then(t, noCoordinatorRisk("2026-11-05"))
	})
	t.Run("once: raised already, nothing", func(t *testing.T) {
		vigil().Given(enrolled(), noCoordinatorRisk("2026-11-17")).When(check(parcours.Support{})).At(on("2026-12-01")).Then(t)
	})
	t.Run("a coordinator named: nothing", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned()).When(check(parcours.Support{})).At(on("2027-01-01")).Then(t)
	})
	t.Run("a coordinator named since: resolved", func(t *testing.T) {
		vigil().Given(enrolled(), noCoordinatorRisk("2026-11-17"), coordinatorAssigned()).When(check(parcours.Support{})).
			At(on("2026-11-20")).Then(t, resolvedByVigilance("01JD1R1SK00000000000000001", "2026-11-20"))
	})
	t.Run("counted again from a release", func(t *testing.T) {
		released := func() decidertest.Case[*parcours.PersonState, parcours.Command] {
			return vigil().Given(enrolled(), coordinatorAssigned()).And(on("2027-01-10"), evCoordinatorReleased())
		}
		released().When(check(parcours.Support{})).At(on("2027-01-24")).Then(t)
		released().When(check(parcours.Support{})).At(on("2027-01-25")).Then(t, risk(parcours.RuleNoCoordinator, "coordinator.missing/2027-01-10",
			eventsv1.RuptureKind_RUPTURE_KIND_NO_COORDINATOR, "2027-01-25", "Aucun coordinateur de parcours depuis le 2027-01-10.", ""))
	})
	t.Run("resolved by a professional: never raised again", func(t *testing.T) {
		byHand := &eventsv1.RuptureResolved{RuptureId: "01JD1R1SK00000000000000001", ResolvedOn: "2026-11-18", Resolution: "suivi par le CCAS"}
		vigil().Given(enrolled(), noCoordinatorRisk("2026-11-17"), byHand).When(check(parcours.Support{})).At(on("2026-12-01")).Then(t)
	})
	t.Run("a discharged person: nothing", func(t *testing.T) {
		vigil().Given(enrolled(), evDischarged()).When(check(parcours.Support{})).At(on("2027-01-01")).Then(t)
	})
	t.Run("discharged since: what it raised is resolved", func(t *testing.T) {
		vigil().Given(enrolled(), noCoordinatorRisk("2026-11-17"), evDischarged()).When(check(parcours.Support{})).At(on("2026-12-01")).
			Then(t, &eventsv1.RuptureResolved{RuptureId: "01JD1R1SK00000000000000001", ResolvedOn: "2026-12-01", ByVigilance: true,
				Resolution: "Levé automatiquement : la personne est sortie du dispositif."})
	})
	t.Run("only the vigilance runs it", func(t *testing.T) {
		spec().Given(enrolled()).When(check(parcours.Support{})).ThenError(t, derrors.ErrPermission)
	})
}

// unsecured is a transition on 2026-12-01 with no receiving partner named.
func unsecured() *eventsv1.TransitionAnticipated {
	t := transitionAnticipated()
	t.ReceivingPartnerId = ""
	return t
}

func transitionRisk(on string) *eventsv1.RuptureRiskRaised {
	return risk(parcours.RuleTransitionNotSecured, "transition.not_secured/"+transitionID, eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED,
		on, "La transition du 2026-12-01 n'est pas sécurisée : aucun partenaire d'accueil engagé.", transitionID)
}

func engagedFor(transition, org string, ended bool) parcours.Support {
	return parcours.Support{Engagements: map[string]parcours.SupportEngagement{
		vigilanceEngagement: {Organisation: org, TransitionID: transition, Ended: ended}}}
}

func TestVigilanceTransition(t *testing.T) {
	t.Parallel()
	given := func() decidertest.Case[*parcours.PersonState, parcours.Command] {
		return vigil().Given(enrolled(), coordinatorAssigned(), unsecured())
	}
	t.Run("not secured: nothing before the threshold", func(t *testing.T) {
		given().When(check(parcours.Support{})).At(on("2026-10-01")).Then(t)
	})
	t.Run("not secured: a risk 60 days before", func(t *testing.T) {
		given().When(check(parcours.Support{})).At(on("2026-10-02")).Then(t, transitionRisk("2026-10-02"))
	})
	t.Run("secured by an engagement for it", func(t *testing.T) {
		given().When(check(engagedFor(transitionID, "350041315", false))).At(on("2026-11-20")).Then(t)
	})
	t.Run("secured by the receiving partner's engagement", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned(), transitionAnticipated()).When(check(engagedFor("", partnerID, false))).
			At(on("2026-11-20")).Then(t)
	})
	t.Run("an ended engagement secures nothing", func(t *testing.T) {
		given().When(check(engagedFor(transitionID, "350041315", true))).At(on("2026-11-20")).Then(t, transitionRisk("2026-11-20"))
	})
	t.Run("secured since: resolved", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned(), unsecured(), transitionRisk("2026-10-02")).
			When(check(engagedFor(transitionID, "350041315", false))).At(on("2026-11-20")).
			Then(t, resolvedByVigilance("01JD1R1SK00000000000000001", "2026-11-20"))
	})
	missed := &eventsv1.RuptureDetected{RuptureId: "01JD1R1SK00000000000000001", Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED,
		Description: "La transition prévue le 2026-12-01 n'a pas été réalisée.", DetectedOn: "2026-12-04", TransitionId: transitionID,
		Rule: parcours.RuleTransitionMissed, Cause: "transition.missed/" + transitionID + "/2026-12-01"}
	t.Run("the date passed without completion: a rupture, the risk resolved", func(t *testing.T) {
		given().When(check(engagedFor(transitionID, "350041315", false))).At(on("2026-12-03")).Then(t)
		earlier := transitionRisk("2026-10-02")
		earlier.RiskId = "01JD1R1SK0000000000000000E"
		vigil().Given(enrolled(), coordinatorAssigned(), unsecured(), earlier).When(check(parcours.Support{})).At(on("2026-12-04")).
			Then(t, resolvedByVigilance(earlier.RiskId, "2026-12-04"), missed)
	})
	t.Run("completed since: the rupture resolved", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned(), unsecured(), missed, evCompleted()).When(check(parcours.Support{})).
			At(on("2026-12-05")).Then(t, resolvedByVigilance("01JD1R1SK00000000000000001", "2026-12-05"))
	})
	t.Run("cancelled: nothing", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned(), unsecured(), evCancelled()).When(check(parcours.Support{})).At(on("2026-12-20")).Then(t)
	})
}

func TestVigilanceSupportLost(t *testing.T) {
	t.Parallel()
	ended := parcours.Support{Engagements: map[string]parcours.SupportEngagement{
		vigilanceEngagement: {Organisation: "350041315", NeedID: planNeedID, Ended: true}}}
	lost := &eventsv1.RuptureDetected{RuptureId: "01JD1R1SK00000000000000001", Kind: eventsv1.RuptureKind_RUPTURE_KIND_LOSS_OF_SUPPORT,
		Description: "Un accompagnement a pris fin (350041315) alors que le besoin 1.2.1.3 reste ouvert.", DetectedOn: "2026-11-02",
		Rule: parcours.RuleSupportLost, Cause: "support.lost/" + planNeedID + "/" + vigilanceEngagement}
	t.Run("an engagement ended, its need open: a rupture", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned(), planNeedIdentified()).When(check(ended)).Then(t, lost)
	})
	t.Run("another engagement covers the need", func(t *testing.T) {
		other := ended
		other.Engagements = map[string]parcours.SupportEngagement{vigilanceEngagement: ended.Engagements[vigilanceEngagement],
			"01JD0ENGAGEMENT00000000002": {Organisation: "350000022", NeedID: planNeedID}}
		vigil().Given(enrolled(), coordinatorAssigned(), planNeedIdentified()).When(check(other)).Then(t)
	})
	t.Run("the need closed since: resolved", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned(), planNeedIdentified(), lost, planNeedClosed()).When(check(ended)).
			Then(t, resolvedByVigilance("01JD1R1SK00000000000000001", "2026-11-02"))
	})
}

func TestVigilanceRightsExpiring(t *testing.T) {
	t.Parallel()
	expiring := risk(parcours.RuleRightsExpiring, "rights.expiring/"+lifeRightID, eventsv1.RuptureKind_RUPTURE_KIND_RIGHTS_EXPIRED, "2030-06-30",
		"Un droit MDPH (ORIENTATION_ESMS) prend fin le 2030-12-31 sans renouvellement notifié.", "")
	given := func() decidertest.Case[*parcours.PersonState, parcours.Command] {
		return vigil().Given(enrolled(), coordinatorAssigned(), evRightsNotified())
	}
	t.Run("more than six months ahead: nothing", func(t *testing.T) {
		given().When(check(parcours.Support{})).At(on("2030-06-29")).Then(t)
	})
	t.Run("six months ahead: a risk", func(t *testing.T) {
		given().When(check(parcours.Support{})).At(on("2030-06-30")).Then(t, expiring)
	})
	t.Run("six months before 31 August is the end of February", func(t *testing.T) {
		august := evRightsNotified()
		august.EndDate = "2030-08-31"
		s := vigil().Given(enrolled(), coordinatorAssigned(), august).State()
		if _, next := parcours.VigilanceFindings(s, parcours.Support{}, parcours.DefaultVigilanceThresholds(), on("2030-01-15")); !next.Equal(time.Date(2030, 2, 28, 0, 0, 0, 0, paris)) {
			t.Fatalf("next check %v, want 2030-02-28", next)
		}
	})
	t.Run("renewed since: resolved", func(t *testing.T) {
		renewal := evRightsNotified()
		renewal.RightId, renewal.StartDate, renewal.EndDate = "01JD2RENEWAL00000000000001", "2031-01-01", "2035-12-31"
		vigil().Given(enrolled(), coordinatorAssigned(), evRightsNotified(), expiring, renewal).When(check(parcours.Support{})).
			At(on("2030-08-01")).Then(t, resolvedByVigilance("01JD1R1SK00000000000000001", "2030-08-01"))
	})
}

func TestVigilancePlan(t *testing.T) {
	t.Parallel()
	review := risk(parcours.RulePlanReviewOverdue, "plan.review_overdue/"+planReviewID, eventsv1.RuptureKind_RUPTURE_KIND_PLAN_REVIEW_OVERDUE,
		"2027-01-31", "La révision du projet personnalisé prévue le 2027-01-15 n'a pas eu lieu.", "")
	t.Run("a review not held 15 days after its day: a risk", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned(), planReviewScheduled()).When(check(parcours.Support{})).At(on("2027-01-30")).Then(t)
		vigil().Given(enrolled(), coordinatorAssigned(), planReviewScheduled()).When(check(parcours.Support{})).At(on("2027-01-31")).Then(t, review)
	})
	t.Run("held since: resolved", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled(), review,
			planObjectiveEvaluated(eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_PARTIALLY_ACHIEVED)).
			When(check(parcours.Support{})).At(on("2027-02-01")).Then(t, resolvedByVigilance("01JD1R1SK00000000000000001", "2027-02-01"))
	})
	action := risk(parcours.RuleActionOverdue, "action.overdue/"+planActionID, eventsv1.RuptureKind_RUPTURE_KIND_ACTION_OVERDUE,
		"2027-02-16", "Une action du plan devait être réalisée le 2027-01-31.", "")
	g := func() decidertest.Case[*parcours.PersonState, parcours.Command] {
		return vigil().Given(enrolled(), coordinatorAssigned(), planNeedIdentified(), planObjectiveSet(), planActionPlanned())
	}
	t.Run("an action not done 15 days after its due date: a risk", func(t *testing.T) {
		g().When(check(parcours.Support{})).At(on("2027-02-15")).Then(t)
		g().When(check(parcours.Support{})).At(on("2027-02-16")).Then(t, action)
	})
	t.Run("its objective abandoned: nothing", func(t *testing.T) {
		vigil().Given(enrolled(), coordinatorAssigned(), planNeedIdentified(), planObjectiveSet(), planActionPlanned(),
			planObjectiveEvaluated(eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ABANDONED)).
			When(check(parcours.Support{})).At(on("2027-03-01")).Then(t)
	})
}

func TestVigilanceSolicitations(t *testing.T) {
	t.Parallel()
	const sol, other = "01JD3S0L1C1TAT10N000000001", "01JD3S0L1C1TAT10N000000002"
	sent := func(s parcours.SupportSolicitation) parcours.Support {
		return parcours.Support{Solicitations: map[string]parcours.SupportSolicitation{sol: s}}
	}
	pending := parcours.SupportSolicitation{NeedID: planNeedID, Prestation: "2.3.4", SentOn: "2026-11-02", Asked: 2}
	given := func() decidertest.Case[*parcours.PersonState, parcours.Command] {
		return vigil().Given(enrolled(), coordinatorAssigned(), planNeedIdentified())
	}
	unanswered := risk(parcours.RuleSolicitationUnanswered, "solicitation.unanswered/"+sol, eventsv1.RuptureKind_RUPTURE_KIND_SOLICITATION_UNANSWERED,
		"2026-11-17", "Une sollicitation (2.3.4) envoyée le 2026-11-02 reste sans réponse.", "")
	t.Run("unanswered 15 days: a risk", func(t *testing.T) {
		given().When(check(sent(pending))).At(on("2026-11-16")).Then(t)
		given().When(check(sent(pending))).At(on("2026-11-17")).Then(t, unanswered)
	})
	declined := pending
	declined.Declined = 2
	noAlternative := risk(parcours.RuleSolicitationNoAlternative, "solicitation.no_alternative/"+sol,
		eventsv1.RuptureKind_RUPTURE_KIND_SOLICITATION_UNANSWERED, "2026-11-05",
		"Aucun partenaire n'a accepté la sollicitation (2.3.4) et aucune autre n'est en cours.", "")
	t.Run("declined by all with no alternative: a risk", func(t *testing.T) {
		given().When(check(sent(declined))).At(on("2026-11-05")).Then(t, noAlternative)
	})
	t.Run("expired with no alternative: a risk", func(t *testing.T) {
		expired := pending
		expired.Expired = true
		given().When(check(sent(expired))).At(on("2026-11-05")).Then(t, noAlternative)
	})
	t.Run("another pending for the same need: nothing", func(t *testing.T) {
		s := sent(declined)
		s.Solicitations[other] = parcours.SupportSolicitation{NeedID: planNeedID, Prestation: "2.3.4", SentOn: "2026-11-04", Asked: 1}
		given().When(check(s)).At(on("2026-11-05")).Then(t)
	})
	t.Run("the unanswered one declined by all since: one resolved, one raised", func(t *testing.T) {
		earlier := proto.Clone(unanswered).(*eventsv1.RuptureRiskRaised)
		earlier.RiskId = "01JD1R1SK0000000000000000E"
		second := proto.Clone(noAlternative).(*eventsv1.RuptureRiskRaised)
		second.RaisedOn = "2026-11-20"
		vigil().Given(enrolled(), coordinatorAssigned(), planNeedIdentified(), earlier).When(check(sent(declined))).
			At(on("2026-11-20")).Then(t, resolvedByVigilance(earlier.RiskId, "2026-11-20"), second)
	})
}

func TestVigilanceNextCheck(t *testing.T) {
	t.Parallel()
	s := vigil().Given(enrolled(), coordinatorAssigned(), unsecured(), evRightsNotified()).State()
	_, next := parcours.VigilanceFindings(s, parcours.Support{}, parcours.DefaultVigilanceThresholds(), on("2026-09-01"))
	if want := time.Date(2026, 10, 2, 0, 0, 0, 0, paris); !next.Equal(want) {
		t.Fatalf("next check %v, want the transition's threshold %v", next, want)
	}
	found, next := parcours.VigilanceFindings(s, parcours.Support{}, parcours.DefaultVigilanceThresholds(), on("2026-10-02"))
	if _, ok := found["transition.not_secured/"+transitionID]; !ok || !next.Equal(time.Date(2026, 12, 4, 0, 0, 0, 0, paris)) {
		t.Fatalf("on the threshold: found %v, next %v; want the risk, then the day the date is missed", found, next)
	}
}
