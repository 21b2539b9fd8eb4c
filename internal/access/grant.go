package access

import (
	"slices"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
)

// Caller is who asks: a verified token's principal, and the member
// organisations whose part a plateforme de services may use.
type Caller struct {
	Subject            string
	Organisation       string
	Role               auth.Role
	HealthProfessional bool
	// ActingFor are the member organisations that delegated to the
	// caller's organisation (a plateforme de services); empty otherwise.
	ActingFor []string
}

// CallerOf returns the caller a principal is, acting for the given
// delegating members.
func CallerOf(p auth.Principal, actingFor ...string) Caller {
	return Caller{Subject: p.Subject, Organisation: p.Organisation, Role: p.Role,
		HealthProfessional: p.HealthProfessional, ActingFor: actingFor}
}

// Part is how an organisation takes part in a person's coordination.
type Part int

// The parts, from none to the fullest.
const (
	PartNone         Part = iota
	PartPartner           // a partner associated for a mission
	PartReferent          // the organisation of the référent de parcours
	PartCoordination      // the organisation holding the coordination
)

// Grant is what a caller may see of one person's file.
type Grant struct {
	Part Part
	// Via is the organisation whose part is used: the caller's own, or a
	// member that delegated to it (then Delegated is true).
	Via       string
	Delegated bool
	// Categories the caller may see; ByConsent are those of them that only
	// a consent allows (legal basis: consent), ConsentIDs the consents.
	Categories Categories
	ByConsent  Categories
	ConsentIDs []string
}

// PartOf returns how organisation takes part in the coordination.
func (t *Team) PartOf(organisation string) Part {
	switch {
	case organisation == "":
		return PartNone
	case organisation == t.Holder || (t.Coordinator != nil && t.Coordinator.Organisation == organisation):
		return PartCoordination
	case t.Referent != nil && t.Referent.Organisation == organisation:
		return PartReferent
	}
	if _, ok := t.Partners[organisation]; ok {
		return PartPartner
	}
	return PartNone
}

// GrantFor returns what c may see of the file on the day today
// ("YYYY-MM-DD", for consents' expiry), whatever c's role; ReadFile adds
// the role's rules. A plateforme de services sees the union of its own
// part and its delegating members' parts, and the person's oppositions
// naming the plateforme (or everyone but the holder) hold over all of it.
func (t *Team) GrantFor(c Caller, today string) Grant {
	own := t.grantVia(c, c.Organisation, today)
	best := own
	for _, member := range c.ActingFor {
		g := t.grantVia(c, member, today)
		if g.Part == PartNone {
			continue
		}
		if best.Part == PartNone {
			best = g
			continue
		}
		byMission := best.Categories.Without(best.ByConsent) | g.Categories.Without(g.ByConsent)
		best.Categories |= g.Categories
		best.ByConsent = best.Categories.Without(byMission)
		best.ConsentIDs = append(best.ConsentIDs, g.ConsentIDs...)
		if g.Part > best.Part {
			best.Part = g.Part
		}
		if g.Categories.Without(own.Categories) != 0 {
			best.Via = member
		}
	}
	if best.Part == PartNone {
		return Grant{}
	}
	// The caller's own organisation is named by these oppositions,
	// whoever's part it uses.
	for _, op := range t.Oppositions {
		if op.Organisation == c.Organisation || (op.Organisation == "" && c.Organisation != t.Holder) {
			best.Categories = best.Categories.Without(op.Categories)
		}
	}
	best.ByConsent &= best.Categories
	// Delegated: something seen is seen only through a member.
	best.Delegated = best.Categories.Without(own.Categories) != 0 || own.Part == PartNone
	if !best.Delegated {
		best.Via = c.Organisation
	}
	slices.Sort(best.ConsentIDs)
	best.ConsentIDs = slices.Compact(best.ConsentIDs)
	return best
}

func (t *Team) grantVia(c Caller, organisation, today string) Grant {
	part := t.PartOf(organisation)
	g := Grant{Part: part, Via: organisation}
	switch part {
	case PartNone:
		return Grant{}
	case PartCoordination, PartReferent:
		g.Categories = All
	case PartPartner:
		g.Categories = t.Partners[organisation].Categories
	}
	if !c.HealthProfessional {
		g.Categories = g.Categories.Without(Of(Sante))
	}
	for _, id := range sortedKeys(t.Consents) {
		cs := t.Consents[id]
		if cs.Organisation != "" && cs.Organisation != organisation {
			continue
		}
		if cs.ExpiresOn != "" && cs.ExpiresOn < today {
			continue
		}
		if extra := cs.Categories.Without(g.Categories); extra != 0 {
			g.Categories |= extra
			g.ByConsent |= extra
			g.ConsentIDs = append(g.ConsentIDs, id)
		}
	}
	for _, op := range t.Oppositions {
		if op.Organisation == organisation || (op.Organisation == "" && organisation != t.Holder) {
			g.Categories = g.Categories.Without(op.Categories)
		}
	}
	g.ByConsent &= g.Categories
	return g
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ReadFile returns what c may read of the file, or why c may not read it
// at all: a dpo or an administrateur reads no file, and an organisation
// outside the coordination sees nothing of it, not even that it exists.
func (t *Team) ReadFile(c Caller, today string) (Grant, error) {
	if err := roleReadsFiles(c.Role); err != nil {
		return Grant{}, err
	}
	g := t.GrantFor(c, today)
	if g.Part == PartNone {
		return Grant{}, notInCoordination(c)
	}
	return g, nil
}

// ReadAudit says whether c may read the person's audit trail: a dpo of an
// organisation taking part, or the coordination.
func (t *Team) ReadAudit(c Caller) error {
	part := t.GrantFor(Caller{Organisation: c.Organisation, ActingFor: c.ActingFor}, "").Part
	switch {
	case part == PartNone:
		return notInCoordination(c)
	case c.Role == auth.RoleDPO:
		return nil
	case part == PartCoordination && c.Role == auth.RoleCoordinateur:
		return nil
	}
	return derrors.Denied("access.audit_reader", "the audit trail is read by a dpo of an organisation taking part, or by a coordinateur of the organisation holding the coordination; %s is %s", c.Organisation, c.Role)
}

func roleReadsFiles(r auth.Role) error {
	switch r {
	case auth.RoleCoordinateur, auth.RoleReferent, auth.RoleProfessionnel:
		return nil
	case auth.RoleDPO:
		return derrors.Denied("access.role_reads_no_file", "a dpo reads audit trails, not people's files")
	}
	return derrors.Denied("access.role_reads_no_file", "the role %q sees no person's file", r)
}

func notInCoordination(c Caller) error {
	return derrors.Denied("access.not_in_coordination",
		"organisation %s takes no part in this person's coordination", c.Organisation)
}
