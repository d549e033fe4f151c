package eval

import (
	"fmt"
	"time"
)

// SpanCounts are span-level counts for one entity type: a predicted span is
// a true positive when it overlaps a gold span of the same type; a gold span
// is found when some predicted span of its type overlaps it.
type SpanCounts struct {
	Pred      int     `json:"pred"`
	PredTP    int     `json:"pred_tp"`
	Gold      int     `json:"gold"`
	GoldFound int     `json:"gold_found"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

func (s *SpanCounts) finish() {
	s.Precision = round4(ratio(s.PredTP, s.Pred))
	s.Recall = round4(ratio(s.GoldFound, s.Gold))
	if s.Precision+s.Recall > 0 {
		s.F1 = round4(2 * s.Precision * s.Recall / (s.Precision + s.Recall))
	}
}

// SpanDetector returns predicted spans (byte offsets, detector types) of a text.
type SpanDetector func(text string) ([]Span, error)

// TypeMap maps a type to the shared vocabulary both sides are compared in;
// ok false means the type is not scored (and the span is ignored).
type TypeMap func(typ string) (string, bool)

// Identity is a TypeMap that keeps every type.
func Identity(t string) (string, bool) { return t, true }

// ClassifySpans runs det over items. Item-level counts treat an item as
// predicted positive when any scored span is predicted; span-level counts
// are per mapped type. goldMap maps dataset types, predMap detector types.
func ClassifySpans(items []Item, det SpanDetector, goldMap, predMap TypeMap) (Report, error) {
	var c Counts
	lat := make([]time.Duration, 0, len(items))
	per := map[string]*SpanCounts{}
	get := func(t string) *SpanCounts {
		s := per[t]
		if s == nil {
			s = new(SpanCounts)
			per[t] = s
		}
		return s
	}
	var total SpanCounts
	if len(items) > 0 { // warm up lazily built state outside the timings
		if _, err := det(items[0].Text); err != nil {
			return Report{}, fmt.Errorf("line %d: %w", items[0].Line, err)
		}
	}
	for _, it := range items {
		t0 := time.Now()
		pred, err := det(it.Text)
		lat = append(lat, time.Since(t0))
		if err != nil {
			return Report{}, fmt.Errorf("line %d: %w", it.Line, err)
		}
		var gold, got []Span
		for _, g := range it.Spans {
			if t, ok := goldMap(g.Type); ok {
				g.Type = t
				gold = append(gold, g)
			}
		}
		for _, p := range pred {
			if t, ok := predMap(p.Type); ok {
				p.Type = t
				got = append(got, p)
			}
		}
		c.Add(len(got) > 0, len(gold) > 0)
		for _, p := range got {
			s := get(p.Type)
			s.Pred++
			total.Pred++
			if overlapsAny(p, gold) {
				s.PredTP++
				total.PredTP++
			}
		}
		for _, g := range gold {
			s := get(g.Type)
			s.Gold++
			total.Gold++
			if overlapsAny(g, got) {
				s.GoldFound++
				total.GoldFound++
			}
		}
	}
	r := NewReport(c, lat)
	r.Spans = map[string]SpanCounts{}
	for t, s := range per {
		s.finish()
		r.Spans[t] = *s
	}
	total.finish()
	r.SpanTotal = &total
	return r, nil
}

func overlapsAny(s Span, others []Span) bool {
	for _, o := range others {
		if o.Type == s.Type && s.Start < o.End && o.Start < s.End {
			return true
		}
	}
	return false
}
