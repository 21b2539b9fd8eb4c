package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// LifeState is what the decider knows of the person's coordination roles,
// entourage, projet de vie, MDPH rights, risks and discharge. Its maps are
// nil until an event fills them: reading a nil map is fine, and only
// evolveLife writes them.
type LifeState struct {
	// Referent is the référent de parcours; nil while nobody is.
	Referent *Referent
	// Level is the niveau de coordination; UNSPECIFIED until set.
	Level eventsv1.CoordinationLevel
	// Entourage holds the members of the person's network map not removed,
	// by member id.
	Entourage map[string]EntourageMember
	// LifeProject is the current projet de vie; nil until expressed.
	LifeProject *LifeProject
	// Rights holds the MDPH decisions notified, by right id.
	Rights map[string]Right
	// OpenRisks holds the risks of rupture not resolved yet, by risk id.
	// Risks and ruptures (PersonState.OpenRuptures) share one id space.
	OpenRisks map[string]Risk
	// Resolved holds the date each resolved rupture or risk was resolved
	// ("YYYY-MM-DD"), by rupture or risk id.
	Resolved map[string]string
	// DischargeReason is why the person left; UNSPECIFIED while they have
	// not (PersonState.Discharged).
	DischargeReason eventsv1.DischargeReason
}

// decideLife decides the commands of those areas; ok is false when cmd is
// not one of them.
func decideLife(s *PersonState, cmd Command, at decider.Context) (events []proto.Message, ok bool, err error) {
	switch c := cmd.(type) {
	case DischargePerson:
		events, err = decideDischargePerson(s, c, at)
	case AssignReferent:
		events, err = decideAssignReferent(s, c)
	case ReleaseCoordinationRole:
		events, err = decideReleaseCoordinationRole(s, c)
	case SetCoordinationLevel:
		events, err = decideSetCoordinationLevel(s, c)
	case AddEntourageMember:
		events, err = decideAddEntourageMember(s, c, at)
	case UpdateEntourageMember:
		events, err = decideUpdateEntourageMember(s, c)
	case RemoveEntourageMember:
		events, err = decideRemoveEntourageMember(s, c)
	case ExpressLifeProject:
		events, err = decideExpressLifeProject(s, c)
	case NotifyRights:
		events, err = decideNotifyRights(s, c, at)
	case RescheduleTransition:
		events, err = decideRescheduleTransition(s, c, at)
	case CompleteTransition:
		events, err = decideCompleteTransition(s, c, at)
	case CancelTransition:
		events, err = decideCancelTransition(s, c)
	case RaiseRuptureRisk:
		events, err = decideRaiseRuptureRisk(s, c, at)
	case ResolveRupture:
		events, err = decideResolveRupture(s, c, at)
	default:
		return nil, false, nil
	}
	return events, true, err
}

// evolveLife folds the events of those areas; others change nothing.
func evolveLife(s *PersonState, ev decider.Event) {
	switch e := ev.Payload.(type) {
	case *eventsv1.PersonDischarged:
		s.Discharged, s.DischargedOn = true, e.GetDischargedOn()
		s.Life.DischargeReason = e.GetReason()
	case *eventsv1.ReferentAssigned:
		s.Life.Referent = &Referent{
			ProfessionalID: e.GetProfessionalId(),
			OrganisationID: e.GetOrganisationId(),
			DisplayName:    e.GetDisplayName(),
			Since:          ev.OccurredAt,
		}
	case *eventsv1.CoordinationRoleReleased:
		evolveRoleReleased(s, e)
	case *eventsv1.CoordinationLevelSet:
		s.Life.Level = e.GetLevel()
	case *eventsv1.EntourageMemberAdded:
		evolveMemberAdded(s, e, ev)
	case *eventsv1.EntourageMemberUpdated:
		evolveMemberUpdated(s, e)
	case *eventsv1.EntourageMemberRemoved:
		delete(s.Life.Entourage, e.GetMemberId())
	case *eventsv1.LifeProjectExpressed:
		s.Life.LifeProject = &LifeProject{
			Text:                   e.GetText(),
			ExpressedBy:            e.GetExpressedBy(),
			RepresentativeMemberID: e.GetRepresentativeMemberId(),
		}
	case *eventsv1.RightsNotified:
		if s.Life.Rights == nil {
			s.Life.Rights = map[string]Right{}
		}
		s.Life.Rights[e.GetRightId()] = rightOf(e)
	case *eventsv1.TransitionRescheduled, *eventsv1.TransitionCompleted, *eventsv1.TransitionCancelled:
		evolveTransition(s, e)
	case *eventsv1.RuptureRiskRaised:
		if s.Life.OpenRisks == nil {
			s.Life.OpenRisks = map[string]Risk{}
		}
		s.Life.OpenRisks[e.GetRiskId()] = riskOf(e)
	case *eventsv1.RuptureResolved:
		evolveRuptureResolved(s, e)
	}
}

// EntourageMember returns the member id of the person's entourage, not
// removed; ok is false otherwise.
func (l LifeState) EntourageMember(id string) (m EntourageMember, ok bool) {
	m, ok = l.Entourage[id]
	return m, ok
}
