package parcours_test

import (
	"testing"
	"time"

	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func TestPlanAction(t *testing.T) {
	t.Parallel()
	t.Run("records the action with a new id", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(planActionID)).Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(planPlanAction()).Then(t, planActionPlanned())
	})
	for _, tc := range []struct {
		name string
		r    parcours.Responsible
		want *eventsv1.Responsible
	}{
		{"by a professional", parcours.Responsible{
			Professional: &parcours.ProfessionalRef{ProfessionalID: "rpps-10101010101", OrganisationID: "750000001"}, DisplayName: "Claire Martin",
		}, &eventsv1.Responsible{Who: &eventsv1.Responsible_Professional{Professional: &eventsv1.Professional{
			ProfessionalId: "rpps-10101010101", OrganisationId: "750000001",
		}}, DisplayName: "Claire Martin"}},
		{"by an entourage member", parcours.Responsible{EntourageMemberID: planMemberID, DisplayName: "Nadia Haddad (mère)"},
			&eventsv1.Responsible{Who: &eventsv1.Responsible_EntourageMemberId{EntourageMemberId: planMemberID}, DisplayName: "Nadia Haddad (mère)"}},
		{"by the person", parcours.Responsible{Person: true, DisplayName: "Léa"},
			&eventsv1.Responsible{Who: &eventsv1.Responsible_Person{Person: true}, DisplayName: "Léa"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := planPlanAction()
			cmd.Responsible = tc.r
			want := planActionPlanned()
			want.Responsible = tc.want
			spec(decidertest.IDs(planActionID)).Given(enrolled(), planMemberAdded(), planNeedIdentified(), planObjectiveSet()).When(cmd).Then(t, want)
		})
	}
	t.Run("by an entourage member not on the map", func(t *testing.T) {
		t.Parallel()
		cmd := planPlanAction()
		cmd.Responsible = parcours.Responsible{EntourageMemberID: planMemberID, DisplayName: "Nadia Haddad (mère)"}
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(cmd).ThenRefused(t, "entourage_member.unknown")
	})
	t.Run("delivering no prestation", func(t *testing.T) {
		t.Parallel()
		cmd := planPlanAction()
		cmd.PrestationCode = ""
		want := planActionPlanned()
		want.Prestation = nil
		spec(decidertest.IDs(planActionID)).Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(cmd).Then(t, want)
	})
	t.Run("an indirect prestation", func(t *testing.T) {
		t.Parallel()
		cmd := planPlanAction()
		cmd.PrestationCode = "3.1.1.1"
		want := planActionPlanned()
		want.Prestation = planCode("3.1.1.1")
		spec(decidertest.IDs(planActionID)).Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(cmd).Then(t, want)
	})
	t.Run("for an objective partially achieved", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(planActionID)).Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled(), planObjectiveEvaluated(planPartially)).
			When(planPlanAction()).Then(t, planActionPlanned())
	})
	t.Run("unknown objective", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(planPlanAction()).ThenRefused(t, "objective.unknown")
		refusedOn(t, spec().Given(enrolled()).State(), planPlanAction(), "objective.unknown", "has no objective "+planObjectiveID)
	})
	for _, outcome := range []eventsv1.ObjectiveOutcome{planAchieved, planAbandoned} {
		t.Run("objective closed as "+outcome.String(), func(t *testing.T) {
			t.Parallel()
			spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled(), planObjectiveEvaluated(outcome)).
				When(planPlanAction()).ThenRefused(t, "objective.closed")
		})
	}
}

func TestPlanActionInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		at    time.Time
		edit  func(*parcours.PlanAction)
		field string
	}{
		{"no description", time.Time{}, func(c *parcours.PlanAction) { c.Description = "" }, "description"},
		{"nobody responsible", time.Time{}, func(c *parcours.PlanAction) {
			c.Responsible = parcours.Responsible{DisplayName: "personne"}
		}, "responsible"},
		{"two responsible", time.Time{}, func(c *parcours.PlanAction) { c.Responsible.Person = true }, "responsible"},
		{"no display name", time.Time{}, func(c *parcours.PlanAction) { c.Responsible.DisplayName = "" }, "responsible.display_name"},
		{"a professional without id", time.Time{}, func(c *parcours.PlanAction) {
			c.Responsible = parcours.Responsible{Professional: &parcours.ProfessionalRef{OrganisationID: "750000001"}, DisplayName: "Claire Martin"}
		}, "responsible.professional.professional_id"},
		{"a professional without organisation", time.Time{}, func(c *parcours.PlanAction) {
			c.Responsible = parcours.Responsible{Professional: &parcours.ProfessionalRef{ProfessionalID: "rpps-1"}, DisplayName: "Claire Martin"}
		}, "responsible.professional.organisation_id"},
		{"no due date", time.Time{}, func(c *parcours.PlanAction) { c.DueDate = "" }, "due_date"},
		{"due yesterday", time.Time{}, func(c *parcours.PlanAction) { c.DueDate = "2026-11-01" }, "due_date"},
		{"due today in UTC, yesterday in Paris", midnightInParis, func(c *parcours.PlanAction) { c.DueDate = "2026-11-01" }, "due_date"},
		{"unknown prestation", time.Time{}, func(c *parcours.PlanAction) { c.PrestationCode = "2.9.9" }, "prestation_code"},
		{"a need given as prestation", time.Time{}, func(c *parcours.PlanAction) { c.PrestationCode = "1.2.1.3" }, "prestation_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := planPlanAction()
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

func TestCompleteAction(t *testing.T) {
	t.Parallel()
	t.Run("records the completion", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planActionPlanned()).When(planCompleteAction()).Then(t, planActionCompleted())
	})
	t.Run("done today in Paris, tomorrow in UTC", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.At(midnightInParis)).Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planActionPlanned()).
			When(planCompleteAction()).Then(t, planActionCompleted())
	})
	t.Run("unknown action", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet()).When(planCompleteAction()).ThenRefused(t, "action.unknown")
		refusedOn(t, spec().Given(enrolled()).State(), planCompleteAction(), "action.unknown", "has no action "+planActionID)
	})
	t.Run("already completed", func(t *testing.T) {
		t.Parallel()
		state := spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planActionPlanned(), planActionCompleted()).State()
		spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planActionPlanned(), planActionCompleted()).
			When(planCompleteAction()).ThenRefused(t, "action.completed")
		refusedOn(t, state, planCompleteAction(), "action.completed", "already completed on 2026-11-02")
	})
}

func TestCompleteActionInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		at    time.Time
		edit  func(*parcours.CompleteAction)
		field string
	}{
		{"no date", time.Time{}, func(c *parcours.CompleteAction) { c.CompletedOn = "" }, "completed_on"},
		{"date not a day", time.Time{}, func(c *parcours.CompleteAction) { c.CompletedOn = "2026-11-31" }, "completed_on"},
		{"done tomorrow", time.Time{}, func(c *parcours.CompleteAction) { c.CompletedOn = "2026-11-03" }, "completed_on"},
		{"done tomorrow in Paris", midnightInParis, func(c *parcours.CompleteAction) { c.CompletedOn = "2026-11-03" }, "completed_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := planCompleteAction()
			tc.edit(&cmd)
			var opts []decidertest.Option
			if !tc.at.IsZero() {
				opts = append(opts, decidertest.At(tc.at))
			}
			spec(opts...).Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planActionPlanned()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}
