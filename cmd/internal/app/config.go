package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/maillage/maillage/internal/natsembed"
	"github.com/maillage/maillage/internal/server"
	"github.com/maillage/maillage/services/notifications"
)

// TLS modes of maillaged.
const (
	TLSAuto  = "auto"  // a local CA and server certificate under <data>/tls, made at first start
	TLSFiles = "files" // TLSCert and TLSKey
	TLSOff   = "off"   // plaintext: loopback addresses only
)

// AllServices are the services maillaged runs by default: every one of
// the registry (registry.go).
var AllServices = func() []string {
	names := make([]string, len(registry))
	for i, r := range registry {
		names[i] = r.name
	}
	return names
}()

// Config is everything maillaged can be told.
type Config struct {
	DataDir     string // default ./data
	Addr        string // gRPC; default server.DefaultAddr (127.0.0.1:7443)
	MetricsAddr string // Prometheus /metrics; default 127.0.0.1:9464; "off" to disable
	Services    []string

	// NATSURL is an external NATS (cluster) to use; empty runs the embedded
	// server with its store under <data>/nats.
	NATSURL string
	// NATSListen exposes the embedded server on host:port (for a second
	// maillaged, or the nats CLI); empty keeps it in-process only.
	NATSListen string
	// NATSListenUser and NATSListenPassword are the account clients of
	// NATSListen use (default user "maillage"; an empty password is
	// created once under <data>/keys/nats-listen-password). NATSListenCert
	// and NATSListenKey serve it over TLS: required beyond loopback.
	NATSListenUser, NATSListenPassword string
	NATSListenCert, NATSListenKey      string
	// The credentials and TLS of the connection to an external NATS:
	// user and password, or a .creds file (NATS JWT), or an nkey seed
	// file; the CA that signed the servers' certificates, and a client
	// certificate when the servers verify clients. Beyond loopback,
	// credentials and TLS (a tls:// URL or NATSCA) are required.
	NATSUser, NATSPassword, NATSCreds, NATSNkeySeed string
	NATSCA, NATSCert, NATSKey                       string
	// Sync is the embedded server's fsync policy; default "always".
	Sync natsembed.SyncPolicy
	// Replicas of the events stream; 1 embedded, 3 on a cluster.
	Replicas int

	TLS     string // auto (default), files, off
	TLSCert string
	TLSKey  string
	// TLSClientCerts asks ESSMS systems for client certificates (mTLS)
	// naming their organisation: "" (off), "optional" or "required";
	// signed by the CAs of TLSClientCA.
	TLSClientCerts, TLSClientCA string

	// ViewWait bounds how long a query with min_position waits for the
	// view to catch up; default 2s.
	ViewWait time.Duration
	// ExpiryEvery is how often solicitations past their expiry are closed;
	// default 30s.
	ExpiryEvery time.Duration
	// VigilanceEvery is how often the vigilance looks for deadlines come
	// (events are checked as they come); default 1 minute.
	VigilanceEvery time.Duration
	// WebhookRetry is how webhooks are retried; default
	// notifications.DefaultRetry (5 s doubling to 6 h, for 3 days).
	WebhookRetry notifications.Retry

	// OIDCIssuer trusts the bearer tokens of an OpenID Connect provider
	// beside the local key: its "iss". OIDCJWKSURL is its JWK Set; empty,
	// it is discovered from <issuer>/.well-known/openid-configuration.
	// OIDCAudience is the "aud" its tokens must carry (default "maillage").
	OIDCIssuer, OIDCJWKSURL, OIDCAudience string
	// MaxTokenLifetime refuses tokens valid longer (exp - iat), whoever
	// signed them; default 12h.
	MaxTokenLifetime time.Duration

	Logger *slog.Logger
	Now    func() time.Time
}

// SetDefaults fills what was left empty.
func (c *Config) SetDefaults() {
	if c.DataDir == "" {
		c.DataDir = "./data"
	}
	if c.Addr == "" {
		c.Addr = server.DefaultAddr
	}
	if c.MetricsAddr == "" {
		c.MetricsAddr = "127.0.0.1:9464"
	}
	if c.MetricsAddr == "off" {
		c.MetricsAddr = ""
	}
	if len(c.Services) == 0 {
		c.Services = AllServices
	}
	if c.Sync == "" {
		c.Sync = natsembed.SyncAlways
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.TLS == "" {
		c.TLS = TLSAuto
	}
	if c.ViewWait == 0 {
		c.ViewWait = 2 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Validate gathers every problem of c (after SetDefaults).
func (c Config) Validate() error {
	var errs []error
	for _, s := range c.Services {
		if !slices.Contains(AllServices, s) {
			errs = append(errs, fmt.Errorf("unknown service %q (known: %s)", s, strings.Join(AllServices, ", ")))
		}
	}
	switch c.TLS {
	case TLSAuto, TLSOff:
	case TLSFiles:
		if c.TLSCert == "" || c.TLSKey == "" {
			errs = append(errs, errors.New("--tls=files needs --tls-cert and --tls-key"))
		}
	default:
		errs = append(errs, fmt.Errorf("--tls=%q: want auto, files or off", c.TLS))
	}
	if c.TLSClientCerts != "" && (c.TLS == TLSOff || c.TLSClientCA == "" || (c.TLSClientCerts != "optional" && c.TLSClientCerts != "required")) {
		errs = append(errs, fmt.Errorf("--tls-client-certs=%q: want optional or required, with TLS and --tls-client-ca", c.TLSClientCerts))
	}
	if c.TLS == TLSOff && !isLoopback(c.Addr) {
		errs = append(errs, fmt.Errorf("--tls=off on %s: plaintext (bearer tokens in clear) is allowed on loopback only", c.Addr))
	}
	if c.Sync != natsembed.SyncAlways && c.Sync != natsembed.SyncInterval {
		errs = append(errs, fmt.Errorf("--sync=%q: want always or interval", c.Sync))
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		errs = append(errs, fmt.Errorf("--replicas=%d: want 1 to 5", c.Replicas))
	}
	if c.NATSURL == "" && c.Replicas != 1 {
		errs = append(errs, errors.New("--replicas above 1 needs a NATS cluster (--nats)"))
	}
	errs = append(errs, c.validateNATS()...)
	return errors.Join(errs...)
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c Config) natsDir() string        { return filepath.Join(c.DataDir, "nats") }
func (c Config) projectionsDir() string { return filepath.Join(c.DataDir, "projections") }
