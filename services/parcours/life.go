package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
)

// LifeState is what the decider knows of the person's coordination roles,
// entourage, projet de vie, MDPH rights, risks and discharge.
type LifeState struct{}

// decideLife decides the commands of those areas; ok is false when cmd is
// not one of them.
func decideLife(s *PersonState, cmd Command, at decider.Context) (events []proto.Message, ok bool, err error) {
	return nil, false, nil
}

// evolveLife folds the events of those areas; others change nothing.
func evolveLife(s *PersonState, ev decider.Event) {}
