package partners

import (
	"fmt"
	"strings"
	"sync"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// Directory is the projection of the partners' directory, kept on disk
// (projection/kv) with the position it covers, and the indexes its search
// scans. Reads may run while the runner applies events.
//
// Keys:
//
//	p/<org>                        the partner (partnersv1.Partner)
//	g/<code>/<geohash5>/<org>      a located partner offering code (or a child
//	                               of it; code "*" for every partner): a search
//	                               near a point scans the cells around it
//	n/<code>/<org>                 a partner offering code, without a location
//	d/<departement>/<code>/<org>   a partner serving the département, offering code
//
// Withdrawn partners keep p/ and leave every index. The index values are
// indexEntry: what a search filters and ranks on, without reading p/.
type Directory struct {
	db    *kv.DB
	codec *decider.Codec
	apply sync.Mutex
	mu    sync.Mutex
	cache *kv.Cache[*partnersv1.Partner] // decoded partners, shared: never changed once cached
}

var _ projection.Projection = (*Directory)(nil)

// directoryCache bounds the decoded partners kept in memory.
const directoryCache = 4096

// geohashPrecision is the finest cell of the index: ~5 km wide.
const geohashPrecision = 5

// anyPrestation is the index code every partner is under.
const anyPrestation = "*"

// OpenDirectory opens the directory stored in dir; "" keeps it in memory.
func OpenDirectory(dir string, codec *decider.Codec) (*Directory, error) {
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
	return &Directory{db: db, codec: codec, cache: kv.NewCache[*partnersv1.Partner](directoryCache)}, nil
}

// Close closes the store.
func (d *Directory) Close() error { return d.db.Close() }

// Name is the projection's durable name; bump it when its shape changes.
func (d *Directory) Name() string { return "partners-directory-v1" }

// Filter selects the directory's events.
func (d *Directory) Filter() es.Filter { return es.Filter{Categories: []string{PartnerCategory}} }

// Position is where the stored directory stands.
func (d *Directory) Position() (es.Position, error) { return d.db.Position() }

func partnerKey(org string) []byte { return []byte("p/" + org) }

// ApplyBatch folds events into their partners and stores them, their
// index entries and the position of the last event, in one batch.
func (d *Directory) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	d.apply.Lock()
	defer d.apply.Unlock()
	f, err := foldBatch(evs, PartnerCategory, d.codec, d.get, func(p *partnersv1.Partner, payload proto.Message, ev es.RecordedEvent) *partnersv1.Partner {
		return foldPartner(p, strings.TrimPrefix(ev.Stream, PartnerCategory+"-"), payload, uint64(ev.Version))
	})
	if err != nil {
		return nil, err
	}
	order, before, after, skipped := f.order, f.before, f.after, f.skipped
	b := d.db.NewBatch()
	for _, org := range order {
		p := after[org]
		if p == nil {
			continue
		}
		data, err := proto.MarshalOptions{Deterministic: true}.Marshal(p)
		if err != nil {
			b.Discard()
			return nil, fmt.Errorf("partner %s: %w", org, err)
		}
		if err := b.Set(partnerKey(org), data); err != nil {
			b.Discard()
			return nil, err
		}
		if err := reindex(b, before[org], p); err != nil {
			b.Discard()
			return nil, err
		}
	}
	if err := b.Commit(evs[len(evs)-1].Position); err != nil {
		return nil, err
	}
	d.mu.Lock()
	for _, org := range order {
		d.cache.Put(org, after[org])
	}
	d.mu.Unlock()
	return skipped, nil
}

// get returns the partner as stored (shared: not to be changed), nil when
// unknown.
func (d *Directory) get(org string) (*partnersv1.Partner, error) {
	d.mu.Lock()
	p, ok := d.cache.Get(org)
	d.mu.Unlock()
	if ok {
		return p, nil
	}
	data, ok, err := d.db.Get(partnerKey(org))
	if err != nil || !ok {
		return nil, err
	}
	p = &partnersv1.Partner{}
	if err := proto.Unmarshal(data, p); err != nil {
		return nil, fmt.Errorf("partner %s: %w", org, err)
	}
	d.mu.Lock()
	d.cache.Put(org, p)
	d.mu.Unlock()
	return p, nil
}

// shared returns the partner as the directory keeps it, for a caller
// that only reads it (a search answer marshalled at once); nil when
// unknown.
func (d *Directory) shared(org string) *partnersv1.Partner {
	p, _ := d.get(org)
	return p
}

// Partner returns a copy of the partner, and false when the directory
// does not know it.
func (d *Directory) Partner(org string) (*partnersv1.Partner, bool) {
	p, err := d.get(org)
	if err != nil || p == nil {
		return nil, false
	}
	return proto.CloneOf(p), true
}

// foldPartner applies one event to p (nil for a partner not seen yet).
func foldPartner(p *partnersv1.Partner, org string, payload proto.Message, version uint64) *partnersv1.Partner {
	if p == nil {
		p = &partnersv1.Partner{OrganisationId: org}
	}
	switch e := payload.(type) {
	case *eventsv1.PartnerRegistered:
		describe(p, e.GetDescription())
		p.Capacity, p.Source = e.GetCapacity(), e.GetSource()
	case *eventsv1.PartnerUpdated:
		describe(p, e.GetDescription())
		p.Source = e.GetSource()
	case *eventsv1.CapacityUpdated:
		p.Capacity = e.GetCapacity()
	case *eventsv1.PartnerWithdrawn:
		p.Withdrawn = true
	case *eventsv1.PartnerReinstated:
		p.Withdrawn = false
	}
	p.Version = version
	return p
}

// describe sets p's description fields from d, the offers' labels from
// the SERAFIN-PH data shipped.
func describe(p *partnersv1.Partner, d *eventsv1.PartnerDescription) {
	p.DisplayName, p.Kind, p.Category = d.GetName(), d.GetKind(), d.GetCategory()
	p.LegalEntityId, p.Siret, p.Address = d.GetLegalEntityId(), d.GetSiret(), d.GetAddress()
	p.Location, p.Territory, p.Contacts = d.GetLocation(), d.GetTerritory(), d.GetContacts()
	p.Mission, p.Phone = d.GetMission(), d.GetPhone()
	p.Offers = nil
	for _, o := range d.GetOffers() {
		p.Offers = append(p.Offers, &partnersv1.Offer{Prestation: labelled(o.GetPrestation()), Publics: o.GetPublics(),
			Description: o.GetDescription()})
	}
}

// labelled is code as the API shows it, with its label.
func labelled(c *eventsv1.SerafinCode) *parcoursv1.SerafinCode {
	out := &parcoursv1.SerafinCode{System: c.GetSystem(), Version: c.GetVersion(), Code: c.GetCode()}
	if e, ok := serafin.Default().Lookup(c.GetCode()); ok && c.GetVersion() == serafin.Version {
		out.Label = e.Label
	}
	return out
}
