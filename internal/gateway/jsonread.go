package gateway

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jreader is a strict, single-pass JSON reader over a byte slice. It
// validates while it decodes, so the hot-path request and response bodies
// are read once: encoding/json scans every document twice (checkValid, then
// the decode) and decodes through reflection.
//
// Acceptance matches encoding/json's (RFC 8259, nesting up to 10,000,
// invalid UTF-8 and lone surrogates in strings decoded as U+FFFD) with one
// deliberate difference: object keys match field names exactly. encoding/json
// also matches case-insensitively, so {"messages":[A],"Messages":[B]} would
// have the gateway check B while an upstream that matches keys exactly (as
// OpenAI's and Anthropic's do) answers A; exact matching makes the gateway
// read what the upstream reads. Duplicate keys: the last one wins, as in
// encoding/json and the upstreams' parsers.
//
// Errors: the first syntax error stops the reader (err); a value of the
// wrong type is skipped and remembered (typeErr), and decoding goes on, as
// encoding/json does. A syntax error takes precedence.
type jreader struct {
	b       []byte
	i       int
	depth   int
	err     *jsonDecodeError
	typeErr *jsonDecodeError
}

// jsonDecodeError is a syntax or type error; jsonErrText describes it.
type jsonDecodeError struct {
	syntax bool
	off    int
	field  string // type errors: the field's JSON name
	got    string // type errors: "string", "number", "array", ...
	depth  bool   // nesting too deep
}

func (e *jsonDecodeError) Error() string {
	switch {
	case e.depth:
		return "JSON nested too deeply"
	case e.syntax:
		return "malformed JSON at offset " + strconv.Itoa(e.off)
	case e.field != "":
		return "field " + e.field + " has the wrong type (got " + e.got + ")"
	}
	return "wrong JSON type (got " + e.got + ")"
}

const maxJSONDepth = 10000

func newJReader(b []byte) *jreader { return &jreader{b: b} }

// failed reports a syntax error.
func (r *jreader) failed() bool { return r.err != nil }

// result returns the error to report (syntax first), or nil.
func (r *jreader) result() error {
	if r.err != nil {
		return r.err
	}
	if r.typeErr != nil {
		return r.typeErr
	}
	return nil
}

func (r *jreader) syntaxErr() {
	if r.err == nil {
		r.err = &jsonDecodeError{syntax: true, off: r.i}
	}
}

func (r *jreader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (r *jreader) peek() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

// end checks that only white space follows the top-level value.
func (r *jreader) end() {
	if r.err != nil {
		return
	}
	r.ws()
	if r.i != len(r.b) {
		r.syntaxErr()
	}
}

// kind names the type of the value at the current position.
func (r *jreader) kind() string {
	switch r.peek() {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// wrongType records a type error for field and skips the value.
func (r *jreader) wrongType(field string) {
	if r.typeErr == nil && r.err == nil {
		r.typeErr = &jsonDecodeError{field: field, got: r.kind(), off: r.i}
	}
	r.skip()
}

// null consumes a null literal if one is next.
func (r *jreader) null() bool {
	if r.peek() == 'n' {
		r.literal("null")
		return true
	}
	return false
}

func (r *jreader) literal(s string) {
	if len(r.b)-r.i >= len(s) && string(r.b[r.i:r.i+len(s)]) == s {
		r.i += len(s)
		return
	}
	r.syntaxErr()
}

// openObject consumes '{'. It reports false (and records a type error for
// field) when the value is not an object; null is skipped silently.
func (r *jreader) openObject(field string) bool { return r.open('{', field) }

// openArray is openObject for '['.
func (r *jreader) openArray(field string) bool { return r.open('[', field) }

func (r *jreader) open(c byte, field string) bool {
	switch r.peek() {
	case c:
		r.i++
		r.depth++
		if r.depth > maxJSONDepth {
			r.tooDeep()
			return false
		}
		return true
	case 'n':
		r.null()
	default:
		r.wrongType(field)
	}
	return false
}

func (r *jreader) tooDeep() {
	if r.err == nil {
		r.err = &jsonDecodeError{syntax: true, depth: true, off: r.i}
	}
}

// more reports whether another member or element follows in the open
// object or array (closing with close), consuming the separator or the
// closing byte. first must start true for each container.
func (r *jreader) more(close byte, first *bool) bool {
	if r.err != nil {
		return false
	}
	c := r.peek()
	if c == close {
		r.i++
		r.depth--
		return false
	}
	if *first {
		*first = false
		return true
	}
	if c != ',' {
		r.syntaxErr()
		return false
	}
	r.i++
	if r.peek() == close { // trailing comma
		r.syntaxErr()
		return false
	}
	return true
}

// key reads an object key and its colon. The returned bytes alias the
// input unless the key has escapes.
func (r *jreader) key() []byte {
	if r.peek() != '"' {
		r.syntaxErr()
		return nil
	}
	k, _ := r.strBytes()
	if r.peek() != ':' {
		r.syntaxErr()
		return nil
	}
	r.i++
	return k
}

// str reads a string value into *dst (null leaves it alone).
func (r *jreader) str(field string, dst *string) {
	switch r.peek() {
	case '"':
		b, _ := r.strBytes()
		*dst = string(b)
	case 'n':
		r.null()
	default:
		r.wrongType(field)
	}
}

// strBytes reads a string at the current position ('"' next) and returns
// its decoded bytes; alias reports whether they alias the input.
func (r *jreader) strBytes() (b []byte, alias bool) {
	r.i++ // opening quote
	start := r.i
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return r.b[start : r.i-1], true
		case c == '\\' || c >= utf8.RuneSelf:
			return r.strSlow(start), false
		case c < 0x20:
			r.syntaxErr()
			return nil, false
		}
		r.i++
	}
	r.syntaxErr()
	return nil, false
}

// strSlow decodes a string with escapes or non-ASCII bytes from start (just
// after the opening quote); r.i is somewhere inside it.
func (r *jreader) strSlow(start int) []byte {
	out := make([]byte, r.i-start, r.i-start+64)
	copy(out, r.b[start:r.i])
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return out
		case c < 0x20:
			r.syntaxErr()
			return nil
		case c == '\\':
			if r.i+1 >= len(r.b) {
				r.syntaxErr()
				return nil
			}
			e := r.b[r.i+1]
			r.i += 2
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
				rr := r.hex4(r.i)
				if rr < 0 {
					r.syntaxErr()
					return nil
				}
				r.i += 4
				if utf16.IsSurrogate(rr) {
					if r.i+6 <= len(r.b) && r.b[r.i] == '\\' && r.b[r.i+1] == 'u' {
						if rr1 := r.hex4(r.i + 2); rr1 >= 0 {
							if d := utf16.DecodeRune(rr, rr1); d != utf8.RuneError {
								r.i += 6
								out = utf8.AppendRune(out, d)
								break
							}
						}
					}
					rr = utf8.RuneError
				}
				out = utf8.AppendRune(out, rr)
			default:
				r.i -= 1
				r.syntaxErr()
				return nil
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			r.i++
		default:
			rr, size := utf8.DecodeRune(r.b[r.i:])
			r.i += size
			out = utf8.AppendRune(out, rr)
		}
	}
	r.syntaxErr()
	return nil
}

func (r *jreader) hex4(at int) rune {
	if at+4 > len(r.b) {
		return -1
	}
	var v rune
	for _, c := range r.b[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		v = v*16 + rune(c)
	}
	return v
}

// boolean reads a bool into *dst.
func (r *jreader) boolean(field string, dst *bool) {
	switch r.peek() {
	case 't':
		r.literal("true")
		*dst = true
	case 'f':
		r.literal("false")
		*dst = false
	case 'n':
		r.null()
	default:
		r.wrongType(field)
	}
}

// number scans a number and returns its text.
func (r *jreader) number() []byte {
	start := r.i
	b := r.b
	i := r.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		r.i = i
		r.syntaxErr()
		return nil
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			r.i = i
			r.syntaxErr()
			return nil
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			r.i = i
			r.syntaxErr()
			return nil
		}
	}
	r.i = i
	return b[start:i]
}

// integer reads an integer into *dst (null leaves it alone). A number that
// is not an integer in range is a type error, as in encoding/json.
func (r *jreader) integer(field string, dst *int64) bool {
	c := r.peek()
	if c == 'n' {
		r.null()
		return false
	}
	if c != '-' && (c < '0' || c > '9') {
		r.wrongType(field)
		return false
	}
	at := r.i
	num := r.number()
	if r.err != nil {
		return false
	}
	v, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		if r.typeErr == nil {
			r.typeErr = &jsonDecodeError{field: field, got: "number " + string(num), off: at}
		}
		return false
	}
	*dst = v
	return true
}

// intPtr reads an int into a new *int (null leaves *dst alone).
func (r *jreader) intPtr(field string, dst **int) {
	var v int64
	if r.integer(field, &v) {
		if int64(int(v)) != v {
			if r.typeErr == nil {
				r.typeErr = &jsonDecodeError{field: field, got: "number " + strconv.FormatInt(v, 10), off: r.i}
			}
			return
		}
		n := int(v)
		*dst = &n
	}
}

// intVal reads an int (null leaves *dst alone).
func (r *jreader) intVal(field string, dst *int) {
	var v int64
	if r.integer(field, &v) {
		*dst = int(v)
	}
}

// floatPtr reads a float64 into a new *float64.
func (r *jreader) floatPtr(field string, dst **float64) {
	c := r.peek()
	if c == 'n' {
		r.null()
		return
	}
	if c != '-' && (c < '0' || c > '9') {
		r.wrongType(field)
		return
	}
	at := r.i
	num := r.number()
	if r.err != nil {
		return
	}
	v, err := strconv.ParseFloat(string(num), 64)
	if err != nil {
		if r.typeErr == nil {
			r.typeErr = &jsonDecodeError{field: field, got: "number " + string(num), off: at}
		}
		return
	}
	*dst = &v
}

// raw skips a value and returns its bytes (aliasing the input).
func (r *jreader) raw() []byte {
	r.ws()
	start := r.i
	r.skip()
	if r.err != nil {
		return nil
	}
	return r.b[start:r.i:r.i]
}

// skip validates and skips one value.
func (r *jreader) skip() {
	switch r.peek() {
	case '"':
		r.skipString()
	case '{':
		r.i++
		r.depth++
		if r.depth > maxJSONDepth {
			r.tooDeep()
			return
		}
		for first := true; r.more('}', &first); {
			if r.peek() != '"' {
				r.syntaxErr()
				return
			}
			r.skipString()
			if r.peek() != ':' {
				r.syntaxErr()
				return
			}
			r.i++
			r.skip()
		}
	case '[':
		r.i++
		r.depth++
		if r.depth > maxJSONDepth {
			r.tooDeep()
			return
		}
		for first := true; r.more(']', &first); {
			r.skip()
		}
	case 't':
		r.literal("true")
	case 'f':
		r.literal("false")
	case 'n':
		r.literal("null")
	default:
		r.number()
	}
}

// skipString validates a string without decoding it.
func (r *jreader) skipString() {
	r.i++
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return
		case c < 0x20:
			r.syntaxErr()
			return
		case c == '\\':
			if r.i+1 >= len(r.b) {
				r.syntaxErr()
				return
			}
			switch r.b[r.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				r.i += 2
			case 'u':
				if r.hex4(r.i+2) < 0 {
					r.i++
					r.syntaxErr()
					return
				}
				r.i += 6
			default:
				r.i++
				r.syntaxErr()
				return
			}
		default:
			r.i++
		}
	}
	r.syntaxErr()
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it (HTML-safe: <, > and & escaped; U+2028 and U+2029 escaped;
// invalid UTF-8 as U+FFFD).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
