package notifications

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
)

// WebhookCategory is the category of the endpoints' streams,
// "webhook-<endpoint>": its registration, removal, and the outcome of
// each delivery.
const WebhookCategory = "webhook"

// Webhooks is the projection of the endpoints and their delivery queues:
// a notification raised in an inbox is queued for each endpoint of the
// organisation (from its registration on); the deliverer (deliverer.go)
// takes what is due, and records each outcome as an event, which this
// projection folds too — so a rebuild queues again only what was neither
// delivered nor abandoned.
//
// Keys:
//
//	e/<endpoint>                        the endpoint (JSON)
//	o/<org>/<endpoint>                  the organisation's endpoints
//	q/<due ns>/<endpoint>/<notification> a delivery due (JSON)
//	w/<endpoint>/<notification>         its q/ key
//	x/<endpoint>/<notification>         a dead letter (JSON)
//	n/<notification>                    seen: a notification raised again is not queued again
type Webhooks struct {
	db    *kv.DB
	codec *decider.Codec
	mu    sync.Mutex // the deliverer's writes and the projection's meet on w/ and q/
	wake  chan struct{}
}

var _ projection.Projection = (*Webhooks)(nil)

func newWebhooks(db *kv.DB, codec *decider.Codec) *Webhooks {
	return &Webhooks{db: db, codec: codec, wake: make(chan struct{}, 1)}
}

// Name is the projection's durable name.
func (w *Webhooks) Name() string { return "notifications-webhooks-v1" }

// Filter selects the inboxes' and the endpoints' events.
func (w *Webhooks) Filter() es.Filter {
	return es.Filter{Categories: []string{InboxCategory, WebhookCategory}}
}

// Position is where it stands.
func (w *Webhooks) Position() (es.Position, error) { return w.db.Position() }

// Close closes its store.
func (w *Webhooks) Close() error { return w.db.Close() }

// endpoint is a registered endpoint.
type endpoint struct {
	ID          string `json:"id"`
	Org         string `json:"org"`
	URL         string `json:"url"`
	Secret      string `json:"secret"`
	Description string `json:"description,omitempty"`
	Removed     bool   `json:"removed,omitempty"`
}

// delivery is a notification to deliver to an endpoint.
type delivery struct {
	Endpoint     string `json:"endpoint"`
	Notification string `json:"notification"`
	Org          string `json:"org"`
	// Note is the notification as raised (notificationsv1.Notification,
	// binary): the delivery needs nothing else.
	Note        []byte    `json:"note"`
	Attempts    uint32    `json:"attempts"`
	First       time.Time `json:"first,omitzero"` // the first attempt
	LastError   string    `json:"last_error,omitempty"`
	AbandonedAt time.Time `json:"abandoned_at,omitzero"`
}

func queueKey(due time.Time, endpoint, notification string) []byte {
	n := int64(0)
	if !due.IsZero() {
		n = due.UnixNano()
	}
	return fmt.Appendf(nil, "q/%020d/%s/%s", n, endpoint, notification)
}

// ApplyBatch registers and removes endpoints, queues each notification
// raised for the organisation's endpoints, and folds the outcomes.
func (w *Webhooks) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var skipped []es.RecordedEvent
	for _, ev := range evs {
		payload, err := w.codec.Decode(ev)
		if err != nil {
			skipped = append(skipped, ev)
			continue
		}
		batch := w.db.NewBatch()
		if err := w.apply(batch, ev, payload); err != nil {
			batch.Discard()
			return nil, err
		}
		// Each event's changes are read by the next (a registration, then
		// a notification): written one by one, the position with the last.
		if err := batch.Write(); err != nil {
			return nil, err
		}
	}
	b := w.db.NewBatch()
	if err := b.Commit(evs[len(evs)-1].Position); err != nil {
		return nil, err
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return skipped, nil
}

func (w *Webhooks) apply(b *kv.Batch, ev es.RecordedEvent, payload proto.Message) error {
	if org, ok := strings.CutPrefix(ev.Stream, InboxCategory+"-"); ok {
		if e, ok := payload.(*eventsv1.NotificationRaised); ok {
			if _, seen, err := w.db.Get([]byte("n/" + e.GetNotificationId())); err != nil || seen {
				return err // raised again (a router replayed past the store's dedupe window): delivered once
			}
			if err := b.Set([]byte("n/"+e.GetNotificationId()), nil); err != nil {
				return err
			}
			note, err := proto.Marshal(notificationOf(e, uint64(ev.Version), decider.EventOf(ev, e).OccurredAt))
			if err != nil {
				return err
			}
			return w.queueForEndpoints(b, delivery{Org: org, Notification: e.GetNotificationId(), Note: note})
		}
		return nil
	}
	id, ok := strings.CutPrefix(ev.Stream, WebhookCategory+"-")
	if !ok {
		return nil
	}
	switch e := payload.(type) {
	case *eventsv1.WebhookRegistered:
		ep := endpoint{ID: id, Org: e.GetOrganisationId(), URL: e.GetUrl(), Secret: e.GetSecret(), Description: e.GetDescription()}
		if err := setJSON(b, "e/"+id, ep); err != nil {
			return err
		}
		return b.Set([]byte("o/"+ep.Org+"/"+id), nil)
	case *eventsv1.WebhookRemoved:
		ep, ok, err := w.endpoint(id)
		if err != nil || !ok {
			return err
		}
		ep.Removed = true
		if err := setJSON(b, "e/"+id, ep); err != nil {
			return err
		}
		return b.Delete([]byte("o/" + ep.Org + "/" + id))
	case *eventsv1.NotificationDelivered:
		return w.unqueue(b, id, e.GetNotificationId())
	case *eventsv1.NotificationDeliveryAbandoned:
		d, ok, err := w.queued(id, e.GetNotificationId())
		if err != nil || !ok {
			return err
		}
		d.Attempts, d.LastError, d.AbandonedAt = e.GetAttempts(), e.GetLastError(), decider.EventOf(ev, e).OccurredAt
		if err := w.unqueue(b, id, e.GetNotificationId()); err != nil {
			return err
		}
		return setJSON(b, "x/"+id+"/"+e.GetNotificationId(), d)
	case *eventsv1.DeliveriesResent:
		for _, n := range e.GetNotificationIds() {
			d, ok, err := getJSON[delivery](w.db, "x/"+id+"/"+n)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if err := b.Delete([]byte("x/" + id + "/" + n)); err != nil {
				return err
			}
			if err := w.queue(b, delivery{Endpoint: id, Notification: n, Org: d.Org, Note: d.Note}, time.Time{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// queueForEndpoints queues d for each endpoint of its organisation.
func (w *Webhooks) queueForEndpoints(b *kv.Batch, d delivery) error {
	eps, err := w.db.Suffixes([]byte("o/" + d.Org + "/"))
	if err != nil {
		return err
	}
	for _, ep := range eps {
		d.Endpoint = ep
		if err := w.queue(b, d, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

// queue puts d due at due (zero: now), replacing its previous place.
func (w *Webhooks) queue(b *kv.Batch, d delivery, due time.Time) error {
	if err := w.unqueue(b, d.Endpoint, d.Notification); err != nil {
		return err
	}
	key := queueKey(due, d.Endpoint, d.Notification)
	if err := setJSON(b, string(key), d); err != nil {
		return err
	}
	return b.Set([]byte("w/"+d.Endpoint+"/"+d.Notification), key)
}

func (w *Webhooks) unqueue(b *kv.Batch, endpoint, notification string) error {
	key, ok, err := w.db.Get([]byte("w/" + endpoint + "/" + notification))
	if err != nil || !ok {
		return err
	}
	if err := b.Delete(key); err != nil {
		return err
	}
	return b.Delete([]byte("w/" + endpoint + "/" + notification))
}

func (w *Webhooks) queued(endpoint, notification string) (delivery, bool, error) {
	key, ok, err := w.db.Get([]byte("w/" + endpoint + "/" + notification))
	if err != nil || !ok {
		return delivery{}, false, err
	}
	return getJSON[delivery](w.db, string(key))
}

func (w *Webhooks) endpoint(id string) (endpoint, bool, error) {
	return getJSON[endpoint](w.db, "e/"+id)
}

// Endpoints returns the organisation's endpoints, removed ones left out.
func (w *Webhooks) Endpoints(org string) ([]endpoint, error) {
	ids, err := w.db.Suffixes([]byte("o/" + org + "/"))
	if err != nil {
		return nil, err
	}
	var out []endpoint
	for _, id := range ids {
		if ep, ok, err := w.endpoint(id); err != nil {
			return nil, err
		} else if ok && !ep.Removed {
			out = append(out, ep)
		}
	}
	return out, nil
}

// counts returns how many deliveries wait for an endpoint, and how many
// were abandoned.
func (w *Webhooks) counts(endpoint string) (pending, dead uint64, err error) {
	count := func(prefix string, n *uint64) error {
		return w.db.Scan([]byte(prefix), nil, func(_, _ []byte) bool { *n++; return true })
	}
	if err = count("w/"+endpoint+"/", &pending); err == nil {
		err = count("x/"+endpoint+"/", &dead)
	}
	return pending, dead, err
}

// note is the notification a delivery carries.
func (d delivery) note() (*notificationsv1.Notification, error) {
	n := &notificationsv1.Notification{}
	if err := proto.Unmarshal(d.Note, n); err != nil {
		return nil, fmt.Errorf("notifications: delivery of %s: %w", d.Notification, err)
	}
	return n, nil
}

// deadLetters returns an endpoint's dead letters after the notification
// id after (empty: from the first), by notification id, at most limit
// (0: all).
func (w *Webhooks) deadLetters(endpoint, after string, limit int) ([]delivery, error) {
	var out []delivery
	var bad error
	var from []byte
	if after != "" {
		from = []byte("x/" + endpoint + "/" + after)
	}
	err := w.db.Scan([]byte("x/"+endpoint+"/"), from, func(_, v []byte) bool {
		var d delivery
		if bad = json.Unmarshal(v, &d); bad != nil {
			return false
		}
		out = append(out, d)
		return limit == 0 || len(out) < limit
	})
	if err == nil {
		err = bad
	}
	return out, err
}

func setJSON(b *kv.Batch, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Set([]byte(key), raw)
}

func getJSON[V any](db *kv.DB, key string) (V, bool, error) {
	var v V
	raw, ok, err := db.Get([]byte(key))
	if err != nil || !ok {
		return v, false, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, false, fmt.Errorf("notifications: %s: %w", key, err)
	}
	return v, true, nil
}
