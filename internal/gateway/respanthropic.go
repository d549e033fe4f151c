package gateway

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/bulwark-ai/bulwark/internal/sse"
)

// Responses API ↔ Anthropic Messages translation. A Responses request routed
// to an upstream that speaks only Anthropic Messages is translated into a
// messages request; the answer (streamed or not) is decoded into the
// canonical completion, guarded like any other, and encoded as a Responses
// object or as Responses stream events (responsesEnc).

// respReqExtra are the Responses request fields only the translation reads.
type respReqExtra struct {
	MaxOutputTokens    *int            `json:"max_output_tokens"`
	Temperature        *float64        `json:"temperature"`
	TopP               *float64        `json:"top_p"`
	ToolChoice         json.RawMessage `json:"tool_choice"`
	User               string          `json:"user"`
	PreviousResponseID string          `json:"previous_response_id"`
	Tools              []struct {
		Type        string          `json:"type"`
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"tools"`
}

// respInItem is an input item as the translation reads it.
type respInItem struct {
	Type      string          `json:"type"`
	Role      string          `json:"role"`
	Content   json.RawMessage `json:"content"`
	CallID    string          `json:"call_id"`
	Name      string          `json:"name"`
	Arguments string          `json:"arguments"`
	Output    json.RawMessage `json:"output"`
}

// respPart is an input content part.
type respPart struct {
	Type     string          `json:"type"`
	Text     string          `json:"text"`
	ImageURL string          `json:"image_url"`
	Detail   json.RawMessage `json:"detail"`
}

// responsesToAnthropic translates a Responses request for an Anthropic
// upstream. instr is the (guarded) instructions value, input the (guarded)
// string input or nil, items the input items with guard edits applied.
func responsesToAnthropic(body []byte, stream bool, instr json.RawMessage, input json.RawMessage, items []json.RawMessage, model string) ([]byte, *apiError) {
	var ex respReqExtra
	if err := json.Unmarshal(body, &ex); err != nil {
		return nil, errBadRequest("invalid JSON body: " + jsonErrText(err))
	}
	if ex.PreviousResponseID != "" {
		return nil, errBadRequest("previous_response_id is not supported for this model: send the whole conversation in input")
	}
	out := anReqOut{Model: model, MaxTokens: defaultMaxTokens, Stream: stream, Temperature: ex.Temperature, TopP: ex.TopP}
	if ex.MaxOutputTokens != nil {
		out.MaxTokens = *ex.MaxOutputTokens
	}
	var sys []string
	if s := plainText(instr); s != "" {
		sys = append(sys, s)
	}
	if input != nil {
		var s string
		json.Unmarshal(input, &s)
		out.add("user", map[string]string{"type": "text", "text": s})
	}
	for i, raw := range items {
		var it respInItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return nil, errBadRequest("input[" + itoa(i) + "]: invalid item")
		}
		switch it.Type {
		case "", "message":
			blocks, e := respContentToBlocks(it.Content, i)
			if e != nil {
				return nil, e
			}
			switch it.Role {
			case "system", "developer":
				if s := plainText(it.Content); s != "" {
					sys = append(sys, s)
				}
			case "assistant":
				out.add("assistant", blocks...)
			default:
				out.add("user", blocks...)
			}
		case "function_call":
			out.add("assistant", map[string]any{"type": "tool_use", "id": it.CallID, "name": it.Name, "input": toolInput(it.Arguments)})
		case "function_call_output":
			out.add("user", map[string]any{"type": "tool_result", "tool_use_id": it.CallID, "content": plainText(it.Output)})
		case "reasoning":
			// The model's own reasoning summary: nothing to send back.
		default:
			return nil, errBadRequest("input[" + itoa(i) + "]: item type " + it.Type + " is not supported for this model")
		}
	}
	out.System = strings.Join(sys, "\n\n")
	for _, t := range ex.Tools {
		if t.Type != "function" {
			return nil, errBadRequest("tool type " + t.Type + " is not supported for this model; use function tools")
		}
		schema := t.Parameters
		if isNull(schema) {
			schema = json.RawMessage(`{"type":"object","properties":{}}`)
		}
		out.Tools = append(out.Tools, anToolOut{Name: t.Name, Description: t.Description, InputSchema: schema})
	}
	out.ToolChoice = anToolChoice(ex.ToolChoice, func(tc json.RawMessage) string {
		var v struct{ Type, Name string }
		if json.Unmarshal(tc, &v) == nil && v.Type == "function" {
			return v.Name
		}
		return ""
	})
	if ex.User != "" {
		out.Metadata = map[string]string{"user_id": ex.User}
	}
	if out.Messages == nil {
		out.Messages = []anMsgOut{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, errBadRequest("the request could not be translated")
	}
	return b, nil
}

// respContentToBlocks converts a Responses message content (a string or
// input parts) to Anthropic blocks.
func respContentToBlocks(raw json.RawMessage, i int) ([]any, *apiError) {
	if isNull(raw) {
		return nil, nil
	}
	if isString(raw) {
		var s string
		json.Unmarshal(raw, &s)
		if s == "" {
			return nil, nil
		}
		return []any{map[string]string{"type": "text", "text": s}}, nil
	}
	var parts []respPart
	if err := json.Unmarshal(raw, &parts); err != nil {
		return nil, errBadRequest("input[" + itoa(i) + "].content: " + errContent.Error())
	}
	var out []any
	for _, p := range parts {
		switch p.Type {
		case "input_text", "output_text", "text":
			out = append(out, map[string]string{"type": "text", "text": p.Text})
		case "input_image":
			u := p.ImageURL
			if rest, ok := strings.CutPrefix(u, "data:"); ok {
				mt, data, _ := strings.Cut(rest, ";base64,")
				out = append(out, map[string]any{"type": "image", "source": map[string]string{"type": "base64", "media_type": mt, "data": data}})
			} else if u != "" {
				out = append(out, map[string]any{"type": "image", "source": map[string]string{"type": "url", "url": u}})
			}
		case "refusal":
		default:
			return nil, errBadRequest("input[" + itoa(i) + "].content: part type " + p.Type + " is not supported for this model")
		}
	}
	return out, nil
}

// --- Responses objects ---

type respOutText struct {
	Type        string `json:"type"`
	Text        string `json:"text"`
	Annotations []any  `json:"annotations"`
}

type respOutItem struct {
	ID        string        `json:"id"`
	Type      string        `json:"type"`
	Status    string        `json:"status"`
	Role      string        `json:"role,omitempty"`
	Content   []respOutText `json:"content,omitempty"`
	CallID    string        `json:"call_id,omitempty"`
	Name      string        `json:"name,omitempty"`
	Arguments *string       `json:"arguments,omitempty"`
}

type respUsage struct {
	InputTokens         int            `json:"input_tokens"`
	InputTokensDetails  map[string]int `json:"input_tokens_details"`
	OutputTokens        int            `json:"output_tokens"`
	OutputTokensDetails map[string]int `json:"output_tokens_details"`
	TotalTokens         int            `json:"total_tokens"`
}

type respObject struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	CreatedAt         int64             `json:"created_at"`
	Status            string            `json:"status"`
	Model             string            `json:"model"`
	Output            []respOutItem     `json:"output"`
	ParallelToolCalls bool              `json:"parallel_tool_calls"`
	ToolChoice        string            `json:"tool_choice"`
	Tools             []any             `json:"tools"`
	Error             any               `json:"error"`
	IncompleteDetails map[string]string `json:"incomplete_details"`
	Usage             *respUsage        `json:"usage,omitempty"`
}

func respID(id string) string {
	id = strings.TrimPrefix(strings.TrimPrefix(id, "msg_"), "chatcmpl-")
	if id == "" {
		id = "bulwark"
	}
	return "resp_" + id
}

func newRespObject(id, model, status string) respObject {
	return respObject{ID: respID(id), Object: "response", CreatedAt: time.Now().Unix(), Status: status, Model: model,
		Output: []respOutItem{}, ParallelToolCalls: true, ToolChoice: "auto", Tools: []any{}}
}

func respTextItem(id, text, status string) respOutItem {
	return respOutItem{ID: id, Type: "message", Status: status, Role: "assistant",
		Content: []respOutText{{Type: "output_text", Text: text, Annotations: []any{}}}}
}

func respCallItem(t toolCall, status string) respOutItem {
	args := t.Args
	return respOutItem{ID: "fc_" + t.ID, Type: "function_call", Status: status, CallID: t.ID, Name: t.Name, Arguments: &args}
}

// finishStatus maps a finish reason to a response status and its
// incomplete_details.
func finishStatus(finish string) (string, map[string]string) {
	switch finish {
	case "length":
		return "incomplete", map[string]string{"reason": "max_output_tokens"}
	case "content_filter":
		return "incomplete", map[string]string{"reason": "content_filter"}
	}
	return "completed", nil
}

func newRespUsage(in, out int) *respUsage {
	return &respUsage{InputTokens: in, OutputTokens: out, TotalTokens: in + out,
		InputTokensDetails: map[string]int{"cached_tokens": 0}, OutputTokensDetails: map[string]int{"reasoning_tokens": 0}}
}

// encodeResponses encodes a completion as a Responses object.
func encodeResponses(c *completion) []byte {
	var ch choice
	if len(c.Choices) > 0 {
		ch = c.Choices[0]
	}
	status, inc := finishStatus(ch.Finish)
	o := newRespObject(c.ID, c.Model, status)
	o.IncompleteDetails = inc
	if ch.Text != "" || len(ch.Tools) == 0 {
		o.Output = append(o.Output, respTextItem("msg_"+strings.TrimPrefix(respID(c.ID), "resp_"), ch.Text, "completed"))
	}
	for _, t := range ch.Tools {
		o.Output = append(o.Output, respCallItem(t, "completed"))
	}
	o.Usage = newRespUsage(c.In, c.Out)
	b, _ := json.Marshal(o)
	return b
}

// --- Responses stream encoder ---

// responsesEnc writes Responses stream events (response.created, output
// items, text and argument deltas, response.completed) from the canonical
// stream of a translated upstream.
type responsesEnc struct {
	w       *sse.Writer
	model   string
	resp    respObject
	started bool
	seq     int
	textIdx int             // output index of the open message item, -1 none
	sent    strings.Builder // text of the open message item
	reason  string          // finish reason
}

func newResponsesEnc(w *sse.Writer, model string) *responsesEnc {
	return &responsesEnc{w: w, model: model, textIdx: -1, resp: newRespObject("", model, "in_progress")}
}

func (e *responsesEnc) send(typ string, fields map[string]any) error {
	fields["type"] = typ
	fields["sequence_number"] = e.seq
	e.seq++
	b, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	if err := e.w.Write(typ, b); err != nil {
		return errClientWrite
	}
	return nil
}

func (e *responsesEnc) start() error {
	if e.started {
		return nil
	}
	e.started = true
	if err := e.send("response.created", map[string]any{"response": e.resp}); err != nil {
		return err
	}
	return e.send("response.in_progress", map[string]any{"response": e.resp})
}

func (e *responsesEnc) msgID() string { return "msg_" + strings.TrimPrefix(e.resp.ID, "resp_") }

func (e *responsesEnc) text(i int, s string) error {
	if i != 0 {
		return nil // one output per response
	}
	if err := e.start(); err != nil {
		return err
	}
	if e.textIdx < 0 {
		e.textIdx = len(e.resp.Output)
		item := respOutItem{ID: e.msgID(), Type: "message", Status: "in_progress", Role: "assistant", Content: []respOutText{}}
		e.resp.Output = append(e.resp.Output, item)
		if err := e.send("response.output_item.added", map[string]any{"output_index": e.textIdx, "item": item}); err != nil {
			return err
		}
		if err := e.send("response.content_part.added", map[string]any{"output_index": e.textIdx, "item_id": item.ID, "content_index": 0,
			"part": respOutText{Type: "output_text", Text: "", Annotations: []any{}}}); err != nil {
			return err
		}
	}
	e.sent.WriteString(s)
	return e.send("response.output_text.delta", map[string]any{"output_index": e.textIdx, "item_id": e.msgID(), "content_index": 0, "delta": s, "logprobs": []any{}})
}

// closeText ends the open message item.
func (e *responsesEnc) closeText() error {
	if e.textIdx < 0 {
		return nil
	}
	idx, id, t := e.textIdx, e.msgID(), e.sent.String()
	e.textIdx = -1
	e.sent.Reset()
	part := respOutText{Type: "output_text", Text: t, Annotations: []any{}}
	if err := e.send("response.output_text.done", map[string]any{"output_index": idx, "item_id": id, "content_index": 0, "text": t, "logprobs": []any{}}); err != nil {
		return err
	}
	if err := e.send("response.content_part.done", map[string]any{"output_index": idx, "item_id": id, "content_index": 0, "part": part}); err != nil {
		return err
	}
	item := respTextItem(id, t, "completed")
	e.resp.Output[idx] = item
	return e.send("response.output_item.done", map[string]any{"output_index": idx, "item": item})
}

func (e *responsesEnc) tools(i int, calls []toolCall) error {
	if i != 0 {
		return nil
	}
	if err := e.start(); err != nil {
		return err
	}
	if err := e.closeText(); err != nil {
		return err
	}
	for _, t := range calls {
		idx := len(e.resp.Output)
		added := respCallItem(toolCall{ID: t.ID, Name: t.Name}, "in_progress")
		e.resp.Output = append(e.resp.Output, respCallItem(t, "completed"))
		if err := e.send("response.output_item.added", map[string]any{"output_index": idx, "item": added}); err != nil {
			return err
		}
		if err := e.send("response.function_call_arguments.delta", map[string]any{"output_index": idx, "item_id": added.ID, "delta": t.Args}); err != nil {
			return err
		}
		if err := e.send("response.function_call_arguments.done", map[string]any{"output_index": idx, "item_id": added.ID, "arguments": t.Args}); err != nil {
			return err
		}
		if err := e.send("response.output_item.done", map[string]any{"output_index": idx, "item": e.resp.Output[idx]}); err != nil {
			return err
		}
	}
	return nil
}

func (e *responsesEnc) finish(i int, reason string) error {
	if i == 0 {
		e.reason = reason
	}
	return nil
}

func (e *responsesEnc) end(in, out int) error {
	if err := e.start(); err != nil {
		return err
	}
	if len(e.resp.Output) == 0 {
		// An empty answer is still one (empty) message, as upstreams send it.
		if err := e.text(0, ""); err != nil {
			return err
		}
	}
	if err := e.closeText(); err != nil {
		return err
	}
	e.resp.Status, e.resp.IncompleteDetails = finishStatus(e.reason)
	e.resp.Usage = newRespUsage(in, out)
	typ := "response.completed"
	if e.resp.Status == "incomplete" {
		typ = "response.incomplete"
	}
	return e.send(typ, map[string]any{"response": e.resp})
}

// fail ends the stream with a Responses error event.
func (e *responsesEnc) fail(ae *apiError) error {
	return e.send("error", map[string]any{"code": ae.code, "message": ae.msg, "param": nil})
}
