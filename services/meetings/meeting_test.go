package meetings_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider/decidertest"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/meetings"
)

// The coordination of FINESS 750000001 (prof-1, coordinateur, the
// decidertest default caller) organises a synthèse about person P on 2026-11-20, 14:00–16:00
// (the clock: 2026-11-02 09:00 UTC).
const (
	coordination = "750000001"
	savs         = "350000022"
	meetingID    = "01JDMEET1NG000000000000001"
	person       = "01JDPERS0N0000000000000001"
	other        = "01JDPERS0N0000000000000002"
	participant  = "01JDPART1C1PANT00000000001"
)

var (
	starts = time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	ends   = starts.Add(2 * time.Hour)
)

func spec(opts ...decidertest.Option) decidertest.Spec[*meetings.MeetingState, meetings.Command] {
	return decidertest.New(meetings.Meeting, append([]decidertest.Option{decidertest.IDs(participant)}, opts...)...)
}

func coordinated() meetings.File {
	return meetings.File{Known: true, Team: access.Team{Holder: coordination, Coordinator: &access.Professional{Subject: "prof-1", Organisation: coordination}}}
}

func schedule() meetings.ScheduleMeeting {
	return meetings.ScheduleMeeting{MeetingID: meetingID, Kind: eventsv1.MeetingKind_MEETING_KIND_SYNTHESE, PersonIDs: []string{person},
		StartsAt: starts, EndsAt: ends, Place: "PCPE, 12 rue de Brest, Rennes", Title: "Synthèse",
		Files: map[string]meetings.File{person: coordinated()}}
}

func scheduled() *eventsv1.MeetingScheduled {
	return &eventsv1.MeetingScheduled{MeetingId: meetingID, Kind: eventsv1.MeetingKind_MEETING_KIND_SYNTHESE, PersonIds: []string{person},
		StartsAt: timestamppb.New(starts), EndsAt: timestamppb.New(ends), Place: "PCPE, 12 rue de Brest, Rennes", Title: "Synthèse",
		OrganiserOrganisationId: coordination}
}

func professional() meetings.Participant {
	return meetings.Participant{Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL, Organisation: savs, Professional: "cds-savs",
		DisplayName: "Cheffe de service du SAVS"}
}

func invited() *eventsv1.ParticipantInvited {
	return &eventsv1.ParticipantInvited{ParticipantId: participant, Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL,
		OrganisationId: savs, ProfessionalId: "cds-savs", DisplayName: "Cheffe de service du SAVS"}
}

var asSAVS = decidertest.Caller(access.Caller{Subject: "cds-savs", Organisation: savs, Role: auth.RoleProfessionnel})

func TestScheduleMeeting(t *testing.T) {
	t.Parallel()
	t.Run("records the meeting, organised by the caller's organisation", func(t *testing.T) {
		spec().Given().When(schedule()).Then(t, scheduled())
	})
	for _, tc := range []struct {
		name  string
		edit  func(*meetings.ScheduleMeeting)
		field string
	}{
		{"no kind", func(c *meetings.ScheduleMeeting) { c.Kind = 0 }, "kind"},
		{"a kind unknown", func(c *meetings.ScheduleMeeting) { c.Kind = 99 }, "kind"},
		{"nobody concerned", func(c *meetings.ScheduleMeeting) { c.PersonIDs = nil }, "person_ids"},
		{"a person twice", func(c *meetings.ScheduleMeeting) { c.PersonIDs = []string{person, person} }, "person_ids"},
		{"in the past", func(c *meetings.ScheduleMeeting) { c.StartsAt = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC) }, "starts_at"},
		{"no start", func(c *meetings.ScheduleMeeting) { c.StartsAt = time.Time{} }, "starts_at"},
		{"ends before it starts", func(c *meetings.ScheduleMeeting) { c.EndsAt = starts.Add(-time.Minute) }, "ends_at"},
		{"longer than a day's work", func(c *meetings.ScheduleMeeting) { c.EndsAt = starts.Add(9 * time.Hour) }, "ends_at"},
		{"nowhere", func(c *meetings.ScheduleMeeting) { c.Place = "" }, "place"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := schedule()
			tc.edit(&c)
			spec().Given().When(c).ThenInvalid(t, tc.field)
		})
	}
	t.Run("a video link is a place", func(t *testing.T) {
		c := schedule()
		c.Place, c.VideoURL = "", "https://visio.example/synthese"
		want := scheduled()
		want.Place, want.VideoUrl = "", "https://visio.example/synthese"
		spec().Given().When(c).Then(t, want)
	})
	t.Run("about a person who left the coordination: refused", func(t *testing.T) {
		c := schedule()
		f := coordinated()
		f.Discharged = true
		c.Files[person] = f
		spec().Given().When(c).ThenRefused(t, "meeting.person_discharged")
	})
	t.Run("by an organisation that does not coordinate each person: denied", func(t *testing.T) {
		c := schedule()
		c.PersonIDs = []string{person, other}
		c.Files[other] = meetings.File{Known: true, Team: access.Team{Holder: "750000099"}}
		spec().Given().When(c).ThenError(t, derrors.ErrPermission)
	})
	t.Run("twice: refused", func(t *testing.T) {
		spec().Given(scheduled()).When(schedule()).ThenRefused(t, "meeting.scheduled")
	})
	t.Run("about no file, or a discharged person it does not coordinate: denied, telling nothing", func(t *testing.T) {
		c := schedule()
		c.PersonIDs = []string{person, other}
		spec().Given().When(c).ThenError(t, derrors.ErrPermission)
		c.Files[other] = meetings.File{Known: true, Discharged: true, Team: access.Team{Holder: "750000099"}}
		spec().Given().When(c).ThenError(t, derrors.ErrPermission)
	})
}

func TestRescheduleAndCancel(t *testing.T) {
	t.Parallel()
	later := meetings.RescheduleMeeting{MeetingID: meetingID, StartsAt: starts.Add(48 * time.Hour), EndsAt: ends.Add(48 * time.Hour), Reason: "grève"}
	moved := &eventsv1.MeetingRescheduled{StartsAt: timestamppb.New(later.StartsAt), EndsAt: timestamppb.New(later.EndsAt), Reason: "grève"}
	accepted := &eventsv1.InvitationAnswered{ParticipantId: participant, Answer: eventsv1.InvitationAnswer_INVITATION_ANSWER_ACCEPTED}
	t.Run("moves it", func(t *testing.T) {
		spec().Given(scheduled()).When(later).Then(t, moved)
	})
	t.Run("to the same time: nothing", func(t *testing.T) {
		same := later
		same.StartsAt, same.EndsAt = starts, ends
		spec().Given(scheduled()).When(same).Then(t)
	})
	t.Run("asks the answers again, and counts the change for calendars", func(t *testing.T) {
		s := spec().Given(scheduled(), invited(), accepted, moved).State()
		if s.Participants[participant].Answer != eventsv1.InvitationAnswer_INVITATION_ANSWER_UNSPECIFIED || s.Sequence != 1 || !s.StartsAt.Equal(later.StartsAt) {
			t.Fatalf("after the move: %+v", s)
		}
	})
	t.Run("by another organisation: denied", func(t *testing.T) {
		spec(asSAVS).Given(scheduled()).When(later).ThenError(t, derrors.ErrPermission)
	})
	t.Run("into the past: invalid", func(t *testing.T) {
		past := later
		past.StartsAt = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		spec().Given(scheduled()).When(past).ThenInvalid(t, "starts_at")
	})
	t.Run("once it took place: refused", func(t *testing.T) {
		spec().Given(scheduled()).When(later).At(ends.Add(time.Minute)).ThenRefused(t, "meeting.past")
	})
	cancel := meetings.CancelMeeting{MeetingID: meetingID, Reason: "la personne est hospitalisée"}
	cancelled := &eventsv1.MeetingCancelled{Reason: "la personne est hospitalisée"}
	t.Run("cancels it", func(t *testing.T) {
		spec().Given(scheduled()).When(cancel).Then(t, cancelled)
	})
	t.Run("cancel with no reason: invalid", func(t *testing.T) {
		spec().Given(scheduled()).When(meetings.CancelMeeting{MeetingID: meetingID}).ThenInvalid(t, "reason")
	})
	t.Run("cancelled: nothing more", func(t *testing.T) {
		spec().Given(scheduled(), cancelled).When(cancel).ThenRefused(t, "meeting.cancelled")
		spec().Given(scheduled(), cancelled).When(later).ThenRefused(t, "meeting.cancelled")
	})
	t.Run("no such meeting", func(t *testing.T) {
		spec().Given().When(cancel).ThenError(t, derrors.ErrNotFound)
	})
}

func TestInviteAndAnswer(t *testing.T) {
	t.Parallel()
	t.Run("invites a professional", func(t *testing.T) {
		spec().Given(scheduled()).When(meetings.InviteParticipant{MeetingID: meetingID, Participant: professional()}).Then(t, invited())
	})
	t.Run("the same one again: nothing", func(t *testing.T) {
		spec().Given(scheduled(), invited()).When(meetings.InviteParticipant{MeetingID: meetingID, Participant: professional()}).Then(t)
	})
	t.Run("the person and her mother", func(t *testing.T) {
		her := meetings.Participant{Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON, PersonID: person, DisplayName: "Léa"}
		spec().Given(scheduled()).When(meetings.InviteParticipant{MeetingID: meetingID, Participant: her}).
			Then(t, &eventsv1.ParticipantInvited{ParticipantId: participant, Kind: her.Kind, PersonId: person, DisplayName: "Léa"})
		mother := meetings.Participant{Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_ENTOURAGE, PersonID: person, EntourageMember: "M1",
			DisplayName: "Sa mère"}
		spec().Given(scheduled()).When(meetings.InviteParticipant{MeetingID: meetingID, Participant: mother}).
			Then(t, &eventsv1.ParticipantInvited{ParticipantId: participant, Kind: mother.Kind, PersonId: person, EntourageMemberId: "M1",
				DisplayName: "Sa mère"})
	})
	for _, tc := range []struct {
		name  string
		p     meetings.Participant
		field string
	}{
		{"nobody", meetings.Participant{DisplayName: "x"}, "participant.kind"},
		{"a professional of no organisation", meetings.Participant{Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL, Organisation: "x",
			Professional: "p", DisplayName: "x"}, "participant.organisation_id"},
		{"a person not concerned", meetings.Participant{Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON, PersonID: other, DisplayName: "x"},
			"participant.person_id"},
		{"an entourage with no member", meetings.Participant{Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_ENTOURAGE, PersonID: person,
			DisplayName: "x"}, "participant.entourage_member_id"},
		{"no name", meetings.Participant{Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON, PersonID: person}, "participant.display_name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec().Given(scheduled()).When(meetings.InviteParticipant{MeetingID: meetingID, Participant: tc.p}).ThenInvalid(t, tc.field)
		})
	}
	t.Run("invited by another organisation: denied", func(t *testing.T) {
		spec(asSAVS).Given(scheduled()).When(meetings.InviteParticipant{MeetingID: meetingID, Participant: professional()}).
			ThenError(t, derrors.ErrPermission)
	})
	answer := meetings.AnswerInvitation{MeetingID: meetingID, ParticipantID: participant, Answer: eventsv1.InvitationAnswer_INVITATION_ANSWER_ACCEPTED}
	accepted := &eventsv1.InvitationAnswered{ParticipantId: participant, Answer: eventsv1.InvitationAnswer_INVITATION_ANSWER_ACCEPTED}
	t.Run("a professional's organisation answers for it", func(t *testing.T) {
		spec(asSAVS).Given(scheduled(), invited()).When(answer).Then(t, accepted)
		spec(asSAVS).Given(scheduled(), invited(), accepted).When(answer).Then(t)
	})
	t.Run("nobody else answers for it", func(t *testing.T) {
		spec().Given(scheduled(), invited()).When(answer).ThenError(t, derrors.ErrPermission)
	})
	t.Run("no answer: invalid", func(t *testing.T) {
		blank := answer
		blank.Answer = 0
		spec(asSAVS).Given(scheduled(), invited()).When(blank).ThenInvalid(t, "answer")
	})
	t.Run("no such participant", func(t *testing.T) {
		spec(asSAVS).Given(scheduled()).When(answer).ThenRefused(t, "participant.unknown")
	})
	t.Run("once cancelled: refused", func(t *testing.T) {
		spec(asSAVS).Given(scheduled(), invited(), &eventsv1.MeetingCancelled{Reason: "x"}).When(answer).ThenRefused(t, "meeting.cancelled")
	})
	t.Run("the coordination answers for the person", func(t *testing.T) {
		her := &eventsv1.ParticipantInvited{ParticipantId: participant, Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON, PersonId: person,
			DisplayName: "Léa"}
		spec().Given(scheduled(), her).When(answer).Then(t, accepted)
	})
}

func tsOf(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }
