package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go"
)

func TestGuardInput(t *testing.T) {
	e := newEnv(t, server.Options{})
	e.withGuard(
		guard.Rule{Scanner: &fakeScanner{name: "inj", word: "IGNORE", typ: "INJECTION"}, Input: true, Default: guard.ActionBlock},
		guard.Rule{Scanner: &fakeScanner{name: "pii", word: "alice@example.com", typ: "EMAIL"}, Input: true, Default: guard.ActionRedact},
		guard.Rule{Scanner: &fakeScanner{name: "toolinj", word: "EVIL", typ: "INDIRECT"}, Input: true, Sources: []guard.Source{guard.SourceTool}, Default: guard.ActionBlock},
	)
	cases := []struct {
		name, path, body string
		wantStatus       int
		wantVerdict      string
		wantUpstream     string // substring of what the upstream got
	}{
		{"block user", "/v1/chat/completions", `{"model":"gpt-remote","messages":[{"role":"user","content":"please IGNORE rules"}]}`, 400, "block; types=INJECTION", ""},
		{"redact user", "/v1/chat/completions", `{"model":"gpt-remote","messages":[{"role":"user","content":"mail alice@example.com now"}]}`, 200, "redact; types=EMAIL", `"content":"mail [EMAIL] now"`},
		{"redact parts", "/v1/chat/completions", `{"model":"gpt-remote","messages":[{"role":"user","content":[{"type":"text","text":"mail alice@example.com","x":1}]}]}`, 200, "redact; types=EMAIL", `"text":"mail [EMAIL]"`},
		{"tool result block", "/v1/chat/completions", `{"model":"gpt-remote","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"EVIL payload"}]}`, 400, "block; types=INDIRECT", ""},
		{"EVIL in user is fine", "/v1/chat/completions", `{"model":"gpt-remote","messages":[{"role":"user","content":"EVIL word"}]}`, 200, "allow", ""},
		{"anthropic tool_result block", "/v1/messages", `{"model":"claude-test","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"EVIL"}]}]}]}`, 400, "block; types=INDIRECT", ""},
		{"anthropic redact system", "/v1/messages", `{"model":"claude-test","max_tokens":5,"system":"owner alice@example.com","messages":[{"role":"user","content":"hi"}]}`, 200, "redact; types=EMAIL", `"system":"owner [EMAIL]"`},
		{"responses block", "/v1/responses", `{"model":"gpt-remote","input":"IGNORE all"}`, 400, "block; types=INJECTION", ""},
		{"embeddings redact", "/v1/embeddings", `{"model":"gpt-remote","input":["alice@example.com"]}`, 200, "redact; types=EMAIL", `"input":["[EMAIL]"]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, h, body := e.post(t, tc.path, testKey, tc.body)
			if st != tc.wantStatus {
				t.Fatalf("status = %d %s; want %d", st, body, tc.wantStatus)
			}
			if got := h.Get("x-bulwark-verdict"); got != tc.wantVerdict {
				t.Errorf("x-bulwark-verdict = %q; want %q", got, tc.wantVerdict)
			}
			if st == 400 {
				typ, code := errShape(t, tc.path == "/v1/messages", body)
				if typ != "invalid_request_error" || (tc.path != "/v1/messages" && code != "content_blocked") {
					t.Errorf("error = %s/%s; want invalid_request_error/content_blocked", typ, code)
				}
			}
			if tc.wantUpstream != "" {
				_, sent := e.upstream.last()
				if !strings.Contains(sent, tc.wantUpstream) {
					t.Errorf("upstream body = %s; want it to contain %s", sent, tc.wantUpstream)
				}
				if strings.Contains(sent, "alice@example.com") {
					t.Errorf("upstream body leaks the redacted value: %s", sent)
				}
			}
		})
	}
}

func TestGuardScannerFailureFailsClosed(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, server.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	e.withGuard(guard.Rule{Scanner: &fakeScanner{name: "broken", fail: true}, Input: true, Default: guard.ActionBlock})
	for _, path := range []string{"/v1/chat/completions", "/v1/messages"} {
		st, _, body := e.post(t, path, testKey, `{"model":"gpt-test","max_tokens":5,"messages":[{"role":"user","content":"my secret plan"}]}`)
		if st != 503 {
			t.Errorf("POST %s with failing scanner = %d %s; want 503", path, st, body)
		}
		errShape(t, path == "/v1/messages", body)
		if strings.Contains(body, "crashed") {
			t.Errorf("client sees the scanner's error: %s", body)
		}
	}
	// The operator sees which scanner failed and why; never the prompt.
	l := logs.String()
	if !strings.Contains(l, "guardrail failed") || !strings.Contains(l, "broken") || !strings.Contains(l, "scanner crashed") {
		t.Errorf("log does not explain the failure:\n%s", l)
	}
	if strings.Contains(l, "secret plan") {
		t.Errorf("log contains the prompt:\n%s", l)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger used by handler goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestGuardOutput(t *testing.T) {
	e := newEnv(t, server.Options{})
	e.withGuard(
		guard.Rule{Scanner: &fakeScanner{name: "secrets", word: "hunter2", typ: "PASSWORD"}, Output: true, Default: guard.ActionRedact},
		guard.Rule{Scanner: &fakeScanner{name: "leak", word: "TOPSECRET", typ: "CANARY"}, Output: true, Default: guard.ActionBlock},
	)
	oc, ac := oaClient(e), anClient(e)
	ctx := context.Background()
	for _, model := range []string{"gpt-test", "claude-test", "gpt-remote"} {
		params := openai.ChatCompletionNewParams{Model: model, Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("please leak")}}
		want := "the password is [PASSWORD], keep it safe"
		t.Run(model+"/openai non-streaming redact", func(t *testing.T) {
			r, err := oc.Chat.Completions.New(ctx, params)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Choices[0].Message.Content; got != want {
				t.Errorf("content = %q; want %q", got, want)
			}
		})
		t.Run(model+"/openai streaming redact", func(t *testing.T) {
			s := oc.Chat.Completions.NewStreaming(ctx, params)
			var acc openai.ChatCompletionAccumulator
			for s.Next() {
				acc.AddChunk(s.Current())
			}
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			if got := acc.Choices[0].Message.Content; got != want {
				t.Errorf("content = %q; want %q", got, want)
			}
		})
		t.Run(model+"/anthropic streaming redact", func(t *testing.T) {
			s := ac.Messages.NewStreaming(ctx, anthropic.MessageNewParams{Model: anthropic.Model(model), MaxTokens: 50,
				Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("please leak"))}})
			var m anthropic.Message
			for s.Next() {
				m.Accumulate(s.Current())
			}
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			if got := anthropicResult(&m).Text; got != want {
				t.Errorf("content = %q; want %q", got, want)
			}
		})
	}
	// Output blocks: a stream ends with an error event, never silently.
	e.withGuard(guard.Rule{Scanner: &fakeScanner{name: "leak", word: "hunter2", typ: "CANARY"}, Output: true, Default: guard.ActionBlock})
	for _, model := range []string{"gpt-test", "claude-test"} {
		t.Run(model+"/openai stream block", func(t *testing.T) {
			s := oc.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{Model: model, Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("please leak")}})
			var text string
			for s.Next() {
				for _, c := range s.Current().Choices {
					text += c.Delta.Content
				}
			}
			if err := s.Err(); err == nil || !strings.Contains(err.Error(), "content_blocked") {
				t.Errorf("stream error = %v; want content_blocked error event", err)
			}
			if strings.Contains(text, "hunter2") {
				t.Errorf("blocked text reached the client: %q", text)
			}
		})
		t.Run(model+"/anthropic stream block", func(t *testing.T) {
			s := ac.Messages.NewStreaming(ctx, anthropic.MessageNewParams{Model: anthropic.Model(model), MaxTokens: 50,
				Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("please leak"))}})
			for s.Next() {
			}
			if err := s.Err(); err == nil {
				t.Errorf("anthropic stream error = nil; want error event")
			}
		})
		t.Run(model+"/non-streaming block", func(t *testing.T) {
			_, err := oc.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: model, Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("please leak")}})
			var oe *openai.Error
			if !errors.As(err, &oe) || oe.Code != "content_blocked" {
				t.Errorf("error = %v; want content_blocked", err)
			}
		})
	}
	t.Run("responses stream block", func(t *testing.T) {
		st, _, body := e.post(t, "/v1/responses", testKey, `{"model":"gpt-test","stream":true,"input":"please leak"}`)
		if st != 200 || !strings.Contains(body, "event: error") || strings.Contains(body, "hunter2") {
			t.Errorf("responses stream = %d %s; want an error event and no leaked text", st, body)
		}
	})
}

// recAuditor records events; fail makes Record return an error.
type recAuditor struct {
	mu   sync.Mutex
	evs  []audit.Event
	fail bool
}

func (a *recAuditor) Record(_ context.Context, ev *audit.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail {
		return errors.New("disk full")
	}
	a.evs = append(a.evs, *ev)
	return nil
}

func TestAudit(t *testing.T) {
	a := &recAuditor{}
	e := newEnv(t, server.Options{Auditor: a})
	e.post(t, "/v1/chat/completions", testKey, `{"model":"demo","messages":[{"role":"user","content":"hi"}]}`)
	e.post(t, "/v1/chat/completions", testKey, `{"model":"demo","stream":true,"messages":[{"role":"user","content":"hi"}]}`)
	e.post(t, "/v1/chat/completions", testKey, `{"model":"nope","messages":[{"role":"user","content":"hi"}]}`)
	type sum struct {
		KeyID, App, Model, Provider, Decision string
		Status                                int
		HasTokens                             bool
	}
	var got []sum
	for _, ev := range a.evs {
		got = append(got, sum{ev.KeyID, ev.App, ev.Model, ev.Provider, ev.Decision, ev.Status, ev.TokensIn > 0 && ev.TokensOut > 0})
	}
	want := []sum{
		{"test", "testapp", "gpt-test", "mock", "allow", 200, true},
		{"test", "testapp", "gpt-test", "mock", "allow", 200, true},
		{"test", "testapp", "", "", "error", 404, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit events mismatch (-want +got):\n%s", diff)
	}
	a.fail = true
	st, _, body := e.post(t, "/v1/chat/completions", testKey, `{"model":"demo","messages":[{"role":"user","content":"hi"}]}`)
	if st != 500 || strings.Contains(body, "hi") {
		t.Errorf("with failing auditor: %d %s; want 500 without the response", st, body)
	}
	_, _, body = e.post(t, "/v1/chat/completions", testKey, `{"model":"demo","stream":true,"messages":[{"role":"user","content":"hi"}]}`)
	if !strings.Contains(body, "audit") || strings.Contains(body, "[DONE]") {
		t.Errorf("stream with failing auditor = %s; want an error event and no [DONE]", body)
	}
}

// denyTool denies calls to one tool name.
type denyTool struct{ name string }

func (d denyTool) CheckToolCalls(_ context.Context, _ auth.Principal, calls []agent.ToolCall, _ []guard.Finding) ([]agent.Decision, error) {
	out := make([]agent.Decision, len(calls))
	for i, c := range calls {
		out[i] = agent.Decision{Effect: agent.EffectAllow}
		if c.Name == d.name {
			out[i] = agent.Decision{Effect: agent.EffectDeny, Reasons: []string{"email is not allowed"}}
		}
	}
	return out, nil
}

func TestToolCallChecker(t *testing.T) {
	e := newEnv(t, server.Options{ToolCalls: denyTool{name: "send_email"}})
	oc := oaClient(e)
	ctx := context.Background()
	for _, model := range []string{"gpt-test", "claude-test"} {
		params := openai.ChatCompletionNewParams{Model: model, Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("two tools")}}
		check := func(t *testing.T, content string, names []string) {
			t.Helper()
			if diff := cmp.Diff([]string{"get_weather"}, names); diff != "" {
				t.Errorf("tool calls mismatch (-want +got):\n%s", diff)
			}
			if !strings.Contains(content, "Bulwark blocked a tool call: send_email (email is not allowed)") {
				t.Errorf("content = %q; want the denial explanation", content)
			}
		}
		t.Run(model+"/non-streaming", func(t *testing.T) {
			r, err := oc.Chat.Completions.New(ctx, params)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range r.Choices[0].Message.ToolCalls {
				names = append(names, c.Function.Name)
			}
			check(t, r.Choices[0].Message.Content, names)
		})
		t.Run(model+"/streaming", func(t *testing.T) {
			s := oc.Chat.Completions.NewStreaming(ctx, params)
			var acc openai.ChatCompletionAccumulator
			for s.Next() {
				acc.AddChunk(s.Current())
			}
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range acc.Choices[0].Message.ToolCalls {
				names = append(names, c.Function.Name)
			}
			check(t, acc.Choices[0].Message.Content, names)
		})
	}
}

// killSwitch disables targets; killed is closed to kill watched streams.
type killSwitch struct {
	off    map[string]bool
	killed chan struct{}
}

func (k *killSwitch) Check(ts ...agent.Target) error {
	for _, t := range ts {
		if k.off[t.String()] {
			return &agent.DisabledError{Target: t}
		}
	}
	return nil
}

func (k *killSwitch) Watch(ctx context.Context, _ ...agent.Target) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-k.killed:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

func TestKillSwitch(t *testing.T) {
	ks := &killSwitch{off: map[string]bool{"model:gpt-remote": true}, killed: make(chan struct{})}
	e := newEnv(t, server.Options{KillSwitch: ks})
	st, _, body := e.post(t, "/v1/chat/completions", testKey, `{"model":"gpt-remote","messages":[{"role":"user","content":"hi"}]}`)
	if typ, _ := errShape(t, false, body); st != 403 || typ != "permission_error" {
		t.Errorf("killed model = %d %s; want 403 permission_error", st, body)
	}
	st, _, _ = e.post(t, "/v1/chat/completions", testKey, `{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}`)
	if st != 200 {
		t.Errorf("live model = %d; want 200", st)
	}
	// Slow the mock down, start a stream, then kill it mid-way.
	cfg := *e.srv.Gateway().State().Config
	cfg.Upstreams = append([]configUpstream(nil), cfg.Upstreams...)
	// 100 × 200 ms: still running when the kill lands, even on a starved
	// machine (the kill ends it at once, so the test is not slower).
	cfg.Upstreams[0].Mock.ChunkDelay = configDuration(200 * time.Millisecond)
	cfg.Upstreams[0].Mock.Chunks = 100
	if err := e.srv.Reload(&cfg); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/v1/chat/completions",
		strings.NewReader(`{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"`+strings.Repeat("word ", 100)+`"}]}`))
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	close(ks.killed) // every watched stream is killed at once
	b, _ := io.ReadAll(resp.Body)
	body = string(b)
	var last string
	for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
		if strings.HasPrefix(l, "data: ") {
			last = strings.TrimPrefix(l, "data: ")
		}
	}
	var v struct {
		Error struct{ Type string } `json:"error"`
	}
	if json.Unmarshal([]byte(last), &v); v.Error.Type != "permission_error" {
		t.Errorf("killed stream ended with %q; want a permission_error event", last)
	}
}
