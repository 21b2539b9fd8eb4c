package parcours

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// AnticipateTransition records a coming change of setting (transition,
// changement de lieu de vie) so that it can be secured in time. It records
// TransitionAnticipated with a new transition id.
type AnticipateTransition struct {
	PersonID    string
	Kind        eventsv1.TransitionKind
	FromSetting string // e.g. "IME Les Tilleuls"
	ToSetting   string // e.g. "domicile familial"
	// PlannedDate (date prévue), "YYYY-MM-DD": today or later, in
	// Europe/Paris; a past change is no longer anticipated.
	PlannedDate string
	// ReceivingPartnerID is the partner expected to receive the person
	// (partenaire d'accueil); empty while none is found.
	ReceivingPartnerID string
}

func (c AnticipateTransition) personID() string { return c.PersonID }

// Transition is a transition of the person, as the decider knows it.
type Transition struct {
	ID                 string
	Kind               eventsv1.TransitionKind
	PlannedDate        string // "YYYY-MM-DD"
	ReceivingPartnerID string
	Status             TransitionStatus
	// CompletedOn is the day it happened ("YYYY-MM-DD"); empty while
	// anticipated, and for a cancelled one.
	CompletedOn string
}

// TransitionStatus is where a transition stands.
type TransitionStatus uint8

const (
	// TransitionStatusAnticipated: foreseen, not happened yet (anticipée).
	TransitionStatusAnticipated TransitionStatus = iota + 1
	// TransitionStatusCompleted: it happened (réalisée). Ended.
	TransitionStatusCompleted
	// TransitionStatusCancelled: it will not happen (annulée). Ended.
	TransitionStatusCancelled
)

// Ended reports whether the transition is over: completed or cancelled.
func (st TransitionStatus) Ended() bool {
	return st == TransitionStatusCompleted || st == TransitionStatusCancelled
}

func (st TransitionStatus) String() string {
	switch st {
	case TransitionStatusAnticipated:
		return "anticipated"
	case TransitionStatusCompleted:
		return "completed"
	case TransitionStatusCancelled:
		return "cancelled"
	}
	return fmt.Sprintf("TransitionStatus(%d)", uint8(st))
}

func transitionOf(e *eventsv1.TransitionAnticipated) Transition {
	return Transition{
		ID:                 e.GetTransitionId(),
		Kind:               e.GetKind(),
		PlannedDate:        e.GetPlannedDate(),
		ReceivingPartnerID: e.GetReceivingPartnerId(),
		Status:             TransitionStatusAnticipated,
	}
}

func decideAnticipateTransition(s *PersonState, c AnticipateTransition, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.Kind == eventsv1.TransitionKind_TRANSITION_KIND_UNSPECIFIED {
		bad.Add("kind", "the kind of transition is required")
	}
	checkDayAhead(bad, "planned_date", c.PlannedDate, at.Now, "a transition is anticipated, not recorded after the fact")
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	id, err := newID(at)
	if err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.TransitionAnticipated{
		TransitionId:       id,
		Kind:               c.Kind,
		FromSetting:        c.FromSetting,
		ToSetting:          c.ToSetting,
		PlannedDate:        c.PlannedDate,
		ReceivingPartnerId: c.ReceivingPartnerID,
	}}, nil
}

// RescheduleTransition moves the planned date of a transition still
// anticipated (report or avancement). It records TransitionRescheduled;
// the date already planned records nothing. Rules "transition.unknown",
// "transition.ended" (completed or cancelled).
type RescheduleTransition struct {
	PersonID     string
	TransitionID string
	// PlannedDate (nouvelle date prévue), "YYYY-MM-DD": today or later, in
	// Europe/Paris.
	PlannedDate string
	Reason      string // why the date moved, in French
}

func (c RescheduleTransition) personID() string { return c.PersonID }

func decideRescheduleTransition(s *PersonState, c RescheduleTransition, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.TransitionID == "" {
		bad.Add("transition_id", "the transition is required")
	}
	checkDayAhead(bad, "planned_date", c.PlannedDate, at.Now, "a transition is rescheduled to a coming day")
	if c.Reason == "" {
		bad.Add("reason", "why the date moved is required")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	tr, err := anticipatedTransition(s, c.TransitionID)
	if err != nil {
		return nil, err
	}
	if tr.PlannedDate == c.PlannedDate {
		return nil, nil
	}
	return []proto.Message{&eventsv1.TransitionRescheduled{
		TransitionId: c.TransitionID,
		PlannedDate:  c.PlannedDate,
		Reason:       c.Reason,
	}}, nil
}

// CompleteTransition records that a transition happened (transition
// réalisée). It records TransitionCompleted. Rules "transition.unknown",
// "transition.ended".
type CompleteTransition struct {
	PersonID     string
	TransitionID string
	// CompletedOn (date de réalisation), "YYYY-MM-DD": today or earlier, in
	// Europe/Paris.
	CompletedOn string
}

func (c CompleteTransition) personID() string { return c.PersonID }

func decideCompleteTransition(s *PersonState, c CompleteTransition, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.TransitionID == "" {
		bad.Add("transition_id", "the transition is required")
	}
	checkDayDone(bad, "completed_on", c.CompletedOn, at.Now, "a transition is completed once it happened")
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if _, err := anticipatedTransition(s, c.TransitionID); err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.TransitionCompleted{TransitionId: c.TransitionID, CompletedOn: c.CompletedOn}}, nil
}

// CancelTransition records that a transition will not happen (transition
// annulée). It records TransitionCancelled. Rules "transition.unknown",
// "transition.ended".
type CancelTransition struct {
	PersonID     string
	TransitionID string
	Reason       string // why, in French
}

func (c CancelTransition) personID() string { return c.PersonID }

func decideCancelTransition(s *PersonState, c CancelTransition) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.TransitionID == "" {
		bad.Add("transition_id", "the transition is required")
	}
	if c.Reason == "" {
		bad.Add("reason", "why the transition will not happen is required")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if _, err := anticipatedTransition(s, c.TransitionID); err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.TransitionCancelled{TransitionId: c.TransitionID, Reason: c.Reason}}, nil
}

// anticipatedTransition returns the person's transition id, still
// anticipated, or the rule "transition.unknown" or "transition.ended".
func anticipatedTransition(s *PersonState, id string) (Transition, error) {
	tr, err := knownTransition(s, id)
	if err != nil {
		return Transition{}, err
	}
	if tr.Status.Ended() {
		return Transition{}, derrors.Rejected("transition.ended", "transition/"+id,
			"transition %s of person %s is %s", id, s.PersonID, tr.Status)
	}
	return tr, nil
}

// knownTransition returns the person's transition id, or the rule
// "transition.unknown".
func knownTransition(s *PersonState, id string) (Transition, error) {
	tr, ok := s.Transitions[id]
	if !ok {
		return Transition{}, derrors.Rejected("transition.unknown", "transition/"+id,
			"person %s has no transition %s", s.PersonID, id)
	}
	return tr, nil
}

// evolveTransition folds TransitionRescheduled, TransitionCompleted and
// TransitionCancelled. An event about a transition the state does not
// hold changes nothing.
func evolveTransition(s *PersonState, ev proto.Message) {
	var id string
	switch e := ev.(type) {
	case *eventsv1.TransitionRescheduled:
		id = e.GetTransitionId()
	case *eventsv1.TransitionCompleted:
		id = e.GetTransitionId()
	case *eventsv1.TransitionCancelled:
		id = e.GetTransitionId()
	}
	tr, ok := s.Transitions[id]
	if !ok {
		return
	}
	switch e := ev.(type) {
	case *eventsv1.TransitionRescheduled:
		tr.PlannedDate = e.GetPlannedDate()
	case *eventsv1.TransitionCompleted:
		tr.Status, tr.CompletedOn = TransitionStatusCompleted, e.GetCompletedOn()
	case *eventsv1.TransitionCancelled:
		tr.Status = TransitionStatusCancelled
	}
	s.Transitions[id] = tr
}

func evolveTransitionAnticipated(s *PersonState, e *eventsv1.TransitionAnticipated) {
	if s.Transitions == nil {
		s.Transitions = map[string]Transition{}
	}
	s.Transitions[e.GetTransitionId()] = transitionOf(e)
}
