package mcp

import (
	"testing"
)

var classifyCases = []struct {
	body     string
	wantCode int
}{
	{`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, 0},
	{`{"jsonrpc":"2.0","method":"notifications/whatever"}`, 0},
	{`{"jsonrpc":"2.0","id":1,"result":{}}`, 0},
	{`{"jsonrpc":"2.0","id":1,"method":"tools/explode"}`, -32601},
	{`{"jsonrpc":"2.0","method":"unknown/notification"}`, 0},
	{``, -32600},
	{`   `, -32600},
	{`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, -32600},
	{`{"jsonrpc":"2.0","id":1,"method":`, -32700},
	{`"str"`, -32700},
	{`{"jsonrpc":"1.0","id":1,"method":"ping"}`, -32600},
	{`{"id":{"obj":1},"method":"ping","jsonrpc":"2.0"}`, -32600},
}

func TestClassify(t *testing.T) {
	for _, tc := range classifyCases {
		_, _, code, msg := classify([]byte(tc.body))
		if code != tc.wantCode {
			t.Errorf("classify(%q) = %d %q; want %d", tc.body, code, msg, tc.wantCode)
		}
	}
}

// FuzzClassify: the gateway's JSON-RPC decoding never panics and always
// yields a known code.
func FuzzClassify(f *testing.F) {
	for _, tc := range classifyCases {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _, code, _ := classify(body)
		switch code {
		case 0, -32600, -32601, -32700:
		default:
			t.Fatalf("classify(%q) code = %d", body, code)
		}
	})
}

// FuzzCanonical: contract canonicalization is deterministic and idempotent.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		`{"name":"echo","description":"d","inputSchema":{"type":"object"}}`,
		`{"name":"x","_meta":{"a":1},"annotations":{"readOnlyHint":true},"inputSchema":{"properties":{"b":{"type":"number","maximum":1e400}}}}`,
		`{"description":"no name"}`,
		`[]`,
		`{"name":"a"} trailing`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c1, h1, err := Canonical(b)
		if err != nil {
			return
		}
		c2, h2, err := Canonical(c1)
		if err != nil || h1 != h2 || string(c1) != string(c2) {
			t.Fatalf("Canonical not idempotent: %s -> %s (%v)", c1, c2, err)
		}
	})
}
