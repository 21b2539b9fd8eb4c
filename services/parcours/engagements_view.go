package parcours

import (
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The partners' solicitations and engagements in the coordinated view:
// the partners service writes them in its own streams
// ("solicitation-<id>"); the view folds them beside the file's events, so
// that a person's view shows what is asked of partners and who is
// engaged, each need shows the engagements that cover it, and an engaged
// partner takes part in the coordination for its mission (teamOf).

// SolicitationCategory is the partners service's category of
// solicitations (partners.SolicitationCategory): the services meet
// through events, not imports.
const SolicitationCategory = "solicitation"

// solicitationKey keeps, for each solicitation the views folded, the
// person it is for and the last version folded: the streams after the
// first event do not name the person, and a redelivery must change
// nothing.
func solicitationKey(id string) []byte { return []byte("s/" + id) }

type solicitationSeen struct {
	person  string
	version es.Version
}

func (s solicitationSeen) encode() []byte {
	return binary.AppendUvarint([]byte(s.person+"\x00"), uint64(s.version))
}

func decodeSolicitationSeen(b []byte) (solicitationSeen, bool) {
	person, rest, ok := strings.Cut(string(b), "\x00")
	v, n := binary.Uvarint([]byte(rest))
	if !ok || n <= 0 {
		return solicitationSeen{}, false
	}
	return solicitationSeen{person: person, version: es.Version(v)}, true
}

// foldSolicitation folds one event of a solicitation's stream into the
// person's view; false when it changes nothing the view shows.
func foldSolicitation(view *parcoursv1.CoordinatedView, id string, payload proto.Message, at time.Time) bool {
	pending := func() int {
		return slices.IndexFunc(view.PendingSolicitations, func(p *parcoursv1.PendingSolicitation) bool { return p.GetSolicitationId() == id })
	}
	engaged := func() *parcoursv1.PartnerEngagement {
		for _, e := range view.Engagements {
			if e.GetSolicitationId() == id {
				return e
			}
		}
		return nil
	}
	switch e := payload.(type) {
	case *eventsv1.SolicitationSent:
		view.PendingSolicitations = append(view.PendingSolicitations, &parcoursv1.PendingSolicitation{SolicitationId: id,
			Prestation: serafinCodeView(e.GetPrestation()), NeedId: e.GetNeedId(), OrganisationIds: e.GetOrganisationIds(),
			SentAt: timestamppb.New(at), ExpiresAt: e.GetExpiresAt()})
	case *eventsv1.SolicitationAccepted, *eventsv1.SolicitationExpired, *eventsv1.SolicitationRevoked:
		if i := pending(); i >= 0 {
			view.PendingSolicitations = slices.Delete(view.PendingSolicitations, i, i+1)
		}
	case *eventsv1.SolicitationDeclined:
		i := pending()
		if i < 0 {
			return false
		}
		p := view.PendingSolicitations[i]
		if !slices.Contains(p.DeclinedBy, e.GetOrganisationId()) {
			p.DeclinedBy = append(p.DeclinedBy, e.GetOrganisationId())
		}
		// Every partner asked declined: the partners service closed it,
		// and nothing more comes in its stream.
		if len(p.DeclinedBy) >= len(p.GetOrganisationIds()) {
			view.PendingSolicitations = slices.Delete(view.PendingSolicitations, i, i+1)
			view.DeclinedSolicitations = append(view.DeclinedSolicitations, p)
		}
	case *eventsv1.EngagementStarted:
		view.Engagements = append(view.Engagements, &parcoursv1.PartnerEngagement{EngagementId: e.GetEngagementId(), SolicitationId: id,
			OrganisationId: e.GetOrganisationId(), DisplayName: e.GetDisplayName(), Prestation: serafinCodeView(e.GetPrestation()),
			NeedId: e.GetNeedId(), StartOn: e.GetStartOn(), PlannedEndOn: e.GetPlannedEndOn(), Frequency: e.GetFrequency(),
			Mission: e.GetMission()})
	case *eventsv1.EngagementSuspended:
		if g := engaged(); g != nil {
			g.Suspended = true
		}
	case *eventsv1.EngagementResumed:
		if g := engaged(); g != nil {
			g.Suspended = false
		}
	case *eventsv1.EngagementEnded:
		var ended string
		view.Engagements = slices.DeleteFunc(view.Engagements, func(g *parcoursv1.PartnerEngagement) bool {
			if g.GetSolicitationId() == id {
				ended = g.GetEngagementId()
				return true
			}
			return false
		})
		// The partner joined the file by this engagement: it stops taking
		// part now, before the process manager records it in the file
		// (it still does by another engagement: engagedPartners).
		if ended != "" {
			view.Partners = slices.DeleteFunc(view.Partners, func(p *parcoursv1.CoordinationPartner) bool { return p.GetEngagementId() == ended })
		}
	default:
		return false
	}
	coverNeeds(view)
	return true
}

// coverNeeds lists, for each need, the engagements committed to it.
func coverNeeds(view *parcoursv1.CoordinatedView) {
	for _, n := range view.GetNeeds() {
		if n.CoveredBy == nil {
			n.CoveredBy = &parcoursv1.NeedCoverage{}
		}
		n.CoveredBy.EngagementIds = nil
		for _, g := range view.GetEngagements() {
			if g.GetNeedId() == n.GetNeedId() {
				n.CoveredBy.EngagementIds = append(n.CoveredBy.EngagementIds, g.GetEngagementId())
			}
		}
	}
}

// engagedPartners adds to t the partners engaged for the person: each
// takes part in the coordination for its engagement's mission, unless
// associated already.
func engagedPartners(t *access.Team, view *parcoursv1.CoordinatedView) {
	for _, g := range view.GetEngagements() {
		if _, associated := t.Partners[g.GetOrganisationId()]; associated {
			continue
		}
		if t.Partners == nil {
			t.Partners = map[string]access.Partner{}
		}
		t.Partners[g.GetOrganisationId()] = access.Partner{Organisation: g.GetOrganisationId(), Mission: g.GetMission(),
			Categories: access.MissionCategories(g.GetMission())}
	}
}
