package kit

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
)

// The reads of every service: no answer from a model that has not caught
// up with the store at start, and read-your-writes by position.

// Ready refuses a read, UNAVAILABLE with a retry delay, while the runner's
// projection has not caught up with the store at start: what exists is
// never answered NOT_FOUND, nor partly, because the model is still
// loading. what names the model in the message ("the views").
func Ready(r *projection.Runner, what string) error {
	select {
	case <-r.Ready():
		return nil
	default:
	}
	st := status.New(codes.Unavailable, fmt.Sprintf("%s are catching up with the event store at start (at %s): retry in a moment", what, r.Position()))
	if d, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Second)}); err == nil {
		st = d
	}
	return st.Err()
}

// WaitForPosition waits, within wait, until the runner's projection
// includes the position token a command returned (read your writes); ""
// waits for nothing. The error is a gRPC status: INVALID_ARGUMENT for a
// token no command returned, UNAVAILABLE (retry) when the model lags.
func WaitForPosition(ctx context.Context, r *projection.Runner, token string, wait time.Duration) error {
	if token == "" {
		return nil
	}
	pos, err := es.ParsePosition(token)
	if err != nil {
		return derrors.ToStatus(derrors.Invalid("min_position", "%q is not a position returned by a command", token))
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := r.WaitFor(wctx, pos); err != nil {
		return Status(err)
	}
	return nil
}

// WaitForStored waits, within wait, until the runner's projection includes
// every event stored when the read began: a decision made on the model
// then sees what is stored now, whichever instance wrote it.
func WaitForStored(ctx context.Context, r *projection.Runner, wait time.Duration) error {
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := r.WaitForStored(wctx); err != nil {
		return Status(err)
	}
	return nil
}
