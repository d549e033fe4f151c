package pii

import "github.com/bulwark-ai/bulwark/internal/eval"

// Evaluate scores d on labeled items the way `bulwark eval --task pii`
// reports it: dataset types map to ours with GoldType, and only our types
// that some gold span in items maps to are scored (a DATE_OF_BIRTH
// prediction is not a false positive on data that labels every date as
// DATE_TIME). The item-level counts treat an item as positive when any
// scored span is predicted.
func Evaluate(d *Detector, items []eval.Item) (eval.Report, error) {
	scored := map[string]bool{}
	for _, it := range items {
		for _, s := range it.Spans {
			if typ, ok := GoldType(s.Type); ok {
				scored[typ] = true
			}
		}
	}
	det := func(text string) ([]eval.Span, error) {
		fs := d.Find(text)
		out := make([]eval.Span, len(fs))
		for i, f := range fs {
			out[i] = eval.Span{Start: f.Start, End: f.End, Type: f.Type}
		}
		return out, nil
	}
	return eval.ClassifySpans(items, det, GoldType, func(typ string) (string, bool) { return typ, scored[typ] })
}
