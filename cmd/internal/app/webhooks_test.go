package app_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/natsembed"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
	"github.com/maillage/maillage/services/notifications"
)

// receiver is an ESSMS system's webhook endpoint, as its developers
// would write it: it verifies each delivery's signature, processes each
// notification id once (the id is the idempotency key), and answers
// 503 while it is down.
type receiver struct {
	mu        sync.Mutex
	secret    string
	down      bool
	processed map[string]int // notification id → times processed
	acked     map[string]int // notification id → times answered 2xx
	received  int            // deliveries that reached it, verified
	types     map[string]string
	forged    int
}

func newReceiver(t *testing.T) (*receiver, *httptest.Server) {
	r := &receiver{processed: map[string]int{}, acked: map[string]int{}, types: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	return r, srv
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if err := notifications.Verify(r.secret, req.Header, body, time.Now(), 5*time.Minute); err != nil {
		r.forged++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	r.received++
	var payload struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(body, &payload)
	id := req.Header.Get("webhook-id")
	if r.processed[id] == 0 { // already processed: acknowledged, not processed again
		r.processed[id] = 1
		r.types[id] = payload.Type
	}
	r.acked[id]++
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) set(down bool) { r.mu.Lock(); r.down = down; r.mu.Unlock() }

func (r *receiver) snapshot() (processed map[string]int, received, forged int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.processed {
		out[k] = v
	}
	return out, r.received, r.forged
}

// A receiver that fails, then recovers, gets every notification of the
// organisation, signed, each id processed once; one that fails past the
// retries finds it in the dead letters, is told it was abandoned, and
// gets it on a resend.
func TestWebhooksDeliverEveryNotificationOnceByID(t *testing.T) {
	dir := t.TempDir()
	cfg := app.Config{DataDir: dir, Now: time.Now, Sync: natsembed.SyncInterval,
		WebhookRetry: notifications.Retry{First: 20 * time.Millisecond, Max: 80 * time.Millisecond, GiveUp: 2 * time.Second, Every: 20 * time.Millisecond}}
	m := startConfig(t, cfg)
	tr := &territory{m: m}
	cc := m.client(t, coordinatrice)
	waitServing(t, cc, partnersv1.PartnersService_ServiceDesc.ServiceName)
	tr.coord, tr.partners = parcoursv1.NewParcoursServiceClient(cc), partnersv1.NewPartnersServiceClient(cc)
	tr.populate(t)
	admin := notificationsv1.NewNotificationsServiceClient(m.client(t, auth.Principal{Subject: "admin", Organisation: coordinatrice.Organisation,
		Role: auth.RoleAdministrateur}))
	ctx := ctxT(t)

	_, err := notificationsv1.NewNotificationsServiceClient(cc).RegisterWebhook(ctx, &notificationsv1.RegisterWebhookRequest{RequestId: "si",
		Url: "http://127.0.0.1:1/hook"})
	wantCode(t, err, codes.PermissionDenied) // a coordinatrice does not configure the organisation
	_, err = admin.RegisterWebhook(ctx, &notificationsv1.RegisterWebhookRequest{RequestId: "si", Url: "http://essms.example/hook"})
	wantCode(t, err, codes.InvalidArgument) // in clear beyond this machine

	rec, srv := newReceiver(t)
	reg, err := admin.RegisterWebhook(ctx, &notificationsv1.RegisterWebhookRequest{RequestId: "si", Url: srv.URL + "/maillage", Description: "SI du PCPE"})
	mustNil(t, err)
	again, err := admin.RegisterWebhook(ctx, &notificationsv1.RegisterWebhookRequest{RequestId: "si", Url: srv.URL + "/maillage", Description: "SI du PCPE"})
	mustNil(t, err)
	if again.GetEndpointId() != reg.GetEndpointId() || again.GetSecret() != reg.GetSecret() {
		t.Fatalf("a retried registration answered %v, first %v", again, reg)
	}
	rec.secret = reg.GetSecret()
	rec.set(true)

	raise := func(n int) {
		_, err := tr.coord.RaiseRuptureRisk(ctx, &parcoursv1.RaiseRuptureRiskRequest{RequestId: fmt.Sprintf("risk-%d", n), PersonId: tr.person,
			Kind: eventsv1.RuptureKind_RUPTURE_KIND_OTHER, Description: fmt.Sprintf("risque %d", n), RaisedOn: time.Now().Format(time.DateOnly)})
		mustNil(t, err)
	}
	for n := range 5 {
		raise(n)
	}
	inbox := inboxOf(t, admin, 5)
	time.Sleep(300 * time.Millisecond) // a few retries while it is down
	rec.set(false)
	want := map[string]bool{}
	for _, n := range inbox {
		want[n.GetNotificationId()] = true
	}
	waitFor(t, "every notification delivered", func() bool {
		got, _, _ := rec.snapshot()
		return len(got) == len(want)
	})
	got, received, forged := rec.snapshot()
	for id := range want {
		if got[id] != 1 {
			t.Errorf("notification %s processed %d times, want once", id, got[id])
		}
	}
	rec.mu.Lock()
	for id := range want {
		if rec.types[id] != "notification.rupture_risk_raised" {
			t.Errorf("notification %s delivered as %q, want notification.rupture_risk_raised", id, rec.types[id])
		}
		// At least once; with no crash in between, once: an acknowledged
		// delivery is never sent again.
		if rec.acked[id] != 1 {
			t.Errorf("notification %s acknowledged %d times, want once", id, rec.acked[id])
		}
	}
	rec.mu.Unlock()
	if forged != 0 || received < len(want) {
		t.Errorf("received %d verified deliveries (%d refused as forged) for %d notifications", received, forged, len(want))
	}
	waitFor(t, "nothing pending", func() bool {
		hooks, err := admin.ListWebhooks(ctx, &notificationsv1.ListWebhooksRequest{})
		return err == nil && len(hooks.GetWebhooks()) == 1 && hooks.GetWebhooks()[0].GetPending() == 0
	})

	// Down past the retries: abandoned, told, resent.
	rec.set(true)
	raise(5)
	var dead *notificationsv1.ListDeadLettersResponse
	waitFor(t, "the notification abandoned", func() bool {
		dead, err = admin.ListDeadLetters(ctx, &notificationsv1.ListDeadLettersRequest{EndpointId: reg.GetEndpointId()})
		return err == nil && len(dead.GetDeadLetters()) == 1
	})
	abandoned := dead.GetDeadLetters()[0]
	// The administrateur configures the organisation's systems; it reads
	// no one's file: the dead letter is withheld from it.
	if abandoned.GetAttempts() < 2 || abandoned.GetLastError() != "HTTP 503" || !abandoned.GetNotification().GetWithheld() ||
		abandoned.GetNotification().GetPersonId() != "" || abandoned.GetNotification().GetCursor() == 0 {
		t.Fatalf("dead letter %v", abandoned)
	}
	told := inboxOf(t, admin, 7)[0]
	if told.GetKind() != eventsv1.NotificationKind_NOTIFICATION_KIND_DELIVERY_ABANDONED ||
		told.GetSubjectId() != abandoned.GetNotification().GetNotificationId() {
		t.Fatalf("the organisation is told %v; want the delivery abandoned", told)
	}
	rec.set(false)
	resent, err := admin.ResendDeadLetters(ctx, &notificationsv1.ResendDeadLettersRequest{EndpointId: reg.GetEndpointId()})
	mustNil(t, err)
	if resent.GetResent() != 1 {
		t.Fatalf("resent %d, want 1", resent.GetResent())
	}
	waitFor(t, "the resent one and the notice delivered", func() bool {
		got, _, _ := rec.snapshot()
		return got[abandoned.GetNotification().GetNotificationId()] == 1 && got[told.GetNotificationId()] == 1
	})
	if got, _, _ := rec.snapshot(); len(got) != 7 {
		t.Fatalf("processed %d notifications, want the 7 of the inbox", len(got))
	}
	_, err = admin.ListDeadLetters(ctx, &notificationsv1.ListDeadLettersRequest{EndpointId: "01JD0000000000000000000000"})
	wantCode(t, err, codes.NotFound)

	// Each delivery that showed the person is in her audit trail, as the
	// organisation's system.
	trail, err := auditv1.NewAuditServiceClient(cc).ListDisclosures(ctx, &auditv1.ListDisclosuresRequest{PersonId: tr.person})
	mustNil(t, err)
	delivered := 0
	for _, r := range trail.GetRecords() {
		if d := r.GetDisclosed(); d.GetKind() == eventsv1.DisclosureKind_DISCLOSURE_KIND_NOTIFICATION && d.GetActor().GetSubject() == "webhook:"+reg.GetEndpointId() {
			delivered++
		}
	}
	if delivered < 6 {
		t.Errorf("%d webhook deliveries in the audit trail, want one per attempt at least for the 6 risks", delivered)
	}

	// Removed, its request id registers nothing again.
	_, err = admin.RemoveWebhook(ctx, &notificationsv1.RemoveWebhookRequest{EndpointId: reg.GetEndpointId(), Reason: "changement de SI"})
	mustNil(t, err)
	_, err = admin.RegisterWebhook(ctx, &notificationsv1.RegisterWebhookRequest{RequestId: "si", Url: srv.URL + "/maillage", Description: "SI du PCPE"})
	wantCode(t, err, codes.FailedPrecondition)
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
