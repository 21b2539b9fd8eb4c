package parcours

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"google.golang.org/grpc"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// Config of the parcours service.
type Config struct {
	Store es.Store       // required
	Kit   *kit.Kit       // required: access, audit, the command port
	Codec *decider.Codec // default: no upcaster
	// ProjectionsDir keeps the views on disk (a Pebble store in
	// <dir>/parcours-view-v6); "" keeps them in memory, rebuilt at each
	// start.
	ProjectionsDir string
	// ViewCache bounds the decoded views kept in memory; default
	// DefaultViewCache.
	ViewCache int
	// ViewWait bounds how long a query waits for min_position; default 2s.
	ViewWait time.Duration
	// VigilanceEvery is how often the vigilance looks for deadlines come;
	// default 1 minute (events are checked as they come).
	VigilanceEvery time.Duration
	// VigilanceThresholds gives the thresholds of the organisation
	// holding a coordination; default DefaultVigilanceThresholds for all.
	VigilanceThresholds func(organisation string) VigilanceThresholds
	Now                 func() time.Time // default time.Now
	NewID               func() string    // default ULIDs
	Logger              *slog.Logger
}

// Service is the parcours gRPC service: commands on people's coordination
// files, and their coordinated views.
type Service struct {
	parcoursv1.UnimplementedParcoursServiceServer
	cfg     Config
	kit     *kit.Kit
	persons *decider.Handler[*PersonState, Command]
	views   *Views
	runner  *projection.Runner
	// engagements records the partners' engagements in the files.
	engagements       *Engagements
	engagementsRunner *projection.Runner
	// vigilance raises and resolves risks and ruptures (vigilance*.go).
	vigilance       *Vigilance
	vigilanceRunner *projection.Runner
	// decisions records meetings' decisions in the plans.
	decisions       *MeetingDecisions
	decisionsRunner *projection.Runner
}

// New returns the service; Run must run for views to fill.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Kit == nil {
		return nil, errors.New("parcours: Store and Kit are required")
	}
	if cfg.Codec == nil {
		cfg.Codec = decider.NewCodec(nil)
	}
	if cfg.ViewWait == 0 {
		cfg.ViewWait = 2 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.VigilanceEvery == 0 {
		cfg.VigilanceEvery = time.Minute
	}
	if cfg.VigilanceThresholds == nil {
		cfg.VigilanceThresholds = func(string) VigilanceThresholds { return DefaultVigilanceThresholds() }
	}
	persons, err := decider.NewHandler(decider.HandlerConfig[*PersonState, Command]{
		Store: cfg.Store, Codec: cfg.Codec, Decider: Person, Category: Category, Now: cfg.Now, NewID: cfg.NewID,
		CreatedID: kit.CreatedID,
	})
	if err != nil {
		return nil, err
	}
	views := NewViews(cfg.Codec)
	if cfg.ProjectionsDir != "" {
		// The views on disk, beside the other projections.
		if views, err = OpenViews(filepath.Join(cfg.ProjectionsDir, views.Name()), cfg.Codec, cfg.ViewCache); err != nil {
			return nil, err
		}
	}
	runner, err := projection.NewRunner(projection.Config{Store: cfg.Store, Projection: views, Logger: cfg.Logger})
	if err != nil {
		views.Close()
		return nil, err
	}
	s := &Service{cfg: cfg, kit: cfg.Kit, persons: persons, views: views, runner: runner}
	db := kv.OpenMem()
	if cfg.ProjectionsDir != "" {
		if db, err = kv.Open(filepath.Join(cfg.ProjectionsDir, (&Engagements{}).Name())); err != nil {
			views.Close()
			return nil, err
		}
	}
	s.engagements = &Engagements{db: db, codec: cfg.Codec, log: cfg.Logger, run: s.runAs(engagements)}
	if s.engagementsRunner, err = projection.NewRunner(projection.Config{Store: cfg.Store, Projection: s.engagements, Logger: cfg.Logger}); err != nil {
		views.Close()
		db.Close()
		return nil, err
	}
	if err := s.newVigilance(); err != nil {
		views.Close()
		db.Close()
		return nil, err
	}
	if err := s.newMeetingDecisions(); err != nil {
		views.Close()
		db.Close()
		s.vigilance.Close()
		return nil, err
	}
	return s, nil
}

func (s *Service) newMeetingDecisions() error {
	db := kv.OpenMem()
	if s.cfg.ProjectionsDir != "" {
		var err error
		if db, err = kv.Open(filepath.Join(s.cfg.ProjectionsDir, (&MeetingDecisions{}).Name())); err != nil {
			return err
		}
	}
	s.decisions = &MeetingDecisions{db: db, codec: s.cfg.Codec, log: s.cfg.Logger, run: s.runAs(meetingDecisions)}
	var err error
	if s.decisionsRunner, err = projection.NewRunner(projection.Config{Store: s.cfg.Store, Projection: s.decisions, Logger: s.cfg.Logger}); err != nil {
		db.Close()
	}
	return err
}

func (s *Service) newVigilance() error {
	db := kv.OpenMem()
	if s.cfg.ProjectionsDir != "" {
		var err error
		if db, err = kv.Open(filepath.Join(s.cfg.ProjectionsDir, (&Vigilance{}).Name())); err != nil {
			return err
		}
	}
	s.vigilance = &Vigilance{db: db, codec: s.cfg.Codec, check: s.checkVigilance, now: s.cfg.Now, every: s.cfg.VigilanceEvery,
		log: s.cfg.Logger, wake: make(chan struct{}, 1)}
	var err error
	if s.vigilanceRunner, err = projection.NewRunner(projection.Config{Store: s.cfg.Store, Projection: s.vigilance, Logger: s.cfg.Logger}); err != nil {
		db.Close()
	}
	return err
}

// checkVigilance runs the rules on the person's file as stored now, with
// the thresholds of the organisation holding it, and writes what they
// change; it returns when the file is next due a check.
func (s *Service) checkVigilance(ctx context.Context, person string, sup Support) (time.Time, error) {
	var cmd CheckVigilance
	var next time.Time
	act := false
	var thErr error
	err := s.persons.Inspect(ctx, person, func(st *PersonState) {
		var th VigilanceThresholds
		th, thErr = s.thresholdsOf(st.Team.Holder)
		cmd = CheckVigilance{PersonID: person, Support: sup, Thresholds: th}
		now := s.cfg.Now()
		_, next = VigilanceFindings(st, sup, th, now)
		// The decider itself says whether there is anything to write: most
		// checks write nothing, and the command then costs a second read.
		events, _ := decideCheckVigilance(st, cmd, decider.Context{Now: now, NewID: func() string { return "" }})
		act = len(events) > 0
	})
	if err == nil {
		err = thErr
	}
	if err != nil || !act {
		return next, err
	}
	opts := decider.Options{Caller: vigilance, Metadata: es.Metadata{Actor: vigilance.Subject, Organisation: vigilance.Organisation}}
	_, err = s.persons.Handle(ctx, person, cmd, opts)
	return next, err
}

// runAs runs a process manager's commands on the person's file, as that
// process manager.
func (s *Service) runAs(pm access.Caller) func(ctx context.Context, cmd Command, requestID string) error {
	return func(ctx context.Context, cmd Command, requestID string) error {
		opts := decider.Options{Caller: pm, Metadata: es.Metadata{Actor: pm.Subject, Organisation: pm.Organisation,
			RequestID: pm.Organisation + ":" + requestID}}
		_, err := s.persons.Handle(ctx, cmd.personID(), cmd, opts)
		return err
	}
}

// Name is the gRPC service name.
func (s *Service) Name() string { return parcoursv1.ParcoursService_ServiceDesc.ServiceName }

// Register adds the handlers to g.
func (s *Service) Register(g *grpc.Server) { parcoursv1.RegisterParcoursServiceServer(g, s) }

// Run keeps the coordinated views up to date, records the partners'
// engagements in the files and runs the vigilance, until ctx ends; then
// it closes their stores. One stopping stops the others.
func (s *Service) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 5)
	go func() { errs <- s.runner.Run(ctx) }()
	go func() { errs <- s.engagementsRunner.Run(ctx) }()
	// The process managers catch up once the views have: at a cold start
	// the views, which the server waits for, get the machine first.
	afterViews := func(r *projection.Runner) error {
		select {
		case <-s.runner.Ready():
			return r.Run(ctx)
		case <-ctx.Done():
			return nil
		}
	}
	go func() { errs <- afterViews(s.vigilanceRunner) }()
	go func() { errs <- s.vigilance.Watch(ctx, s.vigilanceRunner.Ready()) }()
	go func() { errs <- afterViews(s.decisionsRunner) }()
	var err error
	for range 5 {
		if e := <-errs; e != nil && err == nil {
			err = e
			cancel()
		}
	}
	return errors.Join(err, s.views.Close(), s.engagements.Close(), s.vigilance.Close(), s.decisions.Close())
}

// Ready is closed once the views have caught up with the store.
func (s *Service) Ready() <-chan struct{} { return s.runner.Ready() }

// Views returns the coordinated views, for benchmarks and tests.
func (s *Service) Views() *Views { return s.views }

// Teams reads the team of each person's file from the views, for the
// services that show a person's information (audit, meetings, the feed).
func (s *Service) Teams() access.Teams { return teamsOfViews{s.views} }

type teamsOfViews struct{ v *Views }

func (t teamsOfViews) TeamOf(personID string) (access.Team, bool) {
	view, ok, err := t.v.get(personID)
	if err != nil || !ok {
		return access.Team{}, false
	}
	return teamOf(view), true
}
