package safetensors

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// ParseHeader parses the JSON header strictly: one object whose keys are
// unique; each value is {dtype, shape, data_offsets} (no other field) except
// "__metadata__", a string→string map. Only spaces may follow the object.
// It accepts exactly what encoding/json would (same string unescaping, same
// number grammar) and reports the first violation in input order.
func ParseHeader(buf []byte) (*Header, error) {
	if !utf8.Valid(buf) {
		return nil, &ParseError{Rule: "safetensors.header.json", Msg: "header is not valid UTF-8", Evidence: "invalid UTF-8"}
	}
	if len(buf) == 0 || buf[0] != '{' {
		ev := "empty header"
		if len(buf) > 0 {
			ev = "first byte 0x" + strconv.FormatUint(uint64(buf[0]), 16)
		}
		return nil, &ParseError{Rule: "safetensors.header.json", Msg: "header does not start with '{'", Evidence: ev}
	}
	p := &fast{b: buf, i: 1}
	h, err := p.header()
	if err != nil {
		return nil, err
	}
	for _, c := range buf[p.i:] {
		if c != ' ' {
			return nil, &ParseError{Rule: "safetensors.header.json", Msg: "bytes other than space padding follow the header object", Evidence: strconv.Itoa(len(buf)-p.i) + " trailing bytes"}
		}
	}
	return h, nil
}

type fast struct {
	b []byte
	i int
}

func (p *fast) syntax(what string) error {
	return &ParseError{Rule: "safetensors.header.json", Msg: "header is not valid JSON", Evidence: what + " at offset " + strconv.Itoa(p.i)}
}

func (p *fast) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// sep consumes whitespace and one of the allowed separator bytes.
func (p *fast) sep(allowed string) (byte, error) {
	p.ws()
	if p.i >= len(p.b) {
		return 0, p.syntax("unexpected end")
	}
	c := p.b[p.i]
	for k := 0; k < len(allowed); k++ {
		if c == allowed[k] {
			p.i++
			return c, nil
		}
	}
	return 0, p.syntax("unexpected character")
}

// token kinds of a value.
const (
	kString = iota
	kNumber
	kLiteral
	kObject // '{' consumed
	kArray  // '[' consumed
)

// value reads the start of a value: a whole string, number or literal, or
// the opening bracket of an object or array.
func (p *fast) value() (kind int, s string, err error) {
	p.ws()
	if p.i >= len(p.b) {
		return 0, "", p.syntax("unexpected end")
	}
	switch c := p.b[p.i]; {
	case c == '"':
		s, err := p.str()
		return kString, s, err
	case c == '{':
		p.i++
		return kObject, "", nil
	case c == '[':
		p.i++
		return kArray, "", nil
	case c == '-' || c >= '0' && c <= '9':
		s, err := p.number()
		return kNumber, s, err
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(p.b)-p.i >= len(lit) && string(p.b[p.i:p.i+len(lit)]) == lit {
				p.i += len(lit)
				return kLiteral, lit, nil
			}
		}
	}
	return 0, "", p.syntax("invalid character")
}

func (p *fast) number() (string, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.b[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return "", p.syntax("invalid number")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return "", p.syntax("invalid number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return "", p.syntax("invalid number")
		}
	}
	return string(p.b[start:p.i]), nil
}

// str reads a string literal (p.b[p.i] == '"') and unescapes it like
// encoding/json: invalid surrogates become U+FFFD.
func (p *fast) str() (string, error) {
	p.i++
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := string(p.b[start:p.i])
			p.i++
			return s, nil
		case c == '\\':
			return p.strSlow(start)
		case c < 0x20:
			return "", p.syntax("control character in string")
		}
		p.i++
	}
	return "", p.syntax("unterminated string")
}

func (p *fast) strSlow(start int) (string, error) {
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c < 0x20:
			return "", p.syntax("control character in string")
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			return "", p.syntax("unterminated string")
		}
		e := p.b[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.syntax("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					var ok2 bool
					r2, ok2 = p.hex4()
					if !ok2 {
						return "", p.syntax("invalid \\u escape")
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						out = utf8.AppendRune(out, dec)
						continue
					}
					p.i = save // not a pair: the second escape is read on its own
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", p.syntax("invalid escape")
		}
	}
	return "", p.syntax("unterminated string")
}

func (p *fast) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// members iterates an object whose '{' was consumed: fn gets each key
// (duplicates already rejected) and must consume the ':' and the value via
// p.member. dup reports (and records) whether a key was seen before; where
// prefixes the key in the evidence.
func (p *fast) members(where func() string, dup func(k string) bool, fn func(key string) error) error {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return nil
	}
	for {
		p.ws()
		if p.i >= len(p.b) {
			return p.syntax("unexpected end")
		}
		if p.b[p.i] != '"' {
			return p.syntax("expected object key")
		}
		k, err := p.str()
		if err != nil {
			return err
		}
		if dup(k) {
			return &ParseError{Rule: "safetensors.header.duplicate_key", Msg: "duplicate key in header (loaders disagree on which one wins)", Evidence: truncate(where()+k, 200)}
		}
		if err := fn(k); err != nil {
			return err
		}
		c, err := p.sep(",}")
		if err != nil {
			return err
		}
		if c == '}' {
			return nil
		}
	}
}

// member consumes the ':' before a value and reads the value's start.
func (p *fast) member() (int, string, error) {
	if _, err := p.sep(":"); err != nil {
		return 0, "", err
	}
	return p.value()
}

// mapDup is a duplicate-key check backed by a set.
func mapDup() func(string) bool {
	seen := map[string]bool{}
	return func(k string) bool {
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	}
}

func (p *fast) header() (*Header, error) {
	h := &Header{}
	err := p.members(func() string { return "" }, mapDup(), func(k string) error {
		kind, _, err := p.member()
		if err != nil {
			return err
		}
		if k == "__metadata__" {
			if kind != kObject {
				return schemaErr("unexpected JSON value", "__metadata__: want \"{\"")
			}
			m, err := p.metadata()
			h.Metadata = m
			return err
		}
		if kind != kObject {
			return schemaErr("unexpected JSON value", truncate(k, 200)+": want \"{\"")
		}
		t, err := p.tensor(k)
		if err != nil {
			return err
		}
		h.Tensors = append(h.Tensors, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

func (p *fast) metadata() (map[string]string, error) {
	m := map[string]string{}
	err := p.members(func() string { return "__metadata__." }, mapDup(), func(k string) error {
		kind, v, err := p.member()
		if err != nil {
			return err
		}
		if kind != kString {
			return schemaErr("__metadata__ values must be strings", truncate(k, 200))
		}
		m[k] = v
		return nil
	})
	return m, err
}

func (p *fast) tensor(name string) (Tensor, error) {
	t := Tensor{Name: name}
	var have [3]bool
	// Any key other than the three fields is rejected when first seen, so
	// only those can repeat.
	dup := func(k string) bool {
		switch k {
		case "dtype":
			return have[0]
		case "shape":
			return have[1]
		case "data_offsets":
			return have[2]
		}
		return false
	}
	err := p.members(func() string { return truncate(name, 200) + "." }, dup, func(k string) error {
		switch k {
		case "dtype":
			kind, v, err := p.member()
			if err != nil {
				return err
			}
			if kind != kString {
				return schemaErr("dtype must be a string", truncate(name, 200))
			}
			t.DType, have[0] = v, true
		case "shape":
			dims, err := p.uints(name, ".shape", MaxRank)
			if err != nil {
				return err
			}
			t.Shape, have[1] = dims, true
		case "data_offsets":
			offs, err := p.uints(name, ".data_offsets", 2)
			if err != nil {
				return err
			}
			if len(offs) != 2 {
				return schemaErr("data_offsets must hold two integers", truncate(name, 200))
			}
			t.Begin, t.End, have[2] = offs[0], offs[1], true
		default:
			return schemaErr("unknown field in tensor entry", truncate(name+"."+k, 200))
		}
		return nil
	})
	if err != nil {
		return t, err
	}
	if !have[0] || !have[1] || !have[2] {
		return t, schemaErr("tensor entry lacks dtype, shape or data_offsets", truncate(name, 200))
	}
	return t, nil
}

// uints reads ':' and an array of at most max non-negative integers;
// name+field names it in errors.
func (p *fast) uints(name, field string, max int) ([]uint64, error) {
	where := func() string { return name + field }
	kind, _, err := p.member()
	if err != nil {
		return nil, err
	}
	if kind != kArray {
		return nil, schemaErr("unexpected JSON value", truncate(where(), 200)+": want \"[\"")
	}
	out := make([]uint64, 0, 4)
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return out, nil
	}
	for {
		kind, s, err := p.value()
		if err != nil {
			return nil, err
		}
		if kind != kNumber {
			return nil, schemaErr("expected a non-negative integer", truncate(where(), 200))
		}
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, schemaErr("expected a non-negative integer", truncate(where()+": "+s, 200))
		}
		if len(out) == max {
			return nil, schemaErr("too many values", truncate(where(), 200))
		}
		out = append(out, v)
		c, err := p.sep(",]")
		if err != nil {
			return nil, err
		}
		if c == ']' {
			return out, nil
		}
	}
}

// ParseError is a header that breaks the format's rules; Rule is the
// finding's rule id.
type ParseError struct {
	Rule     string
	Msg      string
	Evidence string
}

func (e *ParseError) Error() string { return e.Msg + ": " + e.Evidence }

func schemaErr(msg, ev string) error {
	return &ParseError{Rule: "safetensors.header.schema", Msg: msg, Evidence: ev}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
