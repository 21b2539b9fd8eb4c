package parcours

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/calendar"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Vigilance is the vigilance process manager: a projection of the files
// and the solicitations' streams that keeps each person's Support and
// when each file is next due a check, and a scheduler that checks the
// files due (VigilanceCheck) and writes when each is due again. The due
// index is on disk with the projection's position: a restart misses no
// deadline, and a check repeated writes nothing (CheckVigilance compares
// with what is open). While catching up it only marks files due: the
// rules run once the history is read, never on half of it.
//
// Keys:
//
//	s/<solicitation>         person, engagement id (once accepted)
//	p/<person>               Support, JSON
//	d/<unix nanos>/<person>  due at that instant (a marked file: the batch's
//	                         position as nanoseconds, long past, so a new mark never equals an old one)
//	w/<person>               the person's d/ key
//	k/<person>               the organisation holding the file
//	h/<org>/<person>         the files an organisation holds
//	t/<org>                  the thresholds it set (VigilanceThresholdsSet)
type Vigilance struct {
	db    *kv.DB
	codec *decider.Codec
	// check runs the rules on the file; it returns when the file is next
	// due (zero: only when something is written).
	check func(ctx context.Context, personID string, sup Support) (time.Time, error)
	now   func() time.Time
	every time.Duration
	log   *slog.Logger
	mu    sync.Mutex
	wake  chan struct{}
}

var _ projection.Projection = (*Vigilance)(nil)

// Name is the process manager's durable name.
func (v *Vigilance) Name() string { return "parcours-vigilance-v1" }

// Filter selects the files', the solicitations' and the vigilance
// settings' events.
func (v *Vigilance) Filter() es.Filter {
	return es.Filter{Categories: []string{Category, SolicitationCategory, VigilanceCategory}}
}

// Position is where it stands.
func (v *Vigilance) Position() (es.Position, error) { return v.db.Position() }

// Close closes its store.
func (v *Vigilance) Close() error { return v.db.Close() }

func dueKey(at time.Time, person string) []byte {
	n := int64(0)
	if !at.IsZero() {
		n = at.UnixNano()
	}
	return fmt.Appendf(nil, "d/%020d/%s", n, person)
}

// vigilanceBatch is what one ApplyBatch changes, read through.
type vigilanceBatch struct {
	v        *Vigilance
	supports map[string]*Support
	sols     map[string]string // solicitation → "person\x00engagement"
	due      map[string]bool   // persons to check now
	holders  map[string]string // person → organisation holding the file
	settings map[string][]byte // organisation → VigilanceThresholdsSet
}

func (b *vigilanceBatch) support(person string) (*Support, error) {
	if s, ok := b.supports[person]; ok {
		return s, nil
	}
	s := &Support{}
	raw, ok, err := b.v.db.Get([]byte("p/" + person))
	if err != nil {
		return nil, err
	}
	if ok {
		if err := json.Unmarshal(raw, s); err != nil {
			return nil, fmt.Errorf("vigilance: support of %s: %w", person, err)
		}
	}
	b.supports[person] = s
	return s, nil
}

func (b *vigilanceBatch) solicitation(id string) (person, engagement string, err error) {
	ref, ok := b.sols[id]
	if !ok {
		raw, found, err := b.v.db.Get([]byte("s/" + id))
		if err != nil || !found {
			return "", "", err
		}
		ref = string(raw)
	}
	person, engagement, _ = strings.Cut(ref, "\x00")
	return person, engagement, nil
}

// ApplyBatch folds the partners' answers into each person's Support and
// marks the files the events touch due now; the vigilance's own events
// mark nothing (their check would find what it just wrote).
func (v *Vigilance) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	b := &vigilanceBatch{v: v, supports: map[string]*Support{}, sols: map[string]string{}, due: map[string]bool{},
		holders: map[string]string{}, settings: map[string][]byte{}}
	var skipped []es.RecordedEvent
	for _, ev := range evs {
		if person, ok := strings.CutPrefix(ev.Stream, Category+"-"); ok {
			if ev.Metadata.Actor != vigilance.Subject {
				b.due[person] = true
			}
			if err := b.holder(person, ev); err != nil {
				skipped = append(skipped, ev)
			}
			continue
		}
		if org, ok := strings.CutPrefix(ev.Stream, VigilanceCategory+"-"); ok {
			payload, err := v.codec.Decode(ev)
			set, isSet := payload.(*eventsv1.VigilanceThresholdsSet)
			if err != nil || !isSet {
				skipped = append(skipped, ev)
				continue
			}
			if err := b.thresholdsSet(org, set); err != nil {
				return nil, err
			}
			continue
		}
		id, ok := strings.CutPrefix(ev.Stream, SolicitationCategory+"-")
		if !ok {
			continue
		}
		payload, err := v.codec.Decode(ev)
		if err != nil {
			skipped = append(skipped, ev)
			continue
		}
		if err := b.fold(id, payload, decider.EventOf(ev, payload).OccurredAt); err != nil {
			return nil, err
		}
	}
	if err := v.store(b, evs[len(evs)-1].Position); err != nil {
		return nil, err
	}
	select {
	case v.wake <- struct{}{}:
	default:
	}
	return skipped, nil
}

var (
	enrolledType = string(proto.MessageName(&eventsv1.PersonEnrolled{}))
	assignedType = string(proto.MessageName(&eventsv1.CoordinatorAssigned{}))
)

// holder follows which organisation holds the file: the enrolling one,
// then each coordinator's.
func (b *vigilanceBatch) holder(person string, ev es.RecordedEvent) error {
	switch ev.Type {
	case enrolledType:
		b.holders[person] = ev.Metadata.Organisation
	case assignedType:
		payload, err := b.v.codec.Decode(ev)
		if err != nil {
			return err
		}
		if e, ok := payload.(*eventsv1.CoordinatorAssigned); ok && e.GetOrganisationId() != "" {
			b.holders[person] = e.GetOrganisationId()
		}
	}
	return nil
}

// thresholdsSet keeps an organisation's thresholds, and marks every file
// it holds due: they are checked again with them.
func (b *vigilanceBatch) thresholdsSet(org string, set *eventsv1.VigilanceThresholdsSet) error {
	data, err := proto.Marshal(set)
	if err != nil {
		return err
	}
	b.settings[org] = data
	for person, holder := range b.holders {
		if holder == org {
			b.due[person] = true
		}
	}
	held, err := b.v.db.Suffixes([]byte("h/" + org + "/"))
	for _, person := range held {
		b.due[person] = true
	}
	return err
}

// fold applies one solicitation event to its person's Support.
func (b *vigilanceBatch) fold(id string, payload proto.Message, at time.Time) error {
	if e, ok := payload.(*eventsv1.SolicitationSent); ok {
		b.sols[id] = e.GetPersonId()
	}
	person, engagement, err := b.solicitation(id)
	if err != nil || person == "" {
		return err
	}
	sup, err := b.support(person)
	if err != nil {
		return err
	}
	if sup.Solicitations == nil {
		sup.Solicitations = map[string]SupportSolicitation{}
	}
	sol := sup.Solicitations[id]
	switch e := payload.(type) {
	case *eventsv1.SolicitationSent:
		sol = SupportSolicitation{NeedID: e.GetNeedId(), TransitionID: e.GetTransitionId(), Prestation: e.GetPrestation().GetCode(),
			SentOn: calendar.Today(at), Asked: len(e.GetOrganisationIds())}
	case *eventsv1.SolicitationDeclined:
		sol.Declined++
	case *eventsv1.SolicitationAccepted:
		sol.Accepted = true
	case *eventsv1.SolicitationExpired:
		sol.Expired = true
	case *eventsv1.SolicitationRevoked:
		sol.Revoked = true
	case *eventsv1.EngagementStarted:
		if sup.Engagements == nil {
			sup.Engagements = map[string]SupportEngagement{}
		}
		sup.Engagements[e.GetEngagementId()] = SupportEngagement{Organisation: e.GetOrganisationId(), NeedID: e.GetNeedId(),
			TransitionID: e.GetTransitionId(), Prestation: e.GetPrestation().GetCode()}
		b.sols[id] = person + "\x00" + e.GetEngagementId()
	case *eventsv1.EngagementEnded:
		if eng, ok := sup.Engagements[engagement]; ok {
			eng.Ended = true
			sup.Engagements[engagement] = eng
		}
	default:
		return nil
	}
	sup.Solicitations[id] = sol
	b.due[person] = true
	return nil
}

// store writes the batch's supports and due marks with the position.
func (v *Vigilance) store(b *vigilanceBatch, p es.Position) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	batch := v.db.NewBatch()
	err := func() error {
		for id, ref := range b.sols {
			if err := batch.Set([]byte("s/"+id), []byte(ref)); err != nil {
				return err
			}
		}
		for person, sup := range b.supports {
			raw, err := json.Marshal(sup)
			if err == nil {
				err = batch.Set([]byte("p/"+person), raw)
			}
			if err != nil {
				return err
			}
		}
		for person := range b.due {
			// Due now, under a key of this batch's own: a check running
			// meanwhile finds its key replaced and leaves the new mark.
			if err := v.setDue(batch, person, time.Unix(0, int64(p.Commit))); err != nil {
				return err
			}
		}
		for org, set := range b.settings {
			if err := batch.Set([]byte("t/"+org), set); err != nil {
				return err
			}
		}
		return v.storeHolders(batch, b.holders)
	}()
	if err != nil {
		batch.Discard()
		return err
	}
	return batch.Commit(p)
}

// setDue moves the person's due mark to at (zero: now); the caller holds mu.
func (v *Vigilance) setDue(batch *kv.Batch, person string, at time.Time) error {
	old, ok, err := v.db.Get([]byte("w/" + person))
	if err != nil {
		return err
	}
	if ok {
		if err := batch.Delete(old); err != nil {
			return err
		}
	}
	key := dueKey(at, person)
	if err := batch.Set(key, nil); err != nil {
		return err
	}
	return batch.Set([]byte("w/"+person), key)
}

// Watch checks the files due, as soon as the projection marks some and
// every v.every for deadlines, until ctx ends. It starts once the
// projection has caught up (ready).
func (v *Vigilance) Watch(ctx context.Context, ready <-chan struct{}) error {
	select {
	case <-ready:
	case <-ctx.Done():
		return nil
	}
	tick := time.NewTicker(v.every)
	defer tick.Stop()
	for {
		v.checkDue(ctx)
		select {
		case <-v.wake:
		case <-tick.C:
		case <-ctx.Done():
			return nil
		}
	}
}

type dueFile struct {
	key    []byte
	person string
}

// checkDue checks the files due by now, a hundred at a time, pausing
// between hundreds (checkPause) so that a backlog — every file after a
// cold start — does not take the machine from the calls it serves; a file
// whose check fails stays due, and is tried again at the next round.
func (v *Vigilance) checkDue(ctx context.Context) {
	for first := true; ctx.Err() == nil; first = false {
		if !first {
			select {
			case <-time.After(checkPause):
			case <-ctx.Done():
				return
			}
		}
		due, err := v.dueBy(v.now(), 100)
		if err != nil {
			v.log.Error("vigilance: files due not read", "err", err)
			return
		}
		failed := 0
		for _, f := range due {
			next, err := v.checkOne(ctx, f.person)
			if err != nil {
				if ctx.Err() == nil {
					v.log.Error("vigilance: file not checked; will retry", "person", f.person, "err", err)
				}
				failed++
				continue
			}
			if err := v.reschedule(f, next); err != nil {
				v.log.Error("vigilance: next check not recorded", "person", f.person, "err", err)
				failed++
			}
		}
		if len(due) < 100 || failed > 0 {
			return
		}
	}
}

// checkPause is the pause between hundreds of files checked.
const checkPause = 50 * time.Millisecond

func (v *Vigilance) dueBy(now time.Time, limit int) ([]dueFile, error) {
	var due []dueFile
	bound := dueKey(now, "")
	err := v.db.Scan([]byte("d/"), nil, func(k, _ []byte) bool {
		if string(k) > string(bound) && !strings.HasPrefix(string(k), string(bound)) {
			return false
		}
		_, person, _ := strings.Cut(string(k[len("d/"):]), "/")
		due = append(due, dueFile{key: append([]byte(nil), k...), person: person})
		return len(due) < limit
	})
	return due, err
}

func (v *Vigilance) checkOne(ctx context.Context, person string) (time.Time, error) {
	sup := Support{}
	raw, ok, err := v.db.Get([]byte("p/" + person))
	if err != nil {
		return time.Time{}, err
	}
	if ok {
		if err := json.Unmarshal(raw, &sup); err != nil {
			return time.Time{}, fmt.Errorf("vigilance: support of %s: %w", person, err)
		}
	}
	return v.check(ctx, person, sup)
}

// reschedule replaces the due mark f by next (zero: none), unless an event
// marked the file due again meanwhile.
func (v *Vigilance) reschedule(f dueFile, next time.Time) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	cur, ok, err := v.db.Get([]byte("w/" + f.person))
	if err != nil || !ok || string(cur) != string(f.key) {
		return err
	}
	batch := v.db.NewBatch()
	err = batch.Delete(f.key)
	if err == nil && next.IsZero() {
		err = batch.Delete([]byte("w/" + f.person))
	} else if err == nil {
		key := dueKey(next, f.person)
		if err = batch.Set(key, nil); err == nil {
			err = batch.Set([]byte("w/"+f.person), key)
		}
	}
	if err != nil {
		batch.Discard()
		return err
	}
	return batch.Write()
}

// storeHolders moves each file to the index of its holder.
func (v *Vigilance) storeHolders(batch *kv.Batch, holders map[string]string) error {
	for person, org := range holders {
		old, ok, err := v.db.Get([]byte("k/" + person))
		if err != nil {
			return err
		}
		if ok && string(old) != org {
			if err := batch.Delete([]byte("h/" + string(old) + "/" + person)); err != nil {
				return err
			}
		}
		if err := batch.Set([]byte("k/"+person), []byte(org)); err != nil {
			return err
		}
		if err := batch.Set([]byte("h/"+org+"/"+person), nil); err != nil {
			return err
		}
	}
	return nil
}
