package partners

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"google.golang.org/grpc"

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
	Now      func() time.Time
	Logger   *slog.Logger
}

// Service is the partners gRPC service.
type Service struct {
	partnersv1.UnimplementedPartnersServiceServer
	cfg       Config
	kit       *kit.Kit
	partners  *decider.Handler[*PartnerState, PartnerCommand]
	directory *Directory
	runner    *projection.Runner
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
	dir := ""
	if cfg.ProjectionsDir != "" {
		dir = filepath.Join(cfg.ProjectionsDir, (&Directory{}).Name())
	}
	directory, err := OpenDirectory(dir, cfg.Codec)
	if err != nil {
		return nil, err
	}
	runner, err := projection.NewRunner(projection.Config{Store: cfg.Store, Projection: directory, Logger: cfg.Logger})
	if err != nil {
		directory.Close()
		return nil, err
	}
	return &Service{cfg: cfg, kit: cfg.Kit, partners: handler, directory: directory, runner: runner}, nil
}

// Name is the service's full gRPC name, as health checks know it.
func (s *Service) Name() string { return partnersv1.PartnersService_ServiceDesc.ServiceName }

// Register adds the service's handlers to g.
func (s *Service) Register(g *grpc.Server) { partnersv1.RegisterPartnersServiceServer(g, s) }

// Run keeps the directory up to date until ctx ends, then closes it.
func (s *Service) Run(ctx context.Context) error {
	err := s.runner.Run(ctx)
	return errors.Join(err, s.directory.Close())
}

// Ready is closed once the directory has caught up with the store.
func (s *Service) Ready() <-chan struct{} { return s.runner.Ready() }

// Directory returns the directory, for benchmarks and tests.
func (s *Service) Directory() *Directory { return s.directory }
