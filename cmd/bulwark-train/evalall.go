package main

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/bulwark-ai/bulwark/internal/eval"
	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
	"github.com/bulwark-ai/bulwark/internal/scanner/pii"
	"github.com/bulwark-ai/bulwark/internal/scanner/secrets"
)

// runEvalAll reproduces the numbers of the detector cards: the injection
// source-split folds (retrained here, deterministic), the shipped injection
// model on every source, and the secrets and PII detectors on their files.
func runEvalAll(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval-all", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "../shared/data", "shared data directory")
	folds := fs.Bool("folds", true, "retrain the injection source-split folds and print their dev metrics")
	cache := fs.String("fold-cache", "", "directory to keep the trained fold models in and reuse them from (for iterating on the detector, not the trainer; keyed by -hp)")
	shipped := fs.Bool("shipped", true, "also evaluate the shipped model, latency, secrets and PII")
	hpFlag := fs.String("hp", "", "training hyper-parameter overrides k=v,... (experiments; see hparams in train.go)")
	fs.StringVar(&missDir, "misses", "", "write each fold's held-out errors (FN and FP, with scores and rule ids) to DIR/fold-X/<source>.jsonl")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := setHP(*hpFlag); err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	rows, err := loadInjection(*data)
	if err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	if *folds {
		for _, f := range foldsList {
			if ctx.Err() != nil {
				return 2
			}
			printDev(stdout, f, foldModel(rows, f, *cache, stderr), rows)
		}
		fmt.Fprintln(stdout)
		printPooledSweeps(stdout, pooled)
	}
	if !*shipped {
		return 0
	}
	d, err := injection.New(injection.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	ms := evalRows(d, rows, func(*row) bool { return true }, nil, nil)
	printMetrics(stdout, "Shipped injection model on every source (trained on all of them: in-sample, optimistic)", ms)
	printIndependent(stdout, "shipped model", d)
	printLatency(stdout, d, rows)
	if code := evalFile(stdout, stderr, filepath.Join(*data, "secrets", "gitleaks_rule_testcases.jsonl"), "secrets", false); code != 0 {
		return code
	}
	return evalFile(stdout, stderr, filepath.Join(*data, "pii", "presidio_research_synth_v2.jsonl"), "pii", true)
}

// printLatency prints per-item Detect latency over the rows, by text size.
func printLatency(w io.Writer, d *injection.Detector, rows []row) {
	var small, large []time.Duration
	var bytes int
	var total time.Duration
	for i := range rows {
		t0 := time.Now()
		d.Detect(rows[i].text)
		el := time.Since(t0)
		total += el
		bytes += len(rows[i].text)
		if len(rows[i].text) <= 1024 {
			small = append(small, el)
		} else {
			large = append(large, el)
		}
	}
	ps, pl := eval.Percentiles(small), eval.Percentiles(large)
	fmt.Fprintf(w, "\ninjection latency per item (this machine, one goroutine): <=1KB n=%d p50 %.1fµs p99 %.1fµs; >1KB n=%d p50 %.1fµs p99 %.1fµs; throughput %.1f MB/s\n",
		len(small), ps.P50, ps.P99, len(large), pl.P50, pl.P99, float64(bytes)/total.Seconds()/1e6)
}

// evalFile runs the secrets or PII detector over one shared data file.
func evalFile(stdout, stderr io.Writer, path, task string, spans bool) int {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	defer f.Close()
	items, err := eval.Read(f, spans)
	if err != nil {
		fmt.Fprintf(stderr, "bulwark-train: %s: %v\n", path, err)
		return 2
	}
	var rep eval.Report
	switch task {
	case "secrets":
		d, err := secrets.New(secrets.Options{})
		if err != nil {
			fmt.Fprintln(stderr, "bulwark-train:", err)
			return 2
		}
		rep, err = eval.Classify(items, func(t string) (bool, error) { return len(d.Find(t)) > 0, nil })
		if err != nil {
			fmt.Fprintln(stderr, "bulwark-train:", err)
			return 2
		}
	case "pii":
		d, err := pii.New(pii.Options{})
		if err != nil {
			fmt.Fprintln(stderr, "bulwark-train:", err)
			return 2
		}
		rep, err = pii.Evaluate(d, items)
		if err != nil {
			fmt.Fprintln(stderr, "bulwark-train:", err)
			return 2
		}
	}
	fmt.Fprintf(stdout, "\n%s on %s (whole file; the detector is rule-based, not trained on it)\n", task, filepath.Base(path))
	fmt.Fprintf(stdout, "n=%d tp=%d fp=%d tn=%d fn=%d precision %.4f recall %.4f f1 %.4f fpr %.4f latency p50 %.1fµs p99 %.1fµs\n",
		rep.N, rep.TP, rep.FP, rep.TN, rep.FN, rep.Precision, rep.Recall, rep.F1, rep.FPR, rep.Latency.P50, rep.Latency.P99)
	if rep.SpanTotal != nil {
		types := make([]string, 0, len(rep.Spans))
		for t := range rep.Spans {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, t := range types {
			s := rep.Spans[t]
			fmt.Fprintf(stdout, "  span %s: precision %.4f recall %.4f f1 %.4f (pred %d, gold %d)\n", t, s.Precision, s.Recall, s.F1, s.Pred, s.Gold)
		}
		s := rep.SpanTotal
		fmt.Fprintf(stdout, "  span all: precision %.4f recall %.4f f1 %.4f\n", s.Precision, s.Recall, s.F1)
	}
	return 0
}

// foldModel trains fold f, or loads it from cache (written on a miss) when
// cache is set.
func foldModel(rows []row, f fold, cache string, log io.Writer) *injection.Model {
	if cache == "" {
		return train(rows, f.inTrain, log)
	}
	path := filepath.Join(cache, fmt.Sprintf("fold-%s-%x.bin", f.name, fnv32(fmt.Sprintf("%+v", hp))))
	if b, err := os.ReadFile(path); err == nil {
		m := new(injection.Model)
		if err := m.UnmarshalBinary(b); err == nil {
			return m
		}
	}
	m := train(rows, f.inTrain, log)
	if b, err := m.MarshalBinary(); err == nil {
		_ = os.MkdirAll(cache, 0o755)
		_ = os.WriteFile(path, b, 0o644)
	}
	return m
}

func fnv32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
