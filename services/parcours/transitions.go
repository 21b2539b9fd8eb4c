package parcours

import (
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
}

// TransitionStatus is where a transition stands.
type TransitionStatus uint8

const (
	// TransitionStatusAnticipated: foreseen, not happened yet (anticipée).
	// TransitionCompleted and TransitionCancelled will add theirs.
	TransitionStatusAnticipated TransitionStatus = iota + 1
)

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
	if d, err := parseDate(c.PlannedDate); err != nil {
		bad.Add("planned_date", "%q is not a calendar date YYYY-MM-DD", c.PlannedDate)
	} else if t := today(at.Now); d.Before(t) {
		bad.Add("planned_date", "%s is before today (%s, Europe/Paris): a transition is anticipated, not recorded after the fact", c.PlannedDate, t.Format(dateLayout))
	}
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
