package parcours

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// FoldView folds events of the person's stream, in stream order, into the
// person's coordinated view: the fold Apply uses, for a view as it was at
// an instant (pass EventsAsOf). It fails with an error wrapping
// derrors.ErrNotFound when the events make no view (the person was not
// enrolled yet), and with an error when an event belongs to another stream.
func FoldView(personID string, events []es.RecordedEvent, codec *decider.Codec) (*parcoursv1.CoordinatedView, error) {
	codec = orDefault(codec)
	stream := StreamOf(personID)
	var view *parcoursv1.CoordinatedView
	for _, ev := range events {
		if ev.Stream != stream {
			// Folding another person's event would disclose it.
			return nil, fmt.Errorf("parcours view of person %s: event %s is of stream %s", personID, ev.ID, ev.Stream)
		}
		var err error
		if view, err = foldEvent(view, personID, ev, codec); err != nil {
			return nil, err
		}
	}
	if view == nil {
		return nil, fmt.Errorf("parcours view of person %s: no event: %w", personID, derrors.ErrNotFound)
	}
	return view, nil
}

// EventsAsOf returns the events that had occurred at asOf (by their
// OccurredAt, or RecordedAt when that is unset, as the view dates them).
func EventsAsOf(events []es.RecordedEvent, asOf time.Time) []es.RecordedEvent {
	var out []es.RecordedEvent
	for _, ev := range events {
		if !occurredAt(ev).After(asOf) {
			out = append(out, ev)
		}
	}
	return out
}

// occurredAt is when the fact happened by the deciding clock, or when the
// store recorded it for an event written without that metadata.
func occurredAt(ev es.RecordedEvent) time.Time {
	if !ev.Metadata.OccurredAt.IsZero() {
		return ev.Metadata.OccurredAt
	}
	return ev.RecordedAt
}

// eventsPackage prefixes the stored type of the events this view is made of.
const eventsPackage = "maillage.events.v1."

// foldEvent folds one event of personID's stream into view, which is nil
// until the person's first folded event, and returns the view. It decodes
// before it changes anything, so an error leaves view as it was.
func foldEvent(view *parcoursv1.CoordinatedView, personID string, ev es.RecordedEvent, codec *decider.Codec) (*parcoursv1.CoordinatedView, error) {
	if view != nil && uint64(ev.Version) <= view.GetVersion() {
		return view, nil
	}
	payload, err := codec.Decode(ev)
	if err != nil {
		if strings.HasPrefix(ev.Type, eventsPackage) {
			return nil, fmt.Errorf("parcours view of person %s: %w", personID, err)
		}
		// Another package's event in the stream (audit, a newer major
		// version): not part of this view.
		payload = nil
	}
	when := occurredAt(ev)
	target := orNewView(view, personID)
	summary, shown := foldPayload(target, payload, when)
	if shown {
		foldHolder(target, payload, ev.Metadata.Organisation)
	}
	if !shown {
		// An event the view does not show still moves the file's version:
		// clients pass the view's version as expected_version.
		if view != nil {
			view.Version, view.Position = uint64(ev.Version), ev.Position.String()
		}
		return view, nil
	}
	view = target
	view.Timeline = append(view.Timeline, &parcoursv1.TimelineEntry{
		OccurredAt: timestamppb.New(when),
		EventType:  string(payload.ProtoReflect().Descriptor().Name()),
		Summary:    summary,
		Category:   timelineCategory(view, payload),
	})
	view.Version, view.Position = uint64(ev.Version), ev.Position.String()
	return view, nil
}

// foldPayload folds one decoded event into view and returns its timeline
// line; shown is false (and view unchanged) for an event the view does not
// show. Each area of the file has its own fold, beside its read-time
// presentation: roles_view.go, entourage_view.go, plan_view.go,
// rights_view.go, transitions_view.go, sharing_view.go.
func foldPayload(view *parcoursv1.CoordinatedView, payload proto.Message, when time.Time) (summary string, shown bool) {
	switch e := payload.(type) {
	case *eventsv1.PersonEnrolled:
		if view.Enrolled != nil {
			return "", false // a file is enrolled once: a second one (never decided) changes nothing
		}
		view.Enrolled = &parcoursv1.Enrollment{
			Ins:             e.Ins,
			BirthDate:       e.GetBirthDate(),
			Domicile:        domicileView(e.GetDomicile()),
			PublicConcerned: e.GetPublicConcerned(),
			LegalProtection: e.GetLegalProtection(),
			RequestOrigin:   e.GetRequestOrigin(),
			EnrolledAt:      timestamppb.New(when),
		}
		return enrolledSummary(e), true
	case *eventsv1.PersonDischarged:
		foldDischarged(view, e)
		return dischargedSummary(e), true

	// Coordination roles.
	case *eventsv1.CoordinatorAssigned:
		foldCoordinatorAssigned(view, e, when)
		return coordinatorSummary(e), true
	case *eventsv1.ReferentAssigned:
		foldReferentAssigned(view, e, when)
		return referentSummary(e), true
	case *eventsv1.CoordinationRoleReleased:
		foldRoleReleased(view, e)
		return roleReleasedSummary(e), true
	case *eventsv1.CoordinationLevelSet:
		view.CoordinationLevel = e.GetLevel()
		return levelSummary(e), true

	// Entourage and projet de vie.
	case *eventsv1.EntourageMemberAdded:
		foldMemberAdded(view, e, when)
		return memberAddedSummary(e), true
	case *eventsv1.EntourageMemberUpdated:
		foldMemberUpdated(view, e)
		return memberUpdatedSummary(e), true
	case *eventsv1.EntourageMemberRemoved:
		summary := memberRemovedSummary(view, e) // names the member before removing them
		foldMemberRemoved(view, e)
		return summary, true
	case *eventsv1.LifeProjectExpressed:
		view.LifeProject = &parcoursv1.LifeProject{
			Text: e.GetText(), ExpressedBy: e.GetExpressedBy(),
			RepresentativeMemberId: e.GetRepresentativeMemberId(), ExpressedAt: timestamppb.New(when),
		}
		return lifeProjectSummary(e), true

	// Needs and the projet personnalisé.
	case *eventsv1.NeedIdentified:
		foldNeedIdentified(view, e, when)
		return needIdentifiedSummary(e), true
	case *eventsv1.NeedClosed:
		foldNeedClosed(view, e, when)
		return needClosedSummary(e), true
	case *eventsv1.ObjectiveSet:
		foldObjectiveSet(view, e)
		return objectiveSetSummary(e), true
	case *eventsv1.ActionPlanned:
		foldActionPlanned(view, e)
		return actionPlannedSummary(e), true
	case *eventsv1.ActionCompleted:
		foldActionCompleted(view, e)
		return actionCompletedSummary(e), true
	case *eventsv1.PlanValidated:
		foldPlanValidated(view, e)
		return planValidatedSummary(e), true
	case *eventsv1.PlanReviewScheduled:
		foldReviewScheduled(view, e)
		return reviewScheduledSummary(e), true
	case *eventsv1.ObjectiveEvaluated:
		foldObjectiveEvaluated(view, e)
		return objectiveEvaluatedSummary(e), true

	// Rights.
	case *eventsv1.RightsNotified:
		foldRightsNotified(view, e)
		return rightsSummary(e), true

	// Transitions, ruptures and risks.
	case *eventsv1.TransitionAnticipated:
		foldTransitionAnticipated(view, e)
		return transitionSummary(e), true
	case *eventsv1.TransitionRescheduled:
		foldTransitionRescheduled(view, e)
		return transitionRescheduledSummary(e), true
	case *eventsv1.TransitionCompleted:
		foldTransitionCompleted(view, e)
		return transitionCompletedSummary(e), true
	case *eventsv1.TransitionCancelled:
		foldTransitionCancelled(view, e)
		return transitionCancelledSummary(e), true
	case *eventsv1.RuptureDetected:
		view.Ruptures = append(view.Ruptures, &parcoursv1.Rupture{
			RuptureId:    e.GetRuptureId(),
			Kind:         e.GetKind(),
			Description:  e.GetDescription(),
			DetectedOn:   e.GetDetectedOn(),
			TransitionId: e.GetTransitionId(),
			State:        parcoursv1.RuptureState_RUPTURE_STATE_OPEN,
		})
		return ruptureSummary(e), true
	case *eventsv1.RuptureRiskRaised:
		view.Risks = append(view.Risks, &parcoursv1.RuptureRisk{
			RiskId: e.GetRiskId(), Kind: e.GetKind(), Description: e.GetDescription(), RaisedOn: e.GetRaisedOn(),
			TransitionId: e.GetTransitionId(), Rule: e.GetRule(), State: parcoursv1.RuptureState_RUPTURE_STATE_OPEN,
		})
		return riskSummary(e), true
	case *eventsv1.RuptureResolved:
		summary := resolvedSummary(view, e)
		foldRuptureResolved(view, e)
		return summary, true
	}
	return foldSharing(view, payload, when)
}

func orNewView(view *parcoursv1.CoordinatedView, personID string) *parcoursv1.CoordinatedView {
	if view == nil {
		return &parcoursv1.CoordinatedView{PersonId: personID}
	}
	return view
}

func domicileView(d *eventsv1.Domicile) *parcoursv1.Domicile {
	if d == nil {
		return nil
	}
	return &parcoursv1.Domicile{CommuneInsee: d.GetCommuneInsee(), Latitude: d.Latitude, Longitude: d.Longitude}
}
