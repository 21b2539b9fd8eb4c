package meetings

import (
	"slices"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/calendar"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// File is what scheduling needs of a person's file (the parcours
// service's, read by the port as stored now).
type File struct {
	Known          bool        // the file exists
	Discharged     bool        // the person left the coordination
	Team           access.Team // who takes part in it
	OpenObjectives []string    // the objectives of her plan neither achieved nor abandoned
}

// ScheduleMeeting sets a meeting about one or more people, organised by
// the caller's organisation, which must coordinate each of them. Rules
// "meeting.person_discharged" (a person has left the coordination).
type ScheduleMeeting struct {
	MeetingID        string
	Kind             eventsv1.MeetingKind
	PersonIDs        []string
	StartsAt, EndsAt time.Time
	Place, VideoURL  string
	Title            string
	Files            map[string]File // by person id
}

// RescheduleMeeting moves a meeting to come; the answers are asked again.
type RescheduleMeeting struct {
	MeetingID        string
	StartsAt, EndsAt time.Time
	Reason           string
}

// CancelMeeting: the meeting will not take place.
type CancelMeeting struct {
	MeetingID string
	Reason    string
}

func (c ScheduleMeeting) meetingID() string   { return c.MeetingID }
func (c RescheduleMeeting) meetingID() string { return c.MeetingID }
func (c CancelMeeting) meetingID() string     { return c.MeetingID }

// longest is the longest a meeting may last.
const longest = 8 * time.Hour

// checkSlot adds what is wrong with a meeting's time.
func checkSlot(bad *derrors.InvalidError, starts, ends, now time.Time) {
	switch {
	case starts.IsZero():
		bad.Add("starts_at", "when it starts is required")
	case !starts.After(now):
		bad.Add("starts_at", "a meeting is set ahead")
	case !ends.After(starts):
		bad.Add("ends_at", "a meeting ends after it starts")
	case ends.Sub(starts) > longest:
		bad.Add("ends_at", "a meeting lasts at most %v", longest)
	}
}

func decideSchedule(s *MeetingState, c ScheduleMeeting, at decider.Context) ([]proto.Message, error) {
	if s.Status != StatusNone {
		return nil, derrors.Rejected("meeting.scheduled", "meeting/"+c.MeetingID, "meeting %s is scheduled already", c.MeetingID)
	}
	bad := &derrors.InvalidError{}
	if _, ok := eventsv1.MeetingKind_name[int32(c.Kind)]; !ok || c.Kind == eventsv1.MeetingKind_MEETING_KIND_UNSPECIFIED {
		bad.Add("kind", "the kind of meeting is required")
	}
	switch {
	case len(c.PersonIDs) == 0:
		bad.Add("person_ids", "the people concerned are required")
	case len(c.PersonIDs) > 10:
		bad.Add("person_ids", "at most 10 people")
	}
	for i, p := range c.PersonIDs {
		if slices.Contains(c.PersonIDs[:i], p) {
			bad.Add("person_ids", "%s is named twice", p)
		}
	}
	checkSlot(bad, c.StartsAt, c.EndsAt, at.Now)
	if c.Place == "" && c.VideoURL == "" {
		bad.Add("place", "where it takes place, or a video link, is required")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	// Access first: an organisation that does not coordinate her learns
	// nothing of her file, not even that it exists or that she left.
	today := calendar.Today(at.Now)
	for _, p := range c.PersonIDs {
		f := c.Files[p]
		if !f.Known {
			return nil, derrors.Denied("access.not_in_coordination", "the caller does not coordinate the person")
		}
		if err := f.Team.Authorize(at.Caller, access.Need{Action: "organise a meeting about the person", Coordination: true}, today); err != nil {
			return nil, err
		}
	}
	for _, p := range c.PersonIDs {
		if c.Files[p].Discharged {
			return nil, derrors.Rejected("meeting.person_discharged", "person/"+p, "person %s has left the coordination: no meeting about her", p)
		}
	}
	return []proto.Message{&eventsv1.MeetingScheduled{MeetingId: c.MeetingID, Kind: c.Kind, PersonIds: c.PersonIDs,
		StartsAt: timestamppb.New(c.StartsAt), EndsAt: timestamppb.New(c.EndsAt), Place: c.Place, VideoUrl: c.VideoURL, Title: c.Title,
		OrganiserOrganisationId: at.Caller.Organisation}}, nil
}

func decideReschedule(s *MeetingState, c RescheduleMeeting, at decider.Context) ([]proto.Message, error) {
	if err := checkOrganiser(s, at, "moves it"); err != nil {
		return nil, err
	}
	if err := checkToCome(s, at); err != nil {
		return nil, err
	}
	bad := &derrors.InvalidError{}
	checkSlot(bad, c.StartsAt, c.EndsAt, at.Now)
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if c.StartsAt.Equal(s.StartsAt) && c.EndsAt.Equal(s.EndsAt) {
		return nil, nil
	}
	return []proto.Message{&eventsv1.MeetingRescheduled{StartsAt: timestamppb.New(c.StartsAt), EndsAt: timestamppb.New(c.EndsAt), Reason: c.Reason}}, nil
}

func decideCancel(s *MeetingState, c CancelMeeting, at decider.Context) ([]proto.Message, error) {
	if err := checkOrganiser(s, at, "cancels it"); err != nil {
		return nil, err
	}
	if err := checkToCome(s, at); err != nil {
		return nil, err
	}
	if c.Reason == "" {
		return nil, derrors.Invalid("reason", "why it is cancelled is required")
	}
	return []proto.Message{&eventsv1.MeetingCancelled{Reason: c.Reason}}, nil
}
