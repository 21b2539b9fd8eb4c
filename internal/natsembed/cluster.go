package natsembed

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Cluster is a JetStream cluster of in-process servers on loopback ports.
// It exists for tests: replication, leader loss and rejoin, on one machine.
type Cluster struct {
	Servers []*server.Server
	configs []Config
}

// StartCluster starts n servers under dir, routed to each other, and waits
// until JetStream has a meta leader.
func StartCluster(dir string, n int, sync SyncPolicy) (*Cluster, error) {
	ports, err := freeTCPPorts(2 * n)
	if err != nil {
		return nil, err
	}
	var routes []string
	for i := range n {
		routes = append(routes, "nats://127.0.0.1:"+strconv.Itoa(ports[n+i]))
	}
	c := &Cluster{}
	for i := range n {
		c.configs = append(c.configs, Config{
			StoreDir:    filepath.Join(dir, fmt.Sprintf("n%d", i+1)),
			Port:        ports[i],
			ServerName:  fmt.Sprintf("n%d", i+1),
			Sync:        sync,
			ClusterName: "maillage-test",
			ClusterPort: ports[n+i],
			Routes:      routes,
		})
	}
	// Servers wait for their routes, so start them all before waiting.
	errs := make(chan error, n)
	c.Servers = make([]*server.Server, n)
	for i := range n {
		go func() {
			s, err := Start(c.configs[i])
			c.Servers[i] = s
			errs <- err
		}()
	}
	var all []error
	for range n {
		all = append(all, <-errs)
	}
	if err := errors.Join(all...); err != nil {
		c.Shutdown()
		return nil, err
	}
	if err := c.WaitForMetaLeader(15 * time.Second); err != nil {
		c.Shutdown()
		return nil, err
	}
	return c, nil
}

// URLs returns the client URLs of the running servers, comma-separated.
func (c *Cluster) URLs() string {
	var urls []string
	for _, s := range c.Servers {
		if s != nil && s.Running() {
			urls = append(urls, s.ClientURL())
		}
	}
	return strings.Join(urls, ",")
}

// WaitForMetaLeader waits until some running server sees a JetStream meta leader.
func (c *Cluster) WaitForMetaLeader(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		for _, s := range c.Servers {
			if s != nil && s.Running() && s.JetStreamIsLeader() {
				return nil
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("natsembed: no JetStream meta leader after %s", timeout)
}

// Stop shuts server i down, as a lost node.
func (c *Cluster) Stop(i int) {
	if s := c.Servers[i]; s != nil {
		s.Shutdown()
		s.WaitForShutdown()
	}
}

// Restart starts server i again on its store and ports.
func (c *Cluster) Restart(i int) error {
	s, err := Start(c.configs[i])
	if err != nil {
		return err
	}
	c.Servers[i] = s
	return nil
}

// Shutdown stops every server.
func (c *Cluster) Shutdown() {
	for i := range c.Servers {
		c.Stop(i)
	}
}

func freeTCPPorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("natsembed: free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
