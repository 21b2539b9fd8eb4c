package notifications

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	"github.com/maillage/maillage/internal/projection/kv"
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
	log    *slog.Logger

	// Attempts run eight at a time, each on its own: an endpoint that
	// times out holds a slot, never the others' deliveries.
	slots    chan struct{}
	mu       sync.Mutex
	inFlight map[string]bool // endpoint/notification
	wg       sync.WaitGroup
}

// run delivers until ctx ends, once ready (the projection caught up).
func (d *deliverer) run(ctx context.Context, ready <-chan struct{}) error {
	d.slots, d.inFlight = make(chan struct{}, 8), map[string]bool{}
	defer d.wg.Wait()
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

// queued is a delivery where the queue holds it.
type queued struct {
	key []byte
	delivery
}

func (q queued) name() string { return q.Endpoint + "/" + q.Notification }

// deliverDue starts an attempt for each delivery due not in flight, while
// a slot is free.
func (d *deliverer) deliverDue(ctx context.Context) {
	due, err := d.due(d.now(), 256)
	if err != nil {
		d.log.Error("webhooks: deliveries due not read", "err", err)
		return
	}
	for _, q := range due {
		d.mu.Lock()
		busy := d.inFlight[q.name()]
		d.mu.Unlock()
		if busy {
			continue
		}
		select {
		case d.slots <- struct{}{}:
		default:
			return // all slots taken: the next round goes on
		}
		d.mu.Lock()
		d.inFlight[q.name()] = true
		d.mu.Unlock()
		d.wg.Add(1)
		go func() {
			defer func() {
				d.mu.Lock()
				delete(d.inFlight, q.name())
				d.mu.Unlock()
				<-d.slots
				d.wg.Done()
			}()
			if err := d.attempt(ctx, q); err != nil && ctx.Err() == nil {
				d.log.Error("webhooks: delivery not settled; will retry", "endpoint", q.Endpoint, "notification", q.Notification, "err", err)
			}
		}()
	}
}

func (d *deliverer) due(now time.Time, limit int) ([]queued, error) {
	var out []queued
	var bad error
	bound := string(queueKey(now, "", ""))
	err := d.hooks.db.Scan([]byte("q/"), nil, func(k, v []byte) bool {
		if string(k) > bound {
			return false
		}
		q := queued{key: append([]byte(nil), k...)}
		if bad = json.Unmarshal(v, &q.delivery); bad != nil {
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

// attempt sends one delivery, and settles its outcome: delivered (2xx),
// tried again later, or abandoned past the retries. A failure that is not
// the endpoint's (the audit, the store) is tried again later and counts
// no attempt.
func (d *deliverer) attempt(ctx context.Context, q queued) error {
	ep, ok, err := d.hooks.endpoint(q.Endpoint)
	if err != nil {
		return err
	}
	if !ok || ep.Removed {
		return d.settle(q, func(b *kv.Batch) error { return d.hooks.unqueue(b, q.Endpoint, q.Notification) }) // the endpoint went
	}
	n, err := q.note()
	if err != nil {
		return err
	}
	now := d.now()
	system := auth.Principal{Subject: "webhook:" + ep.ID, Organisation: ep.Org, Role: auth.RoleProfessionnel, Name: "système de l'organisation (webhook)"}
	shown, disclosure := present(d.teams, d.kit.Today(), access.CallerOf(system), n)
	if disclosure != nil {
		if err := d.kit.Disclosed(auth.WithPrincipal(ctx, system), *disclosure); err != nil {
			return d.later(q, q.delivery, now.Add(d.retry.First), fmt.Errorf("audit: %w", err))
		}
	}
	next := q.delivery
	if next.First.IsZero() {
		next.First = now
	}
	next.Attempts++
	sendErr := d.post(ctx, ep, n.GetNotificationId(), n.GetKind(), shown, now)
	switch {
	case sendErr == nil:
		if err := d.append(ctx, es.StreamName(WebhookCategory, ep.ID), "",
			&eventsv1.NotificationDelivered{NotificationId: q.Notification, Attempts: next.Attempts}); err != nil {
			return d.later(q, next, now.Add(d.retry.delay(next.Attempts)), err) // posted, not recorded: posted again later
		}
		return d.settle(q, func(b *kv.Batch) error { return d.hooks.unqueue(b, q.Endpoint, q.Notification) })
	case ctx.Err() != nil:
		return nil // stopping: it stays due
	}
	next.LastError = sendErr.Error()
	if now.Sub(next.First) >= d.retry.GiveUp {
		return d.abandon(ctx, ep, q, next, n)
	}
	return d.settle(q, func(b *kv.Batch) error { return d.hooks.queue(b, next, now.Add(d.retry.delay(next.Attempts))) })
}

// later puts the delivery back at at, and returns why.
func (d *deliverer) later(q queued, next delivery, at time.Time, why error) error {
	if err := d.settle(q, func(b *kv.Batch) error { return d.hooks.queue(b, next, at) }); err != nil {
		return errors.Join(why, err)
	}
	return why
}

// settle applies change to the queue if the delivery is still where the
// attempt took it: an event folded meanwhile (a resend, a removal) wins.
func (d *deliverer) settle(q queued, change func(b *kv.Batch) error) error {
	d.hooks.mu.Lock()
	defer d.hooks.mu.Unlock()
	cur, ok, err := d.hooks.db.Get([]byte("w/" + q.name()))
	if err != nil || !ok || string(cur) != string(q.key) {
		return err
	}
	b := d.hooks.db.NewBatch()
	if err := change(b); err != nil {
		b.Discard()
		return err
	}
	return b.Write()
}

// post POSTs what the organisation's system may see of the notification,
// signed.
func (d *deliverer) post(ctx context.Context, ep endpoint, id string, kind eventsv1.NotificationKind, shown *notificationsv1.Notification, now time.Time) error {
	data, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(shown)
	if err != nil {
		return err
	}
	body := fmt.Appendf(nil, `{"type":"notification.%s","timestamp":%q,"data":%s}`, kindWord(kind), now.UTC().Format(time.RFC3339), data)
	sig, err := Sign(ep.Secret, id, now, body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("content-type", "application/json")
	req.Header.Set("webhook-id", id)
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

// abandon tells the organisation (unless what was abandoned is itself
// such a notice) — first, so that a crash loses no notice: the notice's id,
// its request id, names the delivery and its first attempt, so a resend
// abandoned again is told again —, records the abandon, and moves the
// delivery to the dead letters.
func (d *deliverer) abandon(ctx context.Context, ep endpoint, q queued, next delivery, n *notificationsv1.Notification) error {
	if n.GetKind() != eventsv1.NotificationKind_NOTIFICATION_KIND_DELIVERY_ABANDONED {
		notice := &eventsv1.NotificationRaised{NotificationId: d.kit.IDFor("maillage-notification-abandoned-v1", ep.Org, fmt.Sprintf("%s/%d", q.name(), next.First.UnixNano())),
			RecipientOrganisationId: ep.Org, Kind: eventsv1.NotificationKind_NOTIFICATION_KIND_DELIVERY_ABANDONED,
			Severity: eventsv1.NotificationSeverity_NOTIFICATION_SEVERITY_CRITICAL, SubjectId: q.Notification,
			Summary: fmt.Sprintf("Une notification n'a pas pu être livrée à votre système (%s) après %d tentatives : %s. Elle est dans les lettres mortes, à renvoyer.",
				ep.URL, next.Attempts, next.LastError)}
		if err := d.append(ctx, es.StreamName(InboxCategory, ep.Org), notice.GetNotificationId(), notice); err != nil {
			return d.later(q, next, d.now().Add(d.retry.First), err)
		}
	}
	if err := d.append(ctx, es.StreamName(WebhookCategory, ep.ID), "", &eventsv1.NotificationDeliveryAbandoned{NotificationId: q.Notification,
		Attempts: next.Attempts, LastError: next.LastError}); err != nil {
		return d.later(q, next, d.now().Add(d.retry.First), err)
	}
	next.AbandonedAt = d.now()
	return d.settle(q, func(b *kv.Batch) error {
		if err := d.hooks.unqueue(b, q.Endpoint, q.Notification); err != nil {
			return err
		}
		return setJSON(b, "x/"+q.name(), next)
	})
}

func (d *deliverer) append(ctx context.Context, stream, requestID string, ev proto.Message) error {
	data, err := decider.Encode(ev)
	if err != nil {
		return err
	}
	_, err = d.store.Append(ctx, stream, es.Any, es.AppendRequest{Events: []es.EventData{data},
		Metadata: es.Metadata{Actor: serviceActor, Organisation: "maillage", RequestID: requestID, OccurredAt: d.now()}})
	return err
}
