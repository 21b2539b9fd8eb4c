package parcours_test

import (
	"testing"
	"time"

	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func TestSchedulePlanReview(t *testing.T) {
	t.Parallel()
	t.Run("records the review with a new id", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(planReviewID)).Given(enrolled()).When(planScheduleReview()).Then(t, planReviewScheduled())
	})
	t.Run("scheduled for today in Paris, still yesterday in UTC", func(t *testing.T) {
		t.Parallel()
		cmd := planScheduleReview()
		cmd.ScheduledOn = "2026-11-02"
		spec(decidertest.At(midnightInParis), decidertest.IDs(planReviewID)).Given(enrolled()).When(cmd).
			Then(t, &eventsv1.PlanReviewScheduled{ReviewId: planReviewID, ScheduledOn: "2026-11-02"})
	})
	t.Run("while another is pending, replaces it", func(t *testing.T) {
		t.Parallel()
		cmd := planScheduleReview()
		cmd.ScheduledOn = "2027-02-01"
		spec(decidertest.IDs(planReview2ID)).Given(enrolled(), planReviewScheduled()).When(cmd).
			Then(t, &eventsv1.PlanReviewScheduled{ReviewId: planReview2ID, ScheduledOn: "2027-02-01"})
	})
}

func TestSchedulePlanReviewInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		at    time.Time
		value string
	}{
		{"no date", time.Time{}, ""},
		{"date not a day", time.Time{}, "2027-04-31"},
		{"scheduled yesterday", time.Time{}, "2026-11-01"},
		{"scheduled today in UTC, yesterday in Paris", midnightInParis, "2026-11-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := parcours.SchedulePlanReview{PersonID: personID, ScheduledOn: tc.value}
			var opts []decidertest.Option
			if !tc.at.IsZero() {
				opts = append(opts, decidertest.At(tc.at))
			}
			spec(opts...).Given(enrolled()).When(cmd).ThenInvalid(t, "scheduled_on")
			spec(opts...).Given().When(cmd).ThenInvalid(t, "scheduled_on")
		})
	}
}
