package parcours_test

import (
	"testing"
	"time"

	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func TestValidatePlan(t *testing.T) {
	t.Parallel()
	t.Run("the first plan is revision 1", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(planValidate()).Then(t, planValidated(1))
	})
	t.Run("by the legal representative", func(t *testing.T) {
		t.Parallel()
		cmd := planValidate()
		cmd.ValidatedBy, cmd.RepresentativeMemberID = eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE, planMemberID
		want := planValidated(1)
		want.ValidatedBy, want.RepresentativeMemberId = eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE, planMemberID
		spec().Given(enrolled(), planMemberAdded(planLegalRepresentative), planNeedIdentified(), planObjectiveSet()).When(cmd).Then(t, want)
	})
	t.Run("by an unknown representative", func(t *testing.T) {
		t.Parallel()
		cmd := planValidate()
		cmd.ValidatedBy, cmd.RepresentativeMemberID = eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE, planMemberID
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(cmd).ThenRefused(t, "entourage_member.unknown")
	})
	t.Run("by a member who is not the legal representative", func(t *testing.T) {
		t.Parallel()
		cmd := planValidate()
		cmd.ValidatedBy, cmd.RepresentativeMemberID = eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE, planMemberID
		spec().Given(enrolled(), planMemberAdded(), planNeedIdentified(), planObjectiveSet()).When(cmd).
			ThenRefused(t, "entourage_member.not_legal_representative")
	})
	t.Run("validated today in Paris, tomorrow in UTC", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.At(midnightInParis)).Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(planValidate()).Then(t, planValidated(1))
	})
	t.Run("an action planned since makes revision 2", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planValidated(1), planActionPlanned()).
			When(planValidate()).Then(t, planValidated(2))
	})
	t.Run("an objective set since makes revision 3", func(t *testing.T) {
		t.Parallel()
		second := planObjectiveSet()
		second.ObjectiveId = "01JC5GBJECT000000000000002"
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planValidated(1), planActionPlanned(), planValidated(2), second).
			When(planValidate()).Then(t, planValidated(3))
	})
	t.Run("no objective", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified()).When(planValidate()).ThenRefused(t, "plan.empty")
		refusedOn(t, spec().Given(enrolled()).State(), planValidate(), "plan.empty", "has no objective")
	})
	t.Run("nothing changed since the last validation", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planValidated(1)).When(planValidate()).ThenRefused(t, "plan.unchanged")
		refusedOn(t, spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planValidated(1)).State(), planValidate(),
			"plan.unchanged", "since revision 1")
	})
	t.Run("completions, evaluations, needs and reviews change no revision", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planActionPlanned(), planValidated(1),
			planActionCompleted(), planReviewScheduled(), planObjectiveEvaluated(planPartially), planNeed2Identified(), planNeedClosed()).
			When(planValidate()).ThenRefused(t, "plan.unchanged")
	})
}

func TestValidatePlanInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		at    time.Time
		edit  func(*parcours.ValidatePlan)
		field string
	}{
		{"validator not stated", time.Time{}, func(c *parcours.ValidatePlan) {
			c.ValidatedBy = eventsv1.PlanValidator_PLAN_VALIDATOR_UNSPECIFIED
		}, "validated_by"},
		{"legal representative not named", time.Time{}, func(c *parcours.ValidatePlan) {
			c.ValidatedBy = eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE
		}, "representative_member_id"},
		{"a representative named for the person", time.Time{}, func(c *parcours.ValidatePlan) { c.RepresentativeMemberID = planMemberID }, "representative_member_id"},
		{"no date", time.Time{}, func(c *parcours.ValidatePlan) { c.ValidatedOn = "" }, "validated_on"},
		{"date not a day", time.Time{}, func(c *parcours.ValidatePlan) { c.ValidatedOn = "2026-02-29" }, "validated_on"},
		{"validated tomorrow", time.Time{}, func(c *parcours.ValidatePlan) { c.ValidatedOn = "2026-11-03" }, "validated_on"},
		{"validated tomorrow in Paris", midnightInParis, func(c *parcours.ValidatePlan) { c.ValidatedOn = "2026-11-03" }, "validated_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := planValidate()
			tc.edit(&cmd)
			var opts []decidertest.Option
			if !tc.at.IsZero() {
				opts = append(opts, decidertest.At(tc.at))
			}
			spec(opts...).Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(cmd).ThenInvalid(t, tc.field)
			spec(opts...).Given().When(cmd).ThenInvalid(t, tc.field)
		})
	}
}
