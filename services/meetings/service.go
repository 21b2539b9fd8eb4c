package meetings

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"google.golang.org/grpc"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
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
	// NewID makes the ids of participants; default ULIDs.
	NewID  func() string
	Now    func() time.Time
	Logger *slog.Logger
}

// Service is the meetings gRPC service.
type Service struct {
	meetingsv1.UnimplementedMeetingsServiceServer
	cfg      Config
	meetings *decider.Handler[*MeetingState, Command]
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
	return &Service{cfg: cfg, meetings: h}, nil
}

// Name is the service's full gRPC name, as health checks know it.
func (s *Service) Name() string { return meetingsv1.MeetingsService_ServiceDesc.ServiceName }

// Register adds the service's handlers to g.
func (s *Service) Register(g *grpc.Server) { meetingsv1.RegisterMeetingsServiceServer(g, s) }

// Run has no background work yet; it returns when ctx is done.
func (s *Service) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// Ready is closed: meetings are read from their streams.
func (s *Service) Ready() <-chan struct{} { return closed }

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()
