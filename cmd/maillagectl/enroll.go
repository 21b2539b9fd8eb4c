package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newEnrollCmd(g *globals) *cobra.Command {
	var (
		req        = &parcoursv1.EnrollPersonRequest{Domicile: &parcoursv1.Domicile{}}
		public     = newEnumFlag(publicWords)
		protection = newEnumFlag(protectionWords)
		ins        string
		lat, lon   float64
	)
	cmd := &cobra.Command{
		Use:     "enroll --birth-date YYYY-MM-DD --commune INSEE --public WORD --protection WORD",
		Short:   "Enrol a person in the coordination and print their person_id",
		Example: `  maillagectl enroll --birth-date 2008-03-14 --commune 69123 --public disability --protection none --origin "MDPH du Rhône"`,
		Args:    cobra.NoArgs,
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		req.PublicConcerned, req.LegalProtection = public.value, protection.value
		// Optional fields are sent only when given: an empty INS or a
		// 0,0 position would be values, not "unknown".
		if cmd.Flags().Changed("ins") {
			req.Ins = proto.String(ins)
		}
		if cmd.Flags().Changed("lat") {
			req.Domicile.Latitude = proto.Float64(lat)
		}
		if cmd.Flags().Changed("lon") {
			req.Domicile.Longitude = proto.Float64(lon)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.EnrollPerson(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.BirthDate, "birth-date", "", "date of birth, YYYY-MM-DD")
	f.StringVar(&req.Domicile.CommuneInsee, "commune", "", "INSEE code of the commune of the domicile (e.g. 69123, 2A004)")
	f.Float64Var(&lat, "lat", 0, "latitude of the domicile, WGS 84 (with --lon)")
	f.Float64Var(&lon, "lon", 0, "longitude of the domicile, WGS 84 (with --lat)")
	f.Var(public, "public", "public concerned: "+public.names())
	f.Var(protection, "protection", "legal protection measure: "+protection.names())
	f.StringVar(&ins, "ins", "", "matricule INS (15 characters), when qualified")
	f.StringVar(&req.RequestOrigin, "origin", "", "who asked for coordination, in their words")
	f.StringVar(&req.PersonId, "person-id", "", "the person's id (a ULID); default: derived by the server from the request id")
	mustRequire(cmd, "birth-date", "commune", "public", "protection")
	return cmd
}

// mustRequire marks flags required; they are defined just before, so an
// error is a typo in this program.
func mustRequire(cmd *cobra.Command, names ...string) {
	for _, name := range names {
		if err := cmd.MarkFlagRequired(name); err != nil {
			panic(err)
		}
	}
}
