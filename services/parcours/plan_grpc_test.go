package parcours_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/es/natsjs/natsjstest"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	"github.com/maillage/maillage/services/parcours"
)

// planService is a Service on a real embedded JetStream store, at the specs' clock,
// whose NewID returns ids in order.
func planService(t *testing.T, ids ...string) *parcours.Service {
	t.Helper()
	n := 0
	// No audit writer: these tests are about the port's translation; the
	// audit is tested through maillaged (cmd/internal/app).
	k, err := kit.New(kit.Config{Secret: []byte("plan-grpc-test-secret")})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := parcours.New(parcours.Config{
		Store: natsjstest.NewStore(t), Kit: k,
		Now: func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) },
		NewID: func() string {
			n++
			if n <= len(ids) {
				return ids[n-1]
			}
			return fmt.Sprintf("01JCZZZZZZZZZZZZZZZZZZ%04d", n)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// asCoordinator is ctx as a coordinateur (and health professional) of
// FINESS 750000001 calls.
func asCoordinator(ctx context.Context) context.Context {
	return auth.WithPrincipal(ctx, auth.Principal{Subject: "rpps-1", Organisation: "750000001", Role: auth.RoleCoordinateur, HealthProfessional: true})
}

func TestPlanGRPC(t *testing.T) {
	t.Parallel()
	ctx := asCoordinator(context.Background())
	svc := planService(t, planNeedID, planObjectiveID, planActionID, planReviewID)
	mustOK := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := svc.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{
		RequestId: "enrol", PersonId: personID, BirthDate: "1980-01-27", Domicile: &parcoursv1.Domicile{CommuneInsee: "75056"},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE,
	})
	mustOK("EnrollPerson", err)

	need, err := svc.IdentifyNeed(ctx, &parcoursv1.IdentifyNeedRequest{RequestId: "need", PersonId: personID, NeedCode: "1.2.1.3"})
	mustOK("IdentifyNeed", err)
	if need.GetNeedId() != planNeedID || need.GetVersion() != 2 || need.GetPosition() == "" {
		t.Errorf("IdentifyNeed = %v, want need %s at version 2 with a position", need, planNeedID)
	}
	again, err := svc.IdentifyNeed(ctx, &parcoursv1.IdentifyNeedRequest{RequestId: "need", PersonId: personID, NeedCode: "1.2.1.3"})
	mustOK("IdentifyNeed retried", err)
	if !proto.Equal(again, need) {
		t.Errorf("IdentifyNeed retried = %v, want the first answer %v", again, need)
	}

	obj, err := svc.SetObjective(ctx, &parcoursv1.SetObjectiveRequest{RequestId: "obj", PersonId: personID, NeedIds: []string{planNeedID},
		Statement: "aller seul au lycée", Indicator: "trajets seuls par semaine", DueDate: "2027-06-30"})
	mustOK("SetObjective", err)
	if obj.GetObjectiveId() != planObjectiveID || obj.GetVersion() != 3 {
		t.Errorf("SetObjective = %v, want objective %s at version 3", obj, planObjectiveID)
	}

	act, err := svc.PlanAction(ctx, &parcoursv1.PlanActionRequest{RequestId: "act", PersonId: personID, ObjectiveId: planObjectiveID,
		Description: "entraînement au trajet", DueDate: "2027-01-31", PrestationCode: "2.3.1.1",
		Responsible: &parcoursv1.Responsible{Who: &parcoursv1.Responsible_Professional{Professional: &parcoursv1.Professional{
			ProfessionalId: "rpps-1", OrganisationId: "750000001"}}, DisplayName: "Claire Martin"}})
	mustOK("PlanAction", err)
	if act.GetActionId() != planActionID || act.GetVersion() != 4 {
		t.Errorf("PlanAction = %v, want action %s at version 4", act, planActionID)
	}

	done, err := svc.CompleteAction(ctx, &parcoursv1.CompleteActionRequest{RequestId: "done", PersonId: personID, ActionId: planActionID, CompletedOn: "2026-11-02"})
	mustOK("CompleteAction", err)
	if done.GetVersion() != 5 {
		t.Errorf("CompleteAction = %v, want version 5", done)
	}

	val, err := svc.ValidatePlan(ctx, &parcoursv1.ValidatePlanRequest{RequestId: "val", PersonId: personID,
		ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON, ValidatedOn: "2026-11-02"})
	mustOK("ValidatePlan", err)
	if val.GetPlanRevision() != 1 || val.GetVersion() != 6 {
		t.Errorf("ValidatePlan = %v, want revision 1 at version 6", val)
	}

	rev, err := svc.SchedulePlanReview(ctx, &parcoursv1.SchedulePlanReviewRequest{RequestId: "rev", PersonId: personID, ScheduledOn: "2027-01-15"})
	mustOK("SchedulePlanReview", err)
	if rev.GetReviewId() != planReviewID || rev.GetVersion() != 7 {
		t.Errorf("SchedulePlanReview = %v, want review %s at version 7", rev, planReviewID)
	}

	ev, err := svc.EvaluateObjective(ctx, &parcoursv1.EvaluateObjectiveRequest{RequestId: "eval", PersonId: personID, ObjectiveId: planObjectiveID,
		Outcome: planAchieved, EvaluatedOn: "2026-11-02", PersonWords: "j'y arrive", ReviewId: planReviewID})
	mustOK("EvaluateObjective", err)
	if ev.GetVersion() != 8 {
		t.Errorf("EvaluateObjective = %v, want version 8", ev)
	}

	closed, err := svc.CloseNeed(ctx, &parcoursv1.CloseNeedRequest{RequestId: "close", PersonId: personID, NeedId: planNeedID,
		Reason: eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_MET})
	mustOK("CloseNeed", err)
	if closed.GetVersion() != 9 {
		t.Errorf("CloseNeed = %v, want version 9", closed)
	}

	t.Run("a rule is FAILED_PRECONDITION naming it", func(t *testing.T) {
		_, err := svc.ValidatePlan(ctx, &parcoursv1.ValidatePlanRequest{RequestId: "val-2", PersonId: personID,
			ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON, ValidatedOn: "2026-11-02"})
		st := status.Convert(err)
		if st.Code() != codes.FailedPrecondition || !planStatusHasRule(st, "plan.unchanged") {
			t.Errorf("ValidatePlan unchanged = %v (details %v), want FAILED_PRECONDITION plan.unchanged", err, st.Details())
		}
	})
	t.Run("a bad code is INVALID_ARGUMENT on need_code", func(t *testing.T) {
		_, err := svc.IdentifyNeed(ctx, &parcoursv1.IdentifyNeedRequest{RequestId: "need-bad", PersonId: personID, NeedCode: "2.3.1.1"})
		st := status.Convert(err)
		if st.Code() != codes.InvalidArgument || !planStatusHasField(st, "need_code") {
			t.Errorf("IdentifyNeed(prestation) = %v (details %v), want INVALID_ARGUMENT on need_code", err, st.Details())
		}
	})
	t.Run("an unknown person is NOT_FOUND", func(t *testing.T) {
		_, err := svc.SchedulePlanReview(ctx, &parcoursv1.SchedulePlanReviewRequest{RequestId: "rev-x", PersonId: otherPerson, ScheduledOn: "2027-01-15"})
		if status.Code(err) != codes.NotFound {
			t.Errorf("SchedulePlanReview(unknown person) = %v, want NOT_FOUND", err)
		}
	})
}

func planStatusHasRule(st *status.Status, rule string) bool {
	for _, d := range st.Details() {
		if pf, ok := d.(*errdetails.PreconditionFailure); ok {
			for _, v := range pf.GetViolations() {
				if v.GetType() == rule {
					return true
				}
			}
		}
	}
	return false
}

func planStatusHasField(st *status.Status, field string) bool {
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == field {
					return true
				}
			}
		}
	}
	return false
}
