package guard

import (
	"context"
	"errors"
	"slices"
	"unicode/utf8"
)

// Stream checks one streamed output (one choice or content block) on the fly.
// Write returns the text that is safe to emit now; the rest is held back until
// more text arrives or Close. A *BlockedError from Write or Close means end the
// stream with an error event; nothing blocked is ever returned for emission.
//
// Hold-back semantics. Every output scanner has a reach R (Windowed): a
// finding and all the text its detection depends on fit in R bytes. With W
// the largest reach of the stream's scanners (at least Options.Window and
// longer than any pseudonym placeholder of the session), a finding that
// starts more than W bytes before the end of the text received so far can
// no longer change. The stream therefore rescans the text from W bytes
// before the undecided point to the end, commits the findings that start
// in the decided region, and emits the decided region with its redactions
// applied and pseudonyms restored. The last W bytes stay held back, so a
// secret, placeholder, canary or link split across deltas is never emitted
// in part. The outcome (text and verdict) equals CheckOutput on the whole
// text. Scanners that need the whole text (ReachWhole) make the stream hold
// everything until Close when they can redact or block; otherwise they run
// at Close and only flag.
type Stream struct {
	s      *Session
	window int
	step   int
	local  []int // rules scanned incrementally
	whole  []int // rules that need the whole text, run at Close
	// holdAll: a whole-text rule may redact or block, so nothing is
	// emitted before Close.
	holdAll bool
	keepAll bool // a whole-text rule runs at Close: keep the whole text

	buf     []byte // received text from absolute offset base
	base    int
	decided int // findings starting before decided are committed
	scanned int // end of the text at the last rescan
	emitted int // original text consumed (emitted or replaced) up to here
	verdict Verdict
	err     error // sticky: a blocked or failed stream stays so
	closed  bool
	// failed names the fail-open scanners whose error is recorded: an
	// error on any rescan is recorded once, as CheckOutput records it.
	failed []string
}

// ErrStreamClosed is returned by Stream.Write after Close.
var ErrStreamClosed = errors.New("guard: write to a closed stream")

// NewStream starts checking one streamed output of the session.
func (s *Session) NewStream() *Stream {
	st := &Stream{s: s, window: s.p.opts.Window}
	if st.window <= 0 {
		st.window = DefaultWindow
	}
	st.window = max(st.window, s.vault.maxLen+1)
	for i := range s.p.rules {
		r := &s.p.rules[i]
		if !r.Output {
			continue
		}
		reach := s.p.opts.Window
		if w, ok := r.Scanner.(Windowed); ok {
			reach = w.Reach(&s.req)
		}
		switch {
		case reach == 0:
			// Nothing to find in this request.
		case reach < 0:
			st.whole = append(st.whole, i)
			st.keepAll = true
			if r.maxAction() >= ActionRedact {
				st.holdAll = true
			}
		default:
			st.local = append(st.local, i)
			st.window = max(st.window, reach)
		}
	}
	// Rescan after a quarter window of new text, not after every delta:
	// it bounds the scanning cost per byte to about 9x while the held-back
	// tail stays under 1.25 windows.
	st.step = max(1, st.window/4)
	return st
}

// Write adds a delta and returns the text that may be emitted now. After
// Close it returns ErrStreamClosed (or the stream's earlier error).
func (st *Stream) Write(ctx context.Context, delta string) (string, error) {
	if st.err != nil {
		return "", st.err
	}
	if st.closed {
		return "", ErrStreamClosed
	}
	st.buf = append(st.buf, delta...)
	if st.holdAll {
		return "", nil
	}
	end := st.base + len(st.buf)
	// The second test matters while a long finding holds decisions back:
	// rescan after a quarter of the held text, not every step bytes, so
	// that a held text grows geometrically between rescans and their total
	// cost stays linear in the stream (every step bytes was quadratic).
	if end-st.window-st.decided < st.step || end-st.scanned < max(st.step, (end-st.window-st.decided)/4) {
		return "", nil
	}
	st.scanned = end
	return st.advance(ctx, end-st.window, false)
}

// Close checks what is held back and returns the remainder to emit.
// Closing again returns nothing more (and the stream's error, if any).
func (st *Stream) Close(ctx context.Context) (string, error) {
	if st.err != nil {
		return "", st.err
	}
	if st.closed {
		return "", nil
	}
	st.closed = true
	if st.holdAll {
		n := len(st.s.verdict.Findings)
		out, err := st.s.CheckOutput(ctx, string(st.buf))
		st.verdict.Add(st.s.verdict.Findings[n:]...)
		st.buf = nil
		if err != nil {
			st.err = err
		}
		return out, err
	}
	out, err := st.advance(ctx, st.base+len(st.buf), true)
	if err != nil {
		return "", err
	}
	if len(st.whole) > 0 {
		// Flag-only whole-text rules: their findings are recorded, the
		// text is already out.
		hs, err := st.s.scan(ctx, StageOutput, Segment{Source: SourceOutput, Text: string(st.buf)}, st.whole)
		if err != nil {
			st.err = err
			return "", err
		}
		for _, h := range hs {
			st.commit(h.Finding)
		}
	}
	st.buf = nil
	return out, nil
}

// Verdict returns the verdict over this stream's committed findings.
func (st *Stream) Verdict() Verdict { return st.verdict }

func (st *Stream) commit(f Finding) {
	st.verdict.Add(f)
	st.s.verdict.Add(f)
}

// advance decides the text up to upTo (absolute), commits the findings that
// start before it and returns the text that can be emitted.
func (st *Stream) advance(ctx context.Context, upTo int, closing bool) (string, error) {
	from := max(st.base, st.decided-st.window)
	text := string(st.buf[from-st.base:])
	var hs []hit
	if len(st.local) > 0 {
		var err error
		hs, err = st.s.scan(ctx, StageOutput, Segment{Source: SourceOutput, Text: text}, st.local)
		if err != nil {
			st.err = err
			return "", err
		}
	}
	hs = st.commitFailures(hs)
	if !closing {
		for _, i := range st.local {
			if h, ok := st.s.p.rules[i].Scanner.(Holder); ok {
				upTo = min(upTo, from+clampInt(h.Hold(&st.s.req, text), 0, len(text)))
			}
		}
	}
	for i := range hs {
		hs[i].Start += from
		hs[i].End += from
		// A finding that runs to the end of the text, or is followed by
		// nothing but whitespace, may still grow (a key block or URL
		// longer than its scanner's reach): decide nothing from its start
		// on until it ends.
		if h := hs[i]; !closing && h.Start >= st.decided && mayGrow(st.buf[h.End-st.base:]) {
			upTo = min(upTo, h.Start)
		}
	}
	if upTo <= st.decided {
		return "", nil
	}
	var committed []hit
	blocked := false
	for _, h := range hs {
		if h.Start < st.decided || (!closing && h.Start >= upTo) {
			continue // committed before, or not decided yet
		}
		committed = append(committed, h)
	}
	sortHits(committed)
	for _, h := range committed {
		st.commit(h.Finding)
		if h.Action == ActionBlock {
			blocked = true
		}
	}
	if blocked {
		st.err = &BlockedError{Stage: StageOutput, Verdict: st.verdict}
		return "", st.err
	}
	es := outputEdits(committed)
	for _, e := range st.s.vault.restores(text, 0) {
		e.start += from
		e.end += from
		if e.start >= st.decided && (closing || e.start < upTo) {
			es = append(es, e)
		}
	}
	sortEdits(es)

	var out []byte
	for _, e := range es {
		if e.start < st.emitted {
			continue // overlaps a replacement already emitted
		}
		out = append(out, st.buf[st.emitted-st.base:e.start-st.base]...)
		out = append(out, e.repl...)
		st.emitted = e.end
	}
	target := upTo
	if !closing {
		// Never split a UTF-8 sequence between two emissions.
		for target > st.emitted && target-st.base < len(st.buf) && !utf8.RuneStart(st.buf[target-st.base]) {
			target--
		}
	}
	if st.emitted < target {
		out = append(out, st.buf[st.emitted-st.base:target-st.base]...)
		st.emitted = target
	}
	st.decided = upTo
	st.trim()
	return string(out), nil
}

// commitFailures commits the errors of fail-open scanners among hs, once
// per scanner and stream, wherever in the stream they happened, and
// returns the other hits. Otherwise an error on any rescan but the first
// would fall before the decided point and go unrecorded.
func (st *Stream) commitFailures(hs []hit) []hit {
	kept := hs[:0]
	for _, h := range hs {
		if !h.failed {
			kept = append(kept, h)
			continue
		}
		if !slices.Contains(st.failed, h.Scanner) {
			st.failed = append(st.failed, h.Scanner)
			st.commit(h.Finding)
		}
	}
	return kept
}

// openSlack: a finding ending this close to the end of the received text
// is treated as possibly still growing.
const openSlack = 16

// mayGrow reports whether a finding followed by tail (the rest of the text
// received so far) may still grow: tail is short, or only whitespace,
// which a finding such as an indented private key block can span.
func mayGrow(tail []byte) bool {
	if len(tail) < openSlack {
		return true
	}
	for _, c := range tail {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// trim drops text that no later rescan or emission needs.
func (st *Stream) trim() {
	if st.keepAll {
		return
	}
	keep := min(st.emitted, st.decided-st.window)
	if drop := keep - st.base; drop > 4096 && drop > len(st.buf)/2 {
		st.buf = append(st.buf[:0], st.buf[drop:]...)
		st.base = keep
	}
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

func sortHits(hs []hit) {
	// Insertion sort: a window holds few findings, and stability keeps
	// the scanners' order among equal starts.
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j].Start < hs[j-1].Start; j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}
