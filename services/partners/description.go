package partners

import (
	"fmt"
	"math"
	"regexp"

	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/partners/identifier"
)

var (
	communePattern     = regexp.MustCompile(`^([0-9]{5}|2[AB][0-9]{3})$`)
	departementPattern = regexp.MustCompile(`^([0-9]{2}|2[AB]|97[1-8])$`)
)

// checkDescription gathers every problem of a partner's description, with
// the field it is in.
func checkDescription(d *eventsv1.PartnerDescription) error {
	bad := &derrors.InvalidError{}
	if d == nil {
		return bad.Add("details", "a partner's description is required")
	}
	if d.GetName() == "" || len(d.GetName()) > 200 {
		bad.Add("details.name", "a name of 1 to 200 characters is required")
	}
	if _, ok := eventsv1.PartnerKind_name[int32(d.GetKind())]; !ok || d.GetKind() == eventsv1.PartnerKind_PARTNER_KIND_UNSPECIFIED {
		bad.Add("details.kind", "the kind of partner is required (ESSMS, droit commun, sanitaire, institution)")
	}
	if id := d.GetLegalEntityId(); id != "" {
		if _, err := identifier.ParseFINESS(id); err != nil {
			bad.Add("details.legal_entity_id", "%v", err)
		}
	}
	if id := d.GetSiret(); id != "" {
		if _, err := identifier.ParseSIRET(id); err != nil {
			bad.Add("details.siret", "%v", err)
		}
	}
	if c := d.GetAddress().GetCommuneInsee(); c != "" && !communePattern.MatchString(c) {
		bad.Add("details.address.commune_insee", "%q is not an INSEE commune code", c)
	}
	if p := d.GetLocation(); p != nil {
		if msg := checkPoint(p); msg != "" {
			bad.Add("details.location", "%s", msg)
		}
	}
	for i, c := range d.GetTerritory().GetCommunesInsee() {
		if !communePattern.MatchString(c) {
			bad.Add(fmt.Sprintf("details.territory.communes_insee[%d]", i), "%q is not an INSEE commune code", c)
		}
	}
	for i, dep := range d.GetTerritory().GetDepartements() {
		if !departementPattern.MatchString(dep) {
			bad.Add(fmt.Sprintf("details.territory.departements[%d]", i), "%q is not a département (e.g. 35, 2A, 974)", dep)
		}
	}
	seen := map[string]bool{}
	for i, o := range d.GetOffers() {
		field := fmt.Sprintf("details.offers[%d].prestation_code", i)
		code := o.GetPrestation().GetCode()
		if _, err := serafin.Default().Prestation(code); err != nil {
			bad.Add(field, "%v", err)
		} else if o.GetPrestation().GetSystem() != serafin.System || o.GetPrestation().GetVersion() != serafin.Version {
			bad.Add(field, "the code must come with the system %s, version %s", serafin.System, serafin.Version)
		} else if seen[code] {
			bad.Add(field, "%s is offered twice", code)
		}
		seen[code] = true
	}
	if _, ok := eventsv1.PartnerMission_name[int32(d.GetMission())]; !ok {
		bad.Add("details.mission", "unknown mission %d", d.GetMission())
	}
	return bad.OrNil()
}

// checkPoint says what is wrong with a WGS84 point, "" when nothing.
func checkPoint(p *eventsv1.GeoPoint) string {
	lat, lon := p.GetLatitude(), p.GetLongitude()
	switch {
	case math.IsNaN(lat) || math.IsNaN(lon) || math.IsInf(lat, 0) || math.IsInf(lon, 0):
		return "latitude and longitude must be numbers"
	case lat < -90 || lat > 90 || lon < -180 || lon > 180:
		return fmt.Sprintf("(%g, %g) is not a WGS84 position: latitude -90 to 90, longitude -180 to 180", lat, lon)
	case lat == 0 && lon == 0:
		return "(0, 0) is no French address: leave the location unset when it is unknown"
	}
	return ""
}

// checkCapacity: available places are at most the places, when places are
// stated.
func checkCapacity(c *eventsv1.PartnerCapacity) error {
	if c == nil {
		return derrors.Invalid("capacity", "the capacity is required")
	}
	if c.GetPlaces() > 0 && c.GetAvailablePlaces() > c.GetPlaces() {
		return derrors.Invalid("capacity.available_places", "%d places available of %d authorised", c.GetAvailablePlaces(), c.GetPlaces())
	}
	return nil
}
