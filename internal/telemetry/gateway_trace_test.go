package telemetry_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/bulwark-ai/bulwark/internal/telemetry"
)

// TestGatewaySpansOverOTLP runs the assembled gateway (mock upstream)
// with the otlp exporter and checks what reaches the collector: one server
// span per request with the GenAI attributes, and none of the prompt, the
// reply or the client's key anywhere in the exported bytes.
func TestGatewaySpansOverOTLP(t *testing.T) {
	const (
		apiKey = "bk-trace-test-key-7f3a9c"
		prompt = "canary-prompt-Zq81 my card is 4111 1111 1111 1111"
	)
	col := newCollector(t)
	cfg, err := config.Parse([]byte(fmt.Sprintf(`
upstreams: [{name: m, kind: mock}]
models: [{name: gpt-4o-mini, targets: [{upstream: m}]}]
keys: [{id: tracer, key_sha256: %s}]
telemetry:
  trace_exporter: otlp
  otlp: {endpoint: %s}
`, config.HashKey(apiKey), col.URL)))
	if err != nil {
		t.Fatal(err)
	}
	tp, shutdownTracing, err := telemetry.NewTracerProvider(cfg.Telemetry, telemetry.TracerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	al, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(cfg, server.Options{Logger: slog.New(slog.DiscardHandler), Tracer: tp.Tracer("bulwark"),
		DataListener: dl, AdminListener: al})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()

	base := "http://" + dl.Addr().String()
	reqs := []struct{ path, body string }{
		{"/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"` + prompt + `"}]}`},
		{"/v1/chat/completions", `{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"` + prompt + `"}]}`},
		{"/v1/messages", `{"model":"gpt-4o-mini","max_tokens":64,"messages":[{"role":"user","content":"` + prompt + `"}]}`},
	}
	// The first request comes from a traced client: its span must be a
	// child of the client's.
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	for i, r := range reqs {
		req, _ := http.NewRequest("POST", base+r.path, strings.NewReader(r.body))
		if i == 0 {
			req.Header.Set("traceparent", parent)
		}
		req.Header.Set("Authorization", "Bearer "+apiKey)
		req.Header.Set("x-api-key", apiKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", r.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "canary-prompt-Zq81") {
			t.Fatalf("POST %s = %d; want 200 with the mock's echo of the prompt", r.path, resp.StatusCode)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(30 * time.Second): // a hang guard, not a timing bound
		t.Fatal("Run did not return after cancel")
	}
	// As bulwark serve does: the listeners have drained, then flush.
	if err := shutdownTracing(context.Background()); err != nil {
		t.Fatalf("shutdown tracing = %v", err)
	}

	exports := col.received(t)
	spans := spansOf(exports)
	if len(spans) != len(reqs) {
		t.Fatalf("collector got %d spans; want %d (one per request)", len(spans), len(reqs))
	}
	wantOps := map[string]int{"chat": 2, "messages": 1}
	children := 0
	for _, s := range spans {
		if fmt.Sprintf("%x", s.GetTraceId()) == "4bf92f3577b34da6a3ce929d0e0e4736" {
			children++
			if got := fmt.Sprintf("%x", s.GetParentSpanId()); got != "00f067aa0ba902b7" {
				t.Errorf("span in the client's trace has parent %q; want the client's span 00f067aa0ba902b7", got)
			}
		}
		a := attrs(s.GetAttributes())
		op := a["gen_ai.operation.name"]
		wantOps[op]--
		if s.GetName() != "bulwark "+op {
			t.Errorf("span name = %q; want %q", s.GetName(), "bulwark "+op)
		}
		for k, want := range map[string]string{"gen_ai.system": "bulwark.mock", "gen_ai.request.model": "gpt-4o-mini",
			"http.response.status_code": "200"} {
			if a[k] != want {
				t.Errorf("%s span: %s = %q; want %q", op, k, a[k], want)
			}
		}
		for _, k := range []string{"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"} {
			if v := a[k]; v == "" || v == "0" {
				t.Errorf("%s span: %s = %q; want the mock's token count", op, k, v)
			}
		}
	}
	if children != 1 {
		t.Errorf("%d spans joined the client's trace; want 1 (the request that sent traceparent)", children)
	}
	for op, n := range wantOps {
		if n != 0 {
			t.Errorf("spans with gen_ai.operation.name %q: off by %d", op, -n)
		}
	}
	for _, e := range exports {
		for _, secret := range []string{"canary-prompt-Zq81", "4111 1111", apiKey, config.HashKey(apiKey)} {
			if bytes.Contains(e.body, []byte(secret)) {
				t.Errorf("exported bytes contain %q", secret)
			}
		}
	}
}
