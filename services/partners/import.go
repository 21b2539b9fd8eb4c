package partners

import (
	"context"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// ImportPartners loads partners chunk by chunk. Each chunk is decided on
// the directory as stored (after waiting for it to include everything
// stored) and written in one atomic batch of the store (one fsync for
// hundreds of partners, where one append a partner fsyncs each); a chunk
// whose batch meets a partner changed meanwhile is written partner by
// partner through the command handler instead.
func (s *Service) ImportPartners(stream partnersv1.PartnersService_ImportPartnersServer) error {
	ctx := stream.Context()
	caller, err := s.kit.Caller(ctx)
	if err != nil {
		return kit.Status(err)
	}
	if caller.Role != auth.RoleCoordinateur && caller.Role != auth.RoleAdministrateur {
		return kit.Status(derrors.Denied("partners.not_a_keeper", "imports are the coordination's and administrateurs'"))
	}
	if err := kit.Ready(s.runner, "the directory"); err != nil {
		return err
	}
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		res, err := s.importChunk(ctx, caller, req)
		if err != nil {
			return kit.Status(err)
		}
		if err := stream.Send(res); err != nil {
			return err
		}
	}
}

// imported is one partner of a chunk, decided.
type imported struct {
	line    int64
	cmd     ImportPartner
	org     string
	state   *PartnerState
	version es.Version // of state
	events  []proto.Message
	err     error
}

func (s *Service) importChunk(ctx context.Context, caller access.Caller, req *partnersv1.ImportPartnersRequest) (*partnersv1.ImportPartnersResponse, error) {
	if err := kit.WaitForStored(ctx, s.runner, s.cfg.ViewWait); err != nil {
		return nil, err
	}
	at := decider.Context{Now: s.cfg.Now(), Actor: caller.Subject, Organisation: caller.Organisation, Caller: caller}
	out := &partnersv1.ImportPartnersResponse{RequestId: req.GetRequestId()}
	var decided []imported
	seen := map[string]bool{}
	for _, p := range req.GetPartners() {
		cmd := ImportPartner{OrganisationID: p.GetOrganisationId(), Description: descriptionOf(p.GetDetails())}
		one := imported{line: p.GetLine(), cmd: cmd, org: cmd.OrganisationID}
		one.state, one.version = s.stateOf(cmd.OrganisationID)
		if seen[one.org] {
			one.err = derrors.Invalid("organisation_id", "%s is twice in the chunk", one.org)
		} else {
			one.events, one.err = Partner.Decide(one.state, cmd, at)
		}
		seen[one.org] = true
		decided = append(decided, one)
	}
	md := es.Metadata{Actor: caller.Subject, Organisation: caller.Organisation,
		CorrelationID: caller.Organisation + ":" + req.GetRequestId(), OccurredAt: at.Now}
	pos, err := s.writeChunk(ctx, decided, md)
	if errors.Is(err, es.ErrConflict) {
		pos, err = s.writeOneByOne(ctx, caller, req.GetRequestId(), decided)
	}
	if err != nil {
		return nil, err
	}
	if pos.IsZero() {
		pos = s.runner.Position() // nothing written: where the directory stands
	}
	out.Position = pos.String()
	for _, d := range decided {
		switch {
		case d.err != nil:
			out.Rejected = append(out.Rejected, &partnersv1.ImportRejection{Line: d.line, OrganisationId: d.org, Reason: d.err.Error()})
		case len(d.events) == 0:
			out.Unchanged++
		default:
			if _, isNew := d.events[0].(*eventsv1.PartnerRegistered); isNew {
				out.Registered++
			} else {
				out.Updated++
			}
		}
	}
	return out, nil
}

// stateOf is the partner as the directory has it, and its version.
func (s *Service) stateOf(org string) (*PartnerState, es.Version) {
	p, ok := s.directory.Partner(org)
	if !ok {
		return &PartnerState{}, 0
	}
	return &PartnerState{OrganisationID: org, Registered: true, Withdrawn: p.GetWithdrawn(), Description: describedBy(p),
		Capacity: p.GetCapacity(), Source: p.GetSource()}, es.Version(p.GetVersion())
}

// writeChunk appends the chunk's events in one atomic batch, each partner
// expecting the version its decision was made on.
func (s *Service) writeChunk(ctx context.Context, decided []imported, md es.Metadata) (es.Position, error) {
	batcher, ok := s.cfg.Store.(es.BatchAppender)
	if !ok {
		return es.Start, es.ErrConflict // no batches here: one by one
	}
	var batch []es.StreamAppend
	for _, d := range decided {
		if d.err != nil || len(d.events) == 0 {
			continue
		}
		data, err := encodeAll(d.events)
		if err != nil {
			return es.Start, err
		}
		batch = append(batch, es.StreamAppend{Stream: PartnerStream(d.org), Expected: es.Exactly(d.version), Events: data, Metadata: md})
	}
	if len(batch) == 0 {
		return es.Start, nil
	}
	var last es.Position
	for start := 0; start < len(batch); start += es.MaxBatchEvents {
		res, err := batcher.AppendBatch(ctx, batch[start:min(start+es.MaxBatchEvents, len(batch))])
		if err != nil {
			return es.Start, err
		}
		last = res[len(res)-1].Position
	}
	return last, nil
}

// writeOneByOne runs each partner's import through the command handler,
// which decides again on the partner as stored.
func (s *Service) writeOneByOne(ctx context.Context, caller access.Caller, requestID string, decided []imported) (es.Position, error) {
	var last es.Position
	for i := range decided {
		d := &decided[i]
		if d.err != nil {
			continue
		}
		opts := decider.Options{Caller: caller, Metadata: es.Metadata{Actor: caller.Subject, Organisation: caller.Organisation,
			RequestID: fmt.Sprintf("%s:%s/%d", caller.Organisation, requestID, i)}}
		res, err := s.partners.Handle(ctx, d.org, d.cmd, opts)
		if err != nil {
			d.err = err
			continue
		}
		d.events = res.Events
		if last.Before(res.Position) {
			last = res.Position
		}
	}
	return last, nil
}

func encodeAll(events []proto.Message) ([]es.EventData, error) {
	out := make([]es.EventData, len(events))
	for i, ev := range events {
		d, err := decider.Encode(ev)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// describedBy is the description a partner of the directory was given,
// as its events state it.
func describedBy(p *partnersv1.Partner) *eventsv1.PartnerDescription {
	if p == nil {
		return nil
	}
	d := &eventsv1.PartnerDescription{
		Name: p.GetDisplayName(), Kind: p.GetKind(), Category: p.GetCategory(), LegalEntityId: p.GetLegalEntityId(),
		Siret: p.GetSiret(), Address: p.GetAddress(), Location: p.GetLocation(), Territory: p.GetTerritory(),
		Contacts: p.GetContacts(), Mission: p.GetMission(), Phone: p.GetPhone(),
	}
	for _, o := range p.GetOffers() {
		c := o.GetPrestation()
		d.Offers = append(d.Offers, &eventsv1.PartnerOffer{Prestation: &eventsv1.SerafinCode{System: c.GetSystem(), Version: c.GetVersion(), Code: c.GetCode()},
			Publics: o.GetPublics(), Description: o.GetDescription()})
	}
	return d
}
