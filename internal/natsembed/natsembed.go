// Package natsembed starts the NATS server with JetStream inside the
// maillaged process: the default deployment, where nothing is installed
// first. It also starts in-process clusters, for tests that must see
// replication and the loss of a node.
package natsembed

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// SyncPolicy is when JetStream fsyncs what it acknowledged.
type SyncPolicy string

const (
	// SyncAlways fsyncs every write before acknowledging it: an acknowledged
	// append survives a machine crash. Costs throughput (see README).
	SyncAlways SyncPolicy = "always"
	// SyncInterval lets the OS write back and fsyncs every SyncEvery: an
	// acknowledged append survives a kill -9 of maillaged (the data reached
	// the OS) but not a power loss within the interval.
	SyncInterval SyncPolicy = "interval"
)

// Config describes one embedded server.
type Config struct {
	StoreDir   string        // JetStream file storage; required
	Host       string        // client listener host; default 127.0.0.1
	Port       int           // client port; 0 picks a free one (-1 in nats terms)
	ServerName string        // default "maillage"
	Sync       SyncPolicy    // default SyncAlways
	SyncEvery  time.Duration // with SyncInterval; default 1s
	NoListen   bool          // in-process connections only (no TCP port)

	// Users may connect with these passwords; none: no authentication,
	// which is refused on a listener beyond loopback. The in-process
	// connection of maillaged is one of them.
	Users []User
	// TLS serves the client listener over TLS; required beyond loopback.
	TLS *tls.Config

	// Cluster, when ClusterName is set.
	ClusterName string
	ClusterHost string // default 127.0.0.1
	ClusterPort int    // 0 picks a free one
	Routes      []string

	StartTimeout time.Duration // default 10s
}

func (c *Config) setDefaults() {
	if c.Host == "" {
		c.Host = "127.0.0.1"
	}
	if c.ServerName == "" {
		c.ServerName = "maillage"
	}
	if c.Sync == "" {
		c.Sync = SyncAlways
	}
	if c.SyncEvery == 0 {
		c.SyncEvery = time.Second
	}
	if c.ClusterHost == "" {
		c.ClusterHost = "127.0.0.1"
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = 10 * time.Second
	}
}

// User is an account of the embedded server.
type User struct {
	Name, Password string
}

// Validate gathers every problem of c.
func (c Config) Validate() error {
	var errs []error
	if !c.NoListen && !isLoopback(c.Host) && (len(c.Users) == 0 || c.TLS == nil) {
		errs = append(errs, fmt.Errorf("natsembed: a listener on %s, beyond loopback, needs users and TLS: the event store would be readable and writable by anyone who reaches it", c.Host))
	}
	for _, u := range c.Users {
		if u.Name == "" || len(u.Password) < 16 {
			errs = append(errs, fmt.Errorf("natsembed: user %q needs a name and a password of at least 16 characters", u.Name))
		}
	}
	if c.StoreDir == "" {
		errs = append(errs, errors.New("natsembed: StoreDir is required"))
	}
	if c.Sync != "" && c.Sync != SyncAlways && c.Sync != SyncInterval {
		errs = append(errs, fmt.Errorf("natsembed: sync policy %q is neither %q nor %q", c.Sync, SyncAlways, SyncInterval))
	}
	if len(c.Routes) > 0 && c.ClusterName == "" {
		errs = append(errs, errors.New("natsembed: Routes need a ClusterName"))
	}
	return errors.Join(errs...)
}

// Start runs a server and waits until it accepts connections.
func Start(cfg Config) (*server.Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opts := &server.Options{
		ServerName:         cfg.ServerName,
		Host:               cfg.Host,
		Port:               freePort(cfg.Port),
		DontListen:         cfg.NoListen,
		JetStream:          true,
		StoreDir:           filepath.Clean(cfg.StoreDir),
		NoSigs:             true,
		NoLog:              true,
		MaxPayload:         4 << 20,
		JetStreamMaxMemory: 256 << 20,
	}
	for _, u := range cfg.Users {
		opts.Users = append(opts.Users, &server.User{Username: u.Name, Password: u.Password})
	}
	if cfg.TLS != nil {
		opts.TLSConfig = cfg.TLS
		opts.TLS = true
		opts.TLSTimeout = 2
	}
	if cfg.Sync == SyncAlways {
		opts.SyncAlways = true
	} else {
		opts.SyncInterval = cfg.SyncEvery
	}
	if cfg.ClusterName != "" {
		opts.Cluster.Name = cfg.ClusterName
		opts.Cluster.Host = cfg.ClusterHost
		opts.Cluster.Port = freePort(cfg.ClusterPort)
		for _, r := range cfg.Routes {
			u, err := url.Parse(r)
			if err != nil {
				return nil, fmt.Errorf("natsembed: route %q: %w", r, err)
			}
			opts.Routes = append(opts.Routes, u)
		}
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natsembed: new server: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(cfg.StartTimeout) {
		s.Shutdown()
		return nil, fmt.Errorf("natsembed: server %s not ready after %s", cfg.ServerName, cfg.StartTimeout)
	}
	return s, nil
}

// isLoopback reports whether host names only this machine.
func isLoopback(host string) bool {
	if host == "" || host == "localhost" { // "" takes the default, 127.0.0.1
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func freePort(p int) int {
	if p == 0 {
		return server.RANDOM_PORT
	}
	return p
}
