package parcours

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// Views is the projection of every person's coordinated view (fiche de
// coordination), kept on disk (projection/kv) with the position it
// covers, with a bounded cache of decoded views in front. The runner
// applies events to it in batches (projection.Projection); reads may run
// concurrently.
//
// Keys:
//
//	v/<person>                   the view (protobuf)
//	c/<org>/<subject>/<person>   the caseload index: the person is in that coordinator's caseload
//	k/<person>                   the caseload key the person is under ("<org>/<subject>")
//	t/<commune>/<person>         the people followed, by their domicile (territory.go)
//	s/<solicitation>             a solicitation folded: its person, its last version
//	n                            how many people have a view
type Views struct {
	codec *decider.Codec
	db    *kv.DB

	apply   sync.Mutex // one batch at a time
	cacheMu sync.Mutex
	cache   *kv.Cache[*parcoursv1.CoordinatedView]
	people  atomic.Int64
}

var _ projection.Projection = (*Views)(nil)

// DefaultViewCache is how many decoded views Views keeps in memory: the
// files being written to, which the projection folds events into, and
// the ones read since. A decoded view weighs tens of kilobytes of small
// objects the collector walks: a larger cache costs every collection.
const DefaultViewCache = 1024

// NewViews returns an empty projection in memory (gone when the process
// ends), decoding events with codec (nil: no upcaster).
func NewViews(codec *decider.Codec) *Views { return newViews(kv.OpenMem(), codec, DefaultViewCache) }

// OpenViews opens the projection stored in dir (created when absent),
// with at most cacheSize decoded views in memory (0: DefaultViewCache).
func OpenViews(dir string, codec *decider.Codec, cacheSize int) (*Views, error) {
	db, err := kv.Open(dir)
	if err != nil {
		return nil, err
	}
	if cacheSize <= 0 {
		cacheSize = DefaultViewCache
	}
	return newViews(db, codec, cacheSize), nil
}

func newViews(db *kv.DB, codec *decider.Codec, cacheSize int) *Views {
	v := &Views{codec: orDefault(codec), db: db, cache: kv.NewCache[*parcoursv1.CoordinatedView](cacheSize)}
	if n, ok, _ := db.Get([]byte("n")); ok {
		c, _ := strconv.ParseInt(string(n), 10, 64)
		v.people.Store(c)
	}
	return v
}

// Close closes the store.
func (v *Views) Close() error { return v.db.Close() }

func orDefault(codec *decider.Codec) *decider.Codec {
	if codec == nil {
		return decider.NewCodec(nil)
	}
	return codec
}

// Name is the projection's durable name (and its store's directory);
// bump its version when the view's shape changes, so that it is rebuilt.
func (v *Views) Name() string { return "parcours-view-v8" }

// Filter selects the events of every person's file.
func (v *Views) Filter() es.Filter {
	return es.Filter{Categories: []string{Category, SolicitationCategory, MeetingCategory}}
}

// Position is where the stored views stand.
func (v *Views) Position() (es.Position, error) { return v.db.Position() }

func viewKey(person string) []byte { return []byte("v/" + person) }

// Apply folds one event, for tests and tools; an event of
// maillage.events.v1 that cannot be decoded is an error.
func (v *Views) Apply(ev es.RecordedEvent) error {
	_, errs, err := v.applyBatch([]es.RecordedEvent{ev})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ApplyBatch folds events into their people's views and stores the
// changed views, their caseload index and the position of the last event
// in one batch. Events already folded (a version at or below the view's)
// are skipped, so a redelivery is harmless; an event that cannot be read
// is passed over and returned.
func (v *Views) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	skipped, _, err := v.applyBatch(evs)
	return skipped, err
}

func (v *Views) applyBatch(evs []es.RecordedEvent) (skipped []es.RecordedEvent, errs []error, err error) {
	v.apply.Lock()
	defer v.apply.Unlock()
	changed := map[string]*parcoursv1.CoordinatedView{}
	before := map[string]*parcoursv1.CoordinatedView{} // as stored, nil when new
	var order []string
	solicitations, meetings := map[string]solicitationSeen{}, map[string]solicitationSeen{}
	for _, ev := range evs {
		if id, ok := strings.CutPrefix(ev.Stream, MeetingCategory+"-"); ok {
			views, err := v.meetingEvent(ev, id, meetings, changed)
			if err != nil {
				skipped, errs = append(skipped, ev), append(errs, err)
			}
			for _, personID := range sortedKeys(views) {
				if _, seen := changed[personID]; !seen {
					order = append(order, personID)
					before[personID] = v.stored(personID)
				}
				changed[personID] = views[personID]
			}
			continue
		}
		if id, ok := strings.CutPrefix(ev.Stream, SolicitationCategory+"-"); ok {
			personID, view, err := v.solicitationEvent(ev, id, solicitations, changed)
			switch {
			case err != nil:
				skipped, errs = append(skipped, ev), append(errs, err)
			case view != nil:
				if _, seen := changed[personID]; !seen {
					order = append(order, personID)
					before[personID] = v.stored(personID)
				}
				changed[personID] = view
			}
			continue
		}
		personID, ok := strings.CutPrefix(ev.Stream, Category+"-")
		if !ok {
			continue // outside Filter
		}
		base, seen := changed[personID]
		var cur *parcoursv1.CoordinatedView
		if !seen {
			var ok bool
			var err error
			if cur, ok, err = v.get(personID); err != nil {
				return nil, nil, err
			} else if ok {
				base = proto.CloneOf(cur) // the cached one may be read meanwhile
			}
		}
		view, ferr := foldEvent(base, personID, ev, v.codec)
		if ferr != nil {
			skipped, errs = append(skipped, ev), append(errs, ferr)
			continue
		}
		if view == nil {
			continue
		}
		if !seen {
			order = append(order, personID)
			before[personID] = cur
		}
		changed[personID] = view
	}
	b := v.db.NewBatch()
	added := int64(0)
	for _, id := range order {
		view := changed[id]
		data, err := proto.MarshalOptions{Deterministic: true}.Marshal(view)
		if err != nil {
			b.Discard()
			return nil, nil, fmt.Errorf("parcours view of person %s: %w", id, err)
		}
		if before[id] == nil {
			added++
		}
		if err := b.Set(viewKey(id), data); err != nil {
			b.Discard()
			return nil, nil, err
		}
		if err := v.index(b, id, before[id], view); err != nil {
			b.Discard()
			return nil, nil, err
		}
		if err := indexTerritory(b, id, before[id], view); err != nil {
			b.Discard()
			return nil, nil, err
		}
	}
	if added > 0 {
		_ = b.Set([]byte("n"), []byte(strconv.FormatInt(v.people.Load()+added, 10)))
	}
	for id, seen := range solicitations {
		if err := b.Set(solicitationKey(id), seen.encode()); err != nil {
			b.Discard()
			return nil, nil, err
		}
	}
	for id, seen := range meetings {
		if err := b.Set(meetingKey(id), seen.encode()); err != nil {
			b.Discard()
			return nil, nil, err
		}
	}
	if len(evs) > 0 {
		if err := b.Commit(evs[len(evs)-1].Position); err != nil {
			return nil, nil, err
		}
	} else {
		b.Discard()
	}
	v.people.Add(added)
	v.cacheMu.Lock()
	for _, id := range order {
		v.cache.Put(id, changed[id])
	}
	v.cacheMu.Unlock()
	return skipped, errs, nil
}

// solicitationEvent folds an event of a solicitation's stream into its
// person's view, the one changed in this batch or a copy of the stored
// one; it returns the person and the view, nil when nothing changes (an
// event folded already, a person the views do not know).
func (v *Views) solicitationEvent(ev es.RecordedEvent, id string, seen map[string]solicitationSeen,
	changed map[string]*parcoursv1.CoordinatedView) (string, *parcoursv1.CoordinatedView, error) {
	payload, err := v.codec.Decode(ev)
	if err != nil {
		return "", nil, fmt.Errorf("solicitation %s: %w", id, err)
	}
	s, ok := seen[id]
	if !ok {
		data, found, err := v.db.Get(solicitationKey(id))
		if err != nil {
			return "", nil, err
		}
		if found {
			s, _ = decodeSolicitationSeen(data)
		}
	}
	if sent, ok := payload.(*eventsv1.SolicitationSent); ok && s.person == "" {
		s.person = sent.GetPersonId()
	}
	if s.person == "" || ev.Version <= s.version {
		return "", nil, nil
	}
	s.version = ev.Version
	seen[id] = s
	view, inBatch := changed[s.person]
	if !inBatch {
		stored := v.stored(s.person)
		if stored == nil {
			return "", nil, nil
		}
		view = proto.CloneOf(stored)
	}
	if !foldSolicitation(view, id, payload, ev.Metadata.OccurredAt) {
		return "", nil, nil
	}
	return s.person, view, nil
}

// stored is the person's view as stored (shared: not to be changed), nil
// when there is none.
func (v *Views) stored(personID string) *parcoursv1.CoordinatedView {
	view, ok, err := v.get(personID)
	if err != nil || !ok {
		return nil
	}
	return view
}

// index keeps the person in their coordinator's caseload: the
// coordinator's own, or, discharged with the role vacant, the last one's.
// prev is the view as stored before the batch (nil for a new person).
func (v *Views) index(b *kv.Batch, id string, prev, view *parcoursv1.CoordinatedView) error {
	var old []byte
	if prev != nil {
		old = []byte(caseloadKey(prev.GetCoordinator().GetOrganisationId(), prev.GetCoordinator().GetProfessionalId()))
		if len(old) == 0 && prev.GetDischarged() {
			// Discharged with the role vacant: the key it was left under.
			var err error
			if old, _, err = v.db.Get([]byte("k/" + id)); err != nil {
				return err
			}
		}
	}
	key := caseloadKey(view.GetCoordinator().GetOrganisationId(), view.GetCoordinator().GetProfessionalId())
	if key == "" && view.GetDischarged() {
		key = string(old)
	}
	if len(old) > 0 && key != string(old) {
		if err := b.Delete([]byte("c/" + string(old) + "/" + id)); err != nil {
			return err
		}
	}
	if key == "" {
		return b.Delete([]byte("k/" + id))
	}
	// The entry carries what a caseload line needs, so that a page reads
	// a few hundred bytes a person, not their whole file.
	entry, err := proto.MarshalOptions{Deterministic: true}.Marshal(caseloadView(view))
	if err != nil {
		return err
	}
	if err := b.Set([]byte("c/"+key+"/"+id), entry); err != nil {
		return err
	}
	if key == string(old) {
		return nil
	}
	return b.Set([]byte("k/"+id), []byte(key))
}

// caseloadView is the part of a view a caseload line is made of (entryOf)
// and decided on (teamOf): what is open or still to come, not the
// history.
func caseloadView(v *parcoursv1.CoordinatedView) *parcoursv1.CoordinatedView {
	out := &parcoursv1.CoordinatedView{
		PersonId: v.GetPersonId(), Version: v.GetVersion(),
		CoordinationLevel: v.GetCoordinationLevel(), NextReviewOn: v.GetNextReviewOn(),
		Discharged: v.GetDischarged(), Coordinator: v.GetCoordinator(), Referent: v.GetReferent(),
		HolderOrganisationId: v.GetHolderOrganisationId(), Partners: v.GetPartners(),
		Consents: v.GetConsents(), Oppositions: v.GetOppositions(),
	}
	if d := v.GetDischarge(); d != nil {
		out.Discharge = &parcoursv1.Discharge{DischargedOn: d.GetDischargedOn()}
	}
	if e := v.GetEnrolled(); e != nil {
		out.Enrolled = &parcoursv1.Enrollment{BirthDate: e.GetBirthDate(), PublicConcerned: e.GetPublicConcerned(),
			Domicile: &parcoursv1.Domicile{CommuneInsee: e.GetDomicile().GetCommuneInsee()}}
	}
	for _, t := range v.GetTransitions() { // in planned-date order: the first one anticipated
		if t.GetState() == parcoursv1.TransitionState_TRANSITION_STATE_ANTICIPATED {
			out.Transitions = []*parcoursv1.Transition{{TransitionId: t.GetTransitionId(), Kind: t.GetKind(), PlannedDate: t.GetPlannedDate(), State: t.GetState()}}
			break
		}
	}
	for _, r := range v.GetRuptures() {
		if r.GetState() == parcoursv1.RuptureState_RUPTURE_STATE_OPEN {
			out.Ruptures = append(out.Ruptures, &parcoursv1.Rupture{State: r.GetState()})
		}
	}
	for _, r := range v.GetRisks() {
		if r.GetState() == parcoursv1.RuptureState_RUPTURE_STATE_OPEN {
			out.Risks = append(out.Risks, &parcoursv1.RuptureRisk{State: r.GetState()})
		}
	}
	needed := map[string]bool{}
	for _, p := range viewPendingActions(v.GetPlan()) {
		if out.Plan == nil {
			out.Plan = &parcoursv1.Plan{}
		}
		out.Plan.Objectives = append(out.Plan.Objectives, &parcoursv1.Objective{ObjectiveId: p.objective.GetObjectiveId(),
			NeedIds: p.objective.GetNeedIds(), State: p.objective.GetState(),
			Actions: []*parcoursv1.Action{{ActionId: p.action.GetActionId(), DueDate: p.action.GetDueDate(), State: p.action.GetState(), Prestation: p.action.GetPrestation()}}})
		for _, id := range p.objective.GetNeedIds() {
			needed[id] = true
		}
	}
	for _, n := range v.GetNeeds() {
		if needed[n.GetNeedId()] {
			out.Needs = append(out.Needs, &parcoursv1.Need{NeedId: n.GetNeedId(), Code: &parcoursv1.SerafinCode{Code: n.GetCode().GetCode()}})
		}
	}
	if n := len(v.GetTimeline()); n > 0 {
		out.Timeline = []*parcoursv1.TimelineEntry{{OccurredAt: v.GetTimeline()[n-1].GetOccurredAt()}}
	}
	return out
}

// get returns the person's view as stored, from the cache or the store;
// the caller must not change it.
func (v *Views) get(personID string) (*parcoursv1.CoordinatedView, bool, error) {
	v.cacheMu.Lock()
	view, ok := v.cache.Get(personID)
	v.cacheMu.Unlock()
	if ok {
		return view, true, nil
	}
	data, ok, err := v.db.Get(viewKey(personID))
	if err != nil || !ok {
		return nil, false, err
	}
	view = &parcoursv1.CoordinatedView{}
	if err := proto.Unmarshal(data, view); err != nil {
		return nil, false, fmt.Errorf("parcours view of person %s: %w", personID, err)
	}
	v.cacheMu.Lock()
	v.cache.Put(personID, view)
	v.cacheMu.Unlock()
	return view, true, nil
}

// Get returns a copy of the person's coordinated view as the projection
// keeps it, and false when the person has none (never enrolled, or not
// projected yet). What depends on the day of the read (overdue actions and
// reviews, next actions, rights' remaining days, SERAFIN-PH labels) is not
// in it: Read adds it. A view not in the cache is decoded for the caller
// alone: reads at random across a département would only churn the cache
// the projection writes through.
func (v *Views) Get(personID string) (*parcoursv1.CoordinatedView, bool) {
	v.cacheMu.Lock()
	cached, ok := v.cache.Get(personID)
	v.cacheMu.Unlock()
	if ok {
		return proto.CloneOf(cached), true
	}
	data, ok, err := v.db.Get(viewKey(personID))
	if err != nil || !ok {
		return nil, false
	}
	view := &parcoursv1.CoordinatedView{}
	if err := proto.Unmarshal(data, view); err != nil {
		return nil, false
	}
	return view, true
}

// Read returns a copy of the person's coordinated view as it reads at now:
// Get, then present on the day of now in Europe/Paris.
func (v *Views) Read(personID string, now time.Time) (*parcoursv1.CoordinatedView, bool) {
	view, ok := v.Get(personID)
	if !ok {
		return nil, false
	}
	present(view, today(now))
	return view, true
}

// Len returns the number of people with a view.
func (v *Views) Len() int { return int(v.people.Load()) }
