package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/internal/natsembed"
	mserver "github.com/maillage/maillage/internal/server"
)

// The transport of the event store: who may connect to the embedded
// server when it listens, and how maillaged connects to an external one.

// validateNATS says what is unsafe or incomplete in the NATS settings.
func (c Config) validateNATS() []error {
	var errs []error
	if c.NATSListen != "" {
		if c.NATSURL != "" {
			errs = append(errs, errors.New("--nats-listen exposes the embedded server: not with --nats"))
		}
		if (c.NATSListenCert == "") != (c.NATSListenKey == "") {
			errs = append(errs, errors.New("--nats-listen-tls-cert and --nats-listen-tls-key go together"))
		}
		if !isLoopback(c.NATSListen) && c.NATSListenCert == "" {
			errs = append(errs, fmt.Errorf("--nats-listen=%s beyond loopback needs TLS (--nats-listen-tls-cert, --nats-listen-tls-key): the events would travel in clear", c.NATSListen))
		}
	}
	if c.NATSURL == "" {
		return errs
	}
	for _, raw := range strings.Split(c.NATSURL, ",") {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || u.Host == "" {
			errs = append(errs, fmt.Errorf("--nats: %q is not a NATS URL (nats://host:4222, tls://host:4222)", raw))
			continue
		}
		if isLoopback(u.Host) || (u.Port() == "" && isLoopback(u.Host+":0")) {
			continue
		}
		creds := c.NATSUser != "" || c.NATSCreds != "" || c.NATSNkeySeed != "" || u.User != nil
		if !creds {
			errs = append(errs, fmt.Errorf("--nats %s beyond loopback needs credentials (--nats-user and MAILLAGE_NATS_PASSWORD, --nats-creds or --nats-nkey)", u.Host))
		}
		if u.Scheme != "tls" && c.NATSCA == "" {
			errs = append(errs, fmt.Errorf("--nats %s beyond loopback needs TLS (a tls:// URL or --nats-ca)", u.Host))
		}
	}
	if (c.NATSCert == "") != (c.NATSKey == "") {
		errs = append(errs, errors.New("--nats-tls-cert and --nats-tls-key go together"))
	}
	return errs
}

// externalNATSOptions are the connection options for --nats.
func (c Config) externalNATSOptions() ([]nats.Option, error) {
	var opts []nats.Option
	switch {
	case c.NATSCreds != "":
		opts = append(opts, nats.UserCredentials(c.NATSCreds))
	case c.NATSNkeySeed != "":
		o, err := nats.NkeyOptionFromSeed(c.NATSNkeySeed)
		if err != nil {
			return nil, fmt.Errorf("--nats-nkey: %w", err)
		}
		opts = append(opts, o)
	case c.NATSUser != "":
		opts = append(opts, nats.UserInfo(c.NATSUser, c.NATSPassword))
	}
	if c.NATSCA != "" {
		opts = append(opts, nats.RootCAs(c.NATSCA))
	}
	if c.NATSCert != "" {
		opts = append(opts, nats.ClientCert(c.NATSCert, c.NATSKey))
	}
	return opts, nil
}

// embeddedNATS configures the embedded server: in-process only, or
// listening with users and, when given, TLS; and the in-process
// connection's own account.
func (a *App) embeddedNATS() (natsembed.Config, []nats.Option, error) {
	ncfg := natsembed.Config{StoreDir: a.cfg.natsDir(), Sync: a.cfg.Sync, NoListen: a.cfg.NATSListen == ""}
	if ncfg.NoListen {
		return ncfg, nil, nil
	}
	host, port, err := splitHostPort(a.cfg.NATSListen)
	if err != nil {
		return ncfg, nil, fmt.Errorf("--nats-listen: %w", err)
	}
	ncfg.Host, ncfg.Port = host, port
	internal := randomSecret()
	password := a.cfg.NATSListenPassword
	if password == "" {
		if password, err = loadOrCreateSecret(filepath.Join(a.cfg.DataDir, "keys", "nats-listen-password")); err != nil {
			return ncfg, nil, fmt.Errorf("--nats-listen password: %w", err)
		}
	}
	user := a.cfg.NATSListenUser
	if user == "" {
		user = "maillage"
	}
	ncfg.Users = []natsembed.User{{Name: "maillaged-internal", Password: internal}, {Name: user, Password: password}}
	if a.cfg.NATSListenCert != "" {
		if ncfg.TLS, err = mserver.LoadTLS(a.cfg.NATSListenCert, a.cfg.NATSListenKey); err != nil {
			return ncfg, nil, fmt.Errorf("--nats-listen TLS: %w", err)
		}
	}
	a.log.Info("embedded NATS listening", "addr", net.JoinHostPort(host, fmt.Sprint(port)), "user", user, "tls", ncfg.TLS != nil)
	return ncfg, []nats.Option{nats.UserInfo("maillaged-internal", internal)}, nil
}

func randomSecret() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

// loadOrCreateSecret reads the secret at path, or writes a new one there
// (mode 0600) at first use.
func loadOrCreateSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	s := randomSecret()
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", err
	}
	return s, nil
}
