package agent

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// duplicateKey returns the JSON pointer of the first object key that
// appears twice in one object of args, and whether there is one. args must
// be valid JSON (json.Valid, which also bounds the nesting). Policy and the
// schema check read the last of two equal keys; a tool server whose parser
// keeps the first would act on a value nobody checked, so such arguments
// are refused. Keys are compared as encoding/json decodes them ("to" and
// "t\u006f" are one key, and so are two invalid UTF-8 sequences that both
// decode to U+FFFD).
//
// It walks the bytes itself: json.Decoder.Token took about 20 µs for 1 KB
// of arguments, on every tool call.
func duplicateKey(args []byte) (string, bool) {
	if bytes.IndexByte(args, '{') < 0 {
		return "", false
	}
	w := dupWalker{b: args}
	segs, found := w.value()
	if !found {
		return "", false
	}
	slices.Reverse(segs)
	var b strings.Builder
	esc := strings.NewReplacer("~", "~0", "/", "~1")
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(esc.Replace(s))
	}
	return b.String(), true
}

// dupWalker reads valid JSON from b at i. On other input it ends without
// an answer (and without looping).
type dupWalker struct {
	b []byte
	i int
}

func (w *dupWalker) space() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// value reads one value; on a duplicate key it returns the path to it,
// innermost segment first.
func (w *dupWalker) value() ([]string, bool) {
	w.space()
	if w.i >= len(w.b) {
		return nil, false
	}
	switch w.b[w.i] {
	case '{':
		return w.object()
	case '[':
		w.i++
		for n := 0; ; n++ {
			w.space()
			if w.i >= len(w.b) || w.b[w.i] == ']' {
				w.i++
				return nil, false
			}
			at := w.i
			if segs, found := w.value(); found {
				return append(segs, strconv.Itoa(n)), true
			}
			if w.i == at {
				return nil, false // not JSON (callers check first); never loop
			}
			w.space()
			if w.i < len(w.b) && w.b[w.i] == ',' {
				w.i++
			}
		}
	case '"':
		w.str()
	default: // number, true, false, null
		for w.i < len(w.b) {
			switch w.b[w.i] {
			case ',', ']', '}', ' ', '\t', '\n', '\r':
				return nil, false
			}
			w.i++
		}
	}
	return nil, false
}

// object reads an object. Its keys are kept in a slice: arguments have few
// keys per object, and a linear search beats a map until they have many.
func (w *dupWalker) object() ([]string, bool) {
	w.i++
	var small [8]string
	keys := small[:0]
	var seen map[string]struct{}
	for {
		w.space()
		if w.i >= len(w.b) || w.b[w.i] == '}' {
			w.i++
			return nil, false
		}
		k := w.key()
		if seen != nil {
			if _, dup := seen[k]; dup {
				return []string{k}, true
			}
			seen[k] = struct{}{}
		} else {
			if slices.Contains(keys, k) {
				return []string{k}, true
			}
			keys = append(keys, k)
			if len(keys) > 32 {
				seen = make(map[string]struct{}, 2*len(keys))
				for _, s := range keys {
					seen[s] = struct{}{}
				}
			}
		}
		w.space()
		w.i++ // ':'
		if segs, found := w.value(); found {
			return append(segs, k), true
		}
		w.space()
		if w.i < len(w.b) && w.b[w.i] == ',' {
			w.i++
		}
	}
}

// str skips a string and returns its raw bytes (without the quotes) and
// whether it holds an escape.
func (w *dupWalker) str() ([]byte, bool) {
	start := w.i
	w.i++
	escaped := false
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case '\\':
			escaped = true
			w.i += 2
			continue
		case '"':
			w.i++
			return w.b[start+1 : w.i-1], escaped
		}
		w.i++
	}
	w.i = len(w.b) // unterminated (not JSON): an escape may have stepped past the end
	return w.b[start+1:], escaped
}

// key reads an object key as encoding/json decodes it.
func (w *dupWalker) key() string {
	start := w.i
	raw, escaped := w.str()
	if !escaped && utf8.Valid(raw) {
		return string(raw)
	}
	var s string
	_ = json.Unmarshal(w.b[start:w.i], &s)
	return s
}
