package kit

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
)

// Command is what the command port knows of a command request: its
// request_id and expected_version fields, read by reflection so that every
// service's requests work the same.
type Command struct {
	// RequestID is the caller's idempotency key as sent.
	RequestID string
	// Expected is the version the caller saw, nil when not sent.
	Expected *es.Version
}

// CommandOf reads req's request_id and optional expected_version.
func CommandOf(req proto.Message) Command {
	var c Command
	m := req.ProtoReflect()
	fields := m.Descriptor().Fields()
	if f := fields.ByName("request_id"); f != nil && f.Kind() == protoreflect.StringKind {
		c.RequestID = m.Get(f).String()
	}
	if f := fields.ByName("expected_version"); f != nil && f.Kind() == protoreflect.Uint64Kind && m.Has(f) {
		v := es.Version(m.Get(f).Uint())
		c.Expected = &v
	}
	return c
}

// CommandOptions returns the decider options of a command request: the
// caller (with its delegations), metadata naming them, the request id
// scoped by the caller's organisation (another organisation's request ids
// never meet it), and the request's fingerprint (its method and
// deterministic bytes), so that the same request id sent with another
// command or body is refused instead of answered as the first.
func (k *Kit) CommandOptions(ctx context.Context, req proto.Message) (decider.Options, error) {
	caller, err := k.Caller(ctx)
	if err != nil {
		return decider.Options{}, err
	}
	c := CommandOf(req)
	opts := decider.Options{Expected: c.Expected, Caller: caller, Metadata: es.Metadata{
		Actor: caller.Subject, Organisation: caller.Organisation,
	}}
	if c.RequestID != "" {
		scoped := caller.Organisation + ":" + c.RequestID
		opts.Metadata.RequestID, opts.Metadata.CorrelationID = scoped, scoped
		method, _ := grpc.Method(ctx)
		opts.Metadata.RequestHash = Fingerprint(method, req)
	}
	return opts, nil
}

// Fingerprint identifies a request by its method and content.
func Fingerprint(method string, req proto.Message) string {
	data, _ := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write(data)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}

// CreatedID is the id of what events created: the first event's own id,
// its field 1 when that is a string named "…_id" (transition_id, need_id,
// member_id…), the convention of maillage.events.v1. For
// decider.HandlerConfig.CreatedID.
func CreatedID(events []proto.Message) string {
	if len(events) == 0 {
		return ""
	}
	m := events[0].ProtoReflect()
	f := m.Descriptor().Fields().ByNumber(1)
	if f == nil || f.Kind() != protoreflect.StringKind || f.Cardinality() == protoreflect.Repeated || !strings.HasSuffix(string(f.Name()), "_id") {
		return ""
	}
	return m.Get(f).String()
}
