package main

import (
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

// runRules prints, per source, how often the hand-written attack structures
// (injection/rules.go) fire on positives and on negatives, without training
// anything: the rules are not fitted to any source, so every source is
// held out for them.
func runRules(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "../shared/data", "shared data directory")
	show := fs.Int("show", 0, "print up to this many false positives per source (debugging; prints data)")
	miss := fs.Int("miss", 0, "print up to this many missed positives per source (debugging; prints data)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rows, err := loadInjection(*data)
	if err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	type cnt struct{ pos, tp, neg, fp int }
	per := map[string]*cnt{}
	shown := map[string]int{}
	for i := range rows {
		r := &rows[i]
		if harmfulSources[r.src] {
			continue
		}
		c := per[r.src]
		if c == nil {
			c = &cnt{}
			per[r.src] = c
		}
		t := normalize.Normalize(r.text)
		var ids []string
		var spans []string
		for _, sp := range injection.RuleSpans(t.Norm) {
			ids = append(ids, sp.ID)
			spans = append(spans, t.Norm[sp.Start:sp.End])
		}
		for _, v := range normalize.Variants(r.text) {
			for _, sp := range injection.RuleSpans(v.Text.Norm) {
				ids = append(ids, sp.ID)
				spans = append(spans, v.Text.Norm[sp.Start:sp.End])
			}
		}
		hit := len(ids) > 0
		if r.label == 1 {
			c.pos++
			if hit {
				c.tp++
			} else if shown["miss"+r.src] < *miss {
				shown["miss"+r.src]++
				fmt.Fprintf(stdout, "MISS %s %q\n", r.src, trunc(t.Norm, 400))
			}
		} else {
			c.neg++
			if hit {
				c.fp++
				if shown[r.src] < *show {
					shown[r.src]++
					fmt.Fprintf(stdout, "FP %s %v %q\n", r.src, ids, spans)
				}
			}
		}
	}
	var srcs []string
	for s := range per {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	fmt.Fprintln(stdout, "| source | pos | rule recall | neg | rule FPR |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|")
	for _, s := range srcs {
		c := per[s]
		fmt.Fprintf(stdout, "| %s | %d | %s | %d | %s |\n", s, c.pos, f3(float64(c.tp)/float64(max(c.pos, 1)), c.pos), c.neg, f3(float64(c.fp)/float64(max(c.neg, 1)), c.neg))
	}
	return 0
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
