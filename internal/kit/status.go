package kit

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
)

// AlreadyExistsRules are the rules whose refusal means "this already
// exists" (ALREADY_EXISTS), not "the file's state forbids it"
// (FAILED_PRECONDITION).
var AlreadyExistsRules = map[string]bool{
	"person.already_enrolled": true,
}

// Status is where every service's errors become gRPC statuses:
//
//	*derrors.InvalidError            INVALID_ARGUMENT, with field violations
//	*derrors.RuleError               FAILED_PRECONDITION (ALREADY_EXISTS for AlreadyExistsRules)
//	*derrors.DeniedError             PERMISSION_DENIED, with the rule in an ErrorInfo
//	derrors.ErrNotFound              NOT_FOUND
//	es.ErrConflict                   ABORTED (reload and retry)
//	derrors.ErrUnauthenticated       UNAUTHENTICATED
//	projection.ErrBehind             UNAVAILABLE (retry)
//	audit.ErrClosed                  UNAVAILABLE (the server is stopping)
//	es.ErrInvalidStream              INVALID_ARGUMENT on person_id
//	context errors                   CANCELLED, DEADLINE_EXCEEDED
//	anything else                    INTERNAL, its text kept for the log only
func Status(err error) error {
	var rule *derrors.RuleError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &rule) && AlreadyExistsRules[rule.Rule]:
		return status.Error(codes.AlreadyExists, rule.Reason)
	case errors.Is(err, projection.ErrBehind):
		return status.Error(codes.Unavailable, fmt.Sprintf("the view has not caught up yet; retry: %v", err))
	case errors.Is(err, audit.ErrClosed):
		return status.Error(codes.Unavailable, "the server is stopping; retry on another instance")
	case errors.Is(err, es.ErrInvalidStream):
		return derrors.ToStatus(derrors.Invalid("person_id", "is not a valid person id"))
	}
	return derrors.ToStatus(err)
}
