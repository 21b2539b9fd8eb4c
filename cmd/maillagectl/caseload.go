package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newCaseloadCmd(g *globals) *cobra.Command {
	var (
		req = &parcoursv1.ListCaseloadRequest{}
		all bool
	)
	cmd := &cobra.Command{
		Use:   "caseload [--coordinator ID] [filters] [--page-size N] [--page-token TOKEN | --all]",
		Short: "Print a page of a coordinator's caseload (file active), or all of it with --all",
		Long: `Print a page of a coordinator's caseload (file active): the people they
coordinate, ordered by person_id, with what needs attention. Filters
combine with AND. Without --all, pass the next_page_token printed as
--page-token, with the same filters, for the next page. With --all, every
page is read and the entries are printed together, as one response with no
next_page_token; --timeout is then the deadline of the whole read.
A query has no request id: it changes nothing, and is safe to repeat.`,
		Example: `  maillagectl caseload --only-open-ruptures
  maillagectl caseload --coordinator prof-42 --transitions-within-days 90 --all`,
		Args: cobra.NoArgs,
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			if !all {
				return api.ListCaseload(ctx, req)
			}
			return listAllCaseload(ctx, api, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.CoordinatorProfessionalId, "coordinator", "", "the coordinator's professional_id; default: the caller")
	f.StringVar(&req.OrganisationId, "org", "", "only the files coordinated for this organisation (FINESS or SIRET)")
	f.BoolVar(&req.OnlyOpenRuptures, "only-open-ruptures", false, "only the people with an open rupture de parcours")
	f.Uint32Var(&req.TransitionsWithinDays, "transitions-within-days", 0, "only the people with a transition anticipated within this many days (1 to 730)")
	f.BoolVar(&req.OnlyOverdueReviews, "only-overdue-reviews", false, "only the people whose plan review is overdue")
	f.BoolVar(&req.OnlyOverdueActions, "only-overdue-actions", false, "only the people with an overdue action")
	f.BoolVar(&req.IncludeDischarged, "include-discharged", false, "also the people discharged whose last coordinator this was")
	f.Int32Var(&req.PageSize, "page-size", 0, "at most this many entries a page (1 to 500); default: the server's, 50")
	f.StringVar(&req.PageToken, "page-token", "", "the next_page_token of a previous page (same filters)")
	f.StringVar(&req.MinPosition, "min-position", "", "a position printed by a command: wait until the caseload includes it")
	f.BoolVar(&all, "all", false, "follow next_page_token and print every entry")
	return cmd
}

// listAllCaseload reads every page from req's, and returns their entries
// as one response with no next_page_token.
func listAllCaseload(ctx context.Context, api parcoursv1.ParcoursServiceClient, req *parcoursv1.ListCaseloadRequest) (*parcoursv1.ListCaseloadResponse, error) {
	page := proto.CloneOf(req)
	out := &parcoursv1.ListCaseloadResponse{}
	for {
		resp, err := api.ListCaseload(ctx, page)
		if err != nil {
			return nil, err
		}
		out.Entries = append(out.Entries, resp.GetEntries()...)
		next := resp.GetNextPageToken()
		if next == "" {
			return out, nil
		}
		if next == page.GetPageToken() {
			// A server that answers the same token again would loop forever.
			return nil, fmt.Errorf("page %q: the server returned the same next_page_token", next)
		}
		page.PageToken = next
	}
}
