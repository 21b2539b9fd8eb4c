package accesssvc

import (
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// The organisation's revocations (stream "revocation-<organisation>") and
// a member's delegations (stream "delegation-<member>"), as deciders.

type revocations struct {
	org     string
	revoked map[string]bool // subjects
	tokens  map[string]bool // token ids
}

type revocationCommand interface{ organisation() string }

type revokeProfessional struct{ org, subject, reason string }
type restoreProfessional struct{ org, subject string }
type revokeToken struct {
	org, tokenID, reason string
	expiresAt            time.Time
}

func (c revokeProfessional) organisation() string  { return c.org }
func (c restoreProfessional) organisation() string { return c.org }
func (c revokeToken) organisation() string         { return c.org }

var revocationDecider = decider.Decider[*revocations, revocationCommand]{
	Initial: func() *revocations { return &revocations{revoked: map[string]bool{}, tokens: map[string]bool{}} },
	Decide: func(s *revocations, cmd revocationCommand, _ decider.Context) ([]proto.Message, error) {
		switch c := cmd.(type) {
		case revokeProfessional:
			if s.revoked[c.subject] {
				return nil, nil
			}
			return []proto.Message{&eventsv1.ProfessionalAccessRevoked{OrganisationId: c.org, Subject: c.subject, Reason: c.reason}}, nil
		case restoreProfessional:
			if !s.revoked[c.subject] {
				return nil, derrors.Rejected("professional.not_revoked", "professional/"+c.subject,
					"the access of %s for %s is not revoked", c.subject, c.org)
			}
			return []proto.Message{&eventsv1.ProfessionalAccessRestored{OrganisationId: c.org, Subject: c.subject}}, nil
		case revokeToken:
			if s.tokens[c.tokenID] {
				return nil, nil
			}
			return []proto.Message{&eventsv1.TokenRevoked{OrganisationId: c.org, TokenId: c.tokenID, ExpiresAt: c.expiresAt.Unix(), Reason: c.reason}}, nil
		}
		return nil, derrors.Invalid("command", "unknown")
	},
	Evolve: func(s *revocations, ev decider.Event) *revocations {
		switch e := ev.Payload.(type) {
		case *eventsv1.ProfessionalAccessRevoked:
			s.org, s.revoked[e.GetSubject()] = e.GetOrganisationId(), true
		case *eventsv1.ProfessionalAccessRestored:
			delete(s.revoked, e.GetSubject())
		case *eventsv1.TokenRevoked:
			s.tokens[e.GetTokenId()] = true
		}
		return s
	},
}

type delegations struct{ platforms map[string]bool }

type delegationCommand struct {
	member, platform, reason string
	grant                    bool
}

var delegationDecider = decider.Decider[*delegations, delegationCommand]{
	Initial: func() *delegations { return &delegations{platforms: map[string]bool{}} },
	Decide: func(s *delegations, c delegationCommand, _ decider.Context) ([]proto.Message, error) {
		if c.member == c.platform {
			return nil, derrors.Invalid("platform_organisation_id", "an organisation does not delegate to itself")
		}
		switch {
		case c.grant && s.platforms[c.platform]:
			return nil, nil
		case c.grant:
			return []proto.Message{&eventsv1.DelegationGranted{MemberOrganisationId: c.member, PlatformOrganisationId: c.platform, Reason: c.reason}}, nil
		case !s.platforms[c.platform]:
			return nil, derrors.Rejected("delegation.not_granted", "delegation/"+c.platform,
				"organisation %s has no delegation to %s", c.member, c.platform)
		}
		return []proto.Message{&eventsv1.DelegationRevoked{MemberOrganisationId: c.member, PlatformOrganisationId: c.platform, Reason: c.reason}}, nil
	},
	Evolve: func(s *delegations, ev decider.Event) *delegations {
		switch e := ev.Payload.(type) {
		case *eventsv1.DelegationGranted:
			s.platforms[e.GetPlatformOrganisationId()] = true
		case *eventsv1.DelegationRevoked:
			delete(s.platforms, e.GetPlatformOrganisationId())
		}
		return s
	},
}
