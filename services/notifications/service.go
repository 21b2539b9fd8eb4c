package notifications

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"google.golang.org/grpc"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
)

// Config of the notifications service.
type Config struct {
	Store es.Store       // required
	Kit   *kit.Kit       // required: access, audit
	Codec *decider.Codec // default: no upcaster
	// Teams reads who takes part in each person's coordination (the
	// parcours views); required: it decides who is told, and who still
	// may read what they were told.
	Teams access.Teams
	// TeamsStored waits until Teams includes every event stored when it
	// was called; nil waits for nothing.
	TeamsStored func(ctx context.Context) error
	// TeamsReady is closed once Teams has caught up at start; the router
	// starts then (it would wait for them at its first batch anyway, and
	// a cold start goes faster with the teams first). Nil: at once.
	TeamsReady <-chan struct{}
	// ProjectionsDir keeps the inboxes and the router's position on disk;
	// "" keeps them in memory, rebuilt at each start.
	ProjectionsDir string
	// ViewWait bounds how long a call waits for the inboxes to include
	// what is stored; default 2s.
	ViewWait time.Duration
	// Retry is how webhooks are retried; default DefaultRetry.
	Retry Retry
	// HTTPClient posts the webhooks; default a client with a 10 s timeout
	// that follows no redirect.
	HTTPClient *http.Client
	Now        func() time.Time
	Logger     *slog.Logger
}

// Service is the notifications gRPC service.
type Service struct {
	notificationsv1.UnimplementedNotificationsServiceServer
	cfg          Config
	kit          *kit.Kit
	inboxes      *Inboxes
	inboxRunner  *projection.Runner
	router       *Router
	routerRunner *projection.Runner
	webhooks     *Webhooks
	hooksRunner  *projection.Runner
	deliverer    *deliverer
}

// New returns the service; Run must run for notifications to be routed
// and read.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Kit == nil || cfg.Teams == nil {
		return nil, errors.New("notifications: Store, Kit and Teams are required")
	}
	if cfg.Codec == nil {
		cfg.Codec = decider.NewCodec(nil)
	}
	if cfg.TeamsStored == nil {
		cfg.TeamsStored = func(context.Context) error { return nil }
	}
	if cfg.TeamsReady == nil {
		ready := make(chan struct{})
		close(ready)
		cfg.TeamsReady = ready
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
	if cfg.Retry == (Retry{}) {
		cfg.Retry = DefaultRetry()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	s := &Service{cfg: cfg, kit: cfg.Kit}
	inboxDB, err := s.open((&Inboxes{}).Name())
	if err != nil {
		return nil, err
	}
	routerDB, err := s.open((&Router{}).Name())
	if err != nil {
		inboxDB.Close()
		return nil, err
	}
	hooksDB, err := s.open((&Webhooks{}).Name())
	if err != nil {
		inboxDB.Close()
		routerDB.Close()
		return nil, err
	}
	s.webhooks = newWebhooks(hooksDB, cfg.Codec)
	s.inboxes = newInboxes(inboxDB, cfg.Codec)
	s.router = &Router{db: routerDB, codec: cfg.Codec, store: cfg.Store, teams: cfg.Teams, stored: cfg.TeamsStored, idFor: cfg.Kit.IDFor,
		now: cfg.Now, log: cfg.Logger}
	if s.inboxRunner, err = projection.NewRunner(projection.Config{Store: cfg.Store, Projection: s.inboxes, Logger: cfg.Logger}); err == nil {
		s.routerRunner, err = projection.NewRunner(projection.Config{Store: cfg.Store, Projection: s.router, Logger: cfg.Logger})
	}
	if err == nil {
		s.hooksRunner, err = projection.NewRunner(projection.Config{Store: cfg.Store, Projection: s.webhooks, Logger: cfg.Logger})
	}
	if err != nil {
		inboxDB.Close()
		routerDB.Close()
		hooksDB.Close()
		return nil, err
	}
	s.deliverer = &deliverer{hooks: s.webhooks, store: cfg.Store, kit: cfg.Kit, teams: cfg.Teams, client: cfg.HTTPClient,
		retry: cfg.Retry, now: cfg.Now, log: cfg.Logger}
	return s, nil
}

func (s *Service) open(name string) (*kv.DB, error) {
	if s.cfg.ProjectionsDir == "" {
		return kv.OpenMem(), nil
	}
	return kv.Open(filepath.Join(s.cfg.ProjectionsDir, name))
}

// Name is the service's full gRPC name, as health checks know it.
func (s *Service) Name() string { return notificationsv1.NotificationsService_ServiceDesc.ServiceName }

// Register adds the service's handlers to g.
func (s *Service) Register(g *grpc.Server) { notificationsv1.RegisterNotificationsServiceServer(g, s) }

// Run routes notifications, keeps the inboxes and delivers the webhooks
// until ctx ends; then it closes their stores. One stopping stops the
// others.
func (s *Service) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.router.done = ctx.Done()
	errs := make(chan error, 4)
	go func() { errs <- s.inboxRunner.Run(ctx) }()
	go func() {
		select {
		case <-s.cfg.TeamsReady:
		case <-ctx.Done():
			errs <- nil
			return
		}
		errs <- s.routerRunner.Run(ctx)
	}()
	go func() { errs <- s.hooksRunner.Run(ctx) }()
	go func() { errs <- s.deliverer.run(ctx, s.hooksRunner.Ready()) }()
	var err error
	for range 4 {
		if e := <-errs; e != nil && err == nil {
			err = e
			cancel()
		}
	}
	return errors.Join(err, s.inboxes.Close(), s.router.Close(), s.webhooks.Close())
}

// Ready is closed once the inboxes have caught up with the store.
func (s *Service) Ready() <-chan struct{} { return s.inboxRunner.Ready() }

// Inboxes returns the inboxes, for benchmarks and tests.
func (s *Service) Inboxes() *Inboxes { return s.inboxes }
