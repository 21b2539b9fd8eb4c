package natsjs_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/estest"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/natsembed"
)

func TestConformanceEmbedded(t *testing.T) {
	ns, err := natsembed.Start(natsembed.Config{StoreDir: t.TempDir(), Sync: natsembed.SyncInterval})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	store := openStore(t, ns.ClientURL(), 1)
	estest.Run(t, estest.Harness{New: func(*testing.T) es.Store { return store }})
}

func TestConformanceCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("three-node cluster: not in -short")
	}
	c, err := natsembed.StartCluster(t.TempDir(), 3, natsembed.SyncInterval)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Shutdown)
	store := openStore(t, c.URLs(), 3)
	estest.Run(t, estest.Harness{
		New: func(*testing.T) es.Store { return store },
		Disrupt: func(t *testing.T) {
			// Lose the node that leads the events stream: the hardest case.
			i := streamLeader(t, c, "EVENTS")
			t.Logf("shutting down n%d, leader of EVENTS", i+1)
			c.Stop(i)
		},
	})
}

func openStore(t *testing.T, url string, replicas int) *natsjs.Store {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := natsjs.Open(ctx, natsjs.Config{Conn: nc, Replicas: replicas, RequestTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func streamLeader(t *testing.T, c *natsembed.Cluster, stream string) int {
	t.Helper()
	for i, s := range c.Servers {
		if s == nil || !s.Running() {
			continue
		}
		if leads(s, stream) {
			return i
		}
	}
	t.Fatalf("no running server leads stream %s", stream)
	return -1
}

func leads(s *server.Server, stream string) bool {
	acc, err := s.LookupAccount(server.DEFAULT_GLOBAL_ACCOUNT)
	if err != nil {
		return false
	}
	return s.JetStreamIsStreamLeader(acc.Name, stream)
}
