package parcours_test

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/natsembed"
)

// embeddedStore is the real event store on an embedded JetStream server in
// a temporary directory, for tests that run commands through the service.
func embeddedStore(t *testing.T) es.Store {
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
	return s
}
