package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	accessv1 "github.com/maillage/maillage/proto/maillage/access/v1"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
)

// The commands of the audit trail and of access: who saw a file, its
// verification and export; who the caller is; revocations; delegations.

func newWhoSawCmd(g *globals) *cobra.Command {
	req := &auditv1.ListDisclosuresRequest{}
	cmd := &cobra.Command{
		Use:   "who-saw PERSON",
		Short: "Who saw the person's file: its audit trail, oldest first (a dpo, or the coordination)",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId = args[0]
		return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
			return auditv1.NewAuditServiceClient(conn).ListDisclosures(ctx, req)
		})
	}
	cmd.Flags().Int32Var(&req.PageSize, "page-size", 0, "records per page, up to 1000 (default 100)")
	cmd.Flags().StringVar(&req.PageToken, "page-token", "", "next_page_token of the previous page")
	return cmd
}

func newVerifyAuditCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify-audit PERSON",
		Short: "Verify the person's audit trail: its hash chain and signed seals",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
			res, err := auditv1.NewAuditServiceClient(conn).VerifyAuditTrail(ctx, &auditv1.VerifyAuditTrailRequest{PersonId: args[0]})
			if err == nil && !res.GetIntact() {
				// Printed, and the exit status says it too.
				_ = printJSON(cmd.OutOrStdout(), res)
				return nil, errors.New("the audit trail is broken")
			}
			return res, err
		})
	}
	return cmd
}

func newExportAuditCmd(g *globals) *cobra.Command {
	var fhir bool
	cmd := &cobra.Command{
		Use:   "export-audit PERSON [--fhir]",
		Short: "Export the person's audit trail as JSON lines, or FHIR AuditEvent NDJSON (IHE BALP)",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		format := auditv1.ExportFormat_EXPORT_FORMAT_JSON_LINES
		if fhir {
			format = auditv1.ExportFormat_EXPORT_FORMAT_FHIR_AUDIT_EVENT
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), c.timeout)
		defer cancel()
		conn, err := g.dial(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		s, err := auditv1.NewAuditServiceClient(conn).ExportAuditTrail(ctx, &auditv1.ExportAuditTrailRequest{PersonId: args[0], Format: format})
		if err != nil {
			return fmt.Errorf("%s: %w", cmd.Name(), rpcError(err))
		}
		for {
			chunk, err := s.Recv()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", cmd.Name(), rpcError(err))
			}
			if _, err := cmd.OutOrStdout().Write(chunk.GetData()); err != nil {
				return err
			}
		}
	}
	cmd.Flags().BoolVar(&fhir, "fhir", false, "FHIR R4 AuditEvent resources, one per line")
	return cmd
}

func newWhoAmICmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Who the token names, its id, and the organisations it may act for",
		Args:  cobra.NoArgs,
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
			return accessv1.NewAccessServiceClient(conn).WhoAmI(ctx, &accessv1.WhoAmIRequest{})
		})
	}
	return cmd
}

func newRevokeTokenCmd(g *globals) *cobra.Command {
	req := &accessv1.RevokeTokenRequest{}
	cmd := &cobra.Command{
		Use:   "revoke-token [TOKEN_ID] --reason TEXT",
		Short: "Revoke this call's token, or (administrateur) a token of the organisation",
		Args:  cobra.MaximumNArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 {
			req.TokenId = args[0]
		}
		return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
			req.RequestId = c.requestID
			return accessv1.NewAccessServiceClient(conn).RevokeToken(ctx, req)
		})
	}
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why, in French")
	mustRequire(cmd, "reason")
	return cmd
}

func newRevokeProfessionalCmd(g *globals) *cobra.Command {
	var restore bool
	var subject, reason string
	cmd := &cobra.Command{
		Use:   "revoke-professional SUBJECT --reason TEXT | --restore",
		Short: "Revoke (or restore) a professional's access for your organisation (administrateur)",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		subject = args[0]
		return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
			api := accessv1.NewAccessServiceClient(conn)
			if restore {
				return api.RestoreProfessional(ctx, &accessv1.RestoreProfessionalRequest{RequestId: c.requestID, Subject: subject})
			}
			if reason == "" {
				return nil, errors.New("--reason is required to revoke")
			}
			return api.RevokeProfessional(ctx, &accessv1.RevokeProfessionalRequest{RequestId: c.requestID, Subject: subject, Reason: reason})
		})
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, in French")
	cmd.Flags().BoolVar(&restore, "restore", false, "restore the access instead")
	return cmd
}

func newDelegateCmd(g *globals) *cobra.Command {
	var end bool
	var reason string
	cmd := &cobra.Command{
		Use:   "delegate PLATFORM --reason TEXT [--end]",
		Short: "Let a plateforme de services act with your organisation's part (administrateur), or end it",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
			api := accessv1.NewAccessServiceClient(conn)
			if end {
				return api.RevokeDelegation(ctx, &accessv1.RevokeDelegationRequest{RequestId: c.requestID, PlatformOrganisationId: args[0], Reason: reason})
			}
			return api.GrantDelegation(ctx, &accessv1.GrantDelegationRequest{RequestId: c.requestID, PlatformOrganisationId: args[0], Reason: reason})
		})
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, in French (e.g. the convention)")
	cmd.Flags().BoolVar(&end, "end", false, "end the delegation")
	mustRequire(cmd, "reason")
	return cmd
}
