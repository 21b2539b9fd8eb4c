package partners

import (
	"fmt"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/partners/geo"
)

// directoryOf folds events, stream by stream, into a directory in memory.
type directoryFixture struct {
	t        *testing.T
	d        *Directory
	versions map[string]es.Version
	position uint64
}

func newDirectory(t *testing.T) *directoryFixture {
	d, err := OpenDirectory("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return &directoryFixture{t: t, d: d, versions: map[string]es.Version{}}
}

func (f *directoryFixture) apply(org string, events ...proto.Message) {
	f.t.Helper()
	var batch []es.RecordedEvent
	for _, ev := range events {
		data, err := decider.Encode(ev)
		if err != nil {
			f.t.Fatal(err)
		}
		f.versions[org]++
		f.position++
		batch = append(batch, es.RecordedEvent{Stream: PartnerStream(org), Version: f.versions[org], Position: es.PositionAt(f.position),
			Type: data.Type, Data: data.Data})
	}
	if _, err := f.d.ApplyBatch(batch); err != nil {
		f.t.Fatal(err)
	}
}

func prestations(codes ...string) []*eventsv1.PartnerOffer {
	var out []*eventsv1.PartnerOffer
	for _, c := range codes {
		out = append(out, &eventsv1.PartnerOffer{Prestation: &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: c}})
	}
	return out
}

func located(name, commune string, lat, lon float64, offers ...string) *eventsv1.PartnerDescription {
	return &eventsv1.PartnerDescription{Name: name, Kind: eventsv1.PartnerKind_PARTNER_KIND_ESSMS,
		Address: &eventsv1.PartnerAddress{CommuneInsee: commune}, Location: &eventsv1.GeoPoint{Latitude: lat, Longitude: lon},
		Offers: prestations(offers...)}
}

var (
	rennes    = geo.Point{Lat: 48.1113, Lon: -1.6800}
	stMalo    = geo.Point{Lat: 48.6493, Lon: -2.0257}
	bordeaux  = geo.Point{Lat: 44.8378, Lon: -0.5792}
	registers = map[string]*eventsv1.PartnerRegistered{
		"350000014": {OrganisationId: "350000014", Description: located("Foyer de vie Rennes", "35238", rennes.Lat, rennes.Lon, "2.3.4.1", "2.2.1"),
			Capacity: &eventsv1.PartnerCapacity{Places: 20, AvailablePlaces: 2}},
		"350000022": {OrganisationId: "350000022", Description: located("SAVS Saint-Malo", "35288", stMalo.Lat, stMalo.Lon, "2.3.4"),
			Capacity: &eventsv1.PartnerCapacity{Places: 40}},
		"330000019": {OrganisationId: "330000019", Description: located("SAMSAH Bordeaux", "33063", bordeaux.Lat, bordeaux.Lon, "2.3.4", "2.1.1"),
			Capacity: &eventsv1.PartnerCapacity{Places: 30, AvailablePlaces: 5}},
	}
)

func orgs(found []Found) []string {
	var out []string
	for _, f := range found {
		out = append(out, f.Entry.org)
	}
	return out
}

func search(t *testing.T, d *Directory, q Query) []string {
	t.Helper()
	found, err := d.Search(q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return orgs(found)
}

func TestDirectorySearch(t *testing.T) {
	f := newDirectory(t)
	for org, ev := range registers {
		f.apply(org, ev)
	}
	noLocation := located("Club de sport adapté", "35238", 0, 0, "2.3.4")
	noLocation.Location = nil
	f.apply("35000000100015", &eventsv1.PartnerRegistered{OrganisationId: "35000000100015", Description: noLocation, Capacity: &eventsv1.PartnerCapacity{}})

	for _, tc := range []struct {
		name string
		q    Query
		want []string
	}{
		{"a parent code finds its children, nearest first", Query{Prestation: "2.3", Near: &rennes, Radius: 100_000}, []string{"350000014", "350000022"}},
		{"the exact code", Query{Prestation: "2.3.4.1", Near: &rennes, Radius: 100_000}, []string{"350000014"}},
		{"within a short distance", Query{Prestation: "2.3", Near: &rennes, Radius: 20_000}, []string{"350000014"}},
		{"far enough for Bordeaux", Query{Prestation: "2.3.4", Near: &rennes, Radius: 400_000}, []string{"350000014", "350000022", "330000019"}},
		{"what no one offers", Query{Prestation: "2.4", Near: &rennes, Radius: 500_000}, nil},
		{"in a département, without distance", Query{Prestation: "2.3", Departement: "35"}, []string{"350000014", "35000000100015", "350000022"}},
		{"serving a commune", Query{Commune: "33063"}, []string{"330000019"}},
		{"with places, most first", Query{OnlyAvailable: true}, []string{"330000019", "350000014"}},
		{"only institutions", Query{Kinds: []eventsv1.PartnerKind{eventsv1.PartnerKind_PARTNER_KIND_INSTITUTION}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := search(t, f.d, tc.q); !slices.Equal(got, tc.want) {
				t.Errorf("Search = %v, want %v", got, tc.want)
			}
		})
	}
	// A search needs a known prestation.
	if _, err := f.d.Search(Query{Prestation: "1.1"}); err == nil {
		t.Error("a search for a need (1.1) was taken as a prestation")
	}
}

// A partner that moves, stops an offer, or leaves the directory leaves
// the index entries it had: a search never finds it where it was.
func TestDirectoryIndexFollowsChanges(t *testing.T) {
	f := newDirectory(t)
	f.apply("350000014", registers["350000014"])
	moved := located("Foyer de vie Rennes", "33063", bordeaux.Lat, bordeaux.Lon, "2.2.1")
	f.apply("350000014", &eventsv1.PartnerUpdated{Description: moved})
	if got := search(t, f.d, Query{Near: &rennes, Radius: 50_000}); got != nil {
		t.Errorf("near its old place: %v, want nothing", got)
	}
	if got := search(t, f.d, Query{Prestation: "2.3", Near: &bordeaux, Radius: 50_000}); got != nil {
		t.Errorf("for the offer it stopped: %v, want nothing", got)
	}
	if got := search(t, f.d, Query{Prestation: "2.2", Near: &bordeaux, Radius: 50_000}); !slices.Equal(got, []string{"350000014"}) {
		t.Errorf("near its new place: %v", got)
	}
	f.apply("350000014", &eventsv1.CapacityUpdated{Capacity: &eventsv1.PartnerCapacity{Places: 20, AvailablePlaces: 0}})
	if got := search(t, f.d, Query{OnlyAvailable: true}); got != nil {
		t.Errorf("with no place left, among those with places: %v", got)
	}
	f.apply("350000014", &eventsv1.PartnerWithdrawn{Reason: "fermeture"})
	if got := search(t, f.d, Query{}); got != nil {
		t.Errorf("withdrawn, still found: %v", got)
	}
	if p, ok := f.d.Partner("350000014"); !ok || !p.GetWithdrawn() || p.GetVersion() != 4 {
		t.Errorf("the withdrawn partner reads %v, %v; want it, withdrawn, at version 4", p, ok)
	}
	var keys []string
	f.d.db.Scan([]byte("g/"), nil, func(k, _ []byte) bool { keys = append(keys, string(k)); return true })
	f.d.db.Scan([]byte("d/"), nil, func(k, _ []byte) bool { keys = append(keys, string(k)); return true })
	if len(keys) != 0 {
		t.Errorf("index keys left after the withdrawal: %v", keys)
	}
	f.apply("350000014", &eventsv1.PartnerReinstated{Reason: "réouverture"})
	if got := search(t, f.d, Query{}); !slices.Equal(got, []string{"350000014"}) {
		t.Errorf("reinstated: %v", got)
	}
}

// The directory is a function of its events: a redelivered batch changes
// nothing.
func TestDirectoryIgnoresEventsItHasApplied(t *testing.T) {
	f := newDirectory(t)
	f.apply("350000014", registers["350000014"])
	data, _ := decider.Encode(&eventsv1.PartnerWithdrawn{Reason: "x"})
	again := es.RecordedEvent{Stream: PartnerStream("350000014"), Version: 1, Position: es.PositionAt(1), Type: data.Type, Data: data.Data}
	if _, err := f.d.ApplyBatch([]es.RecordedEvent{again}); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.d.Partner("350000014"); p.GetWithdrawn() {
		t.Error("an event at a version already applied was applied again")
	}
}

func FuzzDecodeEntry(f *testing.F) {
	f.Add(indexEntry{org: "350000014", located: true, at: rennes, available: 3, name: "Foyer", communes: []string{"35238"}, departements: []string{"35"}}.encode())
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEntry(b)
		if err != nil {
			return
		}
		again, err := decodeEntry(e.encode())
		if err != nil || fmt.Sprint(again) != fmt.Sprint(e) {
			t.Fatalf("decode(encode(%+v)) = %+v, %v", e, again, err)
		}
	})
}
