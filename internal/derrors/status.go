package derrors

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	"github.com/maillage/maillage/internal/es"
)

// internalMessage is all a caller learns of an error we did not classify:
// its text may hold stream names, file paths or another person's data.
const internalMessage = "internal error"

// ToStatus turns err into a gRPC status error by the table in the package
// comment. It returns nil for nil. A gRPC status error passes through as is.
// Callers that want the cause of an Internal status logged must log err
// themselves: ToStatus never copies the text of an unclassified error.
func ToStatus(err error) error {
	if err == nil {
		return nil
	}
	// A status built on purpose by the handler (or by grpc itself) wins
	// over anything it might wrap.
	if _, ok := err.(interface{ GRPCStatus() *status.Status }); ok {
		return err
	}
	if ie, ok := errors.AsType[*InvalidError](err); ok {
		br := &errdetails.BadRequest{FieldViolations: make([]*errdetails.BadRequest_FieldViolation, len(ie.Violations))}
		for i, v := range ie.Violations {
			br.FieldViolations[i] = &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Description}
		}
		return withDetails(codes.InvalidArgument, ie.Error(), br)
	}
	if re, ok := errors.AsType[*RuleError](err); ok {
		pf := &errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{
			Type:        re.Rule,
			Subject:     re.Subject,
			Description: re.Reason,
		}}}
		return withDetails(codes.FailedPrecondition, re.Reason, pf)
	}
	var de *DeniedError
	if errors.As(err, &de) {
		info := &errdetails.ErrorInfo{
			Reason:   strings.ToUpper(strings.ReplaceAll(de.Rule, ".", "_")),
			Domain:   "maillage",
			Metadata: map[string]string{"rule": de.Rule},
		}
		return withDetails(codes.PermissionDenied, de.Reason, info)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return status.Error(codes.NotFound, err.Error())
	case errors.Is(err, es.ErrStorageFull):
		return status.Error(codes.ResourceExhausted, "the event store has no room left: nothing of this request was written; retry once the operators have made room ("+err.Error()+")")
	case errors.Is(err, es.ErrConflict):
		return status.Error(codes.Aborted, "changed by another request since it was read, reload and retry: "+err.Error())
	case errors.Is(err, ErrPermission):
		return status.Error(codes.PermissionDenied, err.Error())
	case errors.Is(err, ErrUnauthenticated):
		return status.Error(codes.Unauthenticated, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, context.Canceled.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, context.DeadlineExceeded.Error())
	}
	// Already converted: kept as it is (its cause with it).
	var ie *internalError
	if errors.As(err, &ie) {
		return ie
	}
	// A status wrapped with context ("load person: rpc error: …") keeps its
	// code; status.FromError unwraps it.
	if st, ok := status.FromError(err); ok {
		return st.Err()
	}
	return &internalError{cause: err}
}

// internalError is INTERNAL "internal error" to the caller, and its cause
// to the server's log: Error gives the cause, GRPCStatus what is sent.
type internalError struct{ cause error }

func (e *internalError) Error() string { return internalMessage + ": " + e.cause.Error() }

// GRPCStatus is what the caller receives.
func (e *internalError) GRPCStatus() *status.Status {
	return status.New(codes.Internal, internalMessage)
}

func (e *internalError) Unwrap() error { return e.cause }

func withDetails(c codes.Code, msg string, detail protoadapt.MessageV1) error {
	st := status.New(c, msg)
	if withD, err := st.WithDetails(detail); err == nil {
		st = withD
	}
	return st.Err()
}
