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
	type cnt struct{ pos, tp, neg, fp, harmPos, harmTP, harmNeg, harmFP int }
	per := map[string]*cnt{}
	shown := map[string]int{}
	for i := range rows {
		r := &rows[i]
		c := per[r.src]
		if c == nil {
			c = &cnt{}
			per[r.src] = c
		}
		t := normalize.Normalize(r.text)
		var ids []string
		var spans []string
		harm := false
		add := func(norm string) {
			for _, sp := range injection.RuleSpans(norm) {
				if sp.Head == injection.HeadHarmful {
					harm = true
					if r.label == 1 {
						continue // a harmful request is not an injection hit
					}
				}
				ids = append(ids, sp.ID)
				spans = append(spans, norm[sp.Start:sp.End])
			}
		}
		add(t.Norm)
		for _, v := range normalize.Variants(r.text) {
			add(v.Text.Norm)
		}
		if harmfulSources[r.src] {
			// Harmful requests and their benign twins: only the harmful
			// rules are scored.
			if r.label == 1 {
				c.harmPos++
				if harm {
					c.harmTP++
				} else if shown["hmiss"+r.src] < *miss {
					shown["hmiss"+r.src]++
					fmt.Fprintf(stdout, "MISS harmful %s %q\n", r.src, trunc(t.Norm, 400))
				}
			} else {
				c.harmNeg++
				if harm {
					c.harmFP++
					if shown["hfp"+r.src] < *show {
						shown["hfp"+r.src]++
						fmt.Fprintf(stdout, "FP harmful %s %v %q\n", r.src, ids, spans)
					}
				}
			}
			continue
		}
		if r.label == 0 {
			c.harmNeg++
			if harm {
				c.harmFP++
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
	fmt.Fprintln(stdout, "Injection and jailbreak rules (a benign row counts as a false positive when any rule fires, harmful ones included):")
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "| source | pos | rule recall | neg | rule FPR |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|")
	for _, s := range srcs {
		c := per[s]
		if harmfulSources[s] {
			continue
		}
		fmt.Fprintf(stdout, "| %s | %d | %s | %d | %s |\n", s, c.pos, f3(float64(c.tp)/float64(max(c.pos, 1)), c.pos), c.neg, f3(float64(c.fp)/float64(max(c.neg, 1)), c.neg))
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Harmful-request rules (HARMFUL head): recall on harmful requests, FPR on benign twins and on every benign row:")
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "| source | harmful | rule recall | benign | rule FPR |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|")
	var all cnt
	for _, s := range srcs {
		c := per[s]
		all.harmPos += c.harmPos
		all.harmTP += c.harmTP
		all.harmNeg += c.harmNeg
		all.harmFP += c.harmFP
		if c.harmPos == 0 && c.harmFP == 0 && !harmfulSources[s] {
			continue
		}
		fmt.Fprintf(stdout, "| %s | %d | %s | %d | %s |\n", s, c.harmPos, f3(float64(c.harmTP)/float64(max(c.harmPos, 1)), c.harmPos), c.harmNeg, f3(float64(c.harmFP)/float64(max(c.harmNeg, 1)), c.harmNeg))
	}
	fmt.Fprintf(stdout, "| **all** | %d | %s | %d | %s |\n", all.harmPos, f3(float64(all.harmTP)/float64(max(all.harmPos, 1)), all.harmPos), all.harmNeg, f3(float64(all.harmFP)/float64(max(all.harmNeg, 1)), all.harmNeg))
	return 0
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
