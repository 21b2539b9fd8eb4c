package meetings

import (
	"context"
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	meetingsv1 "github.com/maillage/maillage/proto/maillage/meetings/v1"
)

// GetCalendar returns the caller's organisation's meetings as iCalendar.
func (s *Service) GetCalendar(ctx context.Context, _ *meetingsv1.GetCalendarRequest) (*meetingsv1.GetCalendarResponse, error) {
	caller, err := s.cfg.Kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	if err := kit.WaitForStored(ctx, s.indexRunner, 2*time.Second); err != nil {
		return nil, err
	}
	ids, err := s.index.Of(caller.Organisation)
	if err != nil {
		return nil, kit.Status(err)
	}
	var meetings []*MeetingState
	for _, id := range ids {
		var m MeetingState
		if err := s.meetings.Inspect(ctx, id, func(st *MeetingState) { m = *st; m.Participants = clonedMap(st.Participants) }); err != nil {
			return nil, kit.Status(err)
		}
		meetings = append(meetings, &m)
	}
	return &meetingsv1.GetCalendarResponse{Ics: Calendar(caller.Organisation, meetings, s.cfg.Now())}, nil
}

// kindWords names the kinds in the users' words.
var kindWords = map[eventsv1.MeetingKind]string{
	eventsv1.MeetingKind_MEETING_KIND_REUNION_COORDINATION:     "Réunion de coordination",
	eventsv1.MeetingKind_MEETING_KIND_SYNTHESE:                 "Synthèse",
	eventsv1.MeetingKind_MEETING_KIND_ENTRETIEN_CONSULTATION:   "Entretien de consultation",
	eventsv1.MeetingKind_MEETING_KIND_ENTRETIEN_REMOBILISATION: "Entretien de remobilisation",
	eventsv1.MeetingKind_MEETING_KIND_ENTRETIEN_NEGOCIATION:    "Entretien de négociation",
}

// Calendar is the iCalendar feed of org's meetings: UID the meeting's
// id, SEQUENCE its moves and cancellation, the title and the
// professionals invited; no person named.
func Calendar(org string, meetings []*MeetingState, now time.Time) string {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Maillage//Coordination de parcours//FR")
	cal.SetName("Maillage — réunions de " + org)
	for _, m := range meetings {
		ev := cal.AddEvent(m.ID + "@maillage")
		ev.SetDtStampTime(now)
		ev.SetStartAt(m.StartsAt)
		ev.SetEndAt(m.EndsAt)
		ev.SetSequence(int(m.Sequence))
		summary := kindWords[m.Kind]
		if m.Title != "" && m.Title != summary {
			summary += " : " + m.Title
		}
		ev.SetSummary(summary)
		if m.Place != "" {
			ev.SetLocation(m.Place)
		}
		if m.VideoURL != "" {
			ev.SetURL(m.VideoURL)
		}
		ev.SetOrganizer(fmt.Sprintf("urn:maillage:organisation:%s", m.Organiser))
		status := ics.ObjectStatusConfirmed
		if m.Status == StatusCancelled {
			status = ics.ObjectStatusCancelled
		}
		ev.SetStatus(status)
		for _, id := range sortedIDs(m.Participants) {
			p := m.Participants[id]
			if p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL {
				ev.AddAttendee(fmt.Sprintf("urn:maillage:professional:%s:%s", p.Organisation, p.Professional), ics.WithCN(p.DisplayName))
			}
		}
	}
	return cal.Serialize()
}
