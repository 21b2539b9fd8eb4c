package meetings_test

import (
	"testing"
	"time"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/meetings"
)

var during = starts.Add(30 * time.Minute)

func held() *eventsv1.MeetingHeld {
	return &eventsv1.MeetingHeld{AttendedParticipantIds: []string{participant}}
}

func TestHoldMeeting(t *testing.T) {
	t.Parallel()
	hold := meetings.HoldMeeting{MeetingID: meetingID, Attended: []string{participant}}
	t.Run("held with who came, once it started", func(t *testing.T) {
		spec().Given(scheduled(), invited()).When(hold).At(during).Then(t, held())
	})
	t.Run("not before it starts", func(t *testing.T) {
		spec().Given(scheduled(), invited()).When(hold).ThenRefused(t, "meeting.not_started")
	})
	t.Run("someone not invited: invalid", func(t *testing.T) {
		spec().Given(scheduled()).When(hold).At(during).ThenInvalid(t, "attended_participant_ids")
	})
	t.Run("twice: refused", func(t *testing.T) {
		spec().Given(scheduled(), invited(), held()).When(hold).At(during).ThenRefused(t, "meeting.held")
	})
}

func TestRecordMinutes(t *testing.T) {
	t.Parallel()
	withSAVS := func() access.Team {
		t := coordinated().Team
		t.Partners = map[string]access.Partner{savs: {Organisation: savs, Mission: eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE,
			Categories: access.Of(access.Identite, access.Projet)}}
		return t
	}
	minutes := func(team access.Team, cats access.Categories) meetings.RecordMinutes {
		return meetings.RecordMinutes{MeetingID: meetingID, Summary: "Point sur le projet de Léa.", Teams: map[string]access.Team{person: team},
			Shares: []meetings.Share{{PersonID: person, Categories: cats, Participants: []string{participant}}}}
	}
	recorded := &eventsv1.MinutesRecorded{Summary: "Point sur le projet de Léa.", Shares: []*eventsv1.MeetingShare{{PersonId: person,
		Categories: []eventsv1.InformationCategory{access.Projet}, ParticipantIds: []string{participant}}}}
	t.Run("shared with a partner of her coordination within its part", func(t *testing.T) {
		spec().Given(scheduled(), invited(), held()).When(minutes(withSAVS(), access.Of(access.Projet))).At(during).Then(t, recorded)
	})
	t.Run("santé, to a professional not known to be a health professional: refused", func(t *testing.T) {
		team := withSAVS()
		team.Partners[savs] = access.Partner{Organisation: savs, Categories: access.Of(access.Identite, access.Projet, access.Sante)}
		spec().Given(scheduled(), invited(), held()).When(minutes(team, access.Of(access.Sante))).At(during).ThenRefused(t, "minutes.sharing_not_allowed")
	})
	t.Run("beyond its part: refused", func(t *testing.T) {
		spec().Given(scheduled(), invited(), held()).When(minutes(withSAVS(), access.Of(access.Sante))).At(during).
			ThenRefused(t, "minutes.sharing_not_allowed")
	})
	t.Run("outside her coordination: only under her consent", func(t *testing.T) {
		spec().Given(scheduled(), invited(), held()).When(minutes(coordinated().Team, access.Of(access.Projet))).At(during).
			ThenRefused(t, "minutes.sharing_not_allowed")
		consented := coordinated().Team
		consented.Consents = map[string]access.Consent{"C1": {ID: "C1", Categories: access.Of(access.Projet), Organisation: savs}}
		spec().Given(scheduled(), invited(), held()).When(minutes(consented, access.Of(access.Projet))).At(during).Then(t, recorded)
	})
	t.Run("never against her opposition", func(t *testing.T) {
		opposed := withSAVS()
		opposed.Oppositions = map[string]access.Opposition{"O1": {ID: "O1", Categories: access.Of(access.Projet), Organisation: savs}}
		spec().Given(scheduled(), invited(), held()).When(minutes(opposed, access.Of(access.Projet))).At(during).ThenRefused(t, "minutes.opposed")
	})
	t.Run("with someone absent: invalid", func(t *testing.T) {
		spec().Given(scheduled(), invited(), &eventsv1.MeetingHeld{}).When(minutes(withSAVS(), access.Of(access.Projet))).At(during).
			ThenInvalid(t, "shares.participant_ids")
	})
	t.Run("before it was held: refused", func(t *testing.T) {
		spec().Given(scheduled(), invited()).When(minutes(withSAVS(), access.Of(access.Projet))).At(during).ThenRefused(t, "meeting.not_held")
	})
}

func TestRecordDecision(t *testing.T) {
	t.Parallel()
	responsible := &eventsv1.Responsible{Who: &eventsv1.Responsible_PartnerId{PartnerId: savs}, DisplayName: "SAVS Émeraude"}
	decision := meetings.RecordDecision{MeetingID: meetingID, PersonID: person, Statement: "Le SAVS accompagne Léa au club.",
		ObjectiveID: "OBJ1", Action: "Accompagner Léa à sa première séance", Responsible: responsible, DueDate: "2026-12-15", ObjectiveOpen: true}
	t.Run("becomes an action with a responsible and a due date", func(t *testing.T) {
		decidertest.New(meetings.Meeting, decidertest.IDs("DEC1")).Given(scheduled(), invited(), held()).When(decision).At(during).
			Then(t, &eventsv1.DecisionRecorded{DecisionId: "DEC1", PersonId: person, Statement: decision.Statement, ObjectiveId: "OBJ1",
				ActionDescription: decision.Action, Responsible: responsible, DueDate: "2026-12-15"})
	})
	for _, tc := range []struct {
		name  string
		edit  func(*meetings.RecordDecision)
		field string
	}{
		{"about someone else", func(c *meetings.RecordDecision) { c.PersonID = other }, "person_id"},
		{"no statement", func(c *meetings.RecordDecision) { c.Statement = "" }, "statement"},
		{"no action", func(c *meetings.RecordDecision) { c.Action = "" }, "action_description"},
		{"nobody responsible", func(c *meetings.RecordDecision) { c.Responsible = nil }, "responsible"},
		{"a partner with no number", func(c *meetings.RecordDecision) {
			c.Responsible = &eventsv1.Responsible{Who: &eventsv1.Responsible_PartnerId{}, DisplayName: "x"}
		}, "responsible"},
		{"the person, not", func(c *meetings.RecordDecision) {
			c.Responsible = &eventsv1.Responsible{Who: &eventsv1.Responsible_Person{}, DisplayName: "x"}
		}, "responsible"},
		{"due in the past", func(c *meetings.RecordDecision) { c.DueDate = "2026-11-01" }, "due_date"},
		{"no open objective", func(c *meetings.RecordDecision) { c.ObjectiveOpen = false }, "objective_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := decision
			tc.edit(&c)
			spec().Given(scheduled(), invited(), held()).When(c).At(during).ThenInvalid(t, tc.field)
		})
	}
	t.Run("before it was held: refused", func(t *testing.T) {
		spec().Given(scheduled(), invited()).When(decision).At(during).ThenRefused(t, "meeting.not_held")
	})
	t.Run("about a person who left since: refused", func(t *testing.T) {
		gone := decision
		gone.Discharged = true
		spec().Given(scheduled(), invited(), held()).When(gone).At(during).ThenRefused(t, "meeting.person_discharged")
	})
}
