package app_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/auth"
	accessv1 "github.com/maillage/maillage/proto/maillage/access/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// eventually retries call until it answers want, within a few seconds:
// the access register is a projection, a few milliseconds behind.
func eventually(t *testing.T, what string, want codes.Code, call func() error) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := call()
		if status.Code(err) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want %s", what, err, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Forged, expired, over-long and revoked tokens are UNAUTHENTICATED on
// every service; a restored professional needs a new token.
func TestTokensThatAreRefused(t *testing.T) {
	f := openSharedFile(t)
	view := func(token string) error {
		_, err := parcoursv1.NewParcoursServiceClient(f.m.dial(t, token)).GetCoordinatedView(ctxT(t), &parcoursv1.GetCoordinatedViewRequest{PersonId: f.person})
		return err
	}
	if err := view(f.m.token(t, homeHelp, auth.IssuerConfig{})); err != nil {
		t.Fatalf("a good token: %v", err)
	}
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	forger, _ := auth.NewIssuer(auth.IssuerConfig{Key: otherKey})
	forged, _ := forger.Issue(homeHelp)
	for name, token := range map[string]string{
		"forged":    forged,
		"expired":   f.m.token(t, homeHelp, auth.IssuerConfig{TTL: time.Hour, Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}),
		"over-long": f.m.token(t, homeHelp, auth.IssuerConfig{TTL: 13 * time.Hour}),
		"garbage":   "not-a-jwt",
	} {
		if err := view(token); status.Code(err) != codes.Unauthenticated {
			t.Errorf("%s token: %v, want Unauthenticated", name, err)
		}
	}

	// A professional revokes their own token (a lost phone).
	lost := f.m.token(t, homeHelp, auth.IssuerConfig{})
	other := f.m.token(t, homeHelp, auth.IssuerConfig{})
	me, err := accessv1.NewAccessServiceClient(f.m.dial(t, lost)).WhoAmI(ctxT(t), &accessv1.WhoAmIRequest{})
	mustNil(t, err)
	if me.GetSubject() != homeHelp.Subject || me.GetTokenId() == "" {
		t.Fatalf("WhoAmI = %v", me)
	}
	_, err = accessv1.NewAccessServiceClient(f.m.dial(t, lost)).RevokeToken(ctxT(t), &accessv1.RevokeTokenRequest{RequestId: "lost", Reason: "téléphone perdu"})
	mustNil(t, err)
	eventually(t, "the revoked token", codes.Unauthenticated, func() error { return view(lost) })
	if err := view(other); err != nil {
		t.Fatalf("another token of the same professional: %v", err)
	}

	// The organisation's administrateur revokes the professional.
	admin := accessv1.NewAccessServiceClient(f.m.client(t, auth.Principal{Subject: "admin-saad", Organisation: saadOrg, Role: auth.RoleAdministrateur}))
	_, err = admin.RevokeProfessional(ctxT(t), &accessv1.RevokeProfessionalRequest{RequestId: "leave", Subject: homeHelp.Subject, Reason: "départ de la structure"})
	mustNil(t, err)
	eventually(t, "a token of the revoked professional", codes.Unauthenticated, func() error { return view(other) })
	// Not an administrateur, or another organisation's: refused.
	_, err = accessv1.NewAccessServiceClient(f.m.client(t, coordinatrice)).RevokeProfessional(ctxT(t), &accessv1.RevokeProfessionalRequest{RequestId: "x", Subject: "marc", Reason: "x"})
	wantCode(t, err, codes.PermissionDenied)

	_, err = admin.RestoreProfessional(ctxT(t), &accessv1.RestoreProfessionalRequest{RequestId: "back", Subject: homeHelp.Subject})
	mustNil(t, err)
	fresh := func() string {
		return f.m.token(t, homeHelp, auth.IssuerConfig{Now: func() time.Time { return time.Now().Add(2 * time.Second) }})
	}
	eventually(t, "a token issued after the restoration", codes.OK, func() error { return view(fresh()) })
	if err := view(other); status.Code(err) != codes.Unauthenticated {
		t.Errorf("a token issued before the restoration: %v, want Unauthenticated", err)
	}
}

// A plateforme de services sees a file only through a member's
// delegation, exactly as that member does, and the audit names the member.
func TestPlatformSeesThroughDelegationOnly(t *testing.T) {
	f := openSharedFile(t)
	platform := auth.Principal{Subject: "pf-1", Organisation: "750000010", Role: auth.RoleProfessionnel}
	view := func() (*parcoursv1.CoordinatedView, error) { return f.view(t, platform) }
	_, err := view()
	wantCode(t, err, codes.PermissionDenied)

	saadAdmin := accessv1.NewAccessServiceClient(f.m.client(t, auth.Principal{Subject: "admin-saad", Organisation: saadOrg, Role: auth.RoleAdministrateur}))
	_, err = saadAdmin.GrantDelegation(ctxT(t), &accessv1.GrantDelegationRequest{RequestId: "pf", PlatformOrganisationId: platform.Organisation, Reason: "convention de plateforme"})
	mustNil(t, err)
	eventually(t, "the platform's view", codes.OK, func() error { _, err := view(); return err })
	v, err := view()
	mustNil(t, err)
	mine, err := f.view(t, homeHelp)
	mustNil(t, err)
	if len(v.GetDisclosedCategories()) != len(mine.GetDisclosedCategories()) || len(v.GetNeeds()) != 0 || v.GetPlan() == nil {
		t.Errorf("the platform sees %v, the member %v", v.GetDisclosedCategories(), mine.GetDisclosedCategories())
	}
	delegated := false
	for _, r := range f.trail(t) {
		if a := r.GetDisclosed().GetActor(); a.GetOrganisationId() == platform.Organisation && a.GetDelegatedByOrganisationId() == saadOrg {
			delegated = true
		}
	}
	if !delegated {
		t.Error("the audit does not name the delegating member")
	}
	_, err = saadAdmin.RevokeDelegation(ctxT(t), &accessv1.RevokeDelegationRequest{RequestId: "pf-end", PlatformOrganisationId: platform.Organisation, Reason: "fin de convention"})
	mustNil(t, err)
	eventually(t, "the platform after the delegation ended", codes.PermissionDenied, func() error { _, err := view(); return err })
}
