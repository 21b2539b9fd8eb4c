package parcours_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func planCommands() []parcours.Command {
	return []parcours.Command{
		planIdentify(), planCloseNeed(), planSetObjective(), planPlanAction(), planCompleteAction(),
		planValidate(), planScheduleReview(), planEvaluate(planPartially),
	}
}

// TestPlanCommandsNeedAnOpenFile runs every plan command on a file that was
// never opened, on a closed one, and on another person's.
func TestPlanCommandsNeedAnOpenFile(t *testing.T) {
	t.Parallel()
	for _, cmd := range planCommands() {
		t.Run(strings.TrimPrefix(fmt.Sprintf("%T", cmd), "parcours."), func(t *testing.T) {
			t.Parallel()
			t.Run("never enrolled", func(t *testing.T) {
				t.Parallel()
				spec().Given().When(cmd).ThenError(t, derrors.ErrNotFound)
			})
			t.Run("discharged", func(t *testing.T) {
				t.Parallel()
				refusedOn(t, discharged(), cmd, "person.discharged", "person "+personID+" was discharged on 2026-11-02")
			})
			t.Run("decided on another person's file", func(t *testing.T) {
				t.Parallel()
				other := enrolled()
				other.PersonId = otherPerson
				_, err := parcours.Person.Decide(spec().Given(other).State(), cmd, spec().Context())
				if err == nil || errors.Is(err, derrors.ErrRejected) || errors.Is(err, derrors.ErrNotFound) || errors.Is(err, derrors.ErrInvalid) {
					t.Errorf("Decide(%T) on %s's file = %v, want an internal error", cmd, otherPerson, err)
				}
			})
		})
	}
}

// planHistory is a plan's life: two needs, an objective, an action done,
// a validation, a review replaced by another at which the objective is
// evaluated, a need closed, another action planned.
func planHistory() []proto.Message {
	second := &eventsv1.PlanReviewScheduled{ReviewId: planReview2ID, ScheduledOn: "2027-02-01"}
	evaluated := planObjectiveEvaluated(planPartially)
	evaluated.ReviewId = planReview2ID
	next := planActionPlanned()
	next.ActionId = "01JC6ACT10N000000000000002"
	next.DueDate = "2027-03-01"
	return []proto.Message{
		enrolled(), planNeedIdentified(), planNeed2Identified(), planObjectiveSet(), planActionPlanned(), planActionCompleted(),
		planValidated(1), planReviewScheduled(), second, evaluated, planNeedClosed(), next,
	}
}

func TestEvolvePlan(t *testing.T) {
	t.Parallel()
	code := func(c string) parcours.SerafinCode {
		return parcours.SerafinCode{System: serafin.System, Version: serafin.Version, Code: c}
	}
	for _, tc := range []struct {
		name  string
		given []proto.Message
		want  parcours.PlanState
	}{
		{"nothing yet", []proto.Message{enrolled()}, parcours.PlanState{}},
		{"a need identified", []proto.Message{enrolled(), planNeedIdentified()}, parcours.PlanState{
			Needs: map[string]parcours.PlanNeed{planNeedID: {ID: planNeedID, Code: code("1.2.1.3")}},
		}},
		{"a need closed", []proto.Message{enrolled(), planNeedIdentified(), planNeedClosed()}, parcours.PlanState{
			Needs: map[string]parcours.PlanNeed{planNeedID: {ID: planNeedID, Code: code("1.2.1.3"), Closed: true}},
		}},
		{"an objective set awaits validation", []proto.Message{enrolled(), planNeedIdentified(), planObjectiveSet()}, parcours.PlanState{
			Needs:      map[string]parcours.PlanNeed{planNeedID: {ID: planNeedID, Code: code("1.2.1.3")}},
			Objectives: map[string]parcours.PlanObjective{planObjectiveID: {ID: planObjectiveID, NeedIDs: []string{planNeedID}, DueDate: "2027-06-30"}},
			Changed:    true,
		}},
		{"validated", []proto.Message{enrolled(), planNeedIdentified(), planObjectiveSet(), planValidated(1)}, parcours.PlanState{
			Needs:      map[string]parcours.PlanNeed{planNeedID: {ID: planNeedID, Code: code("1.2.1.3")}},
			Objectives: map[string]parcours.PlanObjective{planObjectiveID: {ID: planObjectiveID, NeedIDs: []string{planNeedID}, DueDate: "2027-06-30"}},
			Revision:   1,
		}},
		{"an action planned after validation", []proto.Message{enrolled(), planNeedIdentified(), planObjectiveSet(), planValidated(1), planActionPlanned()}, parcours.PlanState{
			Needs:      map[string]parcours.PlanNeed{planNeedID: {ID: planNeedID, Code: code("1.2.1.3")}},
			Objectives: map[string]parcours.PlanObjective{planObjectiveID: {ID: planObjectiveID, NeedIDs: []string{planNeedID}, DueDate: "2027-06-30"}},
			Actions:    map[string]parcours.PlannedAction{planActionID: {ID: planActionID, ObjectiveID: planObjectiveID, DueDate: "2027-01-31"}},
			Revision:   1,
			Changed:    true,
		}},
		{"a review scheduled is pending", []proto.Message{enrolled(), planReviewScheduled()}, parcours.PlanState{
			Reviews:         map[string]parcours.PlanReview{planReviewID: {ID: planReviewID, ScheduledOn: "2027-01-15"}},
			PendingReviewID: planReviewID,
		}},
		{"an objective achieved at a review", []proto.Message{enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled(), planObjectiveEvaluated(planAchieved)}, parcours.PlanState{
			Needs: map[string]parcours.PlanNeed{planNeedID: {ID: planNeedID, Code: code("1.2.1.3")}},
			Objectives: map[string]parcours.PlanObjective{planObjectiveID: {
				ID: planObjectiveID, NeedIDs: []string{planNeedID}, DueDate: "2027-06-30", Outcome: planAchieved,
			}},
			Reviews: map[string]parcours.PlanReview{planReviewID: {ID: planReviewID, ScheduledOn: "2027-01-15", Held: true}},
			Changed: true,
		}},
		{"a whole history", planHistory(), parcours.PlanState{
			Needs: map[string]parcours.PlanNeed{
				planNeedID:  {ID: planNeedID, Code: code("1.2.1.3"), Closed: true},
				planNeed2ID: {ID: planNeed2ID, Code: code("1.3.1")},
			},
			Objectives: map[string]parcours.PlanObjective{planObjectiveID: {
				ID: planObjectiveID, NeedIDs: []string{planNeedID}, DueDate: "2027-06-30", Outcome: planPartially,
			}},
			Actions: map[string]parcours.PlannedAction{
				planActionID:                 {ID: planActionID, ObjectiveID: planObjectiveID, DueDate: "2027-01-31", CompletedOn: "2026-11-02"},
				"01JC6ACT10N000000000000002": {ID: "01JC6ACT10N000000000000002", ObjectiveID: planObjectiveID, DueDate: "2027-03-01"},
			},
			Reviews: map[string]parcours.PlanReview{
				planReviewID:  {ID: planReviewID, ScheduledOn: "2027-01-15", Replaced: true},
				planReview2ID: {ID: planReview2ID, ScheduledOn: "2027-02-01", Held: true},
			},
			Revision: 1,
			Changed:  true,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := spec().Given(tc.given...).State().Plan
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Plan after %d events (-want +got):\n%s", len(tc.given), diff)
			}
		})
	}
}

func TestEvolvePlanIgnoresUnknownIDs(t *testing.T) {
	t.Parallel()
	// Events naming what the stream never created change nothing (they
	// cannot be written by this decider; an older stream could hold them).
	got := spec().Given(enrolled(), planNeedClosed(), planActionCompleted(), planObjectiveEvaluated(planAchieved)).State().Plan
	if diff := cmp.Diff(parcours.PlanState{}, got); diff != "" {
		t.Errorf("Plan (-want +got):\n%s", diff)
	}
}

func TestEvolvePlanEvaluationOutsideAReviewKeepsItPending(t *testing.T) {
	t.Parallel()
	evaluated := planObjectiveEvaluated(planPartially)
	evaluated.ReviewId = ""
	got := spec().Given(enrolled(), planNeedIdentified(), planObjectiveSet(), planReviewScheduled(), evaluated).State().Plan
	if got.PendingReviewID != planReviewID || got.Reviews[planReviewID].Held {
		t.Errorf("after an evaluation outside a review, pending = %q, review %+v; want %s still pending", got.PendingReviewID, got.Reviews[planReviewID], planReviewID)
	}
}

func TestPlanObjectiveClosed(t *testing.T) {
	t.Parallel()
	for outcome, want := range map[eventsv1.ObjectiveOutcome]bool{
		eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_UNSPECIFIED: false,
		planPartially: false, planNotYet: false, planAchieved: true, planAbandoned: true,
	} {
		if got := (parcours.PlanObjective{Outcome: outcome}).Closed(); got != want {
			t.Errorf("PlanObjective{Outcome: %s}.Closed() = %v, want %v", outcome, got, want)
		}
	}
}

// TestPlanDecideLeavesStateAlone checks the decider contract on the plan's
// commands: Decide must not change the state it is given.
func TestPlanDecideLeavesStateAlone(t *testing.T) {
	t.Parallel()
	given := planHistory()
	for _, cmd := range planCommands() {
		c := spec().Given(given...)
		_, _ = parcours.Person.Decide(c.State(), cmd, spec().Context())
		if diff := cmp.Diff(spec().Given(given...).State(), c.State()); diff != "" {
			t.Errorf("Decide(%T) changed its state (-before +after):\n%s", cmd, diff)
		}
	}
}

// TestSetObjectiveDoesNotAliasTheCommand checks that the event owns its
// need ids.
func TestSetObjectiveDoesNotAliasTheCommand(t *testing.T) {
	t.Parallel()
	cmd := planSetObjective()
	evs, err := parcours.Person.Decide(spec().Given(enrolled(), planNeedIdentified()).State(), cmd, spec().Context())
	if err != nil {
		t.Fatal(err)
	}
	cmd.NeedIDs[0] = "changed"
	if got := evs[0].(*eventsv1.ObjectiveSet).GetNeedIds()[0]; got != planNeedID {
		t.Errorf("ObjectiveSet.need_ids[0] = %q after the command changed, want %q", got, planNeedID)
	}
}
