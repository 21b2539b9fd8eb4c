package partners

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"google.golang.org/grpc"

	"github.com/oklog/ulid/v2"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	"github.com/maillage/maillage/internal/projection"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
	"github.com/maillage/maillage/services/partners/geo"
)

// Files reads what the partners service needs of people's files (kept by
// the parcours service, read from its views): where a person lives. The
// services meet through events; this is a read of another's model, never
// a command.
type Files interface {
	// DomicileOf returns the coordinates of the person's domicile, and
	// false when the file has none (or there is no such file).
	DomicileOf(personID string) (geo.Point, bool)
	// TeamOf returns who takes part in the person's coordination, and
	// false when there is no such file.
	TeamOf(personID string) (access.Team, bool)
	// OpenNeed reports whether needID is an open need of the person's plan.
	OpenNeed(personID, needID string) bool
	// AnticipatedTransition reports whether transitionID is a transition
	// of the person still to come (neither completed nor cancelled).
	AnticipatedTransition(personID, transitionID string) bool
	// Stored waits until the files include every event stored when it was
	// called (a consent withdrawn a moment ago counts).
	Stored(ctx context.Context) error
}

// Config of the partners service.
type Config struct {
	Store es.Store       // required
	Kit   *kit.Kit       // required: access, audit, the command port
	Codec *decider.Codec // default: no upcaster
	// ProjectionsDir keeps the directory on disk (<dir>/partners-directory-v1);
	// "" keeps it in memory, rebuilt at each start.
	ProjectionsDir string
	// Files reads people's files; nil refuses what needs them
	// (near_person_id) with FAILED_PRECONDITION.
	Files Files
	// ViewWait bounds how long a query waits for min_position; default 2s.
	ViewWait time.Duration
	// ExpiryEvery is how often solicitations past their expiry are closed;
	// default 30s.
	ExpiryEvery time.Duration
	// NewID makes the ids of what commands create; default ULIDs.
	NewID  func() string
	Now    func() time.Time
	Logger *slog.Logger
}

// Service is the partners gRPC service.
type Service struct {
	partnersv1.UnimplementedPartnersServiceServer
	cfg           Config
	kit           *kit.Kit
	partners      *decider.Handler[*PartnerState, PartnerCommand]
	directory     *Directory
	runner        *projection.Runner
	solicitations *decider.Handler[*SolicitationState, SolicitationCommand]
	sent          *Solicitations
	sentRunner    *projection.Runner
	ready         chan struct{}
}

// New returns the service; Run must run for the directory to fill.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Kit == nil {
		return nil, errors.New("partners: Store and Kit are required")
	}
	if cfg.Codec == nil {
		cfg.Codec = decider.NewCodec(nil)
	}
	if cfg.ViewWait == 0 {
		cfg.ViewWait = 2 * time.Second
	}
	if cfg.ExpiryEvery == 0 {
		cfg.ExpiryEvery = 30 * time.Second
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string { return ulid.Make().String() }
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	handler, err := decider.NewHandler(decider.HandlerConfig[*PartnerState, PartnerCommand]{
		Store: cfg.Store, Codec: cfg.Codec, Decider: Partner, Category: PartnerCategory, Now: cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	solicitations, err := decider.NewHandler(decider.HandlerConfig[*SolicitationState, SolicitationCommand]{
		Store: cfg.Store, Codec: cfg.Codec, Decider: Solicitation, Category: SolicitationCategory, Now: cfg.Now, NewID: cfg.NewID,
		CreatedID: kit.CreatedID,
	})
	if err != nil {
		return nil, err
	}
	dirOf := func(name string) string {
		if cfg.ProjectionsDir == "" {
			return ""
		}
		return filepath.Join(cfg.ProjectionsDir, name)
	}
	directory, err := OpenDirectory(dirOf((&Directory{}).Name()), cfg.Codec)
	if err != nil {
		return nil, err
	}
	sent, err := OpenSolicitations(dirOf((&Solicitations{}).Name()), cfg.Codec)
	if err != nil {
		directory.Close()
		return nil, err
	}
	s := &Service{cfg: cfg, kit: cfg.Kit, partners: handler, directory: directory, solicitations: solicitations, sent: sent,
		ready: make(chan struct{})}
	if s.runner, err = projection.NewRunner(projection.Config{Store: cfg.Store, Projection: directory, Logger: cfg.Logger}); err == nil {
		s.sentRunner, err = projection.NewRunner(projection.Config{Store: cfg.Store, Projection: sent, Logger: cfg.Logger})
	}
	if err != nil {
		directory.Close()
		sent.Close()
		return nil, err
	}
	return s, nil
}

// Name is the service's full gRPC name, as health checks know it.
func (s *Service) Name() string { return partnersv1.PartnersService_ServiceDesc.ServiceName }

// Register adds the service's handlers to g.
func (s *Service) Register(g *grpc.Server) { partnersv1.RegisterPartnersServiceServer(g, s) }

// Run keeps the directory and the solicitations up to date, and closes
// the solicitations past their expiry, until ctx ends; then it closes
// their stores. A projection that stops stops the others.
func (s *Service) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 3)
	go func() { errs <- s.runner.Run(ctx) }()
	go func() { errs <- s.sentRunner.Run(ctx) }()
	go func() {
		select {
		case <-s.runner.Ready():
		case <-ctx.Done():
			return
		}
		select {
		case <-s.sentRunner.Ready():
			close(s.ready)
		case <-ctx.Done():
			return
		}
	}()
	go func() { errs <- s.expireDue(ctx) }()
	var err error
	for range 3 {
		if e := <-errs; e != nil && err == nil {
			err = e
			cancel()
		}
	}
	return errors.Join(err, s.directory.Close(), s.sent.Close())
}

// Ready is closed once the directory and the solicitations have caught up
// with the store.
func (s *Service) Ready() <-chan struct{} { return s.ready }

// Directory returns the directory, for benchmarks and tests.
func (s *Service) Directory() *Directory { return s.directory }

// expireDue closes, every ExpiryEvery, the solicitations whose expiry has
// passed with no acceptance. The pending ones are indexed by expiry on
// disk: a restart misses none, and closing one twice writes nothing (the
// decider finds it closed, and the request id is the same).
func (s *Service) expireDue(ctx context.Context) error {
	select {
	case <-s.ready:
	case <-ctx.Done():
		return nil
	}
	tick := time.NewTicker(s.cfg.ExpiryEvery)
	defer tick.Stop()
	for {
		s.expireOnce(ctx)
		select {
		case <-tick.C:
		case <-ctx.Done():
			return nil
		}
	}
}

// system is the caller the scheduler acts as.
var system = access.Caller{Subject: "maillage-scheduler", Organisation: "maillage"}

func (s *Service) expireOnce(ctx context.Context) {
	due, err := s.sent.DueBy(s.cfg.Now())
	if err != nil {
		s.cfg.Logger.Error("solicitations past their expiry not read", "err", err)
		return
	}
	for _, id := range due {
		opts := decider.Options{Caller: system, Metadata: es.Metadata{Actor: system.Subject, Organisation: system.Organisation,
			RequestID: "maillage:expire-" + id}}
		if _, err := s.solicitations.Handle(ctx, id, ExpireSolicitation{SolicitationID: id}, opts); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Error("solicitation not expired; will retry", "solicitation", id, "err", err)
		}
	}
}
