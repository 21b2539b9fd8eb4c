package partners_test

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider/decidertest"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/partners"
)

// A foyer de vie of Rennes (FINESS 350000014: 9 digits, Luhn key).
const foyer = "350000014"

func code(c string) *eventsv1.SerafinCode {
	return &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: c}
}

func description() *eventsv1.PartnerDescription {
	return &eventsv1.PartnerDescription{
		Name: "Foyer de vie Les Tilleuls", Kind: eventsv1.PartnerKind_PARTNER_KIND_ESSMS,
		Category: &eventsv1.PartnerCategory{Code: "382", Label: "Foyer de Vie pour Adultes Handicapés"},
		Address:  &eventsv1.PartnerAddress{Lines: []string{"12 rue des Tilleuls"}, Postcode: "35000", CommuneInsee: "35238", City: "Rennes"},
		Location: &eventsv1.GeoPoint{Latitude: 48.1173, Longitude: -1.6778},
		Offers:   []*eventsv1.PartnerOffer{{Prestation: code("2.3.4")}, {Prestation: code("3.2.1")}},
		Mission:  eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT,
	}
}

func registered() *eventsv1.PartnerRegistered {
	return &eventsv1.PartnerRegistered{OrganisationId: foyer, Description: description(),
		Capacity: &eventsv1.PartnerCapacity{Places: 30, AvailablePlaces: 2}, Source: eventsv1.PartnerSource_PARTNER_SOURCE_MANUAL}
}

func as(org string, role auth.Role) decidertest.Option {
	return decidertest.Caller(access.Caller{Subject: "someone", Organisation: org, Role: role})
}

func spec(opts ...decidertest.Option) decidertest.Spec[*partners.PartnerState, partners.PartnerCommand] {
	return decidertest.New(partners.Partner, opts...)
}

func TestRegisterPartner(t *testing.T) {
	t.Parallel()
	cmd := partners.RegisterPartner{OrganisationID: foyer, Description: description(), Capacity: &eventsv1.PartnerCapacity{Places: 30, AvailablePlaces: 2}}
	t.Run("enters the directory", func(t *testing.T) {
		spec().Given().When(cmd).Then(t, registered())
	})
	t.Run("by the partner itself", func(t *testing.T) {
		spec(as(foyer, auth.RoleProfessionnel)).Given().When(cmd).Then(t, registered())
	})
	t.Run("once", func(t *testing.T) {
		spec().Given(registered()).When(cmd).ThenRefused(t, "partner.registered")
	})
	t.Run("not by another organisation's professional", func(t *testing.T) {
		spec(as("750000001", auth.RoleProfessionnel)).Given().When(cmd).ThenError(t, derrors.ErrPermission)
	})
	t.Run("not by a dpo", func(t *testing.T) {
		spec(as(foyer, auth.RoleDPO)).Given().When(cmd).ThenError(t, derrors.ErrPermission)
	})
}

func TestRegisterPartnerInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*partners.RegisterPartner)
		field string
	}{
		{"FINESS key wrong", func(c *partners.RegisterPartner) { c.OrganisationID = "350000015" }, "organisation_id"},
		{"not a number", func(c *partners.RegisterPartner) { c.OrganisationID = "FOYER" }, "organisation_id"},
		{"no name", func(c *partners.RegisterPartner) { c.Description.Name = "" }, "details.name"},
		{"no kind", func(c *partners.RegisterPartner) { c.Description.Kind = 0 }, "details.kind"},
		{"a need offered", func(c *partners.RegisterPartner) { c.Description.Offers[0].Prestation = code("1.1.1") }, "details.offers[0].prestation_code"},
		{"an unknown prestation", func(c *partners.RegisterPartner) { c.Description.Offers[1].Prestation = code("2.9") }, "details.offers[1].prestation_code"},
		{"a prestation offered twice", func(c *partners.RegisterPartner) { c.Description.Offers[1].Prestation = code("2.3.4") }, "details.offers[1].prestation_code"},
		{"a code without its system", func(c *partners.RegisterPartner) { c.Description.Offers[0].Prestation.System = "" }, "details.offers[0].prestation_code"},
		{"a position off the globe", func(c *partners.RegisterPartner) { c.Description.Location.Latitude = 91 }, "details.location"},
		{"null island", func(c *partners.RegisterPartner) { c.Description.Location = &eventsv1.GeoPoint{} }, "details.location"},
		{"a commune that is not", func(c *partners.RegisterPartner) { c.Description.Address.CommuneInsee = "3523" }, "details.address.commune_insee"},
		{"a territory département that is not", func(c *partners.RegisterPartner) {
			c.Description.Territory = &eventsv1.PartnerTerritory{Departements: []string{"3"}}
		}, "details.territory.departements[0]"},
		{"a legal entity with a wrong key", func(c *partners.RegisterPartner) { c.Description.LegalEntityId = "350000015" }, "details.legal_entity_id"},
		{"a SIRET with a wrong key", func(c *partners.RegisterPartner) { c.Description.Siret = "73282932000075" }, "details.siret"},
		{"more places free than there are", func(c *partners.RegisterPartner) {
			c.Capacity = &eventsv1.PartnerCapacity{Places: 3, AvailablePlaces: 4}
		}, "capacity.available_places"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := partners.RegisterPartner{OrganisationID: foyer, Description: description(), Capacity: &eventsv1.PartnerCapacity{Places: 30}}
			tc.edit(&cmd)
			spec().Given().When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestUpdatePartner(t *testing.T) {
	t.Parallel()
	changed := description()
	changed.Phone = "02 99 00 00 00"
	t.Run("replaces the description", func(t *testing.T) {
		spec().Given(registered()).When(partners.UpdatePartner{OrganisationID: foyer, Description: changed}).
			Then(t, &eventsv1.PartnerUpdated{Description: changed})
	})
	t.Run("by the partner itself, or its legal entity", func(t *testing.T) {
		spec(as(foyer, auth.RoleProfessionnel)).Given(registered()).When(partners.UpdatePartner{OrganisationID: foyer, Description: changed}).
			Then(t, &eventsv1.PartnerUpdated{Description: changed})
		withEntity := registered()
		withEntity.Description.LegalEntityId = "350000022"
		changed := proto.CloneOf(changed)
		changed.LegalEntityId = "350000022"
		spec(as("350000022", auth.RoleProfessionnel)).Given(withEntity).When(partners.UpdatePartner{OrganisationID: foyer, Description: changed}).
			Then(t, &eventsv1.PartnerUpdated{Description: changed})
	})
	t.Run("the same description changes nothing", func(t *testing.T) {
		spec().Given(registered()).When(partners.UpdatePartner{OrganisationID: foyer, Description: description()}).Then(t)
	})
	t.Run("an unknown partner", func(t *testing.T) {
		spec().Given().When(partners.UpdatePartner{OrganisationID: foyer, Description: changed}).ThenError(t, derrors.ErrNotFound)
	})
	t.Run("not by another partner", func(t *testing.T) {
		spec(as("750000001", auth.RoleProfessionnel)).Given(registered()).When(partners.UpdatePartner{OrganisationID: foyer, Description: changed}).
			ThenError(t, derrors.ErrPermission)
	})
}

// The legal entity answers for the partner (accepts, declines, reads its
// solicitations): once the partner is known, only an administrateur
// changes it.
func TestLegalEntityIsTheAdministrateurs(t *testing.T) {
	t.Parallel()
	const entity, other = "350000022", "350000030"
	withEntity := registered()
	withEntity.Description.LegalEntityId = entity
	to := func(id string) *eventsv1.PartnerDescription {
		d := description()
		d.LegalEntityId = id
		return d
	}
	for _, c := range []struct {
		name string
		as   auth.Role
		org  string
	}{{"not by the partner itself", auth.RoleProfessionnel, foyer}, {"not by the coordination", auth.RoleCoordinateur, "750000001"}} {
		t.Run(c.name, func(t *testing.T) {
			spec(as(c.org, c.as)).Given(withEntity).When(partners.UpdatePartner{OrganisationID: foyer, Description: to(other)}).
				ThenError(t, derrors.ErrPermission)
			spec(as(c.org, c.as)).Given(registered()).When(partners.UpdatePartner{OrganisationID: foyer, Description: to(other)}).
				ThenError(t, derrors.ErrPermission)
		})
	}
	t.Run("not by an import of the coordination", func(t *testing.T) {
		spec().Given(withEntity).When(partners.ImportPartner{OrganisationID: foyer, Description: to(other)}).ThenError(t, derrors.ErrPermission)
	})
	t.Run("by an administrateur", func(t *testing.T) {
		spec(as("750000001", auth.RoleAdministrateur)).Given(withEntity).When(partners.UpdatePartner{OrganisationID: foyer, Description: to(other)}).
			Then(t, &eventsv1.PartnerUpdated{Description: to(other)})
	})
	t.Run("an update that leaves it empty keeps it", func(t *testing.T) {
		changed := description()
		changed.Phone = "02 99 00 00 00"
		want := proto.CloneOf(changed)
		want.LegalEntityId = entity
		spec(as(foyer, auth.RoleProfessionnel)).Given(withEntity).When(partners.UpdatePartner{OrganisationID: foyer, Description: changed}).
			Then(t, &eventsv1.PartnerUpdated{Description: want})
	})
}

func TestUpdateCapacity(t *testing.T) {
	t.Parallel()
	places := &eventsv1.PartnerCapacity{Places: 30, AvailablePlaces: 0, WaitingList: 12}
	spec(as(foyer, auth.RoleProfessionnel)).Given(registered()).When(partners.UpdateCapacity{OrganisationID: foyer, Capacity: places}).
		Then(t, &eventsv1.CapacityUpdated{Capacity: places})
	spec().Given(registered()).When(partners.UpdateCapacity{OrganisationID: foyer, Capacity: registered().Capacity}).Then(t)
	spec().Given(registered()).When(partners.UpdateCapacity{OrganisationID: foyer, Capacity: &eventsv1.PartnerCapacity{Places: 1, AvailablePlaces: 2}}).
		ThenInvalid(t, "capacity.available_places")
}

func TestWithdrawAndReinstatePartner(t *testing.T) {
	t.Parallel()
	withdrawn := &eventsv1.PartnerWithdrawn{Reason: "fermeture"}
	spec().Given(registered()).When(partners.WithdrawPartner{OrganisationID: foyer, Reason: "fermeture"}).Then(t, withdrawn)
	spec().Given(registered(), withdrawn).When(partners.WithdrawPartner{OrganisationID: foyer, Reason: "fermeture"}).Then(t)
	spec().Given(registered(), withdrawn).When(partners.ReinstatePartner{OrganisationID: foyer, Reason: "réouverture"}).
		Then(t, &eventsv1.PartnerReinstated{Reason: "réouverture"})
	spec().Given(registered()).When(partners.ReinstatePartner{OrganisationID: foyer, Reason: "x"}).Then(t)
	// Keeping the directory is the coordination's: a partner does not
	// withdraw itself.
	spec(as(foyer, auth.RoleProfessionnel)).Given(registered()).When(partners.WithdrawPartner{OrganisationID: foyer, Reason: "x"}).
		ThenError(t, derrors.ErrPermission)
}

func TestImportPartner(t *testing.T) {
	t.Parallel()
	imported := description()
	imported.Offers, imported.Mission = nil, 0
	t.Run("registers a new partner from the import", func(t *testing.T) {
		spec().Given().When(partners.ImportPartner{OrganisationID: foyer, Description: imported}).
			Then(t, &eventsv1.PartnerRegistered{OrganisationId: foyer, Description: imported, Capacity: &eventsv1.PartnerCapacity{},
				Source: eventsv1.PartnerSource_PARTNER_SOURCE_FINESS_IMPORT})
	})
	t.Run("the same import again changes nothing, and keeps what professionals added", func(t *testing.T) {
		spec().Given(registered()).When(partners.ImportPartner{OrganisationID: foyer, Description: imported}).Then(t)
	})
	t.Run("a moved address is updated, the offers kept", func(t *testing.T) {
		moved := proto.CloneOf(imported)
		moved.Address.Lines = []string{"3 allée des Chênes"}
		want := description()
		want.Address.Lines = []string{"3 allée des Chênes"}
		spec().Given(registered()).When(partners.ImportPartner{OrganisationID: foyer, Description: moved}).
			Then(t, &eventsv1.PartnerUpdated{Description: want, Source: eventsv1.PartnerSource_PARTNER_SOURCE_FINESS_IMPORT})
	})
	t.Run("is the keepers'", func(t *testing.T) {
		spec(as(foyer, auth.RoleProfessionnel)).Given().When(partners.ImportPartner{OrganisationID: foyer, Description: imported}).
			ThenError(t, derrors.ErrPermission)
	})
}
