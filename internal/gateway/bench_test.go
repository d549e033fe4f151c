package gateway_test

import (
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
	b.Helper()
	cfg, err := config.Parse([]byte(`
upstreams: [{name: mock, kind: mock}]
models: [{name: gpt-test, targets: [{upstream: mock}]}]
keys: [{id: bench, key_sha256: ` + config.HashKey(testKey) + `, app: bench}]
`))
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(cfg, server.Options{Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	return srv.DataHandler()
}

func benchChat(b *testing.B, stream bool) {
	h := benchServer(b)
	prompt := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 23)[:1024]
	s := ""
	if stream {
		s = `"stream":true,`
	}
	body := `{"model":"gpt-test",` + s + `"messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"` + prompt + `"}]}`
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	cpu0 := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testKey)
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

// BenchmarkChatCompletionStream is the same request streamed.
func BenchmarkChatCompletionStream(b *testing.B) { benchChat(b, true) }
