package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// SchedulePlanReview schedules a review of the projet personnalisé with
// the person (révision / bilan). It records PlanReviewScheduled with a new
// review id; a review still pending is replaced by it.
type SchedulePlanReview struct {
	PersonID string
	// ScheduledOn (date prévue), "YYYY-MM-DD": today or later.
	ScheduledOn string
}

func (c SchedulePlanReview) personID() string { return c.PersonID }

func decideSchedulePlanReview(s *PersonState, c SchedulePlanReview, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	checkDayAhead(bad, "scheduled_on", c.ScheduledOn, at.Now, "a review is scheduled ahead")
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
	return []proto.Message{&eventsv1.PlanReviewScheduled{ReviewId: id, ScheduledOn: c.ScheduledOn}}, nil
}

func evolveReviewScheduled(p *PlanState, e *eventsv1.PlanReviewScheduled) {
	if p.Reviews == nil {
		p.Reviews = map[string]PlanReview{}
	}
	if r, ok := p.Reviews[p.PendingReviewID]; ok {
		r.Replaced = true
		p.Reviews[r.ID] = r
	}
	p.Reviews[e.GetReviewId()] = PlanReview{ID: e.GetReviewId(), ScheduledOn: e.GetScheduledOn()}
	p.PendingReviewID = e.GetReviewId()
}

// evolveObjectiveEvaluated records the outcome, and holds the review it
// was evaluated at.
func evolveObjectiveEvaluated(p *PlanState, e *eventsv1.ObjectiveEvaluated) {
	if o, ok := p.Objectives[e.GetObjectiveId()]; ok {
		o.Outcome = e.GetOutcome()
		p.Objectives[o.ID] = o
	}
	if r, ok := p.Reviews[e.GetReviewId()]; ok && e.GetReviewId() != "" {
		r.Held = true
		p.Reviews[r.ID] = r
		if p.PendingReviewID == r.ID {
			p.PendingReviewID = ""
		}
	}
}
