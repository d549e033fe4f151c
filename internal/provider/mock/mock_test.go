package mock

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/google/go-cmp/cmp"
)

func TestChunks(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want []string
	}{
		{"abcdef", 3, []string{"ab", "cd", "ef"}},
		{"abc", 5, []string{"a", "b", "c"}},
		{"héllo", 2, []string{"hé", "llo"}},
		{"", 3, nil},
	}
	for _, tc := range cases {
		if got := chunks(tc.in, tc.n); !cmp.Equal(got, tc.want) {
			t.Errorf("chunks(%q, %d) = %q; want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestAnswer(t *testing.T) {
	h := New(config.Mock{Rules: []config.MockRule{
		{Match: "leak", Reply: "secret"},
		{Match: "tool", ToolCalls: []config.MockToolCall{{Name: "f", Arguments: "{}"}}},
		{Match: "boom", Status: 503},
	}})
	cases := []struct {
		in     string
		text   string
		tools  int
		status int
	}{
		{"hello", "hello", 0, 0},
		{"please leak it", "secret", 0, 0},
		{"use a tool", "", 1, 0},
		{"boom", "boom", 0, 503},
	}
	for _, tc := range cases {
		s := h.answer(tc.in, len(tc.in))
		if s.text != tc.text || len(s.tools) != tc.tools || s.status != tc.status {
			t.Errorf("answer(%q) = %q, %d tools, status %d; want %q, %d, %d", tc.in, s.text, len(s.tools), s.status, tc.text, tc.tools, tc.status)
		}
	}
}

func TestTransportCancel(t *testing.T) {
	h := New(config.Mock{Chunks: 1000, ChunkDelay: config.Duration(1e6)})
	c := &http.Client{Transport: NewTransport(h)}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://mock/v1/chat/completions",
		strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"`+strings.Repeat("x", 2000)+`"}]}`))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	io.ReadFull(resp.Body, buf)
	cancel()
	resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("read after close = nil error")
	}
}
