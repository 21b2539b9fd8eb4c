package parcours

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The meetings about a person in her view: the views read the meetings'
// streams too (the meetings service's); the people a meeting concerns
// come with its first event (MeetingScheduled) and are kept, with the
// last version folded, under g/<meeting> (solicitationSeen, the people
// comma-separated), so that a redelivery changes nothing.

func meetingKey(id string) []byte { return []byte("g/" + id) }

// meetingEvent folds an event of a meeting's stream into the views of
// the people it concerns (those changed in this batch, or copies of the
// stored ones); it returns them by person, none when nothing changes.
func (v *Views) meetingEvent(ev es.RecordedEvent, id string, seen map[string]solicitationSeen,
	changed map[string]*parcoursv1.CoordinatedView) (map[string]*parcoursv1.CoordinatedView, error) {
	payload, err := v.codec.Decode(ev)
	if err != nil {
		return nil, fmt.Errorf("meeting %s: %w", id, err)
	}
	s, ok := seen[id]
	if !ok {
		data, found, err := v.db.Get(meetingKey(id))
		if err != nil {
			return nil, err
		}
		if found {
			s, _ = decodeSolicitationSeen(data)
		}
	}
	if e, ok := payload.(*eventsv1.MeetingScheduled); ok && s.person == "" {
		s.person = strings.Join(e.GetPersonIds(), ",")
	}
	if s.person == "" || ev.Version <= s.version {
		return nil, nil
	}
	s.version = ev.Version
	seen[id] = s
	out := map[string]*parcoursv1.CoordinatedView{}
	for _, person := range strings.Split(s.person, ",") {
		view, inBatch := changed[person]
		if !inBatch {
			stored := v.stored(person)
			if stored == nil {
				continue
			}
			view = proto.CloneOf(stored)
		}
		if foldMeeting(view, id, payload) {
			out[person] = view
		}
	}
	return out, nil
}

// foldMeeting folds a meeting's event into a view it concerns; it reports
// whether the view changed.
func foldMeeting(view *parcoursv1.CoordinatedView, id string, payload proto.Message) bool {
	i := slices.IndexFunc(view.Meetings, func(m *parcoursv1.MeetingSummary) bool { return m.GetMeetingId() == id })
	if e, ok := payload.(*eventsv1.MeetingScheduled); ok {
		if i >= 0 {
			return false
		}
		view.Meetings = append(view.Meetings, &parcoursv1.MeetingSummary{MeetingId: id, Kind: e.GetKind(), StartsAt: e.GetStartsAt(),
			EndsAt: e.GetEndsAt(), Title: e.GetTitle()})
		sortMeetings(view)
		return true
	}
	if i < 0 {
		return false
	}
	m := view.Meetings[i]
	switch e := payload.(type) {
	case *eventsv1.MeetingRescheduled:
		m.StartsAt, m.EndsAt = e.GetStartsAt(), e.GetEndsAt()
		sortMeetings(view)
	case *eventsv1.MeetingCancelled:
		m.Cancelled = true
	case *eventsv1.MeetingHeld:
		m.Held = true
	case *eventsv1.DecisionRecorded:
		if e.GetPersonId() != view.GetPersonId() {
			return false
		}
		m.Decisions = append(m.Decisions, &parcoursv1.MeetingDecision{DecisionId: e.GetDecisionId(), Statement: e.GetStatement(), DueDate: e.GetDueDate()})
	default:
		return false
	}
	return true
}

func sortMeetings(view *parcoursv1.CoordinatedView) {
	slices.SortStableFunc(view.Meetings, func(a, b *parcoursv1.MeetingSummary) int {
		return a.GetStartsAt().AsTime().Compare(b.GetStartsAt().AsTime())
	})
}
