package notifications

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
)

// Retry is how the deliverer retries an endpoint that does not answer
// 2xx: after First, doubling to at most Max, each delay drawn in ±25%
// (jitter, so that retries of many notifications spread), until GiveUp
// after the first attempt; then the notification is abandoned into the
// dead letters, and the organisation told.
type Retry struct {
	First, Max, GiveUp time.Duration
	// Every is how often the deliverer looks for deliveries due.
	Every time.Duration
}

// DefaultRetry: 5 s, 10 s, 20 s… up to 6 h between attempts, for 3 days.
func DefaultRetry() Retry {
	return Retry{First: 5 * time.Second, Max: 6 * time.Hour, GiveUp: 72 * time.Hour, Every: time.Second}
}

// delay is the wait before attempt n+1 after n failed.
func (r Retry) delay(n uint32) time.Duration {
	d := r.First
	for i := uint32(1); i < n && d < r.Max; i++ {
		d *= 2
	}
	d = min(d, r.Max)
	return time.Duration(float64(d) * (0.75 + rand.Float64()/2))
}

// deliverer sends what is due to the endpoints.
type deliverer struct {
	hooks  *Webhooks
	store  es.Store
	kit    *kit.Kit
	teams  access.Teams
	client *http.Client
	retry  Retry
	now    func() time.Time
	idFor  func(kind, organisation, requestID string) string
	log    *slog.Logger
}

// run delivers until ctx ends, once ready (the projection caught up).
func (d *deliverer) run(ctx context.Context, ready <-chan struct{}) error {
	select {
	case <-ready:
	case <-ctx.Done():
		return nil
	}
	tick := time.NewTicker(d.retry.Every)
	defer tick.Stop()
	for {
		d.deliverDue(ctx)
		select {
		case <-d.hooks.wake:
		case <-tick.C:
		case <-ctx.Done():
			return nil
		}
	}
}

// deliverDue attempts the deliveries due, eight at a time.
func (d *deliverer) deliverDue(ctx context.Context) {
	due, err := d.due(d.now(), 256)
	if err != nil {
		d.log.Error("webhooks: deliveries due not read", "err", err)
		return
	}
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, q := range due {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := d.attempt(ctx, q); err != nil && ctx.Err() == nil {
				d.log.Error("webhooks: delivery not recorded; will retry", "endpoint", q.Endpoint, "notification", q.Notification, "err", err)
			}
		}()
	}
	wg.Wait()
}

func (d *deliverer) due(now time.Time, limit int) ([]delivery, error) {
	var out []delivery
	var bad error
	bound := string(queueKey(now, "", ""))
	err := d.hooks.db.Scan([]byte("q/"), nil, func(k, v []byte) bool {
		if string(k) > bound {
			return false
		}
		var q delivery
		if bad = json.Unmarshal(v, &q); bad != nil {
			return false
		}
		out = append(out, q)
		return len(out) < limit
	})
	if err == nil {
		err = bad
	}
	return out, err
}

// attempt sends one delivery, and records its outcome.
func (d *deliverer) attempt(ctx context.Context, q delivery) error {
	ep, ok, err := d.hooks.endpoint(q.Endpoint)
	if err != nil {
		return err
	}
	if !ok || ep.Removed {
		return d.drop(q) // the endpoint went
	}
	n, err := q.note()
	if err != nil {
		return err
	}
	now := d.now()
	if q.First.IsZero() {
		q.First = now
	}
	q.Attempts++
	sendErr := d.send(ctx, ep, n, now)
	switch {
	case sendErr == nil:
		return d.record(ctx, ep, &eventsv1.NotificationDelivered{NotificationId: q.Notification, Attempts: q.Attempts})
	case ctx.Err() != nil:
		return nil // stopping: it stays due
	case now.Sub(q.First) >= d.retry.GiveUp:
		return d.abandon(ctx, ep, q, n, sendErr)
	}
	q.LastError = sendErr.Error()
	d.hooks.mu.Lock()
	defer d.hooks.mu.Unlock()
	b := d.hooks.db.NewBatch()
	if err := d.hooks.queue(b, q, now.Add(d.retry.delay(q.Attempts))); err != nil {
		b.Discard()
		return err
	}
	return b.Write()
}

// send POSTs the notification as the organisation's system may see it
// now, signed; the disclosure is recorded before it leaves.
func (d *deliverer) send(ctx context.Context, ep endpoint, n *notificationsv1.Notification, now time.Time) error {
	system := auth.Principal{Subject: "webhook:" + ep.ID, Organisation: ep.Org, Role: auth.RoleProfessionnel, Name: "système de l'organisation (webhook)"}
	ctx = auth.WithPrincipal(ctx, system)
	shown, disclosure := present(d.teams, d.kit.Today(), access.CallerOf(system), n)
	if disclosure != nil {
		if err := d.kit.Disclosed(ctx, *disclosure); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	data, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(shown)
	if err != nil {
		return err
	}
	body := fmt.Appendf(nil, `{"type":"notification.%s","timestamp":%q,"data":%s}`, kindWord(n.GetKind()), now.UTC().Format(time.RFC3339), data)
	sig, err := Sign(ep.Secret, n.GetNotificationId(), now, body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("content-type", "application/json")
	req.Header.Set("webhook-id", n.GetNotificationId())
	req.Header.Set("webhook-timestamp", fmt.Sprint(now.Unix()))
	req.Header.Set("webhook-signature", sig)
	res, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("HTTP %d", res.StatusCode)
	}
	return nil
}

func kindWord(k eventsv1.NotificationKind) string {
	return strings.ToLower(strings.TrimPrefix(k.String(), "NOTIFICATION_KIND_"))
}

// abandon moves the delivery to the dead letters, and tells the
// organisation — unless what was abandoned is itself such a notice.
func (d *deliverer) abandon(ctx context.Context, ep endpoint, q delivery, n *notificationsv1.Notification, cause error) error {
	if err := d.record(ctx, ep, &eventsv1.NotificationDeliveryAbandoned{NotificationId: q.Notification, Attempts: q.Attempts,
		LastError: cause.Error()}); err != nil {
		return err
	}
	if n.GetKind() == eventsv1.NotificationKind_NOTIFICATION_KIND_DELIVERY_ABANDONED {
		return nil
	}
	notice := &eventsv1.NotificationRaised{NotificationId: d.idFor("maillage-notification-abandoned-v1", ep.Org, ep.ID+"/"+q.Notification),
		RecipientOrganisationId: ep.Org, Kind: eventsv1.NotificationKind_NOTIFICATION_KIND_DELIVERY_ABANDONED,
		Severity: eventsv1.NotificationSeverity_NOTIFICATION_SEVERITY_CRITICAL, SubjectId: q.Notification,
		Summary: fmt.Sprintf("Une notification n'a pas pu être livrée à votre système (%s) après %d tentatives : %s. Elle est dans les lettres mortes, à renvoyer.",
			ep.URL, q.Attempts, cause)}
	return d.append(ctx, es.StreamName(InboxCategory, ep.Org), notice.GetNotificationId(), notice)
}

// record appends an outcome to the endpoint's stream, and applies it to
// the queue at once (the projection applies it again when it comes).
func (d *deliverer) record(ctx context.Context, ep endpoint, outcome proto.Message) error {
	if err := d.append(ctx, es.StreamName(WebhookCategory, ep.ID), "", outcome); err != nil {
		return err
	}
	d.hooks.mu.Lock()
	defer d.hooks.mu.Unlock()
	b := d.hooks.db.NewBatch()
	var err error
	switch e := outcome.(type) {
	case *eventsv1.NotificationDelivered:
		err = d.hooks.unqueue(b, ep.ID, e.GetNotificationId())
	case *eventsv1.NotificationDeliveryAbandoned:
		var q delivery
		var ok bool
		if q, ok, err = d.hooks.queued(ep.ID, e.GetNotificationId()); err == nil && ok {
			q.Attempts, q.LastError, q.AbandonedAt = e.GetAttempts(), e.GetLastError(), d.now()
			if err = d.hooks.unqueue(b, ep.ID, e.GetNotificationId()); err == nil {
				err = setJSON(b, "x/"+ep.ID+"/"+e.GetNotificationId(), q)
			}
		}
	}
	if err != nil {
		b.Discard()
		return err
	}
	return b.Write()
}

func (d *deliverer) append(ctx context.Context, stream, requestID string, ev proto.Message) error {
	data, err := decider.Encode(ev)
	if err != nil {
		return err
	}
	_, err = d.store.Append(ctx, stream, es.Any, es.AppendRequest{Events: []es.EventData{data},
		Metadata: es.Metadata{Actor: router, Organisation: "maillage", RequestID: requestID, OccurredAt: d.now()}})
	return err
}

// drop forgets a delivery that has nowhere to go.
func (d *deliverer) drop(q delivery) error {
	d.hooks.mu.Lock()
	defer d.hooks.mu.Unlock()
	b := d.hooks.db.NewBatch()
	if err := d.hooks.unqueue(b, q.Endpoint, q.Notification); err != nil {
		b.Discard()
		return err
	}
	return b.Write()
}
