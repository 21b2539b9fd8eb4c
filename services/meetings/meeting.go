package meetings

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Category is the category of the meetings' streams, "meeting-<id>".
const Category = "meeting"

// Stream is the stream of a meeting.
func Stream(id string) string { return es.StreamName(Category, id) }

// Status is where a meeting stands.
type Status uint8

// The statuses.
const (
	StatusNone      Status = iota // never scheduled
	StatusScheduled               // to come
	StatusCancelled               // will not take place
	StatusHeld                    // took place
)

// Participant is someone invited.
type Participant struct {
	ID              string
	Kind            eventsv1.ParticipantKind
	Organisation    string // a professional's
	Professional    string // a professional's token subject
	PersonID        string // the person (kind PERSON), or whose entourage (ENTOURAGE)
	EntourageMember string
	DisplayName     string
	Answer          eventsv1.InvitationAnswer
}

// same reports whether p and o are the same invitee.
func (p Participant) same(o Participant) bool {
	return p.Kind == o.Kind && p.Organisation == o.Organisation && p.Professional == o.Professional && p.PersonID == o.PersonID &&
		p.EntourageMember == o.EntourageMember
}

// MeetingState is a meeting as its events leave it.
type MeetingState struct {
	ID, Organiser    string
	Kind             eventsv1.MeetingKind
	PersonIDs        []string
	StartsAt, EndsAt time.Time
	Place, VideoURL  string
	Title            string
	Status           Status
	// Sequence counts the reschedules: iCalendar's SEQUENCE, so that a
	// calendar updates the event rather than adding one.
	Sequence     uint32
	Participants map[string]Participant // by participant id
	Attended     []string               // participant ids present, once held
	Minutes      string                 // the minutes' summary, once recorded
}

// Command is a command on one meeting.
type Command interface{ meetingID() string }

// Meeting is the decider of a meeting.
var Meeting = decider.Decider[*MeetingState, Command]{
	Initial: func() *MeetingState { return &MeetingState{} },
	Decide:  decide,
	Evolve:  evolve,
}

func decide(s *MeetingState, cmd Command, at decider.Context) ([]proto.Message, error) {
	if _, scheduling := cmd.(ScheduleMeeting); !scheduling {
		if s.Status == StatusNone {
			return nil, fmt.Errorf("meeting %s: %w", cmd.meetingID(), derrors.ErrNotFound)
		}
	}
	switch c := cmd.(type) {
	case ScheduleMeeting:
		return decideSchedule(s, c, at)
	case RescheduleMeeting:
		return decideReschedule(s, c, at)
	case CancelMeeting:
		return decideCancel(s, c, at)
	case InviteParticipant:
		return decideInvite(s, c, at)
	case AnswerInvitation:
		return decideAnswer(s, c, at)
	case HoldMeeting:
		return decideHold(s, c, at)
	case RecordMinutes:
		return decideMinutes(s, c, at)
	case RecordDecision:
		return decideDecision(s, c, at)
	}
	return nil, fmt.Errorf("meetings: unknown command %T (commands are passed by value)", cmd)
}

func evolve(s *MeetingState, ev decider.Event) *MeetingState {
	switch e := ev.Payload.(type) {
	case *eventsv1.MeetingScheduled:
		s.ID, s.Kind, s.PersonIDs, s.Organiser = e.GetMeetingId(), e.GetKind(), e.GetPersonIds(), e.GetOrganiserOrganisationId()
		s.StartsAt, s.EndsAt, s.Status = e.GetStartsAt().AsTime(), e.GetEndsAt().AsTime(), StatusScheduled
		s.Place, s.VideoURL, s.Title = e.GetPlace(), e.GetVideoUrl(), e.GetTitle()
	case *eventsv1.MeetingRescheduled:
		s.StartsAt, s.EndsAt = e.GetStartsAt().AsTime(), e.GetEndsAt().AsTime()
		s.Sequence++
		for id, p := range s.Participants { // asked again: the time changed
			p.Answer = eventsv1.InvitationAnswer_INVITATION_ANSWER_UNSPECIFIED
			s.Participants[id] = p
		}
	case *eventsv1.MeetingCancelled:
		s.Status = StatusCancelled
		s.Sequence++
	case *eventsv1.ParticipantInvited:
		if s.Participants == nil {
			s.Participants = map[string]Participant{}
		}
		s.Participants[e.GetParticipantId()] = participantOf(e)
	case *eventsv1.MeetingHeld:
		s.Status, s.Attended = StatusHeld, e.GetAttendedParticipantIds()
	case *eventsv1.MinutesRecorded:
		s.Minutes = e.GetSummary()
	case *eventsv1.InvitationAnswered:
		if p, ok := s.Participants[e.GetParticipantId()]; ok {
			p.Answer = e.GetAnswer()
			s.Participants[p.ID] = p
		}
	}
	return s
}

// checkOrganiser: only the organisation that organises the meeting
// changes it.
func checkOrganiser(s *MeetingState, at decider.Context, what string) error {
	if at.Caller.Organisation != s.Organiser {
		return derrors.Denied("meeting.organiser_only", "only the organiser of the meeting (%s) %s", s.Organiser, what)
	}
	return nil
}

// checkToCome: a meeting cancelled, held or past takes no change.
func checkToCome(s *MeetingState, at decider.Context) error {
	switch s.Status {
	case StatusCancelled:
		return derrors.Rejected("meeting.cancelled", "meeting/"+s.ID, "meeting %s was cancelled", s.ID)
	case StatusHeld:
		return derrors.Rejected("meeting.held", "meeting/"+s.ID, "meeting %s was held", s.ID)
	}
	if !s.EndsAt.After(at.Now) {
		return derrors.Rejected("meeting.past", "meeting/"+s.ID, "meeting %s ended at %s", s.ID, s.EndsAt.UTC().Format(time.RFC3339))
	}
	return nil
}

func participantOf(e *eventsv1.ParticipantInvited) Participant {
	return Participant{ID: e.GetParticipantId(), Kind: e.GetKind(), Organisation: e.GetOrganisationId(), Professional: e.GetProfessionalId(),
		PersonID: e.GetPersonId(), EntourageMember: e.GetEntourageMemberId(), DisplayName: e.GetDisplayName()}
}
