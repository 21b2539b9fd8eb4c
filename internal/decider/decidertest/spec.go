// Package decidertest runs decider tests as given events / when command /
// then events or error:
//
//	spec := decidertest.New(parcours.Person, decidertest.At(now))
//	spec.Given(enrolled).When(assign).Then(t, &eventsv1.CoordinatorAssigned{…})
//	spec.Given(enrolled, discharged).When(assign).ThenRefused(t, "person.discharged")
package decidertest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
)

// Spec is a decider under test with a fixed context.
type Spec[S any, C any] struct {
	d   decider.Decider[S, C]
	ctx decider.Context
}

// Option tunes a Spec.
type Option func(*decider.Context)

// At fixes the deciding clock.
func At(t time.Time) Option { return func(c *decider.Context) { c.Now = t } }

// As fixes who acts, and the caller the access rules see.
func As(actor, organisation string) Option {
	return func(c *decider.Context) {
		c.Actor, c.Organisation = actor, organisation
		c.Caller.Subject, c.Caller.Organisation = actor, organisation
	}
}

// Caller fixes the caller the access rules see (role, health
// professional, delegations), and who acts.
func Caller(caller access.Caller) Option {
	return func(c *decider.Context) {
		c.Caller = caller
		c.Actor, c.Organisation = caller.Subject, caller.Organisation
	}
}

// IDs makes NewID return ids in order ("id-1", "id-2"… when none is given).
func IDs(ids ...string) Option {
	return func(c *decider.Context) {
		n := 0
		c.NewID = func() string {
			n++
			if n <= len(ids) {
				return ids[n-1]
			}
			return fmt.Sprintf("id-%d", n)
		}
	}
}

// New returns a spec for d, at 2026-11-02 09:00 UTC by default, acting as
// "prof-1", a coordinateur and health professional of FINESS 750000001
// (who may do anything on the files that organisation holds), with ids
// id-1, id-2…
func New[S any, C any](d decider.Decider[S, C], opts ...Option) Spec[S, C] {
	ctx := decider.Context{Now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), Actor: "prof-1", Organisation: "750000001",
		Caller: access.Caller{Subject: "prof-1", Organisation: "750000001", Role: auth.RoleCoordinateur, HealthProfessional: true}}
	IDs()(&ctx)
	for _, o := range opts {
		o(&ctx)
	}
	return Spec[S, C]{d: d, ctx: ctx}
}

// Context returns the spec's decision context.
func (s Spec[S, C]) Context() decider.Context { return s.ctx }

// Given folds events into a fresh state, as the handler would.
func (s Spec[S, C]) Given(events ...proto.Message) Case[S, C] {
	st := s.d.Initial()
	for i, e := range events {
		st = s.d.Evolve(st, decider.Event{Payload: e, Version: uint64(i + 1), OccurredAt: s.ctx.Now, Actor: s.ctx.Actor, Organisation: s.ctx.Organisation})
	}
	return Case[S, C]{spec: s, state: st, given: len(events)}
}

// Case is a given state waiting for its command.
type Case[S any, C any] struct {
	spec  Spec[S, C]
	state S
	given int
	cmd   C
}

// And folds more events into the given state as happened at t, for
// rules that count from when something happened.
func (c Case[S, C]) And(at time.Time, events ...proto.Message) Case[S, C] {
	for _, e := range events {
		c.given++
		c.state = c.spec.d.Evolve(c.state, decider.Event{Payload: e, Version: uint64(c.given), OccurredAt: at, Actor: c.spec.ctx.Actor,
			Organisation: c.spec.ctx.Organisation})
	}
	return c
}

// At moves the clock the command is decided at to t; the given events
// stay where they happened (the spec's time). For rules that depend on
// time passing.
func (c Case[S, C]) At(t time.Time) Case[S, C] { c.spec.ctx.Now = t; return c }

// State returns the folded state, for tests of evolve.
func (c Case[S, C]) State() S { return c.state }

// When sets the command.
func (c Case[S, C]) When(cmd C) Case[S, C] { c.cmd = cmd; return c }

func (c Case[S, C]) decide() ([]proto.Message, error) {
	return c.spec.d.Decide(c.state, c.cmd, c.spec.ctx)
}

// Then checks that the command produces exactly want.
func (c Case[S, C]) Then(t testing.TB, want ...proto.Message) {
	t.Helper()
	got, err := c.decide()
	if err != nil {
		t.Fatalf("decide(%T) = %v, want events", c.cmd, err)
	}
	if diff := cmp.Diff(want, got, protocmp.Transform(), cmpEmpty()); diff != "" {
		t.Errorf("decide(%T) events (-want +got):\n%s", c.cmd, diff)
	}
}

func cmpEmpty() cmp.Option {
	return cmp.FilterValues(func(a, b []proto.Message) bool { return len(a) == 0 && len(b) == 0 }, cmp.Comparer(func(_, _ []proto.Message) bool { return true }))
}

// ThenRefused checks that a domain rule refuses the command: a
// *derrors.RuleError (FailedPrecondition) with that rule name.
func (c Case[S, C]) ThenRefused(t testing.TB, rule string) {
	t.Helper()
	got, err := c.decide()
	var re *derrors.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("decide(%T) = %v, %v; want refused by rule %q", c.cmd, got, err, rule)
	}
	if re.Rule != rule {
		t.Fatalf("decide(%T) refused by rule %q (%v), want %q", c.cmd, re.Rule, re, rule)
	}
}

// ThenInvalid checks that the command is refused as invalid on field.
func (c Case[S, C]) ThenInvalid(t testing.TB, field string) {
	t.Helper()
	got, err := c.decide()
	var ie *derrors.InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("decide(%T) = %v, %v; want invalid field %q", c.cmd, got, err, field)
	}
	for _, v := range ie.Violations {
		if v.Field == field {
			return
		}
	}
	t.Fatalf("decide(%T) = %v, want a violation on %q", c.cmd, err, field)
}

// ThenError checks that the command fails with an error that is target.
func (c Case[S, C]) ThenError(t testing.TB, target error) {
	t.Helper()
	got, err := c.decide()
	if !errors.Is(err, target) {
		t.Fatalf("decide(%T) = %v, %v; want %v", c.cmd, got, err, target)
	}
}
