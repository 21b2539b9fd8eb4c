package parcours

import (
	"context"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/projection/kv"
)

// UncheckedPerson is Person without its access rules: what a command
// costs without them, for BenchmarkTrust only.
var UncheckedPerson = decider.Decider[*PersonState, Command]{Initial: newPersonState, Decide: decideCommand, Evolve: evolve}

// Redact is redact, for the view's redaction tests.
var Redact = redact

// EvaluateVigilance runs the rules on the person's file as stored now,
// writing nothing: the vigilance's work for one person due, for
// BenchmarkVigilance. It returns how many findings the rules make.
func EvaluateVigilance(ctx context.Context, s *Service, person string) (int, error) {
	n := 0
	err := s.persons.Inspect(ctx, person, func(st *PersonState) {
		found, _ := VigilanceFindings(st, Support{}, DefaultVigilanceThresholds(), s.cfg.Now())
		n = len(found)
	})
	return n, err
}

// NewVigilanceFold is the vigilance's projection alone (its fold and due
// marks; no check), in memory, for BenchmarkVigilance.
func NewVigilanceFold() *Vigilance {
	return &Vigilance{db: kv.OpenMem(), codec: decider.NewCodec(nil), wake: make(chan struct{}, 1)}
}
