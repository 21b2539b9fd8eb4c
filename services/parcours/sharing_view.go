package parcours

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// foldSharing folds the events of partners, consents and oppositions into
// the view; shown is false for an event of no area.
func foldSharing(view *parcoursv1.CoordinatedView, payload proto.Message, when time.Time) (summary string, shown bool) {
	switch e := payload.(type) {
	case *eventsv1.PartnerJoinedCoordination:
		p := &parcoursv1.CoordinationPartner{OrganisationId: e.GetOrganisationId(), DisplayName: e.GetDisplayName(),
			Mission: e.GetMission(), Categories: e.GetCategories(), PartnerId: e.GetPartnerId(), Since: timestamppb.New(when),
			EngagementId: e.GetEngagementId()}
		i := slices.IndexFunc(view.Partners, func(x *parcoursv1.CoordinationPartner) bool { return x.GetOrganisationId() == p.GetOrganisationId() })
		if i >= 0 {
			p.Since = view.Partners[i].GetSince()
			view.Partners[i] = p
		} else {
			view.Partners = append(view.Partners, p)
			slices.SortFunc(view.Partners, func(a, b *parcoursv1.CoordinationPartner) int {
				return strings.Compare(a.GetOrganisationId(), b.GetOrganisationId())
			})
		}
		return fmt.Sprintf("Partenaire associé à la coordination : %s (%s)", e.GetDisplayName(), label(missionLabels, e.GetMission(), "mission")), true
	case *eventsv1.PartnerLeftCoordination:
		name := e.GetOrganisationId()
		view.Partners = slices.DeleteFunc(view.Partners, func(x *parcoursv1.CoordinationPartner) bool {
			if x.GetOrganisationId() == e.GetOrganisationId() {
				name = x.GetDisplayName()
				return true
			}
			return false
		})
		return "Fin de la participation à la coordination : " + name, true
	case *eventsv1.SharingConsentRecorded:
		view.Consents = append(view.Consents, &parcoursv1.SharingConsent{ConsentId: e.GetConsentId(), Categories: e.GetCategories(),
			OrganisationId: e.GetOrganisationId(), DecidedBy: e.GetDecidedBy(), RecordedOn: e.GetRecordedOn(), ExpiresOn: e.GetExpiresOn()})
		return "Consentement au partage recueilli : " + access.Of(e.GetCategories()...).String(), true
	case *eventsv1.SharingConsentWithdrawn:
		view.Consents = slices.DeleteFunc(view.Consents, func(x *parcoursv1.SharingConsent) bool { return x.GetConsentId() == e.GetConsentId() })
		return "Consentement au partage retiré", true
	case *eventsv1.SharingOpposed:
		view.Oppositions = append(view.Oppositions, &parcoursv1.SharingOpposition{OppositionId: e.GetOppositionId(), Categories: e.GetCategories(),
			OrganisationId: e.GetOrganisationId(), DecidedBy: e.GetDecidedBy(), RecordedOn: e.GetRecordedOn()})
		return "Opposition au partage : " + access.Of(e.GetCategories()...).String(), true
	case *eventsv1.SharingOppositionLifted:
		view.Oppositions = slices.DeleteFunc(view.Oppositions, func(x *parcoursv1.SharingOpposition) bool { return x.GetOppositionId() == e.GetOppositionId() })
		return "Opposition au partage levée", true
	}
	return "", false
}

var missionLabels = map[eventsv1.PartnerMission]string{
	eventsv1.PartnerMission_PARTNER_MISSION_ACCUEIL_HEBERGEMENT:       "accueil et hébergement",
	eventsv1.PartnerMission_PARTNER_MISSION_SOINS:                     "soins",
	eventsv1.PartnerMission_PARTNER_MISSION_ACCOMPAGNEMENT:            "accompagnement",
	eventsv1.PartnerMission_PARTNER_MISSION_AIDE_DOMICILE:             "aide à domicile",
	eventsv1.PartnerMission_PARTNER_MISSION_SCOLARISATION:             "scolarisation",
	eventsv1.PartnerMission_PARTNER_MISSION_INSERTION_PROFESSIONNELLE: "insertion professionnelle",
	eventsv1.PartnerMission_PARTNER_MISSION_ACCES_AUX_DROITS:          "accès aux droits",
	eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE:               "vie sociale",
}

// timelineCategory is the category of the fact payload adds to the
// timeline of view (folded already); UNSPECIFIED for the frame of the
// file (who coordinates, who takes part), which the whole team sees.
func timelineCategory(view *parcoursv1.CoordinatedView, payload proto.Message) access.Category {
	switch e := payload.(type) {
	case *eventsv1.PersonEnrolled:
		return access.Identite
	case *eventsv1.CoordinatorAssigned, *eventsv1.ReferentAssigned, *eventsv1.CoordinationRoleReleased,
		*eventsv1.CoordinationLevelSet, *eventsv1.PartnerJoinedCoordination, *eventsv1.PartnerLeftCoordination:
		return 0
	case *eventsv1.EntourageMemberAdded, *eventsv1.EntourageMemberUpdated, *eventsv1.EntourageMemberRemoved:
		return access.VieSociale
	case *eventsv1.RightsNotified, *eventsv1.SharingConsentRecorded, *eventsv1.SharingConsentWithdrawn,
		*eventsv1.SharingOpposed, *eventsv1.SharingOppositionLifted:
		return access.Administratif
	case *eventsv1.NeedIdentified:
		return needCategory(e.GetCode().GetCode())
	case *eventsv1.NeedClosed:
		return viewNeedCategory(view, e.GetNeedId())
	case *eventsv1.ObjectiveEvaluated:
		return dominant(access.Evaluations, linkedNeedCategories(view, payload))
	case *eventsv1.ActionPlanned:
		c := dominant(access.Projet, linkedNeedCategories(view, payload))
		if prestationCategory(e.GetPrestation().GetCode()) == access.Sante {
			c = access.Sante
		}
		return c
	case *eventsv1.ObjectiveSet, *eventsv1.ActionCompleted:
		return dominant(access.Projet, linkedNeedCategories(view, payload))
	}
	return access.Projet
}

// dominant is the category of a line linked to needs of linked: santé,
// else scolarité et emploi, when a need linked is of them (the line is
// hidden with them), else base.
func dominant(base access.Category, linked access.Categories) access.Category {
	switch {
	case linked.Has(access.Sante):
		return access.Sante
	case linked.Has(access.ScolariteEmploi):
		return access.ScolariteEmploi
	}
	return base
}

// sharingLine reports whether a timeline line is one of the person's
// choices about sharing: shown to the coordination and the référent only.
func sharingLine(e *parcoursv1.TimelineEntry) bool {
	switch e.GetEventType() {
	case "SharingConsentRecorded", "SharingConsentWithdrawn", "SharingOpposed", "SharingOppositionLifted":
		return true
	}
	return false
}

func viewNeedCategory(view *parcoursv1.CoordinatedView, needID string) access.Category {
	for _, n := range view.GetNeeds() {
		if n.GetNeedId() == needID {
			return needCategory(n.GetCode().GetCode())
		}
	}
	return access.Evaluations
}

// foldHolder keeps the view's holder of the coordination: the enrolling
// organisation (the event's metadata), then each coordinator's.
func foldHolder(view *parcoursv1.CoordinatedView, payload proto.Message, organisation string) {
	switch e := payload.(type) {
	case *eventsv1.PersonEnrolled:
		view.HolderOrganisationId = organisation
	case *eventsv1.CoordinatorAssigned:
		if e.GetOrganisationId() != "" {
			view.HolderOrganisationId = e.GetOrganisationId()
		}
	}
}

// teamOf is the access team the view records: the same as the decider's
// (access.Team.Evolve over the same events), read back from the view.
func teamOf(view *parcoursv1.CoordinatedView) access.Team {
	t := access.Team{Holder: view.GetHolderOrganisationId()}
	if c := view.GetCoordinator(); c != nil {
		t.Coordinator = &access.Professional{Subject: c.GetProfessionalId(), Organisation: c.GetOrganisationId()}
	}
	if r := view.GetReferent(); r != nil {
		t.Referent = &access.Professional{Subject: r.GetProfessionalId(), Organisation: r.GetOrganisationId()}
	}
	for _, p := range view.GetPartners() {
		if t.Partners == nil {
			t.Partners = map[string]access.Partner{}
		}
		t.Partners[p.GetOrganisationId()] = access.Partner{Organisation: p.GetOrganisationId(), Mission: p.GetMission(),
			Categories: access.Of(p.GetCategories()...) & access.MissionCategories(p.GetMission())}
	}
	for _, c := range view.GetConsents() {
		if t.Consents == nil {
			t.Consents = map[string]access.Consent{}
		}
		t.Consents[c.GetConsentId()] = access.Consent{ID: c.GetConsentId(), Categories: access.Of(c.GetCategories()...),
			Organisation: c.GetOrganisationId(), ExpiresOn: c.GetExpiresOn()}
	}
	for _, o := range view.GetOppositions() {
		if t.Oppositions == nil {
			t.Oppositions = map[string]access.Opposition{}
		}
		t.Oppositions[o.GetOppositionId()] = access.Opposition{ID: o.GetOppositionId(), Categories: access.Of(o.GetCategories()...),
			Organisation: o.GetOrganisationId()}
	}
	engagedPartners(&t, view)
	return t
}
