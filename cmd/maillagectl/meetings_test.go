package main

import (
	"strings"
	"testing"
	"time"

	meetingsv1 "github.com/maillage/maillage/proto/maillage/meetings/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// Meetings from the command line: a synthèse set, people invited, a
// partner answering for itself, moved, in the calendar, cancelled.
func TestMeetingCommands(t *testing.T) {
	dir, addr := startMaillaged(t)
	env := map[string]string{"MAILLAGE_DATA": dir, "MAILLAGE_ADDR": addr}
	coord := []string{"--as-org", "750000001", "--as-role", "coordinateur"}
	person := ok(t, env, &parcoursv1.EnrollPersonResponse{}, append([]string{"enroll", "--birth-date", "2004-05-01", "--commune", "35238",
		"--public", "disability", "--protection", "none"}, coord...)...).GetPersonId()
	at := func(d time.Duration) string { return time.Now().Add(d).Truncate(time.Hour).Format(time.RFC3339) }
	set := ok(t, env, &meetingsv1.ScheduleMeetingResponse{}, append([]string{"meeting", "schedule", person, "--kind", "synthese",
		"--starts", at(48 * time.Hour), "--ends", at(50 * time.Hour), "--place", "PCPE, Rennes", "--title", "Synthèse"}, coord...)...)
	seat := ok(t, env, &meetingsv1.InviteParticipantResponse{}, append([]string{"meeting", "invite", set.GetMeetingId(),
		"--professional", "350041315:cds-savs", "--name", "SAVS"}, coord...)...).GetParticipantId()
	ok(t, env, &meetingsv1.InviteParticipantResponse{}, append([]string{"meeting", "invite", set.GetMeetingId(), "--person", person, "--name", "Léa"}, coord...)...)
	ok(t, env, &meetingsv1.AnswerInvitationResponse{}, "meeting", "answer", set.GetMeetingId(), seat, "--answer", "accepted",
		"--as-org", "350041315", "--as-role", "professionnel", "--as-subject", "cds-savs")
	ok(t, env, &meetingsv1.RescheduleMeetingResponse{}, append([]string{"meeting", "move", set.GetMeetingId(), "--starts", at(72 * time.Hour),
		"--ends", at(74 * time.Hour), "--reason", "grève"}, coord...)...)
	got := ok(t, env, &meetingsv1.GetMeetingResponse{}, append([]string{"meeting", "get", set.GetMeetingId()}, coord...)...)
	if m := got.GetMeeting(); m.GetSequence() != 1 || len(m.GetParticipants()) != 2 || len(m.GetPersonIds()) != 1 {
		t.Fatalf("meeting get = %v", m)
	}
	cal := ctl(t, env, append([]string{"meeting", "calendar"}, coord...)...)
	if cal.code != 0 || !strings.Contains(cal.stdout, "BEGIN:VEVENT") || !strings.Contains(cal.stdout, "UID:"+set.GetMeetingId()+"@maillage") ||
		!strings.Contains(cal.stdout, "SEQUENCE:1") {
		t.Fatalf("meeting calendar: exit %d, stdout %q, stderr %q", cal.code, cal.stdout, cal.stderr)
	}
	ok(t, env, &meetingsv1.CancelMeetingResponse{}, append([]string{"meeting", "cancel", set.GetMeetingId(), "--reason", "hospitalisée"}, coord...)...)
	if r := ctl(t, env, append([]string{"meeting", "minutes", set.GetMeetingId(), "--summary", "x", "--share", "bad"}, coord...)...); r.code == 0 ||
		!strings.Contains(r.stderr, "PERSON:CATEGORIES:PARTICIPANTS") {
		t.Errorf("minutes with a bad share: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := ctl(t, env, append([]string{"meeting", "schedule", person, "--kind", "synthese", "--starts", "demain", "--ends", at(time.Hour)}, coord...)...); r.code == 0 ||
		!strings.Contains(r.stderr, "RFC") && !strings.Contains(r.stderr, "2027-01-12") {
		t.Errorf("schedule with a bad time: exit %d, stderr %q", r.code, r.stderr)
	}
}
