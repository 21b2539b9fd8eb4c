// Command maillagectl is Maillage's command-line client: it issues
// development tokens from the local signing key and calls maillaged's
// ParcoursService over gRPC.
//
// Global flags (and their environment variables):
//
//	--data      maillaged's data directory (MAILLAGE_DATA, default ./data)
//	--addr      maillaged's gRPC address (MAILLAGE_ADDR, default 127.0.0.1:7443)
//	--token     bearer token for API calls (MAILLAGE_TOKEN)
//	--tls-ca    PEM file of the CA that signed maillaged's certificate
//	            (default: <data>/tls/ca.pem when it exists, else the
//	            system's roots)
//	--insecure  plaintext gRPC, for maillaged --tls=off, to loopback only
//
// API commands (enroll, assign-coordinator, anticipate-transition,
// report-rupture, view) print the response as JSON on stdout. Without a
// token they sign a 5-minute one with the key in --data, for --as-org and
// --as-role. For example:
//
//	export MAILLAGE_TOKEN=$(maillagectl token --org 750000001 --role coordinateur)
//	maillagectl enroll --birth-date 2008-03-14 --commune 69123 --public disability --protection none
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// execute runs maillagectl and returns its exit status; errors go to
// stderr as one "maillagectl: …" line. Tests call it in-process.
func execute(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := newRootCmd(getenv)
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "maillagectl:", err)
		return 1
	}
	return 0
}
