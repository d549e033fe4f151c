package gateway

import (
	"encoding/json"
	"strings"
)

// Cross-format translation of requests: OpenAI chat completions to
// Anthropic messages and back. Only fields with a counterpart survive a
// translation; same-format requests are passed through instead (see
// editOpenAIBody and editAnthropicBody).

// defaultMaxTokens is sent to Anthropic when an OpenAI client set no limit
// (Anthropic requires max_tokens).
const defaultMaxTokens = 4096

type anReqOut struct {
	Model         string            `json:"model"`
	MaxTokens     int               `json:"max_tokens"`
	System        string            `json:"system,omitempty"`
	Messages      []anMsgOut        `json:"messages"`
	Stream        bool              `json:"stream,omitempty"`
	Temperature   *float64          `json:"temperature,omitempty"`
	TopP          *float64          `json:"top_p,omitempty"`
	StopSequences []string          `json:"stop_sequences,omitempty"`
	Tools         []anToolOut       `json:"tools,omitempty"`
	ToolChoice    map[string]any    `json:"tool_choice,omitempty"`
	Metadata      map[string]string `json:"metadata,omitempty"`
}

// anToolChoice translates an OpenAI tool_choice to Anthropic's: the string
// modes are the same in the chat and Responses APIs; the name of a forced
// function is read by name, because the two APIs nest it differently. It
// returns nil (Anthropic's default) for anything else.
func anToolChoice(tc json.RawMessage, name func(json.RawMessage) string) map[string]any {
	if len(tc) == 0 || isNull(tc) {
		return nil
	}
	if isString(tc) {
		var s string
		json.Unmarshal(tc, &s)
		switch s {
		case "auto":
			return map[string]any{"type": "auto"}
		case "required":
			return map[string]any{"type": "any"}
		case "none":
			return map[string]any{"type": "none"}
		}
		return nil
	}
	if n := name(tc); n != "" {
		return map[string]any{"type": "tool", "name": n}
	}
	return nil
}

// add appends content blocks as a turn of role, merging them into the last
// message when it has the same role (Anthropic wants alternating turns).
func (o *anReqOut) add(role string, blocks ...any) {
	if len(blocks) == 0 {
		return
	}
	if n := len(o.Messages); n > 0 && o.Messages[n-1].Role == role {
		o.Messages[n-1].Content = append(o.Messages[n-1].Content, blocks...)
		return
	}
	o.Messages = append(o.Messages, anMsgOut{Role: role, Content: blocks})
}

type anMsgOut struct {
	Role    string `json:"role"`
	Content []any  `json:"content"`
}

type anToolOut struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema"`
}

// oaPart is an OpenAI content part.
type oaPart struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	ImageURL *struct {
		URL string `json:"url"`
	} `json:"image_url"`
}

// oaContentToBlocks converts OpenAI message content to Anthropic blocks.
func oaContentToBlocks(raw json.RawMessage) []any {
	if isNull(raw) {
		return nil
	}
	if isString(raw) {
		var s string
		json.Unmarshal(raw, &s)
		if s == "" {
			return nil
		}
		return []any{map[string]string{"type": "text", "text": s}}
	}
	var parts []oaPart
	json.Unmarshal(raw, &parts)
	var out []any
	for _, p := range parts {
		switch p.Type {
		case "text":
			out = append(out, map[string]string{"type": "text", "text": p.Text})
		case "image_url":
			if p.ImageURL == nil {
				continue
			}
			u := p.ImageURL.URL
			if rest, ok := strings.CutPrefix(u, "data:"); ok {
				mt, data, _ := strings.Cut(rest, ";base64,")
				out = append(out, map[string]any{"type": "image", "source": map[string]string{"type": "base64", "media_type": mt, "data": data}})
			} else {
				out = append(out, map[string]any{"type": "image", "source": map[string]string{"type": "url", "url": u}})
			}
		}
	}
	return out
}

func plainText(raw json.RawMessage) string {
	refs, _ := contentTexts(raw, "", nil)
	var b strings.Builder
	for i, r := range refs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(r.Text)
	}
	return b.String()
}

// chatToAnthropic translates an OpenAI chat request for an Anthropic upstream.
func chatToAnthropic(req *chatReq, model string) ([]byte, error) {
	out := anReqOut{Model: model, MaxTokens: defaultMaxTokens, Stream: req.Stream, Temperature: req.Temperature, TopP: req.TopP}
	if req.MaxCompletionTokens != nil {
		out.MaxTokens = *req.MaxCompletionTokens
	} else if req.MaxTokens != nil {
		out.MaxTokens = *req.MaxTokens
	}
	var sys []string
	for _, m := range req.Messages {
		switch m.Role {
		case "system", "developer":
			sys = append(sys, plainText(m.Content))
		case "assistant":
			blocks := oaContentToBlocks(m.Content)
			for _, t := range m.ToolCalls {
				blocks = append(blocks, map[string]any{"type": "tool_use", "id": t.ID, "name": t.Function.Name, "input": toolInput(t.Function.Arguments)})
			}
			out.add("assistant", blocks...)
		case "tool", "function":
			out.add("user", map[string]any{"type": "tool_result", "tool_use_id": m.ToolCallID, "content": plainText(m.Content)})
		default:
			out.add("user", oaContentToBlocks(m.Content)...)
		}
	}
	out.System = strings.Join(sys, "\n\n")
	if len(req.Stop) > 0 && !isNull(req.Stop) {
		if isString(req.Stop) {
			var s string
			json.Unmarshal(req.Stop, &s)
			out.StopSequences = []string{s}
		} else {
			json.Unmarshal(req.Stop, &out.StopSequences)
		}
	}
	for _, t := range req.Tools {
		schema := t.Function.Parameters
		if isNull(schema) {
			schema = json.RawMessage(`{"type":"object","properties":{}}`)
		}
		out.Tools = append(out.Tools, anToolOut{Name: t.Function.Name, Description: t.Function.Description, InputSchema: schema})
	}
	out.ToolChoice = anToolChoice(req.ToolChoice, func(tc json.RawMessage) string {
		var v struct {
			Function struct {
				Name string `json:"name"`
			} `json:"function"`
		}
		if json.Unmarshal(tc, &v) == nil {
			return v.Function.Name
		}
		return ""
	})
	if req.User != "" {
		out.Metadata = map[string]string{"user_id": req.User}
	}
	if out.Messages == nil {
		out.Messages = []anMsgOut{}
	}
	return json.Marshal(out)
}

// msgReq is the part of an Anthropic messages request the gateway reads.
type msgReq struct {
	Model         string          `json:"model"`
	MaxTokens     int             `json:"max_tokens"`
	System        json.RawMessage `json:"system"`
	Messages      []anMsg         `json:"messages"`
	Stream        bool            `json:"stream"`
	Temperature   *float64        `json:"temperature"`
	TopP          *float64        `json:"top_p"`
	StopSequences []string        `json:"stop_sequences"`
	Tools         []struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		InputSchema json.RawMessage `json:"input_schema"`
	} `json:"tools"`
	ToolChoice *struct {
		Type string `json:"type"`
		Name string `json:"name"`
	} `json:"tool_choice"`
	Metadata *struct {
		UserID string `json:"user_id"`
	} `json:"metadata"`

	spans msgSpans // where the fields are in the body (decodeMsgReq)
}

type anMsg struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type oaMsgOut struct {
	Role       string         `json:"role"`
	Content    any            `json:"content"`
	ToolCalls  []chatToolCall `json:"tool_calls,omitempty"`
	ToolCallID string         `json:"tool_call_id,omitempty"`
}

type anBlockIn struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"`
	Source    *struct {
		Type      string `json:"type"`
		MediaType string `json:"media_type"`
		Data      string `json:"data"`
		URL       string `json:"url"`
	} `json:"source"`
}

// messagesToChat translates an Anthropic messages request for an
// OpenAI-compatible upstream.
func messagesToChat(req *msgReq, model string) ([]byte, error) {
	var msgs []oaMsgOut
	if s := plainText(req.System); s != "" {
		msgs = append(msgs, oaMsgOut{Role: "system", Content: s})
	}
	for _, m := range req.Messages {
		if isString(m.Content) {
			var s string
			json.Unmarshal(m.Content, &s)
			msgs = append(msgs, oaMsgOut{Role: m.Role, Content: s})
			continue
		}
		var blocks []anBlockIn
		json.Unmarshal(m.Content, &blocks)
		var parts []map[string]any
		var text []string
		var calls []chatToolCall
		for _, b := range blocks {
			switch b.Type {
			case "text":
				parts = append(parts, map[string]any{"type": "text", "text": b.Text})
				text = append(text, b.Text)
			case "image":
				if b.Source == nil {
					continue
				}
				u := b.Source.URL
				if b.Source.Type == "base64" {
					u = "data:" + b.Source.MediaType + ";base64," + b.Source.Data
				}
				parts = append(parts, map[string]any{"type": "image_url", "image_url": map[string]string{"url": u}})
			case "tool_use":
				tc := chatToolCall{ID: b.ID, Type: "function"}
				tc.Function.Name = b.Name
				tc.Function.Arguments = string(b.Input)
				if isNull(b.Input) {
					tc.Function.Arguments = "{}"
				}
				calls = append(calls, tc)
			case "tool_result":
				msgs = append(msgs, oaMsgOut{Role: "tool", ToolCallID: b.ToolUseID, Content: plainText(b.Content)})
			}
		}
		if m.Role == "assistant" {
			var content any
			if len(text) > 0 {
				content = strings.Join(text, "")
			}
			if content != nil || len(calls) > 0 {
				msgs = append(msgs, oaMsgOut{Role: "assistant", Content: content, ToolCalls: calls})
			}
			continue
		}
		if len(parts) > 0 {
			msgs = append(msgs, oaMsgOut{Role: m.Role, Content: parts})
		}
	}
	out := map[string]any{"model": model, "messages": msgs}
	if req.MaxTokens > 0 {
		out["max_tokens"] = req.MaxTokens
	}
	if req.Stream {
		out["stream"] = true
		out["stream_options"] = map[string]bool{"include_usage": true}
	}
	if req.Temperature != nil {
		out["temperature"] = *req.Temperature
	}
	if req.TopP != nil {
		out["top_p"] = *req.TopP
	}
	if len(req.StopSequences) > 0 {
		out["stop"] = req.StopSequences
	}
	if len(req.Tools) > 0 {
		var tools []map[string]any
		for _, t := range req.Tools {
			fn := map[string]any{"name": t.Name, "parameters": t.InputSchema}
			if t.Description != "" {
				fn["description"] = t.Description
			}
			tools = append(tools, map[string]any{"type": "function", "function": fn})
		}
		out["tools"] = tools
	}
	if tc := req.ToolChoice; tc != nil {
		switch tc.Type {
		case "auto":
			out["tool_choice"] = "auto"
		case "any":
			out["tool_choice"] = "required"
		case "none":
			out["tool_choice"] = "none"
		case "tool":
			out["tool_choice"] = map[string]any{"type": "function", "function": map[string]string{"name": tc.Name}}
		}
	}
	if req.Metadata != nil && req.Metadata.UserID != "" {
		out["user"] = req.Metadata.UserID
	}
	return json.Marshal(out)
}
