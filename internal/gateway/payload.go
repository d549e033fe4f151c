package gateway

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/provider"
)

// PayloadModer is implemented by auditors that keep payloads (audit.Log).
// The gateway asks once, in New, and fills the audit event's payload fields
// only for the mode the auditor keeps: RequestPayload and ResponsePayload
// in full mode, RedactedRequest and RedactedResponse in redacted mode, and
// nothing (no copies at all) when payloads are off or the auditor does not
// implement it.
type PayloadModer interface {
	PayloadMode() audit.PayloadMode
}

// payloadMode returns the auditor's payload mode, off without one.
func payloadMode(a Auditor) audit.PayloadMode {
	if pm, ok := a.(PayloadModer); ok {
		if m := pm.PayloadMode(); m == audit.PayloadsFull || m == audit.PayloadsRedacted {
			return m
		}
	}
	return audit.PayloadsOff
}

// captureRequest keeps the request body as received (full mode).
func (x *exchange) captureRequest(body []byte) {
	if x.g.payloads == audit.PayloadsFull {
		x.ev.RequestPayload = body
	}
}

// captureSent wraps build so that, in redacted mode, the body last sent
// upstream (after guardrail redaction and pseudonymization) is kept.
func (x *exchange) captureSent(build provider.Build) provider.Build {
	if x.g.payloads != audit.PayloadsRedacted {
		return build
	}
	return func(t provider.Target) (provider.API, []byte, error) {
		api, b, err := build(t)
		if err == nil {
			x.ev.RedactedRequest = b
		}
		return api, b, err
	}
}

// captureResponse keeps b, the JSON body as returned to the client. In
// redacted mode every string in it has the session's pseudonyms concealed
// again, so the kept copy holds placeholders, never the restored values.
func (x *exchange) captureResponse(b []byte) {
	switch x.g.payloads {
	case audit.PayloadsFull:
		x.ev.ResponsePayload = b
	case audit.PayloadsRedacted:
		x.ev.RedactedResponse = x.concealJSON(b)
	}
}

// concealJSON conceals the session's pseudonymized values in every string
// of the JSON document b (keys included). A body that is not JSON is
// concealed as text.
func (x *exchange) concealJSON(b []byte) []byte {
	if x.sess == nil {
		return b
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return []byte(x.sess.Conceal(string(b)))
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			return x.sess.Conceal(t)
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		case map[string]any:
			out := make(map[string]any, len(t))
			for k, e := range t {
				out[x.sess.Conceal(k)] = walk(e)
			}
			return out
		}
		return v
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(walk(v)); err != nil {
		return []byte(x.sess.Conceal(string(b)))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// captureStream keeps a streamed chat or messages response as the
// equivalent non-streamed body in the client's wire format, assembled from
// the text and tool calls the client was sent (so far, when the stream
// ended in an error).
func (p *streamProc) captureStream() {
	if p.x.g.payloads == audit.PayloadsOff {
		return
	}
	c := &completion{Model: p.model, In: p.in, Out: p.out}
	idxs := make([]int, 0, len(p.choices))
	for i := range p.choices {
		idxs = append(idxs, i)
	}
	sort.Ints(idxs)
	for _, i := range idxs {
		cs := p.choices[i]
		c.Choices = append(c.Choices, choice{Index: i, Text: cs.sent.String(), Tools: cs.sentTools, Finish: cs.finish})
	}
	switch p.wire {
	case wireAnthropic:
		p.x.captureResponse(encodeAnthropic(c))
	case wireResponses:
		p.x.captureResponse(encodeResponses(c))
	default:
		p.x.captureResponse(encodeOpenAI(c))
	}
}

// keepText records text sent to the client for captureStream.
func (p *streamProc) keepText(cs *choiceState, s string) {
	if p.x.g.payloads != audit.PayloadsOff {
		cs.sent.WriteString(s)
	}
}
