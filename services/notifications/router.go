package notifications

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/calendar"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// fileCategory is the category of people's files (the parcours
// service's streams, "parcours-<person>"): the services meet through
// events and their naming convention, never a call.
const fileCategory = "parcours"

// serviceActor is who the notifications service writes as (the router,
// the deliverer).
const serviceActor = "maillage-notifications"

// Router is the process manager that tells the organisations of a
// person's coordination what the vigilance (or a professional) raised
// or resolved in her file: for each risk, rupture or resolution, one
// NotificationRaised in the inbox of each organisation whose part in the
// coordination, as stored now, lets it see the category (projet) — the
// coordination, the référent's organisation, the engaged and associated
// partners whose mission covers it, never one the person opposed.
//
// Each notification's id derives from its cause and recipient, and is
// the append's request id: a batch routed again after a crash writes
// nothing twice (the store remembers request ids for a day).
//
// Keys: s/<person>/<risk or rupture>  rule and rupture kind, for the
// notifications of its resolution.
type Router struct {
	db     *kv.DB
	codec  *decider.Codec
	store  es.Store
	teams  access.Teams
	stored func(ctx context.Context) error // the teams include every event stored
	idFor  func(kind, organisation, requestID string) string
	now    func() time.Time
	log    *slog.Logger
	// done ends the retries: a notification is never skipped, so the
	// router waits out a store that refuses writes (a full disk) until
	// the service stops.
	done <-chan struct{}
}

var _ projection.Projection = (*Router)(nil)

// Name is the router's durable name.
func (r *Router) Name() string { return "notifications-router-v1" }

// Filter selects the files' events.
func (r *Router) Filter() es.Filter { return es.Filter{Categories: []string{fileCategory}} }

// Position is where it stands.
func (r *Router) Position() (es.Position, error) { return r.db.Position() }

// Close closes its store.
func (r *Router) Close() error { return r.db.Close() }

var routed = map[string]bool{
	string(proto.MessageName(&eventsv1.RuptureRiskRaised{})): true,
	string(proto.MessageName(&eventsv1.RuptureDetected{})):   true,
	string(proto.MessageName(&eventsv1.RuptureResolved{})):   true,
}

// ApplyBatch routes the batch's risks, ruptures and resolutions, then
// stores its position.
func (r *Router) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	var skipped []es.RecordedEvent
	waited := false
	batch := &routerBatch{Batch: r.db.NewBatch(), subjects: map[string][]byte{}}
	for _, ev := range evs {
		if !routed[ev.Type] {
			continue
		}
		person, ok := strings.CutPrefix(ev.Stream, fileCategory+"-")
		if !ok {
			continue
		}
		payload, err := r.codec.Decode(ev)
		if err != nil {
			skipped = append(skipped, ev)
			continue
		}
		if !waited {
			if err := r.waitTeams(); err != nil {
				batch.Discard()
				return nil, err
			}
			waited = true
		}
		if err := r.route(batch, person, ev, payload); err != nil {
			batch.Discard()
			return nil, err
		}
	}
	return skipped, batch.Commit(evs[len(evs)-1].Position)
}

// waitTeams waits until the teams include what is stored.
func (r *Router) waitTeams() error {
	return r.retry("the teams did not catch up", func(ctx context.Context) error { return r.stored(ctx) })
}

// retry runs op until it succeeds, a permanent error, or the service
// stops, backing off to 5 s between attempts.
func (r *Router) retry(what string, op func(ctx context.Context) error) error {
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := op(ctx)
		cancel()
		if err == nil || errors.Is(err, es.ErrInvalidStream) || errors.Is(err, es.ErrInvalidRequest) {
			return err
		}
		if attempt%10 == 0 {
			r.log.Warn("notifications: "+what+"; trying again", "attempt", attempt+1, "err", err)
		}
		select {
		case <-r.done:
			return fmt.Errorf("notifications: %s: %w", what, err)
		case <-time.After(min(time.Duration(attempt+1)*100*time.Millisecond, 5*time.Second)):
		}
	}
}

// route raises the notification of one event in each recipient's inbox.
// routerBatch is a batch of the router's keys, read through.
type routerBatch struct {
	*kv.Batch
	subjects map[string][]byte
}

func (r *Router) subject(b *routerBatch, key []byte) ([]byte, bool, error) {
	if v, ok := b.subjects[string(key)]; ok {
		return v, true, nil
	}
	return r.db.Get(key)
}

func (r *Router) route(batch *routerBatch, person string, ev es.RecordedEvent, payload proto.Message) error {
	n := &eventsv1.NotificationRaised{PersonId: person, CauseEventId: ev.ID, CauseStream: ev.Stream,
		Category: access.Projet}
	subjectKey := func(id string) []byte { return []byte("s/" + person + "/" + id) }
	switch e := payload.(type) {
	case *eventsv1.RuptureRiskRaised:
		n.Kind, n.Severity, n.SubjectId, n.Rule, n.RuptureKind = eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_RISK_RAISED,
			eventsv1.NotificationSeverity_NOTIFICATION_SEVERITY_WARNING, e.GetRiskId(), e.GetRule(), e.GetKind()
		n.Summary = "Risque de rupture : " + e.GetDescription()
	case *eventsv1.RuptureDetected:
		n.Kind, n.Severity, n.SubjectId, n.Rule, n.RuptureKind = eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_DETECTED,
			eventsv1.NotificationSeverity_NOTIFICATION_SEVERITY_CRITICAL, e.GetRuptureId(), e.GetRule(), e.GetKind()
		n.Summary = "Rupture de parcours : " + e.GetDescription()
	case *eventsv1.RuptureResolved:
		n.Kind, n.Severity, n.SubjectId = eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_RESOLVED,
			eventsv1.NotificationSeverity_NOTIFICATION_SEVERITY_INFO, e.GetRuptureId()
		n.Summary = "Résolu : " + e.GetResolution()
		if raw, ok, err := r.subject(batch, subjectKey(e.GetRuptureId())); err != nil {
			return err
		} else if ok {
			rule, k, _ := strings.Cut(string(raw), "\x00")
			kind, _ := strconv.Atoi(k)
			n.Rule, n.RuptureKind = rule, eventsv1.RuptureKind(kind)
		}
	}
	if n.Kind != eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_RESOLVED {
		v := fmt.Appendf(nil, "%s\x00%d", n.Rule, n.RuptureKind)
		batch.subjects[string(subjectKey(n.SubjectId))] = v
		if err := batch.Set(subjectKey(n.SubjectId), v); err != nil {
			return err
		}
	}
	team, ok := r.teams.TeamOf(person)
	if !ok {
		return nil
	}
	for _, org := range Recipients(&team, access.Projet, calendar.Today(r.now())) {
		if err := r.raise(org, n); err != nil {
			return err
		}
	}
	return nil
}

func (r *Router) raise(org string, template *eventsv1.NotificationRaised) error {
	n := proto.Clone(template).(*eventsv1.NotificationRaised)
	n.RecipientOrganisationId = org
	n.NotificationId = r.idFor("maillage-notification-id-v1", org, template.GetCauseEventId())
	data, err := decider.Encode(n)
	if err != nil {
		return err
	}
	req := es.AppendRequest{Events: []es.EventData{data}, Metadata: es.Metadata{Actor: serviceActor, Organisation: "maillage",
		RequestID: n.NotificationId, CausationID: template.GetCauseEventId(), OccurredAt: r.now()}}
	return r.retry("the inbox of "+org+" refuses the notification", func(ctx context.Context) error {
		_, err := r.store.Append(ctx, es.StreamName(InboxCategory, org), es.Any, req)
		return err
	})
}

// Recipients returns the organisations of the team that see category c
// of the file on day today, in a fixed order.
func Recipients(t *access.Team, c access.Category, today string) []string {
	var orgs []string
	add := func(org string) {
		if org == "" || slices.Contains(orgs, org) {
			return
		}
		if t.GrantFor(access.Caller{Organisation: org}, today).Categories.Has(c) {
			orgs = append(orgs, org)
		}
	}
	add(t.Holder)
	if t.Coordinator != nil {
		add(t.Coordinator.Organisation)
	}
	if t.Referent != nil {
		add(t.Referent.Organisation)
	}
	partners := make([]string, 0, len(t.Partners))
	for org := range t.Partners {
		partners = append(partners, org)
	}
	slices.Sort(partners)
	for _, org := range partners {
		add(org)
	}
	return orgs
}
