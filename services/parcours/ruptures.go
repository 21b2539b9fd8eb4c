package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// ReportRupture records a break in the person's support (rupture de
// parcours) that a professional has found. It records RuptureDetected with
// a new rupture id.
type ReportRupture struct {
	PersonID    string
	Kind        eventsv1.RuptureKind
	Description string // what happened, in French
	// DetectedOn (date de constat), "YYYY-MM-DD": today or earlier, in
	// Europe/Paris; a rupture is found, not foreseen.
	DetectedOn string
	// TransitionID is the person's transition this rupture concerns;
	// empty when none.
	TransitionID string
}

func (c ReportRupture) personID() string { return c.PersonID }

// Rupture is an open rupture of the person, as the decider knows it.
type Rupture struct {
	ID           string
	Kind         eventsv1.RuptureKind
	DetectedOn   string // "YYYY-MM-DD"
	TransitionID string // empty when none
	Rule, Cause  string // the vigilance's rule and cause; empty when reported by hand
}

func ruptureOf(e *eventsv1.RuptureDetected) Rupture {
	return Rupture{
		ID:           e.GetRuptureId(),
		Kind:         e.GetKind(),
		DetectedOn:   e.GetDetectedOn(),
		TransitionID: e.GetTransitionId(),
		Rule:         e.GetRule(),
		Cause:        e.GetCause(),
	}
}

func decideReportRupture(s *PersonState, c ReportRupture, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.Kind == eventsv1.RuptureKind_RUPTURE_KIND_UNSPECIFIED {
		bad.Add("kind", "the kind of rupture is required")
	}
	checkDayDone(bad, "detected_on", c.DetectedOn, at.Now, "a rupture is reported once found")
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if c.TransitionID != "" {
		if _, err := knownTransition(s, c.TransitionID); err != nil {
			return nil, err
		}
	}
	id, err := newID(at)
	if err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.RuptureDetected{
		RuptureId:    id,
		Kind:         c.Kind,
		Description:  c.Description,
		DetectedOn:   c.DetectedOn,
		TransitionId: c.TransitionID,
	}}, nil
}

func evolveRuptureDetected(s *PersonState, e *eventsv1.RuptureDetected) {
	if s.OpenRuptures == nil {
		s.OpenRuptures = map[string]Rupture{}
	}
	s.OpenRuptures[e.GetRuptureId()] = ruptureOf(e)
}
