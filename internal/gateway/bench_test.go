package gateway_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/prometheus/client_golang/prometheus"
)

// benchServer is the gateway over the zero-latency in-process mock, with
// no guardrails, so the benchmark measures the gateway's own request path.
func benchServer(b *testing.B) http.Handler {
	return benchServerFor(b, "kind: mock").DataHandler()
}

// benchServerFor builds a server whose one upstream, "up", has the given
// settings (YAML flow-map entries), with gpt-test routed to it, the
// benchmark key and no guardrails.
func benchServerFor(b *testing.B, upstream string) *server.Server {
	b.Helper()
	cfg, err := config.Parse([]byte(`
upstreams: [{name: up, ` + upstream + `}]
models: [{name: gpt-test, targets: [{upstream: up}]}]
keys: [{id: bench, key_sha256: ` + config.HashKey(testKey) + `, app: bench}]
`))
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(cfg, server.Options{Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

func benchChat(b *testing.B, stream bool) {
	benchChatOn(b, benchServer(b), "gpt-test", testKey, strings.Repeat("The quick brown fox jumps over the lazy dog. ", 23)[:1024], stream)
}

func benchChatOn(b *testing.B, h http.Handler, model, key, prompt string, stream bool) {
	s := ""
	if stream {
		s = `"stream":true,`
	}
	body := `{"model":"` + model + `",` + s + `"messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"` + prompt + `"}]}`
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	cpu0 := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+key)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
	b.StopTimer()
	// Process CPU (all threads: handler, mock upstream, GC) per request:
	// unlike ns/op it does not count waiting for a core on a busy machine.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// processCPU returns the user+system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkChatCompletion is one non-streamed 1 KB chat completion through
// the data-plane handler (auth, limits, decode, guard hooks, routing, mock
// upstream, response decode/encode, metrics).
func BenchmarkChatCompletion(b *testing.B) { benchChat(b, false) }

// BenchmarkChatCompletionDemo is BenchmarkChatCompletion with the demo
// configuration (demo guardrails: injection, secrets, PII pseudonyms,
// canary, output scanners) and a 1 KB business prompt.
func BenchmarkChatCompletionDemo(b *testing.B) {
	srv, err := server.New(config.Demo(), server.Options{Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	prompt := strings.Repeat("Please summarize the quarterly report for the operations team and list three follow-up actions. ", 11)[:1024]
	benchChatOn(b, srv.DataHandler(), "demo", config.DemoKey, prompt, false)
}

// BenchmarkChatCompletionStream is the same request streamed.
func BenchmarkChatCompletionStream(b *testing.B) { benchChat(b, true) }

// BenchmarkChatCompletionHTTP is the load generator's setup in one process:
// a client, the gateway and a fixed-answer upstream, each over loopback
// HTTP with keep-alives, 1 KB prompts, no guardrails. Its profile shows
// the gateway's share next to net/http's; cpu-µs/op includes the client
// and the upstream.
func BenchmarkChatCompletionHTTP(b *testing.B) {
	const answer = `{"id":"chatcmpl-load","object":"chat.completion","created":1700000000,"model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"Here is a short summary of the quarterly report with three follow-up actions."},"finish_reason":"stop"}],"usage":{"prompt_tokens":256,"completion_tokens":16,"total_tokens":272}}`
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answer)
	}))
	defer up.Close()
	srv := benchServerFor(b, `kind: openai, base_url: "`+up.URL+`/v1"`)
	gw := httptest.NewServer(srv.DataHandler())
	defer gw.Close()
	defer srv.Gateway().State().Router.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	prompt := strings.Repeat("Please summarize the quarterly report for the operations team. ", 20)[:1024]
	body := `{"model":"gpt-test","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"` + prompt + `"}]}`
	b.ReportAllocs()
	cpu0 := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, gw.URL+"/v1/chat/completions", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testKey)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}
