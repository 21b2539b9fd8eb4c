package natsjs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/es/natsjs/natsjstest"
)

// A process that recorded where a stream ends (the audit's trail heads)
// appends without looking the end up; a hint gone stale (another process
// wrote) is caught by the server, never appended after.
func TestAppendWithAPositionHint(t *testing.T) {
	ctx := context.Background()
	writer, nc := natsjstest.NewStoreConn(t)
	const stream = "trail-p1"
	first, err := writer.Append(ctx, stream, es.NoStream, es.AppendRequest{Events: []es.EventData{{Type: "A"}}})
	if err != nil {
		t.Fatal(err)
	}
	// Another process, which never read the stream: no head cached.
	other, err := natsjs.Open(ctx, natsjs.Config{Conn: nc})
	if err != nil {
		t.Fatal(err)
	}
	second, err := other.Append(ctx, stream, es.ExactlyAt(1, first.Position), es.AppendRequest{Events: []es.EventData{{Type: "B"}}})
	if err != nil || second.LastVersion != 2 {
		t.Fatalf("append with a right hint = %+v, %v; want version 2", second, err)
	}
	// The writer's hint for version 2 is wrong (it points at version 1's
	// position): the server refuses it, the store looks the end up, and
	// the append lands at version 3 as expected.
	third, err := natsjs.Open(ctx, natsjs.Config{Conn: nc})
	if err != nil {
		t.Fatal(err)
	}
	res, err := third.Append(ctx, stream, es.ExactlyAt(2, first.Position), es.AppendRequest{Events: []es.EventData{{Type: "C"}}})
	if err != nil || res.LastVersion != 3 {
		t.Fatalf("append with a stale hint = %+v, %v; want version 3", res, err)
	}
	// A true hint gone stale never makes a wrong version right.
	fourth, err := natsjs.Open(ctx, natsjs.Config{Conn: nc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fourth.Append(ctx, stream, es.ExactlyAt(2, second.Position), es.AppendRequest{Events: []es.EventData{{Type: "D"}}}); !errors.Is(err, es.ErrConflict) {
		t.Fatalf("append expecting version 2 of a stream at 3, with its end as hint = %v, want a conflict", err)
	}
	evs, err := writer.Read(ctx, stream, 1)
	if err != nil || len(evs) != 3 || evs[2].Type != "C" {
		t.Fatalf("stream holds %d events (%v), want A, B, C", len(evs), err)
	}
	head, err := fourth.Head(ctx, es.Filter{})
	if err != nil || head != res.Position {
		t.Fatalf("Head(all) = %v, %v; want the last append's %v", head, err, res.Position)
	}
}

// A sole writer knows where the stream ends from the stream at Open and
// its own appends, and answers Head of everything without asking.
func TestSoleWriterKnowsTheStreamsEnd(t *testing.T) {
	ctx := context.Background()
	first, nc := natsjstest.NewStoreConn(t)
	res, err := first.Append(ctx, "person-a", es.Any, es.AppendRequest{Events: []es.EventData{{Type: "A"}, {Type: "B"}}})
	if err != nil {
		t.Fatal(err)
	}
	sole, err := natsjs.Open(ctx, natsjs.Config{Conn: nc, SoleWriter: true})
	if err != nil {
		t.Fatal(err)
	}
	if head, err := sole.Head(ctx, es.Filter{}); err != nil || head != res.Position {
		t.Fatalf("Head(all) of a sole writer just opened = %v, %v; want the stream's end %v", head, err, res.Position)
	}
	for i := range 3 {
		res, err = sole.Append(ctx, "person-b", es.Any, es.AppendRequest{Events: []es.EventData{{Type: "C"}}})
		if err != nil {
			t.Fatal(err)
		}
		if head, err := sole.Head(ctx, es.Filter{}); err != nil || head != res.Position {
			t.Fatalf("Head(all) after append %d = %v, %v; want %v", i, head, err, res.Position)
		}
	}
}
