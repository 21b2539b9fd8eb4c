package finess

import (
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// ProfileVersion names the mapping below, for the partners it describes.
const ProfileVersion = "maillage-finess-serafin-v1"

// Profile is what an établissement of a FINESS category usually is, does
// and offers: its kind, the mission it takes on in a person's
// coordination, and the SERAFIN-PH prestations it typically delivers.
//
// This is Maillage's own mapping (ProfileVersion), a starting point for a
// partner imported from FINESS, not a published crosswalk: the partner or
// the coordination corrects its offers (UpdatePartner), and an import
// never overwrites offers a professional stated. Categories it does not
// know import with their kind guessed from nothing (ESSMS) and no offer.
type Profile struct {
	Kind        eventsv1.PartnerKind
	Mission     eventsv1.PartnerMission
	Prestations []string // SERAFIN-PH prestation codes
}

// ProfileOf returns the profile of a FINESS category code, and false for a
// category the mapping does not cover.
func ProfileOf(category string) (Profile, bool) {
	p, ok := profiles[category]
	return p, ok
}

// Offers returns the profile's prestations as the events state them.
func (p Profile) Offers() []*eventsv1.PartnerOffer {
	var out []*eventsv1.PartnerOffer
	for _, c := range p.Prestations {
		out = append(out, &eventsv1.PartnerOffer{Prestation: &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: c}})
	}
	return out
}

var (
	essms     = eventsv1.PartnerKind_PARTNER_KIND_ESSMS
	sanitaire = eventsv1.PartnerKind_PARTNER_KIND_SANITAIRE

	accueil        = eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT
	accompagnement = eventsv1.PartnerMission_PARTNER_MISSION_ACCOMPAGNEMENT
	soins          = eventsv1.PartnerMission_PARTNER_MISSION_SOINS
	aideDomicile   = eventsv1.PartnerMission_PARTNER_MISSION_AIDE_DOMICILE
	insertion      = eventsv1.PartnerMission_PARTNER_MISSION_INSERTION_PROFESSIONNELLE
)

// profiles, by FINESS category code (nomenclature TRE_R66 of the ANS).
// Prestations SERAFIN-PH: 2.1.1 soins somatiques et psychiques, 2.1.2
// rééducation, 2.2.1 actes de la vie quotidienne, 2.2.2 communication et
// relations, 2.2.3 décisions et sécurité, 2.3.1 exercer ses droits, 2.3.2
// logement, 2.3.3 rôles sociaux (scolarité, travail), 2.3.4 vie sociale,
// 2.3.5 ressources et autogestion, 3.2.1 locaux pour accueillir, 3.2.2
// repas.
var profiles = map[string]Profile{
	"183": {essms, accueil, []string{"2.1.2", "2.2.1", "2.2.2", "2.3.3", "3.2.1"}},                   // IME
	"186": {essms, accueil, []string{"2.1.1", "2.2.2", "2.3.3", "3.2.1"}},                            // ITEP
	"182": {essms, accompagnement, []string{"2.1.2", "2.2.1", "2.2.2", "2.3.3"}},                     // SESSAD
	"190": {essms, soins, []string{"2.1.1", "2.1.2"}},                                                // CAMSP
	"189": {essms, soins, []string{"2.1.1", "2.1.2"}},                                                // CMPP
	"255": {essms, accueil, []string{"2.1.1", "2.1.2", "2.2.1", "2.2.2", "2.2.3", "3.2.1", "3.2.2"}}, // MAS
	"437": {essms, accueil, []string{"2.1.1", "2.2.1", "2.2.2", "2.2.3", "2.3.4", "3.2.1", "3.2.2"}}, // FAM
	"448": {essms, accueil, []string{"2.1.1", "2.2.1", "2.2.2", "2.2.3", "2.3.4", "3.2.1", "3.2.2"}}, // EAM
	"449": {essms, accueil, []string{"2.2.1", "2.2.2", "2.3.2", "2.3.4", "3.2.1", "3.2.2"}},          // EANM
	"382": {essms, accueil, []string{"2.2.1", "2.2.2", "2.3.4", "3.2.1", "3.2.2"}},                   // foyer de vie
	"252": {essms, accueil, []string{"2.2.1", "2.3.2", "2.3.4", "3.2.1"}},                            // foyer d'hébergement
	"445": {essms, accompagnement, []string{"2.1.1", "2.2.1", "2.3.1", "2.3.2", "2.3.4"}},            // SAMSAH
	"446": {essms, accompagnement, []string{"2.2.1", "2.3.1", "2.3.2", "2.3.3", "2.3.4", "2.3.5"}},   // SAVS
	"246": {essms, insertion, []string{"2.3.3"}},                                                     // ESAT
	"500": {essms, accueil, []string{"2.1.1", "2.2.1", "2.3.4", "3.2.1", "3.2.2"}},                   // EHPAD
	"354": {essms, soins, []string{"2.1.1"}},                                                         // SSIAD
	"460": {essms, aideDomicile, []string{"2.2.1"}},                                                  // SAAD
	"209": {essms, aideDomicile, []string{"2.1.1", "2.2.1"}},                                         // SPASAD
	"355": {sanitaire, soins, []string{"2.1.1", "2.1.2"}},                                            // centre hospitalier
	"292": {sanitaire, soins, []string{"2.1.1"}},                                                     // CHS
}
