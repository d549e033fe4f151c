package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/eval"
	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
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

// miss is one held-out error, written by -misses for error analysis.
type miss struct {
	Src     string     `json:"src"`
	Cat     string     `json:"cat,omitempty"`
	Task    string     `json:"task"`
	Label   int        `json:"label"`
	Score   [3]float64 `json:"score"`
	Evas    [3]float64 `json:"evasive"`
	Rules   []string   `json:"rules,omitempty"`   // rule ids that fire (rules.go): "rule FP" when set on a negative
	Chunk   string     `json:"chunk"`             // the highest-scoring chunk of the flagged head (FPs), or the start of the text
	Payload string     `json:"payload,omitempty"` // the payload sentences of an injected document (normalized)
	Len     int        `json:"len"`
}

// evalRows scores the rows kept; when misses is not nil it also receives
// every error (false negative or false positive).
func evalRows(d *injection.Detector, rows []row, keep func(r *row) bool, misses func(m miss), sc *[]scored) []sourceMetric {
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
		if sc != nil {
			if harmfulSources[r.src] {
				*sc = append(*sc, scored{res.Score[injection.HeadHarmful], r.label == 1, true, false})
			} else {
				*sc = append(*sc, scored{max(res.Score[injection.HeadInjection], res.Score[injection.HeadJailbreak]), r.label == 1, false, r.src == templateSource})
			}
		}
		if misses != nil && pred != (r.label == 1) {
			misses(makeMiss(d, r, task, res))
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

func makeMiss(d *injection.Detector, r *row, task string, res injection.Result) miss {
	m := miss{Src: r.src, Cat: r.cat, Task: task, Label: r.label, Score: res.Score, Evas: res.EvasiveScore, Len: len(r.text)}
	t := normalize.Normalize(r.text)
	m.Rules = injection.RuleIDs(t.Norm)
	for _, v := range normalize.Variants(r.text) {
		m.Rules = append(m.Rules, injection.RuleIDs(v.Text.Norm)...)
	}
	h := injection.HeadInjection
	switch {
	case task == "harmful":
		h = injection.HeadHarmful
	case res.Score[injection.HeadJailbreak] > res.Score[injection.HeadInjection]:
		h = injection.HeadJailbreak
	}
	a, b := res.Start[h], res.End[h]
	if r.label == 1 || b <= a || b > len(r.text) {
		a, b = 0, len(r.text)
	}
	m.Chunk = trunc(r.text[a:b], 800)
	var p []string
	for k, on := range r.payload {
		if on {
			p = append(p, r.norm[r.sents[k].Start:r.sents[k].End])
		}
	}
	m.Payload = trunc(strings.Join(p, " / "), 800)
	return m
}

// missDir, when set (eval-all -misses DIR), receives the held-out errors of
// each fold as DIR/fold-X/<source>.jsonl (debugging; the files hold data rows,
// keep them out of the repository).
var missDir string

// missWriter returns a sink that writes errors to dir/<source>.jsonl and a
// function that closes the files and prints, per source, how many false
// positives a rule fired on.
func missWriter(dir string, w io.Writer) (func(miss), func()) {
	if dir == "" {
		return nil, func() {}
	}
	_ = os.MkdirAll(dir, 0o755)
	files := map[string]*os.File{}
	ruleFP, modelFP := map[string]int{}, map[string]int{}
	sink := func(m miss) {
		f := files[m.Src]
		if f == nil {
			var err error
			if f, err = os.Create(filepath.Join(dir, m.Src+".jsonl")); err != nil {
				return
			}
			files[m.Src] = f
		}
		b, _ := json.Marshal(m)
		f.Write(append(b, '\n'))
		if m.Label == 0 && m.Task != "harmful" {
			if len(m.Rules) > 0 {
				ruleFP[m.Src]++
			} else {
				modelFP[m.Src]++
			}
		}
	}
	done := func() {
		var srcs []string
		for s, f := range files {
			f.Close()
			srcs = append(srcs, s)
		}
		sort.Strings(srcs)
		fmt.Fprintf(w, "errors written to %s; false positives with a rule match / model only:", dir)
		for _, s := range srcs {
			if ruleFP[s]+modelFP[s] > 0 {
				fmt.Fprintf(w, " %s %d/%d", s, ruleFP[s], modelFP[s])
			}
		}
		fmt.Fprintln(w)
	}
	return sink, done
}

func printDev(w io.Writer, f fold, m *injection.Model, rows []row) {
	d, err := injection.NewWithModel(m, injection.Options{})
	if err != nil {
		fmt.Fprintln(w, "fold", f.name, err)
		return
	}
	dir := ""
	if missDir != "" {
		dir = filepath.Join(missDir, "fold-"+f.name)
	}
	defer printIndependent(w, "fold "+f.name, d)
	sink, done := missWriter(dir, w)
	var sc []scored
	ms := evalRows(d, rows, func(r *row) bool { return !f.inTrain(r.src, r.tmpl) }, sink, &sc)
	defer done()
	printMetrics(w, fmt.Sprintf("Fold %s: dev metrics on held-out sources (model trained on the other sources)", f.name), ms)
	printSweep(w, "dev rows, rules on, plain path", sc)
	pooled = append(pooled, sc...)
}

// scored is one dev row's best score on the injection task (injection or
// jailbreak head, plain path) or, for harmful sources, on the harmful head.
type scored struct {
	s       float64
	pos     bool
	harmful bool
	tmpl    bool // one of our own template rows
}

// pooled collects the dev scores of every fold printed, for the pooled
// sweep that the shipped thresholds are chosen on.
var pooled []scored

// sweepThresholds are the points of the threshold sweeps.
var sweepThresholds = []float64{0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995}

// printPooledSweeps prints the threshold sweep over both folds' dev rows,
// with and without our template rows.
func printPooledSweeps(w io.Writer, pooled []scored) {
	printSweep(w, "both folds' dev rows pooled: the shipped thresholds are chosen here", pooled)
	var data []scored
	for _, p := range pooled {
		if !p.tmpl {
			data = append(data, p)
		}
	}
	printSweep(w, "both folds' dev rows pooled, without our template rows", data)
}

// printSweep prints recall and FPR over the scores, for a range of
// thresholds: of the injection task, and of the harmful head on harmful
// sources.
func printSweep(w io.Writer, title string, all []scored) {
	for _, harmful := range []bool{false, true} {
		if harmful {
			fmt.Fprintf(w, "threshold sweep (harmful head, %s):", title)
		} else {
			fmt.Fprintf(w, "threshold sweep (injection task, %s):", title)
		}
		for _, t := range sweepThresholds {
			var c eval.Counts
			for _, a := range all {
				if a.harmful == harmful {
					c.Add(a.s >= t, a.pos)
				}
			}
			fmt.Fprintf(w, " [%.3f R=%.3f FPR=%.3f]", t, c.Recall(), c.FPR())
		}
		fmt.Fprintln(w)
		if !harmful {
			// Recall at a fixed FPR: the threshold that lets through that
			// share of the negatives (ties counted as flagged).
			var neg, pos []float64
			for _, a := range all {
				switch {
				case a.harmful:
				case a.pos:
					pos = append(pos, a.s)
				default:
					neg = append(neg, a.s)
				}
			}
			sort.Sort(sort.Reverse(sort.Float64Slice(neg)))
			fmt.Fprintf(w, "recall at fixed FPR (%s):", title)
			for _, f := range []float64{0.005, 0.01, 0.02, 0.03, 0.05} {
				if len(neg) == 0 || len(pos) == 0 {
					break
				}
				t := neg[min(int(f*float64(len(neg))), len(neg)-1)]
				n := 0
				for _, p := range pos {
					if p > t {
						n++
					}
				}
				fmt.Fprintf(w, " [FPR %.3f: R=%.3f at %.5f]", f, float64(n)/float64(len(pos)), t)
			}
			fmt.Fprintln(w)
		}
	}
}
