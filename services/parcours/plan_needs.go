package parcours

import (
	"errors"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// IdentifyNeed records a need identified with the person (besoin), coded
// with the SERAFIN-PH besoins nomenclature. It records NeedIdentified with
// a new need id, and the nomenclature's system and version.
type IdentifyNeed struct {
	PersonID string
	// NeedCode is a SERAFIN-PH besoin code ("1.2.1.3"); a prestation code
	// or an unknown code is invalid.
	NeedCode string
	// Description is the need in the person's situation, in French; empty
	// when the code says it all.
	Description string
}

func (c IdentifyNeed) personID() string { return c.PersonID }

func decideIdentifyNeed(s *PersonState, c IdentifyNeed, at decider.Context) ([]proto.Message, error) {
	if _, err := serafin.Default().Need(c.NeedCode); err != nil {
		if errors.Is(err, serafin.ErrNotANeed) {
			return nil, derrors.Invalid("need_code", "%v", err)
		}
		return nil, derrors.Invalid("need_code", "%q is not a code of SERAFIN-PH %s", c.NeedCode, serafin.Version)
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	id, err := newID(at)
	if err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.NeedIdentified{
		NeedId:      id,
		Code:        serafinCode(c.NeedCode),
		Description: c.Description,
	}}, nil
}

// CloseNeed stops following an open need (besoin clos). It records
// NeedClosed.
type CloseNeed struct {
	PersonID string
	NeedID   string
	Reason   eventsv1.NeedClosureReason
	// Note is what the coordinator adds; required when Reason is
	// NEED_CLOSURE_REASON_OTHER.
	Note string
}

func (c CloseNeed) personID() string { return c.PersonID }

func decideCloseNeed(s *PersonState, c CloseNeed) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.Reason == eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_UNSPECIFIED {
		bad.Add("reason", "the reason for closing the need is required")
	} else if c.Reason == eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_OTHER && c.Note == "" {
		bad.Add("note", "a note is required when the reason is NEED_CLOSURE_REASON_OTHER")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if err := checkOpenNeed(s, c.NeedID); err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.NeedClosed{NeedId: c.NeedID, Reason: c.Reason, Note: c.Note}}, nil
}

// checkOpenNeed refuses a need the person does not have (need.unknown) or
// no longer follows (need.closed).
func checkOpenNeed(s *PersonState, needID string) error {
	n, ok := s.Plan.Needs[needID]
	if !ok {
		return derrors.Rejected("need.unknown", "need/"+needID, "person %s has no need %s", s.PersonID, needID)
	}
	if n.Closed {
		return derrors.Rejected("need.closed", "need/"+needID, "need %s of person %s is closed", needID, s.PersonID)
	}
	return nil
}

func evolveNeedIdentified(p *PlanState, e *eventsv1.NeedIdentified) {
	if p.Needs == nil {
		p.Needs = map[string]PlanNeed{}
	}
	p.Needs[e.GetNeedId()] = PlanNeed{ID: e.GetNeedId(), Code: SerafinCode{
		System: e.GetCode().GetSystem(), Version: e.GetCode().GetVersion(), Code: e.GetCode().GetCode(),
	}}
}

func evolveNeedClosed(p *PlanState, e *eventsv1.NeedClosed) {
	if n, ok := p.Needs[e.GetNeedId()]; ok {
		n.Closed = true
		p.Needs[n.ID] = n
	}
}
