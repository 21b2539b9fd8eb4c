package parcours

import (
	"sort"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/calendar"
	"github.com/maillage/maillage/internal/decider"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// vigilance is the caller the vigilance process manager acts as.
var vigilance = access.Caller{Subject: "maillage-vigilance", Organisation: "maillage"}

// VigilanceState is what the vigilance rules need of the file beyond the
// rest of the state.
type VigilanceState struct {
	// CoordinatorReleasedOn is the day the last coordinator was released,
	// "YYYY-MM-DD"; empty when none was (nobody coordinates since the
	// enrolment, or someone does: PersonState.Coordinator).
	CoordinatorReleasedOn string
	// Dismissed holds the causes whose risk or rupture a professional
	// resolved: the vigilance never raises them again.
	Dismissed map[string]bool
}

// CheckVigilance applies the vigilance rules to the file on the deciding
// clock's day: it raises a risk (RuptureRiskRaised) or a rupture
// (RuptureDetected) for each cause found that is not open yet, and
// resolves (RuptureResolved, by_vigilance) each one it raised whose cause
// went. Only the vigilance process manager runs it; written twice, it
// writes nothing the second time.
type CheckVigilance struct {
	PersonID   string
	Support    Support
	Thresholds VigilanceThresholds
}

func (c CheckVigilance) personID() string { return c.PersonID }

// raisedByVigilance returns the open risks and ruptures the vigilance
// raised, by cause, with their ids.
func raisedByVigilance(s *PersonState) map[string]string {
	open := map[string]string{}
	for id, r := range s.Life.OpenRisks {
		if r.Cause != "" {
			open[r.Cause] = id
		}
	}
	for id, r := range s.OpenRuptures {
		if r.Cause != "" {
			open[r.Cause] = id
		}
	}
	return open
}

func decideCheckVigilance(s *PersonState, c CheckVigilance, at decider.Context) ([]proto.Message, error) {
	if !s.Enrolled {
		return nil, nil
	}
	// A discharged file has no finding: what the vigilance raised in it is
	// resolved, for the person has left.
	found, _ := VigilanceFindings(s, c.Support, c.Thresholds, at.Now)
	open := raisedByVigilance(s)
	day := calendar.Today(at.Now)
	resolution := "Levé automatiquement : la cause a disparu."
	if s.Discharged {
		resolution = "Levé automatiquement : la personne est sortie du dispositif."
	}
	var events []proto.Message
	for _, cause := range sortedKeys(open) {
		if _, still := found[cause]; !still {
			events = append(events, &eventsv1.RuptureResolved{RuptureId: open[cause], ResolvedOn: day, ByVigilance: true, Resolution: resolution})
		}
	}
	for _, cause := range sortedKeys(found) {
		if _, raised := open[cause]; raised {
			continue
		}
		f := found[cause]
		id, err := newID(at)
		if err != nil {
			return nil, err
		}
		if f.Rupture {
			events = append(events, &eventsv1.RuptureDetected{RuptureId: id, Kind: f.Kind, Description: f.Description, DetectedOn: day,
				TransitionId: f.TransitionID, Rule: f.Rule, Cause: f.Cause})
		} else {
			events = append(events, &eventsv1.RuptureRiskRaised{RiskId: id, Kind: f.Kind, Description: f.Description, RaisedOn: day,
				TransitionId: f.TransitionID, Rule: f.Rule, Cause: f.Cause})
		}
	}
	return events, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// evolveVigilance keeps VigilanceState; it runs before the rest of
// evolve, while a resolved risk is still open in the state.
func evolveVigilance(s *PersonState, ev decider.Event) {
	v := &s.Vigilance
	switch e := ev.Payload.(type) {
	case *eventsv1.CoordinationRoleReleased:
		if e.GetRole() == eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR {
			v.CoordinatorReleasedOn = calendar.Today(ev.OccurredAt)
		}
	case *eventsv1.RuptureResolved:
		if e.GetByVigilance() {
			return
		}
		cause := s.Life.OpenRisks[e.GetRuptureId()].Cause + s.OpenRuptures[e.GetRuptureId()].Cause
		if cause == "" {
			return
		}
		if v.Dismissed == nil {
			v.Dismissed = map[string]bool{}
		}
		v.Dismissed[cause] = true
	}
}
