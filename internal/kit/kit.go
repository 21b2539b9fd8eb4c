package kit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/oklog/ulid/v2"
	"google.golang.org/grpc/metadata"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/calendar"
	"github.com/maillage/maillage/internal/derrors"
)

// Delegations tells which member organisations delegated to a plateforme
// de services.
type Delegations interface {
	// MembersOf returns the members that delegated to platform now.
	MembersOf(platform string) []string
}

// Config of a Kit.
type Config struct {
	// Audit records disclosures and refusals; nil records nothing (for
	// benchmarks measuring what auditing costs, never in maillaged).
	Audit *audit.Writer
	// Delegations; nil: no organisation acts for another.
	Delegations Delegations
	// Secret keys the person ids derived from request ids, so that no
	// other organisation can foresee them; required.
	Secret []byte
	Now    func() time.Time
	NewID  func() string
}

// Kit is the trust and command plumbing of the services.
type Kit struct{ cfg Config }

// New returns a kit, or what cfg misses.
func New(cfg Config) (*Kit, error) {
	if len(cfg.Secret) < 16 {
		return nil, errors.New("kit: a Secret of at least 16 bytes is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string { return ulid.Make().String() }
	}
	return &Kit{cfg: cfg}, nil
}

// Now is the kit's clock.
func (k *Kit) Now() time.Time { return k.cfg.Now() }

// Today is the day of now in Europe/Paris, "YYYY-MM-DD".
func (k *Kit) Today() string { return calendar.Today(k.cfg.Now()) }

// Caller returns who calls: the authenticated principal with the members
// that delegated to its organisation. UNAUTHENTICATED when the call names
// nobody.
func (k *Kit) Caller(ctx context.Context) (access.Caller, error) {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok || p.Subject == "" {
		return access.Caller{}, derrors.ErrUnauthenticated
	}
	var members []string
	if k.cfg.Delegations != nil {
		members = k.cfg.Delegations.MembersOf(p.Organisation)
	}
	return access.CallerOf(p, members...), nil
}

// PersonIDFor derives a new person's id from the enrolling organisation
// and its request id: a retried enrolment reaches the same file, and no
// one without the server's secret can foresee the id.
func (k *Kit) PersonIDFor(organisation, requestID string) string {
	return k.IDFor("maillage-person-id-v1", organisation, requestID)
}

// IDFor derives the id of what a command creates (a solicitation…) from
// its kind, the caller's organisation and its request id, as PersonIDFor
// does for people: a retry reaches the same thing, and nobody without the
// server's secret foresees the id.
func (k *Kit) IDFor(kind, organisation, requestID string) string {
	mac := hmac.New(sha256.New, k.cfg.Secret)
	mac.Write([]byte(kind + "\x00" + organisation + "\x00" + requestID))
	var id ulid.ULID
	copy(id[:], mac.Sum(nil)[:16])
	return id.String()
}

// requestIDOf returns the caller's x-request-id metadata, else a new id.
func (k *Kit) requestIDOf(ctx context.Context) string {
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get("x-request-id"); len(v) > 0 && v[0] != "" && len(v[0]) <= 64 {
			return v[0]
		}
	}
	return k.cfg.NewID()
}

func principalName(ctx context.Context) (string, bool) {
	p, ok := auth.PrincipalFrom(ctx)
	return p.Name, ok && p.Name != ""
}
