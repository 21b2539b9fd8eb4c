package finess

import (
	"strings"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// Imported is what the directory imports of an établissement of the
// extract (PartnersService.ImportPartners): its description, with the
// kind, mission and usual prestations of its category's Profile.
func Imported(e Establishment) *partnersv1.ImportedPartner {
	d := &partnersv1.PartnerDetails{Name: e.Name, Kind: eventsv1.PartnerKind_PARTNER_KIND_ESSMS, Phone: e.Phone}
	if e.Category.Code != "" {
		d.Category = &eventsv1.PartnerCategory{Code: e.Category.Code, Label: e.Category.Label}
	}
	if !e.LegalEntity.IsZero() {
		d.LegalEntityId = e.LegalEntity.String()
	}
	if !e.SIRET.IsZero() {
		d.Siret = e.SIRET.String()
	}
	postcode, city, _ := strings.Cut(e.Address.PostalLine, " ")
	if len(postcode) != 5 {
		postcode, city = "", e.Address.PostalLine
	}
	d.Address = &eventsv1.PartnerAddress{Lines: e.Address.Lines(), Postcode: postcode, CommuneInsee: e.Address.INSEE, City: city}
	if l := e.Location; l != nil {
		d.Location = &eventsv1.GeoPoint{Latitude: l.Point.Lat, Longitude: l.Point.Lon}
	}
	if p, ok := ProfileOf(e.Category.Code); ok {
		d.Kind, d.Mission = p.Kind, p.Mission
		for _, code := range p.Prestations {
			d.Offers = append(d.Offers, &partnersv1.OfferInput{PrestationCode: code})
		}
	}
	return &partnersv1.ImportedPartner{OrganisationId: e.FINESS.String(), Details: d, Line: int64(e.Line)}
}
