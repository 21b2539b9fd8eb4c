package app

import (
	"context"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
)

// writeHealth is a store that says whether its writes fail for lack of
// room (natsjs.Store).
type writeHealth interface {
	WriteHealth() error
}

// watchWrites turns every service NOT_SERVING while the store refuses
// writes for lack of room, says why in the log, and SERVING again once a
// write passes: a probe event every probeEvery while it fails, since no
// traffic comes to a server that says NOT_SERVING.
func (a *App) watchWrites(ctx context.Context, ready func() bool) {
	var stores []writeHealth // the domain events' and the audit trails'
	for _, s := range []es.Store{a.store, a.trails} {
		if wh, ok := s.(writeHealth); ok {
			stores = append(stores, wh)
		}
	}
	if len(stores) == 0 {
		return
	}
	health := func() error {
		for _, wh := range stores {
			if err := wh.WriteHealth(); err != nil {
				return err
			}
		}
		return nil
	}
	const probeEvery = 5 * time.Second
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	failing, lastProbe := false, time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		err := health()
		if err != nil && time.Since(lastProbe) >= probeEvery && failing {
			lastProbe = time.Now()
			a.probeWrite(ctx)
			err = health()
		}
		switch {
		case err != nil && !failing:
			failing, lastProbe = true, time.Now()
			a.log.Error("the event store refuses writes: NOT_SERVING until it has room", "err", err)
			a.setAll(healthpb.HealthCheckResponse_NOT_SERVING)
		case err == nil && failing && ready():
			failing = false
			a.log.Info("the event store takes writes again: SERVING")
			a.setAll(healthpb.HealthCheckResponse_SERVING)
		}
	}
}

// probeWrite appends one small event to each store's probe stream.
func (a *App) probeWrite(ctx context.Context) {
	data, err := decider.Encode(wrapperspb.String("probe: does the event store take writes again?"))
	if err != nil {
		return
	}
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	for _, s := range []es.Store{a.store, a.trails} {
		_, _ = s.Append(pctx, "probe-maillaged", es.Any, es.AppendRequest{Events: []es.EventData{data}})
	}
}

func (a *App) setAll(st healthpb.HealthCheckResponse_ServingStatus) {
	a.srv.Health().SetServingStatus("", st)
	for _, s := range a.services {
		a.srv.Health().SetServingStatus(s.Name(), st)
	}
}
