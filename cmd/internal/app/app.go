// Package app assembles maillaged: the event store (embedded NATS
// JetStream, or an external cluster), the signing key, the gRPC server and
// the services, and takes them down in the order that loses no
// acknowledged write.
package app

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/maillage/maillage/internal/access/register"
	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/kit"
	"github.com/maillage/maillage/internal/natsembed"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	mserver "github.com/maillage/maillage/internal/server"
)

// Service is what each service module gives maillaged.
type Service interface {
	Name() string                  // full gRPC service name, for health
	Register(*grpc.Server)         // its handlers
	Run(ctx context.Context) error // background work (projections) until ctx ends
	Ready() <-chan struct{}        // closed once it can answer (views caught up)
}

// App is a running maillaged.
type App struct {
	cfg   Config
	log   *slog.Logger
	ns    *server.Server // embedded NATS, nil with an external one
	nc    *nats.Conn
	subNC *nats.Conn // the subscriptions' own
	store es.Store
	// trails is the audit trails' own store (stream AUDIT): every read
	// writes to it, and the domain events' store stays the projections'.
	trails   es.Store
	headsDB  *kv.DB // the trails' heads, kept across restarts
	srv      *mserver.Server
	services []Service
	audit    *audit.Writer
	register *register.Register // revocations and delegations
	// registerRunner keeps the register up to date, on disk in registerDB.
	registerRunner *projection.Runner
	registerDB     *kv.DB
	addr           net.Addr
	caFile         string
}

// New opens everything maillaged needs, without serving yet.
func New(ctx context.Context, cfg Config) (_ *App, err error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	a := &App{cfg: cfg, log: cfg.Logger}
	defer func() {
		if err != nil {
			a.closeStore()
		}
	}()
	if err := a.openStore(ctx); err != nil {
		return nil, err
	}
	// The access register (revocations, delegations) runs in every
	// instance: no token is trusted before it has caught up.
	a.register = register.New(cfg.Now)
	if a.registerDB, err = kv.Open(filepath.Join(cfg.projectionsDir(), a.register.Name())); err != nil {
		return nil, err
	}
	durable, err := register.OpenDurable(a.register, a.registerDB)
	if err != nil {
		return nil, err
	}
	if a.registerRunner, err = projection.NewRunner(projection.Config{Store: a.store, Projection: durable, Logger: cfg.Logger}); err != nil {
		return nil, err
	}
	verifier, err := a.verifier(ctx)
	if err != nil {
		return nil, err
	}
	tlsCfg, err := a.tls()
	if err != nil {
		return nil, err
	}
	scfg := mserver.Config{Addr: cfg.Addr, MetricsAddr: cfg.MetricsAddr, TLS: tlsCfg, Verifier: verifier, Logger: cfg.Logger}
	if cfg.TLSClientCerts != "" {
		if scfg.ClientCAs, err = mserver.LoadClientCAs(cfg.TLSClientCA); err != nil {
			return nil, err
		}
		scfg.ClientCerts = mserver.ClientCertPolicy(cfg.TLSClientCerts)
	}
	a.srv, err = mserver.New(scfg)
	if err != nil {
		return nil, err
	}
	deps, err := a.deps()
	if err != nil {
		return nil, err
	}
	if a.services, err = a.buildServices(deps); err != nil {
		return nil, err
	}
	for _, s := range a.services {
		s.Register(a.srv.GRPC())
		a.srv.Health().SetServingStatus(s.Name(), healthpb.HealthCheckResponse_NOT_SERVING)
	}
	// The server as a whole ("") is SERVING once every service is.
	a.srv.Health().SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	if a.addr, err = a.srv.Listen(); err != nil {
		return nil, err
	}
	return a, nil
}

// Addr is the gRPC address maillaged listens on.
func (a *App) Addr() net.Addr { return a.addr }

// MetricsAddr is the metrics endpoint's address, nil when off.
func (a *App) MetricsAddr() net.Addr { return a.srv.MetricsAddr() }

// CAFile is the CA certificate clients should trust with --tls=auto.
func (a *App) CAFile() string { return a.caFile }

// Store is the event store, for tests and tools in this binary.
func (a *App) Store() es.Store { return a.store }

// Trails is the audit trails' store, for tests.
func (a *App) Trails() es.Store { return a.trails }

// NATS is the connection to the store's NATS, for benchmarks that measure
// the engine beside Maillage in the same run.
func (a *App) NATS() *nats.Conn { return a.nc }

// Run serves until ctx is done, then shuts down: the gRPC server first
// (in-flight commands finish and their appends are acknowledged), then the
// services (projections flush their stores), then NATS (the embedded
// server flushes its store).
func (a *App) Run(ctx context.Context) error {
	// The audit writer outlives the services: every disclosure answered
	// is stored, and the trails are sealed, before the store closes.
	auditCtx, stopAudit := context.WithCancel(context.WithoutCancel(ctx))
	audited := make(chan struct{})
	go func() { defer close(audited); _ = a.audit.Run(auditCtx) }()
	registered := make(chan error, 1)
	go func() { registered <- a.registerRunner.Run(auditCtx) }()
	go func() {
		select {
		case <-a.registerRunner.Ready():
			a.register.CaughtUp()
		case <-auditCtx.Done():
		}
	}()
	svcCtx, stopServices := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	svcErrs := make(chan error, len(a.services))
	var ready sync.WaitGroup
	for _, s := range a.services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Run(svcCtx); err != nil {
				svcErrs <- fmt.Errorf("%s: %w", s.Name(), err)
			}
		}()
		ready.Add(1)
		go func() {
			defer ready.Done()
			a.markServingWhenReady(svcCtx, s)
		}()
	}
	var allReady atomic.Bool
	go func() {
		ready.Wait()
		if svcCtx.Err() == nil {
			allReady.Store(true)
			a.srv.Health().SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
			a.log.Info("serving: every service has caught up")
		}
	}()
	go a.watchWrites(svcCtx, allReady.Load)
	srvCtx, stopServer := context.WithCancel(ctx)
	defer stopServer()
	served := make(chan error, 1)
	go func() { served <- a.srv.Serve(srvCtx) }()

	var errs []error
	select {
	case <-ctx.Done():
	case err := <-svcErrs:
		// A projection that stops leaves views frozen: better to stop
		// serving than to answer from them.
		errs = append(errs, err)
		a.log.Error("a service stopped; shutting down", "err", err)
	}
	stopServer()
	if err := <-served; err != nil {
		errs = append(errs, err)
	}
	stopServices()
	wg.Wait()
	close(svcErrs)
	for err := range svcErrs {
		errs = append(errs, err)
	}
	stopAudit()
	<-audited
	if err := <-registered; err != nil {
		errs = append(errs, fmt.Errorf("access register: %w", err))
	}
	a.closeStore()
	a.log.Info("maillaged stopped")
	return errors.Join(errs...)
}

func (a *App) markServingWhenReady(ctx context.Context, s Service) {
	// No call is served before the access register is caught up: a
	// service is SERVING once both it and the register are.
	select {
	case <-a.registerRunner.Ready():
	case <-ctx.Done():
		return
	}
	select {
	case <-s.Ready():
		a.srv.Health().SetServingStatus(s.Name(), healthpb.HealthCheckResponse_SERVING)
	case <-ctx.Done():
	}
}

func (a *App) openStore(ctx context.Context) error {
	opts := []nats.Option{nats.Name("maillaged"), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}
	if a.cfg.NATSURL == "" {
		ncfg, own, err := a.embeddedNATS()
		if err != nil {
			return err
		}
		ns, err := natsembed.Start(ncfg)
		if err != nil {
			return err
		}
		a.ns = ns
		opts = append(opts, nats.InProcessServer(ns))
		opts = append(opts, own...)
	} else {
		ext, err := a.cfg.externalNATSOptions()
		if err != nil {
			return err
		}
		opts = append(opts, ext...)
	}
	nc, err := nats.Connect(a.cfg.NATSURL, opts...)
	if err != nil {
		return fmt.Errorf("connect to NATS: %w", err)
	}
	a.nc = nc
	// Projections and feeds read on a connection of their own: their
	// deliveries never queue before an append's acknowledgement.
	if a.subNC, err = nats.Connect(a.cfg.NATSURL, append(opts, nats.Name("maillaged-subscriptions"))...); err != nil {
		return fmt.Errorf("connect to NATS: %w", err)
	}
	// The embedded server without a listener has no other writer: the
	// store knows where the stream ends without asking (every read asks).
	sole := a.cfg.NATSURL == "" && a.cfg.NATSListen == ""
	store, err := natsjs.Open(ctx, natsjs.Config{Conn: nc, SubscribeConn: a.subNC, Replicas: a.cfg.Replicas, SoleWriter: sole})
	if errors.Is(err, es.ErrStorageFull) {
		where := a.cfg.natsDir()
		if a.cfg.NATSURL != "" {
			where = a.cfg.NATSURL
		}
		return fmt.Errorf("the event store (%s) has no room left: free disk space or raise its storage limit: %w", where, err)
	}
	if err != nil {
		// Not a typed nil in the interface: closeStore would call it.
		return err
	}
	a.store = store
	trails, err := natsjs.Open(ctx, natsjs.Config{Conn: nc, Replicas: a.cfg.Replicas, Stream: "AUDIT", SubjectPrefix: "trails"})
	if err != nil {
		return fmt.Errorf("the audit trails' store: %w", err)
	}
	a.trails = trails
	if moved, err := audit.MoveTrails(ctx, store, trails); err != nil {
		return err
	} else if moved > 0 {
		a.log.Info("audit trails moved to their own stream AUDIT", "records", moved)
	}
	where := "embedded, " + a.cfg.natsDir()
	if a.cfg.NATSURL != "" {
		where = a.cfg.NATSURL
	}
	a.log.Info("event store open", "nats", where, "sync", a.cfg.Sync, "replicas", a.cfg.Replicas)
	return nil
}

func (a *App) closeStore() {
	if a.registerDB != nil {
		a.registerDB.Close()
		a.registerDB = nil
	}
	if a.headsDB != nil {
		a.headsDB.Close()
		a.headsDB = nil
	}
	if a.trails != nil {
		a.trails.Close()
	}
	if a.store != nil {
		a.store.Close()
	}
	for _, nc := range []*nats.Conn{a.subNC, a.nc} {
		if nc != nil {
			nc.Drain()
			nc.Close()
		}
	}
	if a.ns != nil {
		a.ns.Shutdown()
		a.ns.WaitForShutdown()
	}
}

// deps builds what every service is built from: the audit writer (its key
// at auth.AuditKeyPath), and the kit on it.
func (a *App) deps() (*Deps, error) {
	key, err := auth.LoadOrCreateKey(auth.AuditKeyPath(a.cfg.DataDir))
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	// One atomic batch per group commit where each write waits for the
	// disk or for a quorum; pipelined appends where it does not.
	atomic := a.cfg.NATSURL != "" || a.cfg.Sync == natsembed.SyncAlways
	if a.headsDB, err = kv.Open(filepath.Join(a.cfg.DataDir, "audit-heads")); err != nil {
		return nil, err
	}
	if a.audit, err = audit.NewWriter(audit.Config{Store: a.trails, Heads: a.headsDB, Key: key, Atomic: atomic, Now: a.cfg.Now, Logger: a.log}); err != nil {
		return nil, err
	}
	// Person ids derive from a secret only this deployment holds: the
	// audit key's seed, which replicas share.
	secret := sha256.Sum256(append([]byte("maillage-person-id-secret-v1\x00"), key.Seed()...))
	k, err := kit.New(kit.Config{Audit: a.audit, Delegations: a.register, Secret: secret[:], Now: a.cfg.Now})
	if err != nil {
		return nil, err
	}
	return &Deps{Store: a.store, Trails: a.trails, Codec: decider.NewCodec(nil), Kit: k, Audit: a.audit, Config: a.cfg, Register: a.register}, nil
}

// verifier trusts the local key and, when configured, an OIDC provider;
// every token is checked against the access register.
func (a *App) verifier(ctx context.Context) (auth.TokenVerifier, error) {
	key, err := auth.LoadOrCreateSigningKey(a.cfg.DataDir)
	if err != nil {
		return nil, err
	}
	local, err := auth.NewVerifier(auth.VerifierConfig{Keys: auth.NewStaticKeys(key.Public().(ed25519.PublicKey)), Now: a.cfg.Now,
		MaxLifetime: a.cfg.MaxTokenLifetime, Revocations: a.register})
	if err != nil {
		return nil, err
	}
	if a.cfg.OIDCIssuer == "" {
		return local, nil
	}
	jwksURL := a.cfg.OIDCJWKSURL
	if jwksURL == "" {
		if jwksURL, err = auth.DiscoverJWKS(ctx, a.cfg.OIDCIssuer, nil); err != nil {
			return nil, err
		}
	}
	// The key set is refreshed for the life of the process.
	keys, err := auth.NewJWKSKeys(context.WithoutCancel(ctx), auth.JWKSConfig{URL: jwksURL})
	if err != nil {
		return nil, err
	}
	oidc, err := auth.NewVerifier(auth.VerifierConfig{Keys: keys, Issuer: a.cfg.OIDCIssuer, Audience: a.cfg.OIDCAudience, Now: a.cfg.Now,
		MaxLifetime: a.cfg.MaxTokenLifetime, Algorithms: []string{"RS256", "PS256", "ES256", "EdDSA"}, Revocations: a.register})
	if err != nil {
		return nil, err
	}
	a.log.Info("trusting an OIDC provider", "issuer", a.cfg.OIDCIssuer, "jwks", jwksURL)
	return auth.NewVerifiers(local, oidc), nil
}
