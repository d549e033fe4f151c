// Package mock is Bulwark's built-in deterministic upstream. It speaks the
// OpenAI (chat completions, responses, embeddings, models) and Anthropic
// (messages) wire formats, streaming and not, and is scripted from config:
// echo the last user message, reply with fixed text, emit tool calls, or fail
// with a status when the last user message contains a rule's match string.
// Tests use it to simulate leaks; `bulwark serve --demo` uses it so the demo
// needs no network. It is also an http.Handler, so it can serve on a socket.
package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/sse"
)

// Handler is the mock upstream. It is safe for concurrent use.
type Handler struct {
	cfg config.Mock
}

// New returns a mock upstream scripted by cfg.
func New(cfg config.Mock) *Handler {
	if cfg.Chunks < 1 {
		cfg.Chunks = 4
	}
	return &Handler{cfg: cfg}
}

// ServeHTTP implements http.Handler. Paths are matched by suffix so the mock
// works under any base URL.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(p, "/models"):
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[{"id":"mock","object":"model","created":0,"owned_by":"bulwark"}]}`))
		return
	case r.Method != http.MethodPost:
		openAIError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		if strings.HasSuffix(p, "/messages") {
			anthropicError(w, http.StatusBadRequest, "invalid JSON body")
		} else {
			openAIError(w, http.StatusBadRequest, "invalid JSON body")
		}
		return
	}
	if err := sleep(r.Context(), h.cfg.Latency.D()); err != nil {
		return
	}
	switch {
	case strings.HasSuffix(p, "/chat/completions"):
		h.chat(w, r, &req)
	case strings.HasSuffix(p, "/messages"):
		h.messages(w, r, &req)
	case strings.HasSuffix(p, "/responses"):
		h.responses(w, r, &req)
	case strings.HasSuffix(p, "/embeddings"):
		h.embeddings(w, &req)
	default:
		openAIError(w, http.StatusNotFound, "unknown path")
	}
}

// request is the union of the request fields the mock reads.
type request struct {
	Model    string            `json:"model"`
	Stream   bool              `json:"stream"`
	Messages []json.RawMessage `json:"messages"`
	Input    json.RawMessage   `json:"input"`
	System   json.RawMessage   `json:"system"`

	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// script is the mock's answer to one request.
type script struct {
	status int
	text   string
	tools  []config.MockToolCall
	in     int // input tokens
	out    int // output tokens
}

func (h *Handler) answer(lastUser string, allText int) script {
	s := script{text: lastUser, in: tokens(allText)}
	if h.cfg.Reply != "" {
		s.text = h.cfg.Reply
	}
	for _, r := range h.cfg.Rules {
		if strings.Contains(lastUser, r.Match) {
			s.status, s.tools = r.Status, r.ToolCalls
			if r.Reply != "" || len(r.ToolCalls) > 0 {
				s.text = r.Reply
			}
			break
		}
	}
	s.out = tokens(len(s.text))
	for _, t := range s.tools {
		s.out += tokens(len(t.Name) + len(t.Arguments))
	}
	return s
}

// tokens approximates a token count (4 bytes per token), at least 1.
func tokens(n int) int { return n/4 + 1 }

// chunks splits s into n pieces on rune boundaries.
func chunks(s string, n int) []string {
	if n < 1 {
		n = 1
	}
	size := (len(s) + n - 1) / n
	if size == 0 {
		return nil
	}
	var out []string
	for len(s) > 0 {
		end := min(size, len(s))
		for end < len(s) && !utf8.RuneStart(s[end]) {
			end++
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

// textOf returns the text of an OpenAI/Anthropic content value: a string or
// an array of parts/blocks with "text".
func textOf(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type    string          `json:"type"`
		Text    string          `json:"text"`
		Content json.RawMessage `json:"content"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	var b strings.Builder
	for _, p := range parts {
		switch {
		case p.Text != "":
			b.WriteString(p.Text)
		case len(p.Content) > 0:
			b.WriteString(textOf(p.Content))
		}
	}
	return b.String()
}

// lastUser returns the last user message's text and the total text length.
func (req *request) lastUser() (string, int) {
	last, total := "", 0
	for _, m := range req.Messages {
		var msg struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		}
		if json.Unmarshal(m, &msg) != nil {
			continue
		}
		t := textOf(msg.Content)
		total += len(t)
		if msg.Role == "user" {
			last = t
		}
	}
	if len(req.Input) > 0 {
		var s string
		if json.Unmarshal(req.Input, &s) == nil {
			last, total = s, total+len(s)
		} else {
			var items []json.RawMessage
			json.Unmarshal(req.Input, &items)
			for _, it := range items {
				var msg struct {
					Role    string          `json:"role"`
					Content json.RawMessage `json:"content"`
				}
				if json.Unmarshal(it, &msg) != nil {
					continue
				}
				t := textOf(msg.Content)
				total += len(t)
				if msg.Role == "user" {
					last = t
				}
			}
		}
	}
	total += len(textOf(req.System))
	return last, total
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"message":"mock encode failed","type":"server_error"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func openAIError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": "mock_error", "code": status}})
}

func anthropicError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"type": "error", "error": map[string]any{"type": "api_error", "message": msg}})
}

// streamer writes SSE events with the configured delay between chunks.
type streamer struct {
	ctx   context.Context
	w     *sse.Writer
	delay time.Duration
	err   error
}

func newStreamer(w http.ResponseWriter, r *http.Request, delay time.Duration) *streamer {
	sse.SetHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
	return &streamer{ctx: r.Context(), w: sse.NewWriter(w), delay: delay}
}

func (s *streamer) send(event string, v any) {
	if s.err != nil {
		return
	}
	var b []byte
	if raw, ok := v.(string); ok {
		b = []byte(raw)
	} else if b, s.err = json.Marshal(v); s.err != nil {
		return
	}
	s.err = s.w.Write(event, b)
}

func (s *streamer) pause() {
	if s.err == nil && s.delay > 0 {
		s.err = sleep(s.ctx, s.delay)
	}
}

func toolID(i int) string { return fmt.Sprintf("call_mock_%d", i) }
