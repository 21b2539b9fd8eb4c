package server

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/maillage/maillage/internal/auth"
)

// Defaults of Config.
const (
	// DefaultAddr is where maillaged listens for gRPC unless told otherwise:
	// loopback only, so that a first start exposes nothing to the network.
	// 7443 is unassigned by IANA and reads as "a TLS port" to operators.
	DefaultAddr = "127.0.0.1:7443"

	// DefaultShutdownTimeout bounds how long in-flight calls may run once
	// shutdown starts; longer than any unary call should take, shorter than
	// the 30 s a supervisor (systemd, Kubernetes) waits before SIGKILL.
	DefaultShutdownTimeout = 15 * time.Second
)

// Methods that never need a token: probes and tooling must work before a
// professional has one.
var alwaysPublic = []string{
	"/grpc.health.v1.Health/",
	"/grpc.reflection.v1.ServerReflection/",
	"/grpc.reflection.v1alpha.ServerReflection/",
}

// Config configures a Server.
type Config struct {
	// Addr is the gRPC listen address, host:port; DefaultAddr when empty.
	// Port 0 picks a free port (see Server.Listen).
	Addr string

	// MetricsAddr is the listen address of the Prometheus endpoint, served
	// over plain HTTP at /metrics; "" turns it off.
	MetricsAddr string

	// TLS is the server's TLS configuration; nil serves plaintext gRPC,
	// which is only sensible on loopback or behind a TLS-terminating proxy.
	TLS *tls.Config

	// ClientCerts asks clients for certificates, signed by ClientCAs, that
	// name their organisation (mtls.go); ClientCertOff by default.
	ClientCerts ClientCertPolicy
	ClientCAs   *x509.CertPool

	// Verifier checks professionals' bearer tokens (auth.Verifier, or
	// auth.Verifiers for several issuers). Required.
	Verifier auth.TokenVerifier

	// MaxConcurrentStreams bounds the calls in flight on one connection;
	// DefaultMaxConcurrentStreams when zero.
	MaxConcurrentStreams uint32

	// MaxRecvMsgSize bounds a request message, in bytes;
	// DefaultMaxRecvMsgSize when zero.
	MaxRecvMsgSize int

	// PublicMethods lists the calls that need no token: a full method name
	// ("/maillage.partners.v1.Directory/Search") or a service prefix ending
	// in "/" ("/maillage.partners.v1.Directory/"). Health checks and server
	// reflection are always public.
	PublicMethods []string

	// Logger receives request logs and the causes of internal errors;
	// slog.Default() when nil.
	Logger *slog.Logger

	// ShutdownTimeout bounds a graceful stop; DefaultShutdownTimeout when
	// zero. Past it, in-flight calls are cancelled.
	ShutdownTimeout time.Duration
}

func (c *Config) setDefaults() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.MaxConcurrentStreams == 0 {
		c.MaxConcurrentStreams = DefaultMaxConcurrentStreams
	}
	if c.MaxRecvMsgSize == 0 {
		c.MaxRecvMsgSize = DefaultMaxRecvMsgSize
	}
}

// Bounds of what one client may ask of the server.
const (
	// DefaultMaxConcurrentStreams: calls in flight on one connection.
	DefaultMaxConcurrentStreams = 128
	// DefaultMaxRecvMsgSize: the largest request, 1 MiB; the largest
	// command (a plan action with its texts) is a few kilobytes.
	DefaultMaxRecvMsgSize = 1 << 20
)

// Validate reports every problem of c at once. Zero values that have a
// default are not problems.
func (c *Config) Validate() error {
	var errs []error
	if c.Verifier == nil {
		errs = append(errs, errors.New("missing Verifier: every call that is not public must be authenticated"))
	}
	if c.Addr != "" { // empty takes DefaultAddr
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			errs = append(errs, fmt.Errorf("bad Addr %q: %w", c.Addr, err))
		}
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("bad MetricsAddr %q: %w", c.MetricsAddr, err))
		}
	}
	if c.ClientCerts != ClientCertOff && (c.TLS == nil || c.ClientCAs == nil ||
		(c.ClientCerts != ClientCertOptional && c.ClientCerts != ClientCertRequired)) {
		errs = append(errs, fmt.Errorf("client certificates %q need TLS, ClientCAs, and the policy optional or required", c.ClientCerts))
	}
	if c.TLS != nil {
		if c.TLS.MinVersion != 0 && c.TLS.MinVersion < tls.VersionTLS12 {
			errs = append(errs, fmt.Errorf("bad TLS.MinVersion %s: want TLS 1.2 or later", tls.VersionName(c.TLS.MinVersion)))
		}
		if len(c.TLS.Certificates) == 0 && c.TLS.GetCertificate == nil && c.TLS.GetConfigForClient == nil {
			errs = append(errs, errors.New("no certificate in TLS"))
		}
	}
	for _, m := range c.PublicMethods {
		if err := checkMethodPattern(m); err != nil {
			errs = append(errs, fmt.Errorf("bad PublicMethods entry: %w", err))
		}
	}
	if c.ShutdownTimeout < 0 {
		errs = append(errs, fmt.Errorf("negative ShutdownTimeout %v", c.ShutdownTimeout))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("server config: %w", err)
	}
	return nil
}

// checkMethodPattern accepts "/pkg.Service/" and "/pkg.Service/Method".
func checkMethodPattern(m string) error {
	service, method, ok := strings.Cut(strings.TrimPrefix(m, "/"), "/")
	if !strings.HasPrefix(m, "/") || !ok || service == "" || strings.Contains(method, "/") {
		return fmt.Errorf("%q is neither a full method name (/pkg.Service/Method) nor a service prefix (/pkg.Service/)", m)
	}
	return nil
}

// publicMethods answers whether a full method name needs no token.
type publicMethods struct {
	exact    map[string]bool
	prefixes []string
}

func newPublicMethods(patterns []string) publicMethods {
	p := publicMethods{exact: make(map[string]bool)}
	for _, m := range append(append([]string(nil), alwaysPublic...), patterns...) {
		if strings.HasSuffix(m, "/") {
			p.prefixes = append(p.prefixes, m)
		} else {
			p.exact[m] = true
		}
	}
	return p
}

func (p publicMethods) contains(fullMethod string) bool {
	if p.exact[fullMethod] {
		return true
	}
	for _, prefix := range p.prefixes {
		if strings.HasPrefix(fullMethod, prefix) {
			return true
		}
	}
	return false
}
