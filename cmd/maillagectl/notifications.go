package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
)

// The notifications (alertes) of the caller's organisation: list, follow,
// acknowledge, count.

func notificationsCall(c *apiCall, cmd *cobra.Command, call func(context.Context, notificationsv1.NotificationsServiceClient) (proto.Message, error)) error {
	return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
		return call(ctx, notificationsv1.NewNotificationsServiceClient(conn))
	})
}

func newNotificationsCmd(g *globals) *cobra.Command {
	req := &notificationsv1.ListNotificationsRequest{}
	cmd := &cobra.Command{
		Use:   "notifications [--unread] [--page-size N] [--page-token T]",
		Short: "List the notifications of your organisation (alertes), newest first",
		Example: `  maillagectl notifications --unread
  maillagectl follow              # then each new one as it comes`,
		Args: cobra.NoArgs,
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return notificationsCall(c, cmd, func(ctx context.Context, api notificationsv1.NotificationsServiceClient) (proto.Message, error) {
			return api.ListNotifications(ctx, req)
		})
	}
	f := cmd.Flags()
	f.BoolVar(&req.OnlyUnread, "unread", false, "only those not acknowledged")
	f.Int32Var(&req.PageSize, "page-size", 0, "at most this many, 1 to 100 (default 20)")
	f.StringVar(&req.PageToken, "page-token", "", "the next_page_token of the previous page")
	return cmd
}

func newFollowCmd(g *globals) *cobra.Command {
	var after uint64
	cmd := &cobra.Command{
		Use:   "follow [--after CURSOR]",
		Short: "Print your organisation's notifications after a cursor, then each new one, one JSON object a line, until interrupted",
		Long: `Print your organisation's notifications after a cursor, then each new one,
one JSON object a line, until interrupted. Each carries its cursor: follow
again with --after the last one printed to miss nothing and repeat nothing,
across restarts of maillaged.`,
		Example: "  maillagectl follow --after 41",
		Args:    cobra.NoArgs,
	}
	addAsFlags(cmd, g)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		conn, err := g.dial(cmd.Context())
		if err != nil {
			return err
		}
		defer conn.Close()
		s, err := notificationsv1.NewNotificationsServiceClient(conn).Subscribe(cmd.Context(), &notificationsv1.SubscribeRequest{AfterCursor: after})
		if err != nil {
			return fmt.Errorf("follow: %w", rpcError(err))
		}
		return printEach(cmd.OutOrStdout(), s)
	}
	cmd.Flags().Uint64Var(&after, "after", 0, "the cursor of the last notification received (0: the whole inbox)")
	return cmd
}

// printEach prints each notification received as one line of JSON.
func printEach(w io.Writer, s notificationsv1.NotificationsService_SubscribeClient) error {
	for {
		r, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("follow: %w", rpcError(err))
		}
		line, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(r.GetNotification())
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s\n", line); err != nil {
			return err
		}
	}
}

func newAckCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "ack NOTIFICATION",
		Short:   "Acknowledge a notification of your organisation (taken in charge)",
		Example: "  maillagectl ack 01K…",
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return notificationsCall(c, cmd, func(ctx context.Context, api notificationsv1.NotificationsServiceClient) (proto.Message, error) {
			return api.AcknowledgeNotification(ctx, &notificationsv1.AcknowledgeNotificationRequest{NotificationId: args[0]})
		})
	}
	return cmd
}

func newUnreadCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "unread",
		Short: "Count your organisation's notifications not acknowledged",
		Args:  cobra.NoArgs,
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return notificationsCall(c, cmd, func(ctx context.Context, api notificationsv1.NotificationsServiceClient) (proto.Message, error) {
			return api.GetUnreadCount(ctx, &notificationsv1.GetUnreadCountRequest{})
		})
	}
	return cmd
}
