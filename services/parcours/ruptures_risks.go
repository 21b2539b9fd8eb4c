package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Risk is an open risk of rupture de parcours (risque de rupture), as the
// decider knows it.
type Risk struct {
	ID           string
	Kind         eventsv1.RuptureKind // the kind of rupture it could become
	RaisedOn     string               // "YYYY-MM-DD"
	TransitionID string               // empty when none
	Rule         string               // the vigilance rule that raised it; empty when raised by hand
	Cause        string               // what the rule found; empty when raised by hand
}

func riskOf(e *eventsv1.RuptureRiskRaised) Risk {
	return Risk{
		ID:           e.GetRiskId(),
		Kind:         e.GetKind(),
		RaisedOn:     e.GetRaisedOn(),
		TransitionID: e.GetTransitionId(),
		Rule:         e.GetRule(),
		Cause:        e.GetCause(),
	}
}

// RaiseRuptureRisk records a risk of rupture de parcours seen by a
// professional before the break happens. It records RuptureRiskRaised with
// a new risk id (risks and ruptures share one space of ids). Rule
// "transition.unknown" when TransitionID is not a transition of the person.
type RaiseRuptureRisk struct {
	PersonID    string
	Kind        eventsv1.RuptureKind
	Description string // what is at risk, in French
	// RaisedOn (date de signalement), "YYYY-MM-DD": today or earlier, in
	// Europe/Paris.
	RaisedOn string
	// TransitionID is the person's transition the risk concerns; empty
	// when none.
	TransitionID string
}

func (c RaiseRuptureRisk) personID() string { return c.PersonID }

func decideRaiseRuptureRisk(s *PersonState, c RaiseRuptureRisk, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if _, ok := eventsv1.RuptureKind_name[int32(c.Kind)]; !ok || c.Kind == eventsv1.RuptureKind_RUPTURE_KIND_UNSPECIFIED {
		bad.Add("kind", "the kind of rupture at risk is required")
	}
	if c.Description == "" {
		bad.Add("description", "what is at risk is required")
	}
	checkDayDone(bad, "raised_on", c.RaisedOn, at.Now, "a risk is raised once seen")
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
	return []proto.Message{&eventsv1.RuptureRiskRaised{
		RiskId:       id,
		Kind:         c.Kind,
		Description:  c.Description,
		RaisedOn:     c.RaisedOn,
		TransitionId: c.TransitionID,
	}}, nil
}

// ResolveRupture records that an open rupture de parcours, or an open risk
// of rupture, is resolved (rupture résolue, risque levé). It records
// RuptureResolved. Rules "rupture.unknown" (neither a rupture nor a risk
// of the person), "rupture.resolved" (resolved already).
type ResolveRupture struct {
	PersonID  string
	RuptureID string // a rupture id or a risk id
	// ResolvedOn (date de résolution), "YYYY-MM-DD": today or earlier, in
	// Europe/Paris.
	ResolvedOn string
	Resolution string // how, in French
}

func (c ResolveRupture) personID() string { return c.PersonID }

func decideResolveRupture(s *PersonState, c ResolveRupture, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.RuptureID == "" {
		bad.Add("rupture_id", "the rupture or risk is required")
	}
	checkDayDone(bad, "resolved_on", c.ResolvedOn, at.Now, "a rupture is resolved once it is")
	if c.Resolution == "" {
		bad.Add("resolution", "how it was resolved is required")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	_, rupture := s.OpenRuptures[c.RuptureID]
	_, risk := s.Life.OpenRisks[c.RuptureID]
	if !rupture && !risk {
		if on, ok := s.Life.Resolved[c.RuptureID]; ok {
			return nil, derrors.Rejected("rupture.resolved", "rupture/"+c.RuptureID,
				"rupture %s of person %s was resolved on %s", c.RuptureID, s.PersonID, on)
		}
		return nil, derrors.Rejected("rupture.unknown", "rupture/"+c.RuptureID,
			"person %s has no rupture nor risk %s", s.PersonID, c.RuptureID)
	}
	return []proto.Message{&eventsv1.RuptureResolved{
		RuptureId:  c.RuptureID,
		ResolvedOn: c.ResolvedOn,
		Resolution: c.Resolution,
	}}, nil
}

func evolveRuptureResolved(s *PersonState, e *eventsv1.RuptureResolved) {
	id := e.GetRuptureId()
	delete(s.OpenRuptures, id)
	delete(s.Life.OpenRisks, id)
	if s.Life.Resolved == nil {
		s.Life.Resolved = map[string]string{}
	}
	s.Life.Resolved[id] = e.GetResolvedOn()
}

func evolveRiskRaised(s *PersonState, e *eventsv1.RuptureRiskRaised) {
	if s.Life.OpenRisks == nil {
		s.Life.OpenRisks = map[string]Risk{}
	}
	s.Life.OpenRisks[e.GetRiskId()] = riskOf(e)
}
