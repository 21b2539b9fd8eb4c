package app_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/cmd/internal/app"
	mserver "github.com/maillage/maillage/internal/server"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// The embedded server, when it listens, takes only its users, over TLS
// when given; maillaged refuses to listen beyond loopback without TLS.
func TestEmbeddedNATSListenerNeedsCredentials(t *testing.T) {
	dir := t.TempDir()
	certDir := t.TempDir()
	cert, key, ca, err := mserver.EnsureDevCertificate(certDir)
	mustNil(t, err)
	listen := freeAddr(t)
	m := startConfig(t, app.Config{DataDir: dir, Sync: "interval", NATSListen: listen, NATSListenCert: cert, NATSListenKey: key})
	waitServing(t, m.client(t, coordinatrice), parcoursv1.ParcoursService_ServiceDesc.ServiceName)
	pw, err := os.ReadFile(filepath.Join(dir, "keys", "nats-listen-password"))
	mustNil(t, err)
	password := strings.TrimSpace(string(pw))

	for name, opts := range map[string][]nats.Option{
		"no credentials":  {nats.RootCAs(ca)},
		"wrong password":  {nats.RootCAs(ca), nats.UserInfo("maillage", "not-the-password-at-all")},
		"plaintext, good": {nats.UserInfo("maillage", password)},
	} {
		url := "tls://" + listen
		if name == "plaintext, good" {
			url = "nats://" + listen
		}
		if nc, err := nats.Connect(url, append(opts, nats.Timeout(2*time.Second), nats.MaxReconnects(0))...); err == nil {
			nc.Close()
			t.Errorf("%s: connected", name)
		}
	}
	nc, err := nats.Connect("tls://"+listen, nats.RootCAs(ca), nats.UserInfo("maillage", password))
	mustNil(t, err)
	defer nc.Close()

	// A second maillaged on the first one's store, as a scale-out replica.
	replica := startConfig(t, app.Config{DataDir: t.TempDir(), Sync: "interval", NATSURL: "tls://" + listen, NATSCA: ca,
		NATSUser: "maillage", NATSPassword: password, Services: []string{"parcours", "audit", "access"}})
	waitServing(t, replica.client(t, coordinatrice), parcoursv1.ParcoursService_ServiceDesc.ServiceName)

	for _, bad := range []app.Config{
		{DataDir: t.TempDir(), NATSListen: "0.0.0.0:0"},
		{DataDir: t.TempDir(), NATSURL: "nats://10.1.2.3:4222"},
		{DataDir: t.TempDir(), NATSURL: "tls://10.1.2.3:4222"},
	} {
		bad.SetDefaults()
		if err := bad.Validate(); err == nil {
			t.Errorf("config %+v accepted", bad)
		}
	}
}

// A message that is no event, in a person's stream, is logged and skipped:
// maillaged starts and serves, every restart.
func TestMalformedMessageIsSkippedNotACrashLoop(t *testing.T) {
	f := openSharedFile(t)
	dir := f.m.dir
	// Written under the store by someone with access to NATS.
	_, err := f.m.app.NATS().Request("events.parcours."+f.person, []byte("garbage, no headers"), 5*time.Second)
	mustNil(t, err)
	_, err = f.m.app.NATS().Request("events.parcours.01JD0000000000000000000099", []byte("more garbage"), 5*time.Second)
	mustNil(t, err)
	mustNil(t, f.m.stop())
	for range 2 {
		f.m = start(t, dir, time.Now)
		waitServing(t, f.m.client(t, coordinatrice), parcoursv1.ParcoursService_ServiceDesc.ServiceName)
		v, err := f.view(t, coordinatrice)
		mustNil(t, err)
		if v.GetPersonId() != f.person {
			t.Fatalf("view after restart = %v", v)
		}
		mustNil(t, f.m.stop())
	}
}
