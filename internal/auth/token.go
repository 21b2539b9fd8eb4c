package auth

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/maillage/maillage/internal/derrors"
)

// Defaults of the local token scheme.
const (
	DefaultIssuer   = "maillage-local"
	DefaultAudience = "maillage"
	DefaultTTL      = 12 * time.Hour // one working day
	DefaultLeeway   = 30 * time.Second
	// DefaultMaxLifetime bounds exp - iat of the tokens accepted: a token
	// valid for longer than a working day is refused, whoever signed it.
	DefaultMaxLifetime = 12 * time.Hour
)

// Revocations says whether a verified token may still be used: its
// professional's access may have been revoked by their organisation, or
// the token itself (lost device, leak).
type Revocations interface {
	// Check returns nil when p's token may be used; else an error wrapping
	// derrors.ErrUnauthenticated that says why, or a gRPC status error
	// (UNAVAILABLE while the revocations are not known yet).
	Check(p Principal) error
}

// claims is a token's payload: the registered claims (iss, sub, aud, exp,
// nbf, iat, jti) and Maillage's own.
type claims struct {
	jwt.RegisteredClaims
	Organisation string `json:"org"`
	Role         Role   `json:"role"`
	Name         string `json:"name,omitempty"`
	// HealthProfessional: the issuer attests a professionnel de santé (RPPS).
	HealthProfessional bool `json:"health_professional,omitempty"`
}

// IssuerConfig configures an Issuer.
type IssuerConfig struct {
	Key      ed25519.PrivateKey // required
	Issuer   string             // "iss"; DefaultIssuer when empty
	Audience string             // "aud"; DefaultAudience when empty
	TTL      time.Duration      // lifetime of a token; DefaultTTL when zero
	Now      func() time.Time   // time.Now when nil
}

// Issuer signs bearer tokens with the local key. It is safe for concurrent use.
type Issuer struct {
	cfg IssuerConfig
	kid string
}

// NewIssuer returns an Issuer, or an error naming what cfg lacks.
func NewIssuer(cfg IssuerConfig) (*Issuer, error) {
	if len(cfg.Key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("auth: issuer needs an Ed25519 private key (got %d bytes)", len(cfg.Key))
	}
	if cfg.TTL < 0 {
		return nil, fmt.Errorf("auth: issuer TTL %v is negative", cfg.TTL)
	}
	if cfg.Issuer == "" {
		cfg.Issuer = DefaultIssuer
	}
	if cfg.Audience == "" {
		cfg.Audience = DefaultAudience
	}
	if cfg.TTL == 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Issuer{cfg: cfg, kid: KeyID(cfg.Key.Public().(ed25519.PublicKey))}, nil
}

// PublicKey returns the key that verifies this issuer's tokens.
func (is *Issuer) PublicKey() ed25519.PublicKey { return is.cfg.Key.Public().(ed25519.PublicKey) }

// Issue returns a signed token for p, valid from now for the issuer's TTL.
// It refuses a principal that Verify would reject, with a
// *derrors.InvalidError.
func (is *Issuer) Issue(p Principal) (string, error) {
	if err := p.Validate(); err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	now := is.cfg.Now().Truncate(time.Second) // NumericDate has whole seconds
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    is.cfg.Issuer,
			Subject:   p.Subject,
			Audience:  jwt.ClaimStrings{is.cfg.Audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(is.cfg.TTL)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        base64.RawURLEncoding.EncodeToString(id[:]),
		},
		Organisation:       p.Organisation,
		Role:               p.Role,
		Name:               p.Name,
		HealthProfessional: p.HealthProfessional,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = is.kid
	s, err := t.SignedString(is.cfg.Key)
	if err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	return s, nil
}

// KeySource gives a Verifier the public keys it trusts. StaticKeys serves the
// local key; an OIDC provider's JWKS, fetched and cached, can implement it
// too. Implementations are safe for concurrent use, and return promptly when
// ctx is done if they block (a JWKS refresh).
type KeySource interface {
	// VerificationKeys returns the keys that may have signed a token whose
	// header names key id kid ("" when it names none). No key and no error
	// means the key is unknown: the token is rejected.
	VerificationKeys(ctx context.Context, kid string) ([]crypto.PublicKey, error)
}

// StaticKeys is a fixed set of Ed25519 public keys, by KeyID. Several keys
// let a key be rotated: trust the old and the new one for a token lifetime.
type StaticKeys map[string]ed25519.PublicKey

// NewStaticKeys returns the set of keys.
func NewStaticKeys(keys ...ed25519.PublicKey) StaticKeys {
	s := make(StaticKeys, len(keys))
	for _, k := range keys {
		s[KeyID(k)] = k
	}
	return s
}

// VerificationKeys implements KeySource: the key named kid, or every key
// when kid is empty.
func (s StaticKeys) VerificationKeys(_ context.Context, kid string) ([]crypto.PublicKey, error) {
	if kid != "" {
		if k, ok := s[kid]; ok {
			return []crypto.PublicKey{k}, nil
		}
		return nil, nil
	}
	keys := make([]crypto.PublicKey, 0, len(s))
	for _, k := range s {
		keys = append(keys, k)
	}
	return keys, nil
}

// VerifierConfig configures a Verifier.
type VerifierConfig struct {
	Keys     KeySource        // required
	Issuer   string           // the "iss" required; DefaultIssuer when empty
	Audience string           // an "aud" required; DefaultAudience when empty
	Leeway   time.Duration    // clock skew tolerated on exp, nbf, iat; DefaultLeeway when zero
	Now      func() time.Time // time.Now when nil
	// MaxLifetime refuses tokens whose exp - iat is longer;
	// DefaultMaxLifetime when zero. Tokens must carry iat and exp.
	MaxLifetime time.Duration
	// Algorithms accepted; only EdDSA when empty (the local key). An OIDC
	// provider signs with RS256 or ES256 most often.
	Algorithms []string
	// Revocations, checked on every call, after the signature; nil: none.
	Revocations Revocations
}

// Verifier checks bearer tokens and returns the principal they state. It
// accepts only EdDSA signatures by a key of its KeySource, from its issuer
// for its audience, within their validity period, naming a subject, a valid
// organisation and a known role. It is safe for concurrent use.
type Verifier struct {
	issuer      string
	keys        KeySource
	parser      *jwt.Parser
	now         func() time.Time
	maxLifetime time.Duration
	algorithms  []string
	revocations Revocations
	verified    verifiedTokens
}

// NewVerifier returns a Verifier, or an error naming what cfg lacks.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if cfg.Keys == nil {
		return nil, errors.New("auth: verifier needs a key source")
	}
	if cfg.Leeway < 0 {
		return nil, fmt.Errorf("auth: verifier leeway %v is negative", cfg.Leeway)
	}
	if cfg.Issuer == "" {
		cfg.Issuer = DefaultIssuer
	}
	if cfg.Audience == "" {
		cfg.Audience = DefaultAudience
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = DefaultLeeway
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxLifetime == 0 {
		cfg.MaxLifetime = DefaultMaxLifetime
	}
	if len(cfg.Algorithms) == 0 {
		cfg.Algorithms = []string{jwt.SigningMethodEdDSA.Alg()}
	}
	return &Verifier{
		issuer: cfg.Issuer, keys: cfg.Keys, now: cfg.Now, maxLifetime: cfg.MaxLifetime, algorithms: cfg.Algorithms, revocations: cfg.Revocations,
		parser: jwt.NewParser(
			jwt.WithValidMethods(cfg.Algorithms),
			jwt.WithIssuer(cfg.Issuer),
			jwt.WithAudience(cfg.Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(cfg.Leeway),
			jwt.WithTimeFunc(cfg.Now),
			jwt.WithStrictDecoding(),
		),
	}, nil
}

// Verify is VerifyContext with a background context.
func (v *Verifier) Verify(token string) (Principal, error) {
	return v.VerifyContext(context.Background(), token)
}

// VerifyContext checks token and returns its principal. Every error wraps
// derrors.ErrUnauthenticated and says precisely why the token was refused;
// ctx bounds the key source's work.
func (v *Verifier) VerifyContext(ctx context.Context, token string) (Principal, error) {
	p, err := v.verify(ctx, token)
	if err != nil {
		return Principal{}, err
	}
	if v.revocations != nil {
		if err := v.revocations.Check(p); err != nil {
			return Principal{}, err
		}
	}
	return p, nil
}

func (v *Verifier) verify(ctx context.Context, token string) (Principal, error) {
	if p, ok := v.verified.get(token, v.now()); ok {
		return p, nil
	}
	var c claims
	t, err := v.parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		keys, err := v.keys.VerificationKeys(ctx, kid)
		if err != nil {
			return nil, fmt.Errorf("key source: %w", err)
		}
		if len(keys) == 0 {
			return nil, fmt.Errorf("no trusted key with id %q", kid)
		}
		set := jwt.VerificationKeySet{Keys: make([]jwt.VerificationKey, len(keys))}
		for i, k := range keys {
			set.Keys[i] = k
		}
		return set, nil
	})
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %s", derrors.ErrUnauthenticated, v.reason(err, t, &c))
	}
	if c.IssuedAt == nil || c.ExpiresAt == nil {
		return Principal{}, fmt.Errorf("%w: the token must say when it was issued (iat) and when it expires (exp)", derrors.ErrUnauthenticated)
	}
	if life := c.ExpiresAt.Sub(c.IssuedAt.Time); life > v.maxLifetime {
		return Principal{}, fmt.Errorf("%w: the token is valid for %s, longer than the %s accepted", derrors.ErrUnauthenticated, life, v.maxLifetime)
	}
	p := Principal{Subject: c.Subject, Organisation: c.Organisation, Role: c.Role, Name: c.Name, HealthProfessional: c.HealthProfessional,
		TokenID: c.ID, IssuedAt: c.IssuedAt.Time, ExpiresAt: c.ExpiresAt.Time}
	if err := p.Validate(); err != nil {
		var inv *derrors.InvalidError
		if errors.As(err, &inv) {
			return Principal{}, fmt.Errorf("%w: token claims: %s", derrors.ErrUnauthenticated, violations(inv))
		}
		return Principal{}, fmt.Errorf("%w: token claims: %v", derrors.ErrUnauthenticated, err)
	}
	v.verified.put(token, p, c.ExpiresAt.Time, v.now())
	return p, nil
}

// reason says in words why the parser refused a token, with the instants
// that explain a validity failure.
func (v *Verifier) reason(err error, t *jwt.Token, c *claims) string {
	utc := func(d *jwt.NumericDate) string { return d.UTC().Format(time.RFC3339) }
	alg := ""
	if t != nil {
		alg, _ = t.Header["alg"].(string)
	}
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "malformed token: " + err.Error()
	case t != nil && !slices.Contains(v.algorithms, alg):
		return fmt.Sprintf("signing algorithm %q is not accepted, only %s", alg, strings.Join(v.algorithms, ", "))
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "bad signature: " + err.Error()
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return "cannot verify token: " + err.Error()
	case errors.Is(err, jwt.ErrTokenExpired) && c.ExpiresAt != nil:
		return fmt.Sprintf("token expired at %s (now %s)", utc(c.ExpiresAt), v.now().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrTokenNotValidYet) && c.NotBefore != nil:
		return fmt.Sprintf("token not valid before %s (now %s)", utc(c.NotBefore), v.now().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued) && c.IssuedAt != nil:
		return fmt.Sprintf("token issued in the future, at %s (now %s)", utc(c.IssuedAt), v.now().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return fmt.Sprintf("token issuer %q is not trusted", c.Issuer)
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return fmt.Sprintf("token audience %q does not include this service", []string(c.Audience))
	}
	return "invalid token: " + err.Error()
}

func violations(inv *derrors.InvalidError) string {
	s := ""
	for i, v := range inv.Violations {
		if i > 0 {
			s += "; "
		}
		s += v.Field + ": " + v.Description
	}
	return s
}
