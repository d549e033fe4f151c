package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// scanSet gathers what an upstream answer (a tool result, a prompt, a
// resource) puts in front of the agent's model, for the guard pipeline:
// plain strings, and decoded JSON values (structuredContent, _meta, a
// tool_use block's input).
//
// A JSON value is scanned as the model would read it, as one document:
// one line per member, "key: value", nested values indented below their
// key, strings decoded, keys in sorted order (so the verdict does not
// depend on map order). Scanning its JSON encoding instead showed the
// scanners escapes ("\u0049gnore", "\n", json.Marshal's "\u003c" for "<").
// Each key and string value is a piece of the document; a redaction is
// written back into the piece it falls in, and one that spans two pieces
// (or touches the layout between them) withholds the answer.
type scanSet struct {
	texts []*string
	docs  []*jsonDoc
	err   error // something that cannot be scanned: withhold
}

// jsonDoc is the document of one decoded JSON value.
type jsonDoc struct {
	b      strings.Builder
	pieces []piece
}

// piece is a key or string value: its bytes [start, end) of the document,
// and how to write a redacted version back.
type piece struct {
	start, end int
	put        func(string)
}

func (s *scanSet) add(t ...*string) { s.texts = append(s.texts, t...) }

// content adds the text of one content block, nested blocks included.
func (s *scanSet) content(c sdk.Content) {
	switch c := c.(type) {
	case nil:
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
		s.add(&c.URI, &c.Name, &c.Title, &c.Description)
		s.meta(c.Meta)
	case *sdk.ToolUseContent:
		s.add(&c.ID, &c.Name)
		if c.Input != nil {
			s.value(c.Input, func(v any) {
				if m, ok := v.(map[string]any); ok {
					c.Input = m
				}
			})
		}
		s.meta(c.Meta)
	case *sdk.ToolResultContent:
		s.add(&c.ToolUseID)
		for _, n := range c.Content {
			s.content(n)
		}
		if c.StructuredContent != nil {
			s.value(c.StructuredContent, func(v any) { c.StructuredContent = v })
		}
		s.meta(c.Meta)
	default:
		// A kind of content this build does not know: it cannot say what
		// in it the model reads.
		s.err = fmt.Errorf("unknown content type %T", c)
	}
}

// resource adds a resource's URI, text, a blob that is text, and _meta.
func (s *scanSet) resource(r *sdk.ResourceContents) {
	s.add(&r.URI, &r.Text)
	if len(r.Blob) > 0 && utf8.Valid(r.Blob) && bytes.IndexByte(r.Blob, 0) < 0 {
		// Text sent as a blob is read as text.
		blob := string(r.Blob)
		s.value(blob, func(v any) {
			if t, ok := v.(string); ok {
				r.Blob = []byte(t)
			}
		})
	}
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
	if err := d.walk(v, set, 0); err != nil {
		s.err = err
		return
	}
	if len(d.pieces) > 0 {
		s.docs = append(s.docs, d)
	}
}

// redecode turns any JSON-encodable value into plain decoded JSON, numbers
// as written.
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

// str writes one piece.
func (d *jsonDoc) str(s string, put func(string)) {
	start := d.b.Len()
	d.b.WriteString(s)
	d.pieces = append(d.pieces, piece{start: start, end: d.b.Len(), put: put})
}

// maxIndent bounds the indentation: it only helps a reader, and 10,000
// levels of nesting (what encoding/json accepts) would otherwise write
// 100 MB of spaces for 20 KB of brackets.
const maxIndent = 8

func (d *jsonDoc) indent(depth int) {
	for range min(depth, maxIndent) {
		d.b.WriteString("  ")
	}
}

// walk writes v at depth: a string as a piece, a scalar as its JSON text,
// an array one element per line, an object one "key: value" per member.
// A value that is not plain decoded JSON (json.RawMessage, a struct) is
// decoded, put in its place, and walked.
func (d *jsonDoc) walk(v any, set func(any), depth int) error {
	switch x := v.(type) {
	case string:
		d.str(x, func(n string) { set(n) })
	case nil:
		d.b.WriteString("null")
	case bool, float64, json.Number:
		fmt.Fprint(&d.b, x)
	case []any:
		for i, e := range x {
			if i > 0 {
				d.b.WriteByte('\n')
				d.indent(depth)
			}
			if err := d.member(e, func(n any) { x[i] = n }, depth); err != nil {
				return err
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				d.b.WriteByte('\n')
				d.indent(depth)
			}
			name := k // the key's current name: a redaction renames it
			d.str(k, func(n string) {
				if n == name {
					return
				}
				e := x[name]
				delete(x, name)
				n = freeKey(x, n)
				x[n] = e
				name = n
			})
			d.b.WriteString(": ")
			if err := d.member(x[k], func(n any) { x[name] = n }, depth); err != nil {
				return err
			}
		}
	default:
		p, err := redecode(v)
		if err != nil {
			return fmt.Errorf("a %T value cannot be scanned: %w", v, err)
		}
		set(p)
		return d.walk(p, set, depth)
	}
	return nil
}

// member writes an array element or object member's value: nested
// containers start on their own line, one level deeper.
func (d *jsonDoc) member(v any, set func(any), depth int) error {
	switch v.(type) {
	case []any, map[string]any:
		d.b.WriteByte('\n')
		d.indent(depth + 1)
		return d.walk(v, set, depth+1)
	}
	return d.walk(v, set, depth)
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

// errSpansPieces: a redaction in a JSON value's document does not fall
// inside one key or string value.
var errSpansPieces = errors.New("a redaction in a JSON value spans more than one of its strings")

// scan runs pipe over the set in one session (as guard.SourceTool input,
// so pseudonyms are numbered across all of it) and applies redactions in
// place. A *guard.BlockedError means the answer must be withheld; any
// other error that it could not be scanned.
func (s *scanSet) scan(ctx context.Context, pipe *guard.Pipeline) error {
	if s.err != nil {
		return s.err
	}
	segs := make([]guard.Segment, 0, len(s.texts)+len(s.docs))
	idx := make([]int, 0, len(s.texts))
	for i, t := range s.texts {
		if *t == "" {
			continue
		}
		segs = append(segs, guard.Segment{ID: len(segs), Source: guard.SourceTool, Text: *t})
		idx = append(idx, i)
	}
	first := len(segs)
	for _, d := range s.docs {
		segs = append(segs, guard.Segment{ID: len(segs), Source: guard.SourceTool, Text: d.b.String()})
	}
	if len(segs) == 0 {
		return nil
	}
	out, err := pipe.Begin(guard.Request{}).CheckInput(ctx, segs)
	if err != nil {
		return err
	}
	for j := range first {
		if out.Texts[j] != segs[j].Text {
			*s.texts[idx[j]] = out.Texts[j]
		}
	}
	if out.Edits == nil {
		return nil
	}
	for j, d := range s.docs {
		if err := d.apply(segs[first+j].Text, out.Edits[first+j]); err != nil {
			return err
		}
	}
	return nil
}

// apply writes the redactions of the document text back into its pieces.
// es are sorted and do not overlap.
func (d *jsonDoc) apply(text string, es []guard.Edit) error {
	for len(es) > 0 {
		// The piece the first edit falls in: the last one that starts at or
		// before it (pieces are in document order and never touch).
		i := sort.Search(len(d.pieces), func(i int) bool { return d.pieces[i].start > es[0].Start }) - 1
		if i < 0 || es[0].End > d.pieces[i].end {
			return errSpansPieces
		}
		p := d.pieces[i]
		var b strings.Builder
		last := p.start
		for len(es) > 0 && es[0].End <= p.end && es[0].Start >= p.start {
			b.WriteString(text[last:es[0].Start])
			b.WriteString(es[0].Text)
			last = es[0].End
			es = es[1:]
		}
		if len(es) > 0 && es[0].Start < p.end {
			return errSpansPieces
		}
		b.WriteString(text[last:p.end])
		p.put(b.String())
	}
	return nil
}
