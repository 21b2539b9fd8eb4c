package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/natsembed"
)

// demoOptions: how big a territory, how far the clock goes.
type demoOptions struct {
	people int
	days   int
	step   int
	finess string
	data   string
	seed   uint64
}

func newDemoCmd(*globals) *cobra.Command {
	o := demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo [--people N] [--days N] [--step N] [--finess FILE] [--data DIR]",
		Short: "Run a synthetic territory on a maillaged of its own, move its clock, and watch risks raised, told and resolved",
		Long: `Starts a maillaged of its own (embedded NATS, a data directory of its own,
a clock the demo moves), imports the sample FINESS extract as the
territory's partners, enrols a few hundred people around Rennes with
transitions coming, MDPH rights ending, some with nobody coordinating,
then moves the clock day by day: the vigilance raises risks as their
thresholds come, the coordination's notifications arrive on its
subscription, and when the foyers and services solicited accept, the
risks are resolved. Nothing else is touched; the data is removed at the
end unless --data names where to keep it.`,
		Example: "  go run ./cmd/maillagectl demo --people 300",
		Args:    cobra.NoArgs,
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if o.people < 1 || o.people > 5000 || o.days < 1 || o.step < 1 {
			return errors.New("--people 1 to 5000, --days and --step at least 1")
		}
		return runDemo(cmd.Context(), cmd.OutOrStdout(), o)
	}
	f := cmd.Flags()
	f.IntVar(&o.people, "people", 300, "people followed on the territory")
	f.IntVar(&o.days, "days", 120, "how many days the clock moves")
	f.IntVar(&o.step, "step", 10, "days per step")
	f.StringVar(&o.finess, "finess", "services/partners/finess/testdata/etalab-cs1100507-stock-sample.csv", "the FINESS extract of the territory's partners")
	f.StringVar(&o.data, "data", "", "keep the demo's data in this directory (default: a temporary one, removed)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the synthetic territory")
	return cmd
}

// demoClock is the demo server's clock, moved by the demo.
type demoClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *demoClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *demoClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// demoServer is the demo's own maillaged.
type demoServer struct {
	app    *app.App
	clock  *demoClock
	issuer *auth.Issuer
	roots  *x509.CertPool
	stop   func() error
}

func startDemoServer(ctx context.Context, dir string) (*demoServer, error) {
	clk := &demoClock{t: time.Now().UTC().Truncate(time.Second)}
	ctx, cancel := context.WithCancel(ctx)
	a, err := app.New(ctx, app.Config{DataDir: dir, Addr: "127.0.0.1:0", MetricsAddr: "off", Now: clk.Now, Sync: natsembed.SyncInterval,
		VigilanceEvery: 50 * time.Millisecond, ExpiryEvery: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		cancel()
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	s := &demoServer{app: a, clock: clk, stop: func() error { cancel(); return <-done }}
	key, err := auth.LoadSigningKey(dir)
	if err == nil {
		s.issuer, err = auth.NewIssuer(auth.IssuerConfig{Key: key, TTL: time.Hour, Now: clk.Now})
	}
	if err == nil {
		s.roots, err = loadCA(a.CAFile())
	}
	if err != nil {
		return nil, errors.Join(err, s.stop())
	}
	return s, nil
}

func loadCA(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificate in %s", file)
	}
	return roots, nil
}

// as connects as p, with a token signed on the demo's clock at each call.
func (s *demoServer) as(p auth.Principal) (*grpc.ClientConn, error) {
	return grpc.NewClient(s.app.Addr().String(), grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: s.roots})),
		grpc.WithPerRPCCredentials(freshToken{issuer: s.issuer, p: p}))
}

// freshToken signs a token for each call: the clock moves days at a time.
type freshToken struct {
	issuer *auth.Issuer
	p      auth.Principal
}

func (f freshToken) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	tok, err := f.issuer.Issue(f.p)
	if err != nil {
		return nil, err
	}
	return map[string]string{"authorization": "Bearer " + tok}, nil
}

func (freshToken) RequireTransportSecurity() bool { return true }

// waitServing waits until every service answers SERVING.
func (s *demoServer) waitServing(ctx context.Context, conn *grpc.ClientConn) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		res, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		if err == nil && res.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the demo's maillaged is not serving: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func runDemo(ctx context.Context, out io.Writer, o demoOptions) error {
	dir := o.data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "maillage-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	started := time.Now()
	srv, err := startDemoServer(ctx, dir)
	if err != nil {
		return err
	}
	defer srv.stop()
	t, err := newDemoTerritory(ctx, srv, o)
	if err != nil {
		return err
	}
	defer t.close()
	story := &demoStory{t: t, out: out}
	if err := story.tell(ctx, o); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d personnes, %d partenaires, %d jours en %s. Données : %s%s\n", o.people, t.partnerCount, o.days,
		time.Since(started).Round(100*time.Millisecond), dir, map[bool]string{true: " (gardées)", false: " (effacées)"}[o.data != ""])
	return nil
}
