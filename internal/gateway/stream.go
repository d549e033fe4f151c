package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/sse"
)

// Streaming: an upstream decoder (OpenAI chunks or Anthropic events) feeds
// a streamProc, which runs every text delta through the guard (one
// guard.Stream per choice), buffers tool-call deltas until each call is
// complete (so the tool-call checker sees whole calls), and drives an
// encoder for the client's wire. Any error ends the stream with an error
// event in the client's format, never silently.

// streamEnc writes one wire's streaming events.
type streamEnc interface {
	text(choice int, s string) error
	tools(choice int, calls []toolCall) error
	finish(choice int, reason string) error
	end(in, out int) error
	fail(e *apiError) error
}

type choiceState struct {
	gs       *guard.Stream
	tools    map[int]*toolCall
	finished bool
	// What the client was sent, kept only when audit payloads are on.
	sent      strings.Builder
	sentTools []toolCall
	finish    string
}

type streamProc struct {
	x       *exchange
	enc     streamEnc
	choices map[int]*choiceState
	in, out int
	ended   bool
	wire    wire   // the client's wire (for captureStream)
	model   string // the model name the client used
}

func (p *streamProc) choice(i int) *choiceState {
	cs := p.choices[i]
	if cs == nil {
		cs = &choiceState{gs: p.x.sess.NewStream(), tools: map[int]*toolCall{}}
		p.choices[i] = cs
	}
	return cs
}

func (p *streamProc) onText(ctx context.Context, i int, delta string) error {
	cs := p.choice(i)
	emit, err := cs.gs.Write(ctx, delta)
	if err != nil {
		return p.x.guardError(err)
	}
	if emit == "" {
		return nil
	}
	p.keepText(cs, emit)
	return p.enc.text(i, emit)
}

func (p *streamProc) onTool(i, idx int, id, name, args string) {
	cs := p.choice(i)
	t := cs.tools[idx]
	if t == nil {
		t = &toolCall{}
		cs.tools[idx] = t
	}
	if id != "" {
		t.ID = id
	}
	if name != "" {
		t.Name += name
	}
	t.Args += args
}

func (p *streamProc) onFinish(ctx context.Context, i int, reason string) error {
	cs := p.choice(i)
	if cs.finished {
		return nil
	}
	cs.finished = true
	rest, err := cs.gs.Close(ctx)
	if err != nil {
		return p.x.guardError(err)
	}
	ch := choice{Index: i, Finish: reason}
	idxs := make([]int, 0, len(cs.tools))
	for k := range cs.tools {
		idxs = append(idxs, k)
	}
	sort.Ints(idxs)
	for _, k := range idxs {
		ch.Tools = append(ch.Tools, *cs.tools[k])
	}
	if e := p.x.checkTools(&ch); e != nil {
		return e
	}
	// checkTools appends the denial text to ch.Text; emit it after the
	// guarded remainder.
	if rest += ch.Text; rest != "" {
		p.keepText(cs, rest)
		if err := p.enc.text(i, rest); err != nil {
			return err
		}
	}
	if len(ch.Tools) > 0 {
		if p.x.g.payloads != audit.PayloadsOff {
			cs.sentTools = ch.Tools
		}
		if err := p.enc.tools(i, ch.Tools); err != nil {
			return err
		}
	}
	cs.finish = ch.Finish
	return p.enc.finish(i, ch.Finish)
}

func (p *streamProc) onEnd(ctx context.Context) error {
	if p.ended {
		return nil
	}
	p.ended = true
	for i, cs := range p.choices {
		if !cs.finished {
			if err := p.onFinish(ctx, i, "stop"); err != nil {
				return err
			}
		}
	}
	p.x.usage(p.in, p.out)
	p.captureStream()
	p.x.ev.Status = http.StatusOK
	if err := p.x.record(); err != nil {
		return errInternal("the audit log is unavailable, so the response was withheld", "audit_error")
	}
	return p.enc.end(p.in, p.out)
}

var errBrokenStream = errUpstream(http.StatusBadGateway, "the upstream stream broke off")

// stream relays an upstream SSE response to the client.
func (x *exchange) stream(resp *http.Response, upWire wire, out *clientOut) {
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		x.fail(errUpstream(http.StatusBadGateway, "the upstream did not stream the response"))
		return
	}
	if m := x.g.o.Metrics; m != nil {
		m.Streams.Inc()
		defer m.Streams.Dec()
	}
	x.verdictHeader() // input verdict; the output verdict is in the audit event
	sse.SetHeaders(x.w.Header())
	x.w.WriteHeader(http.StatusOK)
	sw := sse.NewWriter(x.w)
	sw.Flush() // send the headers now; guardrails may hold text back
	var enc streamEnc
	switch out.wire {
	case wireAnthropic:
		enc = &anthropicEnc{w: sw, model: out.model}
	case wireResponses:
		enc = newResponsesEnc(sw, out.model)
	default:
		enc = &openAIEnc{w: sw, model: out.model, includeUsage: out.includeUsage}
	}
	p := &streamProc{x: x, enc: enc, choices: map[int]*choiceState{}, wire: out.wire, model: out.model}
	if ae, ok := enc.(*anthropicEnc); ok {
		ae.in = &p.in // known at message_start when the upstream is Anthropic
	}
	rd := sse.NewReader(resp.Body, 0)
	var runErr error
	if upWire == wireAnthropic {
		runErr = x.relayAnthropic(rd, p, enc)
	} else {
		runErr = x.relayOpenAI(rd, p, enc)
	}
	status := http.StatusOK
	if runErr != nil {
		var ae *apiError
		if !errors.As(runErr, &ae) {
			switch {
			case x.r.Context().Err() != nil:
				x.finish(499) // client went away: nothing to tell it
				return
			case x.ctx.Err() != nil:
				ae = errForbidden("the stream was stopped by the kill switch", "kill_switch")
			case errors.Is(runErr, errClientWrite):
				x.finish(499)
				return
			default:
				ae = errBrokenStream
			}
		}
		status = ae.status
		x.ev.Status, x.ev.Reason = ae.status, ae.reason
		if ae.reason == "guardrail" {
			x.ev.Decision = "block"
		} else {
			x.ev.Decision = "error"
		}
		if !p.ended {
			p.captureStream()
			x.record()
		}
		x.countBlock(ae.reason)
		enc.fail(ae)
	}
	x.finish(status)
}

var errClientWrite = errors.New("client write failed")

// relayOpenAI reads OpenAI chat completion chunks.
func (x *exchange) relayOpenAI(rd *sse.Reader, p *streamProc, enc streamEnc) error {
	var c oaStreamChunk // reused: its slices keep their capacity
	for {
		ev, err := rd.Next()
		if err != nil {
			return err // EOF before [DONE] is a broken stream too
		}
		if string(ev.Data) == "[DONE]" {
			return p.onEnd(x.ctx)
		}
		if ev.Event == "error" {
			return errBrokenStream
		}
		if err := c.decode(ev.Data); err != nil || c.hasError {
			return errBrokenStream
		}
		for i := range c.choices {
			ch := &c.choices[i]
			if ch.content != "" {
				if err := p.onText(x.ctx, ch.index, ch.content); err != nil {
					return err
				}
			}
			for _, t := range ch.tools {
				p.onTool(ch.index, t.index, t.id, t.name, t.args)
			}
			if ch.finish != "" {
				if err := p.onFinish(x.ctx, ch.index, ch.finish); err != nil {
					return err
				}
			}
		}
		if c.hasUsage {
			p.in, p.out = c.in, c.out
		}
	}
}

// relayAnthropic reads Anthropic message stream events.
func (x *exchange) relayAnthropic(rd *sse.Reader, p *streamProc, enc streamEnc) error {
	type event struct {
		Type    string `json:"type"`
		Index   int    `json:"index"`
		Message struct {
			Usage struct {
				InputTokens int `json:"input_tokens"`
			} `json:"usage"`
		} `json:"message"`
		ContentBlock part `json:"content_block"`
		Delta        struct {
			Type        string `json:"type"`
			Text        string `json:"text"`
			PartialJSON string `json:"partial_json"`
			StopReason  string `json:"stop_reason"`
		} `json:"delta"`
		Usage struct {
			OutputTokens int `json:"output_tokens"`
		} `json:"usage"`
	}
	stop := ""
	toolIdx := map[int]int{} // content block index -> tool call index
	for {
		ev, err := rd.Next()
		if err != nil {
			return err
		}
		var e event
		if err := json.Unmarshal(ev.Data, &e); err != nil {
			return errBrokenStream
		}
		switch e.Type {
		case "message_start":
			p.in = e.Message.Usage.InputTokens
		case "content_block_start":
			if e.ContentBlock.Type == "tool_use" {
				n := len(toolIdx)
				toolIdx[e.Index] = n
				p.onTool(0, n, e.ContentBlock.ID, e.ContentBlock.Name, "")
			}
		case "content_block_delta":
			switch e.Delta.Type {
			case "text_delta":
				if err := p.onText(x.ctx, 0, e.Delta.Text); err != nil {
					return err
				}
			case "input_json_delta":
				if n, ok := toolIdx[e.Index]; ok {
					p.onTool(0, n, "", "", e.Delta.PartialJSON)
				}
			}
		case "message_delta":
			if e.Delta.StopReason != "" {
				stop = e.Delta.StopReason
			}
			if e.Usage.OutputTokens > 0 {
				p.out = e.Usage.OutputTokens
			}
		case "message_stop":
			if err := p.onFinish(x.ctx, 0, finishFromAnthropic(nonEmpty(stop, "end_turn"))); err != nil {
				return err
			}
			return p.onEnd(x.ctx)
		case "error":
			return errBrokenStream
		}
	}
}

// --- OpenAI chunk encoder ---

type openAIEnc struct {
	w            *sse.Writer
	model        string
	includeUsage bool
	started      map[int]bool
	buf          []byte
}

const chunkID = "chatcmpl-bulwark"

func (e *openAIEnc) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := e.w.Write("", b); err != nil {
		return errClientWrite
	}
	return nil
}

type oaChunkChoice struct {
	Index        int     `json:"index"`
	Delta        oaDelta `json:"delta"`
	FinishReason *string `json:"finish_reason"`
}

type oaDelta struct {
	Role      string            `json:"role,omitempty"`
	Content   *string           `json:"content,omitempty"`
	ToolCalls []oaToolCallDelta `json:"tool_calls,omitempty"`
}

type oaToolCallDelta struct {
	Index    int    `json:"index"`
	ID       string `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Function struct {
		Name      string `json:"name,omitempty"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type oaChunk struct {
	ID      string          `json:"id"`
	Object  string          `json:"object"`
	Created int64           `json:"created"`
	Model   string          `json:"model"`
	Choices []oaChunkChoice `json:"choices"`
	Usage   *oaUsage        `json:"usage,omitempty"`
}

func (e *openAIEnc) chunk(c oaChunkChoice) error {
	if e.started == nil {
		e.started = map[int]bool{}
	}
	if !e.started[c.Index] {
		e.started[c.Index] = true
		c.Delta.Role = "assistant"
	}
	return e.send(oaChunk{ID: chunkID, Object: "chat.completion.chunk", Model: e.model, Choices: []oaChunkChoice{c}})
}

// text sends a content delta. It is the one event per token, so it is
// written by hand into a reused buffer, byte for byte what json.Marshal
// makes of the oaChunk (TestOpenAIEncTextBytes).
func (e *openAIEnc) text(i int, s string) error {
	if e.started == nil {
		e.started = map[int]bool{}
	}
	first := !e.started[i]
	e.started[i] = true
	b := append(e.buf[:0], `{"id":"`+chunkID+`","object":"chat.completion.chunk","created":0,"model":`...)
	b = appendJSONString(b, e.model)
	b = append(b, `,"choices":[{"index":`...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, `,"delta":{`...)
	if first {
		b = append(b, `"role":"assistant",`...)
	}
	b = append(b, `"content":`...)
	b = appendJSONString(b, s)
	b = append(b, `},"finish_reason":null}]}`...)
	e.buf = b
	if err := e.w.Write("", b); err != nil {
		return errClientWrite
	}
	return nil
}

func (e *openAIEnc) tools(i int, calls []toolCall) error {
	d := oaDelta{}
	for k, t := range calls {
		td := oaToolCallDelta{Index: k, ID: t.ID, Type: "function"}
		td.Function.Name, td.Function.Arguments = t.Name, t.Args
		d.ToolCalls = append(d.ToolCalls, td)
	}
	return e.chunk(oaChunkChoice{Index: i, Delta: d})
}

func (e *openAIEnc) finish(i int, reason string) error {
	return e.chunk(oaChunkChoice{Index: i, FinishReason: &reason})
}

func (e *openAIEnc) end(in, out int) error {
	if e.includeUsage {
		if err := e.send(oaChunk{ID: chunkID, Object: "chat.completion.chunk", Model: e.model, Choices: []oaChunkChoice{},
			Usage: &oaUsage{in, out, in + out}}); err != nil {
			return err
		}
	}
	if err := e.w.Write("", []byte("[DONE]")); err != nil {
		return errClientWrite
	}
	return nil
}

// fail sends an error event in the shape the OpenAI SDKs raise as an API
// error: a data line holding {"error":{...}}. No [DONE] follows.
func (e *openAIEnc) fail(ae *apiError) error {
	return e.w.Write("", ae.body(wireOpenAI))
}

// --- Anthropic event encoder ---

type anthropicEnc struct {
	w       *sse.Writer
	model   string
	started bool
	block   int    // index of the next content block
	open    string // type of the open block ("" none)
	stop    string
	in      *int // input tokens so far
}

func (e *anthropicEnc) send(event string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := e.w.Write(event, b); err != nil {
		return errClientWrite
	}
	return nil
}

func (e *anthropicEnc) start() error {
	if e.started {
		return nil
	}
	e.started = true
	return e.send("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": "msg_bulwark", "type": "message", "role": "assistant", "model": e.model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil, "usage": map[string]int{"input_tokens": *e.in, "output_tokens": 0}}})
}

func (e *anthropicEnc) closeBlock() error {
	if e.open == "" {
		return nil
	}
	e.open = ""
	err := e.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": e.block})
	e.block++
	return err
}

func (e *anthropicEnc) text(i int, s string) error {
	if i != 0 {
		return nil // Anthropic messages have one choice
	}
	if err := e.start(); err != nil {
		return err
	}
	if e.open != "text" {
		if err := e.closeBlock(); err != nil {
			return err
		}
		e.open = "text"
		if err := e.send("content_block_start", map[string]any{"type": "content_block_start", "index": e.block,
			"content_block": map[string]string{"type": "text", "text": ""}}); err != nil {
			return err
		}
	}
	return e.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": e.block,
		"delta": map[string]string{"type": "text_delta", "text": s}})
}

func (e *anthropicEnc) tools(i int, calls []toolCall) error {
	if i != 0 {
		return nil
	}
	if err := e.start(); err != nil {
		return err
	}
	for _, t := range calls {
		if err := e.closeBlock(); err != nil {
			return err
		}
		e.open = "tool_use"
		if err := e.send("content_block_start", map[string]any{"type": "content_block_start", "index": e.block,
			"content_block": map[string]any{"type": "tool_use", "id": t.ID, "name": t.Name, "input": map[string]any{}}}); err != nil {
			return err
		}
		if err := e.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": e.block,
			"delta": map[string]string{"type": "input_json_delta", "partial_json": string(toolInput(t.Args))}}); err != nil {
			return err
		}
	}
	return nil
}

func (e *anthropicEnc) finish(i int, reason string) error {
	if i == 0 {
		e.stop = finishToAnthropic(reason)
	}
	return nil
}

func (e *anthropicEnc) end(in, out int) error {
	if err := e.start(); err != nil {
		return err
	}
	if err := e.closeBlock(); err != nil {
		return err
	}
	if err := e.send("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": nonEmpty(e.stop, "end_turn"), "stop_sequence": nil},
		"usage": map[string]int{"input_tokens": in, "output_tokens": out}}); err != nil {
		return err
	}
	return e.send("message_stop", map[string]string{"type": "message_stop"})
}

func (e *anthropicEnc) fail(ae *apiError) error {
	return e.w.Write("error", ae.body(wireAnthropic))
}
