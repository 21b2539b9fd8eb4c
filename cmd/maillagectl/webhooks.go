package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
)

// The organisation's webhooks: its systems that receive its
// notifications (Standard Webhooks), their dead letters and resends.

func newWebhookCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook add|list|remove|dead-letters|resend",
		Short: "Send your organisation's notifications to its system (administrateur): Standard Webhooks, retried for days",
	}
	cmd.AddCommand(newWebhookAddCmd(g), newWebhookListCmd(g), newWebhookRemoveCmd(g), newDeadLettersCmd(g), newResendCmd(g))
	return cmd
}

func newWebhookAddCmd(g *globals) *cobra.Command {
	req := &notificationsv1.RegisterWebhookRequest{}
	cmd := &cobra.Command{
		Use:   "add URL [--description TEXT]",
		Short: "Register an endpoint; prints its secret once (whsec_…): verify each delivery's webhook-signature with it",
		Example: `  maillagectl webhook add https://si.pcpe.example/maillage --description "SI du PCPE" --as-role administrateur
  # each POST carries webhook-id (the notification id: deduplicate on it), webhook-timestamp, webhook-signature`,
		Args: cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.Url = args[0]
		return notificationsCall(c, cmd, func(ctx context.Context, api notificationsv1.NotificationsServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.RegisterWebhook(ctx, req)
		})
	}
	cmd.Flags().StringVar(&req.Description, "description", "", "what it is, in your words")
	return cmd
}

func newWebhookListCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your organisation's endpoints, with what waits and what was abandoned",
		Args:  cobra.NoArgs,
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return notificationsCall(c, cmd, func(ctx context.Context, api notificationsv1.NotificationsServiceClient) (proto.Message, error) {
			return api.ListWebhooks(ctx, &notificationsv1.ListWebhooksRequest{})
		})
	}
	return cmd
}

func newWebhookRemoveCmd(g *globals) *cobra.Command {
	req := &notificationsv1.RemoveWebhookRequest{}
	cmd := &cobra.Command{
		Use:   "remove ENDPOINT [--reason TEXT]",
		Short: "Stop an endpoint",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.EndpointId = args[0]
		return notificationsCall(c, cmd, func(ctx context.Context, api notificationsv1.NotificationsServiceClient) (proto.Message, error) {
			return api.RemoveWebhook(ctx, req)
		})
	}
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why")
	return cmd
}

func newDeadLettersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dead-letters ENDPOINT",
		Short: "List the notifications an endpoint did not acknowledge after its retries",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return notificationsCall(c, cmd, func(ctx context.Context, api notificationsv1.NotificationsServiceClient) (proto.Message, error) {
			return api.ListDeadLetters(ctx, &notificationsv1.ListDeadLettersRequest{EndpointId: args[0]})
		})
	}
	return cmd
}

func newResendCmd(g *globals) *cobra.Command {
	req := &notificationsv1.ResendDeadLettersRequest{}
	cmd := &cobra.Command{
		Use:     "resend ENDPOINT [--notification ID…]",
		Short:   "Send dead letters again, from now (all of them by default)",
		Example: "  maillagectl webhook resend 01K… --as-role administrateur",
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.EndpointId = args[0]
		return notificationsCall(c, cmd, func(ctx context.Context, api notificationsv1.NotificationsServiceClient) (proto.Message, error) {
			return api.ResendDeadLetters(ctx, req)
		})
	}
	cmd.Flags().StringSliceVar(&req.NotificationIds, "notification", nil, "a dead letter to resend; repeat for several")
	return cmd
}
