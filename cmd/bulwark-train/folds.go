package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/bulwark-ai/bulwark/internal/eval"
	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
)

// fold is a source split: dev sources are held out of training.
type fold struct {
	name string
	dev  map[string]bool
	// tmplDev selects our own template rows held out in this fold.
	tmplDev int
}

func (f fold) inTrain(src string, tmpl int) bool {
	if src == templateSource {
		return tmpl%2 != f.tmplDev
	}
	return !f.dev[src]
}

// foldsList: every data source except mosscap, gptfuzz and awesome (always
// trained on) is held out in exactly one fold.
var foldsList = []fold{
	{name: "A", tmplDev: 0, dev: map[string]bool{
		"deepset": true, "jailbreakbench": true, "garak": true, "tldr": true, "security_docs": true, "anthropic": true,
	}},
	{name: "B", tmplDev: 1, dev: map[string]bool{
		"gandalf": true, "giskard": true, "spikee": true, "parapet": true, "bfcl": true, "code": true, "benign_chat": true, "gsm8k": true,
		templateSource: true,
	}},
}

// sourceMetric evaluates a detector on the rows of one source: the harmful
// head for jailbreakbench, "injection or jailbreak" for every other source.
type sourceMetric struct {
	src    string
	task   string
	counts eval.Counts
}

func evalRows(d *injection.Detector, rows []row, keep func(r *row) bool) []sourceMetric {
	per := map[string]*sourceMetric{}
	for i := range rows {
		r := &rows[i]
		if !keep(r) {
			continue
		}
		res := d.Detect(r.text)
		inj := d.Flagged(res, injection.HeadInjection) || d.Flagged(res, injection.HeadJailbreak)
		key, task, pred := r.src, "injection", inj
		if harmfulSources[r.src] {
			task, pred = "harmful", d.Flagged(res, injection.HeadHarmful)
		}
		m := per[key+"/"+task]
		if m == nil {
			m = &sourceMetric{src: key, task: task}
			per[key+"/"+task] = m
		}
		m.counts.Add(pred, r.label == 1)
		if harmfulSources[r.src] { // also: do harmful requests fire the injection heads?
			m2 := per[key+"/injection-heads"]
			if m2 == nil {
				m2 = &sourceMetric{src: key, task: "injection-heads"}
				per[key+"/injection-heads"] = m2
			}
			m2.counts.Add(inj, r.label == 1)
		}
	}
	var out []sourceMetric
	for _, m := range per {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].src != out[j].src {
			return out[i].src < out[j].src
		}
		return out[i].task < out[j].task
	})
	return out
}

func printMetrics(w io.Writer, title string, ms []sourceMetric) {
	fmt.Fprintf(w, "\n%s\n", title)
	fmt.Fprintf(w, "| source | task | n | pos | TP | FP | TN | FN | precision | recall | F1 | FPR |\n")
	fmt.Fprintf(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var all eval.Counts
	for _, m := range ms {
		c := m.counts
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s |\n", m.src, m.task,
			c.TP+c.FP+c.TN+c.FN, c.TP+c.FN, c.TP, c.FP, c.TN, c.FN,
			f3(c.Precision(), c.TP+c.FP), f3(c.Recall(), c.TP+c.FN), f3(c.F1(), c.TP+c.FN), f3(c.FPR(), c.FP+c.TN))
		if m.task != "injection-heads" {
			all.TP += c.TP
			all.FP += c.FP
			all.TN += c.TN
			all.FN += c.FN
		}
	}
	fmt.Fprintf(w, "| **all** | | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s |\n",
		all.TP+all.FP+all.TN+all.FN, all.TP+all.FN, all.TP, all.FP, all.TN, all.FN,
		f3(all.Precision(), all.TP+all.FP), f3(all.Recall(), all.TP+all.FN), f3(all.F1(), all.TP+all.FN), f3(all.FPR(), all.FP+all.TN))
}

// f3 formats a rate, or "-" when its denominator is 0.
func f3(v float64, denom int) string {
	if denom == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

func printDev(w io.Writer, f fold, m *injection.Model, rows []row) {
	d, err := injection.NewWithModel(m, injection.Options{})
	if err != nil {
		fmt.Fprintln(w, "fold", f.name, err)
		return
	}
	ms := evalRows(d, rows, func(r *row) bool { return !f.inTrain(r.src, r.tmpl) })
	printMetrics(w, fmt.Sprintf("Fold %s: dev metrics on held-out sources (model trained on the other sources)", f.name), ms)
	printSweep(w, m, rows, func(r *row) bool { return !f.inTrain(r.src, r.tmpl) })
}

// printSweep prints recall and FPR of the injection task (injection or
// jailbreak head) over the rows kept, for a range of thresholds.
func printSweep(w io.Writer, m *injection.Model, rows []row, keep func(r *row) bool) {
	d, _ := injection.NewWithModel(m, injection.Options{})
	type sc struct {
		s   float64
		pos bool
		src string
	}
	var all []sc
	for i := range rows {
		r := &rows[i]
		if !keep(r) || harmfulSources[r.src] {
			continue
		}
		res := d.Detect(r.text)
		all = append(all, sc{max(res.Score[0], res.Score[1]), r.label == 1, r.src})
	}
	fmt.Fprintf(w, "threshold sweep (injection task, dev rows):")
	for _, t := range []float64{0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99} {
		var c eval.Counts
		for _, a := range all {
			c.Add(a.s >= t, a.pos)
		}
		fmt.Fprintf(w, " [%.2f R=%.3f FPR=%.3f]", t, c.Recall(), c.FPR())
	}
	fmt.Fprintln(w)
}
