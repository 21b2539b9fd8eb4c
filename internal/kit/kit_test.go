package kit_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	"github.com/maillage/maillage/internal/projection"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newKit(t *testing.T) *kit.Kit {
	k, err := kit.New(kit.Config{Secret: []byte("a-secret-of-the-deployment")})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var claire = auth.Principal{Subject: "claire", Organisation: "750000001", Role: auth.RoleCoordinateur}

func TestCommandOptionsScopeAndFingerprint(t *testing.T) {
	k := newKit(t)
	ctx := auth.WithPrincipal(context.Background(), claire)
	req := &parcoursv1.SetCoordinationLevelRequest{RequestId: "r1", PersonId: "01JD0000000000000000000001", ExpectedVersion: proto.Uint64(7), Level: 1}
	opts, err := k.CommandOptions(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Metadata.RequestID != "750000001:r1" || opts.Expected == nil || *opts.Expected != 7 ||
		opts.Caller.Subject != "claire" || opts.Metadata.Actor != "claire" || opts.Metadata.RequestHash == "" {
		t.Fatalf("options = %+v", opts)
	}
	same, _ := k.CommandOptions(ctx, proto.CloneOf(req))
	other := proto.CloneOf(req)
	other.Level = 2
	changed, _ := k.CommandOptions(ctx, other)
	if same.Metadata.RequestHash != opts.Metadata.RequestHash || changed.Metadata.RequestHash == opts.Metadata.RequestHash {
		t.Errorf("fingerprints: same body %q/%q, another body %q", opts.Metadata.RequestHash, same.Metadata.RequestHash, changed.Metadata.RequestHash)
	}
	elsewhere, _ := k.CommandOptions(auth.WithPrincipal(context.Background(), auth.Principal{Subject: "x", Organisation: "750000009", Role: auth.RoleCoordinateur}), req)
	if elsewhere.Metadata.RequestID == opts.Metadata.RequestID {
		t.Errorf("two organisations share the request id %q", elsewhere.Metadata.RequestID)
	}
	if _, err := k.CommandOptions(context.Background(), req); !errors.Is(err, derrors.ErrUnauthenticated) {
		t.Errorf("no principal: %v", err)
	}
	if c := kit.CommandOf(&parcoursv1.SetCoordinationLevelRequest{RequestId: "r"}); c.Expected != nil {
		t.Errorf("expected_version unset read as %v", *c.Expected)
	}
}

func TestPersonIDsAreKeyedBySecret(t *testing.T) {
	a := newKit(t).PersonIDFor("750000001", "r1")
	if again := newKit(t).PersonIDFor("750000001", "r1"); again != a {
		t.Errorf("the same enrolment gave %s then %s", a, again)
	}
	other, _ := kit.New(kit.Config{Secret: []byte("another-deployment-secret")})
	for name, id := range map[string]string{
		"another organisation": newKit(t).PersonIDFor("750000009", "r1"),
		"another request":      newKit(t).PersonIDFor("750000001", "r2"),
		"another secret":       other.PersonIDFor("750000001", "r1"),
	} {
		if id == a {
			t.Errorf("%s gave the same id %s", name, id)
		}
	}
	if len(a) != 26 {
		t.Errorf("person id %q is not a ULID", a)
	}
	if _, err := kit.New(kit.Config{Secret: []byte("short")}); err == nil {
		t.Error("a short secret was accepted")
	}
}

func TestStatusTable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code codes.Code
	}{
		{derrors.Invalid("x", "bad"), codes.InvalidArgument},
		{derrors.Rejected("person.already_enrolled", "p", "already"), codes.AlreadyExists},
		{derrors.Rejected("person.discharged", "p", "closed"), codes.FailedPrecondition},
		{derrors.Denied("access.not_in_coordination", "no"), codes.PermissionDenied},
		{fmt.Errorf("person x: %w", derrors.ErrNotFound), codes.NotFound},
		{&es.ConflictError{Stream: "s", Expected: es.Exactly(1), Actual: 2}, codes.Aborted},
		{derrors.ErrUnauthenticated, codes.Unauthenticated},
		{fmt.Errorf("wait: %w", projection.ErrBehind), codes.Unavailable},
		{fmt.Errorf("load: %w", es.ErrInvalidStream), codes.InvalidArgument},
		{context.Canceled, codes.Canceled},
		{errors.New("disk says no at /var/lib/secret"), codes.Internal},
	} {
		st := status.Convert(kit.Status(tc.err))
		if st.Code() != tc.code {
			t.Errorf("%v: %s, want %s", tc.err, st.Code(), tc.code)
		}
		if tc.code == codes.Internal && st.Message() != "internal error" {
			t.Errorf("an internal error leaks %q", st.Message())
		}
		if tc.code == codes.PermissionDenied {
			var info *errdetails.ErrorInfo
			for _, d := range st.Details() {
				if i, ok := d.(*errdetails.ErrorInfo); ok {
					info = i
				}
			}
			if info.GetReason() != "ACCESS_NOT_IN_COORDINATION" || info.GetMetadata()["rule"] != "access.not_in_coordination" {
				t.Errorf("PERMISSION_DENIED details = %v", st.Details())
			}
		}
	}
}
