package main

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func TestRPCError(t *testing.T) {
	t.Parallel()
	with := func(c codes.Code, msg string, d protoadapt.MessageV1) error {
		st, err := status.New(c, msg).WithDetails(d)
		if err != nil {
			t.Fatal(err)
		}
		return st.Err()
	}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"plain status", status.Error(codes.NotFound, "no person 01K is followed"), "NotFound: no person 01K is followed"},
		{
			"field violations repeated by the message",
			with(codes.InvalidArgument, "invalid argument: birth_date: bad\nday; domicile.commune_insee: too short", &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "birth_date", Description: "bad\nday"}, {Field: "domicile.commune_insee", Description: "too short"},
			}}),
			"InvalidArgument: birth_date: bad day; domicile.commune_insee: too short",
		},
		{
			"precondition failure and a message of its own",
			with(codes.FailedPrecondition, "refused", &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{
				{Type: "transition.unknown", Subject: "transition/01K", Description: "no such transition"},
			}}),
			"FailedPrecondition: refused: transition.unknown (transition/01K): no such transition",
		},
		{"not a status", errors.New("boom"), "boom"},
	} {
		if got := rpcError(tt.err).Error(); got != tt.want {
			t.Errorf("%s: rpcError = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPrintJSONIsStable(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	if err := printJSON(&b, &parcoursv1.EnrollPersonResponse{Position: "1", Version: 1, PersonId: "2G9V41N327HXKSW0KED4SV0R2J"}); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"position\": \"1\",\n  \"version\": \"1\",\n  \"person_id\": \"2G9V41N327HXKSW0KED4SV0R2J\"\n}\n"
	if b.String() != want {
		t.Errorf("printJSON = %q, want %q", b.String(), want)
	}
}
