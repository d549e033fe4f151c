package gateway

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/provider"
	"github.com/bulwark-ai/bulwark/internal/sse"
)

// The OpenAI Responses API (POST /v1/responses) is relayed to upstreams
// that speak it natively (OpenAI-compatible and the mock). The request's
// instructions and input texts go through the input checks; output texts are
// checked by editing the response (or each stream event) in place, so every
// other field passes through.

type respReq struct {
	Model        string          `json:"model"`
	Stream       bool            `json:"stream"`
	Instructions *string         `json:"instructions"`
	Input        json.RawMessage `json:"input"`
	Tools        []struct {
		Type string `json:"type"`
		Name string `json:"name"`
	} `json:"tools"`
}

type respItem struct {
	Type    string          `json:"type"`
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
	Output  json.RawMessage `json:"output"`
}

func (g *Gateway) handleResponses(w http.ResponseWriter, r *http.Request) {
	x := g.begin(w, r, "responses", wireOpenAI, "/v1/responses")
	var req respReq
	body, ok := x.admit(&req)
	if !ok {
		return
	}
	if isNull(req.Input) {
		x.fail(errBadRequest("input: required"))
		return
	}
	if e := x.resolve(req.Model); e != nil {
		x.fail(e)
		return
	}
	for _, t := range req.Tools {
		x.ev.Tools = append(x.ev.Tools, nonEmpty(t.Name, t.Type))
	}
	// contents: [instructions, input-or-items...]
	var contents []json.RawMessage
	var sources []guard.Source
	instr := json.RawMessage("null")
	system := ""
	if req.Instructions != nil {
		instr, _ = json.Marshal(*req.Instructions)
		system = *req.Instructions
	}
	contents = append(contents, instr)
	sources = append(sources, guard.SourceSystem)
	var items []json.RawMessage
	stringInput := isString(req.Input)
	if stringInput {
		contents = append(contents, req.Input)
		sources = append(sources, guard.SourceUser)
	} else {
		if err := json.Unmarshal(req.Input, &items); err != nil {
			x.fail(errBadRequest("input: must be a string or an array of items"))
			return
		}
		for _, it := range items {
			var item respItem
			if err := json.Unmarshal(it, &item); err != nil {
				x.fail(errBadRequest("input: invalid item"))
				return
			}
			switch {
			case item.Type == "function_call_output":
				contents = append(contents, item.Output)
				sources = append(sources, guard.SourceTool)
			case item.Type == "" || item.Type == "message":
				contents = append(contents, item.Content)
				sources = append(sources, roleSource(item.Role))
			default:
				contents = append(contents, nil)
				sources = append(sources, guard.SourceUser)
			}
		}
	}
	x.beginGuard(req.Model, system, req.Stream, nil)
	edit, e := x.guardMessages(contents, sources)
	if e != nil {
		x.fail(e)
		return
	}
	if c := x.sess.Canary(); c != "" {
		cur := instr
		if nc, ok := edit.content[0]; ok {
			cur = nc
		}
		sep := "\n\n"
		if isNull(cur) {
			sep = ""
		}
		nc, _ := appendText(cur, sep+c)
		if edit.content == nil {
			edit.content = map[int]json.RawMessage{}
		}
		edit.content[0] = nc
	}
	res, e := x.call(func(t provider.Target) (provider.API, []byte, error) {
		if !t.Upstream.Speaks(provider.APIResponses) {
			if !t.Upstream.Speaks(provider.APIMessages) {
				return 0, nil, errBadRequest("model " + req.Model + " is not available through the Responses API; use /v1/chat/completions")
			}
			return respTranslate(body, &req, instr, stringInput, items, edit, t.Model)
		}
		if t.Model == req.Model && !edit.dirty() {
			return provider.APIResponses, body, nil
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			return 0, nil, err
		}
		top["model"], _ = json.Marshal(t.Model)
		for i, c := range edit.content {
			switch {
			case i == 0:
				top["instructions"] = c
			case stringInput:
				top["input"] = c
			default:
				field := "content"
				var item respItem
				json.Unmarshal(items[i-1], &item)
				if item.Type == "function_call_output" {
					field = "output"
				}
				ni, err := setField(items[i-1], field, c)
				if err != nil {
					return 0, nil, err
				}
				items[i-1] = ni
			}
		}
		if !stringInput && len(edit.content) > 0 {
			top["input"], _ = json.Marshal(items)
		}
		b, err := json.Marshal(top)
		return provider.APIResponses, b, err
	})
	if e != nil {
		x.fail(e)
		return
	}
	if res.API == provider.APIMessages {
		// Translated to an Anthropic upstream: the canonical path, encoded
		// as a Responses object or Responses stream events.
		x.respond(res, &clientOut{wire: wireResponses, model: req.Model, stream: req.Stream})
		return
	}
	defer res.Resp.Body.Close()
	if res.Resp.StatusCode/100 != 2 {
		x.fail(upstreamError(res.Resp))
		return
	}
	if req.Stream {
		x.streamResponses(res.Resp)
		return
	}
	b, err := io.ReadAll(io.LimitReader(res.Resp.Body, maxUpstreamBody))
	if err != nil {
		x.fail(errUpstream(http.StatusBadGateway, "the upstream response could not be read"))
		return
	}
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(b, &resp); err != nil {
		x.fail(errUpstream(http.StatusBadGateway, "the upstream sent an invalid response"))
		return
	}
	out, e := x.guardRespOutput(resp["output"], nil)
	if e != nil {
		x.fail(e)
		return
	}
	if out != nil {
		resp["output"] = out
		b, _ = json.Marshal(resp)
	}
	var u struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
	}
	json.Unmarshal(resp["usage"], &u)
	x.usage(u.InputTokens, u.OutputTokens)
	x.captureResponse(b)
	x.ev.Status = http.StatusOK
	if err := x.record(); err != nil {
		x.fail(errInternal("the audit log is unavailable, so the response was withheld", "audit_error"))
		return
	}
	x.verdictHeader()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	x.finish(http.StatusOK)
}

type textKey struct{ item, part int }

// guardRespOutput checks a Responses output array. With streamed non-nil,
// texts already checked while streaming are substituted instead of being
// checked again. It returns the new output (nil if unchanged).
func (x *exchange) guardRespOutput(raw json.RawMessage, streamed map[textKey]string) (json.RawMessage, *apiError) {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, nil
	}
	changed := false
	var kept []map[string]json.RawMessage
	for i, it := range items {
		var typ string
		json.Unmarshal(it["type"], &typ)
		switch typ {
		case "message":
			var parts []map[string]json.RawMessage
			if json.Unmarshal(it["content"], &parts) != nil {
				break
			}
			for j, p := range parts {
				var text *string
				json.Unmarshal(p["text"], &text)
				if text == nil {
					continue
				}
				var nt string
				if streamed != nil {
					nt = streamed[textKey{i, j}]
				} else {
					var err error
					if nt, err = x.sess.CheckOutput(x.ctx, *text); err != nil {
						return nil, x.guardError(err)
					}
				}
				if nt != *text {
					p["text"], _ = json.Marshal(nt)
					changed = true
				}
			}
			if changed {
				it["content"], _ = json.Marshal(parts)
			}
		case "function_call":
			if x.g.o.ToolCalls != nil {
				var fc struct {
					CallID    string `json:"call_id"`
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				}
				json.Unmarshal(mustJSON(it), &fc)
				ch := choice{Tools: []toolCall{{ID: fc.CallID, Name: fc.Name, Args: fc.Arguments}}}
				if e := x.checkTools(&ch); e != nil {
					return nil, e
				}
				if len(ch.Tools) == 0 {
					if streamed != nil {
						return nil, &apiError{status: 403, oaType: "permission_error", code: "tool_call_denied", anType: "permission_error", msg: ch.Text, reason: "tool_call"}
					}
					changed = true
					msg, _ := json.Marshal([]map[string]any{{"type": "output_text", "text": ch.Text, "annotations": []any{}}})
					it = map[string]json.RawMessage{"type": json.RawMessage(`"message"`), "id": it["id"], "role": json.RawMessage(`"assistant"`),
						"status": json.RawMessage(`"completed"`), "content": msg}
				}
			}
		}
		kept = append(kept, it)
	}
	if !changed {
		return nil, nil
	}
	b, _ := json.Marshal(kept)
	return b, nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// streamResponses relays a Responses API event stream.
func (x *exchange) streamResponses(resp *http.Response) {
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		x.fail(errUpstream(http.StatusBadGateway, "the upstream did not stream the response"))
		return
	}
	x.verdictHeader()
	sse.SetHeaders(x.w.Header())
	x.w.WriteHeader(http.StatusOK)
	sw := sse.NewWriter(x.w)
	sw.Flush() // send the headers now; guardrails may hold text back
	rd := sse.NewReader(resp.Body, 0)
	streams := map[textKey]*guard.Stream{}
	emitted := map[textKey]string{}
	seq := 0
	err := func() error {
		for {
			ev, err := rd.Next()
			if err != nil {
				return err
			}
			var head struct {
				Type         string `json:"type"`
				OutputIndex  int    `json:"output_index"`
				ContentIndex int    `json:"content_index"`
				Delta        string `json:"delta"`
				Seq          int    `json:"sequence_number"`
			}
			if json.Unmarshal(ev.Data, &head) != nil {
				return errBrokenStream
			}
			seq = head.Seq
			k := textKey{head.OutputIndex, head.ContentIndex}
			data := ev.Data
			switch head.Type {
			case "response.output_text.delta":
				gs := streams[k]
				if gs == nil {
					gs = x.sess.NewStream()
					streams[k] = gs
				}
				emit, err := gs.Write(x.ctx, head.Delta)
				if err != nil {
					return x.guardError(err)
				}
				if emit == "" {
					continue
				}
				emitted[k] += emit
				data, _ = setField(data, "delta", mustJSON(emit))
			case "response.output_text.done":
				if gs := streams[k]; gs != nil {
					rest, err := gs.Close(x.ctx)
					if err != nil {
						return x.guardError(err)
					}
					if rest != "" {
						emitted[k] += rest
						d, _ := setField(data, "type", mustJSON("response.output_text.delta"))
						d, _ = setField(d, "delta", mustJSON(rest))
						if err := sw.Write("response.output_text.delta", d); err != nil {
							return errClientWrite
						}
					}
				}
				data, _ = setField(data, "text", mustJSON(emitted[k]))
			case "response.content_part.done":
				var p map[string]json.RawMessage
				var v struct {
					Part json.RawMessage `json:"part"`
				}
				json.Unmarshal(data, &v)
				if json.Unmarshal(v.Part, &p) == nil && p["text"] != nil {
					p["text"] = mustJSON(emitted[k])
					data, _ = setField(data, "part", mustJSON(p))
				}
			case "response.output_item.done":
				var v struct {
					Item json.RawMessage `json:"item"`
				}
				json.Unmarshal(data, &v)
				wrapped := mustJSON([]json.RawMessage{v.Item})
				sub := map[textKey]string{}
				for kk, t := range emitted {
					if kk.item == head.OutputIndex {
						sub[textKey{0, kk.part}] = t
					}
				}
				out, e := x.guardRespOutput(wrapped, sub)
				if e != nil {
					return e
				}
				if out != nil {
					var one []json.RawMessage
					json.Unmarshal(out, &one)
					data, _ = setField(data, "item", one[0])
				}
			case "response.completed", "response.incomplete":
				var v struct {
					Response map[string]json.RawMessage `json:"response"`
				}
				json.Unmarshal(data, &v)
				if v.Response != nil {
					out, e := x.guardRespOutput(v.Response["output"], emitted)
					if e != nil {
						return e
					}
					if out != nil {
						v.Response["output"] = out
						data, _ = setField(data, "response", mustJSON(v.Response))
					}
					var u struct {
						InputTokens  int `json:"input_tokens"`
						OutputTokens int `json:"output_tokens"`
					}
					json.Unmarshal(v.Response["usage"], &u)
					x.usage(u.InputTokens, u.OutputTokens)
					if x.g.payloads != audit.PayloadsOff {
						// The completed response object: the body a
						// non-streamed request would have returned.
						x.captureResponse(mustJSON(v.Response))
					}
				}
				x.ev.Status = http.StatusOK
				if err := x.record(); err != nil {
					return errInternal("the audit log is unavailable, so the response was withheld", "audit_error")
				}
				if err := sw.Write(ev.Event, data); err != nil {
					return errClientWrite
				}
				return nil
			case "error", "response.failed":
				if err := sw.Write(ev.Event, data); err != nil {
					return errClientWrite
				}
				return errors.New("upstream reported an error")
			}
			if err := sw.Write(ev.Event, data); err != nil {
				return errClientWrite
			}
		}
	}()
	if err == nil {
		x.finish(http.StatusOK)
		return
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		if x.r.Context().Err() != nil || errors.Is(err, errClientWrite) {
			x.finish(499)
			return
		}
		ae = errBrokenStream
	}
	x.ev.Status, x.ev.Reason, x.ev.Decision = ae.status, ae.reason, "error"
	if ae.reason == "guardrail" {
		x.ev.Decision = "block"
	}
	x.record()
	x.countBlock(ae.reason)
	b, _ := json.Marshal(map[string]any{"type": "error", "code": ae.code, "message": ae.msg, "param": nil, "sequence_number": seq + 1})
	sw.Write("error", b)
	x.finish(ae.status)
}

// respTranslate builds the Anthropic messages request for a Responses
// request, with the guard's edits applied (edit.content[0] is the
// instructions, [i] input item i-1 or the string input).
func respTranslate(body []byte, req *respReq, instr json.RawMessage, stringInput bool, items []json.RawMessage, edit *msgEdit, model string) (provider.API, []byte, error) {
	in := instr
	if c, ok := edit.content[0]; ok {
		in = c
	}
	var input json.RawMessage
	var its []json.RawMessage
	if stringInput {
		input = req.Input
		if c, ok := edit.content[1]; ok {
			input = c
		}
	} else {
		its = append([]json.RawMessage(nil), items...)
		for i, c := range edit.content {
			if i == 0 {
				continue
			}
			var item respItem
			json.Unmarshal(its[i-1], &item)
			field := "content"
			if item.Type == "function_call_output" {
				field = "output"
			}
			ni, err := setField(its[i-1], field, c)
			if err != nil {
				return 0, nil, err
			}
			its[i-1] = ni
		}
	}
	b, e := responsesToAnthropic(body, req.Stream, in, input, its, model)
	if e != nil {
		return 0, nil, e
	}
	return provider.APIMessages, b, nil
}
