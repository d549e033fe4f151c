package mcp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawSession speaks Streamable HTTP by hand, for inputs the SDK client would
// never send.
type rawSession struct {
	url, key, id string
	// tolerant turns transport errors into status 0 instead of failing.
	tolerant bool
}

var rawClient = &http.Client{Timeout: 10 * time.Second}

func (s *rawSession) post(t testing.TB, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	if s.id != "" {
		req.Header.Set("Mcp-Session-Id", s.id)
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	}
	resp, err := rawClient.Do(req)
	if err != nil && s.tolerant {
		return 0, ""
	}
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" && s.id == "" {
		s.id = id
	}
	return resp.StatusCode, string(b)
}

func newRawSession(t testing.TB, url, key string) *rawSession {
	t.Helper()
	s := &rawSession{url: url, key: key}
	code, body := s.post(t, []byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`))
	if code != http.StatusOK || s.id == "" {
		t.Fatalf("initialize = %d %s (session %q)", code, body, s.id)
	}
	s.post(t, []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))
	return s
}

// rpcErrorCode extracts error.code from a JSON or SSE response body.
func rpcErrorCode(body string) int {
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "data:")
		var m struct {
			Error *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal([]byte(strings.TrimSpace(line)), &m) == nil && m.Error != nil {
			return m.Error.Code
		}
	}
	return 0
}

func TestBadInput(t *testing.T) {
	e, _ := inProcessEnv(t, envOptions{})
	s := newRawSession(t, e.url+"up", "k-assistant")
	tests := []struct {
		name     string
		body     string
		wantHTTP int // 0: any 2xx/4xx
		wantRPC  int // 0: not checked
	}{
		{"truncated JSON", `{"jsonrpc":"2.0","id":2,"method":`, 400, 0},
		{"not an object", `[1,2,3]`, 400, 0},
		{"bare string", `"hello"`, 400, 0},
		{"unknown method", `{"jsonrpc":"2.0","id":3,"method":"tools/explode","params":{}}`, 0, -32601},
		{"params not an object", `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":"x"}`, 0, -32602},
		{"arguments not an object", `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":[1]}}`, 0, -32602},
		{"schema-violating arguments", `{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"transfer_funds","arguments":{"amount":{"x":1},"currency":7}}}`, 0, -32602},
		{"missing tool name", `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":{}}}`, 0, -32602},
		{"huge body", `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"text":"` + strings.Repeat("a", 5<<20) + `"}}}`, 413, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := s.post(t, []byte(tc.body))
			if code >= 500 {
				t.Fatalf("POST %.60s = %d %s; want no server error", tc.body, code, body)
			}
			if tc.wantHTTP != 0 && code != tc.wantHTTP {
				t.Errorf("POST %.60s status = %d (%s); want %d", tc.body, code, body, tc.wantHTTP)
			}
			if tc.wantRPC != 0 && rpcErrorCode(body) != tc.wantRPC {
				t.Errorf("POST %.60s error code = %d (%s); want %d", tc.body, rpcErrorCode(body), body, tc.wantRPC)
			}
		})
	}
	// Still serving after all that.
	code, body := s.post(t, []byte(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"text":"ok"}}}`))
	if code != http.StatusOK || !strings.Contains(body, "echo: ok") {
		t.Errorf("echo after bad input = %d %s; want ok", code, body)
	}
	// No key, wrong key, unknown server.
	for _, raw := range []*rawSession{{url: e.url + "up"}, {url: e.url + "up", key: "k-wrong"}} {
		if code, _ := raw.post(t, []byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)); code != http.StatusUnauthorized {
			t.Errorf("initialize with key %q = %d; want 401", raw.key, code)
		}
	}
	if code, _ := (&rawSession{url: e.url + "nope", key: "k-assistant"}).post(t, []byte(`{}`)); code != http.StatusNotFound {
		t.Errorf("unknown server = %d; want 404", code)
	}
}

// FuzzJSONRPC posts arbitrary bytes to an established session: the gateway
// must answer every message without a 5xx or a crash.
func FuzzJSONRPC(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":2,"method":`,
		`[1,2,3]`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/explode","params":{}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":"x"}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":[1]}}`,
		`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"transfer_funds","arguments":{"amount":{"x":1}}}}`,
		`{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":"zzz"}}`,
		`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},"_meta":{"call_id":5}}}`,
		`[{"jsonrpc":"2.0","id":9,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":9}}]`,
		`{"jsonrpc":"2.0","result":{},"id":99}`,
	} {
		f.Add([]byte(seed))
	}
	e, _ := inProcessEnv(f, envOptions{})
	s := newRawSession(f, e.url+"up", "k-assistant")
	s.tolerant = true
	f.Fuzz(func(t *testing.T, body []byte) {
		code, resp := s.post(t, body)
		if code >= 500 {
			t.Fatalf("POST %q = %d %s", body, code, resp)
		}
	})
}
