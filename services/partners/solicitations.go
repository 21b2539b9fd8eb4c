package partners

import (
	"fmt"
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
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// Solicitations is the projection of the solicitations and their
// engagements, on disk with the position it covers.
//
// Keys:
//
//	s/<id>                  the solicitation (partnersv1.Solicitation)
//	r/<org>/<id>            a solicitation the organisation was asked by
//	q/<person>/<id>         a solicitation for the person
//	e/<expiry, ns>/<id>     a solicitation still pending, by when it expires
type Solicitations struct {
	db    *kv.DB
	codec *decider.Codec
	apply sync.Mutex
}

var _ projection.Projection = (*Solicitations)(nil)

// OpenSolicitations opens the projection stored in dir; "" keeps it in
// memory.
func OpenSolicitations(dir string, codec *decider.Codec) (*Solicitations, error) {
	db := kv.OpenMem()
	if dir != "" {
		var err error
		if db, err = kv.Open(dir); err != nil {
			return nil, err
		}
	}
	if codec == nil {
		codec = decider.NewCodec(nil)
	}
	return &Solicitations{db: db, codec: codec}, nil
}

// Close closes the store.
func (v *Solicitations) Close() error { return v.db.Close() }

// Name is the projection's durable name.
func (v *Solicitations) Name() string { return "partners-solicitations-v2" }

// Filter selects the solicitations' events.
func (v *Solicitations) Filter() es.Filter {
	return es.Filter{Categories: []string{SolicitationCategory}}
}

// Position is where the stored solicitations stand.
func (v *Solicitations) Position() (es.Position, error) { return v.db.Position() }

func solicitationKey(id string) []byte { return []byte("s/" + id) }

func expiryKey(at time.Time, id string) []byte {
	return fmt.Appendf(nil, "e/%020d/%s", at.UnixNano(), id)
}

// ApplyBatch folds events into their solicitations, keeping the indexes.
func (v *Solicitations) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	v.apply.Lock()
	defer v.apply.Unlock()
	f, err := foldBatch(evs, SolicitationCategory, v.codec, v.get, foldSolicitation)
	if err != nil {
		return nil, err
	}
	order, before, after, skipped := f.order, f.before, f.after, f.skipped
	b := v.db.NewBatch()
	for _, id := range order {
		s := after[id]
		if s == nil {
			continue
		}
		data, err := proto.MarshalOptions{Deterministic: true}.Marshal(s)
		if err == nil {
			err = b.Set(solicitationKey(id), data)
		}
		if err == nil {
			err = reindexSolicitation(b, before[id], s)
		}
		if err != nil {
			b.Discard()
			return nil, fmt.Errorf("solicitation %s: %w", id, err)
		}
	}
	return skipped, b.Commit(evs[len(evs)-1].Position)
}

// reindexSolicitation adds a new solicitation's keys, and drops its expiry
// key once it is no longer pending.
func reindexSolicitation(b *kv.Batch, before, after *partnersv1.Solicitation) error {
	id := after.GetSolicitationId()
	if before == nil {
		for _, a := range after.GetAnswers() {
			if err := b.Set([]byte("r/"+a.GetOrganisationId()+"/"+id), nil); err != nil {
				return err
			}
		}
		if err := b.Set([]byte("q/"+after.GetPersonId()+"/"+id), nil); err != nil {
			return err
		}
	}
	pendingNow := after.GetState() == partnersv1.SolicitationState_SOLICITATION_STATE_PENDING
	wasPending := before.GetState() == partnersv1.SolicitationState_SOLICITATION_STATE_PENDING
	key := expiryKey(after.GetExpiresAt().AsTime(), id)
	switch {
	case pendingNow && !wasPending:
		return b.Set(key, nil)
	case !pendingNow && wasPending:
		return b.Delete(key)
	}
	return nil
}

// foldSolicitation applies one event to s (nil before it was sent).
func foldSolicitation(s *partnersv1.Solicitation, payload proto.Message, ev es.RecordedEvent) *partnersv1.Solicitation {
	if s == nil {
		s = &partnersv1.Solicitation{}
	}
	answer := func(org string) *partnersv1.Answer {
		for _, a := range s.Answers {
			if a.GetOrganisationId() == org {
				return a
			}
		}
		return &partnersv1.Answer{} // not asked: nowhere to write
	}
	switch e := payload.(type) {
	case *eventsv1.SolicitationSent:
		s.SolicitationId, s.PersonId, s.SenderOrganisationId = e.GetSolicitationId(), e.GetPersonId(), e.GetSenderOrganisationId()
		s.Prestation, s.NeedId, s.Message = labelled(e.GetPrestation()), e.GetNeedId(), e.GetMessage()
		s.TransitionId = e.GetTransitionId()
		s.SharedCategories, s.LegalBasis, s.ExpiresAt, s.ConsentId = e.GetSharedCategories(), e.GetLegalBasis(), e.GetExpiresAt(), e.GetConsentId()
		s.SentAt, s.WishedStartOn = timestamppb.New(ev.Metadata.OccurredAt), e.GetWishedStartOn()
		s.State = partnersv1.SolicitationState_SOLICITATION_STATE_PENDING
		for _, org := range e.GetOrganisationIds() {
			s.Answers = append(s.Answers, &partnersv1.Answer{OrganisationId: org})
		}
	case *eventsv1.SolicitationDeclined:
		a := answer(e.GetOrganisationId())
		a.Declined, a.Detail = e.GetReason(), e.GetDetail()
		all := true
		for _, a := range s.Answers {
			all = all && a.GetDeclined() != eventsv1.DeclineReason_DECLINE_REASON_UNSPECIFIED
		}
		if all {
			s.State = partnersv1.SolicitationState_SOLICITATION_STATE_DECLINED
		}
	case *eventsv1.SolicitationAccepted:
		answer(e.GetOrganisationId()).Accepted = true
		s.State = partnersv1.SolicitationState_SOLICITATION_STATE_ACCEPTED
	case *eventsv1.SolicitationExpired:
		s.State = partnersv1.SolicitationState_SOLICITATION_STATE_EXPIRED
	case *eventsv1.SolicitationRevoked:
		s.State = partnersv1.SolicitationState_SOLICITATION_STATE_REVOKED
	case *eventsv1.EngagementStarted:
		s.Engagement = &partnersv1.Engagement{EngagementId: e.GetEngagementId(), SolicitationId: s.GetSolicitationId(),
			OrganisationId: e.GetOrganisationId(), DisplayName: e.GetDisplayName(), PersonId: e.GetPersonId(),
			Prestation: labelled(e.GetPrestation()), NeedId: e.GetNeedId(), StartOn: e.GetStartOn(), PlannedEndOn: e.GetPlannedEndOn(),
			Frequency: e.GetFrequency(), State: partnersv1.EngagementState_ENGAGEMENT_STATE_ACTIVE, Mission: e.GetMission()}
	case *eventsv1.EngagementSuspended:
		if s.Engagement != nil {
			s.Engagement.State = partnersv1.EngagementState_ENGAGEMENT_STATE_SUSPENDED
		}
	case *eventsv1.EngagementResumed:
		if s.Engagement != nil {
			s.Engagement.State = partnersv1.EngagementState_ENGAGEMENT_STATE_ACTIVE
		}
	case *eventsv1.EngagementEnded:
		if s.Engagement != nil {
			s.Engagement.State, s.Engagement.Outcome = partnersv1.EngagementState_ENGAGEMENT_STATE_ENDED, e.GetOutcome()
			s.Engagement.EndReason, s.Engagement.EndedOn = e.GetReason(), e.GetEndedOn()
		}
	}
	s.Version = uint64(ev.Version)
	return s
}

func (v *Solicitations) get(id string) (*partnersv1.Solicitation, error) {
	data, ok, err := v.db.Get(solicitationKey(id))
	if err != nil || !ok {
		return nil, err
	}
	s := &partnersv1.Solicitation{}
	if err := proto.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("solicitation %s: %w", id, err)
	}
	return s, nil
}

// Get returns the solicitation, and false when there is none.
func (v *Solicitations) Get(id string) (*partnersv1.Solicitation, bool) {
	s, err := v.get(id)
	return s, err == nil && s != nil
}

// list returns the solicitations whose ids are under prefix.
func (v *Solicitations) list(prefix string) ([]*partnersv1.Solicitation, error) {
	var ids []string
	if err := v.db.Scan([]byte(prefix), nil, func(k, _ []byte) bool {
		ids = append(ids, string(k[len(prefix):]))
		return true
	}); err != nil {
		return nil, err
	}
	out := make([]*partnersv1.Solicitation, 0, len(ids))
	for _, id := range ids {
		if s, ok := v.Get(id); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// Received lists the solicitations the organisation was asked by.
func (v *Solicitations) Received(org string) ([]*partnersv1.Solicitation, error) {
	return v.list("r/" + org + "/")
}

// OfPerson lists the person's solicitations.
func (v *Solicitations) OfPerson(person string) ([]*partnersv1.Solicitation, error) {
	return v.list("q/" + person + "/")
}

// DueBy returns the ids of the pending solicitations expiring at or before
// t, soonest first.
func (v *Solicitations) DueBy(t time.Time) ([]string, error) {
	limit := string(expiryKey(t, "~"))
	var ids []string
	err := v.db.Scan([]byte("e/"), nil, func(k, _ []byte) bool {
		if string(k) > limit {
			return false
		}
		if _, id, ok := strings.Cut(string(k[len("e/"):]), "/"); ok {
			ids = append(ids, id)
		}
		return true
	})
	return ids, err
}
