package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
	"github.com/maillage/maillage/services/partners/finess"
)

// The demo's coordination: a dispositif d'appui à la coordination and its
// five coordinators.
const demoCoordination = "350099990"

var demoCoordinator = auth.Principal{Subject: "coord-demo", Organisation: demoCoordination, Role: auth.RoleCoordinateur}

// demoCommunes: where people live, around Rennes.
var demoCommunes = []struct {
	insee    string
	lat, lon float64
}{
	{"35238", 48.1113, -1.6800}, {"35051", 48.1214, -1.6033}, {"35281", 48.0880, -1.7170},
	{"35047", 48.0247, -1.7461}, {"35024", 48.1817, -1.6433}, {"35210", 48.0700, -1.6000},
}

// demoPerson is a person of the territory.
type demoPerson struct {
	id, consent, transition string
	moveOn                  string // the transition's date
}

// demoTerritory is the territory loaded on the demo's server.
type demoTerritory struct {
	srv      *demoServer
	conns    []*grpc.ClientConn
	parcours parcoursv1.ParcoursServiceClient
	partners partnersv1.PartnersServiceClient
	inbox    notificationsv1.NotificationsServiceClient
	people   []demoPerson
	// partners is how many the directory holds.
	partnerCount int
}

func (t *demoTerritory) connect(p auth.Principal) (*grpc.ClientConn, error) {
	conn, err := t.srv.as(p)
	if err == nil {
		t.conns = append(t.conns, conn)
	}
	return conn, err
}

func (t *demoTerritory) close() {
	for _, c := range t.conns {
		c.Close()
	}
}

// newDemoTerritory imports the partners and enrols the people.
func newDemoTerritory(ctx context.Context, srv *demoServer, o demoOptions) (*demoTerritory, error) {
	t := &demoTerritory{srv: srv}
	conn, err := t.connect(demoCoordinator)
	if err != nil {
		return nil, err
	}
	if err := srv.waitServing(ctx, conn); err != nil {
		t.close()
		return nil, err
	}
	t.parcours, t.partners = parcoursv1.NewParcoursServiceClient(conn), partnersv1.NewPartnersServiceClient(conn)
	t.inbox = notificationsv1.NewNotificationsServiceClient(conn)
	if err := t.importPartners(ctx, o.finess); err != nil {
		t.close()
		return nil, err
	}
	if err := t.enrolAll(ctx, o); err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

func (t *demoTerritory) importPartners(ctx context.Context, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("the territory's partners: %w (run from the repository's root, or pass --finess)", err)
	}
	stock, err := finess.ReadAll(f)
	f.Close()
	if err != nil {
		return err
	}
	report := &importReport{}
	if err := importOn(ctx, t.conns[0], stock, 500, report, io.Discard); err != nil {
		return err
	}
	t.partnerCount = report.Registered + report.Updated + report.Unchanged
	return nil
}

// enrolAll enrols the people, four at a time.
func (t *demoTerritory) enrolAll(ctx context.Context, o demoOptions) error {
	t.people = make([]demoPerson, o.people)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < o.people; i += 4 {
				rng := rand.New(rand.NewPCG(o.seed, uint64(i)))
				p, err := t.enrol(ctx, i, rng)
				if err != nil {
					errs <- fmt.Errorf("person %d: %w", i, err)
					return
				}
				t.people[i] = p
			}
		}()
	}
	wg.Wait()
	close(errs)
	return errors.Join(<-errs)
}

// enrol enrols person i: every tenth with nobody coordinating, every
// third with an entry into an établissement coming in 65 to 115 days and
// no receiving partner yet, every fifth with AAH ending in 7 to 9 months.
func (t *demoTerritory) enrol(ctx context.Context, i int, rng *rand.Rand) (demoPerson, error) {
	now := t.srv.clock.Now()
	day := func(days int) string { return now.AddDate(0, 0, days).Format(time.DateOnly) }
	c := demoCommunes[rng.IntN(len(demoCommunes))]
	lat, lon := c.lat+(rng.Float64()-0.5)/10, c.lon+(rng.Float64()-0.5)/10
	enrolled, err := t.parcours.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{RequestId: fmt.Sprintf("demo-%d", i),
		BirthDate:       fmt.Sprintf("%d-%02d-%02d", 1960+rng.IntN(45), 1+rng.IntN(12), 1+rng.IntN(28)),
		Domicile:        &parcoursv1.Domicile{CommuneInsee: c.insee, Latitude: &lat, Longitude: &lon},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE,
		RequestOrigin: "MDPH d'Ille-et-Vilaine"})
	if err != nil {
		return demoPerson{}, err
	}
	p := demoPerson{id: enrolled.GetPersonId()}
	if i%10 != 0 {
		if _, err := t.parcours.AssignCoordinator(ctx, &parcoursv1.AssignCoordinatorRequest{RequestId: fmt.Sprintf("demo-%d-coord", i), PersonId: p.id,
			ProfessionalId: demoCoordinator.Subject, OrganisationId: demoCoordination, DisplayName: "Coordinatrice du DAC"}); err != nil {
			return p, err
		}
	}
	consent, err := t.parcours.RecordSharingConsent(ctx, &parcoursv1.RecordSharingConsentRequest{RequestId: fmt.Sprintf("demo-%d-consent", i),
		PersonId: p.id, Categories: []eventsv1.InformationCategory{access.Identite, access.Projet},
		Choice: &parcoursv1.SharingChoice{DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON, On: day(0)}})
	if err != nil {
		return p, err
	}
	p.consent = consent.GetConsentId()
	if i%3 == 0 {
		p.moveOn = day(65 + rng.IntN(50))
		moved, err := t.parcours.AnticipateTransition(ctx, &parcoursv1.AnticipateTransitionRequest{RequestId: fmt.Sprintf("demo-%d-move", i),
			PersonId: p.id, Kind: eventsv1.TransitionKind_TRANSITION_KIND_ENTREE_ETABLISSEMENT, FromSetting: "domicile familial",
			ToSetting: "foyer de vie", PlannedDate: p.moveOn})
		if err != nil {
			return p, err
		}
		p.transition = moved.GetTransitionId()
	}
	if i%5 == 1 {
		if _, err := t.parcours.NotifyRights(ctx, &parcoursv1.NotifyRightsRequest{RequestId: fmt.Sprintf("demo-%d-aah", i), PersonId: p.id,
			Decision: eventsv1.MdphDecision_MDPH_DECISION_AAH, StartDate: day(-1500), EndDate: day(210 + rng.IntN(60))}); err != nil {
			return p, err
		}
	}
	return p, nil
}
