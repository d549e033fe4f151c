package agent

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// duplicateKey returns the JSON pointer of the first object key that
// appears twice in one object of args, and whether there is one. args must
// be valid JSON (json.Valid, which also bounds the nesting). Policy and the
// schema check read the last of two equal keys; a tool server whose parser
// keeps the first would act on a value nobody checked, so such arguments
// are refused. Keys are compared unescaped ("to" and "t\u006f" are one key).
func duplicateKey(args []byte) (string, bool) {
	if bytes.IndexByte(args, '{') < 0 {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(args))
	segs, found := dupIn(dec)
	if !found {
		return "", false
	}
	slices.Reverse(segs)
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s))
	}
	return b.String(), true
}

// dupIn reads one value; on a duplicate key it returns the path to it,
// innermost segment first.
func dupIn(dec *json.Decoder) ([]string, bool) {
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
			if segs, found := dupIn(dec); found {
				return append(segs, k), true
			}
		}
		_, _ = dec.Token() // '}'
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if segs, found := dupIn(dec); found {
				return append(segs, strconv.Itoa(i)), true
			}
		}
		_, _ = dec.Token() // ']'
	}
	return nil, false
}
