package access

import (
	"strings"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Category is a category of the information in a person's file.
type Category = eventsv1.InformationCategory

// The categories, by their short names.
const (
	Identite        = eventsv1.InformationCategory_INFORMATION_CATEGORY_IDENTITE
	Administratif   = eventsv1.InformationCategory_INFORMATION_CATEGORY_ADMINISTRATIF_DROITS
	Sante           = eventsv1.InformationCategory_INFORMATION_CATEGORY_SANTE
	VieSociale      = eventsv1.InformationCategory_INFORMATION_CATEGORY_VIE_SOCIALE_ENTOURAGE
	ScolariteEmploi = eventsv1.InformationCategory_INFORMATION_CATEGORY_SCOLARITE_EMPLOI
	Projet          = eventsv1.InformationCategory_INFORMATION_CATEGORY_PROJET_OBJECTIFS
	Evaluations     = eventsv1.InformationCategory_INFORMATION_CATEGORY_EVALUATIONS
)

// Categories is a set of categories.
type Categories uint16

// All is every category.
const All = Categories(1<<Identite | 1<<Administratif | 1<<Sante | 1<<VieSociale |
	1<<ScolariteEmploi | 1<<Projet | 1<<Evaluations)

// Of returns the set of cs; unknown values are left out.
func Of(cs ...Category) Categories {
	var s Categories
	for _, c := range cs {
		if c > 0 && c <= Evaluations {
			s |= 1 << c
		}
	}
	return s
}

// Has reports whether c is in s.
func (s Categories) Has(c Category) bool { return c > 0 && c <= Evaluations && s&(1<<c) != 0 }

// Covers reports whether every category of o is in s.
func (s Categories) Covers(o Categories) bool { return s&o == o }

// Without returns s minus o.
func (s Categories) Without(o Categories) Categories { return s &^ o }

// List returns the categories of s in their enum order.
func (s Categories) List() []Category {
	var out []Category
	for c := Identite; c <= Evaluations; c++ {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// String names the categories of s in French, for messages.
func (s Categories) String() string {
	names := make([]string, 0, 7)
	for _, c := range s.List() {
		names = append(names, CategoryLabel(c))
	}
	if len(names) == 0 {
		return "aucune"
	}
	return strings.Join(names, ", ")
}

// CategoryLabel names c in French.
func CategoryLabel(c Category) string {
	switch c {
	case Identite:
		return "identité"
	case Administratif:
		return "administratif et droits"
	case Sante:
		return "santé"
	case VieSociale:
		return "vie sociale et entourage"
	case ScolariteEmploi:
		return "scolarité et emploi"
	case Projet:
		return "projet et objectifs"
	case Evaluations:
		return "évaluations"
	}
	return c.String()
}

// MissionCategories returns the categories a partner's mission needs; a
// partner sees these, or the subset the coordinator chose. An unknown
// mission needs nothing.
func MissionCategories(m eventsv1.PartnerMission) Categories {
	switch m {
	case eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT,
		eventsv1.PartnerMission_PARTNER_MISSION_ACCOMPAGNEMENT:
		return All
	case eventsv1.PartnerMission_PARTNER_MISSION_SOINS:
		return Of(Identite, Sante, Projet, Evaluations)
	case eventsv1.PartnerMission_PARTNER_MISSION_AIDE_DOMICILE:
		return Of(Identite, VieSociale, Projet)
	case eventsv1.PartnerMission_PARTNER_MISSION_SCOLARISATION,
		eventsv1.PartnerMission_PARTNER_MISSION_INSERTION_PROFESSIONNELLE:
		return Of(Identite, ScolariteEmploi, Projet)
	case eventsv1.PartnerMission_PARTNER_MISSION_ACCES_AUX_DROITS:
		return Of(Identite, Administratif, Projet)
	case eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE:
		return Of(Identite, VieSociale, Projet)
	}
	return 0
}
