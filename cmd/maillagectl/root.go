package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/maillage/maillage/internal/server"
)

// globals holds the global flags, resolved against the environment; every
// subcommand receives it.
type globals struct {
	dataDir  string
	addr     string
	token    string
	tlsCA    string
	insecure bool

	getenv func(string) string
	now    func() time.Time
}

// subcommands builds every subcommand. To add one (enroll, view…), write
// newXxxCmd(g *globals) *cobra.Command in its own file, call g.dial(ctx)
// for a connection, and list it here.
var subcommands = []func(*globals) *cobra.Command{
	newTokenCmd,
}

// newRootCmd returns maillagectl's root command; getenv reads the
// environment (os.Getenv, or a map in tests).
func newRootCmd(getenv func(string) string) *cobra.Command {
	g := &globals{getenv: getenv, now: time.Now}
	root := &cobra.Command{
		Use:           "maillagectl",
		Short:         "Command-line client of Maillage",
		SilenceErrors: true, // main prints them once
		SilenceUsage:  true,
	}
	f := root.PersistentFlags()
	f.StringVar(&g.dataDir, "data", envOr(getenv, "MAILLAGE_DATA", "./data"), "maillaged's data directory (env MAILLAGE_DATA)")
	f.StringVar(&g.addr, "addr", envOr(getenv, "MAILLAGE_ADDR", server.DefaultAddr), "maillaged's gRPC address (env MAILLAGE_ADDR)")
	// No default shown: help output must not print a token.
	f.StringVar(&g.token, "token", "", "bearer token for API calls (env MAILLAGE_TOKEN)")
	f.StringVar(&g.tlsCA, "tls-ca", "", "PEM file of the CA that signed maillaged's certificate (default: system roots; with maillaged --tls-auto: <data>/tls/ca.pem)")
	f.BoolVar(&g.insecure, "insecure", false, "plaintext gRPC, to a loopback address only")
	for _, newCmd := range subcommands {
		root.AddCommand(newCmd(g))
	}
	return root
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// bearerToken returns --token, or MAILLAGE_TOKEN.
func (g *globals) bearerToken() string {
	if g.token != "" {
		return g.token
	}
	return g.getenv("MAILLAGE_TOKEN")
}
