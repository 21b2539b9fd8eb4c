package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The coordination's notifications from the command line: a risk raised
// is listed, counted, followed, and acknowledged.
func TestNotificationsCommands(t *testing.T) {
	dir, addr := startMaillaged(t)
	env := map[string]string{"MAILLAGE_DATA": dir, "MAILLAGE_ADDR": addr}
	coord := []string{"--as-org", "750000001", "--as-role", "coordinateur"}
	person := ok(t, env, &parcoursv1.EnrollPersonResponse{}, append([]string{"enroll", "--birth-date", "2004-05-01", "--commune", "35238",
		"--public", "disability", "--protection", "none"}, coord...)...).GetPersonId()
	ok(t, env, &parcoursv1.RaiseRuptureRiskResponse{}, append([]string{"raise-risk", person, "--kind", "loss-of-support",
		"--description", "La mère, aidante, hospitalisée", "--raised-on", time.Now().AddDate(0, 0, -1).Format(time.DateOnly)}, coord...)...)

	var listed *notificationsv1.ListNotificationsResponse
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		listed = ok(t, env, &notificationsv1.ListNotificationsResponse{}, append([]string{"notifications", "--unread"}, coord...)...)
		if len(listed.GetNotifications()) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(listed.GetNotifications()) != 1 || listed.GetNotifications()[0].GetPersonId() != person {
		t.Fatalf("notifications --unread = %v; want the risk raised", listed)
	}
	n := listed.GetNotifications()[0]
	if got := ok(t, env, &notificationsv1.GetUnreadCountResponse{}, append([]string{"unread"}, coord...)...); got.GetUnreadCount() != 1 {
		t.Fatalf("unread = %v, want 1", got)
	}

	// follow prints the inbox, one line each, until interrupted.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	execute(ctx, append([]string{"follow", "--after", "0"}, coord...), func(k string) string { return env[k] }, &out, &errOut)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	followed := &notificationsv1.Notification{}
	if len(lines) != 1 || protojson.Unmarshal([]byte(lines[0]), followed) != nil || followed.GetNotificationId() != n.GetNotificationId() {
		t.Fatalf("follow printed %q (stderr %q); want the one notification", out.String(), errOut.String())
	}

	ok(t, env, &notificationsv1.AcknowledgeNotificationResponse{}, append([]string{"ack", n.GetNotificationId()}, coord...)...)
	if got := ok(t, env, &notificationsv1.GetUnreadCountResponse{}, append([]string{"unread"}, coord...)...); got.GetUnreadCount() != 0 {
		t.Fatalf("unread after ack = %v, want 0", got)
	}
	if r := ctl(t, env, append([]string{"ack", "01JD0000000000000000000000"}, coord...)...); r.code == 0 || !strings.Contains(r.stderr, "NotFound") {
		t.Errorf("ack of no notification: exit %d, stderr %q", r.code, r.stderr)
	}

	// The organisation's system, registered by its administrateur.
	admin := []string{"--as-org", "750000001", "--as-role", "administrateur"}
	hook := ok(t, env, &notificationsv1.RegisterWebhookResponse{}, append([]string{"webhook", "add", "https://si.pcpe.example/maillage",
		"--description", "SI du PCPE"}, admin...)...)
	if !strings.HasPrefix(hook.GetSecret(), "whsec_") || hook.GetEndpointId() == "" {
		t.Fatalf("webhook add = %v", hook)
	}
	listed2 := ok(t, env, &notificationsv1.ListWebhooksResponse{}, append([]string{"webhook", "list"}, admin...)...)
	if len(listed2.GetWebhooks()) != 1 || listed2.GetWebhooks()[0].GetUrl() != "https://si.pcpe.example/maillage" {
		t.Fatalf("webhook list = %v", listed2)
	}
	ok(t, env, &notificationsv1.ListDeadLettersResponse{}, append([]string{"webhook", "dead-letters", hook.GetEndpointId()}, admin...)...)
	ok(t, env, &notificationsv1.RemoveWebhookResponse{}, append([]string{"webhook", "remove", hook.GetEndpointId(), "--reason", "changement de SI"}, admin...)...)
	if r := ctl(t, env, append([]string{"webhook", "add", "http://si.example/hook"}, admin...)...); r.code == 0 || !strings.Contains(r.stderr, "https") {
		t.Errorf("webhook add in clear: exit %d, stderr %q", r.code, r.stderr)
	}

	// The organisation's vigilance thresholds.
	ok(t, env, &parcoursv1.SetVigilanceThresholdsResponse{}, append([]string{"thresholds", "--set", "--transition-secured-days", "90"}, admin...)...)
	th := ok(t, env, &parcoursv1.GetVigilanceThresholdsResponse{}, append([]string{"thresholds"}, coord...)...)
	if th.GetEffective().GetTransitionSecuredDays() != 90 || th.GetEffective().GetRightsExpiringMonths() != 6 {
		t.Errorf("thresholds = %v; want 90 days for transitions, the default 6 months for rights", th)
	}
	if r := ctl(t, env, append([]string{"thresholds", "--set", "--answer-days", "0"}, admin...)...); r.code == 0 || !strings.Contains(r.stderr, "solicitation_answer_days") {
		t.Errorf("thresholds --answer-days 0: exit %d, stderr %q", r.code, r.stderr)
	}
}
