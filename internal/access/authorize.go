package access

import (
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
)

// Need is what a command on a person's file needs of its caller.
type Need struct {
	// Action names the command in words, for refusals ("discharge the
	// person").
	Action string
	// Coordination: only the coordination may do it (the named
	// coordinator, or a coordinateur of the organisation holding the
	// coordination). Referent also lets the référent do it.
	Coordination bool
	Referent     bool
	// Categories the command writes: the caller must see each of them.
	Categories Categories
}

// Authorize says whether c may run a command needing need on the file, on
// the day today; nil when it may, a *derrors.DeniedError naming the rule
// otherwise.
func (t *Team) Authorize(c Caller, need Need, today string) error {
	if err := roleWrites(c.Role); err != nil {
		return err
	}
	g := t.GrantFor(c, today)
	if g.Part == PartNone {
		return notInCoordination(c)
	}
	if need.Coordination && !t.coordinates(c, need.Referent) {
		who := "the coordination"
		if need.Referent {
			who = "the coordination or the référent"
		}
		return derrors.Denied("access.coordination_only",
			"only %s may %s: the coordinator named, or a coordinateur of the organisation holding the coordination", who, need.Action)
	}
	if missing := need.Categories.Without(g.Categories); missing != 0 {
		return derrors.Denied("access.category_not_granted",
			"to %s, organisation %s would need %s, which its part in the coordination does not let it see", need.Action, c.Organisation, missing)
	}
	return nil
}

// coordinates reports whether c acts as the coordination: the named
// coordinator, or a coordinateur of the holder (or of a member that
// delegated to c's organisation); with referent, the named référent too.
func (t *Team) coordinates(c Caller, referent bool) bool {
	if t.Coordinator != nil && t.Coordinator.Subject == c.Subject && t.Coordinator.Organisation == c.Organisation {
		return true
	}
	if referent && t.Referent != nil && t.Referent.Subject == c.Subject && t.Referent.Organisation == c.Organisation {
		return true
	}
	if c.Role != auth.RoleCoordinateur {
		return false
	}
	if c.Organisation == t.Holder {
		return true
	}
	for _, m := range c.ActingFor {
		if m == t.Holder {
			return true
		}
	}
	return false
}

// AuthorizeEnrolment says whether c may open a person's file: a
// coordinateur or a référent, for their own organisation.
func AuthorizeEnrolment(c Caller) error {
	if c.Role != auth.RoleCoordinateur && c.Role != auth.RoleReferent {
		return derrors.Denied("access.enrolment_role", "a person is enrolled by a coordinateur or a référent, not by the role %q", c.Role)
	}
	return nil
}

func roleWrites(r auth.Role) error {
	switch r {
	case auth.RoleCoordinateur, auth.RoleReferent, auth.RoleProfessionnel:
		return nil
	}
	return derrors.Denied("access.role_writes_no_file", "the role %q changes no person's file", r)
}
