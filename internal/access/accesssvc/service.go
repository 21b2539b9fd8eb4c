// Package accesssvc is the gRPC AccessService: who the caller is, the
// revocation of professionals and tokens, and the delegations to
// plateformes de services. The access register (package register) is kept
// by maillaged itself, whatever services an instance runs.
package accesssvc

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access/register"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	accessv1 "github.com/maillage/maillage/proto/maillage/access/v1"
)

// Config of the service. Store, Kit and Register are required.
type Config struct {
	Store    es.Store
	Kit      *kit.Kit
	Register *register.Register
	// MaxTokenLifetime is how long a revoked token is remembered when its
	// expiry is not given; auth.DefaultMaxLifetime when zero.
	MaxTokenLifetime time.Duration
	Logger           *slog.Logger
}

// Service is the AccessService.
type Service struct {
	accessv1.UnimplementedAccessServiceServer
	cfg         Config
	revocations *decider.Handler[*revocations, revocationCommand]
	delegations *decider.Handler[*delegations, delegationCommand]
	ready       chan struct{}
}

// New returns the service; Run keeps the register up to date.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Kit == nil || cfg.Register == nil {
		return nil, errors.New("accesssvc: Store, Kit and Register are required")
	}
	if cfg.MaxTokenLifetime == 0 {
		cfg.MaxTokenLifetime = auth.DefaultMaxLifetime
	}
	codec := decider.NewCodec(nil)
	rev, err := decider.NewHandler(decider.HandlerConfig[*revocations, revocationCommand]{
		Store: cfg.Store, Codec: codec, Decider: revocationDecider, Category: register.RevocationCategory, Now: cfg.Kit.Now, CacheSize: 1000})
	if err != nil {
		return nil, err
	}
	del, err := decider.NewHandler(decider.HandlerConfig[*delegations, delegationCommand]{
		Store: cfg.Store, Codec: codec, Decider: delegationDecider, Category: register.DelegationCategory, Now: cfg.Kit.Now, CacheSize: 1000})
	if err != nil {
		return nil, err
	}
	ready := make(chan struct{})
	close(ready)
	return &Service{cfg: cfg, revocations: rev, delegations: del, ready: ready}, nil
}

// Name is the gRPC service name.
func (s *Service) Name() string { return accessv1.AccessService_ServiceDesc.ServiceName }

// Register adds the handlers to g.
func (s *Service) Register(g *grpc.Server) { accessv1.RegisterAccessServiceServer(g, s) }

// Run has no background work.
func (s *Service) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// Ready is closed: the commands need no view.
func (s *Service) Ready() <-chan struct{} { return s.ready }

func administrator(p auth.Principal) error {
	if p.Role != auth.RoleAdministrateur {
		return derrors.Denied("access.administrator_only", "only an administrateur of the organisation may do this; %s is %s", p.Subject, p.Role)
	}
	return nil
}

// WhoAmI says who the caller is.
func (s *Service) WhoAmI(ctx context.Context, _ *accessv1.WhoAmIRequest) (*accessv1.WhoAmIResponse, error) {
	p, _ := auth.PrincipalFrom(ctx)
	return &accessv1.WhoAmIResponse{Subject: p.Subject, OrganisationId: p.Organisation, Role: string(p.Role), DisplayName: p.Name,
		HealthProfessional: p.HealthProfessional, TokenId: p.TokenID, ExpiresAt: timestamppb.New(p.ExpiresAt),
		ActingFor: s.cfg.Register.MembersOf(p.Organisation)}, nil
}

// RevokeToken revokes a token.
func (s *Service) RevokeToken(ctx context.Context, req *accessv1.RevokeTokenRequest) (*accessv1.RevokeTokenResponse, error) {
	p, _ := auth.PrincipalFrom(ctx)
	c := revokeToken{org: p.Organisation, tokenID: req.GetTokenId(), reason: req.GetReason(), expiresAt: p.ExpiresAt}
	if c.tokenID == "" || c.tokenID == p.TokenID {
		c.tokenID = p.TokenID
		if c.tokenID == "" {
			return nil, kit.Status(derrors.Invalid("token_id", "this call's token has no id (jti): it cannot be revoked alone; revoke the professional"))
		}
	} else {
		if err := administrator(p); err != nil {
			return nil, kit.Status(err)
		}
		// Kept at least as long as any token may live: an expiry given
		// too early would let the token work again.
		c.expiresAt = s.cfg.Kit.Now().Add(s.cfg.MaxTokenLifetime)
		if at := req.GetExpiresAt(); at != nil && at.AsTime().After(c.expiresAt) {
			c.expiresAt = at.AsTime()
		}
	}
	res, err := s.run(ctx, req, func(opts decider.Options) (decider.Result, error) {
		return s.revocations.Handle(ctx, p.Organisation, c, opts)
	})
	if err != nil {
		return nil, err
	}
	return &accessv1.RevokeTokenResponse{Position: res.Position.String(), TokenId: c.tokenID}, nil
}

// RevokeProfessional revokes a professional's access.
func (s *Service) RevokeProfessional(ctx context.Context, req *accessv1.RevokeProfessionalRequest) (*accessv1.RevokeProfessionalResponse, error) {
	p, _ := auth.PrincipalFrom(ctx)
	if err := administrator(p); err != nil {
		return nil, kit.Status(err)
	}
	if req.GetSubject() == p.Subject {
		return nil, kit.Status(derrors.Invalid("subject", "an administrateur does not revoke their own access: another one does"))
	}
	res, err := s.run(ctx, req, func(opts decider.Options) (decider.Result, error) {
		return s.revocations.Handle(ctx, p.Organisation, revokeProfessional{org: p.Organisation, subject: req.GetSubject(), reason: req.GetReason()}, opts)
	})
	if err != nil {
		return nil, err
	}
	return &accessv1.RevokeProfessionalResponse{Position: res.Position.String()}, nil
}

// RestoreProfessional restores a professional's access.
func (s *Service) RestoreProfessional(ctx context.Context, req *accessv1.RestoreProfessionalRequest) (*accessv1.RestoreProfessionalResponse, error) {
	p, _ := auth.PrincipalFrom(ctx)
	if err := administrator(p); err != nil {
		return nil, kit.Status(err)
	}
	res, err := s.run(ctx, req, func(opts decider.Options) (decider.Result, error) {
		return s.revocations.Handle(ctx, p.Organisation, restoreProfessional{org: p.Organisation, subject: req.GetSubject()}, opts)
	})
	if err != nil {
		return nil, err
	}
	return &accessv1.RestoreProfessionalResponse{Position: res.Position.String()}, nil
}

// GrantDelegation delegates to a plateforme de services.
func (s *Service) GrantDelegation(ctx context.Context, req *accessv1.GrantDelegationRequest) (*accessv1.GrantDelegationResponse, error) {
	res, err := s.delegate(ctx, req, req.GetPlatformOrganisationId(), req.GetReason(), true)
	if err != nil {
		return nil, err
	}
	return &accessv1.GrantDelegationResponse{Position: res.Position.String()}, nil
}

// RevokeDelegation ends a delegation.
func (s *Service) RevokeDelegation(ctx context.Context, req *accessv1.RevokeDelegationRequest) (*accessv1.RevokeDelegationResponse, error) {
	res, err := s.delegate(ctx, req, req.GetPlatformOrganisationId(), req.GetReason(), false)
	if err != nil {
		return nil, err
	}
	return &accessv1.RevokeDelegationResponse{Position: res.Position.String()}, nil
}

func (s *Service) delegate(ctx context.Context, req proto.Message, platform, reason string, grant bool) (decider.Result, error) {
	p, _ := auth.PrincipalFrom(ctx)
	if err := administrator(p); err != nil {
		return decider.Result{}, kit.Status(err)
	}
	return s.run(ctx, req, func(opts decider.Options) (decider.Result, error) {
		return s.delegations.Handle(ctx, p.Organisation, delegationCommand{member: p.Organisation, platform: platform, reason: reason, grant: grant}, opts)
	})
}
