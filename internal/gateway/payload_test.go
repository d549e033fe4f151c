package gateway_test

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/bulwark-ai/bulwark/internal/store/sqlite"
	"github.com/openai/openai-go"
)

// spyLog is a real audit log that also keeps the last exchange event the
// gateway handed it (to see that nothing was copied with payloads off).
type spyLog struct {
	*audit.Log
	mu   sync.Mutex
	last audit.Event
}

func (s *spyLog) Record(ctx context.Context, ev *audit.Event) error {
	s.mu.Lock()
	s.last = *ev
	s.mu.Unlock()
	return s.Log.Record(ctx, ev)
}

func openTestAudit(t *testing.T, mode audit.PayloadMode) *spyLog {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "audit.db"), sqlite.Options{})
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	signer, _, err := audit.LoadOrCreateSigner(filepath.Join(dir, "audit.key"), filepath.Join(dir, "audit.pub"), "bulwark/test")
	if err != nil {
		t.Fatalf("LoadOrCreateSigner: %v", err)
	}
	o := audit.Options{Store: st, Signer: signer, Origin: "bulwark/test", Mode: audit.ModeSync, Payloads: mode, CheckpointInterval: -1}
	if mode != audit.PayloadsOff {
		o.MasterKey = make([]byte, 32)
		rand.Read(o.MasterKey)
	}
	l, err := audit.New(ctx, o)
	if err != nil {
		t.Fatalf("audit.New: %v", err)
	}
	t.Cleanup(func() { l.Close(context.Background()) })
	return &spyLog{Log: l}
}

// TestAuditPayloads sends a prompt with an email (pseudonymized) and a
// secret (redacted) through the gateway with a real audit log in each
// payload mode and reads the stored, decrypted payloads back.
func TestAuditPayloads(t *testing.T) {
	const (
		email  = "alice@example.com"
		secret = "s3cr3t-token"
		prompt = "write to " + email + " about key " + secret
	)
	rules := []guard.Rule{
		{Scanner: &fakeScanner{name: "pii", word: email, typ: "EMAIL"}, Input: true, Output: true, Default: guard.ActionRedact, Pseudonymize: true},
		{Scanner: &fakeScanner{name: "secrets", word: secret, typ: "SECRET"}, Input: true, Output: true, Default: guard.ActionRedact},
	}
	for _, mode := range []audit.PayloadMode{audit.PayloadsFull, audit.PayloadsRedacted, audit.PayloadsOff} {
		for _, stream := range []bool{false, true} {
			name := string(mode)
			if stream {
				name += "/stream"
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				alog := openTestAudit(t, mode)
				e := newEnv(t, server.Options{Auditor: alog})
				e.withGuard(rules...)
				c := oaClient(e)
				params := openai.ChatCompletionNewParams{
					Model:    "gpt-test",
					Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)},
				}
				var got string
				if stream {
					s := c.Chat.Completions.NewStreaming(ctx, params)
					var acc openai.ChatCompletionAccumulator
					for s.Next() {
						acc.AddChunk(s.Current())
					}
					if err := s.Err(); err != nil {
						t.Fatalf("stream: %v", err)
					}
					got = acc.Choices[0].Message.Content
				} else {
					resp, err := c.Chat.Completions.New(ctx, params)
					if err != nil {
						t.Fatalf("Chat.Completions.New: %v", err)
					}
					got = resp.Choices[0].Message.Content
				}
				// The mock echoes the prompt: the client gets the email back
				// (pseudonym restored), never the secret.
				if !strings.Contains(got, email) || strings.Contains(got, secret) {
					t.Fatalf("client reply = %q; want the email restored and the secret redacted", got)
				}

				size, _ := alog.Head()
				if size != 1 {
					t.Fatalf("audit log size = %d; want 1", size)
				}
				if mode == audit.PayloadsOff {
					alog.mu.Lock()
					ev := alog.last
					alog.mu.Unlock()
					if ev.RequestPayload != nil || ev.ResponsePayload != nil || ev.RedactedRequest != nil || ev.RedactedResponse != nil {
						t.Errorf("payloads off: event carries payloads (req %d, resp %d, redacted %d/%d bytes); want none",
							len(ev.RequestPayload), len(ev.ResponsePayload), len(ev.RedactedRequest), len(ev.RedactedResponse))
					}
					if n, err := alog.Store().Payloads(ctx, 0); err == nil && len(n) > 0 {
						t.Errorf("payloads off: store holds %d payloads; want 0", len(n))
					}
					return
				}
				ps, err := alog.Payloads(ctx, 0)
				if err != nil {
					t.Fatalf("Payloads(0): %v", err)
				}
				parts := map[string]string{}
				for _, p := range ps {
					if p.Unavailable != "" {
						t.Fatalf("payload %s unavailable: %s", p.Part, p.Unavailable)
					}
					parts[p.Part] = string(p.Data)
				}
				req, resp := parts[audit.PartRequest], parts[audit.PartResponse]
				type check struct {
					part, text, want string
					present          bool
				}
				var checks []check
				switch mode {
				case audit.PayloadsFull:
					checks = []check{
						{"request", req, prompt, true},
						{"response", resp, email, true},
						{"response", resp, secret, false},
					}
				case audit.PayloadsRedacted:
					checks = []check{
						{"request", req, "[EMAIL_1]", true},
						{"request", req, email, false},
						{"request", req, secret, false},
						{"response", resp, "[EMAIL_1]", true},
						{"response", resp, email, false},
						{"response", resp, secret, false},
					}
				}
				for _, ck := range checks {
					if strings.Contains(ck.text, ck.want) != ck.present {
						t.Errorf("%s payload %q: contains %q = %v; want %v", ck.part, ck.text, ck.want, !ck.present, ck.present)
					}
				}
			})
		}
	}
}
