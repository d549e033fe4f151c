package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/policy"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go"
)

// agentAuditor keeps the firewall's audit events.
type agentAuditor struct {
	mu  sync.Mutex
	evs []audit.Event
}

func (a *agentAuditor) Record(_ context.Context, ev *audit.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.evs = append(a.evs, *ev)
	return nil
}

// agentStack builds the real firewall and kill switch over a Rego policy
// that forbids send_email for the test app.
func agentStack(t *testing.T) (*agent.Firewall, *agent.KillSwitch, *agentAuditor) {
	t.Helper()
	dir := t.TempDir()
	rego := `package bulwark.tools

allow if input.tool.name != ""

deny contains "email is not allowed for this app" if {
	input.tool.name == "send_email"
	input.principal.app == "testapp"
}
`
	if err := os.WriteFile(filepath.Join(dir, "tools.rego"), []byte(rego), 0o600); err != nil {
		t.Fatal(err)
	}
	eng, err := policy.Load(context.Background(), dir, policy.Options{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	aud := &agentAuditor{}
	kill := agent.NewKillSwitch(agent.KillSwitchOptions{Auditor: aud})
	fw := agent.NewFirewall(agent.FirewallOptions{Policy: eng, Kill: kill, Auditor: aud})
	return fw, kill, aud
}

func TestAgentsToolCallFirewall(t *testing.T) {
	fw, _, aud := agentStack(t)
	e := newEnv(t, server.Options{ToolCalls: fw})
	oc := oaClient(e)
	ctx := context.Background()
	for _, model := range []string{"gpt-test", "claude-test"} {
		params := openai.ChatCompletionNewParams{Model: model, Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("two tools")}}
		check := func(t *testing.T, content string, calls []openai.ChatCompletionMessageToolCall) {
			t.Helper()
			var names []string
			for _, c := range calls {
				names = append(names, c.Function.Name)
			}
			if diff := cmp.Diff([]string{"get_weather"}, names); diff != "" {
				t.Errorf("tool calls the client saw (-want +got):\n%s\ncontent: %q", diff, content)
			}
			if !strings.Contains(content, "email is not allowed for this app") {
				t.Errorf("content = %q; want the denial reason", content)
			}
		}
		t.Run(model+"/non-streaming", func(t *testing.T) {
			r, err := oc.Chat.Completions.New(ctx, params)
			if err != nil {
				t.Fatal(err)
			}
			check(t, r.Choices[0].Message.Content, r.Choices[0].Message.ToolCalls)
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
			check(t, acc.Choices[0].Message.Content, acc.Choices[0].Message.ToolCalls)
		})
	}
	aud.mu.Lock()
	defer aud.mu.Unlock()
	denied := 0
	for _, ev := range aud.evs {
		if ev.Kind == audit.KindDecision && ev.Decision == "deny" && ev.App == "testapp" {
			denied++
		}
	}
	if denied == 0 {
		t.Errorf("no deny decision in the audit log (%d events)", len(aud.evs))
	}
}

// TestAgentsToolUseAnthropic: the same firewall on the Anthropic Messages
// API (tool_use blocks), with the official Anthropic SDK.
func TestAgentsToolUseAnthropic(t *testing.T) {
	fw, _, _ := agentStack(t)
	e := newEnv(t, server.Options{ToolCalls: fw})
	c := anClient(e)
	for _, model := range []string{"claude-test", "gpt-test"} {
		params := anthropic.MessageNewParams{
			Model:     anthropic.Model(model),
			MaxTokens: 100,
			Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("two tools"))},
		}
		check := func(t *testing.T, m *anthropic.Message) {
			t.Helper()
			r := anthropicResult(m)
			if diff := cmp.Diff([]string{"get_weather"}, r.Tools); diff != "" {
				t.Errorf("tool_use blocks the client saw (-want +got):\n%s\ntext: %q", diff, r.Text)
			}
			if !strings.Contains(r.Text, "email is not allowed for this app") {
				t.Errorf("text = %q; want the denial reason", r.Text)
			}
		}
		t.Run(model+"/non-streaming", func(t *testing.T) {
			m, err := c.Messages.New(context.Background(), params)
			if err != nil {
				t.Fatal(err)
			}
			check(t, m)
		})
		t.Run(model+"/streaming", func(t *testing.T) {
			s := c.Messages.NewStreaming(context.Background(), params)
			var m anthropic.Message
			for s.Next() {
				if err := m.Accumulate(s.Current()); err != nil {
					t.Fatalf("Accumulate: %v", err)
				}
			}
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			check(t, &m)
		})
	}
}

func TestAgentsKillSwitch(t *testing.T) {
	fw, kill, aud := agentStack(t)
	e := newEnv(t, server.Options{ToolCalls: fw, KillSwitch: kill})
	ctx := context.Background()

	// Slow the mock down so a stream is still running when the switch flips.
	cfg := *e.srv.Gateway().State().Config
	cfg.Upstreams = append([]configUpstream(nil), cfg.Upstreams...)
	// 200 × 40 ms = 8 s unless killed; the first bytes pass the guard's
	// hold-back window after about a third of that.
	cfg.Upstreams[0].Mock.ChunkDelay = configDuration(40 * time.Millisecond)
	cfg.Upstreams[0].Mock.Chunks = 200
	if err := e.srv.Reload(&cfg); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/v1/chat/completions",
		strings.NewReader(`{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"`+strings.Repeat("word ", 200)+`"}]}`))
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 64)
	if _, err := io.ReadAtLeast(resp.Body, first, 1); err != nil {
		t.Fatalf("stream did not start: %v", err)
	}
	// Flip the switch through the admin API, as an operator would.
	code, body := adminDo(t, kill.Handler(), `{"kind":"app","name":"testapp","actor":"oncall","reason":"runaway agent"}`)
	if code != http.StatusOK {
		t.Fatalf("POST /admin/kill/disable = %d %s", code, body)
	}
	rest, _ := io.ReadAll(resp.Body)
	var last string
	for _, l := range strings.Split(strings.TrimSpace(string(rest)), "\n") {
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

	// New requests of the app get 403, through the official SDK too.
	oc := oaClient(e)
	_, err = oc.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model: "gpt-test", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")},
	})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		t.Errorf("request after kill = %v; want 403", err)
	}
	aud.mu.Lock()
	defer aud.mu.Unlock()
	found := false
	for _, ev := range aud.evs {
		if ev.Kind == audit.KindControl && ev.Action == "kill.disable" && ev.Actor == "oncall" && ev.Target == "app:testapp" {
			found = true
		}
	}
	if !found {
		t.Errorf("kill action not audited: %+v", aud.evs)
	}
}

func adminDo(t *testing.T, h http.Handler, body string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/admin/kill/disable", strings.NewReader(body)))
	return rec.Code, rec.Body.String()
}
