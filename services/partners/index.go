package partners

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/maillage/maillage/internal/projection/kv"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
	"github.com/maillage/maillage/services/partners/geo"
)

// indexEntry is what a search filters and ranks a partner on, kept in
// every index key of the partner so that a search reads no partner whole.
type indexEntry struct {
	org          string
	located      bool
	at           geo.Point
	available    uint32
	kind         eventsv1.PartnerKind
	name         string
	commune      string   // of its address
	communes     []string // served
	departements []string // served
}

// entryOf is p's index entry.
func entryOf(p *partnersv1.Partner) indexEntry {
	e := indexEntry{org: p.GetOrganisationId(), available: p.GetCapacity().GetAvailablePlaces(), kind: p.GetKind(),
		name: p.GetDisplayName(), commune: p.GetAddress().GetCommuneInsee(),
		communes: p.GetTerritory().GetCommunesInsee(), departements: servedDepartements(p)}
	if l := p.GetLocation(); l != nil {
		e.located, e.at = true, geo.Point{Lat: l.GetLatitude(), Lon: l.GetLongitude()}
	}
	return e
}

// departementOf is the département of an INSEE commune code: 97x overseas,
// 2A/2B in Corsica, else the first two characters.
func departementOf(commune string) string {
	if len(commune) != 5 {
		return ""
	}
	if commune[:2] == "97" || commune[:2] == "98" {
		return commune[:3]
	}
	return commune[:2]
}

// servedDepartements: those of its territory (named, or of the communes
// named); a partner that states no territory serves its address's.
func servedDepartements(p *partnersv1.Partner) []string {
	var out []string
	add := func(d string) {
		if d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	for _, d := range p.GetTerritory().GetDepartements() {
		add(d)
	}
	for _, c := range p.GetTerritory().GetCommunesInsee() {
		add(departementOf(c))
	}
	if len(out) == 0 {
		add(departementOf(p.GetAddress().GetCommuneInsee()))
	}
	return out
}

// serves reports whether the partner of e serves the commune: named in
// its territory, in a département it serves, or, with no territory
// stated, its own address's commune's département.
func (e indexEntry) serves(commune string) bool {
	return slices.Contains(e.communes, commune) || slices.Contains(e.departements, departementOf(commune))
}

// indexCodes are the codes a partner is found under: every prestation it
// offers and their parents, and anyPrestation.
func indexCodes(p *partnersv1.Partner) []string {
	codes := []string{anyPrestation}
	add := func(c string) {
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	for _, o := range p.GetOffers() {
		code := o.GetPrestation().GetCode()
		for _, up := range serafin.Default().Ancestors(code) {
			add(up.Code)
		}
		add(code)
	}
	return codes
}

// indexKeys are p's index keys with their value; none for a withdrawn or
// absent partner.
func indexKeys(p *partnersv1.Partner) map[string][]byte {
	if p == nil || p.GetWithdrawn() {
		return nil
	}
	e := entryOf(p)
	value := e.encode()
	org := p.GetOrganisationId()
	out := map[string][]byte{}
	for _, code := range indexCodes(p) {
		if e.located {
			out["g/"+code+"/"+geo.Geohash(e.at, geohashPrecision)+"/"+org] = value
		} else {
			out["n/"+code+"/"+org] = value
		}
		for _, d := range e.departements {
			out["d/"+d+"/"+code+"/"+org] = value
		}
	}
	return out
}

// reindex moves a partner's index from what before gave to what after
// gives.
func reindex(b *kv.Batch, before, after *partnersv1.Partner) error {
	old, next := indexKeys(before), indexKeys(after)
	for k := range old {
		if _, kept := next[k]; !kept {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
		}
	}
	for k, v := range next {
		if err := b.Set([]byte(k), v); err != nil {
			return err
		}
	}
	return nil
}

// entryVersion starts an encoded entry.
const entryVersion = 1

func (e indexEntry) encode() []byte {
	b := []byte{entryVersion, 0}
	if e.located {
		b[1] = 1
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.at.Lat))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.at.Lon))
	b = binary.AppendUvarint(b, uint64(e.available))
	b = binary.AppendUvarint(b, uint64(e.kind))
	b = appendStrings(b, []string{e.org, e.name, e.commune})
	b = appendStrings(b, e.communes)
	return appendStrings(b, e.departements)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

var errBadEntry = errors.New("partners: unreadable index entry")

// decodeEntry reads what encode wrote; any other bytes are an error, never
// a panic.
func decodeEntry(b []byte) (indexEntry, error) {
	var e indexEntry
	if len(b) < 18 || b[0] != entryVersion || b[1] > 1 {
		return e, errBadEntry
	}
	e.located = b[1] == 1
	e.at = geo.Point{Lat: math.Float64frombits(binary.LittleEndian.Uint64(b[2:])), Lon: math.Float64frombits(binary.LittleEndian.Uint64(b[10:]))}
	r := entryReader{b: b[18:]}
	available, kind := r.uvarint(), r.uvarint()
	head := r.strings()
	e.communes, e.departements = r.strings(), r.strings()
	if r.err != nil || len(r.b) != 0 || len(head) != 3 || available > math.MaxUint32 || kind > math.MaxInt32 {
		return indexEntry{}, errBadEntry
	}
	e.available, e.kind = uint32(available), eventsv1.PartnerKind(kind)
	e.org, e.name, e.commune = head[0], head[1], head[2]
	return e, nil
}

type entryReader struct {
	b   []byte
	err error
}

func (r *entryReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadEntry
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *entryReader) strings() []string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errBadEntry
		return nil
	}
	var out []string
	for range n {
		l := r.uvarint()
		if r.err != nil || l > uint64(len(r.b)) {
			r.err = errBadEntry
			return nil
		}
		out = append(out, string(r.b[:l]))
		r.b = r.b[l:]
	}
	return out
}
