package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/provider"
)

// completion is the canonical form of a chat response, whichever wire it
// came from or goes to. Finish reasons use OpenAI's vocabulary.
type completion struct {
	ID      string
	Model   string
	Created int64
	Choices []choice
	In, Out int
}

type choice struct {
	Index  int
	Text   string
	Tools  []toolCall
	Finish string
}

type toolCall struct{ ID, Name, Args string }

// clientOut describes what the client asked for.
type clientOut struct {
	wire         wire
	model        string // the model name the client used
	stream       bool
	includeUsage bool
}

// maxUpstreamBody caps a non-streamed upstream response.
const maxUpstreamBody = 64 << 20

func itoa(i int) string { return strconv.Itoa(i) }

// jsonErrText describes a decode error without Go type names.
func jsonErrText(err error) string {
	var de *jsonDecodeError
	if errors.As(err, &de) {
		return de.Error()
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "malformed JSON at offset " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		if te.Field != "" {
			return "field " + te.Field + " has the wrong type (got " + te.Value + ")"
		}
		return "wrong JSON type (got " + te.Value + ")"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of JSON"
	}
	return "malformed JSON"
}

// respond turns an upstream response into the client's response.
func (x *exchange) respond(res provider.Result, out *clientOut) {
	resp := res.Resp
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		x.fail(upstreamError(resp))
		return
	}
	upWire := wireOpenAI
	if res.API == provider.APIMessages {
		upWire = wireAnthropic
	}
	if out.stream {
		x.stream(resp, upWire, out)
		return
	}
	buf := getBuf()
	defer x.putBuf(buf)
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, maxUpstreamBody))
	if err != nil {
		x.fail(errUpstream(http.StatusBadGateway, "the upstream response could not be read"))
		return
	}
	body := buf.Bytes()
	var c *completion
	if upWire == wireAnthropic {
		c, err = decodeAnthropic(body)
	} else {
		c, err = decodeOpenAI(body)
	}
	if err != nil {
		x.fail(errUpstream(http.StatusBadGateway, "the upstream sent an invalid response"))
		return
	}
	// Same wire, same model name and nothing changed by the checks: relay
	// the upstream's bytes, keeping fields the canonical form does not hold.
	same := upWire == out.wire && res.Target.Model == out.model
	c.Model = out.model
	for i := range c.Choices {
		ch := &c.Choices[i]
		if ch.Text != "" {
			t, err := x.sess.CheckOutput(x.ctx, ch.Text)
			if err != nil {
				x.fail(x.guardError(err))
				return
			}
			same = same && t == ch.Text
			ch.Text = t
		}
		if x.g.o.ToolCalls != nil && len(ch.Tools) > 0 {
			same = false // calls may be dropped or their arguments rewritten
		}
		if e := x.checkTools(ch); e != nil {
			x.fail(e)
			return
		}
	}
	x.usage(c.In, c.Out)
	var b []byte
	switch {
	case same:
		b = body
	case out.wire == wireAnthropic:
		b = encodeAnthropic(c)
	case out.wire == wireResponses:
		b = encodeResponses(c)
	default:
		b = encodeOpenAI(c)
	}
	x.captureResponse(b)
	x.ev.Status = http.StatusOK
	if err := x.record(); err != nil {
		x.fail(errInternal("the audit log is unavailable, so the response was withheld", "audit_error"))
		return
	}
	x.verdictHeader()
	x.w.Header().Set("Content-Type", "application/json")
	x.w.WriteHeader(http.StatusOK)
	x.w.Write(b)
	x.finish(http.StatusOK)
}

// checkTools runs the tool-call checker over a choice's calls, replacing
// denied calls with an explanatory text.
func (x *exchange) checkTools(ch *choice) *apiError {
	tc := x.g.o.ToolCalls
	if tc == nil || len(ch.Tools) == 0 {
		return nil
	}
	calls := make([]agent.ToolCall, len(ch.Tools))
	for i, t := range ch.Tools {
		calls[i] = agent.ToolCall{ID: t.ID, Name: t.Name, Arguments: json.RawMessage(t.Args)}
	}
	ds, err := tc.CheckToolCalls(x.ctx, x.entry.Principal, calls, x.sess.Verdict().Findings)
	if err != nil || len(ds) != len(calls) {
		return &apiError{status: 503, oaType: "server_error", code: "tool_policy_unavailable", anType: "api_error",
			msg: "the tool-call policy could not be evaluated, so the response was withheld", reason: "tool_call"}
	}
	kept := ch.Tools[:0]
	var denied []string
	for i, d := range ds {
		t := ch.Tools[i]
		if d.Effect != agent.EffectAllow {
			reason := t.Name
			if len(d.Reasons) > 0 {
				reason += " (" + strings.Join(d.Reasons, "; ") + ")"
			}
			denied = append(denied, reason)
			continue
		}
		if d.Arguments != nil {
			t.Args = string(d.Arguments)
		}
		kept = append(kept, t)
	}
	ch.Tools = kept
	if len(denied) > 0 {
		msg := fmt.Sprintf(x.st.Config.ToolCalls.DeniedMessage, strings.Join(denied, ", "))
		if ch.Text != "" {
			ch.Text += "\n\n"
		}
		ch.Text += msg
		if len(kept) == 0 && ch.Finish == "tool_calls" {
			ch.Finish = "stop"
		}
		x.g.metrics.block("tool_call", float64(len(denied)))
		if x.ev.Decision == "" {
			x.ev.Decision = "deny"
		}
	}
	return nil
}

// upstreamError maps an upstream error response to a client error. The
// upstream's own message is passed on (it is meant for API clients), but
// authentication failures between Bulwark and the upstream become 502: they
// are the operator's problem, not the client's.
func upstreamError(resp *http.Response) *apiError {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var v struct {
		Error json.RawMessage `json:"error"`
	}
	msg := ""
	if json.Unmarshal(b, &v) == nil && len(v.Error) > 0 {
		var e struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(v.Error, &e) == nil {
			msg = e.Message
		}
	}
	if len(msg) > 1024 {
		msg = msg[:1024]
	}
	switch s := resp.StatusCode; {
	case s == 401 || s == 403:
		return errUpstream(http.StatusBadGateway, "the upstream rejected the gateway's credentials")
	case s == 404:
		return &apiError{status: 404, oaType: "invalid_request_error", code: "model_not_found", anType: "not_found_error", msg: nonEmpty(msg, "the upstream does not know this model"), reason: "upstream"}
	case s == 429:
		e := errRateLimited(nonEmpty(msg, "the upstream is rate limiting requests"))
		e.reason = "upstream"
		return e
	case s >= 400 && s < 500:
		e := errBadRequest(nonEmpty(msg, "the upstream rejected the request"))
		e.status, e.reason = s, "upstream"
		return e
	default:
		return errUpstream(http.StatusBadGateway, "the upstream failed (status "+strconv.Itoa(s)+")")
	}
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// --- OpenAI chat completion ---

type oaResp struct {
	ID      string `json:"id"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Content   *string        `json:"content"`
			ToolCalls []chatToolCall `json:"tool_calls"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *oaUsage `json:"usage"`
}

type oaUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// decodeOpenAI decodes a chat completion in one pass (jreader).
func decodeOpenAI(b []byte) (*completion, error) {
	r := jreader{b: b}
	c := &completion{}
	if r.openObject("") {
		for first := true; r.more('}', &first); {
			switch string(r.key()) {
			case "id":
				r.str("id", &c.ID)
			case "created":
				r.integer("created", &c.Created)
			case "model":
				r.str("model", &c.Model)
			case "choices":
				c.Choices = r.oaChoices()
			case "usage":
				if r.openObject("usage") {
					for first := true; r.more('}', &first); {
						switch string(r.key()) {
						case "prompt_tokens":
							r.intVal("usage.prompt_tokens", &c.In)
						case "completion_tokens":
							r.intVal("usage.completion_tokens", &c.Out)
						default:
							r.skip()
						}
					}
				}
			default:
				r.skip()
			}
		}
	}
	r.end()
	if err := r.result(); err != nil {
		return nil, err
	}
	return c, nil
}

func (r *jreader) oaChoices() []choice {
	if !r.openArray("choices") {
		return nil
	}
	var out []choice
	for first := true; r.more(']', &first); {
		var o choice
		if r.openObject("choices") {
			for first := true; r.more('}', &first); {
				switch string(r.key()) {
				case "index":
					r.intVal("choices.index", &o.Index)
				case "finish_reason":
					r.str("choices.finish_reason", &o.Finish)
				case "message":
					if !r.openObject("choices.message") {
						continue
					}
					for first := true; r.more('}', &first); {
						switch string(r.key()) {
						case "content":
							o.Text = ""
							r.str("choices.message.content", &o.Text)
						case "tool_calls":
							var calls []chatToolCall
							calls = r.toolCalls(calls)
							o.Tools = o.Tools[:0]
							for _, t := range calls {
								o.Tools = append(o.Tools, toolCall{ID: t.ID, Name: t.Function.Name, Args: t.Function.Arguments})
							}
						default:
							r.skip()
						}
					}
				default:
					r.skip()
				}
			}
		}
		out = append(out, o)
	}
	return out
}

type oaOutMsg struct {
	Role      string         `json:"role"`
	Content   *string        `json:"content"`
	Refusal   *string        `json:"refusal"`
	ToolCalls []chatToolCall `json:"tool_calls,omitempty"`
}

type oaOutChoice struct {
	Index        int       `json:"index"`
	Message      oaOutMsg  `json:"message"`
	Logprobs     *struct{} `json:"logprobs"`
	FinishReason string    `json:"finish_reason"`
}

func oaToolCalls(ts []toolCall) []chatToolCall {
	var out []chatToolCall
	for _, t := range ts {
		tc := chatToolCall{ID: t.ID, Type: "function"}
		tc.Function.Name, tc.Function.Arguments = t.Name, t.Args
		out = append(out, tc)
	}
	return out
}

func encodeOpenAI(c *completion) []byte {
	choices := make([]oaOutChoice, len(c.Choices))
	for i, ch := range c.Choices {
		m := oaOutMsg{Role: "assistant", ToolCalls: oaToolCalls(ch.Tools)}
		if ch.Text != "" || len(ch.Tools) == 0 {
			t := ch.Text
			m.Content = &t
		}
		finish := ch.Finish
		if finish == "" {
			finish = "stop"
		}
		choices[i] = oaOutChoice{Index: ch.Index, Message: m, FinishReason: finish}
	}
	b, _ := json.Marshal(struct {
		ID      string        `json:"id"`
		Object  string        `json:"object"`
		Created int64         `json:"created"`
		Model   string        `json:"model"`
		Choices []oaOutChoice `json:"choices"`
		Usage   oaUsage       `json:"usage"`
	}{c.ID, "chat.completion", c.Created, c.Model, choices, oaUsage{c.In, c.Out, c.In + c.Out}})
	return b
}

// --- Anthropic message ---

type anResp struct {
	ID         string `json:"id"`
	Model      string `json:"model"`
	Content    []part `json:"content"`
	StopReason string `json:"stop_reason"`
	Usage      struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
	} `json:"usage"`
}

func decodeAnthropic(b []byte) (*completion, error) {
	var r anResp
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	ch := choice{Finish: finishFromAnthropic(r.StopReason)}
	for _, p := range r.Content {
		switch p.Type {
		case "text":
			if p.Text != nil {
				ch.Text += *p.Text
			}
		case "tool_use":
			args := string(p.Input)
			if isNull(p.Input) {
				args = "{}"
			}
			ch.Tools = append(ch.Tools, toolCall{ID: p.ID, Name: p.Name, Args: args})
		}
	}
	return &completion{ID: r.ID, Model: r.Model, Choices: []choice{ch}, In: r.Usage.InputTokens, Out: r.Usage.OutputTokens}, nil
}

func finishFromAnthropic(s string) string {
	switch s {
	case "max_tokens":
		return "length"
	case "tool_use":
		return "tool_calls"
	case "refusal":
		return "content_filter"
	case "":
		return ""
	}
	return "stop"
}

func finishToAnthropic(s string) string {
	switch s {
	case "length":
		return "max_tokens"
	case "tool_calls", "function_call":
		return "tool_use"
	case "content_filter":
		return "refusal"
	}
	return "end_turn"
}

type anBlock struct {
	Type  string          `json:"type"`
	Text  *string         `json:"text,omitempty"`
	ID    string          `json:"id,omitempty"`
	Name  string          `json:"name,omitempty"`
	Input json.RawMessage `json:"input,omitempty"`
}

// toolInput returns a tool call's arguments as a JSON object for
// Anthropic's input field (models may emit invalid JSON; then the raw text
// is wrapped so the client still sees it).
func toolInput(args string) json.RawMessage {
	if args == "" {
		return json.RawMessage("{}")
	}
	if json.Valid([]byte(args)) {
		return json.RawMessage(args)
	}
	b, _ := json.Marshal(map[string]string{"_raw_arguments": args})
	return b
}

func anthropicID(id string) string {
	if strings.HasPrefix(id, "msg_") {
		return id
	}
	return "msg_" + strings.TrimPrefix(id, "chatcmpl-")
}

func encodeAnthropic(c *completion) []byte {
	var ch choice
	if len(c.Choices) > 0 {
		ch = c.Choices[0]
	}
	blocks := []anBlock{}
	if ch.Text != "" || len(ch.Tools) == 0 {
		t := ch.Text
		blocks = append(blocks, anBlock{Type: "text", Text: &t})
	}
	for _, t := range ch.Tools {
		blocks = append(blocks, anBlock{Type: "tool_use", ID: t.ID, Name: t.Name, Input: toolInput(t.Args)})
	}
	b, _ := json.Marshal(map[string]any{
		"id": anthropicID(c.ID), "type": "message", "role": "assistant", "model": c.Model,
		"content": blocks, "stop_reason": finishToAnthropic(ch.Finish), "stop_sequence": nil,
		"usage": map[string]int{"input_tokens": c.In, "output_tokens": c.Out},
	})
	return b
}

// bufPool recycles the buffers upstream response bodies are read into.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuf is the largest buffer kept for reuse, so one huge response
// does not pin its memory in the pool.
const maxPooledBuf = 256 << 10

func getBuf() *bytes.Buffer { return bufPool.Get().(*bytes.Buffer) }

// putBuf returns b to the pool unless the exchange may have kept its bytes
// (audit payloads keep the response body as sent).
func (x *exchange) putBuf(b *bytes.Buffer) {
	if x.g.payloads != audit.PayloadsOff || b.Cap() > maxPooledBuf {
		return
	}
	b.Reset()
	bufPool.Put(b)
}
