package app_test

import (
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/auth"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// A foyer de vie in Rennes and a SAVS in Saint-Malo, as a coordination
// enters them into the directory.
func foyerDetails() *partnersv1.PartnerDetails {
	return &partnersv1.PartnerDetails{
		Name: "Foyer de vie Les Tilleuls", Kind: eventsv1.PartnerKind_PARTNER_KIND_ESSMS,
		Category: &eventsv1.PartnerCategory{Code: "382", Label: "Foyer de Vie pour Adultes Handicapés"},
		Address:  &eventsv1.PartnerAddress{Lines: []string{"12 rue des Tilleuls"}, Postcode: "35000", CommuneInsee: "35238", City: "Rennes"},
		Location: &eventsv1.GeoPoint{Latitude: 48.1173, Longitude: -1.6778},
		Offers:   []*partnersv1.OfferInput{{PrestationCode: "2.3.4"}, {PrestationCode: "2.2.1"}},
		Mission:  eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT,
	}
}

const (
	foyerFINESS = "350000014"
	savsFINESS  = "350000022"
)

func TestPartnersDirectoryOverGRPC(t *testing.T) {
	m := start(t, t.TempDir(), time.Now)
	ctx := ctxT(t)
	coordination := partnersv1.NewPartnersServiceClient(m.client(t, coordinatrice))
	waitServing(t, m.client(t, coordinatrice), partnersv1.PartnersService_ServiceDesc.ServiceName)

	res, err := coordination.RegisterPartner(ctx, &partnersv1.RegisterPartnerRequest{RequestId: "foyer-1", OrganisationId: foyerFINESS,
		Details: foyerDetails(), Capacity: &eventsv1.PartnerCapacity{Places: 30, AvailablePlaces: 2}})
	mustNil(t, err)
	savs := foyerDetails()
	savs.Name, savs.Location, savs.Offers = "SAVS Émeraude", &eventsv1.GeoPoint{Latitude: 48.6493, Longitude: -2.0257}, []*partnersv1.OfferInput{{PrestationCode: "2.3.4"}}
	savsRes, err := coordination.RegisterPartner(ctx, &partnersv1.RegisterPartnerRequest{RequestId: "savs-1", OrganisationId: savsFINESS, Details: savs})
	mustNil(t, err)

	got, err := coordination.GetPartner(ctx, &partnersv1.GetPartnerRequest{OrganisationId: foyerFINESS, MinPosition: res.GetPosition()})
	mustNil(t, err)
	if p := got.GetPartner(); p.GetDisplayName() != "Foyer de vie Les Tilleuls" || p.GetOffers()[0].GetPrestation().GetLabel() == "" ||
		p.GetCapacity().GetAvailablePlaces() != 2 || p.GetVersion() != 1 {
		t.Fatalf("GetPartner = %v; want the foyer with its labelled offers and its places", p)
	}

	// A parent code finds its children, nearest first.
	found, err := coordination.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{PrestationCode: "2.3",
		Near: &eventsv1.GeoPoint{Latitude: 48.1113, Longitude: -1.6800}, RadiusKm: 100, MinPosition: savsRes.GetPosition()})
	mustNil(t, err)
	if n := len(found.GetResults()); n != 2 || found.GetResults()[0].GetPartner().GetOrganisationId() != foyerFINESS ||
		found.GetResults()[0].GetDistanceKm() > 2 || found.GetResults()[1].GetDistanceKm() < 50 ||
		len(found.GetResults()[0].GetMatchingOffers()) != 1 {
		t.Fatalf("search near Rennes = %v; want the foyer (< 2 km, one matching offer), then the SAVS (> 50 km)", found)
	}
	page, err := coordination.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{PrestationCode: "2.3", Departement: "35", PageSize: 1})
	mustNil(t, err)
	next, err := coordination.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{PrestationCode: "2.3", Departement: "35", PageSize: 1,
		PageToken: page.GetNextPageToken()})
	mustNil(t, err)
	if page.GetTotal() != 2 || len(page.GetResults()) != 1 || len(next.GetResults()) != 1 || next.GetNextPageToken() != "" ||
		proto.Equal(page.GetResults()[0], next.GetResults()[0]) {
		t.Fatalf("two pages of one = %v then %v", page, next)
	}
	_, err = coordination.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{PrestationCode: "2.2", PageToken: page.GetNextPageToken()})
	wantCode(t, err, codes.InvalidArgument)

	// The foyer keeps its own places with its own token; another partner
	// cannot.
	foyer := partnersv1.NewPartnersServiceClient(m.client(t, auth.Principal{Subject: "dir-1", Organisation: foyerFINESS, Role: auth.RoleProfessionnel}))
	upd, err := foyer.UpdateCapacity(ctx, &partnersv1.UpdateCapacityRequest{RequestId: "cap-1", OrganisationId: foyerFINESS,
		Capacity: &eventsv1.PartnerCapacity{Places: 30, AvailablePlaces: 0, WaitingList: 4}})
	mustNil(t, err)
	other := partnersv1.NewPartnersServiceClient(m.client(t, auth.Principal{Subject: "x", Organisation: savsFINESS, Role: auth.RoleProfessionnel}))
	_, err = other.UpdateCapacity(ctx, &partnersv1.UpdateCapacityRequest{RequestId: "cap-2", OrganisationId: foyerFINESS,
		Capacity: &eventsv1.PartnerCapacity{Places: 30, AvailablePlaces: 30}})
	wantCode(t, err, codes.PermissionDenied)
	_, err = foyer.WithdrawPartner(ctx, &partnersv1.WithdrawPartnerRequest{RequestId: "w-1", OrganisationId: foyerFINESS, Reason: "x"})
	wantCode(t, err, codes.PermissionDenied)
	free, err := coordination.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{OnlyWithAvailablePlaces: true, MinPosition: upd.GetPosition()})
	mustNil(t, err)
	if len(free.GetResults()) != 0 {
		t.Fatalf("search with places after the foyer filled = %v, want none", free.GetResults())
	}

	// Bad input: a clear error, nothing stored.
	_, err = coordination.RegisterPartner(ctx, &partnersv1.RegisterPartnerRequest{RequestId: "foyer-1", OrganisationId: foyerFINESS, Details: foyerDetails()})
	wantCode(t, err, codes.InvalidArgument) // the same request id with another body
	_, err = coordination.RegisterPartner(ctx, &partnersv1.RegisterPartnerRequest{RequestId: "foyer-2", OrganisationId: foyerFINESS, Details: foyerDetails()})
	wantCode(t, err, codes.FailedPrecondition)
	bad := foyerDetails()
	bad.Offers = []*partnersv1.OfferInput{{PrestationCode: "1.1.1"}}
	st := wantCode(t, func() error {
		_, err := coordination.RegisterPartner(ctx, &partnersv1.RegisterPartnerRequest{RequestId: "bad-1", OrganisationId: "350000030", Details: bad})
		return err
	}(), codes.InvalidArgument)
	if v := fieldViolations(st); !contains(v, "details.offers[0].prestation_code") {
		t.Errorf("violations %v, want details.offers[0].prestation_code", v)
	}
	_, err = coordination.RegisterPartner(ctx, &partnersv1.RegisterPartnerRequest{RequestId: "bad-2", OrganisationId: "350000015", Details: foyerDetails()})
	wantCode(t, err, codes.InvalidArgument) // a FINESS whose key is wrong
	_, err = coordination.GetPartner(ctx, &partnersv1.GetPartnerRequest{OrganisationId: "350000030"})
	wantCode(t, err, codes.NotFound)
	_, err = coordination.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{PrestationCode: "1.1"})
	wantCode(t, err, codes.InvalidArgument)
	_, err = coordination.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{NearPersonId: "01JD0000000000000000000000"})
	wantCode(t, err, codes.NotFound)
}
