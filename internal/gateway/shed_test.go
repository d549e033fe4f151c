package gateway_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestInFlightLimitSheds fills the gateway's in-flight limit with real
// concurrent requests held at a blocking upstream, checks that the next
// requests are refused at once with 503, Retry-After and each API's error
// shape, and that requests are served again once the held ones finish.
func TestInFlightLimitSheds(t *testing.T) {
	const limit = 3
	arrived := make(chan struct{}, limit)
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-release
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"c","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`)
	}))
	defer up.Close()
	cfg, err := config.Parse([]byte(`
server: {max_in_flight: 3}
upstreams: [{name: up, kind: openai, base_url: "` + up.URL + `/v1"}]
models: [{name: m, targets: [{upstream: up}]}]
keys: [{id: k, key_sha256: ` + config.HashKey(testKey) + `, app: a}]
`))
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	srv, err := server.New(cfg, server.Options{Logger: slog.New(slog.DiscardHandler), Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(srv.DataHandler())
	defer gw.Close()
	defer srv.Gateway().State().Router.Close()

	post := func(path, body string, hdr ...string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, gw.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testKey)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("POST %s: %v", path, err)
			return nil, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	const chat = `{"model":"m","messages":[{"role":"user","content":"hi"}]}`

	var wg sync.WaitGroup
	statuses := make([]int, limit)
	for i := range limit {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, _ := post("/v1/chat/completions", chat); resp != nil {
				statuses[i] = resp.StatusCode
			}
		}()
	}
	for range limit {
		<-arrived // all held at the upstream: the gateway is full
	}
	if n := srv.Gateway().InFlight(); n != limit {
		t.Errorf("InFlight() = %d with %d requests held; want %d", n, limit, limit)
	}

	resp, body := post("/v1/chat/completions", chat)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("chat over the limit = %d (Retry-After %q) %s; want 503 with Retry-After 1", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	var oe struct {
		Error struct{ Type, Code, Message string }
	}
	if err := json.Unmarshal([]byte(body), &oe); err != nil || oe.Error.Code != "overloaded" || oe.Error.Type != "server_error" {
		t.Errorf("chat over the limit body = %s; want an OpenAI error with code overloaded", body)
	}
	resp, body = post("/v1/messages", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, "anthropic-version", "2023-06-01")
	var ae struct {
		Type  string
		Error struct{ Type string }
	}
	if resp.StatusCode != http.StatusServiceUnavailable || json.Unmarshal([]byte(body), &ae) != nil || ae.Type != "error" || ae.Error.Type != "overloaded_error" {
		t.Errorf("messages over the limit = %d %s; want 503 with an Anthropic overloaded_error", resp.StatusCode, body)
	}
	var m dto.Metric
	srv.Metrics().Blocks.WithLabelValues("overload").Write(&m)
	if got := m.GetCounter().GetValue(); got != 2 {
		t.Errorf("bulwark_blocks_total{reason=overload} = %v; want 2", got)
	}

	close(release)
	// The limit's slot is released when the handler returns, and net/http
	// sends a small buffered response only after that, so once the clients
	// have their answers the slots are free.
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("held request %d = %d; want 200", i, s)
		}
	}
	if n := srv.Gateway().InFlight(); n != 0 {
		t.Errorf("InFlight() = %d after every request finished; want 0", n)
	}
	if resp, body := post("/v1/chat/completions", chat); resp.StatusCode != http.StatusOK {
		t.Errorf("chat after the held requests finished = %d %s; want 200", resp.StatusCode, body)
	}
}
