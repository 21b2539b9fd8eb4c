package main

import (
	"context"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// apiCall is what the API subcommands share: whom they act for, the
// request id of a command, the timeout, and how a call's outcome is shown.
type apiCall struct {
	g          *globals
	idempotent bool   // a command, whose request carries request_id
	requestID  string // --request-id
	timeout    time.Duration
}

// newAPICall adds the shared flags to cmd; idempotent for the commands
// whose request carries an idempotency key (request_id).
func newAPICall(g *globals, cmd *cobra.Command, idempotent bool) *apiCall {
	c := &apiCall{g: g, idempotent: idempotent}
	addAsFlags(cmd, g)
	f := cmd.Flags()
	if idempotent {
		f.StringVar(&c.requestID, "request-id", "", "idempotency key (A-Z a-z 0-9 _ -, up to 64); default: a new ULID, printed on stderr: pass it again to retry safely")
	}
	f.DurationVar(&c.timeout, "timeout", 10*time.Second, "deadline of the call")
	return c
}

// run calls ParcoursService with call: runOn for the parcours commands.
func (c *apiCall) run(cmd *cobra.Command, call func(context.Context, parcoursv1.ParcoursServiceClient) (proto.Message, error)) error {
	return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
		return call(ctx, parcoursv1.NewParcoursServiceClient(conn))
	})
}

// runOnQuiet calls maillaged with call and prints nothing: for a command
// that writes its answer its own way (CSV).
func (c *apiCall) runOnQuiet(cmd *cobra.Command, call func(context.Context, *grpc.ClientConn) error) error {
	ctx, cancel := context.WithTimeout(cmd.Context(), c.timeout)
	defer cancel()
	conn, err := c.g.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := call(ctx, conn); err != nil {
		return fmt.Errorf("%s: %w", cmd.Name(), rpcError(err))
	}
	return nil
}

// runOn calls maillaged with call, on any of its services, and prints the
// response on stdout (printJSON), or returns the failure as one line
// (rpcError). It is what every API command is written on: whom it acts
// for, the request id, the timeout, the output.
func (c *apiCall) runOn(cmd *cobra.Command, call func(context.Context, *grpc.ClientConn) (proto.Message, error)) error {
	if c.timeout <= 0 {
		return fmt.Errorf("--timeout %v: want a positive duration", c.timeout)
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), c.timeout)
	defer cancel()
	conn, err := c.g.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if c.idempotent {
		if c.requestID == "" {
			c.requestID = ulid.Make().String()
		}
		// Before the call: after a timeout the outcome is unknown, and
		// only a retry with this id is safe.
		fmt.Fprintf(cmd.ErrOrStderr(), "request id %s (retry with --request-id %s)\n", c.requestID, c.requestID)
	}
	resp, err := call(ctx, conn)
	if err != nil {
		return fmt.Errorf("%s: %w", cmd.Name(), rpcError(err))
	}
	return printJSON(cmd.OutOrStdout(), resp)
}
