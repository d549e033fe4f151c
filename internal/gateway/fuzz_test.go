package gateway_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/prometheus/client_golang/prometheus"
)

// fuzzHandler is the data plane over the in-process mock, with the mock
// rules (tool calls, errors) of the other tests.
func fuzzHandler(f *testing.F) http.Handler {
	cfg, err := config.Parse([]byte(`
upstreams:
  - name: mock
    kind: mock
    mock:
      chunks: 3
` + mockRules + `
models: [{name: gpt-test, aliases: [claude-test], targets: [{upstream: mock}]}]
keys: [{id: f, key_sha256: ` + config.HashKey(testKey) + `, app: f}]
server: {max_body_bytes: 65536}
`))
	if err != nil {
		f.Fatal(err)
	}
	srv, err := server.New(cfg, server.Options{Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()})
	if err != nil {
		f.Fatal(err)
	}
	return srv.DataHandler()
}

var fuzzSeeds = []string{
	`{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}`,
	`{"model":"gpt-test","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"use the tool"}]}],"tools":[{"type":"function","function":{"name":"get_weather"}}]}`,
	`{"model":"gpt-test","messages":[{"role":"assistant","tool_calls":[{"id":"1","type":"function","function":{"name":"f","arguments":"{"}}]},{"role":"tool","tool_call_id":"1","content":"r"}]}`,
	`{"model":"claude-test","max_tokens":5,"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"},{"type":"text","text":"two tools"}]}]}`,
	`{"model":"gpt-test","stream":true,"input":[{"role":"user","content":[{"type":"input_text","text":"hi"}]},{"type":"function_call_output","call_id":"c","output":"o"}],"instructions":"i"}`,
	`{"model":"gpt-test","input":["a","b"]}`,
	`{"model":5}`, `{"model":"gpt-test","messages":"x"}`, `[]`, `null`, `{"model":"gpt-test","messages":[{"role":"user","content":{"a":1}}]}`,
	`{"model":"gpt-test","messages":[{"role":"user","content":"fail upstream"}]}`,
}

// fuzzAPI posts arbitrary bodies to one API and checks the gateway answers
// with a sane status and, for errors, the API's own error shape.
func fuzzAPI(f *testing.F, path string, anthropicShape bool) {
	h := fuzzHandler(f)
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+testKey)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch {
		case w.Code == 200:
			return
		case w.Code < 400 || w.Code > 599:
			t.Fatalf("POST %s %q = %d; want 200 or an error status", path, body, w.Code)
		}
		var v map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || v["error"] == nil {
			t.Fatalf("POST %s %q = %d %s; want an error object", path, body, w.Code, w.Body)
		}
		if anthropicShape && string(v["type"]) != `"error"` {
			t.Fatalf("POST %s %q = %s; want Anthropic error shape", path, body, w.Body)
		}
	})
}

func FuzzChatCompletionsRequest(f *testing.F) { fuzzAPI(f, "/v1/chat/completions", false) }
func FuzzMessagesRequest(f *testing.F)        { fuzzAPI(f, "/v1/messages", true) }
func FuzzResponsesRequest(f *testing.F)       { fuzzAPI(f, "/v1/responses", false) }
func FuzzEmbeddingsRequest(f *testing.F)      { fuzzAPI(f, "/v1/embeddings", false) }
