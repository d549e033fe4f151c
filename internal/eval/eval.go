// Package eval measures detectors on labeled JSON Lines: binary
// classification counts and rates, per-item latency percentiles, and for span
// detectors (PII) span-level precision and recall per entity type.
//
// Input lines are {"text": str, "label": 0|1} or, for spans,
// {"text": str, "spans": [{"start", "end", "type", "byte_start", "byte_end"}]}
// where byte_start/byte_end are UTF-8 byte offsets (start/end are code-point
// offsets and are used only when the byte offsets are missing).
package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"time"
	"unicode/utf8"
)

// Item is one labeled example.
type Item struct {
	Text     string `json:"text"`
	Label    *int   `json:"label"`
	Spans    []Span `json:"spans"`
	Source   string `json:"source"`
	Category string `json:"category"`
	// Line is the 1-based line number in the input.
	Line int `json:"-"`
}

// Positive reports the item's label; items with spans and no label are
// positive when they have a span.
func (it Item) Positive() bool {
	if it.Label != nil {
		return *it.Label == 1
	}
	return len(it.Spans) > 0
}

// Span is a gold or predicted span, in byte offsets once resolved.
type Span struct {
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Type      string `json:"type"`
	ByteStart *int   `json:"byte_start,omitempty"`
	ByteEnd   *int   `json:"byte_end,omitempty"`
}

// LineError reports a bad input line.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// maxLine bounds one JSONL line (64 MiB).
const maxLine = 64 << 20

// Read parses JSONL from r. Blank lines are skipped. Every item must have a
// text and either a label of 0 or 1 or (when spans is true) a spans list;
// span offsets are resolved to byte offsets and checked against the text.
func Read(r io.Reader, spans bool) ([]Item, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	var out []Item
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(trimSpace(b)) == 0 {
			continue
		}
		var it Item
		if err := json.Unmarshal(b, &it); err != nil {
			return nil, &LineError{line, fmt.Errorf("invalid JSON: %w", err)}
		}
		it.Line = line
		if err := check(&it, spans); err != nil {
			return nil, &LineError{line, err}
		}
		out = append(out, it)
	}
	if err := sc.Err(); err != nil {
		return nil, &LineError{line + 1, err}
	}
	return out, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func check(it *Item, spans bool) error {
	if it.Text == "" {
		return errors.New(`missing or empty "text"`)
	}
	if it.Label != nil && *it.Label != 0 && *it.Label != 1 {
		return fmt.Errorf(`"label" is %d; want 0 or 1`, *it.Label)
	}
	if !spans {
		if it.Label == nil {
			return errors.New(`missing "label"`)
		}
		return nil
	}
	if it.Spans == nil && it.Label == nil {
		return errors.New(`missing "spans"`)
	}
	for i := range it.Spans {
		s := &it.Spans[i]
		if s.ByteStart != nil && s.ByteEnd != nil {
			s.Start, s.End = *s.ByteStart, *s.ByteEnd
		} else {
			var ok bool
			if s.Start, s.End, ok = runeToByte(it.Text, s.Start, s.End); !ok {
				return fmt.Errorf("span %d: offsets outside the text", i)
			}
		}
		if s.Start < 0 || s.End > len(it.Text) || s.Start >= s.End {
			return fmt.Errorf("span %d: byte offsets [%d,%d) outside the text (%d bytes)", i, s.Start, s.End, len(it.Text))
		}
		if s.Type == "" {
			return fmt.Errorf("span %d: missing type", i)
		}
	}
	return nil
}

// runeToByte converts code-point offsets to byte offsets.
func runeToByte(s string, start, end int) (int, int, bool) {
	bs, be := -1, -1
	n := 0
	for i := range s {
		if n == start {
			bs = i
		}
		if n == end {
			be = i
		}
		n++
	}
	if n == start {
		bs = len(s)
	}
	if n == end {
		be = len(s)
	}
	return bs, be, bs >= 0 && be >= 0 && utf8.ValidString(s)
}

// Counts is a binary confusion matrix.
type Counts struct{ TP, FP, TN, FN int }

// Add counts one prediction.
func (c *Counts) Add(pred, gold bool) {
	switch {
	case pred && gold:
		c.TP++
	case pred:
		c.FP++
	case gold:
		c.FN++
	default:
		c.TN++
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Precision is TP/(TP+FP) (0 when undefined).
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN) (0 when undefined).
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// FPR is FP/(FP+TN) (0 when undefined).
func (c Counts) FPR() float64 { return ratio(c.FP, c.FP+c.TN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Latency holds per-item latency percentiles in microseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
}

// Percentiles returns p50 and p99 of durations (nearest rank).
func Percentiles(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(s)))) - 1
		if i < 0 {
			i = 0
		}
		return math.Round(float64(s[i].Nanoseconds())/10) / 100
	}
	return Latency{P50: at(0.50), P99: at(0.99)}
}

// Report is the result of an evaluation; it is also the --json output.
type Report struct {
	N         int                     `json:"n"`
	TP        int                     `json:"tp"`
	FP        int                     `json:"fp"`
	TN        int                     `json:"tn"`
	FN        int                     `json:"fn"`
	Precision float64                 `json:"precision"`
	Recall    float64                 `json:"recall"`
	F1        float64                 `json:"f1"`
	FPR       float64                 `json:"fpr"`
	Latency   Latency                 `json:"latency_us"`
	Spans     map[string]SpanCounts   `json:"spans,omitempty"`
	SpanTotal *SpanCounts             `json:"spans_total,omitempty"`
	Sources   map[string]SourceReport `json:"sources,omitempty"`
}

// SourceReport is the per-source breakdown of a Report.
type SourceReport struct {
	N         int     `json:"n"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	TN        int     `json:"tn"`
	FN        int     `json:"fn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	FPR       float64 `json:"fpr"`
}

func fill(c Counts) SourceReport {
	return SourceReport{N: c.TP + c.FP + c.TN + c.FN, TP: c.TP, FP: c.FP, TN: c.TN, FN: c.FN,
		Precision: round4(c.Precision()), Recall: round4(c.Recall()), F1: round4(c.F1()), FPR: round4(c.FPR())}
}

func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

// NewReport builds a report from counts and latencies.
func NewReport(c Counts, lat []time.Duration) Report {
	s := fill(c)
	return Report{N: s.N, TP: c.TP, FP: c.FP, TN: c.TN, FN: c.FN, Precision: s.Precision,
		Recall: s.Recall, F1: s.F1, FPR: s.FPR, Latency: Percentiles(lat)}
}

// Classifier decides whether a text is positive.
type Classifier func(text string) (bool, error)

// Classify runs clf over items and reports counts, rates and latency, with a
// per-source breakdown when items carry a source.
func Classify(items []Item, clf Classifier) (Report, error) {
	var c Counts
	lat := make([]time.Duration, 0, len(items))
	per := map[string]*Counts{}
	if len(items) > 0 { // warm up lazily built state outside the timings
		if _, err := clf(items[0].Text); err != nil {
			return Report{}, fmt.Errorf("line %d: %w", items[0].Line, err)
		}
	}
	for _, it := range items {
		t0 := time.Now()
		pred, err := clf(it.Text)
		lat = append(lat, time.Since(t0))
		if err != nil {
			return Report{}, fmt.Errorf("line %d: %w", it.Line, err)
		}
		c.Add(pred, it.Positive())
		if it.Source != "" {
			pc := per[it.Source]
			if pc == nil {
				pc = new(Counts)
				per[it.Source] = pc
			}
			pc.Add(pred, it.Positive())
		}
	}
	r := NewReport(c, lat)
	if len(per) > 1 {
		r.Sources = map[string]SourceReport{}
		for k, v := range per {
			r.Sources[k] = fill(*v)
		}
	}
	return r, nil
}
