package natsjs

import (
	"context"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/es"
)

// When a filter selects most of the store, the consumer reads everything
// and the filter is applied in the client: the events delivered must be the
// same as with the server's filter.
func TestSubscribeFiltersInTheClientWhenTheFilterSelectsMost(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s := newTestStore(t)
	var want []es.Position
	for i := range 12 {
		stream := "person-a"
		if i%4 == 3 {
			stream = "meeting-x" // 3 of 12: the filter selects most
		}
		res, err := s.Append(ctx, stream, es.Any, es.AppendRequest{Events: []es.EventData{{Type: "t.E"}}})
		if err != nil {
			t.Fatal(err)
		}
		if stream == "person-a" {
			want = append(want, res.Position)
		}
	}
	for _, tc := range []struct {
		from       es.Position
		clientSide bool
	}{{es.Start, true}, {want[len(want)-1], false}} { // from the last person event, only a meeting event is left
		sub, err := s.Subscribe(ctx, tc.from, es.Filter{Categories: []string{"person"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := sub.(*subscription).filter != nil; got != tc.clientSide {
			t.Errorf("from %v: filtering in the client = %v, want %v", tc.from, got, tc.clientSide)
		}
		var got []es.Position
		for _, p := range want {
			if tc.from.Before(p) {
				ev, err := sub.Next(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if ev.Category() != "person" {
					t.Fatalf("delivered a %s event through a person filter", ev.Category())
				}
				got = append(got, ev.Position)
			}
		}
		sub.Close()
		for i := range got {
			if got[i] != want[len(want)-len(got)+i] {
				t.Fatalf("from %v: delivered %v, want %v", tc.from, got, want[len(want)-len(got):])
			}
		}
	}
}
