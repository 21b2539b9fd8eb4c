// Package server assembles the gRPC server every Maillage service registers
// on: TLS, bearer-token authentication, protovalidate validation, panic
// recovery, request logs (slog), Prometheus metrics, health checks and server
// reflection, with a graceful shutdown bounded in time.
//
// A service registers its handlers on GRPC() and reports its readiness on
// Health(); maillaged then calls Serve. Handlers return domain errors
// (package derrors) and the server turns them into gRPC statuses.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"buf.build/go/protovalidate"
	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"
)

// Server is Maillage's gRPC server. Register services before Serve.
type Server struct {
	cfg       Config
	log       *slog.Logger
	public    publicMethods
	validator protovalidate.Validator

	grpc   *grpc.Server
	health *health.Server

	registry *prometheus.Registry
	metrics  *grpcprom.ServerMetrics
	panics   prometheus.Counter
	// unauthenticated counts the calls the tap refused (they never start).
	unauthenticated *prometheus.CounterVec

	// draining is closed when the server stops: subscriptions (server
	// streams) end then, so that the graceful stop is not held by them.
	draining     chan struct{}
	drainingOnce sync.Once

	mu         sync.Mutex
	lis        net.Listener
	metricsLis net.Listener
	served     bool
}

// New returns a server configured by cfg, with health checks and reflection
// registered, or every problem of cfg.
func New(cfg Config) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	validator, err := protovalidate.New()
	if err != nil {
		return nil, fmt.Errorf("server: protovalidate: %w", err)
	}
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		public:    newPublicMethods(cfg.PublicMethods),
		validator: validator,
		health:    health.NewServer(),
		draining:  make(chan struct{}),
		registry:  prometheus.NewRegistry(),
		metrics: grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram(
			// From 0.5 ms, a loopback no-op call, to 10 s.
			grpcprom.WithHistogramBuckets([]float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}),
		)),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "grpc_req_panics_recovered_total",
			Help: "Total number of gRPC requests recovered from a handler panic.",
		}),
		unauthenticated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "maillage_grpc_unauthenticated_total",
			Help: "Calls refused before their body was read: no valid bearer token.",
		}, []string{"grpc_service", "grpc_method"}),
	}
	s.registry.MustRegister(
		s.metrics,
		s.panics,
		s.unauthenticated,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)

	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(s.unaryInterceptors()...),
		grpc.ChainStreamInterceptor(s.streamInterceptors()...),
		// Stop, past the shutdown timeout, then still waits for handlers:
		// Serve never returns under a running handler.
		grpc.WaitForHandlers(true),
		// Authenticate when the call's headers arrive, before its body is
		// read and decoded: an unauthenticated caller costs no decoding.
		grpc.InTapHandle(s.authenticateTap),
		grpc.MaxConcurrentStreams(cfg.MaxConcurrentStreams),
		grpc.MaxRecvMsgSize(cfg.MaxRecvMsgSize),
	}
	if cfg.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(withClientCerts(cfg.TLS, cfg.ClientCAs, cfg.ClientCerts))))
	}
	// A pool of stream workers: a goroutine per call grew a fresh stack on
	// every command.
	opts = append(opts, grpc.NumStreamWorkers(uint32(runtime.GOMAXPROCS(0))))
	s.grpc = grpc.NewServer(opts...)
	healthpb.RegisterHealthServer(s.grpc, s.health)
	reflection.Register(s.grpc)
	return s, nil
}

// GRPC returns the grpc.Server to register services on, before Serve.
func (s *Server) GRPC() *grpc.Server { return s.grpc }

// Health returns the health service (grpc.health.v1). Serve marks every
// registered service SERVING unless its status was set before; a service
// that must catch up first sets NOT_SERVING when it registers, then SERVING.
// Shutdown turns every status NOT_SERVING.
func (s *Server) Health() *health.Server { return s.health }

// Registry returns the Prometheus registry served at /metrics, for services
// to register their own collectors on.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// Listen opens the gRPC listener, and the metrics one when configured, and
// returns the gRPC address: with port 0 in Config.Addr, it tells the port
// picked. Serve calls it when it was not called before.
func (s *Server) Listen() (net.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lis != nil {
		return s.lis.Addr(), nil
	}
	lis, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("server: listen: %w", err)
	}
	if s.cfg.MetricsAddr != "" {
		mlis, err := net.Listen("tcp", s.cfg.MetricsAddr)
		if err != nil {
			lis.Close()
			return nil, fmt.Errorf("server: listen for metrics: %w", err)
		}
		s.metricsLis = mlis
	}
	s.lis = lis
	return lis.Addr(), nil
}

// MetricsAddr returns the address of the metrics endpoint once listening,
// nil when metrics are off or before Listen.
func (s *Server) MetricsAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.metricsLis == nil {
		return nil
	}
	return s.metricsLis.Addr()
}

// Serve serves gRPC, and metrics when configured, until ctx is done or a
// listener fails. It then marks every service NOT_SERVING, stops accepting
// calls and waits for in-flight ones up to Config.ShutdownTimeout, after
// which it cancels them. It returns once every handler has returned: nil
// after a shutdown asked by ctx, the listener's error otherwise. A Server
// serves once.
func (s *Server) Serve(ctx context.Context) error {
	if _, err := s.Listen(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.served {
		s.mu.Unlock()
		return errors.New("server: Serve called twice")
	}
	s.served = true
	lis, mlis := s.lis, s.metricsLis
	s.mu.Unlock()

	s.metrics.InitializeMetrics(s.grpc)
	s.markServing(ctx)

	grpcDone := make(chan error, 1)
	go func() { grpcDone <- s.grpc.Serve(lis) }()
	var metricsSrv *http.Server
	metricsDone := make(chan error, 1)
	if mlis != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { metricsDone <- metricsSrv.Serve(mlis) }()
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "serving gRPC",
		slog.String("addr", lis.Addr().String()), slog.Bool("tls", s.cfg.TLS != nil))
	if mlis != nil {
		s.log.LogAttrs(ctx, slog.LevelInfo, "serving metrics", slog.String("addr", "http://"+mlis.Addr().String()+"/metrics"))
	}

	var errs []error
	select {
	case <-ctx.Done():
	case err := <-grpcDone:
		errs = append(errs, fmt.Errorf("server: serve gRPC: %w", err))
		grpcDone <- nil // for the wait below
	case err := <-metricsDone:
		errs = append(errs, fmt.Errorf("server: serve metrics: %w", err))
	}

	s.stop()
	<-grpcDone // nil once stopped
	if metricsSrv != nil {
		// The scrape in progress, if any, gets a second to finish.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		if err := metricsSrv.Shutdown(sctx); err != nil {
			metricsSrv.Close()
		}
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "stopped serving")
	return errors.Join(errs...)
}

// markServing sets SERVING for every registered service whose status was
// not set before Serve.
func (s *Server) markServing(ctx context.Context) {
	for name := range s.grpc.GetServiceInfo() {
		_, err := s.health.Check(ctx, &healthpb.HealthCheckRequest{Service: name})
		if status.Code(err) == codes.NotFound {
			s.health.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
		}
	}
}

// stop drains the gRPC server: NOT_SERVING first, so that load balancers
// stop routing here, then a graceful stop bounded by ShutdownTimeout.
func (s *Server) stop() {
	s.health.Shutdown()
	s.drainingOnce.Do(func() { close(s.draining) })
	drained := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(drained)
	}()
	timer := time.NewTimer(s.cfg.ShutdownTimeout)
	defer timer.Stop()
	select {
	case <-drained:
	case <-timer.C:
		s.log.LogAttrs(context.Background(), slog.LevelWarn, "graceful stop timed out: cancelling in-flight calls",
			slog.Duration("timeout", s.cfg.ShutdownTimeout))
		s.grpc.Stop()
		<-drained
	}
}
