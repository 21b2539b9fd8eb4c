package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
)

// provider stands in for an OpenID Connect provider (none can run here):
// a discovery document and a JWK Set over real HTTP on loopback, signing
// ES256 tokens as Keycloak or Pro Santé Connect would. Discovery, the JWK
// Set client (keyfunc) and the verification are the real ones.
type provider struct {
	srv *httptest.Server
	key *ecdsa.PrivateKey
	kid string
}

func newProvider(t *testing.T) *provider {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{key: key, kid: "idp-key-1"}
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q}`, p.srv.URL, p.srv.URL+"/jwks")
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		b := func(x []byte) string { return base64.RawURLEncoding.EncodeToString(x) }
		x, y := make([]byte, 32), make([]byte, 32)
		key.X.FillBytes(x)
		key.Y.FillBytes(y)
		fmt.Fprintf(w, `{"keys":[{"kty":"EC","crv":"P-256","x":%q,"y":%q,"kid":%q,"alg":"ES256","use":"sig"}]}`, b(x), b(y), p.kid)
	})
	return p
}

func (p *provider) token(t *testing.T, claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	tok.Header["kid"] = p.kid
	s, err := tok.SignedString(p.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOIDCTokensThroughJWKSOfAStandInProvider(t *testing.T) {
	t.Parallel()
	p := newProvider(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	jwksURL, err := auth.DiscoverJWKS(ctx, p.srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.NewJWKSKeys(ctx, auth.JWKSConfig{URL: jwksURL})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	oidc, err := auth.NewVerifier(auth.VerifierConfig{Keys: keys, Issuer: p.srv.URL, Audience: "maillage", Algorithms: []string{"ES256", "RS256"}})
	if err != nil {
		t.Fatal(err)
	}
	local := mustIssuer(t, auth.IssuerConfig{Key: mustKey(t)})
	localV, err := auth.NewVerifier(auth.VerifierConfig{Keys: auth.NewStaticKeys(local.PublicKey())})
	if err != nil {
		t.Fatal(err)
	}
	vs := auth.NewVerifiers(oidc, localV)
	claims := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": p.srv.URL, "aud": "maillage", "sub": "rpps-810001", "org": "750000001", "role": "coordinateur",
			"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": "t-1", "health_professional": true}
	}
	got, err := vs.VerifyContext(ctx, p.token(t, claims()))
	if err != nil || got.Subject != "rpps-810001" || !got.HealthProfessional || got.TokenID != "t-1" {
		t.Fatalf("provider token = %+v, %v", got, err)
	}
	localTok, err := local.Issue(principal)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vs.VerifyContext(ctx, localTok); err != nil {
		t.Fatalf("local token beside the provider: %v", err)
	}
	for name, tok := range map[string]string{
		"unknown issuer": p.token(t, with(claims(), "iss", "https://elsewhere.example")),
		"over-long":      p.token(t, with(claims(), "exp", now.Add(48*time.Hour).Unix())),
		"no iat":         p.token(t, with(claims(), "iat", nil)),
		"expired":        p.token(t, with(with(claims(), "iat", now.Add(-3*time.Hour).Unix()), "exp", now.Add(-2*time.Hour).Unix())),
		"forged":         strings.TrimSuffix(p.token(t, claims()), "A") + "B",
		"another key":    newProvider(t).token(t, claims()),
	} {
		if _, err := vs.VerifyContext(ctx, tok); !errors.Is(err, derrors.ErrUnauthenticated) {
			t.Errorf("%s: VerifyContext = %v, want unauthenticated", name, err)
		}
	}
}

type revokedSubjects map[string]bool

func (r revokedSubjects) Check(p auth.Principal) error {
	if r[p.Subject] {
		return fmt.Errorf("%w: revoked by the test", derrors.ErrUnauthenticated)
	}
	return nil
}

// Revocation is checked on every call, remembered tokens included.
func TestRevokedTokensAreRefusedEvenWhenRemembered(t *testing.T) {
	t.Parallel()
	iss := mustIssuer(t, auth.IssuerConfig{Key: mustKey(t)})
	revoked := revokedSubjects{}
	v, err := auth.NewVerifier(auth.VerifierConfig{Keys: auth.NewStaticKeys(iss.PublicKey()), Revocations: revoked})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := iss.Issue(principal)
	if _, err := v.Verify(tok); err != nil {
		t.Fatal(err)
	}
	revoked[principal.Subject] = true
	if _, err := v.Verify(tok); !errors.Is(err, derrors.ErrUnauthenticated) || !strings.Contains(err.Error(), "revoked by the test") {
		t.Fatalf("revoked token = %v, want unauthenticated", err)
	}
}

// A token valid longer than the maximum lifetime is refused, even signed
// by the local key.
func TestOverLongTokensAreRefused(t *testing.T) {
	t.Parallel()
	iss := mustIssuer(t, auth.IssuerConfig{Key: mustKey(t), TTL: 13 * time.Hour})
	v, _ := auth.NewVerifier(auth.VerifierConfig{Keys: auth.NewStaticKeys(iss.PublicKey())})
	tok, _ := iss.Issue(principal)
	if _, err := v.Verify(tok); !errors.Is(err, derrors.ErrUnauthenticated) || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("13-hour token = %v, want unauthenticated", err)
	}
}
