// Package auth identifies the professional behind a gRPC call: who they are
// (a subject), which organisation they act for (a FINESS or SIRET number) and
// in which role. Professionals present a bearer token, a JWT signed with
// Ed25519 (EdDSA). The embedded deployment signs its own tokens with a local
// key (LoadOrCreateSigningKey, Issuer, maillagectl token); the Verifier takes
// its keys from a KeySource so that an OIDC provider's keys can replace the
// local key later.
package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/maillage/maillage/internal/derrors"
)

// Principal is the professional a call acts for, as a verified token states.
type Principal struct {
	// Subject identifies the professional, stable across tokens (claim "sub").
	Subject string
	// Organisation is the FINESS or SIRET number of the organisation the
	// professional acts for (claim "org").
	Organisation string
	// Role is what the professional does in the coordination (claim "role").
	Role Role
	// Name is how the professional is shown to others; it may be empty
	// (claim "name").
	Name string
	// HealthProfessional is true when the issuer attests a professionnel de
	// santé (claim "health_professional"): santé is shown to them by their
	// mission, to others only under the person's consent.
	HealthProfessional bool
	// TokenID, IssuedAt and ExpiresAt are the verified token's "jti", "iat"
	// and "exp": what revocation goes by. Zero outside a verified call.
	TokenID   string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Validate reports every missing or malformed field of p as a
// *derrors.InvalidError whose fields are named after the token claims.
func (p Principal) Validate() error {
	inv := &derrors.InvalidError{}
	if p.Subject == "" {
		inv.Add("sub", "missing: every call must name the professional who makes it")
	}
	if err := ValidateOrganisation(p.Organisation); err != nil {
		inv.Add("org", "%v", err)
	}
	if !p.Role.Valid() {
		inv.Add("role", "%q is not one of %v", p.Role, Roles())
	}
	return inv.OrNil()
}

// Role is what a professional does in a person's coordination. Authorization
// decisions are made on it together with the organisation.
type Role string

// The roles a professional can hold.
const (
	// RoleCoordinateur — coordinateur de parcours: leads a person's
	// coordination, plans transitions and convenes meetings.
	// Pathway coordinator: leads the coordination of a person's pathway.
	RoleCoordinateur Role = "coordinateur"

	// RoleReferent — référent de parcours: the professional of reference for
	// one person within a partner organisation.
	// Case referent: the person's named contact within a partner organisation.
	RoleReferent Role = "referent"

	// RoleProfessionnel — professionnel intervenant: takes part in a person's
	// support and sees what its mission needs.
	// Practitioner: takes part in the person's support, sees what the mission needs.
	RoleProfessionnel Role = "professionnel"

	// RoleDPO — délégué à la protection des données: reads audit trails and
	// handles people's GDPR requests (RGPD, articles 37 to 39).
	// Data protection officer: reads audit trails, handles GDPR requests.
	RoleDPO Role = "dpo"

	// RoleAdministrateur — administrateur: configures the platform
	// (organisations, partners, settings); sees no person's file by role alone.
	// Administrator: configures the platform; no access to files by role alone.
	RoleAdministrateur Role = "administrateur"
)

// Roles returns every valid role, in a stable order.
func Roles() []Role {
	return []Role{RoleCoordinateur, RoleReferent, RoleProfessionnel, RoleDPO, RoleAdministrateur}
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	switch r {
	case RoleCoordinateur, RoleReferent, RoleProfessionnel, RoleDPO, RoleAdministrateur:
		return true
	}
	return false
}

// ValidateOrganisation reports why id is neither a FINESS nor a SIRET
// number, or returns nil.
//
// A FINESS number (Fichier national des établissements sanitaires et
// sociaux) has 9 characters: the département then 7 digits; Corsican
// départements write theirs 2A and 2B. Its last digit is a check key that is
// not verified here.
//
// A SIRET number has 14 digits (the 9-digit SIREN, then 5 for the
// establishment) and passes the Luhn check, except La Poste's
// establishments (SIREN 356000000), too numerous for Luhn keys, whose digits
// instead sum to a multiple of 5 (INSEE, « Le code SIRET »).
func ValidateOrganisation(id string) error {
	switch len(id) {
	case 0:
		return fmt.Errorf("missing: a FINESS (9 digits) or SIRET (14 digits) number")
	case 9:
		rest := id
		if id[:2] == "2A" || id[:2] == "2B" {
			rest = id[2:]
		}
		if !allDigits(rest) {
			return fmt.Errorf("%q is not a FINESS number: 9 digits (2A or 2B for Corsica)", id)
		}
		return nil
	case 14:
		if !allDigits(id) {
			return fmt.Errorf("%q is not a SIRET number: 14 digits", id)
		}
		if luhn(id) || (id[:9] == "356000000" && digitSum(id)%5 == 0) {
			return nil
		}
		return fmt.Errorf("%q is not a SIRET number: its check digit is wrong (Luhn)", id)
	}
	return fmt.Errorf("%q is neither a FINESS (9 digits) nor a SIRET (14 digits) number", id)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// luhn reports whether the decimal string s passes the Luhn check.
func luhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func digitSum(s string) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += int(s[i] - '0')
	}
	return sum
}

type principalKey struct{}

// WithPrincipal returns a copy of ctx that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal ctx carries. It is false on calls that
// were not authenticated (health checks, reflection, other public methods).
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Who returns p without the facts of its token (id, issue and expiry):
// the professional, whichever token names them.
func (p Principal) Who() Principal {
	p.TokenID, p.IssuedAt, p.ExpiresAt = "", time.Time{}, time.Time{}
	return p
}
