package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/bulwark-ai/bulwark/internal/eval"
	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

// obfuscationSeed fixes every obfuscation's random choices (with the row's
// text hash, so a row's variants do not depend on the rows before it).
const obfuscationSeed = 0x0b5c

// longDoc is the size above which an attack row is a document, reported
// apart: its obfuscated form is mostly carrier text.
const longDoc = 1024

// runObfuscation measures how many of the attacks the shipped detector
// catches in plain form it still catches once obfuscated, per obfuscation.
// Nothing is trained.
func runObfuscation(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("obfuscation", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "../shared/data", "shared data directory")
	bySource := fs.Bool("by-source", false, "also print retention per source")
	misses := fs.Int("misses", 0, "print up to this many lost attacks per obfuscation, obfuscated (debugging; prints data)")
	benign := fs.Bool("benign", true, "also count, per benign source, the rows the normalizer marks obfuscated and the rows flagged (the cost of folding more)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	d, err := injection.New(injection.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	rows, err := loadAttacks(*data)
	if err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	groups := []struct {
		title string
		in    func(*row) bool
	}{
		{"Attacks of at most 1 KB, all sources but mosscap", func(r *row) bool { return r.src != "mosscap" && len(r.text) <= longDoc }},
		{"mosscap (noisy: many rows are not attacks), at most 1 KB", func(r *row) bool { return r.src == "mosscap" && len(r.text) <= longDoc }},
		{"Documents over 1 KB (indirect injections in carrier text)", func(r *row) bool { return len(r.text) > longDoc }},
	}
	for _, g := range groups {
		var sel []row
		for i := range rows {
			if g.in(&rows[i]) {
				sel = append(sel, rows[i])
			}
		}
		printObfuscation(stdout, d, g.title, sel, *bySource, *misses)
	}
	if *benign {
		neg, err := readSourceRows(*data, 0)
		if err != nil {
			fmt.Fprintln(stderr, "bulwark-train:", err)
			return 2
		}
		printBenignEvasive(stdout, d, neg)
	}
	return 0
}

// printBenignEvasive prints, per source, how many benign rows the
// normalizer marks obfuscated (they are then scored against the lower
// evasive threshold), how many have a decoded variant, and how many the
// detector flags, as they are and written as a JSON tool result (the cost
// of reading JSON text as its string values).
func printBenignEvasive(w io.Writer, d *injection.Detector, rows []row) {
	type cnt struct{ n, evasive, variant, flagged, flaggedJSON int }
	per := map[string]*cnt{}
	var srcs []string
	for i := range rows {
		r := &rows[i]
		c := per[r.src]
		if c == nil {
			c = &cnt{}
			per[r.src] = c
			srcs = append(srcs, r.src)
		}
		c.n++
		if normalize.Normalize(r.text).Evasions > 0 {
			c.evasive++
		}
		if len(normalize.Variants(r.text)) > 0 {
			c.variant++
		}
		if caughtBy(d, r.text) {
			c.flagged++
		}
		if caughtBy(d, jsonResult(r.text, nil)) {
			c.flaggedJSON++
		}
	}
	sort.Strings(srcs)
	fmt.Fprintln(w, "\nBenign rows (label 0): marked obfuscated by the normalizer, with a decoded variant, flagged INJECTION/JAILBREAK as they are and as a JSON tool result:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| source | n | obfuscated | variant | flagged | flagged as JSON |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, s := range srcs {
		c := per[s]
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d |\n", s, c.n, c.evasive, c.variant, c.flagged, c.flaggedJSON)
	}
}

// loadAttacks reads the attack rows (label 1) of every injection source, as
// the trainer labels them (spikee's canaries masked).
func loadAttacks(dir string) ([]row, error) { return readSourceRows(dir, 1) }

// caughtBy reports an INJECTION or JAILBREAK finding at the detector's
// default thresholds (the evasive threshold included).
func caughtBy(d *injection.Detector, text string) bool {
	r := d.Detect(text)
	return d.Flagged(r, injection.HeadInjection) || d.Flagged(r, injection.HeadJailbreak)
}

// rowRand is the random source of obfuscation k on a row.
func rowRand(text string, k int) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(text))
	return rand.New(rand.NewPCG(obfuscationSeed, h.Sum64()+uint64(k)))
}

func printObfuscation(w io.Writer, d *injection.Detector, title string, rows []row, bySource bool, misses int) {
	var plain []row
	for i := range rows {
		if caughtBy(d, rows[i].text) {
			plain = append(plain, rows[i])
		}
	}
	fmt.Fprintf(w, "\n%s: %d attack rows, %d caught in plain form (%.3f); retention of those:\n\n", title, len(rows), len(plain), float64(len(plain))/float64(max(len(rows), 1)))
	fmt.Fprintln(w, "| obfuscation | n | caught | retention | p50 µs | p99 µs |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	type cnt struct{ n, caught int }
	per := map[string]map[string]*cnt{}
	for k, o := range obfuscations {
		lat := make([]time.Duration, 0, len(plain))
		caught := 0
		shown := 0
		for i := range plain {
			r := &plain[i]
			text := o.f(r.text, rowRand(r.text, k))
			t0 := time.Now()
			ok := caughtBy(d, text)
			lat = append(lat, time.Since(t0))
			if ok {
				caught++
			} else if shown < misses {
				shown++
				fmt.Fprintf(w, "LOST %s %s %q\n  normalized %q\n", o.name, r.src, trunc(text, 400), trunc(normalize.Normalize(text).Norm, 400))
			}
			if bySource {
				if per[r.src] == nil {
					per[r.src] = map[string]*cnt{}
				}
				c := per[r.src][o.name]
				if c == nil {
					c = &cnt{}
					per[r.src][o.name] = c
				}
				c.n++
				if ok {
					c.caught++
				}
			}
		}
		p := eval.Percentiles(lat)
		fmt.Fprintf(w, "| %s | %d | %d | %s | %.1f | %.1f |\n", o.name, len(plain), caught, f3(float64(caught)/float64(max(len(plain), 1)), len(plain)), p.P50, p.P99)
	}
	if !bySource {
		return
	}
	srcs := make([]string, 0, len(per))
	for s := range per {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	fmt.Fprintln(w)
	for _, s := range srcs {
		fmt.Fprintf(w, "%s:", s)
		for _, o := range obfuscations {
			if c := per[s][o.name]; c != nil {
				fmt.Fprintf(w, " [%s %d/%d]", o.name, c.caught, c.n)
			}
		}
		fmt.Fprintln(w)
	}
}
