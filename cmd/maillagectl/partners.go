package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// The commands of the directory: register, describe, places, withdraw,
// read and search partners. import-finess is in import_finess.go.

var partnerKindWords = []word[eventsv1.PartnerKind]{
	{"essms", eventsv1.PartnerKind_PARTNER_KIND_ESSMS},
	{"droit-commun", eventsv1.PartnerKind_PARTNER_KIND_DROIT_COMMUN},
	{"sanitaire", eventsv1.PartnerKind_PARTNER_KIND_SANITAIRE},
	{"institution", eventsv1.PartnerKind_PARTNER_KIND_INSTITUTION},
}

// partnerFlags are the flags that describe a partner.
type partnerFlags struct {
	d                    partnersv1.PartnerDetails
	kind                 *enumFlag[eventsv1.PartnerKind]
	category, categoryL  string
	street, postcode     string
	commune, city        string
	lat, lon             float64
	offers, mission      string
	communes, deps       string
	places, available, w uint32
}

func (p *partnerFlags) add(cmd *cobra.Command, withCapacity bool) {
	p.kind = newEnumFlag(partnerKindWords)
	f := cmd.Flags()
	f.StringVar(&p.d.Name, "name", "", "its name (raison sociale)")
	f.Var(p.kind, "kind", "its family: "+p.kind.names())
	f.StringVar(&p.category, "category", "", "its FINESS category code (e.g. 382)")
	f.StringVar(&p.categoryL, "category-label", "", "the category's label")
	f.StringVar(&p.d.LegalEntityId, "legal-entity", "", "the FINESS of its legal entity")
	f.StringVar(&p.street, "street", "", "street line of its address")
	f.StringVar(&p.postcode, "postcode", "", "postcode")
	f.StringVar(&p.commune, "commune", "", "INSEE code of its commune")
	f.StringVar(&p.city, "city", "", "its commune's name")
	f.Float64Var(&p.lat, "lat", 0, "latitude, WGS84")
	f.Float64Var(&p.lon, "lon", 0, "longitude, WGS84")
	f.StringVar(&p.offers, "offers", "", "SERAFIN-PH prestation codes it offers, comma-separated (e.g. 2.3.4,2.2.1)")
	f.StringVar(&p.mission, "mission", "", "the mission it takes on when engaged: accueil_hebergement, soins, accompagnement…")
	f.StringVar(&p.communes, "serves-communes", "", "INSEE codes of the communes it serves, comma-separated")
	f.StringVar(&p.deps, "serves-departements", "", "départements it serves whole, comma-separated")
	f.StringVar(&p.d.Phone, "phone", "", "phone number")
	if withCapacity {
		f.Uint32Var(&p.places, "places", 0, "places authorised")
		f.Uint32Var(&p.available, "available", 0, "places available now")
		f.Uint32Var(&p.w, "waiting", 0, "people on the waiting list")
	}
}

func (p *partnerFlags) details() (*partnersv1.PartnerDetails, error) {
	d := proto.CloneOf(&p.d)
	d.Kind = p.kind.value
	if p.category != "" {
		d.Category = &eventsv1.PartnerCategory{Code: p.category, Label: p.categoryL}
	}
	if p.street != "" || p.postcode != "" || p.commune != "" || p.city != "" {
		d.Address = &eventsv1.PartnerAddress{Postcode: p.postcode, CommuneInsee: p.commune, City: p.city}
		if p.street != "" {
			d.Address.Lines = []string{p.street}
		}
	}
	if p.lat != 0 || p.lon != 0 {
		d.Location = &eventsv1.GeoPoint{Latitude: p.lat, Longitude: p.lon}
	}
	for _, c := range splitList(p.offers) {
		d.Offers = append(d.Offers, &partnersv1.OfferInput{PrestationCode: c})
	}
	if p.mission != "" {
		m, err := missionOf(p.mission)
		if err != nil {
			return nil, err
		}
		d.Mission = m
	}
	if p.communes != "" || p.deps != "" {
		d.Territory = &eventsv1.PartnerTerritory{CommunesInsee: splitList(p.communes), Departements: splitList(p.deps)}
	}
	return d, nil
}

func (p *partnerFlags) capacity() *eventsv1.PartnerCapacity {
	return &eventsv1.PartnerCapacity{Places: p.places, AvailablePlaces: p.available, WaitingList: p.w}
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// partnersCall runs call on PartnersService.
func partnersCall(c *apiCall, cmd *cobra.Command, call func(context.Context, partnersv1.PartnersServiceClient) (proto.Message, error)) error {
	return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
		return call(ctx, partnersv1.NewPartnersServiceClient(conn))
	})
}

func newRegisterPartnerCmd(g *globals) *cobra.Command {
	var p partnerFlags
	cmd := &cobra.Command{
		Use:   "register-partner FINESS|SIRET --name NAME --kind KIND …",
		Short: "Enter a partner into the territory's directory",
		Example: `  maillagectl register-partner 350000014 --name "Foyer de vie Les Tilleuls" --kind essms --category 382 \
    --commune 35238 --city Rennes --lat 48.1173 --lon -1.6778 --offers 2.3.4,2.2.1 --mission accueil_hebergement --places 30 --available 2`,
		Args: cobra.ExactArgs(1),
	}
	p.add(cmd, true)
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		d, err := p.details()
		if err != nil {
			return err
		}
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			return api.RegisterPartner(ctx, &partnersv1.RegisterPartnerRequest{RequestId: c.requestID, OrganisationId: args[0],
				Details: d, Capacity: p.capacity()})
		})
	}
	mustRequire(cmd, "name", "kind")
	return cmd
}

func newUpdatePartnerCmd(g *globals) *cobra.Command {
	var p partnerFlags
	cmd := &cobra.Command{
		Use:   "update-partner FINESS|SIRET --name NAME --kind KIND …",
		Short: "Replace a partner's description (its places apart): the flags give it whole",
		Args:  cobra.ExactArgs(1),
	}
	p.add(cmd, false)
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		d, err := p.details()
		if err != nil {
			return err
		}
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			return api.UpdatePartner(ctx, &partnersv1.UpdatePartnerRequest{RequestId: c.requestID, OrganisationId: args[0], Details: d})
		})
	}
	mustRequire(cmd, "name", "kind")
	return cmd
}

func newUpdateCapacityCmd(g *globals) *cobra.Command {
	var places, available, waiting uint32
	cmd := &cobra.Command{
		Use:     "update-capacity FINESS|SIRET --places N --available N [--waiting N]",
		Short:   "Set a partner's places (its own professionals, or the coordination)",
		Example: `  maillagectl update-capacity 350000014 --places 30 --available 1 --waiting 6 --as-org 350000014 --as-role professionnel`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			return api.UpdateCapacity(ctx, &partnersv1.UpdateCapacityRequest{RequestId: c.requestID, OrganisationId: args[0],
				Capacity: &eventsv1.PartnerCapacity{Places: places, AvailablePlaces: available, WaitingList: waiting}})
		})
	}
	cmd.Flags().Uint32Var(&places, "places", 0, "places authorised")
	cmd.Flags().Uint32Var(&available, "available", 0, "places available now")
	cmd.Flags().Uint32Var(&waiting, "waiting", 0, "people on the waiting list")
	mustRequire(cmd, "places", "available")
	return cmd
}

func newWithdrawPartnerCmd(g *globals) *cobra.Command {
	var reason string
	var reinstate bool
	cmd := &cobra.Command{
		Use:   "withdraw-partner FINESS|SIRET --reason TEXT [--reinstate]",
		Short: "Take a partner out of the directory, or bring it back (--reinstate)",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			if reinstate {
				return api.ReinstatePartner(ctx, &partnersv1.ReinstatePartnerRequest{RequestId: c.requestID, OrganisationId: args[0], Reason: reason})
			}
			return api.WithdrawPartner(ctx, &partnersv1.WithdrawPartnerRequest{RequestId: c.requestID, OrganisationId: args[0], Reason: reason})
		})
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, in French")
	cmd.Flags().BoolVar(&reinstate, "reinstate", false, "bring a withdrawn partner back")
	mustRequire(cmd, "reason")
	return cmd
}

func newPartnerCmd(g *globals) *cobra.Command {
	req := &partnersv1.GetPartnerRequest{}
	cmd := &cobra.Command{
		Use:   "partner FINESS|SIRET",
		Short: "Show a partner of the directory",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.OrganisationId = args[0]
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			return api.GetPartner(ctx, req)
		})
	}
	cmd.Flags().StringVar(&req.MinPosition, "min-position", "", "wait until the directory includes this position")
	return cmd
}

func newSearchPartnersCmd(g *globals) *cobra.Command {
	req := &partnersv1.SearchPartnersRequest{}
	var near string
	kinds := newEnumListFlag(partnerKindWords)
	cmd := &cobra.Command{
		Use:   "search-partners [--prestation CODE] [--near LAT,LON | --near-person ID] [--radius KM] [--commune INSEE | --departement D] [--available]",
		Short: "Find partners: by prestation (a code finds its children), distance, territory, places",
		Example: `  maillagectl search-partners --prestation 2.3 --near 48.11,-1.68 --radius 30
  maillagectl search-partners --prestation 2.3.4 --near-person 01K… --available`,
		Args: cobra.NoArgs,
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if near != "" {
			lat, lon, ok := strings.Cut(near, ",")
			la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
			lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
			if !ok || err1 != nil || err2 != nil {
				return fmt.Errorf("--near %q: want LAT,LON in degrees, e.g. 48.11,-1.68", near)
			}
			req.Near = &eventsv1.GeoPoint{Latitude: la, Longitude: lo}
		}
		req.Kinds = kinds.values
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			return api.SearchPartners(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.PrestationCode, "prestation", "", "SERAFIN-PH prestation code; its children match too")
	f.StringVar(&near, "near", "", "LAT,LON: nearest first, within --radius")
	f.StringVar(&req.NearPersonId, "near-person", "", "near this person's domicile (its file must carry coordinates)")
	f.Float64Var(&req.RadiusKm, "radius", 0, "kilometres around --near (default 30)")
	f.StringVar(&req.CommuneInsee, "commune", "", "partners serving this commune (INSEE code)")
	f.StringVar(&req.Departement, "departement", "", "partners serving this département")
	f.Var(kinds, "kinds", "only these kinds, comma-separated: "+kinds.names())
	f.BoolVar(&req.OnlyWithAvailablePlaces, "available", false, "only partners with a place available")
	f.Int32Var(&req.PageSize, "page-size", 0, "results per page (default 20, at most 200)")
	f.StringVar(&req.PageToken, "page-token", "", "next_page_token of the previous page")
	return cmd
}
