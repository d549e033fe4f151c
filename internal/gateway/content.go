package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// A content value in both OpenAI and Anthropic requests is either a JSON
// string or an array of parts/blocks. contentTexts extracts its texts for the
// guard; rewriteContent puts (possibly redacted) texts back in the same
// order, editing only the "text" fields so every other field of a part
// survives untouched.

type textRef struct {
	Source guard.Source
	Text   string
}

var errContent = errors.New("content must be a string or an array of content parts")

func isString(raw json.RawMessage) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '"'
}

func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// part is the subset of a content part or block the gateway reads.
type part struct {
	Type      string          `json:"type"`
	Text      *string         `json:"text"`
	Content   json.RawMessage `json:"content"`     // Anthropic tool_result
	ToolUseID string          `json:"tool_use_id"` // Anthropic tool_result
	IsError   bool            `json:"is_error"`
	ID        string          `json:"id"`    // Anthropic tool_use
	Name      string          `json:"name"`  // Anthropic tool_use
	Input     json.RawMessage `json:"input"` // Anthropic tool_use
}

// contentTexts appends the texts in raw to refs. src is the source of plain
// texts; texts inside tool_result blocks are SourceTool. It reads raw in one
// pass (jreader) and matches keys exactly, as rewriteContent does.
func contentTexts(raw json.RawMessage, src guard.Source, refs []textRef) ([]textRef, error) {
	r := jreader{b: raw}
	switch r.peek() {
	case 0:
		return refs, nil
	case 'n':
		r.null()
		r.end()
		if r.failed() {
			return refs, errContent
		}
		return refs, nil
	case '"':
		b, _ := r.strBytes()
		r.end()
		if r.failed() {
			return refs, errContent
		}
		return append(refs, textRef{src, string(b)}), nil
	case '[':
	default:
		return refs, errContent
	}
	r.openArray("")
	for first := true; r.more(']', &first); {
		switch r.peek() {
		case 'n':
			r.null()
			continue
		case '{':
		default:
			return refs, errContent
		}
		r.openObject("")
		var typ, text, s string
		var hasText, b bool
		var content []byte
		for first := true; r.more('}', &first); {
			switch k := r.key(); string(k) {
			case "type":
				r.str("type", &typ)
			case "text":
				switch r.peek() {
				case 'n':
					r.null()
					hasText = false
				case '"':
					tb, _ := r.strBytes()
					text, hasText = string(tb), true
				default:
					return refs, errContent
				}
			case "content":
				content = r.raw()
			case "tool_use_id", "id", "name":
				r.str(string(k), &s)
			case "is_error":
				r.boolean("is_error", &b)
			default:
				r.skip()
			}
		}
		if r.failed() || r.typeErr != nil {
			return refs, errContent
		}
		switch {
		case typ == "tool_result":
			var err error
			if refs, err = contentTexts(content, guard.SourceTool, refs); err != nil {
				return refs, err
			}
		case hasText:
			refs = append(refs, textRef{src, text})
		}
	}
	r.end()
	if r.failed() {
		return refs, errContent
	}
	return refs, nil
}

// rewriteContent replaces the texts of raw, in contentTexts order, with
// texts[0:n] and returns the new content and n.
func rewriteContent(raw json.RawMessage, texts []string) (json.RawMessage, int, error) {
	if isNull(raw) {
		return raw, 0, nil
	}
	if isString(raw) {
		b, err := json.Marshal(texts[0])
		return b, 1, err
	}
	var parts []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return raw, 0, errContent
	}
	n := 0
	for _, p := range parts {
		var typ string
		json.Unmarshal(p["type"], &typ)
		switch {
		case typ == "tool_result":
			c, k, err := rewriteContent(p["content"], texts[n:])
			if err != nil {
				return raw, 0, err
			}
			if k > 0 {
				p["content"] = c
			}
			n += k
		case p["text"] != nil && !isNull(p["text"]):
			b, err := json.Marshal(texts[n])
			if err != nil {
				return raw, 0, err
			}
			p["text"] = b
			n++
		}
	}
	b, err := json.Marshal(parts)
	return b, n, err
}

// appendText returns content with suffix appended to its last text (or as a
// new text part when there is none).
func appendText(raw json.RawMessage, suffix string) (json.RawMessage, error) {
	if isNull(raw) {
		return json.Marshal(suffix)
	}
	if isString(raw) {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return raw, errContent
		}
		return json.Marshal(s + suffix)
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return raw, errContent
	}
	b, _ := json.Marshal(map[string]string{"type": "text", "text": strings.TrimLeft(suffix, "\n")})
	return json.Marshal(append(parts, b))
}

// setField returns obj (a JSON object) with key set to val; other fields
// are kept as they are.
func setField(obj json.RawMessage, key string, val json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		return obj, err
	}
	m[key] = val
	return json.Marshal(m)
}
