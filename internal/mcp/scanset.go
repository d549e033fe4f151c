package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// scanSet gathers what an upstream answer (a tool result, a prompt, a
// resource) puts in front of the agent's model, for the guard pipeline:
// plain strings, and decoded JSON values (structuredContent, _meta, a
// tool_use block's input).
//
// A JSON value is scanned as the model would read it, as one document: its
// strings (object keys and string values, in key order), one per line,
// decoded. Scanning its JSON encoding instead would show the scanners
// escapes ("\u0049gnore", "\n", and json.Marshal's "\u003c" for "<") rather
// than the text. When the scan of the document changes it (a redaction),
// the strings are scanned again one by one and the changed ones written
// back into the value.
type scanSet struct {
	texts []*string
	docs  []*jsonDoc
}

// jsonDoc is the strings of one decoded JSON value, and how to write each
// back.
type jsonDoc struct {
	strs   []string
	puts   []func(string)
	joined string
	err    error
}

func (s *scanSet) add(t ...*string) { s.texts = append(s.texts, t...) }

// content adds the text of one content block, nested blocks included.
func (s *scanSet) content(c sdk.Content) {
	switch c := c.(type) {
	case *sdk.TextContent:
		s.add(&c.Text)
		s.meta(c.Meta)
	case *sdk.ImageContent:
		s.meta(c.Meta)
	case *sdk.AudioContent:
		s.meta(c.Meta)
	case *sdk.EmbeddedResource:
		if c.Resource != nil {
			s.resource(c.Resource)
		}
		s.meta(c.Meta)
	case *sdk.ResourceLink:
		s.add(&c.Name, &c.Title, &c.Description)
		s.meta(c.Meta)
	case *sdk.ToolUseContent:
		s.add(&c.Name)
		if c.Input != nil {
			s.value(c.Input, func(v any) {
				if m, ok := v.(map[string]any); ok {
					c.Input = m
				}
			})
		}
		s.meta(c.Meta)
	case *sdk.ToolResultContent:
		for _, n := range c.Content {
			s.content(n)
		}
		if c.StructuredContent != nil {
			s.value(c.StructuredContent, func(v any) { c.StructuredContent = v })
		}
		s.meta(c.Meta)
	}
}

// resource adds a resource's text and _meta.
func (s *scanSet) resource(r *sdk.ResourceContents) {
	s.add(&r.Text)
	s.meta(r.Meta)
}

// result adds everything in a tool result the agent's model can read.
func (s *scanSet) result(res *sdk.CallToolResult) {
	for _, c := range res.Content {
		s.content(c)
	}
	if res.StructuredContent != nil {
		s.value(res.StructuredContent, func(v any) { res.StructuredContent = v })
	}
	s.meta(res.Meta)
}

// meta adds a _meta object. It is a map, so its strings are written back in
// place.
func (s *scanSet) meta(m sdk.Meta) {
	if len(m) > 0 {
		s.value(map[string]any(m), func(any) {})
	}
}

// value adds a decoded JSON value; set replaces it (a top-level string, or
// a value that had to be decoded first).
func (s *scanSet) value(v any, set func(any)) {
	d := &jsonDoc{}
	switch v.(type) {
	case string, map[string]any, []any:
	case nil, bool, float64, json.Number:
		return
	default:
		// Not a plain decoded value (json.RawMessage, a struct): decode its
		// encoding, numbers as written, and scan that in its place.
		var err error
		if v, err = redecode(v); err != nil {
			d.err = err
			s.docs = append(s.docs, d)
			return
		}
		set(v)
	}
	d.walk(v, set)
	if len(d.strs) > 0 {
		s.docs = append(s.docs, d)
	}
}

// redecode turns any JSON-encodable value into plain decoded JSON.
func redecode(v any) (any, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// walk collects the strings of v: object keys (in sorted order, so that the
// document and its verdict do not depend on map order) and string values.
func (d *jsonDoc) walk(v any, set func(any)) {
	switch x := v.(type) {
	case string:
		d.strs = append(d.strs, x)
		d.puts = append(d.puts, func(n string) { set(n) })
	case []any:
		for i, e := range x {
			d.walk(e, func(n any) { x[i] = n })
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			name := k // the key's current name: a redaction renames it
			d.strs = append(d.strs, k)
			d.puts = append(d.puts, func(n string) {
				if n == name {
					return
				}
				e := x[name]
				delete(x, name)
				n = freeKey(x, n)
				x[n] = e
				name = n
			})
			d.walk(x[k], func(n any) { x[name] = n })
		}
	}
}

// freeKey returns key, or key with a numeric suffix when the object already
// holds it (two keys redacted to the same placeholder both stay).
func freeKey(m map[string]any, key string) string {
	if _, taken := m[key]; !taken {
		return key
	}
	for i := 2; ; i++ {
		k := key + " (" + strconv.Itoa(i) + ")"
		if _, taken := m[k]; !taken {
			return k
		}
	}
}

// scan runs pipe over the set (as guard.SourceTool input) and applies
// redactions in place. A *guard.BlockedError means the answer must be
// withheld; any other error that it could not be scanned.
func (s *scanSet) scan(ctx context.Context, pipe *guard.Pipeline) error {
	texts := s.texts
	for _, d := range s.docs {
		if d.err != nil {
			return d.err
		}
		d.joined = strings.Join(d.strs, "\n")
		texts = append(texts, &d.joined)
	}
	before := make([]string, len(s.docs))
	for i, d := range s.docs {
		before[i] = d.joined
	}
	if err := scanTexts(ctx, pipe, texts); err != nil {
		return err
	}
	for i, d := range s.docs {
		if d.joined == before[i] {
			continue
		}
		// Redacted: find which strings, by scanning them one by one.
		ptrs := make([]*string, len(d.strs))
		orig := slices.Clone(d.strs)
		for j := range d.strs {
			ptrs[j] = &d.strs[j]
		}
		if err := scanTexts(ctx, pipe, ptrs); err != nil {
			return err
		}
		changed := false
		for j, str := range d.strs {
			if str != orig[j] {
				d.puts[j](str)
				changed = true
			}
		}
		if !changed {
			// The document held something its strings alone do not (a
			// finding that spans two of them): withhold rather than pass
			// it on unredacted.
			return errors.New("a redaction in structured content spans more than one string")
		}
	}
	return nil
}
