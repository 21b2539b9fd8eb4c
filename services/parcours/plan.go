package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
)

// PlanState is the projet personnalisé as the decider knows it: needs,
// objectives, actions, validation, reviews and evaluations.
type PlanState struct{}

// decidePlan decides the plan's commands; ok is false when cmd is not one
// of them.
func decidePlan(s *PersonState, cmd Command, at decider.Context) (events []proto.Message, ok bool, err error) {
	return nil, false, nil
}

// evolvePlan folds the plan's events; others change nothing.
func evolvePlan(s *PersonState, ev decider.Event) {}
