package auth_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
)

var (
	t0        = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	principal = auth.Principal{Subject: "prof-42", Organisation: "750000001", Role: auth.RoleCoordinateur, Name: "Camille Martin"}
)

func mustKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustIssuer(t *testing.T, cfg auth.IssuerConfig) *auth.Issuer {
	t.Helper()
	is, err := auth.NewIssuer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func mustVerifier(t *testing.T, now time.Time, keys ...ed25519.PublicKey) *auth.Verifier {
	t.Helper()
	v, err := auth.NewVerifier(auth.VerifierConfig{Keys: auth.NewStaticKeys(keys...), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sign signs arbitrary claims and header fields, as a forger or a
// misconfigured issuer would.
func sign(t *testing.T, method jwt.SigningMethod, key any, header map[string]any, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// goodClaims returns the claims Issue would write at t0, to be spoiled one
// at a time.
func goodClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss":  auth.DefaultIssuer,
		"aud":  []string{auth.DefaultAudience},
		"sub":  principal.Subject,
		"iat":  t0.Unix(),
		"nbf":  t0.Unix(),
		"exp":  t0.Add(time.Hour).Unix(),
		"org":  principal.Organisation,
		"role": string(principal.Role),
	}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	c[k] = v
	if v == nil {
		delete(c, k)
	}
	return c
}

func TestIssueVerify(t *testing.T) {
	t.Parallel()
	key := mustKey(t)
	is := mustIssuer(t, auth.IssuerConfig{Key: key, TTL: time.Hour, Now: func() time.Time { return t0 }})
	tok, err := is.Issue(principal)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{t0, t0.Add(59 * time.Minute), t0.Add(-20 * time.Second), t0.Add(time.Hour + 20*time.Second)} {
		got, err := mustVerifier(t, at, is.PublicKey()).Verify(tok)
		if err != nil {
			t.Fatalf("Verify at %v: %v", at, err)
		}
		if got.TokenID == "" || !got.IssuedAt.Equal(t0) || !got.ExpiresAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("Verify(Issue(p)) at %v: token id %q, issued %v, expires %v", at, got.TokenID, got.IssuedAt, got.ExpiresAt)
		}
		got.TokenID, got.IssuedAt, got.ExpiresAt = "", time.Time{}, time.Time{}
		if diff := cmp.Diff(principal, got); diff != "" {
			t.Errorf("Verify(Issue(p)) at %v (-want +got):\n%s", at, diff)
		}
	}
}

func TestVerifyTokenWithoutKeyID(t *testing.T) {
	t.Parallel()
	key := mustKey(t)
	tok := sign(t, jwt.SigningMethodEdDSA, key, nil, goodClaims())
	if _, err := mustVerifier(t, t0, mustKey(t).Public().(ed25519.PublicKey), key.Public().(ed25519.PublicKey)).Verify(tok); err != nil {
		t.Errorf("Verify(token without kid) = %v, want it tried against every key", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	key := mustKey(t)
	pub := key.Public().(ed25519.PublicKey)
	kid := map[string]any{"kid": auth.KeyID(pub)}
	other := mustKey(t)
	good := sign(t, jwt.SigningMethodEdDSA, key, kid, goodClaims())
	parts := strings.Split(good, ".")
	tampered := sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "role", string(auth.RoleDPO)))
	tampered = parts[0] + "." + strings.Split(tampered, ".")[1] + "." + parts[2]
	noneTok, err := jwt.NewWithClaims(jwt.SigningMethodNone, goodClaims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		token      string
		wantReason string
	}{
		{"empty", "", "malformed token"},
		{"garbage", "not.a.jwt", "malformed token"},
		{"signed by another key under our kid", sign(t, jwt.SigningMethodEdDSA, other, kid, goodClaims()), "bad signature"},
		{"signed by another key, no kid", sign(t, jwt.SigningMethodEdDSA, other, nil, goodClaims()), "bad signature"},
		{"signed by another key, its own kid", sign(t, jwt.SigningMethodEdDSA, other, map[string]any{"kid": auth.KeyID(other.Public().(ed25519.PublicKey))}, goodClaims()), "no trusted key with id"},
		{"payload changed after signing", tampered, "bad signature"},
		{"alg none", noneTok, `signing algorithm "none" is not accepted`},
		{"alg HS256 keyed with the public key", sign(t, jwt.SigningMethodHS256, []byte(pub), kid, goodClaims()), `signing algorithm "HS256" is not accepted`},
		{"expired", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "exp", t0.Add(-time.Minute).Unix())), "token expired at 2026-11-22T08:59:00Z"},
		{"no expiry", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "exp", nil)), "exp claim is required"},
		{"not yet valid", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "nbf", t0.Add(time.Minute).Unix())), "token not valid before 2026-11-22T09:01:00Z"},
		{"issued in the future", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "iat", t0.Add(time.Minute).Unix())), "token issued in the future"},
		{"wrong issuer", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "iss", "https://idp.example")), `token issuer "https://idp.example" is not trusted`},
		{"no issuer", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "iss", nil)), "iss claim is required"},
		{"wrong audience", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "aud", "grafana")), `token audience ["grafana"] does not include this service`},
		{"no audience", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "aud", nil)), "aud claim is required"},
		{"no subject", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "sub", nil)), "token claims: sub: missing"},
		{"no organisation", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "org", nil)), "token claims: org: missing"},
		{"SIRET with a bad check digit", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "org", "73282932000075")), `org: "73282932000075" is not a SIRET number: its check digit is wrong`},
		{"organisation of 10 digits", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "org", "7500000010")), "neither a FINESS"},
		{"no role", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "role", nil)), `role: "" is not one of`},
		{"unknown role", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "role", "superuser")), `role: "superuser" is not one of`},
		{"role of the wrong type", sign(t, jwt.SigningMethodEdDSA, key, kid, with(goodClaims(), "role", 3)), "malformed token"},
	}
	v := mustVerifier(t, t0, pub)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := v.Verify(tt.token)
			if !errors.Is(err, derrors.ErrUnauthenticated) {
				t.Fatalf("Verify = %+v, %v; want an error wrapping ErrUnauthenticated", p, err)
			}
			if !strings.Contains(err.Error(), tt.wantReason) {
				t.Errorf("Verify error = %q, want it to contain %q", err, tt.wantReason)
			}
			if p != (auth.Principal{}) {
				t.Errorf("Verify returned principal %+v with its error, want none", p)
			}
		})
	}
}

func TestIssueRefusesInvalidPrincipal(t *testing.T) {
	t.Parallel()
	is := mustIssuer(t, auth.IssuerConfig{Key: mustKey(t)})
	_, err := is.Issue(auth.Principal{Organisation: "123", Role: "chef"})
	var inv *derrors.InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("Issue(invalid) = %v, want an *InvalidError", err)
	}
	var fields []string
	for _, v := range inv.Violations {
		fields = append(fields, v.Field)
	}
	if diff := cmp.Diff([]string{"sub", "org", "role"}, fields); diff != "" {
		t.Errorf("Issue(invalid) violations (-want +got):\n%s", diff)
	}
}

func TestNewRequiresKeys(t *testing.T) {
	t.Parallel()
	if _, err := auth.NewVerifier(auth.VerifierConfig{}); err == nil {
		t.Error("NewVerifier(no keys) succeeded, want an error")
	}
	if _, err := auth.NewIssuer(auth.IssuerConfig{}); err == nil {
		t.Error("NewIssuer(no key) succeeded, want an error")
	}
}
