package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc/status"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// config is one run, as the flags state it.
type config struct {
	Addr        string
	DataDir     string
	Token       string
	CAFile      string
	Rate        float64 // calls/s
	Duration    time.Duration
	People      int
	Concurrency int
	Mix         mix
	Progress    io.Writer // setup progress; nil for none
}

const (
	// callTimeout bounds each call; a view waits up to 2 s (maillaged's
	// --view-wait default) for its min_position.
	callTimeout = 5 * time.Second
	// lateGrace is how long past --duration calls already due may still be
	// sent when the server has fallen behind; the rest are counted unsent.
	lateGrace = 5 * time.Second
	// timerSlack is how early the runtime timer is asked to fire before a
	// call is due; sleepShort waits out the rest precisely.
	timerSlack = 1500 * time.Microsecond
)

// load enrols cfg.People people, then sends rate×duration calls on
// schedule, and reports. It stops by itself within duration + lateGrace +
// callTimeout after the setup, or soon after ctx ends.
func load(ctx context.Context, cfg config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cc, err := dial(cfg)
	if err != nil {
		return nil, err
	}
	defer cc.Close()
	if err := waitReady(ctx, cc); err != nil {
		return nil, err
	}
	api := parcoursv1.NewParcoursServiceClient(cc)
	runID := "load" + strconv.FormatInt(time.Now().UnixNano(), 36)
	t0 := time.Now()
	people, err := enrol(ctx, api, runID, cfg.People, cfg.Concurrency)
	if err != nil {
		return nil, err
	}
	cfg.progressf("enrolled %d people in %v; sending %.0f calls/s for %v to %s\n",
		len(people), time.Since(t0).Round(time.Millisecond), cfg.Rate, cfg.Duration, cfg.Addr)
	runtime.GC() // not during the measure, if it can be helped
	rec := schedule(ctx, cfg, api, people, runID)
	return rec.report(cfg), nil
}

func (c config) progressf(format string, args ...any) {
	if c.Progress != nil {
		fmt.Fprintf(c.Progress, format, args...)
	}
}

// schedule is the open loop. Call i is due at start + i/rate; one
// dispatcher hands each call to one of cfg.Concurrency workers at its due
// time, or as soon as a worker is free when all are busy. Each call's
// latency runs from its due time.
func schedule(ctx context.Context, cfg config, api parcoursv1.ParcoursServiceClient, people []*person, runID string) *recorder {
	n := max(1, int(cfg.Rate*cfg.Duration.Seconds()))
	rec := newRecorder(n)
	interval := float64(time.Second) / cfg.Rate
	// Dates valid whatever the hour: a transition is planned ahead, a
	// rupture found today or earlier (Europe/Paris is ahead of UTC).
	now := time.Now().UTC()
	planned, detected := now.AddDate(0, 3, 0).Format(time.DateOnly), now.AddDate(0, 0, -1).Format(time.DateOnly)

	work := make(chan int)
	var wg sync.WaitGroup
	start := time.Now().Add(10 * time.Millisecond) // let the workers start
	rec.start = start
	for range cfg.Concurrency {
		wg.Go(func() {
			for i := range work {
				due := start.Add(time.Duration(float64(i) * interval))
				p := people[rec.person[i]]
				cctx, cancel := context.WithTimeout(ctx, callTimeout)
				sent := time.Now()
				var err error
				switch rec.op[i] {
				case opAnticipate:
					var resp *parcoursv1.AnticipateTransitionResponse
					resp, err = api.AnticipateTransition(cctx, &parcoursv1.AnticipateTransitionRequest{
						RequestId: runID + "-" + strconv.Itoa(i), PersonId: p.id,
						Kind:        eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE,
						FromSetting: "MAS Les Pins", ToSetting: "domicile familial", PlannedDate: planned,
					})
					if err == nil {
						p.setPos(resp.GetPosition())
					}
				case opRupture:
					var resp *parcoursv1.ReportRuptureResponse
					resp, err = api.ReportRupture(cctx, &parcoursv1.ReportRuptureRequest{
						RequestId: runID + "-" + strconv.Itoa(i), PersonId: p.id,
						Kind:        eventsv1.RuptureKind_RUPTURE_KIND_LOSS_OF_SUPPORT,
						Description: "Fin de prise en charge sans relais (maillage-load)", DetectedOn: detected,
					})
					if err == nil {
						p.setPos(resp.GetPosition())
					}
				case opView:
					_, err = api.GetCoordinatedView(cctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: p.id, MinPosition: p.pos()})
				}
				end := time.Now()
				cancel()
				rec.done(i, end.Sub(due), end.Sub(sent), status.Code(err))
			}
		})
	}

	// Deterministic choice of operations and people, for comparable runs.
	rng := rand.New(rand.NewPCG(1, 2))
	total := cfg.Mix.total()
	pick := func() op {
		r := rng.IntN(total)
		for o, w := range cfg.Mix {
			if r < w {
				return op(o)
			}
			r -= w
		}
		panic("unreachable: weights sum to total")
	}
	stopSending := time.NewTimer(time.Until(start.Add(cfg.Duration + lateGrace)))
	defer stopSending.Stop()
	timer := time.NewTimer(0)
	<-timer.C
dispatch:
	for i := range n {
		due := start.Add(time.Duration(float64(i) * interval))
		if wait := time.Until(due) - timerSlack; wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				rec.unsent, rec.interrupted = n-i, true
				break dispatch
			}
		}
		if wait := time.Until(due); wait > 0 {
			sleepShort(wait)
		}
		rec.op[i], rec.person[i] = pick(), int32(rng.IntN(len(people)))
		select {
		case work <- i:
		case <-stopSending.C:
			rec.unsent = n - i
			break dispatch
		case <-ctx.Done():
			rec.unsent, rec.interrupted = n-i, true
			break dispatch
		}
	}
	close(work)
	wg.Wait()
	rec.end = time.Now()
	return rec
}
