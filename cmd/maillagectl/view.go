package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newViewCmd(g *globals) *cobra.Command {
	var (
		req  = &parcoursv1.GetCoordinatedViewRequest{}
		asOf string
	)
	cmd := &cobra.Command{
		Use:   "view PERSON [--min-position TOKEN] [--as-of RFC3339]",
		Short: "Print the person's coordinated view (fiche de coordination)",
		Long: `Print the person's coordinated view (fiche de coordination). To read
your own writes, pass the position a command printed as --min-position.
A query has no request id: it changes nothing, and is safe to repeat.`,
		Example: `  maillagectl view 01K… --min-position 4
  maillagectl view 01K… --as-of 2026-05-04T09:00:00+02:00`,
		Args: cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId = args[0]
		if asOf != "" {
			// Parsed here: as_of is a Timestamp, not a string the server checks.
			t, err := time.Parse(time.RFC3339, asOf)
			if err != nil {
				return fmt.Errorf("--as-of %q: want an RFC 3339 instant, e.g. 2026-05-04T09:00:00+02:00", asOf)
			}
			req.AsOf = timestamppb.New(t)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			return api.GetCoordinatedView(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.MinPosition, "min-position", "", "a position printed by a command: wait until the view includes it")
	f.StringVar(&asOf, "as-of", "", "the view as it was at this instant (RFC 3339)")
	return cmd
}
