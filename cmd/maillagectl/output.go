package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// How an API command's outcome is shown: the response on stdout, a failure
// on stderr.

// rpcError turns a failed call into one line: the gRPC code, then every
// field violation (errdetails.BadRequest) and precondition failure
// (errdetails.PreconditionFailure) the status carries, so that a user sees
// at once everything to fix. The status message is kept unless it only
// repeats those details, as maillaged's messages do.
func rpcError(err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	var details, descriptions []string
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				details = append(details, v.GetField()+": "+v.GetDescription())
				descriptions = append(descriptions, v.GetDescription())
			}
		case *errdetails.PreconditionFailure:
			for _, v := range d.GetViolations() {
				what := v.GetType()
				if v.GetSubject() != "" {
					what += " (" + v.GetSubject() + ")"
				}
				details = append(details, what+": "+v.GetDescription())
				descriptions = append(descriptions, v.GetDescription())
			}
		}
	}
	parts := []string{st.Code().String()}
	if msg := st.Message(); msg != "" && !containsAll(msg, descriptions) {
		parts = append(parts, msg)
	}
	line := strings.Join(parts, ": ")
	if len(details) > 0 {
		line += ": " + strings.Join(details, "; ")
	}
	// One line, whatever the server wrote.
	return errors.New(oneLine.Replace(line))
}

var oneLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// containsAll reports whether msg says every one of subs; false for none.
func containsAll(msg string, subs []string) bool {
	for _, s := range subs {
		if !strings.Contains(msg, s) {
			return false
		}
	}
	return len(subs) > 0
}

// printJSON writes m as protojson with the .proto field names, indented.
// protojson varies its spacing on purpose, so that nobody relies on it;
// json.Indent gives it one stable layout, for readers and for diffs.
func printJSON(w io.Writer, m proto.Message) error {
	compact, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = out.WriteTo(w)
	return err
}

// printJSONValue writes v (a plain Go value: a report) as indented JSON.
func printJSONValue(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
