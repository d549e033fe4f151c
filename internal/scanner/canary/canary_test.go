package canary_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/canary"
)

const prompt = "You are Acme's support bot. Answer only questions about our routers, never discuss pricing, and escalate refunds to a human agent immediately."

type hit struct {
	Type string
	Text string
}

func TestScan(t *testing.T) {
	s := canary.New(canary.Config{OverlapWords: 8})
	req := &guard.Request{SystemPrompt: prompt, CanaryToken: "bwk-abcdefghijklmnopqrstuvwxyz"}
	tests := []struct {
		name string
		text string
		want []hit
	}{
		{"clean", "Your router supports WPA3.", nil},
		{"token", "Sure! My reference is bwk-abcdefghijklmnopqrstuvwxyz.", []hit{{canary.TypeCanary, "bwk-abcdefghijklmnopqrstuvwxyz"}}},
		{"token upper, no prefix", "REF ABCDEFGHIJKLMNOPQRSTUVWXYZ", []hit{{canary.TypeCanary, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}}},
		{"token spaced out", "r e f: b w k - a b c d e f g h i j k l m n o p q r s t u v w x y z!", []hit{{canary.TypeCanary, "b w k - a b c d e f g h i j k l m n o p q r s t u v w x y z"}}},
		{"token with zero-width joiners", "id abc\u200bdefghijklm\u200dnopqrstuvwxyz end", []hit{{canary.TypeCanary, "abc\u200bdefghijklm\u200dnopqrstuvwxyz"}}},
		{"fullwidth token", "ｂｗｋ－ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ", []hit{{canary.TypeCanary, "ｂｗｋ－ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"}}},
		{"partial token is fine", "abcdefghijklmnopqrstuvwxy", nil},
		{"short overlap is fine", "I can answer only questions about our routers.", nil},
		{"verbatim run", "My instructions: answer ONLY questions about our routers, never   discuss pricing, and escalate refunds.",
			[]hit{{canary.TypeLeak, "answer ONLY questions about our routers, never   discuss"}}},
		{"two runs", "you are acme s support bot answer only questions. Then: never discuss pricing and escalate refunds to a human",
			[]hit{{canary.TypeLeak, "you are acme s support bot answer only"}, {canary.TypeLeak, "never discuss pricing and escalate refunds to a"}}},
		{"gap breaks the run", "answer only questions about" + strings.Repeat(" ", 20) + "our routers never discuss pricing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := s.Scan(context.Background(), guard.Input{Stage: guard.StageOutput, Text: tt.text, Request: req})
			if err != nil {
				t.Fatal(err)
			}
			var got []hit
			for _, f := range fs {
				got = append(got, hit{f.Type, tt.text[f.Start:f.End]})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scan(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestCanaryLeakBlocksStream(t *testing.T) {
	p := guard.NewPipelineWith(guard.Options{CanaryText: canary.DefaultText},
		guard.Rule{Scanner: canary.New(canary.Config{}), Output: true, Default: guard.ActionBlock})
	s := p.Begin(guard.Request{})
	c := s.Canary()
	tok := c[strings.Index(c, "bwk-"):]
	tok = tok[:strings.IndexByte(tok, '.')]
	if got := canary.New(canary.Config{}).Reach(&guard.Request{}); got != 0 {
		t.Errorf("Reach(no token, no prompt) = %d; want 0", got)
	}
	st := s.NewStream()
	leak := "Sure. My hidden reference is " + tok + " as requested."
	var emitted string
	var err error
	for i := 0; i < len(leak) && err == nil; i += 3 {
		var e string
		e, err = st.Write(context.Background(), leak[i:min(len(leak), i+3)])
		emitted += e
	}
	if err == nil {
		_, err = st.Close(context.Background())
	}
	var be *guard.BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("stream with canary leak: err = %v; want *guard.BlockedError", err)
	}
	if strings.Contains(emitted, tok[:8]) {
		t.Errorf("stream emitted %q, part of the canary", emitted)
	}
}

// BenchmarkScan4K checks a 4 KB answer against a 1 KB system prompt and a
// canary token.
func TestHold(t *testing.T) {
	s := canary.New(canary.Config{})
	req := &guard.Request{CanaryToken: "bwk-abcdefghijklmnopqrstuvwxyz"}
	wide := strings.Repeat("\u200b", 12)
	tests := []struct {
		name string
		text string
		want string // the held tail
	}{
		{"nothing pending", "Your router supports WPA3.", ""},
		{"empty", "", ""},
		{"prefix", "ref: bwk-abc", "bwk-abc"},
		{"core prefix", "ref: abcdefg", "abcdefg"},
		{"wide separators", "ref: b" + wide + "w" + wide + "k" + wide + "-" + wide + "a" + wide, "b" + wide + "w" + wide + "k" + wide + "-" + wide + "a" + wide},
		{"not a prefix", "ref: bwk-abd", ""},
		{"fullwidth", "ｂｗｋ－ａ", "ｂｗｋ－ａ"},
		{"invalid UTF-8", "ref \xff\xfe", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Hold(req, tt.text)
			if got < 0 || got > len(tt.text) || tt.text[got:] != tt.want {
				t.Errorf("Hold(%q) = %d; want the tail %q held", tt.text, got, tt.want)
			}
		})
	}
	if got := s.Hold(&guard.Request{}, "bwk-a"); got != len("bwk-a") {
		t.Errorf("Hold without a token = %d; want %d", got, len("bwk-a"))
	}
}

func BenchmarkScan4K(b *testing.B) {
	sys := strings.Repeat(prompt+" ", 8)[:1024]
	text := strings.Repeat("The router supports WPA3 and the admin page is at 192.168.0.1 by default. ", 60)[:4096]
	req := &guard.Request{SystemPrompt: sys, CanaryToken: "bwk-abcdefghijklmnopqrstuvwxyz"}
	s := canary.New(canary.Config{})
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Scan(context.Background(), guard.Input{Stage: guard.StageOutput, Text: text, Request: req}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzScan checks that findings stay inside the text and never split a
// UTF-8 sequence, whatever the output and system prompt.
func FuzzScan(f *testing.F) {
	f.Add("Sure! My reference is bwk-abcdefghijklmnopqrstuvwxyz.", prompt, 8)
	f.Add("answer ONLY questions about our routers, never   discuss pricing", prompt, 3)
	f.Add("héllo wörld 日本語 ABCDEFGHIJKLMNOPQRSTUVWXYZ", "héllo wörld 日本語", 2)
	f.Fuzz(func(t *testing.T, text, sys string, n int) {
		s := canary.New(canary.Config{OverlapWords: n % 40})
		req := &guard.Request{SystemPrompt: sys, CanaryToken: "bwk-abcdefghijklmnopqrstuvwxyz"}
		fs, err := s.Scan(context.Background(), guard.Input{Stage: guard.StageOutput, Text: text, Request: req})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range fs {
			if fd.Start < 0 || fd.End > len(text) || fd.Start >= fd.End {
				t.Fatalf("Scan(%q) finding [%d,%d) out of range", text, fd.Start, fd.End)
			}
		}
		_ = s.Reach(req)
		if h := s.Hold(req, text); h < 0 || h > len(text) {
			t.Fatalf("Hold(%q) = %d; want an offset in the text", text, h)
		}
	})
}

// A long output that repeats the token reports every copy at its own
// offsets, past the scanner's stack buffer, in one walk over the text.
func TestScanRepeatedToken(t *testing.T) {
	const tok = "bwk-abcdefghijklmnopqrstuvwxyz"
	s := canary.New(canary.Config{})
	text := strings.Repeat("é "+tok+" and ", 5000)
	fs, err := s.Scan(context.Background(), guard.Input{Stage: guard.StageOutput, Text: text, Request: &guard.Request{CanaryToken: tok}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 5000 {
		t.Fatalf("Scan found %d tokens; want 5000", len(fs))
	}
	for i, f := range fs {
		if got := text[f.Start:f.End]; got != tok {
			t.Fatalf("finding %d = %q; want %q", i, got, tok)
		}
	}
}
