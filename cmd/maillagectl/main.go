// Command maillagectl is Maillage's command-line client: it issues
// development tokens from the local signing key and, as API subcommands are
// added, calls maillaged over gRPC.
//
// Global flags (and their environment variables):
//
//	--data      maillaged's data directory (MAILLAGE_DATA, default ./data)
//	--addr      maillaged's gRPC address (MAILLAGE_ADDR, default 127.0.0.1:7443)
//	--token     bearer token for API calls (MAILLAGE_TOKEN)
//	--tls-ca    PEM file of the CA that signed maillaged's certificate
//	            (default: the system's roots)
//	--insecure  plaintext gRPC, allowed to a loopback address only
//
// For example:
//
//	export MAILLAGE_TOKEN=$(maillagectl token --org 750000001 --role coordinateur)
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd(os.Getenv).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "maillagectl:", err)
		os.Exit(1)
	}
}
