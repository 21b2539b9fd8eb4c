package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Right is a decision of the MDPH for the person (droit notifié), as the
// decider knows it.
type Right struct {
	ID        string
	Decision  eventsv1.MdphDecision
	StartDate string // "YYYY-MM-DD"
	EndDate   string // "YYYY-MM-DD"; empty when granted with no end
}

func rightOf(e *eventsv1.RightsNotified) Right {
	return Right{ID: e.GetRightId(), Decision: e.GetDecision(), StartDate: e.GetStartDate(), EndDate: e.GetEndDate()}
}

// NotifyRights records a decision of the MDPH (CDAPH) for the person, as
// notified, with its dates (notification MDPH); a renewal is a new
// command. It records RightsNotified with a new right id. The dates are
// the decision's: they may be past or future.
type NotifyRights struct {
	PersonID string
	Decision eventsv1.MdphDecision
	// Detail, as notified ("orientation FAM"); required for
	// MDPH_DECISION_OTHER.
	Detail    string
	StartDate string // "YYYY-MM-DD"
	// EndDate, "YYYY-MM-DD", not before StartDate; empty when granted with
	// no end (sans limitation de durée).
	EndDate       string
	MDPHReference string // may be empty
}

func (c NotifyRights) personID() string { return c.PersonID }

func decideNotifyRights(s *PersonState, c NotifyRights, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if _, ok := eventsv1.MdphDecision_name[int32(c.Decision)]; !ok || c.Decision == eventsv1.MdphDecision_MDPH_DECISION_UNSPECIFIED {
		bad.Add("decision", "the MDPH decision is required")
	} else if c.Decision == eventsv1.MdphDecision_MDPH_DECISION_OTHER && c.Detail == "" {
		bad.Add("detail", "a detail is required when the decision is MDPH_DECISION_OTHER")
	}
	start, startErr := parseDate(c.StartDate)
	if startErr != nil {
		bad.Add("start_date", "%q is not a calendar date YYYY-MM-DD", c.StartDate)
	}
	if c.EndDate != "" {
		if end, err := parseDate(c.EndDate); err != nil {
			bad.Add("end_date", "%q is not a calendar date YYYY-MM-DD", c.EndDate)
		} else if startErr == nil && end.Before(start) {
			bad.Add("end_date", "%s is before the start date %s", c.EndDate, c.StartDate)
		}
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
	return []proto.Message{&eventsv1.RightsNotified{
		RightId:       id,
		Decision:      c.Decision,
		Detail:        c.Detail,
		StartDate:     c.StartDate,
		EndDate:       c.EndDate,
		MdphReference: c.MDPHReference,
	}}, nil
}

func evolveRightsNotified(s *PersonState, e *eventsv1.RightsNotified) {
	if s.Life.Rights == nil {
		s.Life.Rights = map[string]Right{}
	}
	s.Life.Rights[e.GetRightId()] = rightOf(e)
}
