package partners

import (
	"cmp"
	"slices"

	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/partners/geo"
)

// Query is what a search asks of the directory; every criterion given
// must hold.
type Query struct {
	// Prestation: partners offering it or a child of it; "" any.
	Prestation string
	// Near: within Radius metres of it, nearest first; nil anywhere.
	Near   *geo.Point
	Radius float64
	// Commune or Departement: partners serving it.
	Commune, Departement string
	// Kinds: only these; empty any.
	Kinds []eventsv1.PartnerKind
	// OnlyAvailable: only partners with a place available.
	OnlyAvailable bool
}

// Found is a partner a search found: its index entry, and its distance
// in metres from Query.Near (0 without).
type Found struct {
	Entry    indexEntry
	Distance float64
}

// coverCells bounds the geohash cells a search near a point scans.
const coverCells = 24

// check says what is wrong with q, with the request's field names.
func (q Query) check() error {
	if q.Prestation != "" {
		if _, err := serafin.Default().Prestation(q.Prestation); err != nil {
			return derrors.Invalid("prestation_code", "%v", err)
		}
	}
	if q.Near != nil {
		if msg := checkPoint(&eventsv1.GeoPoint{Latitude: q.Near.Lat, Longitude: q.Near.Lon}); msg != "" {
			return derrors.Invalid("near", "%s", msg)
		}
	}
	if q.Commune != "" && !communePattern.MatchString(q.Commune) {
		return derrors.Invalid("commune_insee", "%q is not an INSEE commune code", q.Commune)
	}
	if q.Departement != "" && !departementPattern.MatchString(q.Departement) {
		return derrors.Invalid("departement", "%q is not a département", q.Departement)
	}
	return nil
}

// Search returns every partner that q finds, ranked: nearest first when
// q is near a point, then most places available, then by name.
func (d *Directory) Search(q Query) ([]Found, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	code := cmp.Or(q.Prestation, anyPrestation)
	var found []Found
	seen := map[string]bool{}
	keep := func(_, value []byte) bool {
		e, err := decodeEntry(value)
		if err != nil || seen[e.org] {
			return true // an entry no search can read is passed over
		}
		f := Found{Entry: e}
		if q.Near != nil {
			if !e.located {
				return true
			}
			if f.Distance = geo.Distance(*q.Near, e.at); f.Distance > q.Radius {
				return true
			}
		}
		if q.matches(e) {
			seen[e.org] = true
			found = append(found, f)
		}
		return true
	}
	var err error
	switch {
	case q.Near != nil:
		var prefixes [][]byte
		for _, cell := range geo.GeohashCover(geo.BoundingBox(*q.Near, q.Radius), geohashPrecision, coverCells) {
			prefixes = append(prefixes, []byte("g/"+code+"/"+cell))
		}
		err = d.db.ScanPrefixes(prefixes, keep)
	case q.Departement != "" || q.Commune != "":
		dep := cmp.Or(q.Departement, departementOf(q.Commune))
		err = d.db.Scan([]byte("d/"+dep+"/"+code+"/"), nil, keep)
	default:
		err = d.db.ScanPrefixes([][]byte{[]byte("g/" + code + "/"), []byte("n/" + code + "/")}, keep)
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(found, func(a, b Found) int {
		return cmp.Or(cmp.Compare(a.Distance, b.Distance), cmp.Compare(b.Entry.available, a.Entry.available),
			cmp.Compare(a.Entry.name, b.Entry.name), cmp.Compare(a.Entry.org, b.Entry.org))
	})
	return found, nil
}

// matches applies the criteria an index scan does not.
func (q Query) matches(e indexEntry) bool {
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, e.kind) {
		return false
	}
	if q.OnlyAvailable && e.available == 0 {
		return false
	}
	if q.Commune != "" && !e.serves(q.Commune) {
		return false
	}
	if q.Departement != "" && !slices.Contains(e.departements, q.Departement) {
		return false
	}
	return true
}
