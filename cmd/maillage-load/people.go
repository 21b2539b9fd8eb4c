package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// Bounds of the setup, which is not measured.
const (
	readyTimeout = 15 * time.Second
	enrolTimeout = 2 * time.Minute
)

// person is one enrolled person and the position of their last write, for
// reading one's own writes (min_position).
type person struct {
	id      string
	lastPos atomic.Pointer[string]
}

func (p *person) setPos(pos string) { p.lastPos.Store(&pos) }
func (p *person) pos() string       { return *p.lastPos.Load() }

// waitReady waits until maillaged says the parcours service is SERVING
// (its views have caught up).
func waitReady(ctx context.Context, cc *grpc.ClientConn) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	h := healthpb.NewHealthClient(cc)
	name := parcoursv1.ParcoursService_ServiceDesc.ServiceName
	for {
		resp, err := h.Check(ctx, &healthpb.HealthCheckRequest{Service: name})
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("status %s", resp.GetStatus())
			}
			return fmt.Errorf("%s not serving after %v: %w", name, readyTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// enrol enrols n new people, concurrency at a time, then reads each
// one's view as of their enrolment, so that the measure starts once the
// views have caught up, on a quiet server. Request ids carry the run id:
// each run starts from fresh files whatever the data directory holds.
func enrol(ctx context.Context, api parcoursv1.ParcoursServiceClient, runID string, n, concurrency int) ([]*person, error) {
	ctx, cancel := context.WithTimeout(ctx, enrolTimeout)
	defer cancel()
	people := make([]*person, n)
	err := parallel(ctx, n, concurrency, func(ctx context.Context, i int) error {
		resp, err := api.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{
			RequestId: fmt.Sprintf("%s-enrol-%d", runID, i),
			BirthDate: "1990-01-01", Domicile: &parcoursv1.Domicile{CommuneInsee: "33063"},
			PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY,
			LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE,
			RequestOrigin:   "maillage-load",
		})
		if err != nil {
			return fmt.Errorf("enrol person %d of %d: %w", i+1, n, err)
		}
		p := &person{id: resp.GetPersonId()}
		p.setPos(resp.GetPosition())
		people[i] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = parallel(ctx, n, concurrency, func(ctx context.Context, i int) error {
		_, err := api.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: people[i].id, MinPosition: people[i].pos()})
		if err != nil {
			return fmt.Errorf("read person %d of %d after enrolment: %w", i+1, n, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return people, nil
}

// parallel calls f(0) to f(n-1), concurrency at a time, and returns the
// first error, after which it starts no more calls.
func parallel(ctx context.Context, n, concurrency int, f func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(concurrency, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
