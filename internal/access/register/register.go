// Package register keeps the access register: the professionals whose
// access their organisation revoked, the tokens revoked, and the
// delegations member organisations gave their plateforme de services. It
// is a projection of the streams "revocation-<organisation>" and
// "delegation-<member organisation>"; the token verifier asks it on every
// call (auth.Revocations) and the kit on every access decision
// (kit.Delegations).
package register

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// The stream categories of the register.
const (
	RevocationCategory = "revocation"
	DelegationCategory = "delegation"
)

// Register is the access register, safe for concurrent use.
type Register struct {
	codec *decider.Codec
	now   func() time.Time

	// caughtUp is set once the register has read its streams up to the
	// store's head at start: until then no token is trusted.
	caughtUp atomic.Bool

	mu    sync.RWMutex
	state state
}

// CaughtUp marks the register as having read every revocation and
// delegation stored: tokens are trusted from then on.
func (r *Register) CaughtUp() { r.caughtUp.Store(true) }

// state is what the register knows; exported fields for its snapshot.
type state struct {
	// Revoked professionals, "org/subject" → when revoked.
	Revoked map[string]time.Time `json:"revoked"`
	// Restored professionals, "org/subject" → when restored: tokens
	// issued before stay refused.
	Restored map[string]time.Time `json:"restored"`
	// Revoked tokens, "org/jti" → when the token expires.
	Tokens map[string]time.Time `json:"tokens"`
	// Delegations, platform → member organisations.
	Delegations map[string][]string `json:"delegations"`
}

// New returns an empty register.
func New(now func() time.Time) *Register {
	if now == nil {
		now = time.Now
	}
	return &Register{codec: decider.NewCodec(nil), now: now, state: state{
		Revoked: map[string]time.Time{}, Restored: map[string]time.Time{}, Tokens: map[string]time.Time{}, Delegations: map[string][]string{},
	}}
}

// Name is the projection's durable name.
func (r *Register) Name() string { return "access-register-v1" }

// Filter selects the register's streams.
func (r *Register) Filter() es.Filter {
	return es.Filter{Categories: []string{RevocationCategory, DelegationCategory}}
}

// Apply folds one event.
func (r *Register) Apply(ev es.RecordedEvent) error {
	msg, err := r.codec.Decode(ev)
	if err != nil {
		return fmt.Errorf("access register: %w", err)
	}
	at := ev.Metadata.OccurredAt
	if at.IsZero() {
		at = ev.RecordedAt
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &r.state
	switch e := msg.(type) {
	case *eventsv1.ProfessionalAccessRevoked:
		k := key(e.GetOrganisationId(), e.GetSubject())
		s.Revoked[k] = at
	case *eventsv1.ProfessionalAccessRestored:
		k := key(e.GetOrganisationId(), e.GetSubject())
		delete(s.Revoked, k)
		s.Restored[k] = at
	case *eventsv1.TokenRevoked:
		s.Tokens[key(e.GetOrganisationId(), e.GetTokenId())] = time.Unix(e.GetExpiresAt(), 0)
		r.pruneTokens()
	case *eventsv1.DelegationGranted:
		p, m := e.GetPlatformOrganisationId(), e.GetMemberOrganisationId()
		if !slices.Contains(s.Delegations[p], m) {
			s.Delegations[p] = append(s.Delegations[p], m)
			slices.Sort(s.Delegations[p])
		}
	case *eventsv1.DelegationRevoked:
		p, m := e.GetPlatformOrganisationId(), e.GetMemberOrganisationId()
		s.Delegations[p] = slices.DeleteFunc(s.Delegations[p], func(x string) bool { return x == m })
		if len(s.Delegations[p]) == 0 {
			delete(s.Delegations, p)
		}
	}
	return nil
}

// pruneTokens forgets revoked tokens that expired: they are refused as
// expired anyway.
func (r *Register) pruneTokens() {
	now := r.now()
	for k, exp := range r.state.Tokens {
		if exp.Before(now.Add(-time.Hour)) {
			delete(r.state.Tokens, k)
		}
	}
}

func key(org, id string) string { return org + "/" + id }

// Check implements auth.Revocations: UNAVAILABLE until the register has
// caught up at start, UNAUTHENTICATED for a revoked token.
func (r *Register) Check(p auth.Principal) error {
	if !r.caughtUp.Load() {
		return status.Error(codes.Unavailable, "the access register (revocations, delegations) is still loading at start: retry in a moment")
	}
	if reason, revoked := r.revoked(p); revoked {
		return fmt.Errorf("%w: %s", derrors.ErrUnauthenticated, reason)
	}
	return nil
}

func (r *Register) revoked(p auth.Principal) (string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k := key(p.Organisation, p.Subject)
	if at, ok := r.state.Revoked[k]; ok {
		return fmt.Sprintf("the access of %s for %s was revoked on %s", p.Subject, p.Organisation, at.UTC().Format(time.RFC3339)), true
	}
	if at, ok := r.state.Restored[k]; ok && !p.IssuedAt.After(at) {
		return fmt.Sprintf("the token was issued before the access of %s was restored (%s): ask for a new one", p.Subject, at.UTC().Format(time.RFC3339)), true
	}
	if p.TokenID != "" {
		if _, ok := r.state.Tokens[key(p.Organisation, p.TokenID)]; ok {
			return "the token was revoked", true
		}
	}
	return "", false
}

// IsRevoked reports whether the professional's access is revoked now.
func (r *Register) IsRevoked(org, subject string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.state.Revoked[key(org, subject)]
	return ok
}

// MembersOf implements kit.Delegations.
func (r *Register) MembersOf(platform string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.state.Delegations[platform])
}

// Delegated reports whether member delegated to platform.
func (r *Register) Delegated(member, platform string) bool {
	return slices.Contains(r.MembersOf(platform), member)
}

// Snapshot writes the register as JSON.
func (r *Register) Snapshot(w io.Writer) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return json.NewEncoder(w).Encode(r.state)
}

// Restore reads what Snapshot wrote.
func (r *Register) Restore(rd io.Reader) error {
	var s state
	if err := json.NewDecoder(rd).Decode(&s); err != nil {
		return fmt.Errorf("access register snapshot: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range []*map[string]time.Time{&s.Revoked, &s.Restored, &s.Tokens} {
		if *m == nil {
			*m = map[string]time.Time{}
		}
	}
	if s.Delegations == nil {
		s.Delegations = map[string][]string{}
	}
	r.state = s
	return nil
}

// String says what the register holds, for logs.
func (r *Register) String() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return fmt.Sprintf("%d revoked professionals, %d revoked tokens, delegations to %s",
		len(r.state.Revoked), len(r.state.Tokens), strings.Join(slices.Sorted(maps.Keys(r.state.Delegations)), ", "))
}
