package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	meetingsv1 "github.com/maillage/maillage/proto/maillage/meetings/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The coordinatrice sets a synthèse about the person with her, her mother
// and two partners; a partner answers for itself; the one outside her
// coordination sees the slot, not who it is about; an organisation
// neither invited nor in her coordination is refused; the meeting moves
// (answers asked again) and is cancelled; a discharged person has no
// meeting.
func TestMeetingOverGRPC(t *testing.T) {
	tr := newTerritory(t)
	ctx := ctxT(t)
	member, err := tr.coord.AddEntourageMember(ctx, &parcoursv1.AddEntourageMemberRequest{RequestId: "mother", PersonId: tr.person,
		DisplayName: "Sophie Durand", Relationship: "mère", Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY,
		Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE})
	mustNil(t, err)
	_, err = tr.coord.AssociatePartner(ctx, &parcoursv1.AssociatePartnerRequest{RequestId: "savs", PersonId: tr.person,
		OrganisationId: savsFINESS, DisplayName: "SAVS Émeraude", Mission: eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE})
	mustNil(t, err)
	api := meetingsv1.NewMeetingsServiceClient(tr.m.client(t, coordinatrice))
	starts := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	set, err := api.ScheduleMeeting(ctx, &meetingsv1.ScheduleMeetingRequest{RequestId: "synthese", Kind: eventsv1.MeetingKind_MEETING_KIND_SYNTHESE,
		PersonIds: []string{tr.person}, StartsAt: timestamppb.New(starts), EndsAt: timestamppb.New(starts.Add(2 * time.Hour)),
		Place: "PCPE, Rennes", Title: "Synthèse"})
	mustNil(t, err)
	again, err := api.ScheduleMeeting(ctx, &meetingsv1.ScheduleMeetingRequest{RequestId: "synthese", Kind: eventsv1.MeetingKind_MEETING_KIND_SYNTHESE,
		PersonIds: []string{tr.person}, StartsAt: timestamppb.New(starts), EndsAt: timestamppb.New(starts.Add(2 * time.Hour)),
		Place: "PCPE, Rennes", Title: "Synthèse"})
	mustNil(t, err)
	if again.GetMeetingId() != set.GetMeetingId() {
		t.Fatalf("a retried schedule set another meeting: %s, then %s", set.GetMeetingId(), again.GetMeetingId())
	}
	invite := func(id string, kind eventsv1.ParticipantKind, org, prof, member, name string) string {
		res, err := api.InviteParticipant(ctx, &meetingsv1.InviteParticipantRequest{RequestId: id, MeetingId: set.GetMeetingId(), Kind: kind,
			OrganisationId: org, ProfessionalId: prof, PersonId: map[bool]string{true: tr.person}[org == ""], EntourageMemberId: member, DisplayName: name})
		mustNil(t, err)
		return res.GetParticipantId()
	}
	herSeat := invite("her", eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON, "", "", "", "Léa")
	invite("mother", eventsv1.ParticipantKind_PARTICIPANT_KIND_ENTOURAGE, "", "", member.GetMemberId(), "Sophie Durand")
	savsSeat := invite("savs", eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL, savsFINESS, "cds-savs", "", "Cheffe de service du SAVS")
	invite("foyer", eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL, foyerFINESS, "cds-foyer", "", "Directeur du foyer")

	savs := meetingsv1.NewMeetingsServiceClient(tr.m.client(t, auth.Principal{Subject: "cds-savs", Organisation: savsFINESS, Role: auth.RoleProfessionnel}))
	_, err = savs.AnswerInvitation(ctx, &meetingsv1.AnswerInvitationRequest{RequestId: "yes", MeetingId: set.GetMeetingId(), ParticipantId: savsSeat,
		Answer: eventsv1.InvitationAnswer_INVITATION_ANSWER_ACCEPTED})
	mustNil(t, err)
	_, err = api.AnswerInvitation(ctx, &meetingsv1.AnswerInvitationRequest{RequestId: "for-savs", MeetingId: set.GetMeetingId(), ParticipantId: savsSeat,
		Answer: eventsv1.InvitationAnswer_INVITATION_ANSWER_DECLINED})
	wantCode(t, err, codes.PermissionDenied) // nobody answers for a partner

	mine, err := api.GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: set.GetMeetingId()})
	mustNil(t, err)
	if m := mine.GetMeeting(); len(m.GetPersonIds()) != 1 || m.GetPersonsWithheld() || len(m.GetParticipants()) != 4 || m.GetTitle() != "Synthèse" {
		t.Fatalf("the coordinatrice reads %v", m)
	}
	foyer := meetingsv1.NewMeetingsServiceClient(tr.m.client(t, auth.Principal{Subject: "cds-foyer", Organisation: foyerFINESS, Role: auth.RoleProfessionnel}))
	slot, err := foyer.GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: set.GetMeetingId()})
	mustNil(t, err)
	m := slot.GetMeeting()
	if len(m.GetPersonIds()) != 0 || !m.GetPersonsWithheld() || !m.GetScheduledAt().AsTime().Equal(starts) {
		t.Fatalf("the foyer, invited but outside her coordination, reads %v; want the slot, not who it is about", m)
	}
	for _, p := range m.GetParticipants() {
		if p.GetKind() != eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL && (p.GetPersonId() != "" || p.GetDisplayName() != "") {
			t.Fatalf("the foyer reads who she is through a participant: %v", p)
		}
	}
	_, err = foyer.AnswerInvitation(ctx, &meetingsv1.AnswerInvitationRequest{RequestId: "for-her", MeetingId: set.GetMeetingId(), ParticipantId: herSeat,
		Answer: eventsv1.InvitationAnswer_INVITATION_ANSWER_ACCEPTED})
	wantCode(t, err, codes.PermissionDenied)
	if strings.Contains(err.Error(), "Léa") {
		t.Fatalf("the refusal names her: %v", err)
	}
	outsider := meetingsv1.NewMeetingsServiceClient(tr.m.client(t, auth.Principal{Subject: "x", Organisation: "750000099", Role: auth.RoleCoordinateur}))
	_, err = outsider.GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: set.GetMeetingId()})
	wantCode(t, err, codes.PermissionDenied)
	_, err = outsider.CancelMeeting(ctx, &meetingsv1.CancelMeetingRequest{RequestId: "no", MeetingId: set.GetMeetingId(), Reason: "x"})
	wantCode(t, err, codes.PermissionDenied)

	trail, err := auditv1.NewAuditServiceClient(tr.m.client(t, coordinatrice)).ListDisclosures(ctx, &auditv1.ListDisclosuresRequest{PersonId: tr.person})
	mustNil(t, err)
	shown := map[string]int{}
	for _, r := range trail.GetRecords() {
		if d := r.GetDisclosed(); d.GetKind() == eventsv1.DisclosureKind_DISCLOSURE_KIND_MEETING {
			shown[d.GetActor().GetOrganisationId()]++
		}
	}
	if shown[coordinatrice.Organisation] != 1 || shown[foyerFINESS] != 0 {
		t.Fatalf("meeting disclosures in her audit trail, by organisation: %v; want the coordinatrice's one read, none for the foyer", shown)
	}

	// The SAVS's professional invited to another meeting an hour later:
	// flagged, on both.
	other, err := api.ScheduleMeeting(ctx, &meetingsv1.ScheduleMeetingRequest{RequestId: "other", Kind: eventsv1.MeetingKind_MEETING_KIND_REUNION_COORDINATION,
		PersonIds: []string{tr.person}, StartsAt: timestamppb.New(starts.Add(time.Hour)), EndsAt: timestamppb.New(starts.Add(3 * time.Hour)), Place: "PCPE"})
	mustNil(t, err)
	twice, err := api.InviteParticipant(ctx, &meetingsv1.InviteParticipantRequest{RequestId: "savs-again", MeetingId: other.GetMeetingId(),
		Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL, OrganisationId: savsFINESS, ProfessionalId: "cds-savs", DisplayName: "SAVS"})
	mustNil(t, err)
	if got := twice.GetDoubleBookedMeetingIds(); len(got) != 1 || got[0] != set.GetMeetingId() {
		t.Fatalf("double booking flagged at the invitation: %v; want the synthèse", got)
	}
	first, err := api.GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: set.GetMeetingId()})
	mustNil(t, err)
	for _, p := range first.GetMeeting().GetParticipants() {
		want := 0
		if p.GetParticipantId() == savsSeat {
			want = 1
		}
		if len(p.GetDoubleBookedMeetingIds()) != want {
			t.Fatalf("%s double booked %v", p.GetDisplayName(), p.GetDoubleBookedMeetingIds())
		}
	}
	_, err = api.CancelMeeting(ctx, &meetingsv1.CancelMeetingRequest{RequestId: "other-off", MeetingId: other.GetMeetingId(), Reason: "doublon"})
	mustNil(t, err)
	again2, err := api.GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: set.GetMeetingId()})
	mustNil(t, err)
	for _, p := range again2.GetMeeting().GetParticipants() {
		if len(p.GetDoubleBookedMeetingIds()) != 0 {
			t.Fatalf("a cancelled meeting still double books %s: %v", p.GetDisplayName(), p.GetDoubleBookedMeetingIds())
		}
	}

	_, err = api.RescheduleMeeting(ctx, &meetingsv1.RescheduleMeetingRequest{RequestId: "move", MeetingId: set.GetMeetingId(),
		StartsAt: timestamppb.New(starts.Add(24 * time.Hour)), EndsAt: timestamppb.New(starts.Add(26 * time.Hour)), Reason: "grève"})
	mustNil(t, err)
	moved, err := api.GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: set.GetMeetingId()})
	mustNil(t, err)
	for _, p := range moved.GetMeeting().GetParticipants() {
		if p.GetAnswer() != eventsv1.InvitationAnswer_INVITATION_ANSWER_UNSPECIFIED {
			t.Fatalf("after the move, %s still answers %v", p.GetDisplayName(), p.GetAnswer())
		}
	}
	if moved.GetMeeting().GetSequence() != 1 {
		t.Fatalf("sequence %d after a move, want 1", moved.GetMeeting().GetSequence())
	}
	// The foyer's calendar has the meeting, moved: the same UID, SEQUENCE
	// 1, and nobody's name but the professionals'.
	feed, err := foyer.GetCalendar(ctx, &meetingsv1.GetCalendarRequest{})
	mustNil(t, err)
	cal, err := ics.ParseCalendar(strings.NewReader(feed.GetIcs()))
	mustNil(t, err)
	if evs := cal.Events(); len(evs) != 1 || evs[0].Id() != set.GetMeetingId()+"@maillage" ||
		evs[0].GetProperty(ics.ComponentPropertySequence).Value != "1" || strings.Contains(feed.GetIcs(), tr.person) || strings.Contains(feed.GetIcs(), "Léa") {
		t.Fatalf("the foyer's calendar:\n%s", feed.GetIcs())
	}
	if none, err := outsider.GetCalendar(ctx, &meetingsv1.GetCalendarRequest{}); err != nil || strings.Contains(none.GetIcs(), "VEVENT") {
		t.Fatalf("an outsider's calendar: %v, %v", none.GetIcs(), err)
	}
	_, err = api.CancelMeeting(ctx, &meetingsv1.CancelMeetingRequest{RequestId: "cancel", MeetingId: set.GetMeetingId(), Reason: "hospitalisée"})
	mustNil(t, err)
	_, err = api.InviteParticipant(ctx, &meetingsv1.InviteParticipantRequest{RequestId: "late", MeetingId: set.GetMeetingId(),
		Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL, OrganisationId: "350000014", ProfessionalId: "p", DisplayName: "X"})
	wantCode(t, err, codes.FailedPrecondition)

	_, err = tr.coord.DischargePerson(ctx, &parcoursv1.DischargePersonRequest{RequestId: "out", PersonId: tr.person,
		Reason: eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN, DischargedOn: time.Now().Format(time.DateOnly)})
	mustNil(t, err)
	_, err = api.ScheduleMeeting(ctx, &meetingsv1.ScheduleMeetingRequest{RequestId: "after", Kind: eventsv1.MeetingKind_MEETING_KIND_SYNTHESE,
		PersonIds: []string{tr.person}, StartsAt: timestamppb.New(starts), EndsAt: timestamppb.New(starts.Add(time.Hour)), Place: "PCPE"})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = api.ScheduleMeeting(ctx, &meetingsv1.ScheduleMeetingRequest{RequestId: "bad", Kind: eventsv1.MeetingKind_MEETING_KIND_SYNTHESE,
		PersonIds: []string{tr.person}, StartsAt: timestamppb.New(starts), EndsAt: timestamppb.New(starts.Add(-time.Hour)), Place: "PCPE"})
	wantCode(t, err, codes.InvalidArgument)
}

// The Done-means of meetings: a synthèse with the person, her mother and
// two partners is held; the minutes say what was shared with whom (in
// her audit trail); its two decisions become actions of her plan, with
// their due dates and responsible actors.
func TestSynthesisDecisionsBecomeActions(t *testing.T) {
	ct := newClockedTerritory(t)
	ctx := ctxT(t)
	member, err := ct.coord.AddEntourageMember(ctx, &parcoursv1.AddEntourageMemberRequest{RequestId: "mother", PersonId: ct.person,
		DisplayName: "Sophie Durand", Relationship: "mère", Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY,
		Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE})
	mustNil(t, err)
	_, err = ct.coord.AssociatePartner(ctx, &parcoursv1.AssociatePartnerRequest{RequestId: "savs", PersonId: ct.person,
		OrganisationId: savsFINESS, DisplayName: "SAVS Émeraude", Mission: eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE})
	mustNil(t, err)
	due := ct.clk.Now().AddDate(0, 2, 0).Format(time.DateOnly)
	objective, err := ct.coord.SetObjective(ctx, &parcoursv1.SetObjectiveRequest{RequestId: "obj", PersonId: ct.person, NeedIds: []string{ct.need},
		Statement: "Participer à une activité de loisir en groupe chaque semaine", Indicator: "Séances par mois", DueDate: due})
	mustNil(t, err)

	api := meetingsv1.NewMeetingsServiceClient(ct.as(t, coordinatrice))
	starts := ct.clk.Now().Add(48 * time.Hour).Truncate(time.Hour)
	set, err := api.ScheduleMeeting(ctx, &meetingsv1.ScheduleMeetingRequest{RequestId: "synthese", Kind: eventsv1.MeetingKind_MEETING_KIND_SYNTHESE,
		PersonIds: []string{ct.person}, StartsAt: timestamppb.New(starts), EndsAt: timestamppb.New(starts.Add(2 * time.Hour)), Place: "PCPE, Rennes"})
	mustNil(t, err)
	seats := map[string]string{}
	for name, req := range map[string]*meetingsv1.InviteParticipantRequest{
		"her":    {Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON, PersonId: ct.person, DisplayName: "Léa"},
		"mother": {Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_ENTOURAGE, PersonId: ct.person, EntourageMemberId: member.GetMemberId(), DisplayName: "Sophie Durand"},
		"savs":   {Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL, OrganisationId: savsFINESS, ProfessionalId: "cds-savs", DisplayName: "SAVS"},
		"foyer":  {Kind: eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL, OrganisationId: foyerFINESS, ProfessionalId: "cds-foyer", DisplayName: "Foyer"},
	} {
		req.RequestId, req.MeetingId = name, set.GetMeetingId()
		res, err := api.InviteParticipant(ctx, req)
		mustNil(t, err)
		seats[name] = res.GetParticipantId()
	}
	_, err = api.HoldMeeting(ctx, &meetingsv1.HoldMeetingRequest{RequestId: "early", MeetingId: set.GetMeetingId()})
	wantCode(t, err, codes.FailedPrecondition) // not started

	ct.clk.Advance(49 * time.Hour) // the synthèse is under way
	api = meetingsv1.NewMeetingsServiceClient(ct.as(t, coordinatrice))
	_, err = api.HoldMeeting(ctx, &meetingsv1.HoldMeetingRequest{RequestId: "held", MeetingId: set.GetMeetingId(),
		AttendedParticipantIds: []string{seats["her"], seats["mother"], seats["savs"], seats["foyer"]}})
	mustNil(t, err)
	// The person consented to her identity and project being shared with
	// anyone (the territory's consent): the foyer, outside her
	// coordination, may be told her project; nobody may be told her health.
	_, err = api.RecordMinutes(ctx, &meetingsv1.RecordMinutesRequest{RequestId: "sante", MeetingId: set.GetMeetingId(), Summary: "x",
		Shares: []*meetingsv1.Share{{PersonId: ct.person, Categories: []eventsv1.InformationCategory{access.Sante}, ParticipantIds: []string{seats["foyer"]}}}})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = api.RecordMinutes(ctx, &meetingsv1.RecordMinutesRequest{RequestId: "minutes", MeetingId: set.GetMeetingId(),
		Summary: "Léa souhaite reprendre une activité de groupe ; le SAVS l'accompagnera, sa mère l'inscrira.",
		Shares: []*meetingsv1.Share{{PersonId: ct.person, Categories: []eventsv1.InformationCategory{access.Projet},
			ParticipantIds: []string{seats["savs"], seats["foyer"], seats["mother"]}}}})
	mustNil(t, err)
	decide := func(id, action string, who *eventsv1.Responsible, due string) {
		_, err := api.RecordDecision(ctx, &meetingsv1.RecordDecisionRequest{RequestId: id, MeetingId: set.GetMeetingId(), PersonId: ct.person,
			Statement: action, ObjectiveId: objective.GetObjectiveId(), ActionDescription: action, Responsible: who, DueDate: due})
		mustNil(t, err)
	}
	firstDue, secondDue := ct.clk.Now().AddDate(0, 0, 14).Format(time.DateOnly), ct.clk.Now().AddDate(0, 0, 21).Format(time.DateOnly)
	decide("d1", "Accompagner Léa à sa première séance au club", &eventsv1.Responsible{Who: &eventsv1.Responsible_PartnerId{PartnerId: savsFINESS},
		DisplayName: "SAVS Émeraude"}, firstDue)
	decide("d2", "Inscrire Léa au club de sport adapté", &eventsv1.Responsible{Who: &eventsv1.Responsible_EntourageMemberId{EntourageMemberId: member.GetMemberId()},
		DisplayName: "Sophie Durand"}, secondDue)

	coord := parcoursv1.NewParcoursServiceClient(ct.as(t, coordinatrice))
	var actions []*parcoursv1.Action
	waitFor(t, "the two actions in her plan", func() bool {
		view, err := coord.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: ct.person})
		if err != nil {
			return false
		}
		actions = nil
		for _, o := range view.GetView().GetPlan().GetObjectives() {
			actions = append(actions, o.GetActions()...)
		}
		return len(actions) == 2
	})
	view, err := coord.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: ct.person})
	mustNil(t, err)
	if ms := view.GetView().GetMeetings(); len(ms) != 1 || !ms[0].GetHeld() || len(ms[0].GetDecisions()) != 2 || ms[0].GetMeetingId() != set.GetMeetingId() {
		t.Fatalf("her view's meetings: %v; want the synthèse, held, with its two decisions", ms)
	}
	// The minutes tell her project: the SAVS, present and in her
	// coordination, reads them; the foyer, present but outside it, does
	// not (it was told what the minutes' shares say, no more).
	savsSees, err := meetingsv1.NewMeetingsServiceClient(ct.as(t, auth.Principal{Subject: "cds-savs", Organisation: savsFINESS,
		Role: auth.RoleProfessionnel})).GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: set.GetMeetingId()})
	mustNil(t, err)
	if !savsSees.GetMeeting().GetHeld() || !strings.Contains(savsSees.GetMeeting().GetMinutesSummary(), "activité de groupe") {
		t.Fatalf("the SAVS, present, reads %v", savsSees.GetMeeting())
	}
	foyerSees, err := meetingsv1.NewMeetingsServiceClient(ct.as(t, auth.Principal{Subject: "cds-foyer", Organisation: foyerFINESS,
		Role: auth.RoleProfessionnel})).GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: set.GetMeetingId()})
	mustNil(t, err)
	if foyerSees.GetMeeting().GetMinutesSummary() != "" {
		t.Fatalf("the foyer, outside her coordination, reads the minutes: %v", foyerSees.GetMeeting())
	}
	got := map[string]string{}
	for _, a := range actions {
		got[a.GetDescription()] = a.GetDueDate() + " " + a.GetResponsible().GetDisplayName()
	}
	if got["Accompagner Léa à sa première séance au club"] != firstDue+" SAVS Émeraude" || got["Inscrire Léa au club de sport adapté"] != secondDue+" Sophie Durand" {
		t.Fatalf("the plan's actions: %v", got)
	}

	trail, err := auditv1.NewAuditServiceClient(ct.as(t, coordinatrice)).ListDisclosures(ctx, &auditv1.ListDisclosuresRequest{PersonId: ct.person})
	mustNil(t, err)
	shared := map[string]string{}
	for _, r := range trail.GetRecords() {
		if d := r.GetDisclosed(); d.GetKind() == eventsv1.DisclosureKind_DISCLOSURE_KIND_MEETING && d.GetDetail() == "partagé en réunion "+set.GetMeetingId() {
			shared[d.GetActor().GetDisplayName()] = fmt.Sprint(d.GetCategories(), " ", d.GetLegalBasis())
		}
	}
	if len(shared) != 3 || shared["SAVS"] != "[INFORMATION_CATEGORY_PROJET_OBJECTIFS] LEGAL_BASIS_MISSION" ||
		shared["Foyer"] != "[INFORMATION_CATEGORY_PROJET_OBJECTIFS] LEGAL_BASIS_CONSENT" {
		t.Fatalf("what the audit says was shared in the meeting, by whom it was told to: %v", shared)
	}
}
