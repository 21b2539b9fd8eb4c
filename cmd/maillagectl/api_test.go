package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/natsembed"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// startMaillaged runs a real maillaged in-process, as `maillaged --data
// DIR` would (TLS auto, signing key in DIR), on a free loopback port, and
// returns once ParcoursService is SERVING.
func startMaillaged(t *testing.T) (dataDir, addr string) {
	t.Helper()
	dataDir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, app.Config{
		DataDir: dataDir, Addr: "127.0.0.1:0", MetricsAddr: "off", Sync: natsembed.SyncInterval,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("maillaged Run = %v", err)
		}
	})
	waitServing(t, a.Addr().String(), a.CAFile(), parcoursv1.ParcoursService_ServiceDesc.ServiceName)
	return dataDir, a.Addr().String()
}

// waitServing watches grpc health until service is SERVING (its views have
// caught up), with a client of its own rather than the code under test.
func waitServing(t *testing.T, addr, caFile, service string) {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool})))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := healthpb.NewHealthClient(cc).Watch(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		t.Fatal(err)
	}
	for {
		resp, err := w.Recv()
		if err != nil {
			t.Fatalf("%s never SERVING: %v", service, err)
		}
		if resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return
		}
	}
}

// result is one maillagectl run.
type result struct {
	stdout, stderr string
	code           int
}

// ctl runs maillagectl in-process with env as its environment.
func ctl(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := execute(t.Context(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return result{stdout.String(), stderr.String(), code}
}

// ok runs maillagectl, wants success, and decodes its stdout into resp.
func ok[M proto.Message](t *testing.T, env map[string]string, resp M, args ...string) M {
	t.Helper()
	r := ctl(t, env, args...)
	if r.code != 0 {
		t.Fatalf("maillagectl %s: exit %d, stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	if err := protojson.Unmarshal([]byte(r.stdout), resp); err != nil {
		t.Fatalf("maillagectl %s: stdout is not a %T: %v\n%s", strings.Join(args, " "), resp, err, r.stdout)
	}
	return resp
}

// A newcomer's session against a real maillaged: every API command, with a
// token signed from the data directory, reading their own writes, the past,
// a mistake, and a retry.
func TestAPICommands(t *testing.T) {
	dir, addr := startMaillaged(t)
	env := map[string]string{"MAILLAGE_DATA": dir, "MAILLAGE_ADDR": addr} // no --tls-ca: <data>/tls/ca.pem
	as := []string{"--as-org", "750000001", "--as-role", "coordinateur", "--as-subject", "prof-42"}
	enroll := []string{"enroll", "--birth-date", "2008-03-14", "--commune", "69123", "--lat", "45.76", "--lon", "4.83",
		"--public", "disability", "--protection", "none", "--origin", "MDPH du Rhône"}

	// A token signed here, from the key in --data, for --as-….
	r := ctl(t, env, append(enroll, as...)...)
	if r.code != 0 {
		t.Fatalf("enroll: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	enrolled := &parcoursv1.EnrollPersonResponse{}
	if err := protojson.Unmarshal([]byte(r.stdout), enrolled); err != nil || len(enrolled.GetPersonId()) != 26 || enrolled.GetVersion() != 1 {
		t.Fatalf("enroll printed %q (%v), want a person_id and version 1", r.stdout, err)
	}
	if !strings.Contains(r.stdout, `"person_id"`) {
		t.Errorf("enroll printed %q, want proto field names", r.stdout)
	}
	requestID, _, _ := strings.Cut(strings.TrimPrefix(r.stderr, "request id "), " ")
	if len(requestID) != 26 {
		t.Fatalf("enroll stderr = %q, want the generated request id", r.stderr)
	}
	person := enrolled.GetPersonId()

	// From here on, the token `maillagectl token` prints, as the README says.
	tok := ctl(t, env, "token", "--org", "750000001", "--role", "coordinateur", "--subject", "prof-42")
	if tok.code != 0 {
		t.Fatalf("token: %s", tok.stderr)
	}
	env["MAILLAGE_TOKEN"] = strings.TrimSpace(tok.stdout)

	// A retry with the same request id (same organisation) answers as the first call.
	again := ok(t, env, &parcoursv1.EnrollPersonResponse{}, append(enroll, "--request-id", requestID)...)
	if !proto.Equal(again, enrolled) {
		t.Errorf("retried enroll = %v, want %v", again, enrolled)
	}

	assigned := ok(t, env, &parcoursv1.AssignCoordinatorResponse{}, "assign-coordinator", person,
		"--professional", "prof-42", "--org", "750000001", "--name", "Claire Martin", "--expected-version", "1")
	if assigned.GetVersion() != 2 {
		t.Errorf("assign-coordinator = %v, want version 2", assigned)
	}
	beforeTransition := time.Now()

	planned := time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
	tr := ok(t, env, &parcoursv1.AnticipateTransitionResponse{}, "anticipate-transition", person, "--kind", "passage-adulte",
		"--from", "IME Les Tilleuls", "--to", "FAM Les Cèdres", "--date", planned, "--expected-version", "2")
	if tr.GetTransitionId() == "" || tr.GetVersion() != 3 {
		t.Fatalf("anticipate-transition = %v, want a transition_id and version 3", tr)
	}

	// Yesterday: never after today in Europe/Paris, whatever the zone here.
	found := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	rupture := ok(t, env, &parcoursv1.ReportRuptureResponse{}, "report-rupture", person, "--kind", "transition-unsecured",
		"--description", "Pas de place confirmée au FAM", "--detected-on", found, "--transition", tr.GetTransitionId())
	if rupture.GetRuptureId() == "" || rupture.GetVersion() != 4 {
		t.Fatalf("report-rupture = %v, want a rupture_id and version 4", rupture)
	}

	view := ok(t, env, &parcoursv1.GetCoordinatedViewResponse{}, "view", person, "--min-position", rupture.GetPosition()).GetView()
	if view.GetVersion() != 4 || view.GetEnrolled().GetDomicile().GetCommuneInsee() != "69123" ||
		view.GetCoordinator().GetDisplayName() != "Claire Martin" ||
		len(view.GetTransitions()) != 1 || view.GetTransitions()[0].GetPlannedDate() != planned ||
		len(view.GetRuptures()) != 1 || view.GetRuptures()[0].GetTransitionId() != tr.GetTransitionId() ||
		len(view.GetTimeline()) != 4 {
		t.Errorf("view --min-position %s = %v, want all four commands", rupture.GetPosition(), view)
	}

	past := ok(t, env, &parcoursv1.GetCoordinatedViewResponse{}, "view", person, "--as-of", beforeTransition.Format(time.RFC3339Nano)).GetView()
	if past.GetVersion() != 2 || past.GetCoordinator() == nil || len(past.GetTransitions()) != 0 || len(past.GetRuptures()) != 0 {
		t.Errorf("view --as-of before the transition = %v, want the coordinator and no transition", past)
	}

	refusals(t, env, person)
}

// refusals: what a user sees for mistakes, from maillaged or from the
// command line itself. Nothing on stdout, exit 1, one line on stderr.
func refusals(t *testing.T, env map[string]string, person string) {
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"bad date", []string{"enroll", "--birth-date", "14/03/2008", "--commune", "691", "--public", "other", "--protection", "tutelle"},
			[]string{"enroll: InvalidArgument: ", "birth_date: ", "domicile.commune_insee: "}},
		{"unknown transition", []string{"report-rupture", person, "--kind", "other", "--description", "x",
			"--detected-on", time.Now().AddDate(0, 0, -1).Format(time.DateOnly), "--transition", "01JD0000000000000000000000"},
			[]string{"report-rupture: FailedPrecondition: "}},
		{"stale version", []string{"assign-coordinator", person, "--professional", "p", "--org", "750000001", "--name", "X", "--expected-version", "1"},
			[]string{"assign-coordinator: Aborted: "}},
		{"unknown word", []string{"anticipate-transition", person, "--kind", "demenagement", "--from", "a", "--to", "b", "--date", "2099-01-01"},
			[]string{`"demenagement" is not one of: entree-etablissement, retour-domicile,`}},
		{"bad --as-of", []string{"view", person, "--as-of", "yesterday"}, []string{"--as-of \"yesterday\": want an RFC 3339 instant"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := ctl(t, env, tt.args...)
			if r.code == 0 || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want a failure and nothing on stdout", r.code, r.stdout)
			}
			last := r.stderr[strings.LastIndex(strings.TrimSuffix(r.stderr, "\n"), "\n")+1:]
			for _, w := range tt.want {
				if !strings.HasPrefix(last, "maillagectl: ") || !strings.Contains(last, w) {
					t.Errorf("stderr = %q, want a last line \"maillagectl: …%s…\"", r.stderr, w)
				}
			}
		})
	}
	// Without a token and without --as-…, the way out is spelled out.
	noToken := map[string]string{"MAILLAGE_DATA": env["MAILLAGE_DATA"], "MAILLAGE_ADDR": env["MAILLAGE_ADDR"]}
	if r := ctl(t, noToken, "view", person); r.code == 0 || !strings.Contains(r.stderr, "set MAILLAGE_TOKEN (maillagectl token …) or pass --as-org and --as-role") {
		t.Errorf("view without a token: exit %d, stderr %q", r.code, r.stderr)
	}
}
