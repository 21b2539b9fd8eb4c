package auth_test

import (
	"context"
	"crypto"
	"errors"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
)

// revocableKeys is a key source whose keys can be withdrawn.
type revocableKeys struct {
	keys    auth.StaticKeys
	revoked bool
}

func (r *revocableKeys) VerificationKeys(ctx context.Context, kid string) ([]crypto.PublicKey, error) {
	if r.revoked {
		return nil, nil
	}
	return r.keys.VerificationKeys(ctx, kid)
}

// A verified token is remembered, but never past its expiry, and never
// more than a minute without checking its signature again.
func TestVerifiedTokensAreRememberedWithinTheirValidity(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	iss := mustIssuer(t, auth.IssuerConfig{Key: mustKey(t), TTL: 10 * time.Minute, Now: clock})
	token, err := iss.Issue(principal)
	if err != nil {
		t.Fatal(err)
	}
	keys := &revocableKeys{keys: auth.NewStaticKeys(iss.PublicKey())}
	v, err := auth.NewVerifier(auth.VerifierConfig{Keys: keys, Now: clock, Leeway: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		what    string
		advance time.Duration
		revoked bool
		ok      bool
	}{
		{"first use", 0, false, true},
		{"key withdrawn, token remembered", 30 * time.Second, true, true},
		{"key withdrawn, memory lapsed", 2 * time.Minute, true, false},
		{"key back", time.Minute, false, true},
		{"past expiry", 7 * time.Minute, false, false},
	} {
		now = now.Add(step.advance)
		keys.revoked = step.revoked
		got, err := v.Verify(token)
		got.TokenID, got.IssuedAt, got.ExpiresAt = "", time.Time{}, time.Time{}
		if step.ok && (err != nil || got != principal) {
			t.Fatalf("%s: Verify = %v, %v; want %v", step.what, got, err, principal)
		}
		if !step.ok && !errors.Is(err, derrors.ErrUnauthenticated) {
			t.Fatalf("%s: Verify = %v, %v; want Unauthenticated", step.what, got, err)
		}
	}
}
