package auth

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/maillage/maillage/internal/derrors"
)

// JWKSKeys is a KeySource over an identity provider's JWK Set (OIDC
// "jwks_uri"), fetched over HTTP(S), refreshed every RefreshInterval and
// when a token names a key it does not know yet (rate limited), by
// MicahParks/keyfunc.
type JWKSKeys struct {
	kf keyfunc.Keyfunc
}

// JWKSConfig configures JWKSKeys.
type JWKSConfig struct {
	URL             string        // the JWK Set's URL; required
	RefreshInterval time.Duration // default 15 minutes
	HTTPTimeout     time.Duration // default 5 seconds
	Client          *http.Client  // default http.DefaultClient (trusting the system's CAs)
}

// NewJWKSKeys fetches the JWK Set once (failing when it cannot) and keeps
// it fresh until ctx ends.
func NewJWKSKeys(ctx context.Context, cfg JWKSConfig) (*JWKSKeys, error) {
	if cfg.URL == "" {
		return nil, errors.New("auth: JWKS URL is required")
	}
	if cfg.RefreshInterval == 0 {
		cfg.RefreshInterval = 15 * time.Minute
	}
	if cfg.HTTPTimeout == 0 {
		cfg.HTTPTimeout = 5 * time.Second
	}
	fail := false
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{cfg.URL}, keyfunc.Override{
		Client: cfg.Client, RefreshInterval: cfg.RefreshInterval, HTTPTimeout: cfg.HTTPTimeout,
		NoErrorReturnFirstHTTPReq: &fail,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: JWK Set %s: %w", cfg.URL, err)
	}
	return &JWKSKeys{kf: kf}, nil
}

// VerificationKeys implements KeySource.
func (j *JWKSKeys) VerificationKeys(ctx context.Context, kid string) ([]crypto.PublicKey, error) {
	if kid != "" {
		jwk, err := j.kf.Storage().KeyRead(ctx, kid)
		if errors.Is(err, jwkset.ErrKeyNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []crypto.PublicKey{publicOf(jwk.Key())}, nil
	}
	all, err := j.kf.Storage().KeyReadAll(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]crypto.PublicKey, 0, len(all))
	for _, k := range all {
		keys = append(keys, publicOf(k.Key()))
	}
	return keys, nil
}

func publicOf(k any) crypto.PublicKey {
	if p, ok := k.(interface{ Public() crypto.PublicKey }); ok {
		return p.Public()
	}
	return k
}

// DiscoverJWKS reads the OpenID Connect discovery document of issuer
// ("<issuer>/.well-known/openid-configuration") and returns its jwks_uri,
// checking that the document names the same issuer.
func DiscoverJWKS(ctx context.Context, issuer string, client *http.Client) (string, error) {
	if client == nil {
		client = http.DefaultClient
	}
	u := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("auth: OIDC discovery %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("auth: OIDC discovery %s: HTTP %d", u, resp.StatusCode)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return "", fmt.Errorf("auth: OIDC discovery %s: %w", u, err)
	}
	if doc.Issuer != issuer || doc.JWKSURI == "" {
		return "", fmt.Errorf("auth: OIDC discovery %s names issuer %q and jwks_uri %q; want issuer %q and a jwks_uri", u, doc.Issuer, doc.JWKSURI, issuer)
	}
	return doc.JWKSURI, nil
}

// TokenVerifier checks a bearer token and returns its principal; errors
// wrap derrors.ErrUnauthenticated.
type TokenVerifier interface {
	VerifyContext(ctx context.Context, token string) (Principal, error)
}

// Verifiers picks the Verifier of a token's issuer ("iss"), read before
// the signature is checked, by that Verifier: the local key and an OIDC
// provider side by side.
type Verifiers map[string]*Verifier

// NewVerifiers returns the verifiers by their issuers.
func NewVerifiers(vs ...*Verifier) Verifiers {
	out := make(Verifiers, len(vs))
	for _, v := range vs {
		out[v.issuer] = v
	}
	return out
}

// VerifyContext implements TokenVerifier.
func (vs Verifiers) VerifyContext(ctx context.Context, token string) (Principal, error) {
	var c jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil {
		return Principal{}, fmt.Errorf("%w: malformed token: %v", derrors.ErrUnauthenticated, err)
	}
	v, ok := vs[c.Issuer]
	if !ok {
		return Principal{}, fmt.Errorf("%w: token issuer %q is not trusted", derrors.ErrUnauthenticated, c.Issuer)
	}
	return v.VerifyContext(ctx, token)
}
