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
		return func(items []eval.Item) (eval.Report, error) { return pii.Evaluate(d, items) }, true, nil
	case "toxicity":
		return nil, false, errNoDetector
	}
	return nil, false, fmt.Errorf("unknown task %q (want one of %v)", task, evalTasks)
}
