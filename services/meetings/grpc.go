package meetings

import (
	"cmp"
	"context"
	"slices"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	meetingsv1 "github.com/maillage/maillage/proto/maillage/meetings/v1"
)

// The gRPC port of the meetings.

// handle runs cmd on the meeting; a refusal by the access rules is
// recorded in the audit trail of each person it concerns.
func (s *Service) handle(ctx context.Context, id string, persons []string, cmd Command, req proto.Message) (decider.Result, error) {
	opts, err := s.cfg.Kit.CommandOptions(ctx, req)
	if err != nil {
		return decider.Result{}, kit.Status(err)
	}
	res, err := s.meetings.Handle(ctx, id, cmd, opts)
	if err != nil {
		for _, p := range persons {
			err = s.cfg.Kit.Refused(ctx, p, err)
		}
		return res, kit.Status(err)
	}
	return res, nil
}

// handleOn runs cmd on an existing meeting; a refusal is recorded in the
// trails of the people it concerns, as stored now.
func (s *Service) handleOn(ctx context.Context, id string, cmd Command, req proto.Message) (decider.Result, error) {
	persons, err := s.personsOf(ctx, id)
	if err != nil {
		return decider.Result{}, err
	}
	return s.handle(ctx, id, persons, cmd, req)
}

// personsOf returns the people a meeting concerns, as stored now.
func (s *Service) personsOf(ctx context.Context, id string) ([]string, error) {
	var persons []string
	err := s.meetings.Inspect(ctx, id, func(m *MeetingState) { persons = slices.Clone(m.PersonIDs) })
	return persons, kit.Status(err)
}

// ScheduleMeeting sets a meeting, decided on the files as stored now.
func (s *Service) ScheduleMeeting(ctx context.Context, req *meetingsv1.ScheduleMeetingRequest) (*meetingsv1.ScheduleMeetingResponse, error) {
	caller, err := s.cfg.Kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	if err := s.cfg.Files.Stored(ctx); err != nil {
		return nil, kit.Status(err)
	}
	id := s.cfg.Kit.IDFor("maillage-meeting-id-v1", caller.Organisation, req.GetRequestId()) // a retry reaches the same meeting
	cmd := ScheduleMeeting{MeetingID: id, Kind: req.GetKind(), PersonIDs: req.GetPersonIds(), StartsAt: req.GetStartsAt().AsTime(),
		EndsAt: req.GetEndsAt().AsTime(), Place: req.GetPlace(), VideoURL: req.GetVideoUrl(), Title: req.GetTitle(), Files: map[string]File{}}
	for _, p := range req.GetPersonIds() {
		cmd.Files[p] = s.cfg.Files.FileOf(p)
	}
	res, err := s.handle(ctx, id, req.GetPersonIds(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &meetingsv1.ScheduleMeetingResponse{MeetingId: id, Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// InviteParticipant invites someone.
func (s *Service) InviteParticipant(ctx context.Context, req *meetingsv1.InviteParticipantRequest) (*meetingsv1.InviteParticipantResponse, error) {
	cmd := InviteParticipant{MeetingID: req.GetMeetingId(), Participant: Participant{Kind: req.GetKind(), Organisation: req.GetOrganisationId(),
		Professional: req.GetProfessionalId(), PersonID: req.GetPersonId(), EntourageMember: req.GetEntourageMemberId(), DisplayName: req.GetDisplayName()}}
	res, err := s.handleOn(ctx, req.GetMeetingId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &meetingsv1.InviteParticipantResponse{ParticipantId: res.CreatedID, Position: res.Position.String(), Version: uint64(res.Version)}
	if err := kit.WaitForStored(ctx, s.indexRunner, 2*time.Second); err != nil {
		return nil, err
	}
	var m MeetingState
	if err := s.meetings.Inspect(ctx, req.GetMeetingId(), func(st *MeetingState) { m = *st }); err != nil {
		return nil, kit.Status(err)
	}
	if out.DoubleBookedMeetingIds, err = s.doubleBooked(ctx, &m, cmd.Participant); err != nil {
		return nil, kit.Status(err)
	}
	return out, nil
}

// AnswerInvitation records an answer.
func (s *Service) AnswerInvitation(ctx context.Context, req *meetingsv1.AnswerInvitationRequest) (*meetingsv1.AnswerInvitationResponse, error) {
	res, err := s.handleOn(ctx, req.GetMeetingId(), AnswerInvitation{MeetingID: req.GetMeetingId(), ParticipantID: req.GetParticipantId(),
		Answer: req.GetAnswer(), Comment: req.GetComment()}, req)
	if err != nil {
		return nil, err
	}
	return &meetingsv1.AnswerInvitationResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// RescheduleMeeting moves a meeting.
func (s *Service) RescheduleMeeting(ctx context.Context, req *meetingsv1.RescheduleMeetingRequest) (*meetingsv1.RescheduleMeetingResponse, error) {
	res, err := s.handleOn(ctx, req.GetMeetingId(), RescheduleMeeting{MeetingID: req.GetMeetingId(), StartsAt: req.GetStartsAt().AsTime(),
		EndsAt: req.GetEndsAt().AsTime(), Reason: req.GetReason()}, req)
	if err != nil {
		return nil, err
	}
	return &meetingsv1.RescheduleMeetingResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// CancelMeeting cancels a meeting.
func (s *Service) CancelMeeting(ctx context.Context, req *meetingsv1.CancelMeetingRequest) (*meetingsv1.CancelMeetingResponse, error) {
	res, err := s.handleOn(ctx, req.GetMeetingId(), CancelMeeting{MeetingID: req.GetMeetingId(), Reason: req.GetReason()}, req)
	if err != nil {
		return nil, err
	}
	return &meetingsv1.CancelMeetingResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// GetMeeting returns a meeting to its organiser and participants'
// organisations, and to the coordination of the people it concerns; each
// person shown is recorded in her audit trail.
func (s *Service) GetMeeting(ctx context.Context, req *meetingsv1.GetMeetingRequest) (*meetingsv1.GetMeetingResponse, error) {
	caller, err := s.cfg.Kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	if err := s.cfg.Files.Stored(ctx); err != nil {
		return nil, kit.Status(err)
	}
	var m MeetingState
	if err := s.meetings.Inspect(ctx, req.GetMeetingId(), func(st *MeetingState) { m = *st; m.Participants = clonedMap(st.Participants) }); err != nil {
		return nil, kit.Status(err)
	}
	if m.Status == StatusNone {
		return nil, status.Errorf(codes.NotFound, "no meeting %s", req.GetMeetingId())
	}
	shown, disclosures, minutes := s.shownPersons(caller, &m)
	if !takesPart(caller, &m) && len(shown) == 0 {
		denied := derrors.Denied("meeting.not_a_participant", "%s neither organises nor takes part in meeting %s", caller.Organisation, m.ID)
		for _, p := range m.PersonIDs {
			_ = s.cfg.Kit.Refused(ctx, p, denied)
		}
		return nil, kit.Status(denied)
	}
	out := meetingOf(&m, shown)
	if minutes {
		out.MinutesSummary = m.Minutes
	}
	if err := s.flagDoubleBookings(ctx, &m, out); err != nil {
		return nil, err
	}
	if err := s.cfg.Kit.DisclosedAll(ctx, disclosures); err != nil {
		return nil, kit.Status(err)
	}
	return &meetingsv1.GetMeetingResponse{Meeting: out}, nil
}

func clonedMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// takesPart: the caller's organisation organises the meeting or one of
// its professionals is invited.
func takesPart(c access.Caller, m *MeetingState) bool {
	if c.Organisation == m.Organiser {
		return true
	}
	for _, p := range m.Participants {
		if p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL && p.Organisation == c.Organisation {
			return true
		}
	}
	return false
}

// shownPersons returns what the caller may see of each person (its
// grant's categories; identity at least, else she is not shown), and the
// disclosures showing them makes. With minutes, the people are disclosed
// with their projet, which the minutes tell: shown only when every person
// grants it.
func (s *Service) shownPersons(c access.Caller, m *MeetingState) (map[string]access.Categories, []kit.Disclosure, bool) {
	shown := map[string]access.Categories{}
	var ds []kit.Disclosure
	today := s.cfg.Kit.Today()
	minutes := m.Minutes != "" && heard(c, m)
	for _, p := range m.PersonIDs {
		f := s.cfg.Files.FileOf(p)
		if !f.Known {
			minutes = false
			continue
		}
		grant, err := f.Team.ReadFile(c, today)
		if err != nil || !grant.Categories.Has(access.Identite) {
			minutes = false
			continue
		}
		shown[p] = grant.Categories
		minutes = minutes && grant.Categories.Has(access.Projet)
		ds = append(ds, kit.Disclosure{PersonID: p, Grant: grant, Categories: access.Of(access.Identite),
			Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_MEETING, Detail: "meeting " + m.ID})
	}
	for i := range ds {
		if minutes {
			ds[i].Categories |= access.Of(access.Projet)
			ds[i].Detail += " (compte rendu)"
		}
		if m.hasEntourage(ds[i].PersonID) && shown[ds[i].PersonID].Has(access.VieSociale) {
			ds[i].Categories |= access.Of(access.VieSociale)
		}
	}
	return shown, ds, minutes
}

// hasEntourage: a member of the person's entourage is invited.
func (m *MeetingState) hasEntourage(person string) bool {
	for _, p := range m.Participants {
		if p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_ENTOURAGE && p.PersonID == person {
			return true
		}
	}
	return false
}

// meetingOf is the meeting as the caller may see it: the people it may
// not see are left out, and so are their names among the participants;
// an entourage member is named only to who sees her vie sociale.
func meetingOf(m *MeetingState, shown map[string]access.Categories) *meetingsv1.Meeting {
	out := &meetingsv1.Meeting{MeetingId: m.ID, ScheduledAt: timestamppb.New(m.StartsAt), EndsAt: timestamppb.New(m.EndsAt), Kind: m.Kind,
		OrganiserOrganisationId: m.Organiser, Cancelled: m.Status == StatusCancelled, Held: m.Status == StatusHeld, Sequence: m.Sequence, Place: m.Place,
		VideoUrl: m.VideoURL, Title: m.Title}
	for _, p := range m.PersonIDs {
		if _, ok := shown[p]; ok {
			out.PersonIds = append(out.PersonIds, p)
		} else {
			out.PersonsWithheld = true
		}
	}
	for _, id := range sortedIDs(m.Participants) {
		p := m.Participants[id]
		q := &meetingsv1.Participant{ParticipantId: p.ID, Kind: p.Kind, OrganisationId: p.Organisation, ProfessionalId: p.Professional,
			PersonId: p.PersonID, EntourageMemberId: p.EntourageMember, DisplayName: p.DisplayName, Answer: p.Answer}
		cats, seen := shown[p.PersonID]
		switch {
		case p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL:
		case !seen, p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_ENTOURAGE && !cats.Has(access.VieSociale):
			q.PersonId, q.EntourageMemberId, q.DisplayName = "", "", ""
		}
		out.Participants = append(out.Participants, q)
	}
	return out
}

// HoldMeeting records the meeting held.
func (s *Service) HoldMeeting(ctx context.Context, req *meetingsv1.HoldMeetingRequest) (*meetingsv1.HoldMeetingResponse, error) {
	res, err := s.handleOn(ctx, req.GetMeetingId(), HoldMeeting{MeetingID: req.GetMeetingId(), Attended: req.GetAttendedParticipantIds()}, req)
	if err != nil {
		return nil, err
	}
	return &meetingsv1.HoldMeetingResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// RecordMinutes records the minutes, decided on the files as stored now,
// and records each share in the person's audit trail as disclosed to each
// participant it was shared with.
func (s *Service) RecordMinutes(ctx context.Context, req *meetingsv1.RecordMinutesRequest) (*meetingsv1.RecordMinutesResponse, error) {
	if err := s.cfg.Files.Stored(ctx); err != nil {
		return nil, kit.Status(err)
	}
	cmd := RecordMinutes{MeetingID: req.GetMeetingId(), Summary: req.GetSummary(), Teams: map[string]access.Team{}}
	for _, sh := range req.GetShares() {
		cmd.Shares = append(cmd.Shares, Share{PersonID: sh.GetPersonId(), Categories: access.Of(sh.GetCategories()...), Participants: sh.GetParticipantIds()})
		cmd.Teams[sh.GetPersonId()] = s.cfg.Files.FileOf(sh.GetPersonId()).Team
	}
	res, err := s.handleOn(ctx, req.GetMeetingId(), cmd, req)
	if err != nil {
		return nil, err
	}
	// Also on a retry: a failure midway must not leave a share unaudited
	// (a share twice in the trail is the lesser harm).
	if err := s.auditShares(ctx, req.GetMeetingId(), cmd); err != nil {
		return nil, kit.Status(err)
	}
	return &meetingsv1.RecordMinutesResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// auditShares records, in each person's trail, what was disclosed to
// each participant, on the basis that allowed it.
func (s *Service) auditShares(ctx context.Context, meetingID string, cmd RecordMinutes) error {
	var m MeetingState
	if err := s.meetings.Inspect(ctx, meetingID, func(st *MeetingState) { m = *st; m.Participants = clonedMap(st.Participants) }); err != nil {
		return err
	}
	today := s.cfg.Kit.Today()
	for _, sh := range cmd.Shares {
		team := cmd.Teams[sh.PersonID]
		for _, id := range sh.Participants {
			p := m.Participants[id]
			grant, err := SharingBasis(&team, p, sh.Categories, today)
			if err != nil {
				return err
			}
			who := auth.Principal{Subject: p.Professional, Organisation: p.Organisation, Name: p.DisplayName, Role: auth.RoleProfessionnel}
			if p.Kind != eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL {
				who = auth.Principal{Subject: p.Kind.String() + ":" + cmp.Or(p.EntourageMember, p.PersonID), Organisation: m.Organiser, Name: p.DisplayName}
			}
			d := kit.Disclosure{PersonID: sh.PersonID, Grant: grant, Categories: sh.Categories, Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_MEETING,
				Detail: "partagé en réunion " + meetingID}
			if len(grant.ConsentIDs) > 0 {
				d.LegalBasis, d.ConsentIDs = eventsv1.LegalBasis_LEGAL_BASIS_CONSENT, grant.ConsentIDs
			}
			if err := s.cfg.Kit.Disclosed(auth.WithPrincipal(ctx, who), d); err != nil {
				return err
			}
		}
	}
	return nil
}

// RecordDecision records a decision that becomes an action of the plan.
func (s *Service) RecordDecision(ctx context.Context, req *meetingsv1.RecordDecisionRequest) (*meetingsv1.RecordDecisionResponse, error) {
	if err := s.cfg.Files.Stored(ctx); err != nil {
		return nil, kit.Status(err)
	}
	cmd := RecordDecision{MeetingID: req.GetMeetingId(), PersonID: req.GetPersonId(), Statement: req.GetStatement(), ObjectiveID: req.GetObjectiveId(),
		Action: req.GetActionDescription(), Responsible: req.GetResponsible(), DueDate: req.GetDueDate(),
		ObjectiveOpen: slices.Contains(s.cfg.Files.FileOf(req.GetPersonId()).OpenObjectives, req.GetObjectiveId()),
		Discharged:    s.cfg.Files.FileOf(req.GetPersonId()).Discharged}
	res, err := s.handleOn(ctx, req.GetMeetingId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &meetingsv1.RecordDecisionResponse{DecisionId: res.CreatedID, Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

func sortedIDs[V any](m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// doubleBooked returns the other meetings, not cancelled, that p is
// invited to at a time overlapping m's, as the index has them now.
func (s *Service) doubleBooked(ctx context.Context, m *MeetingState, p Participant) ([]string, error) {
	who := invitee(p)
	if who == "" {
		return nil, nil
	}
	ids, err := s.index.invitedTo(who)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		if id == m.ID {
			continue
		}
		var o MeetingState
		if err := s.meetings.Inspect(ctx, id, func(st *MeetingState) { o.Status, o.StartsAt, o.EndsAt = st.Status, st.StartsAt, st.EndsAt }); err != nil {
			return nil, err
		}
		if o.Status != StatusCancelled && o.StartsAt.Before(m.EndsAt) && m.StartsAt.Before(o.EndsAt) {
			out = append(out, id)
		}
	}
	return out, nil
}

// flagDoubleBookings fills each participant's other meetings at the same
// time, as stored now.
func (s *Service) flagDoubleBookings(ctx context.Context, m *MeetingState, out *meetingsv1.Meeting) error {
	if err := kit.WaitForStored(ctx, s.indexRunner, 2*time.Second); err != nil {
		return err
	}
	for _, p := range out.Participants {
		if p.GetKind() != eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL && p.GetPersonId() == "" {
			continue // withheld: her other meetings would tell who she is
		}
		ids, err := s.doubleBooked(ctx, m, m.Participants[p.GetParticipantId()])
		if err != nil {
			return kit.Status(err)
		}
		p.DoubleBookedMeetingIds = ids
	}
	return nil
}

// heard: the caller's organisation organised the meeting, or one of its
// professionals was present.
func heard(c access.Caller, m *MeetingState) bool {
	if c.Organisation == m.Organiser {
		return true
	}
	for _, id := range m.Attended {
		if p := m.Participants[id]; p.Kind == eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL && p.Organisation == c.Organisation {
			return true
		}
	}
	return false
}
