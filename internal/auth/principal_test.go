package auth_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/maillage/maillage/internal/auth"
)

func TestValidateOrganisation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		want bool
	}{
		{"750000001", true},       // FINESS, Paris
		{"2A0000001", true},       // FINESS, Corse-du-Sud
		{"2B0000001", true},       // FINESS, Haute-Corse
		{"2C0000001", false},      //
		{"75000000A", false},      //
		{"73282932000074", true},  // SIRET, Luhn
		{"73282932000075", false}, // SIRET, bad check digit
		{"35600000000048", true},  // La Poste's head office, Luhn
		{"35600000049837", true},  // a La Poste establishment: digits sum to a multiple of 5
		{"35600000049838", false}, // neither
		{"7328293200007A", false}, //
		{"", false},
		{"12345678", false},
		{"1234567890", false},
		{" 750000001", false},
	}
	for _, tt := range tests {
		err := auth.ValidateOrganisation(tt.id)
		if got := err == nil; got != tt.want {
			t.Errorf("ValidateOrganisation(%q) = %v, want valid %v", tt.id, err, tt.want)
		}
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	for _, r := range auth.Roles() {
		if !r.Valid() {
			t.Errorf("%q.Valid() = false, want true", r)
		}
	}
	for _, r := range []auth.Role{"", "Coordinateur", "admin"} {
		if r.Valid() {
			t.Errorf("%q.Valid() = true, want false", r)
		}
	}
}

func TestPrincipalContext(t *testing.T) {
	t.Parallel()
	if p, ok := auth.PrincipalFrom(context.Background()); ok {
		t.Errorf("PrincipalFrom(background) = %+v, true; want false", p)
	}
	got, ok := auth.PrincipalFrom(auth.WithPrincipal(context.Background(), principal))
	if !ok {
		t.Fatal("PrincipalFrom(WithPrincipal(p)) found nothing")
	}
	if diff := cmp.Diff(principal, got); diff != "" {
		t.Errorf("PrincipalFrom(WithPrincipal(p)) (-want +got):\n%s", diff)
	}
}
