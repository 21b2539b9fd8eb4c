package notifications

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
)

// InboxCategory is the category of the inboxes' streams,
// "inbox-<organisation>": one per recipient organisation, whose version
// is the cursor a subscriber resumes from.
const InboxCategory = "inbox"

// Inboxes is the projection of the inboxes: each organisation's
// notifications by cursor, with their acknowledgement, and its unread
// count. Subscribers wait on Changed.
//
// Keys:
//
//	n/<org>/<cursor, 20 digits>  the notification (notificationsv1.Notification)
//	i/<notification>             "<org>/<cursor>"
//	u/<org>                      unread count
type Inboxes struct {
	db      *kv.DB
	codec   *decider.Codec
	mu      sync.Mutex
	changed chan struct{}
}

var _ projection.Projection = (*Inboxes)(nil)

func newInboxes(db *kv.DB, codec *decider.Codec) *Inboxes {
	return &Inboxes{db: db, codec: codec, changed: make(chan struct{})}
}

// Name is the projection's durable name.
func (x *Inboxes) Name() string { return "notifications-inboxes-v1" }

// Filter selects the inboxes' events.
func (x *Inboxes) Filter() es.Filter { return es.Filter{Categories: []string{InboxCategory}} }

// Position is where it stands.
func (x *Inboxes) Position() (es.Position, error) { return x.db.Position() }

// Close closes its store.
func (x *Inboxes) Close() error { return x.db.Close() }

// Changed is closed at the next batch applied.
func (x *Inboxes) Changed() <-chan struct{} {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.changed
}

func notificationKey(org string, cursor uint64) []byte {
	return fmt.Appendf(nil, "n/%s/%020d", org, cursor)
}

// inboxBatch reads through what one ApplyBatch changes.
type inboxBatch struct {
	x      *Inboxes
	notes  map[string]*notificationsv1.Notification // by n/ key
	index  map[string]string                        // notification → n/ key
	unread map[string]int64                         // org → change
}

func (b *inboxBatch) lookup(id string) (string, *notificationsv1.Notification, error) {
	key, ok := b.index[id]
	if !ok {
		ref, found, err := b.x.db.Get([]byte("i/" + id))
		if err != nil || !found {
			return "", nil, err
		}
		key = "n/" + string(ref)
	}
	if n, ok := b.notes[key]; ok {
		return key, n, nil
	}
	raw, found, err := b.x.db.Get([]byte(key))
	if err != nil || !found {
		return "", nil, err
	}
	n := &notificationsv1.Notification{}
	if err := proto.Unmarshal(raw, n); err != nil {
		return "", nil, fmt.Errorf("inbox %s: %w", key, err)
	}
	b.notes[key] = n
	return key, n, nil
}

// indexed reports whether the notification id is in an inbox already.
func (b *inboxBatch) indexed(id string) (bool, error) {
	if _, ok := b.index[id]; ok {
		return true, nil
	}
	_, found, err := b.x.db.Get([]byte("i/" + id))
	return found, err
}

// ApplyBatch files each notification raised under its cursor, and marks
// the acknowledged ones. A notification id raised again is ignored.
func (x *Inboxes) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	b := &inboxBatch{x: x, notes: map[string]*notificationsv1.Notification{}, index: map[string]string{}, unread: map[string]int64{}}
	var skipped []es.RecordedEvent
	for _, ev := range evs {
		org, ok := strings.CutPrefix(ev.Stream, InboxCategory+"-")
		if !ok {
			continue
		}
		payload, err := x.codec.Decode(ev)
		if err != nil {
			skipped = append(skipped, ev)
			continue
		}
		switch e := payload.(type) {
		case *eventsv1.NotificationRaised:
			if seen, err := b.indexed(e.GetNotificationId()); err != nil {
				return nil, err
			} else if seen {
				continue // raised again (a router replayed past the store's dedupe window): one notification
			}
			key := string(notificationKey(org, uint64(ev.Version)))
			b.notes[key] = notificationOf(e, uint64(ev.Version), decider.EventOf(ev, e).OccurredAt)
			b.index[e.GetNotificationId()] = key
			b.unread[org]++
		case *eventsv1.NotificationAcknowledged:
			_, n, err := b.lookup(e.GetNotificationId())
			if err != nil {
				return nil, err
			}
			if n != nil && !n.GetAcknowledged() {
				n.Acknowledged, n.AcknowledgedAt = true, timestamppb.New(decider.EventOf(ev, e).OccurredAt)
				b.unread[org]--
			}
		}
	}
	if err := x.store(b, evs[len(evs)-1].Position); err != nil {
		return nil, err
	}
	x.mu.Lock()
	close(x.changed)
	x.changed = make(chan struct{})
	x.mu.Unlock()
	return skipped, nil
}

func (x *Inboxes) store(b *inboxBatch, p es.Position) error {
	batch := x.db.NewBatch()
	err := func() error {
		for key, n := range b.notes {
			raw, err := proto.Marshal(n)
			if err == nil {
				err = batch.Set([]byte(key), raw)
			}
			if err != nil {
				return err
			}
		}
		for id, key := range b.index {
			if err := batch.Set([]byte("i/"+id), []byte(strings.TrimPrefix(key, "n/"))); err != nil {
				return err
			}
		}
		for org, change := range b.unread {
			n, err := x.Unread(org)
			if err != nil {
				return err
			}
			if err := batch.Set([]byte("u/"+org), binary.AppendUvarint(nil, uint64(max(int64(n)+change, 0)))); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		batch.Discard()
		return err
	}
	return batch.Commit(p)
}

// Unread is the organisation's count of notifications not acknowledged.
func (x *Inboxes) Unread(org string) (uint64, error) {
	raw, ok, err := x.db.Get([]byte("u/" + org))
	if err != nil || !ok {
		return 0, err
	}
	n, _ := binary.Uvarint(raw)
	return n, nil
}

// After returns the organisation's notifications after cursor, oldest
// first, at most limit.
func (x *Inboxes) After(org string, cursor uint64, limit int) ([]*notificationsv1.Notification, error) {
	var out []*notificationsv1.Notification
	var err error
	scanErr := x.db.Scan([]byte("n/"+org+"/"), notificationKey(org, cursor), func(_, v []byte) bool {
		n := &notificationsv1.Notification{}
		if err = proto.Unmarshal(v, n); err != nil {
			return false
		}
		out = append(out, n)
		return len(out) < limit
	})
	if scanErr != nil {
		return nil, scanErr
	}
	return out, err
}

// Before returns the organisation's notifications before cursor (0: from
// the newest), newest first, at most limit; only the unread ones when
// asked.
func (x *Inboxes) Before(org string, cursor uint64, limit int, onlyUnread bool) ([]*notificationsv1.Notification, error) {
	var out []*notificationsv1.Notification
	var before []byte
	if cursor > 0 {
		before = notificationKey(org, cursor)
	}
	var err error
	scanErr := x.db.ScanBackward([]byte("n/"+org+"/"), before, func(_, v []byte) bool {
		n := &notificationsv1.Notification{}
		if err = proto.Unmarshal(v, n); err != nil {
			return false
		}
		if !onlyUnread || !n.GetAcknowledged() {
			out = append(out, n)
		}
		return len(out) < limit
	})
	if scanErr != nil {
		return nil, scanErr
	}
	return out, err
}

// Find returns a notification of the organisation's inbox.
func (x *Inboxes) Find(org, id string) (*notificationsv1.Notification, bool, error) {
	ref, ok, err := x.db.Get([]byte("i/" + id))
	if err != nil || !ok {
		return nil, false, err
	}
	owner, cursor, _ := strings.Cut(string(ref), "/")
	if owner != org {
		return nil, false, nil
	}
	c, err := strconv.ParseUint(cursor, 10, 64)
	if err != nil {
		return nil, false, fmt.Errorf("inbox index %s: %w", id, err)
	}
	raw, ok, err := x.db.Get(notificationKey(org, c))
	if err != nil || !ok {
		return nil, false, err
	}
	n := &notificationsv1.Notification{}
	return n, true, proto.Unmarshal(raw, n)
}

func notificationOf(e *eventsv1.NotificationRaised, cursor uint64, at time.Time) *notificationsv1.Notification {
	return &notificationsv1.Notification{NotificationId: e.GetNotificationId(), PersonId: e.GetPersonId(), Summary: e.GetSummary(),
		Kind: e.GetKind(), Severity: e.GetSeverity(), Cursor: cursor, Rule: e.GetRule(), SubjectId: e.GetSubjectId(),
		RuptureKind: e.GetRuptureKind(), Category: e.GetCategory(), RaisedAt: timestamppb.New(at)}
}
