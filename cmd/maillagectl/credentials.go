package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
)

// mintedTTL is the lifetime of the tokens API commands sign for
// themselves: long enough for one command, short enough that nobody comes
// to rely on them.
const mintedTTL = 5 * time.Minute

// noTokenHelp is how to give an API command a principal.
const noTokenHelp = "set MAILLAGE_TOKEN (maillagectl token …) or pass --as-org and --as-role"

// addAsFlags adds the flags naming whom an API command acts for when it
// signs its own token (no --token, no MAILLAGE_TOKEN).
func addAsFlags(cmd *cobra.Command, g *globals) {
	roles := make([]string, 0, len(auth.Roles()))
	for _, r := range auth.Roles() {
		roles = append(roles, string(r))
	}
	f := cmd.Flags()
	f.StringVar(&g.as.Organisation, "as-org", "", "without a token: act for this organisation (FINESS or SIRET), with a 5-minute token signed by the key in --data")
	f.StringVar((*string)(&g.as.Role), "as-role", "", "without a token: act in this role ("+strings.Join(roles, ", ")+")")
	f.StringVar(&g.as.Subject, "as-subject", "", "without a token: act as this professional (default: your user name)")
	f.BoolVar(&g.as.HealthProfessional, "as-health-professional", false, "without a token: as a professionnel de santé")
}

// bearerToken returns the token API calls carry: --token, else
// MAILLAGE_TOKEN, else one signed here with maillaged's key in --data for
// --as-org and --as-role. A token and --as-… flags together are refused:
// one of them would be silently ignored, and the user misled about whom
// they act as.
func (g *globals) bearerToken() (string, error) {
	tok := g.token
	if tok == "" {
		tok = g.getenv("MAILLAGE_TOKEN")
	}
	acting := g.as != auth.Principal{}
	switch {
	case tok != "" && acting:
		return "", errors.New("--as-org, --as-role and --as-subject sign a token here: not with --token or MAILLAGE_TOKEN (unset it)")
	case tok != "":
		return tok, nil
	}
	return g.mintToken()
}

// mintToken signs a short-lived token for --as-…, when maillaged's signing
// key is at hand (the same machine, or a copy of its data directory).
func (g *globals) mintToken() (string, error) {
	key, err := auth.LoadSigningKey(g.dataDir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no bearer token: %s, with --data at maillaged's data directory (no signing key at %s)", noTokenHelp, auth.SigningKeyPath(g.dataDir))
	}
	if err != nil {
		return "", err
	}
	if g.as.Organisation == "" || g.as.Role == "" {
		return "", errors.New("no bearer token: " + noTokenHelp)
	}
	p := g.as
	if p.Subject == "" {
		p.Subject = defaultSubject()
	}
	issuer, err := auth.NewIssuer(auth.IssuerConfig{Key: key, TTL: mintedTTL, Now: g.now})
	if err != nil {
		return "", err
	}
	tok, err := issuer.Issue(p)
	if inv, ok := errors.AsType[*derrors.InvalidError](err); ok {
		return "", flagErrors(inv, "--as-")
	}
	return tok, err
}
