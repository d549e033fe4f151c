package safetensors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// parseHeaderTokens is the reference implementation of ParseHeader on
// encoding/json's tokenizer. It is simple and obviously strict but slow
// (an allocation per token); ParseHeader is a hand-written equivalent, and
// FuzzParseHeaderDifferential checks the two agree on every input.
func parseHeaderTokens(buf []byte) (*Header, error) {
	if !utf8.Valid(buf) {
		return nil, &ParseError{Rule: "safetensors.header.json", Msg: "header is not valid UTF-8", Evidence: "invalid UTF-8"}
	}
	if buf[0] != '{' {
		return nil, &ParseError{Rule: "safetensors.header.json", Msg: "header does not start with '{'", Evidence: fmt.Sprintf("first byte 0x%02x", buf[0])}
	}
	dec := json.NewDecoder(bytes.NewReader(buf))
	dec.UseNumber()
	p := parser{dec: dec}
	h, err := p.header()
	if err != nil {
		return nil, err
	}
	rest := buf[dec.InputOffset():]
	if len(bytes.Trim(rest, " ")) != 0 {
		return nil, &ParseError{Rule: "safetensors.header.json", Msg: "bytes other than space padding follow the header object", Evidence: fmt.Sprintf("%d trailing bytes", len(rest))}
	}
	return h, nil
}

type parser struct{ dec *json.Decoder }

func (p parser) token() (json.Token, error) {
	t, err := p.dec.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, &ParseError{Rule: "safetensors.header.json", Msg: "header is not valid JSON", Evidence: truncate(err.Error(), 120)}
	}
	return t, nil
}

func (p parser) delim(want json.Delim, where string) error {
	t, err := p.token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return schemaErr("unexpected JSON value", fmt.Sprintf("%s: want %q", where, string(want)))
	}
	return nil
}

// key returns the next object key, or ok=false at the closing brace.
func (p parser) key(seen map[string]bool, where string) (string, bool, error) {
	t, err := p.token()
	if err != nil {
		return "", false, err
	}
	if d, isDelim := t.(json.Delim); isDelim && d == '}' {
		return "", false, nil
	}
	k, isStr := t.(string)
	if !isStr {
		return "", false, schemaErr("unexpected JSON token", where)
	}
	if seen[k] {
		return "", false, &ParseError{Rule: "safetensors.header.duplicate_key", Msg: "duplicate key in header (loaders disagree on which one wins)", Evidence: truncate(where+k, 200)}
	}
	seen[k] = true
	return k, true, nil
}

func (p parser) header() (*Header, error) {
	if err := p.delim('{', "header"); err != nil {
		return nil, err
	}
	h := &Header{}
	seen := map[string]bool{}
	for {
		k, ok, err := p.key(seen, "")
		if err != nil {
			return nil, err
		}
		if !ok {
			return h, nil
		}
		if k == "__metadata__" {
			m, err := p.metadata()
			if err != nil {
				return nil, err
			}
			h.Metadata = m
			continue
		}
		t, err := p.tensor(k)
		if err != nil {
			return nil, err
		}
		h.Tensors = append(h.Tensors, t)
	}
}

func (p parser) metadata() (map[string]string, error) {
	if err := p.delim('{', "__metadata__"); err != nil {
		return nil, err
	}
	m := map[string]string{}
	seen := map[string]bool{}
	for {
		k, ok, err := p.key(seen, "__metadata__.")
		if err != nil {
			return nil, err
		}
		if !ok {
			return m, nil
		}
		t, err := p.token()
		if err != nil {
			return nil, err
		}
		v, isStr := t.(string)
		if !isStr {
			return nil, schemaErr("__metadata__ values must be strings", truncate(k, 200))
		}
		m[k] = v
	}
}

func (p parser) tensor(name string) (Tensor, error) {
	t := Tensor{Name: name}
	if err := p.delim('{', truncate(name, 200)); err != nil {
		return t, err
	}
	seen := map[string]bool{}
	for {
		k, ok, err := p.key(seen, truncate(name, 200)+".")
		if err != nil {
			return t, err
		}
		if !ok {
			break
		}
		switch k {
		case "dtype":
			tok, err := p.token()
			if err != nil {
				return t, err
			}
			s, isStr := tok.(string)
			if !isStr {
				return t, schemaErr("dtype must be a string", truncate(name, 200))
			}
			t.DType = s
		case "shape":
			dims, err := p.uints(name+".shape", MaxRank)
			if err != nil {
				return t, err
			}
			t.Shape = dims
		case "data_offsets":
			offs, err := p.uints(name+".data_offsets", 2)
			if err != nil {
				return t, err
			}
			if len(offs) != 2 {
				return t, schemaErr("data_offsets must hold two integers", truncate(name, 200))
			}
			t.Begin, t.End = offs[0], offs[1]
		default:
			return t, schemaErr("unknown field in tensor entry", truncate(name+"."+k, 200))
		}
	}
	if !seen["dtype"] || !seen["shape"] || !seen["data_offsets"] {
		return t, schemaErr("tensor entry lacks dtype, shape or data_offsets", truncate(name, 200))
	}
	return t, nil
}

// uints reads an array of at most max non-negative integers.
func (p parser) uints(where string, max int) ([]uint64, error) {
	if err := p.delim('[', truncate(where, 200)); err != nil {
		return nil, err
	}
	out := []uint64{}
	for {
		tok, err := p.token()
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && d == ']' {
			return out, nil
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, schemaErr("expected a non-negative integer", truncate(where, 200))
		}
		v, err := strconv.ParseUint(string(num), 10, 64)
		if err != nil {
			return nil, schemaErr("expected a non-negative integer", truncate(where+": "+string(num), 200))
		}
		if len(out) == max {
			return nil, schemaErr("too many values", truncate(where, 200))
		}
		out = append(out, v)
	}
}
