package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// demoStory moves the clock and tells what the coordination is told.
type demoStory struct {
	t   *demoTerritory
	out io.Writer

	mu       sync.Mutex
	received int
	raised   map[string]int    // rule → risks and ruptures raised
	resolved int               // risks and ruptures resolved
	atRisk   map[string]string // person → transition whose risk is open
	lastSeen time.Time
	// secured: the people whose foyer accepted; the coordination records
	// their entry on its day.
	secured map[string]bool
	entered int
}

// follow counts the coordination's notifications as they arrive.
func (s *demoStory) follow(ctx context.Context) error {
	stream, err := s.t.inbox.Subscribe(ctx, &notificationsv1.SubscribeRequest{})
	if err != nil {
		return err
	}
	go func() {
		for {
			r, err := stream.Recv()
			if err != nil {
				return
			}
			s.count(r.GetNotification())
		}
	}()
	return nil
}

func (s *demoStory) count(n *notificationsv1.Notification) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received++
	s.lastSeen = time.Now()
	switch n.GetKind() {
	case eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_RISK_RAISED, eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_DETECTED:
		s.raised[n.GetRule()]++
		if n.GetRule() == "transition.not_secured" {
			s.atRisk[n.GetPersonId()] = n.GetSubjectId()
		}
	case eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_RESOLVED:
		s.resolved++
	}
}

// settle waits until no notification came for 300 ms (at most 10 s).
func (s *demoStory) settle() {
	start := time.Now()
	for time.Since(start) < 10*time.Second {
		time.Sleep(100 * time.Millisecond)
		s.mu.Lock()
		quiet := time.Since(s.lastSeen) > 300*time.Millisecond && time.Since(start) > 300*time.Millisecond
		s.mu.Unlock()
		if quiet {
			return
		}
	}
}

func (s *demoStory) line(day int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	var rules []string
	for rule, n := range s.raised {
		total += n
		rules = append(rules, fmt.Sprintf("%s %d", rule, n))
	}
	slices.Sort(rules)
	fmt.Fprintf(s.out, "J+%-3d %s  risques et ruptures levés : %4d   résolus : %4d   notifications reçues : %4d   (%s)\n", day,
		s.t.srv.clock.Now().Format("2006-01-02"), total, s.resolved, s.received, strings.Join(rules, ", "))
}

// tell runs the story: the clock moves step by step; halfway, the
// partners solicited for the transitions at risk answer.
func (s *demoStory) tell(ctx context.Context, o demoOptions) error {
	s.raised, s.atRisk, s.secured = map[string]int{}, map[string]string{}, map[string]bool{}
	fmt.Fprintf(s.out, "Territoire : %d partenaires (extrait FINESS), %d personnes suivies par le DAC %s.\n", s.t.partnerCount, o.people, demoCoordination)
	fmt.Fprintf(s.out, "Un tiers a une entrée en foyer prévue dans 65 à 115 jours sans accueil engagé ; un cinquième une AAH qui prend fin ; un dixième personne pour coordonner.\n\n")
	if err := s.follow(ctx); err != nil {
		return err
	}
	s.settle()
	s.line(0)
	answered := false
	for day := o.step; day <= o.days; day += o.step {
		entered := 0
		for range o.step { // day by day: each entry is recorded on its day
			s.t.srv.clock.advance(24 * time.Hour)
			entered += s.recordEntries(ctx)
		}
		if entered > 0 {
			fmt.Fprintf(s.out, "      → %d entrées en foyer réalisées, enregistrées par la coordination le jour même.\n", entered)
		}
		s.settle()
		s.line(day)
		if !answered && day >= o.days/2 {
			answered = true
			asked, accepted := s.solicitForTransitions(ctx)
			fmt.Fprintf(s.out, "      → %d foyers sollicités pour les entrées à risque ; %d acceptent.\n", asked, accepted)
			s.settle()
			s.line(day)
		}
	}
	return nil
}

// solicitForTransitions asks, for each transition at risk, the nearest
// établissement offering hébergement, which accepts with its own token.
func (s *demoStory) solicitForTransitions(ctx context.Context) (asked, accepted int) {
	s.mu.Lock()
	atRisk := make(map[string]string, len(s.atRisk))
	for p, risk := range s.atRisk {
		atRisk[p] = risk
	}
	s.mu.Unlock()
	for _, p := range s.t.people {
		if _, ok := atRisk[p.id]; !ok || p.transition == "" {
			continue
		}
		found, err := s.t.partners.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{PrestationCode: "3.2.1", NearPersonId: p.id, RadiusKm: 100,
			PageSize: 1})
		if err != nil || len(found.GetResults()) == 0 {
			continue
		}
		foyer := found.GetResults()[0].GetPartner().GetOrganisationId()
		sent, err := s.t.partners.SendSolicitation(ctx, &partnersv1.SendSolicitationRequest{RequestId: "demo-foyer-" + p.id, PersonId: p.id,
			OrganisationIds: []string{foyer}, PrestationCode: "3.2.1", TransitionId: p.transition,
			Message:          "Entrée en foyer prévue : accueil et hébergement à préparer.",
			SharedCategories: []eventsv1.InformationCategory{access.Identite, access.Projet},
			LegalBasis:       eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT, ConsentId: p.consent,
			ExpiresIn: durationpb.New(15 * 24 * time.Hour)})
		if err != nil {
			continue
		}
		asked++
		if s.accept(ctx, foyer, sent.GetSolicitationId()) == nil {
			accepted++
			s.secured[p.id] = true
		}
	}
	return asked, accepted
}

func (s *demoStory) accept(ctx context.Context, foyer, solicitation string) error {
	conn, err := s.t.connect(auth.Principal{Subject: "cds-" + foyer, Organisation: foyer, Role: auth.RoleProfessionnel})
	if err != nil {
		return err
	}
	_, err = partnersv1.NewPartnersServiceClient(conn).AcceptSolicitation(ctx, &partnersv1.AcceptSolicitationRequest{RequestId: "demo-accept-" + solicitation,
		SolicitationId: solicitation, StartOn: s.t.srv.clock.Now().Format(time.DateOnly), Frequency: "accueil permanent"})
	return err
}

// recordEntries completes the secured transitions whose day came.
func (s *demoStory) recordEntries(ctx context.Context) int {
	today := s.t.srv.clock.Now().Format(time.DateOnly)
	n := 0
	for _, p := range s.t.people {
		if !s.secured[p.id] || p.moveOn > today {
			continue
		}
		_, err := s.t.parcours.CompleteTransition(ctx, &parcoursv1.CompleteTransitionRequest{RequestId: "demo-entered-" + p.id, PersonId: p.id,
			TransitionId: p.transition, CompletedOn: p.moveOn})
		if err == nil {
			delete(s.secured, p.id)
			n++
		}
	}
	s.entered += n
	return n
}
