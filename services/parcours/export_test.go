package parcours

import "github.com/maillage/maillage/internal/decider"

// UncheckedPerson is Person without its access rules: what a command
// costs without them, for BenchmarkTrust only.
var UncheckedPerson = decider.Decider[*PersonState, Command]{Initial: newPersonState, Decide: decideCommand, Evolve: evolve}

// Redact is redact, for the view's redaction tests.
var Redact = redact
