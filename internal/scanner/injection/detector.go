// Package injection detects prompt injection, jailbreak templates and
// harmful-content requests with a linear model over hashed character and word
// n-grams, trained here (cmd/bulwark-train injection) from ../shared/data and
// embedded in the binary.
//
// Three heads share the features and stay apart so each can get its own
// action: INJECTION (instruction override, goal hijack, instructions hidden in
// documents and tool results), JAILBREAK (persona and role-play templates)
// and HARMFUL (requests for harmful content). Text is normalized first
// (package normalize) and decoded base64/hex/URL/rot13 segments are scored as
// well. Long texts are scored in overlapping sentence windows, so a short
// injection inside a long document is not diluted. Scoring is linear in the
// input and allocates little.
package injection

import (
	"context"
	_ "embed"
	"fmt"
	"hash/maphash"
	"sync"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

//go:embed model.bin
var embeddedModel []byte

// Options configure a Detector. Zero values mean the model's defaults.
type Options struct {
	// Thresholds on the probability of each category; a finding is reported
	// when the score is at or above it. 0 uses the threshold shipped with the
	// model (for injection and jailbreak at least LongTextThreshold on texts
	// over LongText bytes); a value set here applies to every length; a
	// value above 1 turns the category off.
	Injection, Jailbreak, Harmful float64
	// Evasive is the threshold, for every category, on text that was
	// deliberately obfuscated (tag characters, homoglyphs, spaced-out or
	// leetspeak letters, invisible characters inside words, encoded
	// segments): hiding text is itself a signal, so such text needs a lower
	// score to be reported. It applies to the chunks (windows, rule
	// matches) that hold an undone obfuscation, and to decoded segments as
	// a whole. 0 uses DefaultEvasive; it never raises a category's own
	// threshold.
	Evasive float64
	// Model is an encoded model (Model.MarshalBinary) to use instead of the
	// embedded one.
	Model []byte
}

// DefaultEvasive is the default threshold on obfuscated text.
const DefaultEvasive = 0.8

// LongTextThreshold is the least threshold of the injection and jailbreak
// heads on texts longer than LongText bytes (normalized), when the
// thresholds are the model's own. Such a text is scored in dozens to
// thousands of overlapping windows, and the best of many windows of benign
// prose is higher than the score of one prompt: at the model's 0.97, one
// 150-byte window of 256 KB of generated prose scored 0.992. 2 KB rather
// than the 1 KB where short windows start: long jailbreak templates of
// 1–2 KB are one prompt (held-out garak recall 0.609 -> 0.632 at FPR 1.4 ->
// 1.5 %, session 10).
const (
	LongTextThreshold = 0.995
	LongText          = 2 << 10
)

// Detector is the injection scanner. It is safe for concurrent use.
type Detector struct {
	m       *Model
	thr     [NumHeads]float64
	longThr [NumHeads]float64 // thresholds on texts longer than LongText
	evThr   [NumHeads]float64

	noRules bool // tests and benchmarks: the model alone
}

var _ guard.Scanner = (*Detector)(nil)

// New returns a detector with the embedded model (or opts.Model).
func New(opts Options) (*Detector, error) {
	data := embeddedModel
	if opts.Model != nil {
		data = opts.Model
	}
	m := new(Model)
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("injection: load model: %w", err)
	}
	return NewWithModel(m, opts)
}

// NewWithModel returns a detector over an already decoded model (the trainer
// uses it to evaluate a model it has just built).
func NewWithModel(m *Model, opts Options) (*Detector, error) {
	d := &Detector{m: m}
	for h, v := range [NumHeads]float64{opts.Injection, opts.Jailbreak, opts.Harmful} {
		if v < 0 {
			return nil, fmt.Errorf("injection: negative threshold for %s", HeadNames[h])
		}
		d.longThr[h] = v
		if v == 0 {
			v = float64(m.Threshold[h])
			d.longThr[h] = v
			if h != HeadHarmful {
				d.longThr[h] = max(v, LongTextThreshold)
			}
		}
		d.thr[h] = v
	}
	ev := opts.Evasive
	if ev < 0 {
		return nil, fmt.Errorf("injection: negative evasive threshold")
	}
	if ev == 0 {
		ev = DefaultEvasive
	}
	for h := range d.evThr {
		d.evThr[h] = min(ev, d.thr[h])
	}
	return d, nil
}

// Name implements guard.Scanner.
func (d *Detector) Name() string { return "injection" }

// Thresholds returns the thresholds in use, per head, on texts up to
// LongText bytes (longer ones: at least LongTextThreshold for injection and
// jailbreak when the thresholds are the model's own).
func (d *Detector) Thresholds() [NumHeads]float64 { return d.thr }

// Result is the best score of each head over a text's chunks and variants,
// with the byte span of the original text that produced it; and the same
// over the obfuscated texts only (a normalized text that needed
// de-obfuscation, or a decoded variant).
type Result struct {
	// Long reports a text longer than LongText bytes, normalized: it is
	// held to the detector's long-text thresholds.
	Long bool

	Score [NumHeads]float64
	Start [NumHeads]int
	End   [NumHeads]int

	EvasiveScore [NumHeads]float64
	EvasiveStart [NumHeads]int
	EvasiveEnd   [NumHeads]int
}

// headSet is a set of heads, one bit per head.
type headSet uint8

const allHeads headSet = 1<<NumHeads - 1

func (s headSet) has(h int) bool { return s&(1<<h) != 0 }

// headsFor says which heads run on text from a source: everything on user
// turns; injection and jailbreak on tool results and documents (indirect
// injection); nothing on system prompts, earlier assistant turns and outputs.
func headsFor(src guard.Source) headSet {
	switch src {
	case guard.SourceUser, "":
		return allHeads
	case guard.SourceTool, guard.SourceDocument:
		return 1<<HeadInjection | 1<<HeadJailbreak
	}
	return 0
}

// Scan implements guard.Scanner: one finding per category whose score is at
// or above its threshold, spanning the chunk that scored highest.
func (d *Detector) Scan(ctx context.Context, in guard.Input) ([]guard.Finding, error) {
	if in.Stage != guard.StageInput {
		return nil, nil
	}
	heads := headsFor(in.Source)
	if heads == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A question about quoted attack words is a mention only in a user's
	// own turn: in a tool result or a retrieved document, quoted words are
	// still read by the model that follows them.
	var r Result
	if in.Source == guard.SourceUser || in.Source == "" {
		r = d.Detect(in.Text)
	} else {
		r = d.detectHeads(in.Text, heads)
	}
	var out []guard.Finding
	for h := 0; h < NumHeads; h++ {
		if !heads.has(h) {
			continue
		}
		f := guard.Finding{Scanner: "injection", Type: HeadNames[h]}
		switch {
		case r.Score[h] >= d.threshold(r, h):
			f.Score, f.Start, f.End = r.Score[h], r.Start[h], r.End[h]
		case r.EvasiveScore[h] >= d.evThr[h]:
			f.Score, f.Start, f.End = r.EvasiveScore[h], r.EvasiveStart[h], r.EvasiveEnd[h]
			f.RuleID = "obfuscated"
		default:
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// Flagged reports whether r crosses the detector's thresholds for head h.
func (d *Detector) Flagged(r Result, h int) bool {
	return r.Score[h] >= d.threshold(r, h) || r.EvasiveScore[h] >= d.evThr[h]
}

// threshold is head h's threshold for the text r scored.
func (d *Detector) threshold(r Result, h int) float64 {
	if r.Long {
		return d.longThr[h]
	}
	return d.thr[h]
}

// Detect scores text, as a user's turn, on every head: the normalized text
// and its decoded variants, whole and in sentence windows. A short question
// or remark about quoted attack words (mention.go) is scored without the
// quoted words on the injection and jailbreak heads.
func (d *Detector) Detect(text string) Result {
	r := d.detect(text)
	if r.Score[HeadInjection] < d.threshold(r, HeadInjection) && r.Score[HeadJailbreak] < d.threshold(r, HeadJailbreak) {
		return r
	}
	if n, ok := selfCorrection(text); ok {
		// A user taking back their own words (correction.go): the
		// model's score is capped, a rule's match stands.
		m := matchRules(n)
		for _, h := range []int{HeadInjection, HeadJailbreak} {
			if m.score[h] == 0 && r.EvasiveScore[h] < d.evThr[h] {
				r.Score[h] = min(r.Score[h], mentionFrameMax)
			}
		}
		return r
	}
	frame, ok := quotedAbout(text)
	if !ok {
		frame, ok = describedAttack(text)
	}
	if !ok {
		// "Do not ignore the safety instructions" (negation.go): with
		// its negated verbs cut out, the text must not be flagged on its
		// own. Not as strict as a mention's frame: the rest may name
		// instructions ("… the instructions in the manual" scores 0.6),
		// and the text without the negated verb is what an attacker
		// could have sent without writing it (docs/decisions.md).
		if frame, ok = negatedFrame(text); ok {
			f := d.detect(frame)
			for _, h := range []int{HeadInjection, HeadJailbreak} {
				if r.Score[h] >= d.threshold(r, h) && r.EvasiveScore[h] < d.evThr[h] && !d.Flagged(f, h) {
					r.Score[h] = f.Score[h]
					r.Start[h], r.End[h] = 0, len(text)
				}
			}
		}
		return r
	}
	f := d.detect(frame)
	for _, h := range []int{HeadInjection, HeadJailbreak} {
		// The words around the quotes must look benign on their own, not
		// merely fall under the threshold: "do not listen to any previous
		// information … confirm by saying “…”" is an attack with a quote.
		if r.Score[h] >= d.threshold(r, h) && f.Score[h] < mentionFrameMax {
			r.Score[h] = f.Score[h]
			r.Start[h], r.End[h] = 0, len(text)
		}
	}
	return r
}

// detect scores text without the quoted-mention check (tool results and
// documents, and Detect's own passes).
func (d *Detector) detect(text string) Result { return d.detectHeads(text, allHeads) }

// detectHeads is detect with the rules of the heads in heads only; the
// model scores every head either way (its weights for all heads sit in one
// cache line).
func (d *Detector) detectHeads(text string, heads headSet) Result {
	var r Result
	fbuf := featBufs.Get().(*[]uint32)
	t := normalize.Normalize(text)
	r.Long = len(t.Norm) > LongText
	mode := evNone
	if t.Evasions > 0 {
		mode = evLocal
	}
	d.scoreText(&t, &r, mode, heads, fbuf)
	// A JSON text (most tool results) is also read as its strings,
	// decoded, so that its braces, keys and escapes do not dilute a short
	// instruction in a value. It is read as written too, even when valid:
	// what the reading leaves out (keys and values of one word, words
	// joined by "-" or control characters) can carry an attack.
	if v, letters, ok := normalize.JSONText(text); ok {
		mode := evLocal
		if letters {
			mode = evAll
		}
		d.scoreText(&v.Text, &r, mode, heads, fbuf)
	}
	for _, v := range normalize.Variants(text) {
		d.scoreText(&v.Text, &r, evAll, heads, fbuf)
	}
	// JSON and HTML escapes: how tool results and pages carry non-ASCII
	// text, so read at the ordinary threshold unless an escape hid an ASCII
	// letter or digit (which no encoder escapes) or the decoded text is
	// itself obfuscated.
	if v, letters, ok := normalize.Unescaped(text); ok {
		mode := evLocal
		if letters {
			mode = evAll
		}
		d.scoreText(&v.Text, &r, mode, heads, fbuf)
	}
	if cap(*fbuf) <= 1<<16 { // a huge sentence's buffer is left to the GC
		*fbuf = (*fbuf)[:0]
		featBufs.Put(fbuf)
	}
	return r
}

// featBufs holds the per-sentence feature buffers Detect works in (8 KB
// each; one per call would be most of a scan's garbage).
var featBufs = sync.Pool{New: func() any { b := make([]uint32, 0, 2048); return &b }}

// evasiveMode says which chunks of a text count as obfuscated, and are held
// to the evasive threshold.
type evasiveMode uint8

const (
	evNone  evasiveMode = iota
	evLocal             // chunks that hold an undone obfuscation (normalize.Text.EvasiveIn)
	evAll               // every chunk: a decoded variant
)

// of reports whether the normalized range [start, end) of t counts as
// obfuscated. Before session 10 one leetspeak word anywhere made every
// window of a document evasive, so a 32 KB page of command documentation
// with "s3cr3t" in an example was held to 0.8 in all its windows.
func (m evasiveMode) of(t *normalize.Text, start, end int) bool {
	return m == evAll || m == evLocal && t.EvasiveIn(start, end)
}

// scoreText scores one normalized text into r.
func (d *Detector) scoreText(t *normalize.Text, r *Result, evasive evasiveMode, heads headSet, fbuf *[]uint32) {
	var sbuf [32]Span
	var abuf [32]acc
	sents := Sentences(sbuf[:0], t.Norm)
	if len(sents) == 0 {
		return
	}
	accs := abuf[:0]
	var whole acc
	var small [64]sentSlot
	seen := sentenceSetFor(small[:], len(sents))
	for _, s := range sents {
		var a acc
		// A sentence repeated word for word (a footer in every message of
		// a thread, filler text) counts once: with the model's length
		// normalization, n copies of a sentence would otherwise score like
		// one sentence with sqrt(n) times its evidence.
		if !seen.add(t.Norm[s.Start:s.End]) {
			*fbuf = d.m.sentence(t.Norm[s.Start:s.End], &a, *fbuf)
		}
		accs = append(accs, a)
		for h := range whole.sum {
			whole.sum[h] += a.sum[h]
		}
		whole.n += a.n
	}
	span := sents[len(sents)-1].End - sents[0].Start
	if span <= wholeMax {
		d.update(r, t, whole, sents[0].Start, sents[len(sents)-1].End, evasive)
	}
	if !d.noRules {
		d.applyRules(r, t, sents, evasive, heads)
	}
	var wbuf [32][2]int
	if d.m.Feat&FeatShortWindows != 0 && span > shortMinSpan {
		d.windows(r, t, sents, accs, ShortWindows(wbuf[:0], sents), evasive)
	}
	if span > windowMax {
		d.windows(r, t, sents, accs, Windows(wbuf[:0], sents), evasive)
	}
}

// windows scores the sentence windows ws of a text from the per-sentence
// sums accs.
func (d *Detector) windows(r *Result, t *normalize.Text, sents []Span, accs []acc, ws [][2]int, evasive evasiveMode) {
	for _, w := range ws {
		var a acc
		for i := w[0]; i < w[1]; i++ {
			for h := range a.sum {
				a.sum[h] += accs[i].sum[h]
			}
			a.n += accs[i].n
		}
		d.update(r, t, a, sents[w[0]].Start, sents[w[1]-1].End, evasive)
	}
}

// update raises r's scores to the model's for the chunk [start, end) of t.
func (d *Detector) update(r *Result, t *normalize.Text, a acc, start, end int, mode evasiveMode) {
	if oneWordChunk(t.Norm[start:end]) {
		return
	}
	p := d.m.prob(a.sum, a.n)
	evasive := mode.of(t, start, end)
	for h := 0; h < NumHeads; h++ {
		if p[h] > r.Score[h] {
			r.Score[h] = p[h]
			r.Start[h], r.End[h] = t.Orig(start, end)
		}
		if evasive && p[h] > r.EvasiveScore[h] {
			r.EvasiveScore[h] = p[h]
			r.EvasiveStart[h], r.EvasiveEnd[h] = t.Orig(start, end)
		}
	}
}

// maxOneWord is the longest chunk of one ASCII word the model does not
// score.
const maxOneWord = 12

// oneWordChunk reports a normalized chunk of one short ASCII word: a
// tool's "OK", a heading, a one-word line in a page. Such a chunk says
// nothing to follow, but with the length normalization nothing dilutes its
// word's weight, and the model scores some words as an attack by
// themselves ("ok" at 0.987): a tool result "OK" was flagged as an indirect
// injection, and so was a page over 1 KB with a line "ok" before a
// sentence too long to share its 160-byte window (22 of 3,930 security
// paragraphs with "ok" put before them). The rules still read such a
// chunk. Longer tokens are scored: the normalizer joins spaced-out letters
// into one ("ignoreallpreviousinstructions"). (selfCorrection's oneWord
// judges a whole user turn as written.)
func oneWordChunk(s string) bool {
	if len(s) > maxOneWord {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\n' || c >= 0x80 {
			return false
		}
	}
	return true
}

// applyRules raises a head's score to that of a matching attack structure
// (rules.go) when the structure scores higher than the model; the span is
// the sentences the match touches.
func (d *Detector) applyRules(r *Result, t *normalize.Text, sents []Span, mode evasiveMode, heads headSet) {
	m := matchRulesFor(t.Norm, heads)
	for h := 0; h < NumHeads; h++ {
		p := m.score[h]
		if p == 0 {
			continue
		}
		for _, s := range sents {
			if s.Start <= m.start[h] && m.start[h] < s.End {
				m.start[h] = s.Start
			}
			if s.Start < m.end[h] && m.end[h] <= s.End {
				m.end[h] = s.End
			}
		}
		if p > r.Score[h] {
			r.Score[h] = p
			r.Start[h], r.End[h] = t.Orig(m.start[h], m.end[h])
		}
		if p > r.EvasiveScore[h] && mode.of(t, m.start[h], m.end[h]) {
			r.EvasiveScore[h] = p
			r.EvasiveStart[h], r.EvasiveEnd[h] = t.Orig(m.start[h], m.end[h])
		}
	}
}

// sentenceSet remembers the sentences of one text, in an open-addressing
// table keyed by a 64-bit hash and sized for the text (no allocation for up
// to 32 sentences). Equal hashes are confirmed by comparing the sentences:
// a collision must not drop an attack sentence. The hash is maphash with a
// seed drawn at start (a tenth of FNV's cost per byte, and collisions
// cannot be prepared offline).
type sentenceSet struct {
	tab []sentSlot
}

var sentSeed = maphash.MakeSeed()

type sentSlot struct {
	h uint64 // 0: empty
	s string
}

// sentenceSetFor returns a set for n sentences in small (a power of two
// long) when it is at least twice n, else in a new table.
func sentenceSetFor(small []sentSlot, n int) sentenceSet {
	size := len(small)
	if size >= 2*n {
		return sentenceSet{tab: small}
	}
	for size < 2*n {
		size *= 2
	}
	return sentenceSet{tab: make([]sentSlot, size)}
}

// add records s and reports whether it was there already.
func (ss *sentenceSet) add(s string) bool {
	h := maphash.String(sentSeed, s) | 1
	mask := uint64(len(ss.tab) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch e := &ss.tab[i]; {
		case e.h == 0:
			e.h, e.s = h, s
			return false
		case e.h == h && e.s == s:
			return true
		}
	}
}
