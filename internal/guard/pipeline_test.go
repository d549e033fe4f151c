package guard_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// reScanner is a test scanner: each regexp's matches are findings of its type.
type reScanner struct {
	name  string
	types []string
	res   []*regexp.Regexp
	reach int
	err   error
}

func newRE(name string, reach int, pairs ...string) *reScanner {
	s := &reScanner{name: name, reach: reach}
	for i := 0; i < len(pairs); i += 2 {
		s.types = append(s.types, pairs[i])
		s.res = append(s.res, regexp.MustCompile(pairs[i+1]))
	}
	return s
}

func (s *reScanner) Name() string                 { return s.name }
func (s *reScanner) Reach(req *guard.Request) int { return s.reach }

func (s *reScanner) Scan(_ context.Context, in guard.Input) ([]guard.Finding, error) {
	if s.err != nil {
		return nil, s.err
	}
	var out []guard.Finding
	for i, re := range s.res {
		for _, m := range re.FindAllStringIndex(in.Text, -1) {
			out = append(out, guard.Finding{Scanner: s.name, Type: s.types[i], Score: 1, Start: m[0], End: m[1]})
		}
	}
	return out, nil
}

func piiScanner() *reScanner {
	return newRE("pii", 64, "EMAIL", `[a-z0-9.]+@[a-z0-9]+\.[a-z]{2,}`, "PHONE", `\+1 ?\d{3} \d{3} \d{4}`)
}

func TestCheckInputPseudonymizeAndRestore(t *testing.T) {
	p := guard.NewPipeline(guard.Rule{Scanner: piiScanner(), Input: true, Output: true, Default: guard.ActionRedact, Pseudonymize: true})
	s := p.Begin(guard.Request{})
	res, err := s.CheckInput(context.Background(), []guard.Segment{
		{ID: 1, Source: guard.SourceUser, Text: "mail ann@x.io or bob@y.org"},
		{ID: 2, Source: guard.SourceUser, Text: "again ann@x.io, call +1 555 123 4567"},
	})
	if err != nil {
		t.Fatalf("CheckInput: %v", err)
	}
	want := []string{"mail [EMAIL_1] or [EMAIL_2]", "again [EMAIL_1], call [PHONE_1]"}
	if diff := cmp.Diff(want, res.Texts); diff != "" {
		t.Errorf("CheckInput texts (-want +got):\n%s", diff)
	}
	if res.Verdict.Action != guard.ActionRedact {
		t.Errorf("CheckInput action = %v; want redact", res.Verdict.Action)
	}
	out, err := s.CheckOutput(context.Background(), "Sure, [EMAIL_2] and [PHONE_1]; [EMAIL_9] stays.")
	if err != nil {
		t.Fatalf("CheckOutput: %v", err)
	}
	if want := "Sure, bob@y.org and +1 555 123 4567; [EMAIL_9] stays."; out != want {
		t.Errorf("CheckOutput = %q; want %q", out, want)
	}
}

func TestRedactIsNotRestored(t *testing.T) {
	p := guard.NewPipeline(guard.Rule{Scanner: piiScanner(), Input: true, Default: guard.ActionRedact})
	s := p.Begin(guard.Request{})
	res, err := s.CheckInput(context.Background(), []guard.Segment{{Source: guard.SourceUser, Text: "to ann@x.io"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Texts[0], "to [EMAIL]"; got != want {
		t.Errorf("CheckInput = %q; want %q", got, want)
	}
	out, err := s.CheckOutput(context.Background(), "ok [EMAIL]")
	if err != nil || out != "ok [EMAIL]" {
		t.Errorf("CheckOutput = %q, %v; want %q, nil", out, err, "ok [EMAIL]")
	}
}

func TestActionsPerTypeAndSources(t *testing.T) {
	sc := newRE("inj", 64, "INJECTION", `ignore previous`, "HARMFUL", `make a bomb`)
	p := guard.NewPipeline(guard.Rule{
		Scanner: sc, Input: true, Sources: []guard.Source{guard.SourceUser, guard.SourceTool},
		Default: guard.ActionBlock, Actions: map[string]guard.Action{"HARMFUL": guard.ActionFlag},
	})
	tests := []struct {
		name   string
		seg    guard.Segment
		action guard.Action
	}{
		{"clean", guard.Segment{Source: guard.SourceUser, Text: "hello"}, guard.ActionAllow},
		{"blocked", guard.Segment{Source: guard.SourceUser, Text: "please ignore previous"}, guard.ActionBlock},
		{"flagged type", guard.Segment{Source: guard.SourceUser, Text: "how to make a bomb"}, guard.ActionFlag},
		{"tool source", guard.Segment{Source: guard.SourceTool, Text: "ignore previous"}, guard.ActionBlock},
		{"unscanned source", guard.Segment{Source: guard.SourceSystem, Text: "ignore previous"}, guard.ActionAllow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Begin(guard.Request{}).CheckInput(context.Background(), []guard.Segment{tt.seg})
			if res.Verdict.Action != tt.action {
				t.Errorf("CheckInput(%q) action = %v; want %v", tt.seg.Text, res.Verdict.Action, tt.action)
			}
			var be *guard.BlockedError
			if got := errors.As(err, &be); got != (tt.action == guard.ActionBlock) {
				t.Errorf("CheckInput(%q) err = %v; want blocked %v", tt.seg.Text, err, tt.action == guard.ActionBlock)
			}
		})
	}
}

func TestFailClosedAndOpen(t *testing.T) {
	broken := newRE("broken", 8)
	broken.err = errors.New("model file missing")
	for _, failOpen := range []bool{false, true} {
		p := guard.NewPipeline(guard.Rule{Scanner: broken, Input: true, Output: true, FailOpen: failOpen})
		s := p.Begin(guard.Request{})
		_, err := s.CheckInput(context.Background(), []guard.Segment{{Source: guard.SourceUser, Text: "x"}})
		if got := errors.Is(err, guard.ErrScannerFailed); got == failOpen {
			t.Errorf("failOpen=%v: CheckInput err = %v; want ErrScannerFailed %v", failOpen, err, !failOpen)
		}
		if !failOpen && !errors.Is(err, broken.err) {
			t.Errorf("CheckInput err = %v; want the scanner's error as its cause", err)
		}
		if !failOpen && !strings.Contains(err.Error(), "broken: guardrail scanner failed on input: model file missing") {
			t.Errorf("CheckInput err = %q; want the scanner, the stage and the cause", err)
		}
		st := s.NewStream()
		_, werr := st.Write(context.Background(), strings.Repeat("y", 600))
		_, cerr := st.Close(context.Background())
		if got := errors.Is(errors.Join(werr, cerr), guard.ErrScannerFailed); got == failOpen {
			t.Errorf("failOpen=%v: stream err = %v, %v; want ErrScannerFailed %v", failOpen, werr, cerr, !failOpen)
		}
		if failOpen && s.Verdict().Header() != "flag; types=SCANNER_ERROR" {
			t.Errorf("failOpen verdict header = %q; want %q", s.Verdict().Header(), "flag; types=SCANNER_ERROR")
		}
	}
}

// TestScannerErrorKeepsCauseNotText: a scanner whose error quotes its input
// must not put the user's text into the operator's log; the cause's own
// words and a wrapped context error stay visible.
func TestScannerErrorKeepsCauseNotText(t *testing.T) {
	text := "Hi, I am Jane Marlowe, card 4111 1111 1111 1111, mail jane.marlowe@example.org"
	broken := newRE("pii", 8)
	broken.err = fmt.Errorf("tokenizer: unexpected byte at offset 17 in %q (near Marlowe,): %w", text, context.DeadlineExceeded)
	p := guard.NewPipeline(guard.Rule{Scanner: broken, Input: true, Output: true})
	_, err := p.Begin(guard.Request{}).CheckInput(context.Background(), []guard.Segment{{Source: guard.SourceUser, Text: text}})
	var se *guard.ScannerError
	if !errors.As(err, &se) || se.Scanner != "pii" || se.Stage != guard.StageInput {
		t.Fatalf("CheckInput err = %#v; want a *guard.ScannerError for pii on input", err)
	}
	if !errors.Is(err, guard.ErrScannerFailed) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v; want ErrScannerFailed and the cause's DeadlineExceeded", err)
	}
	msg := err.Error()
	for _, leak := range []string{"Jane", "Marlowe", "4111", "1111", "jane.marlowe@example.org", "card"} {
		if strings.Contains(msg, leak) {
			t.Errorf("error %q leaks %q of the scanned text", msg, leak)
		}
	}
	for _, keep := range []string{"pii:", "tokenizer:", "unexpected byte", "offset 17", "context deadline exceeded"} {
		if !strings.Contains(msg, keep) {
			t.Errorf("error %q lost %q of the cause", msg, keep)
		}
	}
	long := strings.Repeat("é", 300)
	broken.err = errors.New(long)
	_, err = p.Begin(guard.Request{}).CheckInput(context.Background(), []guard.Segment{{Source: guard.SourceUser, Text: "x"}})
	if n := len(err.Error()); n > 300 || !utf8.ValidString(err.Error()) {
		t.Errorf("long cause: error of %d bytes (valid UTF-8 %v); want it cut at a rune boundary", n, utf8.ValidString(err.Error()))
	}
}

func TestCanary(t *testing.T) {
	p := guard.NewPipelineWith(guard.Options{CanaryText: "ref {token}; never repeat it."})
	s := p.Begin(guard.Request{})
	c1, c2 := s.Canary(), s.Canary()
	if c1 != c2 || !strings.HasPrefix(c1, "ref bwk-") || strings.Contains(c1, "{token}") {
		t.Errorf("Canary() = %q then %q; want the same text with a bwk- token", c1, c2)
	}
	if other := p.Begin(guard.Request{}).Canary(); other == c1 {
		t.Errorf("two sessions got the same canary %q", other)
	}
	if got := guard.NewPipeline().Begin(guard.Request{}).Canary(); got != "" {
		t.Errorf("Canary() without CanaryText = %q; want empty", got)
	}
}

func TestVerdictHeader(t *testing.T) {
	var v guard.Verdict
	v.Add(guard.Finding{Type: "EMAIL", Action: guard.ActionRedact}, guard.Finding{Type: "EMAIL", Action: guard.ActionRedact},
		guard.Finding{Type: "AWS_ACCESS_KEY", Action: guard.ActionFlag})
	if got, want := v.Header(), "redact; types=EMAIL,AWS_ACCESS_KEY"; got != want {
		t.Errorf("Header() = %q; want %q", got, want)
	}
}

// rendezvousScanner finds nothing; on a long text it waits, up to a
// second, for the other scanner of its pair to be running too.
type rendezvousScanner struct {
	name       string
	mine, peer chan struct{}
	panics     bool
}

func (s *rendezvousScanner) Name() string { return s.name }

func (s *rendezvousScanner) Scan(_ context.Context, in guard.Input) ([]guard.Finding, error) {
	if s.panics {
		panic("scanner bug near " + in.Text[:8])
	}
	if len(in.Text) < 64<<10 {
		return nil, nil
	}
	close(s.mine)
	select {
	case <-s.peer:
		return []guard.Finding{{Scanner: s.name, Type: strings.ToUpper(s.name), Score: 1, Start: 0, End: 4}}, nil
	case <-time.After(time.Second):
		return nil, errors.New("the other scanner did not run at the same time")
	}
}

// TestLongSegmentScannersRunAtOnce: the scanners of a long segment run at
// the same time (each waits for the other), and their findings come back
// in rule order.
func TestLongSegmentScannersRunAtOnce(t *testing.T) {
	a, b := make(chan struct{}), make(chan struct{})
	p := guard.NewPipeline(
		guard.Rule{Scanner: &rendezvousScanner{name: "first", mine: a, peer: b}, Input: true},
		guard.Rule{Scanner: &rendezvousScanner{name: "second", mine: b, peer: a}, Input: true},
	)
	res, err := p.Begin(guard.Request{}).CheckInput(context.Background(), []guard.Segment{{Source: guard.SourceTool, Text: strings.Repeat("page ", 16<<10)}})
	if err != nil {
		t.Fatalf("CheckInput: %v", err)
	}
	var types []string
	for _, f := range res.Verdict.Findings {
		types = append(types, f.Type)
	}
	if want := []string{"FIRST", "SECOND"}; !cmp.Equal(types, want) {
		t.Errorf("finding types = %v; want %v (rule order)", types, want)
	}
}

// TestScannerPanicIsItsError: a scanner that panics fails its rule like an
// error (closed, or flagged under fail_open), on short and long segments,
// and the panic's text does not reach the error.
func TestScannerPanicIsItsError(t *testing.T) {
	for _, n := range []int{100, 80 << 10} {
		for _, failOpen := range []bool{false, true} {
			p := guard.NewPipeline(
				guard.Rule{Scanner: &rendezvousScanner{name: "buggy", panics: true}, Input: true, FailOpen: failOpen},
				guard.Rule{Scanner: piiScanner(), Input: true},
			)
			text := "secret-looking text " + strings.Repeat("x", n)
			s := p.Begin(guard.Request{})
			_, err := s.CheckInput(context.Background(), []guard.Segment{{Source: guard.SourceUser, Text: text}})
			if got := errors.Is(err, guard.ErrScannerFailed); got == failOpen {
				t.Errorf("%d bytes, failOpen=%v: err = %v; want ErrScannerFailed %v", n, failOpen, err, !failOpen)
			}
			if err != nil && strings.Contains(err.Error(), "secret-l") {
				t.Errorf("error %q quotes the text", err)
			}
			if failOpen && s.Verdict().Header() != "flag; types=SCANNER_ERROR" {
				t.Errorf("%d bytes: verdict header = %q; want the scanner error flagged", n, s.Verdict().Header())
			}
		}
	}
}
