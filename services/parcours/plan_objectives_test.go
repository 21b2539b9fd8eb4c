package parcours_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func TestSetObjective(t *testing.T) {
	t.Parallel()
	t.Run("records the objective with a new id", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(planObjectiveID)).Given(enrolled(), planNeedIdentified()).When(planSetObjective()).Then(t, planObjectiveSet())
	})
	t.Run("answering several needs", func(t *testing.T) {
		t.Parallel()
		cmd := planSetObjective()
		cmd.NeedIDs = []string{planNeedID, planNeed2ID}
		want := planObjectiveSet()
		want.NeedIds = []string{planNeedID, planNeed2ID}
		spec(decidertest.IDs(planObjectiveID)).Given(enrolled(), planNeedIdentified(), planNeed2Identified()).When(cmd).Then(t, want)
	})
	t.Run("due today in Paris, still yesterday in UTC", func(t *testing.T) {
		t.Parallel()
		cmd := planSetObjective()
		cmd.DueDate = "2026-11-02"
		want := planObjectiveSet()
		want.DueDate = "2026-11-02"
		spec(decidertest.At(midnightInParis), decidertest.IDs(planObjectiveID)).Given(enrolled(), planNeedIdentified()).When(cmd).Then(t, want)
	})
	t.Run("unknown need", func(t *testing.T) {
		t.Parallel()
		cmd := planSetObjective()
		cmd.NeedIDs = []string{planNeedID, planNeed2ID}
		spec().Given(enrolled(), planNeedIdentified()).When(cmd).ThenRefused(t, "need.unknown")
		refusedOn(t, spec().Given(enrolled(), planNeedIdentified()).State(), cmd, "need.unknown", "has no need "+planNeed2ID)
	})
	t.Run("closed need", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planNeedClosed()).When(planSetObjective()).ThenRefused(t, "need.closed")
	})
}

func TestSetObjectiveInvalid(t *testing.T) {
	t.Parallel()
	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf("01JC4NEED%017d", i)
	}
	for _, tc := range []struct {
		name  string
		at    time.Time
		edit  func(*parcours.SetObjective)
		field string
	}{
		{"no need", time.Time{}, func(c *parcours.SetObjective) { c.NeedIDs = nil }, "need_ids"},
		{"21 needs", time.Time{}, func(c *parcours.SetObjective) { c.NeedIDs = many }, "need_ids"},
		{"a need twice", time.Time{}, func(c *parcours.SetObjective) { c.NeedIDs = []string{planNeedID, planNeedID} }, "need_ids"},
		{"no statement", time.Time{}, func(c *parcours.SetObjective) { c.Statement = "" }, "statement"},
		{"no indicator", time.Time{}, func(c *parcours.SetObjective) { c.Indicator = "" }, "indicator"},
		{"no due date", time.Time{}, func(c *parcours.SetObjective) { c.DueDate = "" }, "due_date"},
		{"due date not a day", time.Time{}, func(c *parcours.SetObjective) { c.DueDate = "2027-02-29" }, "due_date"},
		{"due yesterday", time.Time{}, func(c *parcours.SetObjective) { c.DueDate = "2026-11-01" }, "due_date"},
		{"due today in UTC, yesterday in Paris", midnightInParis, func(c *parcours.SetObjective) { c.DueDate = "2026-11-01" }, "due_date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := planSetObjective()
			tc.edit(&cmd)
			var opts []decidertest.Option
			if !tc.at.IsZero() {
				opts = append(opts, decidertest.At(tc.at))
			}
			spec(opts...).Given(enrolled(), planNeedIdentified()).When(cmd).ThenInvalid(t, tc.field)
			spec(opts...).Given().When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestEvaluateObjective(t *testing.T) {
	t.Parallel()
	for _, outcome := range []eventsv1.ObjectiveOutcome{planPartially, planNotYet, planAchieved, planAbandoned} {
		t.Run("records "+outcome.String()+" at a review", func(t *testing.T) {
			t.Parallel()
			spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled()).
				When(planEvaluate(outcome)).Then(t, planObjectiveEvaluated(outcome))
		})
	}
	t.Run("outside a review", func(t *testing.T) {
		t.Parallel()
		cmd := planEvaluate(planPartially)
		cmd.ReviewID = ""
		want := planObjectiveEvaluated(planPartially)
		want.ReviewId = ""
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(cmd).Then(t, want)
	})
	t.Run("without the person's words", func(t *testing.T) {
		t.Parallel()
		cmd := planEvaluate(planPartially)
		cmd.PersonWords = ""
		want := planObjectiveEvaluated(planPartially)
		want.PersonWords = ""
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled()).When(cmd).Then(t, want)
	})
	t.Run("again after a partial evaluation", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled(), planObjectiveEvaluated(planPartially)).
			When(planEvaluate(planAchieved)).Then(t, planObjectiveEvaluated(planAchieved))
	})
	t.Run("at a replaced review", func(t *testing.T) {
		t.Parallel()
		second := &eventsv1.PlanReviewScheduled{ReviewId: planReview2ID, ScheduledOn: "2027-02-01"}
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled(), second).
			When(planEvaluate(planPartially)).Then(t, planObjectiveEvaluated(planPartially))
	})
	t.Run("unknown objective", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planReviewScheduled()).When(planEvaluate(planPartially)).ThenRefused(t, "objective.unknown")
		refusedOn(t, spec().Given(enrolled()).State(), planEvaluate(planPartially), "objective.unknown", "has no objective "+planObjectiveID)
	})
	for _, outcome := range []eventsv1.ObjectiveOutcome{planAchieved, planAbandoned} {
		t.Run("objective closed as "+outcome.String(), func(t *testing.T) {
			t.Parallel()
			spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled(), planObjectiveEvaluated(outcome)).
				When(planEvaluate(planPartially)).ThenRefused(t, "objective.closed")
		})
	}
	t.Run("unknown review", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(planEvaluate(planPartially)).ThenRefused(t, "review.unknown")
		refusedOn(t, spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet()).State(), planEvaluate(planPartially),
			"review.unknown", "has no plan review "+planReviewID)
	})
}

func TestEvaluateObjectiveInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		at    time.Time
		edit  func(*parcours.EvaluateObjective)
		field string
	}{
		{"outcome not stated", time.Time{}, func(c *parcours.EvaluateObjective) {
			c.Outcome = eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_UNSPECIFIED
		}, "outcome"},
		{"no date", time.Time{}, func(c *parcours.EvaluateObjective) { c.EvaluatedOn = "" }, "evaluated_on"},
		{"date not a day", time.Time{}, func(c *parcours.EvaluateObjective) { c.EvaluatedOn = "02/11/2026" }, "evaluated_on"},
		{"evaluated tomorrow", time.Time{}, func(c *parcours.EvaluateObjective) { c.EvaluatedOn = "2026-11-03" }, "evaluated_on"},
		{"evaluated tomorrow in Paris", midnightInParis, func(c *parcours.EvaluateObjective) { c.EvaluatedOn = "2026-11-03" }, "evaluated_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := planEvaluate(planPartially)
			tc.edit(&cmd)
			var opts []decidertest.Option
			if !tc.at.IsZero() {
				opts = append(opts, decidertest.At(tc.at))
			}
			spec(opts...).Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}
