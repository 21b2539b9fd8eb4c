package meetings

import (
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/calendar"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// HoldMeeting records that the meeting took place, with who came (the
// organiser, once it started). Rules "meeting.not_started",
// "meeting.held".
type HoldMeeting struct {
	MeetingID string
	Attended  []string // participant ids
}

// Share is categories of a person's information shared with participants.
type Share struct {
	PersonID     string
	Categories   access.Categories
	Participants []string // participant ids, present
}

// RecordMinutes records the minutes: a summary and what was shared with
// whom, each share allowed by the person's file as stored now (Teams, by
// person): a professional of her coordination within what its part sees,
// anyone else only under her consent in force, never against an
// opposition. Rules "meeting.not_held", "minutes.sharing_not_allowed",
// "minutes.opposed".
type RecordMinutes struct {
	MeetingID string
	Summary   string
	Shares    []Share
	Teams     map[string]access.Team
}

// RecordDecision records a decision that becomes an action in the
// person's plan. ObjectiveOpen is read by the port on her file.
type RecordDecision struct {
	MeetingID     string
	PersonID      string
	Statement     string
	ObjectiveID   string
	Action        string
	Responsible   *eventsv1.Responsible
	DueDate       string
	ObjectiveOpen bool
	Discharged    bool // the person left the coordination since
}

func (c HoldMeeting) meetingID() string    { return c.MeetingID }
func (c RecordMinutes) meetingID() string  { return c.MeetingID }
func (c RecordDecision) meetingID() string { return c.MeetingID }

func decideHold(s *MeetingState, c HoldMeeting, at decider.Context) ([]proto.Message, error) {
	if err := checkOrganiser(s, at, "records it held"); err != nil {
		return nil, err
	}
	switch {
	case s.Status == StatusCancelled:
		return nil, derrors.Rejected("meeting.cancelled", "meeting/"+s.ID, "meeting %s was cancelled", s.ID)
	case s.Status == StatusHeld:
		return nil, derrors.Rejected("meeting.held", "meeting/"+s.ID, "meeting %s was held already", s.ID)
	case at.Now.Before(s.StartsAt):
		return nil, derrors.Rejected("meeting.not_started", "meeting/"+s.ID, "meeting %s has not started", s.ID)
	}
	for _, id := range c.Attended {
		if _, ok := s.Participants[id]; !ok {
			return nil, derrors.Invalid("attended_participant_ids", "%q is no participant of the meeting", id)
		}
	}
	return []proto.Message{&eventsv1.MeetingHeld{AttendedParticipantIds: c.Attended}}, nil
}

// checkHeld: minutes and decisions come once the meeting was held.
func checkHeld(s *MeetingState, at decider.Context, what string) error {
	if err := checkOrganiser(s, at, what); err != nil {
		return err
	}
	if s.Status != StatusHeld {
		return derrors.Rejected("meeting.not_held", "meeting/"+s.ID, "meeting %s has not been held", s.ID)
	}
	return nil
}

func decideMinutes(s *MeetingState, c RecordMinutes, at decider.Context) ([]proto.Message, error) {
	if err := checkHeld(s, at, "records its minutes"); err != nil {
		return nil, err
	}
	bad := &derrors.InvalidError{}
	if c.Summary == "" {
		bad.Add("summary", "the summary is required")
	}
	for _, sh := range c.Shares {
		if !slices.Contains(s.PersonIDs, sh.PersonID) {
			bad.Add("shares.person_id", "%q is none of the people the meeting concerns", sh.PersonID)
		}
		if sh.Categories == 0 {
			bad.Add("shares.categories", "what was shared is required")
		}
		for _, p := range sh.Participants {
			if !slices.Contains(s.Attended, p) {
				bad.Add("shares.participant_ids", "%q was not present", p)
			}
		}
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	today := calendar.Today(at.Now)
	ev := &eventsv1.MinutesRecorded{Summary: c.Summary}
	for _, sh := range c.Shares {
		team := c.Teams[sh.PersonID]
		for _, id := range sh.Participants {
			if _, err := SharingBasis(&team, s.Participants[id], sh.Categories, today); err != nil {
				return nil, err
			}
		}
		ev.Shares = append(ev.Shares, &eventsv1.MeetingShare{PersonId: sh.PersonID, Categories: sh.Categories.List(), ParticipantIds: sh.Participants})
	}
	return []proto.Message{ev}, nil
}

// SharingBasis returns why sharing cats of the person with p is lawful on
// day today, with the consents it rests on: the person herself; a
// professional of her coordination within what its part sees; anyone
// else under a consent in force naming them (or everyone) and covering
// them. An opposition always refuses.
func SharingBasis(t *access.Team, p Participant, cats access.Categories, today string) (access.Grant, error) {
	if p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON {
		return access.Grant{Categories: cats}, nil
	}
	org := p.Organisation
	for _, o := range t.Oppositions {
		if (o.Organisation == "" && org != t.Holder || o.Organisation == org && org != "") && o.Categories&cats != 0 {
			return access.Grant{}, derrors.Rejected("minutes.opposed", "participant/"+p.ID, "the person opposed sharing %s with %s", o.Categories&cats, p.DisplayName)
		}
	}
	if p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL {
		// Not known to be a health professional: santé needs her consent.
		if g := t.GrantFor(access.Caller{Organisation: org}, today); g.Part != access.PartNone && g.Categories.Covers(cats) {
			return g, nil
		}
	}
	for _, k := range t.Consents {
		if (k.ExpiresOn == "" || k.ExpiresOn >= today) && (k.Organisation == "" || k.Organisation == org && org != "") && k.Categories.Covers(cats) {
			return access.Grant{Categories: cats, ByConsent: cats, ConsentIDs: []string{k.ID}}, nil
		}
	}
	return access.Grant{}, derrors.Rejected("minutes.sharing_not_allowed", "participant/"+p.ID,
		"%s may not be told %s of the person: outside her coordination, only with her consent", p.DisplayName, cats)
}

func decideDecision(s *MeetingState, c RecordDecision, at decider.Context) ([]proto.Message, error) {
	if err := checkHeld(s, at, "records its decisions"); err != nil {
		return nil, err
	}
	bad := &derrors.InvalidError{}
	if !slices.Contains(s.PersonIDs, c.PersonID) {
		bad.Add("person_id", "%q is none of the people the meeting concerns", c.PersonID)
	}
	if c.Statement == "" {
		bad.Add("statement", "what was decided is required")
	}
	if c.Action == "" {
		bad.Add("action_description", "the action it becomes is required")
	}
	if !responsibleNamed(c.Responsible) {
		bad.Add("responsible", "who is responsible (a partner, a professional and their organisation, a member, the person), and the name shown, are required")
	}
	calendar.CheckAhead(bad, "due_date", c.DueDate, at.Now, "an action is due from today on")
	if !c.ObjectiveOpen {
		bad.Add("objective_id", "%q is no open objective of the person's plan", c.ObjectiveID)
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if c.Discharged {
		return nil, derrors.Rejected("meeting.person_discharged", "person/"+c.PersonID, "person %s has left the coordination: her plan takes no action", c.PersonID)
	}
	return []proto.Message{&eventsv1.DecisionRecorded{DecisionId: at.NewID(), PersonId: c.PersonID, Statement: c.Statement, ObjectiveId: c.ObjectiveID,
		ActionDescription: c.Action, Responsible: c.Responsible, DueDate: c.DueDate}}, nil
}

// responsibleNamed: exactly someone is named, as the plan will require.
func responsibleNamed(r *eventsv1.Responsible) bool {
	if r.GetDisplayName() == "" {
		return false
	}
	switch who := r.GetWho().(type) {
	case *eventsv1.Responsible_PartnerId:
		return who.PartnerId != ""
	case *eventsv1.Responsible_Professional:
		return who.Professional.GetProfessionalId() != "" && who.Professional.GetOrganisationId() != ""
	case *eventsv1.Responsible_EntourageMemberId:
		return who.EntourageMemberId != ""
	case *eventsv1.Responsible_Person:
		return who.Person
	}
	return false
}
