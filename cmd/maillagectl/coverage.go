package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

func newCoverageCmd(g *globals) *cobra.Command {
	req := &partnersv1.GetTerritorialCoverageRequest{}
	var communes string
	var asCSV bool
	cmd := &cobra.Command{
		Use:   "coverage --departement D | --communes INSEE,… [--radius KM] [--csv]",
		Short: "The needs of the people followed in a territory against what answers them (diagnostic partagé de territoire)",
		Example: `  maillagectl coverage --departement 35 --radius 30
  maillagectl coverage --departement 35 --csv > couverture-35.csv`,
		Args: cobra.NoArgs,
	}
	c := newAPICall(g, cmd, false)
	c.timeout = 2 * time.Minute
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		req.CommunesInsee = splitList(communes)
		if !asCSV {
			return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
				return api.GetTerritorialCoverage(ctx, req)
			})
		}
		var res *partnersv1.GetTerritorialCoverageResponse
		err := c.runOnQuiet(cmd, func(ctx context.Context, conn *grpc.ClientConn) error {
			var err error
			res, err = partnersv1.NewPartnersServiceClient(conn).GetTerritorialCoverage(ctx, req)
			return err
		})
		if err != nil {
			return err
		}
		return writeCoverageCSV(cmd.OutOrStdout(), res)
	}
	f := cmd.Flags()
	f.StringVar(&req.Departement, "departement", "", "the territory: a département (35, 2A, 974)")
	f.StringVar(&communes, "communes", "", "or communes, INSEE codes comma-separated")
	f.Float64Var(&req.RadiusKm, "radius", 0, "kilometres from a domicile within which an offer counts: 5, 10, 20, 30, 50, 100 or 200 (default 30)")
	f.BoolVar(&asCSV, "csv", false, "write the lines as CSV (for a spreadsheet) instead of JSON")
	return cmd
}

// count is a line's count, "secret" when withheld (secret statistique).
func count(n int32) string {
	if n < 0 {
		return "secret"
	}
	return fmt.Sprint(n)
}

// writeCoverageCSV writes one line per need, with a header.
func writeCoverageCSV(w io.Writer, res *partnersv1.GetTerritorialCoverageResponse) error {
	out := csv.NewWriter(w)
	out.Write([]string{"besoin", "libelle", "personnes", "couvertes", "offre_a_proximite", "sans_reponse", "sans_localisation", "prestations_repondant"})
	for _, l := range res.GetLines() {
		var answering []string
		for _, p := range l.GetAnsweringPrestations() {
			answering = append(answering, p.GetCode())
		}
		out.Write([]string{l.GetNeed().GetCode(), l.GetNeed().GetLabel(), count(l.GetPeopleWithNeed()), count(l.GetPeopleCovered()),
			count(l.GetPeopleWithOfferNearby()), count(l.GetPeopleWithoutAnswer()), count(l.GetPeopleWithoutLocation()),
			strings.Join(answering, " ")})
	}
	out.Flush()
	return out.Error()
}
