package meetings

import (
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// InviteParticipant invites a professional, the person concerned or a
// member of her entourage; the organiser invites. Inviting the same one
// again records nothing.
type InviteParticipant struct {
	MeetingID   string
	Participant Participant // its ID and Answer are ignored
}

// AnswerInvitation records a participant's answer: a professional's
// organisation answers for it, the organiser for the person and her
// entourage. Rule "participant.unknown".
type AnswerInvitation struct {
	MeetingID     string
	ParticipantID string
	Answer        eventsv1.InvitationAnswer
	Comment       string
}

func (c InviteParticipant) meetingID() string { return c.MeetingID }
func (c AnswerInvitation) meetingID() string  { return c.MeetingID }

// checkParticipant adds what is wrong with who is invited.
func checkParticipant(bad *derrors.InvalidError, s *MeetingState, p Participant) {
	switch p.Kind {
	case eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL:
		if err := auth.ValidateOrganisation(p.Organisation); err != nil {
			bad.Add("participant.organisation_id", "%v", err)
		}
		if p.Professional == "" {
			bad.Add("participant.professional_id", "the professional invited is required")
		}
	case eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON, eventsv1.ParticipantKind_PARTICIPANT_KIND_ENTOURAGE:
		if !slices.Contains(s.PersonIDs, p.PersonID) {
			bad.Add("participant.person_id", "%q is none of the people the meeting concerns", p.PersonID)
		}
		if p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_ENTOURAGE && p.EntourageMember == "" {
			bad.Add("participant.entourage_member_id", "the member of her entourage is required")
		}
	default:
		bad.Add("participant.kind", "who is invited is required: a professional, the person, her entourage")
	}
	if p.DisplayName == "" {
		bad.Add("participant.display_name", "the name shown is required")
	}
}

func decideInvite(s *MeetingState, c InviteParticipant, at decider.Context) ([]proto.Message, error) {
	if err := checkOrganiser(s, at, "invites"); err != nil {
		return nil, err
	}
	if err := checkToCome(s, at); err != nil {
		return nil, err
	}
	p := c.Participant
	bad := &derrors.InvalidError{}
	checkParticipant(bad, s, p)
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	for _, o := range s.Participants {
		if o.same(p) {
			return nil, nil // invited already
		}
	}
	return []proto.Message{&eventsv1.ParticipantInvited{ParticipantId: at.NewID(), Kind: p.Kind, OrganisationId: p.Organisation,
		ProfessionalId: p.Professional, PersonId: p.PersonID, EntourageMemberId: p.EntourageMember, DisplayName: p.DisplayName}}, nil
}

func decideAnswer(s *MeetingState, c AnswerInvitation, at decider.Context) ([]proto.Message, error) {
	p, ok := s.Participants[c.ParticipantID]
	if !ok {
		return nil, derrors.Rejected("participant.unknown", "participant/"+c.ParticipantID, "meeting %s has no participant %s", s.ID, c.ParticipantID)
	}
	answersFor := s.Organiser // the person and her entourage answer through the coordination
	if p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL {
		answersFor = p.Organisation
	}
	if at.Caller.Organisation != answersFor {
		return nil, derrors.Denied("meeting.participant_only", "only %s answers for participant %s", answersFor, p.ID)
	}
	if err := checkToCome(s, at); err != nil {
		return nil, err
	}
	if _, defined := eventsv1.InvitationAnswer_name[int32(c.Answer)]; !defined || c.Answer == eventsv1.InvitationAnswer_INVITATION_ANSWER_UNSPECIFIED {
		return nil, derrors.Invalid("answer", "the answer is required: accepted, declined or tentative")
	}
	if c.Answer == p.Answer {
		return nil, nil
	}
	return []proto.Message{&eventsv1.InvitationAnswered{ParticipantId: p.ID, Answer: c.Answer, Comment: c.Comment}}, nil
}
