package meetings_test

import (
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/meetings"
)

// parse reads a feed back with the library's own parser, as a calendar
// would.
func parse(t *testing.T, feed string) *ics.VEvent {
	t.Helper()
	cal, err := ics.ParseCalendar(strings.NewReader(feed))
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, feed)
	}
	if len(cal.Events()) != 1 {
		t.Fatalf("%d events in the feed, want 1", len(cal.Events()))
	}
	return cal.Events()[0]
}

// A meeting in a feed, then moved: the same UID with a greater SEQUENCE,
// so that a calendar updates the event; cancelled: the same UID,
// CANCELLED. No person is named.
func TestCalendarUpdatesTheSameEvent(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	first := decidertest.New(meetings.Meeting).Given(scheduled(), invited()).State()
	ev := parse(t, meetings.Calendar(savs, []*meetings.MeetingState{first}, now))
	start, err := ev.GetStartAt()
	if ev.Id() != meetingID+"@maillage" || err != nil || !start.Equal(starts) || ev.GetProperty(ics.ComponentPropertySequence).Value != "0" ||
		ev.GetProperty(ics.ComponentPropertyStatus).Value != "CONFIRMED" || ev.GetProperty(ics.ComponentPropertySummary).Value != "Synthèse" {
		t.Fatalf("the event: %s", meetings.Calendar(savs, []*meetings.MeetingState{first}, now))
	}
	later := starts.Add(48 * time.Hour)
	moved := decidertest.New(meetings.Meeting).Given(scheduled(), invited(),
		&eventsv1.MeetingRescheduled{StartsAt: tsOf(later), EndsAt: tsOf(later.Add(2 * time.Hour))}).State()
	ev = parse(t, meetings.Calendar(savs, []*meetings.MeetingState{moved}, now))
	start, _ = ev.GetStartAt()
	if ev.Id() != meetingID+"@maillage" || !start.Equal(later) || ev.GetProperty(ics.ComponentPropertySequence).Value != "1" {
		t.Fatalf("after the move: UID %s, start %v, sequence %s", ev.Id(), start, ev.GetProperty(ics.ComponentPropertySequence).Value)
	}
	her := &eventsv1.ParticipantInvited{ParticipantId: "01JDPART1C1PANT00000000002", Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON,
		PersonId: person, DisplayName: "Léa Martin"}
	cancelled := decidertest.New(meetings.Meeting).Given(scheduled(), invited(), her,
		&eventsv1.MeetingRescheduled{StartsAt: tsOf(later), EndsAt: tsOf(later.Add(2 * time.Hour))}, &eventsv1.MeetingCancelled{Reason: "x"}).State()
	feed := meetings.Calendar(savs, []*meetings.MeetingState{cancelled}, now)
	ev = parse(t, feed)
	if ev.GetProperty(ics.ComponentPropertySequence).Value != "2" || ev.GetProperty(ics.ComponentPropertyStatus).Value != "CANCELLED" {
		t.Fatalf("after the cancellation: %s", feed)
	}
	if strings.Contains(feed, person) || strings.Contains(feed, "Léa") {
		t.Fatalf("the feed names the person: %s", feed)
	}
	if att := ev.GetProperties(ics.ComponentPropertyAttendee); len(att) != 1 || !strings.Contains(att[0].Value, savs) {
		t.Fatalf("attendees %v, want the SAVS's professional", att)
	}
}
