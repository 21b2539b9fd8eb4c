// Package natsjstest gives tests a real event store: the JetStream backend
// on an embedded NATS server in a temporary directory, torn down with the
// test. No fake: the store tests run against is the one maillaged runs.
package natsjstest

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/natsembed"
)

// NewStore starts an embedded server (fsync by interval: tests do not
// measure durability) and opens the store on it.
func NewStore(t testing.TB) *natsjs.Store {
	t.Helper()
	s, _ := NewStoreConn(t)
	return s
}

// NewStoreConn is NewStore, with the client connection to the server for
// tests that write under the store (a message no Maillage wrote).
func NewStoreConn(t testing.TB) (*natsjs.Store, *nats.Conn) {
	t.Helper()
	ns, err := natsembed.Start(natsembed.Config{StoreDir: t.TempDir(), Sync: natsembed.SyncInterval, NoListen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	nc, err := nats.Connect("", nats.InProcessServer(ns))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	s, err := natsjs.Open(context.Background(), natsjs.Config{Conn: nc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, nc
}
