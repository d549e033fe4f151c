package gateway

import (
	"encoding/json"
	"net/http"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/provider"
)

// chatReq is the part of an OpenAI chat completions request the gateway
// reads. The raw body is what goes upstream, so fields not listed here pass
// through untouched.
type chatReq struct {
	Model         string    `json:"model"`
	Stream        bool      `json:"stream"`
	Messages      []chatMsg `json:"messages"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Tools               []chatTool      `json:"tools"`
	ToolChoice          json.RawMessage `json:"tool_choice"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Temperature         *float64        `json:"temperature"`
	TopP                *float64        `json:"top_p"`
	Stop                json.RawMessage `json:"stop"`
	User                string          `json:"user"`
	ResponseFormat      *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`

	spans chatSpans // where the fields are in the body (decodeChatReq)
}

type chatMsg struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content,omitempty"`
	Name       string          `json:"name,omitempty"`
	ToolCalls  []chatToolCall  `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
}

type chatToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type chatTool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description,omitempty"`
		Parameters  json.RawMessage `json:"parameters,omitempty"`
	} `json:"function"`
}

func roleSource(role string) guard.Source {
	switch role {
	case "system", "developer":
		return guard.SourceSystem
	case "assistant":
		return guard.SourceAssistant
	case "tool", "function":
		return guard.SourceTool
	}
	return guard.SourceUser
}

// msgEdit tracks guard edits to a message list (shared by OpenAI and
// Anthropic requests): new content per changed message and an optional
// system message to insert first.
type msgEdit struct {
	content map[int]json.RawMessage
	prepend json.RawMessage // OpenAI: a new system message
	system  json.RawMessage // Anthropic: new top-level system
	// usage asks an OpenAI upstream for stream usage (stream_options.
	// include_usage) so audit and token limits see token counts; the usage
	// chunk reaches the client only if it asked for it.
	usage bool
}

func (e *msgEdit) dirty() bool {
	return len(e.content) > 0 || e.prepend != nil || e.system != nil || e.usage
}

// guardMessages runs the input checks over contents (each with its source)
// and returns the edits. contents[i] is message i's content.
func (x *exchange) guardMessages(contents []json.RawMessage, sources []guard.Source) (*msgEdit, *apiError) {
	refs := make([]textRef, 0, len(contents))
	bounds := make([]int, len(contents)+1)
	for i, c := range contents {
		var err error
		if refs, err = contentTexts(c, sources[i], refs); err != nil {
			return nil, errBadRequest("messages[" + itoa(i) + "].content: " + err.Error())
		}
		bounds[i+1] = len(refs)
	}
	segs := make([]guard.Segment, len(refs))
	for i, r := range refs {
		segs[i] = guard.Segment{ID: i, Source: r.Source, Text: r.Text}
	}
	res, err := x.sess.CheckInput(x.ctx, segs)
	if err != nil {
		return nil, x.guardError(err)
	}
	e := &msgEdit{}
	for i := range contents {
		changed := false
		for j := bounds[i]; j < bounds[i+1]; j++ {
			if res.Texts[j] != refs[j].Text {
				changed = true
				break
			}
		}
		if !changed {
			continue
		}
		nc, _, err := rewriteContent(contents[i], res.Texts[bounds[i]:bounds[i+1]])
		if err != nil {
			return nil, errBadRequest("messages[" + itoa(i) + "].content: " + err.Error())
		}
		if e.content == nil {
			e.content = map[int]json.RawMessage{}
		}
		e.content[i] = nc
	}
	return e, nil
}

func (g *Gateway) handleChat(w http.ResponseWriter, r *http.Request) {
	x := g.begin(w, r, "chat", wireOpenAI, "/v1/chat/completions")
	var req chatReq
	body, ok := x.admitWith(func(b []byte) error { return decodeChatReq(b, &req) })
	if !ok {
		return
	}
	if len(req.Messages) == 0 {
		x.fail(errBadRequest("messages: at least one message is required"))
		return
	}
	if e := x.resolve(req.Model); e != nil {
		x.fail(e)
		return
	}
	for _, t := range req.Tools {
		x.ev.Tools = append(x.ev.Tools, t.Function.Name)
	}
	contents := make([]json.RawMessage, len(req.Messages))
	sources := make([]guard.Source, len(req.Messages))
	system := ""
	firstSystem := -1
	for i, m := range req.Messages {
		contents[i], sources[i] = m.Content, roleSource(m.Role)
		if sources[i] == guard.SourceSystem {
			if firstSystem < 0 {
				firstSystem = i
			}
			refs, _ := contentTexts(m.Content, guard.SourceSystem, nil)
			for _, r := range refs {
				system += r.Text
			}
		}
	}
	var schema []byte
	if rf := req.ResponseFormat; rf != nil && rf.JSONSchema != nil {
		schema = rf.JSONSchema.Schema
	}
	x.beginGuard(req.Model, system, req.Stream, schema)
	edit, e := x.guardMessages(contents, sources)
	if e != nil {
		x.fail(e)
		return
	}
	if c := x.sess.Canary(); c != "" {
		if firstSystem >= 0 {
			cur := contents[firstSystem]
			if nc, ok := edit.content[firstSystem]; ok {
				cur = nc
			}
			nc, err := appendText(cur, "\n\n"+c)
			if err != nil {
				x.fail(errBadRequest("system message content is invalid"))
				return
			}
			if edit.content == nil {
				edit.content = map[int]json.RawMessage{}
			}
			edit.content[firstSystem] = nc
		} else {
			b, _ := json.Marshal(c)
			edit.prepend, _ = json.Marshal(chatMsg{Role: "system", Content: b})
		}
	}
	for i, c := range edit.content {
		req.Messages[i].Content = c
	}
	edit.usage = req.Stream && (req.StreamOptions == nil || !req.StreamOptions.IncludeUsage)
	if edit.prepend != nil {
		req.Messages = append([]chatMsg{{Role: "system", Content: mustUnmarshalContent(edit.prepend)}}, req.Messages...)
	}

	res, e := x.call(func(t provider.Target) (provider.API, []byte, error) {
		if t.Upstream.Speaks(provider.APIChat) {
			b, err := editOpenAIBody(body, &req.spans, t.Model, req.Model, edit)
			return provider.APIChat, b, err
		}
		b, err := chatToAnthropic(&req, t.Model)
		return provider.APIMessages, b, err
	})
	if e != nil {
		x.fail(e)
		return
	}
	out := &clientOut{wire: wireOpenAI, model: req.Model, stream: req.Stream,
		includeUsage: req.StreamOptions != nil && req.StreamOptions.IncludeUsage}
	x.respond(res, out)
}

// mustUnmarshalContent returns the content field of a marshalled chatMsg.
func mustUnmarshalContent(msg json.RawMessage) json.RawMessage {
	var m chatMsg
	json.Unmarshal(msg, &m)
	return m.Content
}

// nonNull returns raw, or an empty JSON object for a missing or null value.
func nonNull(raw json.RawMessage) json.RawMessage {
	if isNull(raw) {
		return json.RawMessage("{}")
	}
	return raw
}
