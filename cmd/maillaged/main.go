// Command maillaged is the Maillage server: every service in one binary.
//
// Alone, it runs everything on an embedded NATS JetStream server whose data
// lives under --data; with --nats it joins an external NATS cluster, and
// --services picks the services this instance runs. Every flag has an
// environment variable (MAILLAGE_…) for containers and systemd units.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/natsembed"
)

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "maillaged:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, procCfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	cfg.Logger, err = newLogger(procCfg, stderr)
	if err != nil {
		return err
	}
	if err := tuneMemory(procCfg.memoryLimit, getenv); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	msg := []any{"grpc", a.Addr().String(), "data", cfg.DataDir}
	if a.CAFile() != "" {
		msg = append(msg, "tls_ca", a.CAFile())
	}
	if m := a.MetricsAddr(); m != nil {
		msg = append(msg, "metrics", "http://"+m.String()+"/metrics")
	}
	cfg.Logger.Info("maillaged started; get a token with: maillagectl token --org FINESS --role coordinateur", msg...)
	return a.Run(ctx)
}

type processConfig struct{ format, level, memoryLimit string }

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (app.Config, processConfig, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var cfg app.Config
	var lc processConfig
	var services, sync, replicas, maxToken string
	fs := flag.NewFlagSet("maillaged", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", env("MAILLAGE_DATA", "./data"), "data directory: event store, signing key, TLS, views and audit heads on disk (env MAILLAGE_DATA)")
	fs.StringVar(&cfg.Addr, "addr", env("MAILLAGE_ADDR", "127.0.0.1:7443"), "gRPC listen address (env MAILLAGE_ADDR)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", env("MAILLAGE_METRICS_ADDR", "127.0.0.1:9464"), `Prometheus /metrics address, or "off" (env MAILLAGE_METRICS_ADDR)`)
	fs.StringVar(&services, "services", env("MAILLAGE_SERVICES", strings.Join(app.AllServices, ",")), "services this instance runs (env MAILLAGE_SERVICES)")
	fs.StringVar(&cfg.NATSURL, "nats", env("MAILLAGE_NATS_URL", ""), "external NATS URL(s), comma-separated; empty runs the embedded server (env MAILLAGE_NATS_URL)")
	fs.StringVar(&cfg.NATSListen, "nats-listen", env("MAILLAGE_NATS_LISTEN", ""), "expose the embedded NATS on host:port; empty keeps it in-process (env MAILLAGE_NATS_LISTEN)")
	fs.StringVar(&cfg.NATSListenUser, "nats-listen-user", env("MAILLAGE_NATS_LISTEN_USER", "maillage"), "the account clients of --nats-listen use; its password is MAILLAGE_NATS_LISTEN_PASSWORD, else created once in <data>/keys/nats-listen-password (env MAILLAGE_NATS_LISTEN_USER)")
	fs.StringVar(&cfg.NATSListenCert, "nats-listen-tls-cert", env("MAILLAGE_NATS_LISTEN_TLS_CERT", ""), "serve --nats-listen over TLS with this certificate PEM; required beyond loopback (env MAILLAGE_NATS_LISTEN_TLS_CERT)")
	fs.StringVar(&cfg.NATSListenKey, "nats-listen-tls-key", env("MAILLAGE_NATS_LISTEN_TLS_KEY", ""), "its key PEM (env MAILLAGE_NATS_LISTEN_TLS_KEY)")
	fs.StringVar(&cfg.NATSUser, "nats-user", env("MAILLAGE_NATS_USER", ""), "user for --nats; the password is MAILLAGE_NATS_PASSWORD (env MAILLAGE_NATS_USER)")
	fs.StringVar(&cfg.NATSCreds, "nats-creds", env("MAILLAGE_NATS_CREDS", ""), "NATS .creds file (JWT and nkey) for --nats (env MAILLAGE_NATS_CREDS)")
	fs.StringVar(&cfg.NATSNkeySeed, "nats-nkey", env("MAILLAGE_NATS_NKEY", ""), "nkey seed file for --nats (env MAILLAGE_NATS_NKEY)")
	fs.StringVar(&cfg.NATSCA, "nats-ca", env("MAILLAGE_NATS_CA", ""), "CA PEM that signed the NATS servers' certificates (env MAILLAGE_NATS_CA)")
	fs.StringVar(&cfg.NATSCert, "nats-tls-cert", env("MAILLAGE_NATS_TLS_CERT", ""), "client certificate PEM, when the NATS servers verify clients (env MAILLAGE_NATS_TLS_CERT)")
	fs.StringVar(&cfg.NATSKey, "nats-tls-key", env("MAILLAGE_NATS_TLS_KEY", ""), "its key PEM (env MAILLAGE_NATS_TLS_KEY)")
	fs.StringVar(&sync, "sync", env("MAILLAGE_SYNC", "always"), `embedded store fsync: "always" (an acknowledged write survives a machine crash) or "interval" (survives a process crash; faster) (env MAILLAGE_SYNC)`)
	fs.StringVar(&replicas, "replicas", env("MAILLAGE_REPLICAS", "1"), "replicas of the events stream: 3 on a NATS cluster (env MAILLAGE_REPLICAS)")
	fs.StringVar(&cfg.TLS, "tls", env("MAILLAGE_TLS", app.TLSAuto), `"auto" (local CA under <data>/tls), "files" (--tls-cert, --tls-key) or "off" (loopback only) (env MAILLAGE_TLS)`)
	fs.StringVar(&cfg.TLSCert, "tls-cert", env("MAILLAGE_TLS_CERT", ""), "server certificate PEM, with --tls=files (env MAILLAGE_TLS_CERT)")
	fs.StringVar(&cfg.TLSKey, "tls-key", env("MAILLAGE_TLS_KEY", ""), "server key PEM, with --tls=files (env MAILLAGE_TLS_KEY)")
	fs.StringVar(&cfg.OIDCIssuer, "oidc-issuer", env("MAILLAGE_OIDC_ISSUER", ""), "trust the bearer tokens of this OpenID Connect issuer beside the local key (env MAILLAGE_OIDC_ISSUER)")
	fs.StringVar(&cfg.OIDCJWKSURL, "oidc-jwks-url", env("MAILLAGE_OIDC_JWKS_URL", ""), "the issuer's JWK Set; empty discovers it (env MAILLAGE_OIDC_JWKS_URL)")
	fs.StringVar(&cfg.OIDCAudience, "oidc-audience", env("MAILLAGE_OIDC_AUDIENCE", "maillage"), `the "aud" the issuer's tokens carry (env MAILLAGE_OIDC_AUDIENCE)`)
	fs.StringVar(&maxToken, "max-token-lifetime", env("MAILLAGE_MAX_TOKEN_LIFETIME", "12h"), "refuse tokens valid longer than this, whoever signed them (env MAILLAGE_MAX_TOKEN_LIFETIME)")
	fs.StringVar(&cfg.TLSClientCerts, "tls-client-certs", env("MAILLAGE_TLS_CLIENT_CERTS", ""), `ask ESSMS systems for client certificates naming their FINESS/SIRET (subject serialNumber, OU or O): "optional" or "required"; every token on the connection must act for that organisation (env MAILLAGE_TLS_CLIENT_CERTS)`)
	fs.StringVar(&cfg.TLSClientCA, "tls-client-ca", env("MAILLAGE_TLS_CLIENT_CA", ""), "PEM bundle of the CAs that sign client certificates (env MAILLAGE_TLS_CLIENT_CA)")
	fs.StringVar(&lc.format, "log-format", env("MAILLAGE_LOG_FORMAT", "text"), `"text" or "json" (env MAILLAGE_LOG_FORMAT)`)
	fs.StringVar(&lc.memoryLimit, "memory-limit", env("MAILLAGE_MEMORY_LIMIT", defaultMemoryLimit), "soft limit of the Go heap: the collector works harder near it; GOMEMLIMIT wins when set (env MAILLAGE_MEMORY_LIMIT)")
	fs.StringVar(&lc.level, "log-level", env("MAILLAGE_LOG_LEVEL", "info"), "debug, info, warn or error (env MAILLAGE_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return cfg, lc, err
	}
	if fs.NArg() > 0 {
		return cfg, lc, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cfg.Services = strings.Split(services, ",")
	// Secrets from the environment only: flags show in ps.
	cfg.NATSPassword = getenv("MAILLAGE_NATS_PASSWORD")
	cfg.NATSListenPassword = getenv("MAILLAGE_NATS_LISTEN_PASSWORD")
	cfg.Sync = natsembed.SyncPolicy(sync)
	n, err := strconv.Atoi(replicas)
	if err != nil {
		return cfg, lc, fmt.Errorf("--replicas=%q: %w", replicas, err)
	}
	cfg.Replicas = n
	if cfg.MaxTokenLifetime, err = time.ParseDuration(maxToken); err != nil || cfg.MaxTokenLifetime <= 0 {
		return cfg, lc, fmt.Errorf("--max-token-lifetime=%q: want a positive duration such as 12h", maxToken)
	}
	return cfg, lc, nil
}

func newLogger(lc processConfig, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(lc.level)); err != nil {
		return nil, fmt.Errorf("--log-level=%q: %w", lc.level, err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch lc.format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, errors.New(`--log-format: want "text" or "json"`)
}
