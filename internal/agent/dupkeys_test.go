package agent

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestDuplicateKey(t *testing.T) {
	tests := []struct {
		args string
		want string // "" for none
	}{
		{`{}`, ""},
		{`[1,2,3]`, ""},
		{`"{}"`, ""},
		{`{"a":1,"b":{"a":2}}`, ""},
		{`{"a":1,"a":2}`, "/a"},
		{`{"a":{"x":1,"y":[{"k":1},{"k":2,"k":3}]}}`, "/a/y/1/k"},
		{`{"t\u006f":1,"to":2}`, "/to"},
		{`{"a/b~":1,"a/b~":2}`, "/a~1b~0"},
		{`[{"a":1},{"a":1}]`, ""},
		{`{"a":[],"b":{},"c":null,"a":true}`, "/a"},
	}
	for _, tc := range tests {
		got, found := duplicateKey([]byte(tc.args))
		if found != (tc.want != "") || got != tc.want {
			t.Errorf("duplicateKey(%s) = %q, %v; want %q", tc.args, got, found, tc.want)
		}
	}
}

// FuzzDuplicateKey: on valid JSON it never panics, and it finds a repeat
// exactly when decoding into maps loses a key (the keys decoded into a
// map[string]any are fewer than the keys in the text).
func FuzzDuplicateKey(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":{"b":[{"c":1,"c":2}]}}`, `[{"x":1},{"x":2}]`, `{"t\u006f":1,"to":2}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		_, found := duplicateKey(b)
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("valid JSON does not decode: %v", err)
		}
		if want := countKeys(b) != countValueKeys(v); found != want {
			t.Fatalf("duplicateKey(%q) found = %v; keys in text %d, decoded %d", b, found, countKeys(b), countValueKeys(v))
		}
	})
}

// countKeys counts the object keys in the JSON text.
func countKeys(b []byte) int {
	dec := json.NewDecoder(bytes.NewReader(b))
	n := 0
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				if _, err := dec.Token(); err != nil {
					return false
				}
				n++
				if !walk() {
					return false
				}
			}
			_, _ = dec.Token()
		case json.Delim('['):
			for dec.More() {
				if !walk() {
					return false
				}
			}
			_, _ = dec.Token()
		}
		return true
	}
	walk()
	return n
}

func countValueKeys(v any) int {
	switch v := v.(type) {
	case map[string]any:
		n := len(v)
		for _, e := range v {
			n += countValueKeys(e)
		}
		return n
	case []any:
		n := 0
		for _, e := range v {
			n += countValueKeys(e)
		}
		return n
	}
	return 0
}
