package agent

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
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
		{` { "a" : [ 1 , { "b" : "x\"}" , "b" : 2 } ] } `, "/a/1/b"},
		{"{\"\xff\":1,\"\xfe\":2}", "/\ufffd"},
		{`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k18":18,"k19":19,"k20":20,"k21":21,"k22":22,"k23":23,"k24":24,"k25":25,"k26":26,"k27":27,"k28":28,"k29":29,"k30":30,"k31":31,"k32":32,"k33":33,"k5":0}`, "/k5"},
	}
	// Not JSON (callers check first): an answer, not a hang.
	for _, bad := range []string{`[{}}]`, `[}`, `{"a":}`, `{"a" 1}`, `[1,,]`, `{`, `[`, `{"a":[}]}`, `{"\`, `["\`, `{"a\`} {
		duplicateKey([]byte(bad))
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
			duplicateKey(b) // must end, and not panic
			return
		}
		at, found := duplicateKey(b)
		if refAt, refFound := duplicateKeyTokens(b); at != refAt || found != refFound {
			t.Fatalf("duplicateKey(%q) = %q, %v; the token reader says %q, %v", b, at, found, refAt, refFound)
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber() // a number too large for float64 is still valid JSON
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("valid JSON does not decode: %v", err)
		}
		if want := countKeys(b) != countValueKeys(v); found != want {
			t.Fatalf("duplicateKey(%q) found = %v; keys in text %d, decoded %d", b, found, countKeys(b), countValueKeys(v))
		}
	})
}

// duplicateKeyTokens is duplicateKey written with json.Decoder.Token (as
// it was before session 14): the reference the byte walker must match.
func duplicateKeyTokens(args []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(args))
	var in func() ([]string, bool)
	in = func() ([]string, bool) {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, false
				}
				k, _ := kt.(string)
				if seen[k] {
					return []string{k}, true
				}
				seen[k] = true
				if segs, found := in(); found {
					return append(segs, k), true
				}
			}
			_, _ = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if segs, found := in(); found {
					return append(segs, strconv.Itoa(i)), true
				}
			}
			_, _ = dec.Token()
		}
		return nil, false
	}
	segs, found := in()
	if !found {
		return "", false
	}
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(segs[i]))
	}
	return b.String(), true
}

func BenchmarkDuplicateKey1KB(b *testing.B) {
	args, _ := json.Marshal(map[string]any{"text": strings.Repeat("Please summarize the quarterly report. ", 26), "to": "a@example.com", "n": 3, "tags": []any{"a", "b"}})
	b.SetBytes(int64(len(args)))
	for b.Loop() {
		if _, found := duplicateKey(args); found {
			b.Fatal("found a repeat")
		}
	}
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
