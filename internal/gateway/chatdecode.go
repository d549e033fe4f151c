package gateway

import (
	"encoding/json"
	"slices"
)

// chatSpans are byte offsets into a chat request body, recorded while it
// is decoded, so the body can be edited in place (editOpenAIBody): the
// model value, the stream_options value and its include_usage value, and
// the messages array. -1 means absent.
type chatSpans struct {
	top            int    // offset of the top-level '{'
	model          [2]int // "model" value
	streamOpts     [2]int // "stream_options" value
	streamOptsOpen int    // just after the stream_options '{', -1 if not an object
	includeUsage   [2]int // "include_usage" value inside it
	msgs           msgSpanList
}

// msgSpanList records where a request's messages array opens and, per
// message, where its object opens and where its content value lies; both
// wire formats (chat completions and Anthropic messages) share it.
type msgSpanList struct {
	open       int   // just after the messages '[' (-1: absent or null)
	obj        []int // per message: just after its '{' (-1: not an object)
	content    []int // per message: start of its content value (-1: absent)
	contentEnd []int // per message: end of its content value
}

// reset empties the list, keeping its storage (one allocation for the three
// offset lists of a typical request).
func (l *msgSpanList) reset() {
	if l.obj == nil {
		buf := make([]int, 12)
		l.obj, l.content, l.contentEnd = buf[0:0:4], buf[4:4:8], buf[8:8:12]
	}
	l.open = -1
	l.obj, l.content, l.contentEnd = l.obj[:0], l.content[:0], l.contentEnd[:0]
}

func (l *msgSpanList) add(obj, contentStart, contentEnd int) {
	l.obj = append(l.obj, obj)
	l.content = append(l.content, contentStart)
	l.contentEnd = append(l.contentEnd, contentEnd)
}

// contentSplices appends the splices that replace (or insert) the content
// of each message in content, keyed by message index.
func (l *msgSpanList) contentSplices(body []byte, content map[int]json.RawMessage, ss []splice) ([]splice, error) {
	for i, c := range content {
		switch {
		case i >= len(l.obj) || l.obj[i] < 0:
			return nil, errBadRequest("messages[" + itoa(i) + "]: must be an object")
		case l.content[i] >= 0:
			ss = append(ss, splice{l.content[i], l.contentEnd[i], c})
		default:
			ss = append(ss, splice{l.obj[i], l.obj[i], memberText(body, l.obj[i], "content", c)})
		}
	}
	return ss, nil
}

// modelSplice appends the splice that renames the model (at: its value's
// span) when the upstream model differs from the client's.
func modelSplice(ss []splice, at [2]int, upstreamModel, clientModel string) ([]splice, error) {
	if upstreamModel == clientModel {
		return ss, nil
	}
	if at[0] < 0 {
		return nil, errBadRequest("missing required field: model")
	}
	return append(ss, splice{at[0], at[1], quoteJSON(upstreamModel)}), nil
}

// decodeChatReq decodes an OpenAI chat completions request in one pass (see
// jreader) into req and records the spans editOpenAIBody needs.
func decodeChatReq(body []byte, req *chatReq) error {
	r := jreader{b: body}
	sp := &req.spans
	*sp = chatSpans{top: -1, model: [2]int{-1, -1}, streamOpts: [2]int{-1, -1}, includeUsage: [2]int{-1, -1}, streamOptsOpen: -1, msgs: msgSpanList{open: -1}}
	sp.top = r.peekPos()
	if r.openObject("") {
		for first := true; r.more('}', &first); {
			k := r.key()
			if r.failed() {
				break
			}
			switch string(k) {
			case "model":
				sp.model[0] = r.peekPos()
				r.str("model", &req.Model)
				sp.model[1] = r.i
			case "stream":
				r.boolean("stream", &req.Stream)
			case "messages":
				r.chatMessages(req, sp)
			case "stream_options":
				sp.streamOpts[0] = r.peekPos()
				sp.includeUsage = [2]int{-1, -1}
				sp.streamOptsOpen = -1
				if r.openObject("stream_options") {
					sp.streamOptsOpen = r.i
					so := &struct {
						IncludeUsage bool `json:"include_usage"`
					}{}
					if req.StreamOptions != nil {
						so = req.StreamOptions
					}
					req.StreamOptions = so
					for first := true; r.more('}', &first); {
						k := r.key()
						if string(k) == "include_usage" {
							sp.includeUsage[0] = r.peekPos()
							r.boolean("stream_options.include_usage", &so.IncludeUsage)
							sp.includeUsage[1] = r.i
							continue
						}
						r.skip()
					}
				}
				sp.streamOpts[1] = r.i
			case "tools":
				r.chatTools(req)
			case "tool_choice":
				req.ToolChoice = r.raw()
			case "max_tokens":
				r.intPtr("max_tokens", &req.MaxTokens)
			case "max_completion_tokens":
				r.intPtr("max_completion_tokens", &req.MaxCompletionTokens)
			case "temperature":
				r.floatPtr("temperature", &req.Temperature)
			case "top_p":
				r.floatPtr("top_p", &req.TopP)
			case "stop":
				req.Stop = r.raw()
			case "user":
				r.str("user", &req.User)
			case "response_format":
				r.responseFormat(req)
			default:
				r.skip()
			}
		}
	}
	r.end()
	return r.result()
}

// peekPos returns the offset of the next non-space byte.
func (r *jreader) peekPos() int {
	r.ws()
	return r.i
}

func (r *jreader) chatMessages(req *chatReq, sp *chatSpans) {
	sp.msgs.reset()
	if r.peek() == 'n' {
		r.null()
		req.Messages = nil // null resets the slice, as in encoding/json
		return
	}
	if !r.openArray("messages") {
		return
	}
	sp.msgs.open = r.i
	msgs := req.Messages[:0]
	if msgs == nil {
		msgs = make([]chatMsg, 0, 4)
	}
	for first := true; r.more(']', &first); {
		var m chatMsg
		objAt, cs, ce := -1, -1, -1
		if r.openObject("messages") {
			objAt = r.i
			for first := true; r.more('}', &first); {
				k := r.key()
				if r.failed() {
					break
				}
				switch string(k) {
				case "role":
					r.role(&m.Role)
				case "content":
					cs = r.peekPos()
					m.Content = r.raw()
					ce = r.i
				case "name":
					r.str("messages.name", &m.Name)
				case "tool_calls":
					m.ToolCalls = r.toolCalls(m.ToolCalls)
				case "tool_call_id":
					r.str("messages.tool_call_id", &m.ToolCallID)
				default:
					r.skip()
				}
			}
		}
		msgs = append(msgs, m)
		sp.msgs.add(objAt, cs, ce)
	}
	req.Messages = msgs
}

func (r *jreader) toolCalls(dst []chatToolCall) []chatToolCall {
	if !r.openArray("messages.tool_calls") {
		return dst
	}
	dst = dst[:0]
	if dst == nil {
		dst = []chatToolCall{}
	}
	for first := true; r.more(']', &first); {
		var tc chatToolCall
		if r.openObject("messages.tool_calls") {
			for first := true; r.more('}', &first); {
				switch string(r.key()) {
				case "id":
					r.str("messages.tool_calls.id", &tc.ID)
				case "type":
					r.str("messages.tool_calls.type", &tc.Type)
				case "function":
					if r.openObject("messages.tool_calls.function") {
						for first := true; r.more('}', &first); {
							switch string(r.key()) {
							case "name":
								r.str("messages.tool_calls.function.name", &tc.Function.Name)
							case "arguments":
								r.str("messages.tool_calls.function.arguments", &tc.Function.Arguments)
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
		dst = append(dst, tc)
	}
	return dst
}

func (r *jreader) chatTools(req *chatReq) {
	if !r.openArray("tools") {
		return
	}
	tools := req.Tools[:0]
	if tools == nil {
		tools = []chatTool{}
	}
	for first := true; r.more(']', &first); {
		var t chatTool
		if r.openObject("tools") {
			for first := true; r.more('}', &first); {
				switch string(r.key()) {
				case "type":
					r.str("tools.type", &t.Type)
				case "function":
					if r.openObject("tools.function") {
						for first := true; r.more('}', &first); {
							switch string(r.key()) {
							case "name":
								r.str("tools.function.name", &t.Function.Name)
							case "description":
								r.str("tools.function.description", &t.Function.Description)
							case "parameters":
								t.Function.Parameters = r.raw()
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
		tools = append(tools, t)
	}
	req.Tools = tools
}

func (r *jreader) responseFormat(req *chatReq) {
	if !r.openObject("response_format") {
		return
	}
	if req.ResponseFormat == nil {
		req.ResponseFormat = &struct {
			Type       string `json:"type"`
			JSONSchema *struct {
				Schema json.RawMessage `json:"schema"`
			} `json:"json_schema"`
		}{}
	}
	rf := req.ResponseFormat
	for first := true; r.more('}', &first); {
		switch string(r.key()) {
		case "type":
			r.str("response_format.type", &rf.Type)
		case "json_schema":
			if r.openObject("response_format.json_schema") {
				if rf.JSONSchema == nil {
					rf.JSONSchema = &struct {
						Schema json.RawMessage `json:"schema"`
					}{}
				}
				for first := true; r.more('}', &first); {
					if string(r.key()) == "schema" {
						rf.JSONSchema.Schema = r.raw()
						continue
					}
					r.skip()
				}
			}
		default:
			r.skip()
		}
	}
}

// splice is one replacement of body[start:end] by text.
type splice struct {
	start, end int
	text       []byte
}

// applySplices returns body with the splices (sorted by start, not
// overlapping) applied.
func applySplices(body []byte, ss []splice) []byte {
	n := len(body)
	for _, s := range ss {
		n += len(s.text) - (s.end - s.start)
	}
	out := make([]byte, 0, n)
	at := 0
	for _, s := range ss {
		out = append(out, body[at:s.start]...)
		out = append(out, s.text...)
		at = s.end
	}
	return append(out, body[at:]...)
}

// quoteJSON returns s as a JSON string (HTML characters unescaped, as the
// upstreams expect them).
func quoteJSON(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

// editOpenAIBody returns body with the model renamed and guard edits
// applied, splicing new values over the old ones at the offsets recorded
// while decoding, so every other byte (unknown fields, their order and
// spacing) stays as the client sent it. With nothing to change it returns
// body itself.
func editOpenAIBody(body []byte, sp *chatSpans, upstreamModel, clientModel string, e *msgEdit) ([]byte, error) {
	if upstreamModel == clientModel && !e.dirty() {
		return body, nil
	}
	ss, err := modelSplice(make([]splice, 0, 4), sp.model, upstreamModel, clientModel)
	if err != nil {
		return nil, err
	}
	if e.usage {
		switch {
		case sp.streamOpts[0] < 0: // absent
			ss = append(ss, splice{sp.top + 1, sp.top + 1, []byte(`"stream_options":{"include_usage":true},`)})
		case sp.streamOptsOpen < 0: // null
			ss = append(ss, splice{sp.streamOpts[0], sp.streamOpts[1], []byte(`{"include_usage":true}`)})
		case sp.includeUsage[0] >= 0:
			ss = append(ss, splice{sp.includeUsage[0], sp.includeUsage[1], []byte("true")})
		default:
			ss = append(ss, splice{sp.streamOptsOpen, sp.streamOptsOpen, memberText(body, sp.streamOptsOpen, "include_usage", []byte("true"))})
		}
	}
	if e.prepend != nil {
		if sp.msgs.open < 0 {
			return nil, errBadRequest("messages: at least one message is required")
		}
		ss = append(ss, splice{sp.msgs.open, sp.msgs.open, append(append([]byte(nil), e.prepend...), ',')})
	}
	if ss, err = sp.msgs.contentSplices(body, e.content, ss); err != nil {
		return nil, err
	}
	slices.SortStableFunc(ss, func(a, b splice) int { return a.start - b.start })
	return applySplices(body, ss), nil
}

// memberText is the text of a new first member key:val for the object
// whose '{' ends just before at, with a comma when other members follow.
func memberText(body []byte, at int, key string, val []byte) []byte {
	out := make([]byte, 0, len(key)+len(val)+4)
	out = append(out, '"')
	out = append(out, key...)
	out = append(out, '"', ':')
	out = append(out, val...)
	r := jreader{b: body, i: at}
	if r.peek() != '}' {
		out = append(out, ',')
	}
	return out
}

// oaStreamChunk is the part of an OpenAI chat completion chunk the stream
// relay reads, decoded in one pass (jreader). Reused across the chunks of a
// stream.
type oaStreamChunk struct {
	choices  []oaStreamChoice
	hasUsage bool
	in, out  int
	hasError bool // a non-null "error" member
}

type oaStreamChoice struct {
	index   int
	content string
	finish  string
	tools   []oaStreamTool
}

type oaStreamTool struct {
	index          int
	id, name, args string
}

func (c *oaStreamChunk) decode(b []byte) error {
	for i := range c.choices {
		c.choices[i].tools = c.choices[i].tools[:0]
	}
	c.choices, c.hasUsage, c.in, c.out, c.hasError = c.choices[:0], false, 0, 0, false
	r := jreader{b: b}
	if r.openObject("") {
		for first := true; r.more('}', &first); {
			switch string(r.key()) {
			case "choices":
				r.streamChoices(c)
			case "usage":
				if r.openObject("usage") {
					c.hasUsage = true
					for first := true; r.more('}', &first); {
						switch string(r.key()) {
						case "prompt_tokens":
							r.intVal("usage.prompt_tokens", &c.in)
						case "completion_tokens":
							r.intVal("usage.completion_tokens", &c.out)
						default:
							r.skip()
						}
					}
				}
			case "error":
				c.hasError = !r.null()
				if c.hasError {
					r.skip()
				}
			default:
				r.skip()
			}
		}
	}
	r.end()
	return r.result()
}

func (r *jreader) streamChoices(c *oaStreamChunk) {
	c.choices = c.choices[:0]
	if !r.openArray("choices") {
		return
	}
	for first := true; r.more(']', &first); {
		n := len(c.choices)
		if n < cap(c.choices) {
			c.choices = c.choices[:n+1]
			tools := c.choices[n].tools[:0]
			c.choices[n] = oaStreamChoice{tools: tools}
		} else {
			c.choices = append(c.choices, oaStreamChoice{})
		}
		ch := &c.choices[n]
		if !r.openObject("choices") {
			continue
		}
		for first := true; r.more('}', &first); {
			switch string(r.key()) {
			case "index":
				r.intVal("choices.index", &ch.index)
			case "finish_reason":
				r.str("choices.finish_reason", &ch.finish)
			case "delta":
				if !r.openObject("choices.delta") {
					continue
				}
				for first := true; r.more('}', &first); {
					switch string(r.key()) {
					case "content":
						ch.content = ""
						r.str("choices.delta.content", &ch.content)
					case "tool_calls":
						r.streamTools(ch)
					default:
						r.skip()
					}
				}
			default:
				r.skip()
			}
		}
	}
}

func (r *jreader) streamTools(ch *oaStreamChoice) {
	ch.tools = ch.tools[:0]
	if !r.openArray("choices.delta.tool_calls") {
		return
	}
	for first := true; r.more(']', &first); {
		var t oaStreamTool
		if r.openObject("choices.delta.tool_calls") {
			for first := true; r.more('}', &first); {
				switch string(r.key()) {
				case "index":
					r.intVal("tool_calls.index", &t.index)
				case "id":
					r.str("tool_calls.id", &t.id)
				case "function":
					if !r.openObject("tool_calls.function") {
						continue
					}
					for first := true; r.more('}', &first); {
						switch string(r.key()) {
						case "name":
							r.str("tool_calls.function.name", &t.name)
						case "arguments":
							r.str("tool_calls.function.arguments", &t.args)
						default:
							r.skip()
						}
					}
				default:
					r.skip()
				}
			}
		}
		ch.tools = append(ch.tools, t)
	}
}

// role reads a message role, without allocating for the usual ones.
func (r *jreader) role(dst *string) {
	if r.peek() != '"' {
		r.str("messages.role", dst)
		return
	}
	b, _ := r.strBytes()
	switch string(b) {
	case "system":
		*dst = "system"
	case "user":
		*dst = "user"
	case "assistant":
		*dst = "assistant"
	case "tool":
		*dst = "tool"
	case "developer":
		*dst = "developer"
	default:
		*dst = string(b)
	}
}

// msgSpans are byte offsets into an Anthropic messages request body, for
// editAnthropicBody; -1 means absent.
type msgSpans struct {
	top    int    // offset of the top-level '{'
	model  [2]int // "model" value
	system [2]int // "system" value
	msgs   msgSpanList
}

// decodeMsgReq decodes an Anthropic messages request in one pass (see
// jreader) into req and records the spans editAnthropicBody needs.
func decodeMsgReq(body []byte, req *msgReq) error {
	r := jreader{b: body}
	sp := &req.spans
	*sp = msgSpans{model: [2]int{-1, -1}, system: [2]int{-1, -1}, msgs: msgSpanList{open: -1}}
	sp.top = r.peekPos()
	if r.openObject("") {
		for first := true; r.more('}', &first); {
			k := r.key()
			if r.failed() {
				break
			}
			switch string(k) {
			case "model":
				sp.model[0] = r.peekPos()
				r.str("model", &req.Model)
				sp.model[1] = r.i
			case "max_tokens":
				r.intVal("max_tokens", &req.MaxTokens)
			case "system":
				sp.system[0] = r.peekPos()
				req.System = r.raw()
				sp.system[1] = r.i
			case "messages":
				r.anMessages(req, sp)
			case "stream":
				r.boolean("stream", &req.Stream)
			case "temperature":
				r.floatPtr("temperature", &req.Temperature)
			case "top_p":
				r.floatPtr("top_p", &req.TopP)
			case "stop_sequences":
				if r.peek() == 'n' {
					r.null()
					req.StopSequences = nil
					continue
				}
				if r.openArray("stop_sequences") {
					req.StopSequences = req.StopSequences[:0]
					if req.StopSequences == nil {
						req.StopSequences = []string{}
					}
					for first := true; r.more(']', &first); {
						var s string
						r.str("stop_sequences", &s)
						req.StopSequences = append(req.StopSequences, s)
					}
				}
			case "tools":
				r.anTools(req)
			case "tool_choice":
				if r.openObject("tool_choice") {
					if req.ToolChoice == nil {
						req.ToolChoice = &struct {
							Type string `json:"type"`
							Name string `json:"name"`
						}{}
					}
					for first := true; r.more('}', &first); {
						switch string(r.key()) {
						case "type":
							r.str("tool_choice.type", &req.ToolChoice.Type)
						case "name":
							r.str("tool_choice.name", &req.ToolChoice.Name)
						default:
							r.skip()
						}
					}
				}
			case "metadata":
				if r.openObject("metadata") {
					if req.Metadata == nil {
						req.Metadata = &struct {
							UserID string `json:"user_id"`
						}{}
					}
					for first := true; r.more('}', &first); {
						if string(r.key()) == "user_id" {
							r.str("metadata.user_id", &req.Metadata.UserID)
							continue
						}
						r.skip()
					}
				}
			default:
				r.skip()
			}
		}
	}
	r.end()
	return r.result()
}

func (r *jreader) anMessages(req *msgReq, sp *msgSpans) {
	sp.msgs.reset()
	if r.peek() == 'n' {
		r.null()
		req.Messages = nil
		return
	}
	if !r.openArray("messages") {
		return
	}
	sp.msgs.open = r.i
	msgs := make([]anMsg, 0, 4)
	for first := true; r.more(']', &first); {
		var m anMsg
		objAt, cs, ce := -1, -1, -1
		if r.openObject("messages") {
			objAt = r.i
			for first := true; r.more('}', &first); {
				k := r.key()
				if r.failed() {
					break
				}
				switch string(k) {
				case "role":
					r.role(&m.Role)
				case "content":
					cs = r.peekPos()
					m.Content = r.raw()
					ce = r.i
				default:
					r.skip()
				}
			}
		}
		msgs = append(msgs, m)
		sp.msgs.add(objAt, cs, ce)
	}
	req.Messages = msgs
}

func (r *jreader) anTools(req *msgReq) {
	if r.peek() == 'n' {
		r.null()
		req.Tools = nil
		return
	}
	if !r.openArray("tools") {
		return
	}
	tools := req.Tools[:0]
	if tools == nil {
		tools = make([]struct {
			Name        string          `json:"name"`
			Description string          `json:"description"`
			InputSchema json.RawMessage `json:"input_schema"`
		}, 0, 2)
	}
	for first := true; r.more(']', &first); {
		var t struct {
			Name        string          `json:"name"`
			Description string          `json:"description"`
			InputSchema json.RawMessage `json:"input_schema"`
		}
		if r.openObject("tools") {
			for first := true; r.more('}', &first); {
				switch string(r.key()) {
				case "name":
					r.str("tools.name", &t.Name)
				case "description":
					r.str("tools.description", &t.Description)
				case "input_schema":
					t.InputSchema = r.raw()
				default:
					r.skip()
				}
			}
		}
		tools = append(tools, t)
	}
	req.Tools = tools
}

// editAnthropicBody returns body with the model renamed and guard edits
// applied (spliced at the offsets recorded while decoding), keeping every
// other byte. With nothing to change it returns body itself.
func editAnthropicBody(body []byte, sp *msgSpans, upstreamModel, clientModel string, e *msgEdit) ([]byte, error) {
	if upstreamModel == clientModel && !e.dirty() {
		return body, nil
	}
	ss, err := modelSplice(make([]splice, 0, 4), sp.model, upstreamModel, clientModel)
	if err != nil {
		return nil, err
	}
	if e.system != nil {
		if sp.system[0] >= 0 {
			ss = append(ss, splice{sp.system[0], sp.system[1], e.system})
		} else {
			ss = append(ss, splice{sp.top + 1, sp.top + 1, memberText(body, sp.top+1, "system", e.system)})
		}
	}
	if ss, err = sp.msgs.contentSplices(body, e.content, ss); err != nil {
		return nil, err
	}
	slices.SortStableFunc(ss, func(a, b splice) int { return a.start - b.start })
	return applySplices(body, ss), nil
}
