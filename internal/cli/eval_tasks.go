package cli

import (
	"fmt"

	"github.com/bulwark-ai/bulwark/internal/eval"
	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
	"github.com/bulwark-ai/bulwark/internal/scanner/pii"
	"github.com/bulwark-ai/bulwark/internal/scanner/secrets"
)

// evalRunner returns the evaluation of a task and whether its data has spans.
func evalRunner(task string) (func([]eval.Item) (eval.Report, error), bool, error) {
	switch task {
	case "injection", "harmful":
		d, err := injection.New(injection.Options{})
		if err != nil {
			return nil, false, err
		}
		clf := func(text string) (bool, error) {
			r := d.Detect(text)
			if task == "harmful" {
				return d.Flagged(r, injection.HeadHarmful), nil
			}
			return d.Flagged(r, injection.HeadInjection) || d.Flagged(r, injection.HeadJailbreak), nil
		}
		return func(items []eval.Item) (eval.Report, error) { return eval.Classify(items, clf) }, false, nil
	case "secrets":
		d, err := secrets.New(secrets.Options{})
		if err != nil {
			return nil, false, err
		}
		clf := func(text string) (bool, error) { return len(d.Find(text)) > 0, nil }
		return func(items []eval.Item) (eval.Report, error) { return eval.Classify(items, clf) }, false, nil
	case "pii":
		d, err := pii.New(pii.Options{})
		if err != nil {
			return nil, false, err
		}
		det := func(text string) ([]eval.Span, error) {
			fs := d.Find(text)
			out := make([]eval.Span, len(fs))
			for i, f := range fs {
				out[i] = eval.Span{Start: f.Start, End: f.End, Type: f.Type}
			}
			return out, nil
		}
		return func(items []eval.Item) (eval.Report, error) { return evalPII(items, det) }, true, nil
	case "toxicity":
		return nil, false, errNoDetector
	}
	return nil, false, fmt.Errorf("unknown task %q (want one of %v)", task, evalTasks)
}

// evalPII scores PII spans in the detector's types: dataset types map with
// pii.GoldType, and only predicted types that some gold span in the data maps
// to are scored (a DATE_OF_BIRTH prediction is not a false positive on data
// that labels every date as DATE_TIME).
func evalPII(items []eval.Item, det eval.SpanDetector) (eval.Report, error) {
	scored := map[string]bool{}
	for _, it := range items {
		for _, s := range it.Spans {
			if t, ok := pii.GoldType(s.Type); ok {
				scored[t] = true
			}
		}
	}
	pred := func(t string) (string, bool) { return t, scored[t] }
	return eval.ClassifySpans(items, det, pii.GoldType, pred)
}
