package parcours

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// The one dispatch of the file's commands and events. Each concept keeps
// its decider, its view and its gRPC port side by side (roles*.go,
// entourage*.go, lifeproject*.go, rights*.go, plan*.go, transitions*.go,
// ruptures*.go, discharge*.go, sharing*.go); this is where they meet.

// decideCommand decides one command, by its concept.
func decideCommand(s *PersonState, cmd Command, at decider.Context) ([]proto.Message, error) {
	switch c := cmd.(type) {
	// The file.
	case EnrollPerson:
		return decideEnroll(s, c, at)
	case DischargePerson:
		return decideDischargePerson(s, c, at)
	// Roles.
	case AssignCoordinator:
		return decideAssignCoordinator(s, c)
	case AssignReferent:
		return decideAssignReferent(s, c)
	case ReleaseCoordinationRole:
		return decideReleaseCoordinationRole(s, c)
	case SetCoordinationLevel:
		return decideSetCoordinationLevel(s, c)
	// Entourage and projet de vie.
	case AddEntourageMember:
		return decideAddEntourageMember(s, c, at)
	case UpdateEntourageMember:
		return decideUpdateEntourageMember(s, c)
	case RemoveEntourageMember:
		return decideRemoveEntourageMember(s, c)
	case ExpressLifeProject:
		return decideExpressLifeProject(s, c)
	// Rights.
	case NotifyRights:
		return decideNotifyRights(s, c, at)
	// The plan.
	case IdentifyNeed:
		return decideIdentifyNeed(s, c, at)
	case CloseNeed:
		return decideCloseNeed(s, c)
	case SetObjective:
		return decideSetObjective(s, c, at)
	case PlanAction:
		return decidePlanAction(s, c, at)
	case CompleteAction:
		return decideCompleteAction(s, c, at)
	case ValidatePlan:
		return decideValidatePlan(s, c, at)
	case SchedulePlanReview:
		return decideSchedulePlanReview(s, c, at)
	case EvaluateObjective:
		return decideEvaluateObjective(s, c, at)
	// Transitions.
	case AnticipateTransition:
		return decideAnticipateTransition(s, c, at)
	case RescheduleTransition:
		return decideRescheduleTransition(s, c, at)
	case CompleteTransition:
		return decideCompleteTransition(s, c, at)
	case CancelTransition:
		return decideCancelTransition(s, c)
	// Ruptures and risks.
	case ReportRupture:
		return decideReportRupture(s, c, at)
	case RaiseRuptureRisk:
		return decideRaiseRuptureRisk(s, c, at)
	case ResolveRupture:
		return decideResolveRupture(s, c, at)
	// Sharing.
	case AssociatePartner:
		return decideAssociatePartner(s, c)
	case DissociatePartner:
		return decideDissociatePartner(s, c)
	case RecordSharingConsent:
		return decideRecordSharingConsent(s, c, at)
	case WithdrawSharingConsent:
		return decideWithdrawSharingConsent(s, c, at)
	case RecordSharingOpposition:
		return decideRecordSharingOpposition(s, c, at)
	case LiftSharingOpposition:
		return decideLiftSharingOpposition(s, c, at)
	// Engagements (the process manager's).
	case JoinByEngagement:
		return decideJoinByEngagement(s, c)
	case LeaveByEngagement:
		return decideLeaveByEngagement(s, c)
	// Vigilance (the process manager's).
	case CheckVigilance:
		return decideCheckVigilance(s, c, at)
	case PlanActionByDecision:
		return decidePlanActionByDecision(s, c, at)
	}
	return nil, fmt.Errorf("parcours: unknown command %T (commands are passed by value)", cmd)
}

// evolve folds one event into the state, by its concept. Events it does
// not know (written by a newer Maillage) change nothing: the decisions of
// this version do not depend on them. Every event also goes to the team
// (access.Team), which reads the few that bear on access.
func evolve(s *PersonState, ev decider.Event) *PersonState {
	s.Team.Evolve(ev.Payload, ev.Organisation)
	evolveEngagedPartners(s, ev.Payload)
	evolveVigilance(s, ev)
	switch e := ev.Payload.(type) {
	// The file.
	case *eventsv1.PersonEnrolled:
		s.PersonID, s.Enrolled = e.GetPersonId(), true
		s.EnrolledOn = today(ev.OccurredAt).Format(dateLayout)
	case *eventsv1.PersonDischarged:
		evolveDischarged(s, e)
	// Roles.
	case *eventsv1.CoordinatorAssigned:
		evolveCoordinatorAssigned(s, e, ev)
	case *eventsv1.ReferentAssigned:
		evolveReferentAssigned(s, e, ev)
	case *eventsv1.CoordinationRoleReleased:
		evolveRoleReleased(s, e)
	case *eventsv1.CoordinationLevelSet:
		s.Life.Level = e.GetLevel()
	// Entourage and projet de vie.
	case *eventsv1.EntourageMemberAdded:
		evolveMemberAdded(s, e, ev)
	case *eventsv1.EntourageMemberUpdated:
		evolveMemberUpdated(s, e)
	case *eventsv1.EntourageMemberRemoved:
		delete(s.Life.Entourage, e.GetMemberId())
	case *eventsv1.LifeProjectExpressed:
		evolveLifeProject(s, e)
	// Rights.
	case *eventsv1.RightsNotified:
		evolveRightsNotified(s, e)
	// The plan.
	case *eventsv1.NeedIdentified:
		evolveNeedIdentified(&s.Plan, e)
	case *eventsv1.NeedClosed:
		evolveNeedClosed(&s.Plan, e)
	case *eventsv1.ObjectiveSet:
		evolveObjectiveSet(&s.Plan, e)
	case *eventsv1.ActionPlanned:
		evolveActionPlanned(&s.Plan, e)
	case *eventsv1.ActionCompleted:
		evolveActionCompleted(&s.Plan, e)
	case *eventsv1.PlanValidated:
		s.Plan.Revision, s.Plan.Changed = e.GetPlanRevision(), false
	case *eventsv1.PlanReviewScheduled:
		evolveReviewScheduled(&s.Plan, e)
	case *eventsv1.ObjectiveEvaluated:
		evolveObjectiveEvaluated(&s.Plan, e)
	// Transitions.
	case *eventsv1.TransitionAnticipated:
		evolveTransitionAnticipated(s, e)
	case *eventsv1.TransitionRescheduled, *eventsv1.TransitionCompleted, *eventsv1.TransitionCancelled:
		evolveTransition(s, e)
	// Ruptures and risks.
	case *eventsv1.RuptureDetected:
		evolveRuptureDetected(s, e)
	case *eventsv1.RuptureRiskRaised:
		evolveRiskRaised(s, e)
	case *eventsv1.RuptureResolved:
		evolveRuptureResolved(s, e)
	}
	return s
}
