package meetings

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
	"github.com/maillage/maillage/internal/projection/kv"
	meetingsv1 "github.com/maillage/maillage/proto/maillage/meetings/v1"
)

// Files reads what the meetings need of people's files (kept by the
// parcours service, read from its views): the services meet through
// events; this is a read of another's model, never a command.
type Files interface {
	// FileOf returns the person's file as stored in the views, Known
	// false when there is none.
	FileOf(personID string) File
	// Stored waits until the files include every event stored when it
	// was called.
	Stored(ctx context.Context) error
}

// Config of the meetings service.
type Config struct {
	Store es.Store       // required
	Kit   *kit.Kit       // required: access, audit, the command port
	Files Files          // required
	Codec *decider.Codec // default: no upcaster
	// ProjectionsDir keeps the index on disk; "" keeps it in memory.
	ProjectionsDir string
	// NewID makes the ids of participants; default ULIDs.
	NewID  func() string
	Now    func() time.Time
	Logger *slog.Logger
}

// Service is the meetings gRPC service.
type Service struct {
	meetingsv1.UnimplementedMeetingsServiceServer
	cfg         Config
	meetings    *decider.Handler[*MeetingState, Command]
	index       *Index
	indexRunner *projection.Runner
}

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Kit == nil || cfg.Files == nil {
		return nil, errors.New("meetings: Store, Kit and Files are required")
	}
	if cfg.Codec == nil {
		cfg.Codec = decider.NewCodec(nil)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	h, err := decider.NewHandler(decider.HandlerConfig[*MeetingState, Command]{Store: cfg.Store, Codec: cfg.Codec, Decider: Meeting,
		Category: Category, Now: cfg.Now, NewID: cfg.NewID, CreatedID: kit.CreatedID})
	if err != nil {
		return nil, err
	}
	db := kv.OpenMem()
	if cfg.ProjectionsDir != "" {
		if db, err = kv.Open(filepath.Join(cfg.ProjectionsDir, (&Index{}).Name())); err != nil {
			return nil, err
		}
	}
	s := &Service{cfg: cfg, meetings: h, index: &Index{db: db, codec: cfg.Codec}}
	if s.indexRunner, err = projection.NewRunner(projection.Config{Store: cfg.Store, Projection: s.index, Logger: cfg.Logger}); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Name is the service's full gRPC name, as health checks know it.
func (s *Service) Name() string { return meetingsv1.MeetingsService_ServiceDesc.ServiceName }

// Register adds the service's handlers to g.
func (s *Service) Register(g *grpc.Server) { meetingsv1.RegisterMeetingsServiceServer(g, s) }

// Run keeps the index until ctx ends; then it closes its store.
func (s *Service) Run(ctx context.Context) error {
	err := s.indexRunner.Run(ctx)
	return errors.Join(err, s.index.Close())
}

// Ready is closed once the index has caught up.
func (s *Service) Ready() <-chan struct{} { return s.indexRunner.Ready() }
