package natsjs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/internal/es"
)

// leaderGet reads one message through the stream leader
// ($JS.API.STREAM.MSG.GET), never a replica: slower than a direct get, and
// consistent with every acknowledged append. nats.go's GetMsg would use a
// direct get whenever the stream allows them, which followers answer too.
// It returns ok false when no message matches.
func (s *Store) leaderGet(ctx context.Context, req directRequest) (ev es.RecordedEvent, ok bool, err error) {
	body, _ := json.Marshal(req)
	resp, err := s.nc.RequestWithContext(ctx, "$JS.API.STREAM.MSG.GET."+s.cfg.Stream, body)
	if err != nil {
		return es.RecordedEvent{}, false, fmt.Errorf("natsjs: leader get: %w", err)
	}
	var answer struct {
		Message *struct {
			Subject string    `json:"subject"`
			Seq     uint64    `json:"seq"`
			Header  []byte    `json:"hdrs"`
			Data    []byte    `json:"data"`
			Time    time.Time `json:"time"`
		} `json:"message"`
		Error *struct {
			Code    int    `json:"code"`
			ErrCode int    `json:"err_code"`
			Desc    string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(resp.Data, &answer); err != nil {
		return es.RecordedEvent{}, false, fmt.Errorf("natsjs: leader get answer: %w", err)
	}
	if answer.Error != nil {
		if answer.Error.Code == 404 {
			return es.RecordedEvent{}, false, nil
		}
		return es.RecordedEvent{}, false, fmt.Errorf("natsjs: leader get: %s (%d)", answer.Error.Desc, answer.Error.ErrCode)
	}
	if answer.Message == nil {
		return es.RecordedEvent{}, false, fmt.Errorf("natsjs: leader get: empty answer")
	}
	m := answer.Message
	h, err := nats.DecodeHeadersMsg(m.Header)
	if err != nil {
		return es.RecordedEvent{}, false, fmt.Errorf("natsjs: leader get headers: %w", err)
	}
	ev, err = s.decode(m.Subject, m.Seq, m.Time, h, m.Data)
	return ev, err == nil, err
}
