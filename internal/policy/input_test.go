package policy

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// jsonSeeds are argument documents for the parser's tests and fuzz corpus:
// valid, escaped, duplicated, nested and broken ones.
var jsonSeeds = []string{
	``, ` `, `{}`, `[]`, `{"amount": 250, "currency": "EUR", "card_number": "4111", "memo": "invoice 42"}`,
	`{"a": {"b": [1, 2.5, -3e2, true, false, null, {}, []]}, "c": ""}`,
	`{"a": 1, "a": 2, "b": {"x": 1, "x": [1]}}`,
	`{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k1":0}`,
	`{"s": "tab\tand \"quote\" \ud83d\ude00 \u00e9"}`, "{\"x\": \"\xff\"}", `"just a string"`, `12345678901234567890.5e-3`,
	`[[[[[]]]]]`, `{"a":}`, `{"a":1} x`, `[1,]`, `{"a":01}`, "\"\x01\"", `{"a":-}`, `{"a" 1}`, `{1: 2}`, `[1 2]`, `tru`, `{"a":"\u12"}`,
}

// FuzzParseJSON: parseJSON accepts exactly what encoding/json accepts and
// yields the value encoding/json's decoding (numbers kept exact) converts to.
func FuzzParseJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := parseJSON(b)
		want, werr := referenceJSON(b)
		if (err != nil) != (werr != nil) {
			t.Fatalf("parseJSON(%q) error = %v; encoding/json: %v", b, err, werr)
		}
		if err != nil {
			return
		}
		if got.Compare(want) != 0 {
			t.Fatalf("parseJSON(%q) = %v; want %v", b, got, want)
		}
	})
}

// referenceJSON accepts what json.Valid accepts, decodes it with DecodeArguments (encoding/json, numbers kept
// exact) and converts the result with ast.InterfaceToValue: the path Go
// arguments take. Blank input is an empty object, as for parseJSON.
func referenceJSON(b []byte) (ast.Value, error) {
	if len(bytes.Trim(b, " \t\r\n")) == 0 {
		return ast.NewObject(), nil
	}
	if !json.Valid(b) {
		return nil, errArgsJSON // DecodeArguments itself lets `0}` through
	}
	v, err := DecodeArguments(b)
	if err != nil {
		return nil, err
	}
	return ast.InterfaceToValue(v)
}

func TestParseJSONSeeds(t *testing.T) {
	for _, s := range jsonSeeds {
		got, err := parseJSON([]byte(s))
		want, werr := referenceJSON([]byte(s))
		if (err != nil) != (werr != nil) {
			t.Errorf("parseJSON(%q) error = %v; encoding/json: %v", s, err, werr)
			continue
		}
		if err == nil && got.Compare(want) != 0 {
			t.Errorf("parseJSON(%q) = %v; want %v", s, got, want)
		}
	}
}
