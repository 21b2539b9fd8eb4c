package derrors_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
)

func TestToStatus(t *testing.T) {
	t.Parallel()
	handlerStatus := status.Error(codes.ResourceExhausted, "slow down")
	tests := []struct {
		name        string
		err         error
		wantCode    codes.Code
		wantMessage string
		wantDetails []proto.Message
	}{
		{
			name:        "invalid, several fields",
			err:         fmt.Errorf("enroll: %w", derrors.Invalid("person.birth_date", "%s is in the future", "2031-01-01").Add("person.name", "empty")),
			wantCode:    codes.InvalidArgument,
			wantMessage: "invalid argument: person.birth_date: 2031-01-01 is in the future; person.name: empty",
			wantDetails: []proto.Message{&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "person.birth_date", Description: "2031-01-01 is in the future"},
				{Field: "person.name", Description: "empty"},
			}}},
		},
		{
			name:        "rule",
			err:         fmt.Errorf("complete: %w", derrors.Rejected("transition.already_completed", "transition/01J", "transition 01J was completed on %s", "2026-11-02")),
			wantCode:    codes.FailedPrecondition,
			wantMessage: "transition 01J was completed on 2026-11-02",
			wantDetails: []proto.Message{&errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{
				Type:        "transition.already_completed",
				Subject:     "transition/01J",
				Description: "transition 01J was completed on 2026-11-02",
			}}}},
		},
		{
			name:        "not found",
			err:         fmt.Errorf("person 01J: %w", derrors.ErrNotFound),
			wantCode:    codes.NotFound,
			wantMessage: "person 01J: not found",
		},
		{
			name:        "conflict",
			err:         fmt.Errorf("append person-01J: %w", es.ErrConflict),
			wantCode:    codes.Aborted,
			wantMessage: "changed by another request since it was read, reload and retry: append person-01J: " + es.ErrConflict.Error(),
		},
		{
			name:        "permission",
			err:         fmt.Errorf("organisation 750000001 does not take part in 01J's coordination: %w", derrors.ErrPermission),
			wantCode:    codes.PermissionDenied,
			wantMessage: "organisation 750000001 does not take part in 01J's coordination: permission denied",
		},
		{
			name:        "unauthenticated",
			err:         fmt.Errorf("%w: token expired", derrors.ErrUnauthenticated),
			wantCode:    codes.Unauthenticated,
			wantMessage: "unauthenticated: token expired",
		},
		{
			name:        "canceled",
			err:         fmt.Errorf("read person-01J: %w", context.Canceled),
			wantCode:    codes.Canceled,
			wantMessage: "context canceled",
		},
		{
			name:        "deadline",
			err:         fmt.Errorf("read person-01J: %w", context.DeadlineExceeded),
			wantCode:    codes.DeadlineExceeded,
			wantMessage: "context deadline exceeded",
		},
		{
			name:        "status passes through",
			err:         handlerStatus,
			wantCode:    codes.ResourceExhausted,
			wantMessage: "slow down",
		},
		{
			name:        "wrapped status keeps its code",
			err:         fmt.Errorf("call partners: %w", handlerStatus),
			wantCode:    codes.ResourceExhausted,
			wantMessage: "call partners: rpc error: code = ResourceExhausted desc = slow down",
		},
		{
			name:        "anything else hides its text",
			err:         errors.New("open /var/lib/maillage/secret: permission denied"),
			wantCode:    codes.Internal,
			wantMessage: "internal error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := derrors.ToStatus(tt.err)
			st, ok := status.FromError(got)
			if !ok {
				t.Fatalf("ToStatus(%v) = %v, not a status", tt.err, got)
			}
			if st.Code() != tt.wantCode || st.Message() != tt.wantMessage {
				t.Errorf("ToStatus(%v) = %v %q, want %v %q", tt.err, st.Code(), st.Message(), tt.wantCode, tt.wantMessage)
			}
			var gotDetails []proto.Message
			for _, d := range st.Details() {
				m, ok := d.(proto.Message)
				if !ok {
					t.Fatalf("detail %v is not a proto message", d)
				}
				gotDetails = append(gotDetails, m)
			}
			if diff := cmp.Diff(tt.wantDetails, gotDetails, protocmp.Transform()); diff != "" {
				t.Errorf("ToStatus(%v) details (-want +got):\n%s", tt.err, diff)
			}
		})
	}
}

func TestToStatusNil(t *testing.T) {
	t.Parallel()
	if got := derrors.ToStatus(nil); got != nil {
		t.Errorf("ToStatus(nil) = %v, want nil", got)
	}
}

func TestToStatusSameStatusValue(t *testing.T) {
	t.Parallel()
	in := status.Error(codes.Unavailable, "try later")
	if got := derrors.ToStatus(in); got != in {
		t.Errorf("ToStatus(%v) = %v, want the same error value", in, got)
	}
}
