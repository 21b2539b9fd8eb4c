package es

import (
	"fmt"
	"strconv"
	"strings"
)

// Position orders every event of a store. It is a pair so that both engines
// fit: JetStream gives one stream sequence (Commit == Prepare), KurrentDB a
// commit and a prepare position. Callers outside a backend treat it as
// opaque: compare with Compare, carry it as the string of String, and read
// it back with ParsePosition.
type Position struct {
	Commit  uint64
	Prepare uint64
}

// Start is the position before every event.
var Start = Position{}

// PositionAt returns the position of a single-counter engine.
func PositionAt(seq uint64) Position { return Position{Commit: seq, Prepare: seq} }

// IsZero reports whether p is the position before every event.
func (p Position) IsZero() bool { return p == Position{} }

// Compare returns -1, 0 or +1 as p is before, at or after q.
func (p Position) Compare(q Position) int {
	switch {
	case p.Commit < q.Commit:
		return -1
	case p.Commit > q.Commit:
		return 1
	case p.Prepare < q.Prepare:
		return -1
	case p.Prepare > q.Prepare:
		return 1
	}
	return 0
}

// Before reports whether p comes strictly before q.
func (p Position) Before(q Position) bool { return p.Compare(q) < 0 }

// String is the token integrators carry (min_position): "42" for a
// single-counter engine, "commit:prepare" otherwise, "" for Start.
func (p Position) String() string {
	if p.IsZero() {
		return ""
	}
	if p.Commit == p.Prepare {
		return strconv.FormatUint(p.Commit, 10)
	}
	return strconv.FormatUint(p.Commit, 10) + ":" + strconv.FormatUint(p.Prepare, 10)
}

// ParsePosition reads a token written by Position.String. The empty token
// is Start.
func ParsePosition(s string) (Position, error) {
	if s == "" {
		return Start, nil
	}
	c, p, pair := strings.Cut(s, ":")
	commit, err := strconv.ParseUint(c, 10, 64)
	if err != nil {
		return Start, fmt.Errorf("es: position %q is not a position token", s)
	}
	if !pair {
		return PositionAt(commit), nil
	}
	prepare, err := strconv.ParseUint(p, 10, 64)
	if err != nil {
		return Start, fmt.Errorf("es: position %q is not a position token", s)
	}
	return Position{Commit: commit, Prepare: prepare}, nil
}
