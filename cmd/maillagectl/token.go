package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
)

func newTokenCmd(g *globals) *cobra.Command {
	var (
		p   auth.Principal
		ttl time.Duration
	)
	roles := make([]string, 0, len(auth.Roles()))
	for _, r := range auth.Roles() {
		roles = append(roles, string(r))
	}
	cmd := &cobra.Command{
		Use:   "token --org FINESS|SIRET --role ROLE",
		Short: "Print a development bearer token signed with maillaged's local key",
		Long: `Print a bearer token for a professional, signed with the local key of
maillaged's data directory (--data). maillaged creates that key at its
first start; this command only reads it. The token goes to stdout, alone:

  export MAILLAGE_TOKEN=$(maillagectl token --org 750000001 --role coordinateur)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if ttl <= 0 {
				return fmt.Errorf("--ttl %v: want a positive duration", ttl)
			}
			if p.Subject == "" {
				p.Subject = defaultSubject()
			}
			key, err := auth.LoadSigningKey(g.dataDir)
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("no signing key at %s: start maillaged once: it creates the key (or point --data or MAILLAGE_DATA at its data directory)", auth.SigningKeyPath(g.dataDir))
			}
			if err != nil {
				return err
			}
			issuer, err := auth.NewIssuer(auth.IssuerConfig{Key: key, TTL: ttl, Now: g.now})
			if err != nil {
				return err
			}
			tok, err := issuer.Issue(p)
			if inv, ok := errors.AsType[*derrors.InvalidError](err); ok {
				return flagErrors(inv, "--")
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), tok)
			fmt.Fprintf(cmd.ErrOrStderr(), "token for %s (%s, %s), valid until %s\n",
				p.Subject, p.Organisation, p.Role, g.now().Add(ttl).Format(time.RFC3339))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&p.Organisation, "org", "", "FINESS (9 digits) or SIRET (14 digits) of the professional's organisation")
	f.StringVar((*string)(&p.Role), "role", "", "role: "+strings.Join(roles, ", "))
	f.StringVar(&p.Subject, "subject", "", "professional's stable identifier (default: your user name)")
	f.StringVar(&p.Name, "name", "", "professional's display name")
	f.BoolVar(&p.HealthProfessional, "health-professional", false, "attest a professionnel de santé: santé is shown by mission (else only under consent)")
	f.DurationVar(&ttl, "ttl", auth.DefaultTTL, "token lifetime")
	for _, name := range []string{"org", "role"} {
		if err := cmd.MarkFlagRequired(name); err != nil {
			panic(err) // a flag defined just above
		}
	}
	return cmd
}

// flagErrors names the flags behind a principal's violations: prefix "--"
// for token's --subject, --org, --role; "--as-" for the API commands'.
func flagErrors(inv *derrors.InvalidError, prefix string) error {
	flag := map[string]string{"sub": "subject", "org": "org", "role": "role"}
	errs := make([]error, len(inv.Violations))
	for i, v := range inv.Violations {
		name := v.Field
		if f, ok := flag[v.Field]; ok {
			name = prefix + f
		}
		errs[i] = fmt.Errorf("%s: %s", name, v.Description)
	}
	return errors.Join(errs...)
}

func defaultSubject() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "maillagectl"
}
