package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/bulwark-ai/bulwark/internal/eval"
)

// evalTasks lists the tasks `bulwark eval` knows, in usage order.
var evalTasks = []string{"injection", "harmful", "pii", "secrets", "toxicity"}

// runEval implements `bulwark eval --task injection|harmful|pii|secrets|toxicity
// --data FILE.jsonl [--json]`: it runs one detector over labeled JSON Lines
// and prints counts, precision, recall, F1, FPR and per-item latency (p50,
// p99); for pii also span-level precision and recall per entity type.
// Exit 0 on success, 2 on bad flags, unreadable or malformed data, or a task
// this build has no detector for.
func runEval(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	task := fs.String("task", "", "detector to measure: injection, harmful, pii, secrets or toxicity")
	data := fs.String("data", "", "labeled JSONL file ('-' for stdin)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	bySource := fs.Bool("by-source", false, "add a breakdown by the items' \"source\" field")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: bulwark eval --task injection|harmful|pii|secrets|toxicity --data FILE.jsonl [--json] [--by-source]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return ExitError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "bulwark eval: unexpected argument %q\n", fs.Arg(0))
		return ExitError
	}
	if *data == "" || *task == "" {
		fs.Usage()
		return ExitError
	}
	run, spans, err := evalRunner(*task)
	if err != nil {
		fmt.Fprintln(env.Stderr, "bulwark eval:", err)
		return ExitError
	}
	var in io.Reader = env.Stdin
	if *data != "-" {
		f, err := os.Open(*data)
		if err != nil {
			fmt.Fprintln(env.Stderr, "bulwark eval:", err)
			return ExitError
		}
		defer f.Close()
		in = f
	}
	items, err := eval.Read(in, spans)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark eval: %s: %v\n", *data, err)
		return ExitError
	}
	if len(items) == 0 {
		fmt.Fprintf(env.Stderr, "bulwark eval: %s: no items\n", *data)
		return ExitError
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintln(env.Stderr, "bulwark eval:", err)
		return ExitError
	}
	rep, err := run(items)
	if err != nil {
		fmt.Fprintln(env.Stderr, "bulwark eval:", err)
		return ExitError
	}
	if !*bySource {
		rep.Sources = nil
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(env.Stderr, "bulwark eval:", err)
			return ExitError
		}
		return ExitOK
	}
	printEvalReport(env.Stdout, *task, rep)
	return ExitOK
}

// errNoDetector reports a task that this build cannot measure.
var errNoDetector = errors.New("no toxicity detector in this build")

func printEvalReport(w io.Writer, task string, r eval.Report) {
	fmt.Fprintf(w, "task %s: n=%d tp=%d fp=%d tn=%d fn=%d\n", task, r.N, r.TP, r.FP, r.TN, r.FN)
	fmt.Fprintf(w, "precision %.4f  recall %.4f  f1 %.4f  fpr %.4f\n", r.Precision, r.Recall, r.F1, r.FPR)
	fmt.Fprintf(w, "latency per item: p50 %.1f µs  p99 %.1f µs\n", r.Latency.P50, r.Latency.P99)
	if len(r.Spans) > 0 {
		types := make([]string, 0, len(r.Spans))
		for t := range r.Spans {
			types = append(types, t)
		}
		sort.Strings(types)
		fmt.Fprintf(w, "spans (a prediction counts when it overlaps a gold span of the same type):\n")
		fmt.Fprintf(w, "  %-18s %6s %6s %9s %7s %7s\n", "type", "pred", "gold", "precision", "recall", "f1")
		for _, t := range types {
			s := r.Spans[t]
			fmt.Fprintf(w, "  %-18s %6d %6d %9.4f %7.4f %7.4f\n", t, s.Pred, s.Gold, s.Precision, s.Recall, s.F1)
		}
		if s := r.SpanTotal; s != nil {
			fmt.Fprintf(w, "  %-18s %6d %6d %9.4f %7.4f %7.4f\n", "all", s.Pred, s.Gold, s.Precision, s.Recall, s.F1)
		}
	}
	if len(r.Sources) > 0 {
		srcs := make([]string, 0, len(r.Sources))
		for s := range r.Sources {
			srcs = append(srcs, s)
		}
		sort.Strings(srcs)
		fmt.Fprintln(w, "per source:")
		for _, s := range srcs {
			c := r.Sources[s]
			fmt.Fprintf(w, "  %s: n=%d precision %.4f recall %.4f f1 %.4f fpr %.4f\n", s, c.N, c.Precision, c.Recall, c.F1, c.FPR)
		}
	}
}
