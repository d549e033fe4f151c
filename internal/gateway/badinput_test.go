package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go"
)

// errShape checks that body is the API's own error shape and returns its
// type and code.
func errShape(t *testing.T, anthropicAPI bool, body string) (typ, code string) {
	t.Helper()
	if anthropicAPI {
		var v struct {
			Type  string `json:"type"`
			Error struct {
				Type    string `json:"type"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil || v.Type != "error" || v.Error.Type == "" || v.Error.Message == "" {
			t.Fatalf("body %s is not an Anthropic error", body)
		}
		return v.Error.Type, ""
	}
	var v struct {
		Error *struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Error == nil || v.Error.Message == "" || v.Error.Type == "" {
		t.Fatalf("body %s is not an OpenAI error", body)
	}
	return v.Error.Type, v.Error.Code
}

func TestBadInput(t *testing.T) {
	e := newEnv(t, server.Options{})
	big := `{"model":"gpt-test","messages":[{"role":"user","content":"` + strings.Repeat("x", 70000) + `"}]}`
	cases := []struct {
		name, path, key, body string
		wantStatus            int
		wantType, wantCode    string
	}{
		{"malformed json", "/v1/chat/completions", testKey, `{"model":`, 400, "invalid_request_error", "invalid_request"},
		{"not json", "/v1/chat/completions", testKey, `hello`, 400, "invalid_request_error", "invalid_request"},
		{"wrong type model", "/v1/chat/completions", testKey, `{"model":5,"messages":[{"role":"user","content":"x"}]}`, 400, "invalid_request_error", "invalid_request"},
		{"wrong type messages", "/v1/chat/completions", testKey, `{"model":"gpt-test","messages":"hi"}`, 400, "invalid_request_error", "invalid_request"},
		{"wrong type content", "/v1/chat/completions", testKey, `{"model":"gpt-test","messages":[{"role":"user","content":5}]}`, 400, "invalid_request_error", "invalid_request"},
		{"no messages", "/v1/chat/completions", testKey, `{"model":"gpt-test","messages":[]}`, 400, "invalid_request_error", "invalid_request"},
		{"missing model", "/v1/chat/completions", testKey, `{"messages":[{"role":"user","content":"x"}]}`, 400, "invalid_request_error", "invalid_request"},
		{"oversized", "/v1/chat/completions", testKey, big, 413, "invalid_request_error", "request_too_large"},
		{"unknown model", "/v1/chat/completions", testKey, `{"model":"nope","messages":[{"role":"user","content":"x"}]}`, 404, "invalid_request_error", "model_not_found"},
		{"missing key", "/v1/chat/completions", "", `{"model":"gpt-test","messages":[{"role":"user","content":"x"}]}`, 401, "invalid_request_error", "invalid_api_key"},
		{"invalid key", "/v1/chat/completions", "bk-wrong", `{"model":"gpt-test","messages":[{"role":"user","content":"x"}]}`, 401, "invalid_request_error", "invalid_api_key"},
		{"model not allowed", "/v1/chat/completions", "bk-limited", `{"model":"gpt-remote","messages":[{"role":"user","content":"x"}]}`, 403, "permission_error", "forbidden"},
		{"upstream down", "/v1/chat/completions", testKey, `{"model":"gpt-down","messages":[{"role":"user","content":"x"}]}`, 502, "server_error", "upstream_error"},
		{"upstream 500", "/v1/chat/completions", testKey, `{"model":"gpt-remote","messages":[{"role":"user","content":"fail upstream"}]}`, 502, "server_error", "upstream_error"},
		{"responses malformed", "/v1/responses", testKey, `{"model":`, 400, "invalid_request_error", "invalid_request"},
		{"responses no input", "/v1/responses", testKey, `{"model":"gpt-test"}`, 400, "invalid_request_error", "invalid_request"},
		{"embeddings wrong type", "/v1/embeddings", testKey, `{"model":"gpt-test","input":{}}`, 200, "", ""},
		{"embeddings unknown model", "/v1/embeddings", testKey, `{"model":"x","input":"a"}`, 404, "invalid_request_error", "model_not_found"},
		{"messages malformed", "/v1/messages", testKey, `{"model":`, 400, "invalid_request_error", ""},
		{"messages wrong type", "/v1/messages", testKey, `{"model":"gpt-test","max_tokens":"x","messages":[]}`, 400, "invalid_request_error", ""},
		{"messages bad block", "/v1/messages", testKey, `{"model":"gpt-test","max_tokens":5,"messages":[{"role":"user","content":{"a":1}}]}`, 400, "invalid_request_error", ""},
		{"messages oversized", "/v1/messages", testKey, big, 413, "request_too_large", ""},
		{"messages missing key", "/v1/messages", "", `{}`, 401, "authentication_error", ""},
		{"messages unknown model", "/v1/messages", testKey, `{"model":"nope","max_tokens":5,"messages":[{"role":"user","content":"x"}]}`, 404, "not_found_error", ""},
		{"messages upstream down", "/v1/messages", testKey, `{"model":"gpt-down","max_tokens":5,"messages":[{"role":"user","content":"x"}]}`, 502, "api_error", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, _, body := e.post(t, tc.path, tc.key, tc.body)
			if st != tc.wantStatus {
				t.Fatalf("POST %s %s = %d %s; want %d", tc.path, tc.name, st, body, tc.wantStatus)
			}
			if st == 200 {
				return
			}
			typ, code := errShape(t, tc.path == "/v1/messages", body)
			if typ != tc.wantType || code != tc.wantCode {
				t.Errorf("POST %s %s error = %s/%s; want %s/%s", tc.path, tc.name, typ, code, tc.wantType, tc.wantCode)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, server.Options{})
	body := `{"model":"gpt-test","messages":[{"role":"user","content":"x"}]}`
	var got []int
	var retry string
	for i := 0; i < 3; i++ {
		st, h, _ := e.post(t, "/v1/chat/completions", "bk-limited", body)
		got = append(got, st)
		retry = h.Get("Retry-After")
	}
	if diff := cmp.Diff([]int{200, 200, 429}, got); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	if retry == "" {
		t.Errorf("Retry-After missing on 429")
	}
}

func TestSDKErrors(t *testing.T) {
	e := newEnv(t, server.Options{})
	ctx := context.Background()
	oc := oaClient(e)
	_, err := oc.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "nope", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")}})
	var oe *openai.Error
	if !errors.As(err, &oe) || oe.StatusCode != 404 || oe.Code != "model_not_found" {
		t.Errorf("openai SDK error = %v; want 404 model_not_found", err)
	}
	ac := anClient(e)
	_, err = ac.Messages.New(ctx, anthropic.MessageNewParams{Model: "nope", MaxTokens: 5, Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("x"))}})
	var ae *anthropic.Error
	if !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Errorf("anthropic SDK error = %v; want 404", err)
	}
}

func TestBrokenUpstreamStream(t *testing.T) {
	e := newEnv(t, server.Options{})
	oc := oaClient(e)
	s := oc.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{Model: "gpt-broken", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")}})
	for s.Next() {
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "upstream stream broke off") {
		t.Errorf("stream error = %v; want an error event about the broken upstream stream", err)
	}
	ac := anClient(e)
	as := ac.Messages.NewStreaming(context.Background(), anthropic.MessageNewParams{Model: "claude-broken", MaxTokens: 5, Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("x"))}})
	for as.Next() {
	}
	if err := as.Err(); err == nil {
		t.Errorf("anthropic stream error = nil; want an error event")
	}
	// Cross-format: OpenAI client, Anthropic upstream that breaks.
	s = oc.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{Model: "claude-broken", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")}})
	for s.Next() {
	}
	if err := s.Err(); err == nil {
		t.Errorf("cross-format broken stream error = nil; want error event")
	}
}

func TestClientHangupNoLeak(t *testing.T) {
	base := runtime.NumGoroutine()
	t.Run("hangups", func(t *testing.T) {
		e := newEnv(t, server.Options{})
		st := *e.srv.Gateway().State()
		// Slow the mock's stream so the client hangs up mid-stream.
		cfg := *st.Config
		cfg.Upstreams = append([]configUpstream(nil), cfg.Upstreams...)
		cfg.Upstreams[0].Mock.ChunkDelay = configDuration(50 * time.Millisecond)
		cfg.Upstreams[0].Mock.Chunks = 50
		if err := e.srv.Reload(&cfg); err != nil {
			t.Fatalf("Reload: %v", err)
		}
		for _, path := range []string{"/v1/chat/completions", "/v1/messages", "/v1/responses"} {
			for i := 0; i < 3; i++ {
				ctx, cancel := context.WithCancel(context.Background())
				body := `{"model":"gpt-remote","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"` + strings.Repeat("long text ", 40) + `"}],"input":"` + strings.Repeat("long text ", 40) + `"}`
				if i == 1 {
					body = strings.Replace(body, "gpt-remote", "gpt-test", 1)
				}
				if i == 2 {
					body = strings.Replace(body, "gpt-remote", "claude-test", 1)
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.url+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+testKey)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					cancel()
					t.Fatalf("POST: %v", err)
				}
				// The stream has started (headers are flushed at once); hang up.
				cancel()
				resp.Body.Close()
			}
		}
	})
	checkGoroutines(t, base)
}

func TestMaxConcurrentStreams(t *testing.T) {
	e := newEnv(t, server.Options{})
	cfg := *e.srv.Gateway().State().Config
	cfg.Upstreams = append([]configUpstream(nil), cfg.Upstreams...)
	// The first stream lasts 50 × 400 ms = 20 s unless its client hangs up,
	// so it is surely still open when the second one arrives.
	cfg.Upstreams[0].Mock.ChunkDelay = configDuration(400 * time.Millisecond)
	cfg.Upstreams[0].Mock.Chunks = 50
	if err := e.srv.Reload(&cfg); err != nil {
		t.Fatal(err)
	}
	body := `{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"` + strings.Repeat("word ", 50) + `"}]}`
	open := func() *http.Response {
		req, _ := http.NewRequest(http.MethodPost, e.url+"/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer bk-streamer")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	first := open()
	second := open()
	b, _ := io.ReadAll(second.Body)
	second.Body.Close()
	if second.StatusCode != 429 {
		t.Errorf("second concurrent stream = %d %s; want 429", second.StatusCode, b)
	}
	if first.StatusCode != 200 {
		t.Errorf("first stream = %d; want 200", first.StatusCode)
	}
	first.Body.Close() // hang up: the handler ends and releases the slot
	// The slot is released when the handler notices the hang-up and returns.
	status := 0
	for deadline := time.Now().Add(30 * time.Second); status != 200 && time.Now().Before(deadline); {
		third := open()
		third.Body.Close()
		if status = third.StatusCode; status != 200 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if status != 200 {
		t.Errorf("stream after release = %d; want 200", status)
	}
}
