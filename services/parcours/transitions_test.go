package parcours_test

import (
	"testing"

	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func TestNotifyRights(t *testing.T) {
	t.Parallel()
	t.Run("records the decision with a new id", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(lifeRightID)).Given(enrolled()).When(cmdNotifyRights()).Then(t, evRightsNotified())
	})
	t.Run("granted with no end, one day long, or in the future", func(t *testing.T) {
		t.Parallel()
		for _, dates := range [][2]string{{"2026-01-01", ""}, {"2026-01-01", "2026-01-01"}, {"2027-01-01", "2031-12-31"}} {
			cmd := cmdNotifyRights()
			cmd.StartDate, cmd.EndDate = dates[0], dates[1]
			want := evRightsNotified()
			want.StartDate, want.EndDate = dates[0], dates[1]
			spec(decidertest.IDs(lifeRightID)).Given(enrolled()).When(cmd).Then(t, want)
		}
	})
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.NotifyRights)
		field string
	}{
		{"no decision", func(c *parcours.NotifyRights) { c.Decision = eventsv1.MdphDecision_MDPH_DECISION_UNSPECIFIED }, "decision"},
		{"another decision with no detail", func(c *parcours.NotifyRights) {
			c.Decision, c.Detail = eventsv1.MdphDecision_MDPH_DECISION_OTHER, ""
		}, "detail"},
		{"no start", func(c *parcours.NotifyRights) { c.StartDate = "" }, "start_date"},
		{"start not a day", func(c *parcours.NotifyRights) { c.StartDate = "2026-04-31" }, "start_date"},
		{"end not a day", func(c *parcours.NotifyRights) { c.EndDate = "31/12/2030" }, "end_date"},
		{"end before start", func(c *parcours.NotifyRights) { c.EndDate = "2025-12-31" }, "end_date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdNotifyRights()
			tc.edit(&cmd)
			spec().Given(enrolled()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestRescheduleTransition(t *testing.T) {
	t.Parallel()
	t.Run("moves the date", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated()).When(cmdReschedule()).Then(t, evRescheduled())
	})
	t.Run("to today in Paris, still yesterday in UTC", func(t *testing.T) {
		t.Parallel()
		cmd := cmdReschedule()
		cmd.PlannedDate = "2026-11-02"
		want := evRescheduled()
		want.PlannedDate = "2026-11-02"
		spec(decidertest.At(midnightInParis)).Given(enrolled(), transitionAnticipated()).When(cmd).Then(t, want)
	})
	t.Run("to the date already planned records nothing", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated(), evRescheduled()).When(cmdReschedule()).Then(t)
	})
	t.Run("unknown transition", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdReschedule()).ThenRefused(t, "transition.unknown")
	})
	t.Run("ended", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated(), evCompleted()).When(cmdReschedule()).ThenRefused(t, "transition.ended")
		spec().Given(enrolled(), transitionAnticipated(), evCancelled()).When(cmdReschedule()).ThenRefused(t, "transition.ended")
	})
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.RescheduleTransition)
		field string
	}{
		{"no transition", func(c *parcours.RescheduleTransition) { c.TransitionID = "" }, "transition_id"},
		{"no date", func(c *parcours.RescheduleTransition) { c.PlannedDate = "" }, "planned_date"},
		{"yesterday", func(c *parcours.RescheduleTransition) { c.PlannedDate = "2026-11-01" }, "planned_date"},
		{"no reason", func(c *parcours.RescheduleTransition) { c.Reason = "" }, "reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdReschedule()
			tc.edit(&cmd)
			spec().Given(enrolled(), transitionAnticipated()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestCompleteTransition(t *testing.T) {
	t.Parallel()
	t.Run("records the completion", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated()).When(cmdComplete()).Then(t, evCompleted())
	})
	t.Run("after a reschedule", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated(), evRescheduled()).When(cmdComplete()).Then(t, evCompleted())
	})
	t.Run("unknown transition", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdComplete()).ThenRefused(t, "transition.unknown")
	})
	t.Run("ended", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated(), evCompleted()).When(cmdComplete()).ThenRefused(t, "transition.ended")
		refusedOn(t, spec().Given(enrolled(), transitionAnticipated(), evCancelled()).State(), cmdComplete(), "transition.ended",
			"transition "+transitionID+" of person "+personID+" is cancelled")
	})
	for _, tc := range []struct {
		name  string
		at    decidertest.Option
		edit  func(*parcours.CompleteTransition)
		field string
	}{
		{"no transition", decidertest.IDs(), func(c *parcours.CompleteTransition) { c.TransitionID = "" }, "transition_id"},
		{"no date", decidertest.IDs(), func(c *parcours.CompleteTransition) { c.CompletedOn = "" }, "completed_on"},
		{"tomorrow", decidertest.IDs(), func(c *parcours.CompleteTransition) { c.CompletedOn = "2026-11-03" }, "completed_on"},
		{"tomorrow in Paris", decidertest.At(midnightInParis), func(c *parcours.CompleteTransition) { c.CompletedOn = "2026-11-03" }, "completed_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdComplete()
			tc.edit(&cmd)
			spec(tc.at).Given(enrolled(), transitionAnticipated()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestCancelTransition(t *testing.T) {
	t.Parallel()
	t.Run("records the cancellation", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated()).When(cmdCancel()).Then(t, evCancelled())
	})
	t.Run("unknown transition", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdCancel()).ThenRefused(t, "transition.unknown")
	})
	t.Run("ended", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated(), evCompleted()).When(cmdCancel()).ThenRefused(t, "transition.ended")
		spec().Given(enrolled(), transitionAnticipated(), evCancelled()).When(cmdCancel()).ThenRefused(t, "transition.ended")
	})
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.CancelTransition)
		field string
	}{
		{"no transition", func(c *parcours.CancelTransition) { c.TransitionID = "" }, "transition_id"},
		{"no reason", func(c *parcours.CancelTransition) { c.Reason = "" }, "reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdCancel()
			tc.edit(&cmd)
			spec().Given(enrolled(), transitionAnticipated()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestRaiseRuptureRisk(t *testing.T) {
	t.Parallel()
	t.Run("records the risk with a new id", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(lifeRiskID)).Given(enrolled(), transitionAnticipated()).When(cmdRaiseRisk()).Then(t, evRiskRaised())
	})
	t.Run("about no transition", func(t *testing.T) {
		t.Parallel()
		cmd := cmdRaiseRisk()
		cmd.TransitionID = ""
		want := evRiskRaised()
		want.TransitionId = ""
		spec(decidertest.IDs(lifeRiskID)).Given(enrolled()).When(cmd).Then(t, want)
	})
	t.Run("about an unknown transition", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdRaiseRisk()).ThenRefused(t, "transition.unknown")
	})
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.RaiseRuptureRisk)
		field string
	}{
		{"no kind", func(c *parcours.RaiseRuptureRisk) { c.Kind = eventsv1.RuptureKind_RUPTURE_KIND_UNSPECIFIED }, "kind"},
		{"no description", func(c *parcours.RaiseRuptureRisk) { c.Description = "" }, "description"},
		{"no date", func(c *parcours.RaiseRuptureRisk) { c.RaisedOn = "" }, "raised_on"},
		{"tomorrow", func(c *parcours.RaiseRuptureRisk) { c.RaisedOn = "2026-11-03" }, "raised_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdRaiseRisk()
			tc.edit(&cmd)
			spec().Given(enrolled(), transitionAnticipated()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestResolveRupture(t *testing.T) {
	t.Parallel()
	t.Run("a rupture", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated(), ruptureDetected()).When(cmdResolve()).Then(t, evResolved())
	})
	t.Run("a risk", func(t *testing.T) {
		t.Parallel()
		cmd := cmdResolve()
		cmd.RuptureID = lifeRiskID
		want := evResolved()
		want.RuptureId = lifeRiskID
		spec().Given(enrolled(), transitionAnticipated(), evRiskRaised()).When(cmd).Then(t, want)
	})
	t.Run("unknown", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated(), evRiskRaised()).When(cmdResolve()).ThenRefused(t, "rupture.unknown")
	})
	t.Run("resolved already", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), transitionAnticipated(), ruptureDetected(), evResolved()).When(cmdResolve()).ThenRefused(t, "rupture.resolved")
		refusedOn(t, spec().Given(enrolled(), transitionAnticipated(), ruptureDetected(), evResolved()).State(), cmdResolve(),
			"rupture.resolved", "was resolved on 2026-11-02")
	})
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.ResolveRupture)
		field string
	}{
		{"no rupture", func(c *parcours.ResolveRupture) { c.RuptureID = "" }, "rupture_id"},
		{"no date", func(c *parcours.ResolveRupture) { c.ResolvedOn = "" }, "resolved_on"},
		{"tomorrow", func(c *parcours.ResolveRupture) { c.ResolvedOn = "2026-11-03" }, "resolved_on"},
		{"no resolution", func(c *parcours.ResolveRupture) { c.Resolution = "" }, "resolution"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdResolve()
			tc.edit(&cmd)
			spec().Given(enrolled(), transitionAnticipated(), ruptureDetected()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}
