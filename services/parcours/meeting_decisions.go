package parcours

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// A meeting's decision (the meetings service's DecisionRecorded) becomes
// an action of the person's plan: a process manager (MeetingDecisions)
// reads the meetings' streams and records it with PlanActionByDecision,
// which nobody else may run. The services meet through events.

// MeetingCategory is the category of the meetings' streams.
const MeetingCategory = "meeting"

// meetingDecisions is the caller the process manager acts as.
var meetingDecisions = access.Caller{Subject: "maillage-meetings", Organisation: "maillage"}

// PlanActionByDecision plans the action a meeting decided; nothing when
// the plan has it already. Its due date is checked against the day it
// was decided (DecidedAt), not the day the process manager gets to it.
type PlanActionByDecision struct {
	PlanAction
	DecisionID string
	DecidedAt  time.Time
}

func decidePlanActionByDecision(s *PersonState, c PlanActionByDecision, at decider.Context) ([]proto.Message, error) {
	for _, a := range s.Plan.Actions {
		if a.DecisionID == c.DecisionID {
			return nil, nil
		}
	}
	if !c.DecidedAt.IsZero() {
		at.Now = c.DecidedAt
	}
	events, err := decidePlanAction(s, c.PlanAction, at)
	if err != nil {
		return nil, err
	}
	events[0].(*eventsv1.ActionPlanned).DecisionId = c.DecisionID
	return events, nil
}

// responsibleOfEvent is an event's responsible as PlanAction takes it.
func responsibleOfEvent(r *eventsv1.Responsible) Responsible {
	out := Responsible{DisplayName: r.GetDisplayName()}
	switch who := r.GetWho().(type) {
	case *eventsv1.Responsible_PartnerId:
		out.PartnerID = who.PartnerId
	case *eventsv1.Responsible_Professional:
		out.Professional = &ProfessionalRef{ProfessionalID: who.Professional.GetProfessionalId(), OrganisationID: who.Professional.GetOrganisationId()}
	case *eventsv1.Responsible_EntourageMemberId:
		out.EntourageMemberID = who.EntourageMemberId
	case *eventsv1.Responsible_Person:
		out.Person = who.Person
	}
	return out
}

// MeetingDecisions is the process manager: a projection of the meetings'
// streams that records each decision's action in the person's plan. Its
// position is on disk; the command carries the decision's request id,
// and the plan remembers the decision: a batch replayed plans nothing
// twice.
type MeetingDecisions struct {
	db    *kv.DB
	codec *decider.Codec
	run   func(ctx context.Context, cmd Command, requestID string) error
	log   *slog.Logger
}

var _ projection.Projection = (*MeetingDecisions)(nil)

// Name is the process manager's durable name.
func (m *MeetingDecisions) Name() string { return "parcours-meeting-decisions-v1" }

// Filter selects the meetings' events.
func (m *MeetingDecisions) Filter() es.Filter {
	return es.Filter{Categories: []string{MeetingCategory}}
}

// Position is where it stands.
func (m *MeetingDecisions) Position() (es.Position, error) { return m.db.Position() }

// Close closes its store.
func (m *MeetingDecisions) Close() error { return m.db.Close() }

var decisionType = string(proto.MessageName(&eventsv1.DecisionRecorded{}))

// ApplyBatch plans the batch's decisions, then stores the position.
func (m *MeetingDecisions) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	var skipped []es.RecordedEvent
	for _, ev := range evs {
		if ev.Type != decisionType || !strings.HasPrefix(ev.Stream, MeetingCategory+"-") {
			continue
		}
		payload, err := m.codec.Decode(ev)
		d, ok := payload.(*eventsv1.DecisionRecorded)
		if err != nil || !ok {
			skipped = append(skipped, ev)
			continue
		}
		cmd := PlanActionByDecision{DecisionID: d.GetDecisionId(), DecidedAt: decider.EventOf(ev, d).OccurredAt, PlanAction: PlanAction{PersonID: d.GetPersonId(), ObjectiveID: d.GetObjectiveId(),
			Description: d.GetActionDescription(), Responsible: responsibleOfEvent(d.GetResponsible()), DueDate: d.GetDueDate()}}
		if err := runProcessCommand(m.run, m.log, cmd, "decision-"+d.GetDecisionId()); err != nil {
			return nil, err
		}
	}
	b := m.db.NewBatch()
	return skipped, b.Commit(evs[len(evs)-1].Position)
}
