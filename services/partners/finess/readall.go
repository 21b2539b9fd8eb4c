package finess

import (
	"errors"
	"fmt"
	"io"
)

// Stock is a whole extract: its établissements with their coordinates, and
// the lines that could not be used.
type Stock struct {
	Header         *Header // nil when the extract has no header line
	Encoding       Encoding
	Establishments []Establishment // in the order of the file
	Rejected       []Rejected      // in the order of the file
}

// ReadAll reads an extract to its end and joins each établissement with its
// geolocalisation line, wherever that line is. Besides the lines Reader.Next
// rejects, it rejects a second structureet line for a FINESS number already
// read, a second geolocalisation line for one établissement, and a
// geolocalisation line for an établissement the extract does not have. The
// error is the underlying reader's, if it fails; the Stock then holds what
// was read before.
func ReadAll(r io.Reader) (*Stock, error) {
	rd := NewReader(r)
	s := &Stock{}
	index := make(map[string]int) // FINESS ET → index in ets
	var ets []*Establishment      // pointers while reading: growing the slice copies 8 bytes each, not 600
	var places []*Geolocation
	var err error
	for {
		var rec Record
		rec, err = rd.Next()
		if err != nil {
			var rej *Rejected
			if errors.As(err, &rej) {
				s.Rejected = append(s.Rejected, *rej)
				continue
			}
			break
		}
		switch rec := rec.(type) {
		case *Header:
			if s.Header == nil {
				s.Header = rec
			} else {
				s.Rejected = append(s.Rejected, Rejected{Line: rec.Line,
					Reason: fmt.Sprintf("a second header line (the first is line %d)", s.Header.Line)})
			}
		case *Establishment:
			id := rec.FINESS.String()
			if i, ok := index[id]; ok {
				s.Rejected = append(s.Rejected, Rejected{Line: rec.Line, FINESS: id,
					Reason: fmt.Sprintf("FINESS %s is already the établissement of line %d", id, ets[i].Line)})
				continue
			}
			index[id] = len(ets)
			ets = append(ets, rec)
		case *Geolocation:
			places = append(places, rec)
		}
	}
	s.Encoding = rd.Encoding()
	if err == io.EOF {
		err = nil
	}
	// Join once every structureet line is read: the extract puts the
	// geolocalisation lines last, but nothing here depends on it.
	var joined []Rejected
	placedBy := make(map[string]int) // FINESS ET → line of its geolocalisation
	for _, g := range places {
		id := g.FINESS.String()
		i, ok := index[id]
		switch {
		case !ok:
			joined = append(joined, Rejected{Line: g.Line, FINESS: id,
				Reason: fmt.Sprintf("geolocalisation of %s: no structureet line for it", id)})
		case placedBy[id] != 0:
			joined = append(joined, Rejected{Line: g.Line, FINESS: id,
				Reason: fmt.Sprintf("geolocalisation of %s: a second one (the first is line %d)", id, placedBy[id])})
		default:
			placedBy[id] = g.Line
			if g.Located {
				ets[i].Location = g
			}
		}
	}
	s.Rejected = mergeByLine(s.Rejected, joined)
	s.Establishments = make([]Establishment, len(ets))
	for i, e := range ets {
		s.Establishments[i] = *e
	}
	return s, err
}

// mergeByLine merges two lists of rejections, each in line order.
func mergeByLine(a, b []Rejected) []Rejected {
	if len(b) == 0 {
		return a
	}
	out := make([]Rejected, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].Line <= b[0].Line {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}
