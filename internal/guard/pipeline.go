package guard

import (
	"context"
	"crypto/rand"
	"errors"
	"sort"
	"strings"
	"sync"
)

// Rule is the operator's policy for one scanner.
type Rule struct {
	Scanner Scanner
	// Stages the scanner runs on, and for inputs which sources (empty: all).
	Input   bool
	Output  bool
	Sources []Source
	// Default is the action for finding types not listed in Actions.
	Default Action
	// Actions maps a finding type (e.g. "EMAIL") to its action.
	Actions map[string]Action
	// Pseudonymize makes redactions on inputs reversible: the model sees
	// placeholders, the client gets the original values back.
	Pseudonymize bool
	// FailOpen lets the exchange continue (with a flag finding) when the
	// scanner errors. The default is to fail closed.
	FailOpen bool
}

// action returns the rule's action for a finding type.
func (r *Rule) action(typ string) Action {
	if a, ok := r.Actions[typ]; ok {
		return a
	}
	return r.Default
}

// maxAction is the most severe action the rule can produce.
func (r *Rule) maxAction() Action {
	m := r.Default
	for _, a := range r.Actions {
		if a > m {
			m = a
		}
	}
	return m
}

// DefaultWindow is the stream hold-back window used when Options.Window is 0.
const DefaultWindow = 256

// CanaryTokenMark is replaced by the per-request token in Options.CanaryText.
const CanaryTokenMark = "{token}"

// Options are pipeline-wide settings.
type Options struct {
	// Window is the streams' hold-back window in bytes: the reach assumed
	// for scanners that do not implement Windowed and the least window any
	// stream uses. 0 means DefaultWindow.
	Window int
	// CanaryText is the instruction Session.Canary returns, with
	// CanaryTokenMark replaced by a fresh random token per request.
	// "" disables canaries.
	CanaryText string
}

// Pipeline is an immutable, ordered set of rules. It is safe for concurrent
// use; build a new one to change it.
type Pipeline struct {
	rules []Rule
	opts  Options
}

// NewPipeline returns a pipeline over rules, in order, with default options.
func NewPipeline(rules ...Rule) *Pipeline { return NewPipelineWith(Options{}, rules...) }

// NewPipelineWith returns a pipeline over rules, in order, with opts.
func NewPipelineWith(opts Options, rules ...Rule) *Pipeline {
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	return &Pipeline{rules: append([]Rule(nil), rules...), opts: opts}
}

// Begin starts the checks of one exchange.
func (p *Pipeline) Begin(req Request) *Session {
	return &Session{p: p, req: req}
}

// Session holds the state of one exchange: its verdict so far and the
// pseudonyms to restore in the response. Not safe for concurrent use.
type Session struct {
	p       *Pipeline
	req     Request
	verdict Verdict
	vault   vault
}

// Verdict returns the verdict over everything checked so far.
func (s *Session) Verdict() Verdict { return s.verdict }

// InputResult is the outcome of CheckInput.
type InputResult struct {
	Verdict Verdict
	// Texts holds each segment's text to send upstream, in the order of the
	// segments given (redacted where the verdict redacts).
	Texts []string
	// Edits holds, per segment, the redactions that turned its text into
	// Texts[i], in order and not overlapping (nil when nothing was
	// redacted), for a caller that has to map them back onto the pieces
	// it built the segment from.
	Edits [][]Edit
}

// Edit is one redaction applied to a segment: Text replaced the segment's
// bytes [Start, End).
type Edit struct {
	Start, End int
	Text       string
}

// hit is a finding with what the pipeline needs to act on it.
type hit struct {
	Finding
	pseudo bool // redact reversibly (input stage only)
	failed bool // a fail-open scanner's error, not a span of the text
}

// edit replaces text[start:end] with repl.
type edit struct {
	start, end int
	repl       string
}

// CheckInput scans the request's segments. A *BlockedError means refuse the
// request; an error wrapping ErrScannerFailed means refuse it too (fail closed).
// Redactions of pseudonymizing rules use session-stable placeholders such as
// "[EMAIL_1]" that CheckOutput and streams turn back into the original values.
func (s *Session) CheckInput(ctx context.Context, segs []Segment) (InputResult, error) {
	res := InputResult{Texts: make([]string, len(segs))}
	for i, seg := range segs {
		hs, err := s.scan(ctx, StageInput, seg, nil)
		if err != nil {
			return res, err
		}
		for _, h := range hs {
			res.Verdict.Add(h.Finding)
		}
		es := s.inputEdits(seg.Text, hs)
		res.Texts[i] = applyEdits(seg.Text, es)
		if len(es) > 0 {
			if res.Edits == nil {
				res.Edits = make([][]Edit, len(segs))
			}
			res.Edits[i] = appliedEdits(es)
		}
	}
	s.verdict.Add(res.Verdict.Findings...)
	if res.Verdict.Action == ActionBlock {
		return res, &BlockedError{Stage: StageInput, Verdict: res.Verdict}
	}
	return res, nil
}

// CheckOutput scans a complete (non-streamed) output text and returns the
// text to give the client: redactions applied and pseudonyms restored.
func (s *Session) CheckOutput(ctx context.Context, text string) (string, error) {
	hs, err := s.scan(ctx, StageOutput, Segment{Source: SourceOutput, Text: text}, nil)
	if err != nil {
		return "", err
	}
	var v Verdict
	for _, h := range hs {
		v.Add(h.Finding)
	}
	s.verdict.Add(v.Findings...)
	if v.Action == ActionBlock {
		return "", &BlockedError{Stage: StageOutput, Verdict: v}
	}
	es := outputEdits(hs)
	es = append(es, s.vault.restores(text, 0)...)
	sortEdits(es)
	return applyEdits(text, es), nil
}

// parallelScanMin is the segment length from which its rules' scanners run
// at once, one goroutine each: a fetched page or a long file as a tool
// result is scanned in about the time of its slowest scanner instead of
// the sum of all (1 MB with the demo guardrails: injection ≈ 60 ms, PII
// ≈ 25 ms). Shorter segments stay on the request's goroutine, where a
// goroutine per scanner would cost more than it saves.
const parallelScanMin = 64 << 10

// scan runs the rules that apply to seg (only those listed in only, when
// only is not nil) and returns their findings with actions assigned, in
// rule order however the scanners ran.
func (s *Session) scan(ctx context.Context, stage Stage, seg Segment, only []int) ([]hit, error) {
	var rbuf [8]*Rule
	rules := rbuf[:0]
	if only != nil {
		for _, i := range only {
			rules = append(rules, &s.p.rules[i])
		}
	} else {
		for i := range s.p.rules {
			r := &s.p.rules[i]
			if (stage == StageInput && !r.Input) || (stage == StageOutput && !r.Output) {
				continue
			}
			if stage == StageInput && len(r.Sources) > 0 && !hasSource(r.Sources, seg.Source) {
				continue
			}
			rules = append(rules, r)
		}
	}
	var out []hit
	if len(seg.Text) >= parallelScanMin && len(rules) > 1 {
		type result struct {
			fs  []Finding
			err error
		}
		res := make([]result, len(rules))
		var wg sync.WaitGroup
		for k, r := range rules {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[k].fs, res[k].err = s.scanOne(ctx, r, stage, seg)
			}()
		}
		wg.Wait()
		for k, r := range rules {
			var err error
			if out, err = s.collect(out, r, stage, seg, res[k].fs, res[k].err); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for _, r := range rules {
		fs, err := s.scanOne(ctx, r, stage, seg)
		if out, err = s.collect(out, r, stage, seg, fs, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// errScannerPanic is a scanner's panic, turned into its error.
var errScannerPanic = errors.New("scanner panicked")

// scanOne runs r's scanner on seg. A panic in the scanner is its error: the
// request fails closed (or is flagged, under fail_open) and the process
// goes on. The panic's value is not kept; it may quote the text.
func (s *Session) scanOne(ctx context.Context, r *Rule, stage Stage, seg Segment) (fs []Finding, err error) {
	defer func() {
		if recover() != nil {
			fs, err = nil, errScannerPanic
		}
	}()
	return r.Scanner.Scan(ctx, Input{Stage: stage, Source: seg.Source, Text: seg.Text, Request: &s.req})
}

// collect appends r's findings (or, for a fail-open rule, its error) to
// out with actions assigned; a fail-closed rule's error is returned.
func (s *Session) collect(out []hit, r *Rule, stage Stage, seg Segment, fs []Finding, err error) ([]hit, error) {
	if err != nil {
		if !r.FailOpen {
			return out, newScannerError(r.Scanner.Name(), stage, err, seg.Text)
		}
		return append(out, hit{Finding: Finding{Scanner: r.Scanner.Name(), Type: "SCANNER_ERROR", Segment: seg.ID, Action: ActionFlag}, failed: true}), nil
	}
	for _, f := range fs {
		if f.Start < 0 || f.End > len(seg.Text) || f.Start > f.End {
			// A scanner bug must not crash the gateway or misplace a
			// redaction; keep the finding but cover the whole text.
			f.Start, f.End = 0, len(seg.Text)
		}
		f.Segment = seg.ID
		f.Action = r.action(f.Type)
		out = append(out, hit{Finding: f, pseudo: r.Pseudonymize && stage == StageInput})
	}
	return out, nil
}

// inputEdits turns redacting findings into edits: pseudonyms for
// pseudonymizing rules, typed placeholders otherwise.
func (s *Session) inputEdits(text string, hs []hit) []edit {
	var es []edit
	for _, h := range hs {
		if h.Action != ActionRedact {
			continue
		}
		repl := h.Replacement
		switch {
		case h.pseudo:
			repl = s.vault.pseudonym(h.Type, text[h.Start:h.End])
		case repl == "":
			repl = "[" + placeholderType(h.Type) + "]"
		}
		es = append(es, edit{h.Start, h.End, repl})
	}
	sortEdits(es)
	return es
}

// outputEdits turns redacting findings of an output into edits.
func outputEdits(hs []hit) []edit {
	var es []edit
	for _, h := range hs {
		if h.Action != ActionRedact {
			continue
		}
		repl := h.Replacement
		if repl == "" {
			repl = "[" + placeholderType(h.Type) + "]"
		}
		es = append(es, edit{h.Start, h.End, repl})
	}
	return es
}

// sortEdits orders edits by start; among equal starts the earlier one in
// the slice (scanner redactions before pseudonym restores) wins.
func sortEdits(es []edit) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].start < es[j].start })
}

// applyEdits applies sorted edits to text, skipping an edit that overlaps
// one already applied.
func applyEdits(text string, es []edit) string {
	if len(es) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, e := range es {
		if e.start < last {
			continue
		}
		b.WriteString(text[last:e.start])
		b.WriteString(e.repl)
		last = e.end
	}
	b.WriteString(text[last:])
	return b.String()
}

// appliedEdits returns the edits applyEdits applies: sorted edits without
// those that overlap an earlier one.
func appliedEdits(es []edit) []Edit {
	out := make([]Edit, 0, len(es))
	last := 0
	for _, e := range es {
		if e.start < last {
			continue
		}
		out = append(out, Edit{Start: e.start, End: e.end, Text: e.repl})
		last = e.end
	}
	return out
}

func hasSource(list []Source, s Source) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Canary returns text the gateway appends to the request's system prompt (or
// sends as a system message when there is none) so that a leak of the system
// prompt can be detected in the output. "" means no canary is configured.
// The token is made on the first call and is the same for the session's
// lifetime; output scanners see it as Request.CanaryToken.
func (s *Session) Canary() string {
	if s.p.opts.CanaryText == "" {
		return ""
	}
	if s.req.CanaryToken == "" {
		// crypto/rand.Text never fails; 26 base32 characters, 130 bits.
		s.req.CanaryToken = "bwk-" + strings.ToLower(rand.Text())
	}
	return strings.ReplaceAll(s.p.opts.CanaryText, CanaryTokenMark, s.req.CanaryToken)
}
