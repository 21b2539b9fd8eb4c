package meetings

import (
	"net/url"
	"strings"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Index is the projection of which meetings concern which organisation
// — the one that organises it and those whose professionals are invited
// (o/<org>/<meeting>) — and which meetings each invitee is invited to
// (b/<invitee>/<meeting>, for double booking). A meeting itself is read
// from its stream.
type Index struct {
	db    *kv.DB
	codec *decider.Codec
}

var _ projection.Projection = (*Index)(nil)

// Name is the projection's durable name.
func (x *Index) Name() string { return "meetings-index-v1" }

// Filter selects the meetings' events.
func (x *Index) Filter() es.Filter { return es.Filter{Categories: []string{Category}} }

// Position is where it stands.
func (x *Index) Position() (es.Position, error) { return x.db.Position() }

// Close closes its store.
func (x *Index) Close() error { return x.db.Close() }

// ApplyBatch indexes the organisers and the professionals' organisations.
func (x *Index) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	b := x.db.NewBatch()
	var skipped []es.RecordedEvent
	for _, ev := range evs {
		id, ok := strings.CutPrefix(ev.Stream, Category+"-")
		if !ok {
			continue
		}
		payload, err := x.codec.Decode(ev)
		if err != nil {
			skipped = append(skipped, ev)
			continue
		}
		var keys []string
		switch e := payload.(type) {
		case *eventsv1.MeetingScheduled:
			keys = append(keys, "o/"+e.GetOrganiserOrganisationId()+"/"+id)
		case *eventsv1.ParticipantInvited:
			if e.GetKind() == eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL {
				keys = append(keys, "o/"+e.GetOrganisationId()+"/"+id)
			}
			if who := invitee(participantOf(e)); who != "" {
				keys = append(keys, "b/"+who+"/"+id)
			}
		}
		for _, k := range keys {
			if err := b.Set([]byte(k), nil); err != nil {
				b.Discard()
				return nil, err
			}
		}
	}
	return skipped, b.Commit(evs[len(evs)-1].Position)
}

// Of returns the meetings that concern org.
func (x *Index) Of(org string) ([]string, error) { return x.db.Suffixes([]byte("o/" + org + "/")) }

// invitee names who a participant is across meetings: a professional, or
// the person; "" for an entourage member (not followed across files).
func invitee(p Participant) string {
	switch p.Kind {
	case eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL:
		return "pro:" + p.Organisation + ":" + url.PathEscape(p.Professional) // a subject may hold "/"
	case eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON:
		return "person:" + p.PersonID
	}
	return ""
}

// invitedTo returns the meetings the invitee is invited to.
func (x *Index) invitedTo(who string) ([]string, error) {
	return x.db.Suffixes([]byte("b/" + who + "/"))
}
