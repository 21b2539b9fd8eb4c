// Package derrors holds the domain errors every service returns, and the one
// table that turns them into gRPC statuses (see status.go). Deciders and
// validators return these values; gRPC handlers end in ToStatus, so an
// integrator always sees the same code for the same kind of problem:
//
//	*InvalidError     InvalidArgument, with errdetails.BadRequest field violations
//	*RuleError        FailedPrecondition, with errdetails.PreconditionFailure
//	ErrNotFound       NotFound
//	es.ErrConflict    Aborted (someone else changed the file first: reload, retry)
//	ErrPermission     PermissionDenied
//	ErrUnauthenticated Unauthenticated
//	anything else     Internal, with a generic message (the cause is logged, never sent)
package derrors

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels; wrap them with %w and context.
var (
	ErrInvalid         = errors.New("invalid argument")
	ErrRejected        = errors.New("rejected by a rule")
	ErrNotFound        = errors.New("not found")
	ErrPermission      = errors.New("permission denied")
	ErrUnauthenticated = errors.New("unauthenticated")
)

// FieldViolation names one bad field of a request, by its proto field path
// (transition.planned_date), and says what is wrong with it and why.
type FieldViolation struct {
	Field       string
	Description string
}

// InvalidError is a request with one or more bad fields.
type InvalidError struct {
	Violations []FieldViolation
}

// Invalid returns an *InvalidError for one field.
func Invalid(field, format string, args ...any) *InvalidError {
	return &InvalidError{Violations: []FieldViolation{{Field: field, Description: fmt.Sprintf(format, args...)}}}
}

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Description
	}
	return "invalid argument: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) hold.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Add appends a violation and returns e, to gather every problem at once.
func (e *InvalidError) Add(field, format string, args ...any) *InvalidError {
	e.Violations = append(e.Violations, FieldViolation{Field: field, Description: fmt.Sprintf(format, args...)})
	return e
}

// OrNil returns e when it holds a violation, nil otherwise (as an error, so
// that a nil *InvalidError never becomes a non-nil error).
func (e *InvalidError) OrNil() error {
	if e == nil || len(e.Violations) == 0 {
		return nil
	}
	return e
}

// RuleError is a command refused by a domain rule: the request is well
// formed but the person's file does not allow it now (a completed transition
// completed again, a plan validated with no objective, …).
type RuleError struct {
	Rule    string // a stable name integrators can match: "transition.already_completed"
	Subject string // what the rule is about: "transition/01J…"
	Reason  string // in words, with the values that explain it
}

// Rejected returns a *RuleError.
func Rejected(rule, subject, format string, args ...any) *RuleError {
	return &RuleError{Rule: rule, Subject: subject, Reason: fmt.Sprintf(format, args...)}
}

func (e *RuleError) Error() string { return e.Reason }

// Is makes errors.Is(err, ErrRejected) hold.
func (e *RuleError) Is(target error) bool { return target == ErrRejected }

// DeniedError says that the caller may not do what they asked, by which
// rule (e.g. "access.not_in_coordination"). It is errors.Is ErrPermission
// and becomes PERMISSION_DENIED with an ErrorInfo naming the rule.
type DeniedError struct {
	Rule   string
	Reason string
}

// Denied returns a *DeniedError.
func Denied(rule, format string, args ...any) *DeniedError {
	return &DeniedError{Rule: rule, Reason: fmt.Sprintf(format, args...)}
}

func (e *DeniedError) Error() string { return e.Reason }

// Is makes errors.Is(err, ErrPermission) hold.
func (e *DeniedError) Is(target error) bool { return target == ErrPermission }
