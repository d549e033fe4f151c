package gateway_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/provider/mock"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/prometheus/client_golang/prometheus"
)

const testKey = "bk-test"

// mockRules are shared by the in-process mock and the socket upstream.
const mockRules = `
      rules:
        - match: "use the tool"
          tool_calls:
            - name: get_weather
              arguments: '{"city":"Paris"}'
        - match: "two tools"
          reply: "calling two"
          tool_calls:
            - name: get_weather
              arguments: '{"city":"Rome"}'
            - name: send_email
              arguments: '{"to":"x@example.com"}'
        - match: "please leak"
          reply: "the password is hunter2, keep it safe"
        - match: "fail upstream"
          status: 500
`

const testConfig = `
server:
  max_body_bytes: 65536
upstreams:
  - name: mock
    kind: mock
    mock:
      chunks: 3
` + mockRules + `
  - name: anth
    kind: anthropic
    base_url: {{UP}}
    api_key_env: TEST_ANTHROPIC_KEY
  - name: oai
    kind: openai
    base_url: {{UP}}/v1
    api_key_env: TEST_OPENAI_KEY
  - name: down
    kind: openai
    base_url: {{DOWN}}/v1
    circuit_breaker: {failures: -1}
  - name: broken
    kind: openai
    base_url: {{BROKEN}}/v1
    circuit_breaker: {failures: -1}
  - name: brokenanth
    kind: anthropic
    base_url: {{BROKEN}}
    circuit_breaker: {failures: -1}
models:
  - name: gpt-test
    aliases: [demo]
    targets: [{upstream: mock}]
  - name: claude-test
    targets: [{upstream: anth, model: claude-upstream}]
  - name: gpt-remote
    targets: [{upstream: oai, model: gpt-upstream}]
  - name: gpt-down
    targets: [{upstream: down}]
  - name: gpt-fallback
    targets: [{upstream: down}, {upstream: mock}]
  - name: gpt-broken
    targets: [{upstream: broken}]
  - name: claude-broken
    targets: [{upstream: brokenanth}]
keys:
  - id: test
    key_sha256: {{HASH}}
    app: testapp
  - id: limited
    key_sha256: {{HASH2}}
    app: other
    models: [gpt-test]
    limits: {requests_per_minute: 2}
  - id: streamer
    key_sha256: {{HASH3}}
    app: streamer
    limits: {max_concurrent_streams: 1}
retry:
  attempts: 2
  backoff: 1ms
`

// env is a running gateway with its upstreams.
type env struct {
	url      string
	srv      *server.Server
	upstream *recorder
}

// recorder is a socket upstream (the mock handler) that records the
// credentials and bodies it received.
type recorder struct {
	h      http.Handler
	mu     sync.Mutex
	auth   []string
	bodies []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.auth = append(r.auth, req.Header.Get("Authorization")+"|"+req.Header.Get("x-api-key")+"|"+req.Header.Get("anthropic-version"))
	r.bodies = append(r.bodies, string(b))
	r.mu.Unlock()
	req.Body = io.NopCloser(strings.NewReader(string(b)))
	r.h.ServeHTTP(w, req)
}

func (r *recorder) last() (auth, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.auth) == 0 {
		return "", ""
	}
	return r.auth[len(r.auth)-1], r.bodies[len(r.bodies)-1]
}

// brokenSSE answers every call with an event stream that breaks off with
// invalid JSON.
func brokenSSE(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	if strings.HasSuffix(r.URL.Path, "/messages") {
		io.WriteString(w, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\ndata: {broken\n\n")
		return
	}
	io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\ndata: {broken\n\n")
}

func newEnv(t *testing.T, o server.Options) *env {
	t.Helper()
	mcfg, err := config.Decode([]byte("upstreams:\n  - name: m\n    kind: mock\n    mock:\n      chunks: 2\n" + mockRules))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{h: mock.New(mcfg.Upstreams[0].Mock)}
	up := httptest.NewServer(rec)
	t.Cleanup(up.Close)
	broken := httptest.NewServer(http.HandlerFunc(brokenSSE))
	t.Cleanup(broken.Close)
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close() // nothing listens there now

	y := strings.NewReplacer("{{UP}}", up.URL, "{{DOWN}}", downURL, "{{BROKEN}}", broken.URL,
		"{{HASH}}", config.HashKey(testKey), "{{HASH2}}", config.HashKey("bk-limited"), "{{HASH3}}", config.HashKey("bk-streamer")).Replace(testConfig)
	cfg, err := config.Parse([]byte(y))
	if err != nil {
		t.Fatalf("config.Parse: %v", err)
	}
	o.Getenv = func(k string) string {
		return map[string]string{"TEST_ANTHROPIC_KEY": "sk-ant-upstream", "TEST_OPENAI_KEY": "sk-oai-upstream"}[k]
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	srv, err := server.New(cfg, o)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ts := httptest.NewServer(srv.DataHandler())
	t.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
		srv.Gateway().State().Router.Close()
	})
	return &env{url: ts.URL, srv: srv, upstream: rec}
}

// withGuard swaps in a pipeline of the given rules.
func (e *env) withGuard(rules ...guard.Rule) {
	st := *e.srv.Gateway().State()
	st.Guard = guard.NewPipeline(rules...)
	e.srv.Gateway().Swap(&st)
}

// post sends a raw request and returns status, headers and body.
func (e *env) post(t *testing.T, path, key, body string, hdr ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+path, strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// checkGoroutines fails if goroutines stay above base after a settle time.
func checkGoroutines(t *testing.T, base int) {
	t.Helper()
	http.DefaultClient.CloseIdleConnections()
	// A generous deadline: it returns as soon as the count is reached, and
	// under -race on a loaded 2-core machine goroutines can take seconds to
	// be scheduled and exit.
	var n int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		n = runtime.NumGoroutine()
		if n <= base {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	t.Errorf("goroutines = %d after settling; want <= %d\n%s", n, base, buf)
}

// fakeScanner flags every occurrence of a word.
type fakeScanner struct {
	name, word, typ string
	fail            bool
}

func (f *fakeScanner) Name() string { return f.name }

func (f *fakeScanner) Scan(_ context.Context, in guard.Input) ([]guard.Finding, error) {
	if f.fail {
		return nil, fmt.Errorf("scanner crashed")
	}
	var fs []guard.Finding
	for off := 0; ; {
		i := strings.Index(in.Text[off:], f.word)
		if i < 0 {
			return fs, nil
		}
		fs = append(fs, guard.Finding{Scanner: f.name, Type: f.typ, Score: 1, Start: off + i, End: off + i + len(f.word)})
		off += i + len(f.word)
	}
}

type configUpstream = config.Upstream

func configDuration(d time.Duration) config.Duration { return config.Duration(d) }
