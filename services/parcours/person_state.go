package parcours

import (
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// LifeState is what the decider knows of the person's coordination roles,
// entourage, projet de vie, MDPH rights, risks and discharge. Its maps are
// nil until an event fills them: reading a nil map is fine, and only
// evolve (dispatch.go) writes them.
type LifeState struct {
	// Referent is the référent de parcours; nil while nobody is.
	Referent *Referent
	// Level is the niveau de coordination; UNSPECIFIED until set.
	Level eventsv1.CoordinationLevel
	// Entourage holds the members of the person's network map not removed,
	// by member id.
	Entourage map[string]EntourageMember
	// LifeProject is the current projet de vie; nil until expressed.
	LifeProject *LifeProject
	// Rights holds the MDPH decisions notified, by right id.
	Rights map[string]Right
	// OpenRisks holds the risks of rupture not resolved yet, by risk id.
	// Risks and ruptures (PersonState.OpenRuptures) share one id space.
	OpenRisks map[string]Risk
	// Resolved holds the date each resolved rupture or risk was resolved
	// ("YYYY-MM-DD"), by rupture or risk id.
	Resolved map[string]string
	// DischargeReason is why the person left; UNSPECIFIED while they have
	// not (PersonState.Discharged).
	DischargeReason eventsv1.DischargeReason
}

// EntourageMember returns the member id of the person's entourage, not
// removed; ok is false otherwise.
func (l LifeState) EntourageMember(id string) (m EntourageMember, ok bool) {
	m, ok = l.Entourage[id]
	return m, ok
}
