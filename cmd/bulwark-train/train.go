package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
)

// Training hyper-parameters. Fixed, so a run is reproducible.
const (
	hashBits = 18
	epochs   = 8
	lr0      = 1.0
	avgFrom  = 4 // average the weights over the epochs from this one on
	// maxClassWeight caps the balancing weight of a rare class (the jailbreak
	// and harmful heads have a few hundred positives), so single steps stay
	// small.
	maxClassWeight = 8
	seed1          = 20261122
	seed2          = 7
	// windowBytes mirrors the detector's window size (injection.Windows).
	windowBytes = 512
)

// chunk is one training unit: sentences [s0, s1) of a row, with labels.
type chunk struct {
	row    int32
	s0, s1 int32
	y      [injection.NumHeads]int8
	// carrierOnly skips the row's payload sentences: the counterfactual
	// negative of a positive window, so carrier text does not learn to look
	// like an attack.
	carrierOnly bool
}

// chunks turns the rows selected by keep into training chunks, as the
// detector scores them: the whole text, plus overlapping windows when the
// text is longer than a window.
//   - negatives: every chunk is negative;
//   - positives with a payload mask (injected documents): windows holding
//     payload sentences are positive, and the same windows without the
//     payload sentences are negative; windows without payload are not used;
//   - other positives: the whole text is positive, windows are not used.
func chunks(rows []row, keep func(i int) bool) []chunk {
	var out []chunk
	var wins [][2]int
	for i := range rows {
		if !keep(i) {
			continue
		}
		r := &rows[i]
		n := len(r.sents)
		if n == 0 {
			continue
		}
		long := r.sents[n-1].End-r.sents[0].Start > windowBytes
		whole := chunk{row: int32(i), s0: 0, s1: int32(n), y: r.y}
		if !long {
			out = append(out, whole)
			continue
		}
		if r.label == 1 && r.payload == nil {
			out = append(out, whole)
			continue
		}
		if r.label == 0 {
			out = append(out, whole)
		}
		wins = injection.Windows(wins[:0], r.sents)
		for _, w := range wins {
			c := chunk{row: int32(i), s0: int32(w[0]), s1: int32(w[1]), y: r.y}
			if r.label == 1 {
				has := false
				for k := w[0]; k < w[1]; k++ {
					has = has || r.payload[k]
				}
				if !has {
					continue
				}
				neg := c
				neg.carrierOnly = true
				neg.y = [injection.NumHeads]int8{yNeg, yNeg, yNeg}
				out = append(out, neg)
			}
			out = append(out, c)
		}
	}
	return out
}

// train fits the three heads on the rows where inTrain(src, tmpl) holds.
func train(rows []row, inTrain func(src string, tmpl int) bool, log io.Writer) *injection.Model {
	start := time.Now()
	keep := func(i int) bool { return inTrain(rows[i].src, rows[i].tmpl) }
	if aug := append(augment(rows, keep), augmentNoSpace(rows, keep)...); len(aug) > 0 {
		n := len(rows)
		rows = append(rows[:n:n], aug...)
		keep = func(i int) bool { return i >= n || inTrain(rows[i].src, rows[i].tmpl) }
	}
	cs := chunks(rows, keep)
	// Class weights: positives and negatives carry equal total weight per head.
	var pos, neg [injection.NumHeads]float64
	for _, c := range cs {
		w := float64(rows[c.row].w)
		for h, y := range c.y {
			switch y {
			case yPos:
				pos[h] += w
			case yNeg:
				neg[h] += w
			}
		}
	}
	var cw [injection.NumHeads][2]float64 // [head][y]
	for h := range cw {
		tot := pos[h] + neg[h]
		if pos[h] > 0 {
			cw[h][1] = min(tot/(2*pos[h]), maxClassWeight)
		}
		if neg[h] > 0 {
			cw[h][0] = min(tot/(2*neg[h]), maxClassWeight)
		}
	}
	D := 1 << hashBits
	mask := uint32(D - 1)
	w := make([]float32, D*injection.NumHeads)
	u := make([]float32, D*injection.NumHeads) // for averaging
	var b, ub [injection.NumHeads]float64
	rng := rand.New(rand.NewPCG(seed1, seed2))
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	// Features of every chunk, computed once: bucket*NumHeads with the
	// feature's sign in the top bit.
	var feats []uint32
	offs := make([]int, len(cs)+1)
	for ci, c := range cs {
		r := &rows[c.row]
		for k := c.s0; k < c.s1; k++ {
			if c.carrierOnly && r.payload[k] {
				continue
			}
			s := r.sents[k]
			injection.Featurize(r.norm[s.Start:s.End], func(h uint32) {
				feats = append(feats, (h&mask)*injection.NumHeads|h&(1<<31))
			})
		}
		offs[ci+1] = len(feats)
	}
	step := 1.0
	total := float64(epochs * len(cs))
	avgStart := 0.0
	for ep := 0; ep < epochs; ep++ {
		if ep == avgFrom {
			// Averaging starts here: w_avg = w - u/c over the steps since.
			avgStart = step - 1
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, oi := range order {
			c := cs[oi]
			fs := feats[offs[oi]:offs[oi+1]]
			if len(fs) == 0 {
				continue
			}
			x := 1 / math.Sqrt(float64(len(fs)))
			astep := 0.0
			if ep >= avgFrom {
				astep = step - avgStart
			}
			lr := lr0 / (1 + 4*step/total)
			var z [injection.NumHeads]float64
			for _, f := range fs {
				i := f &^ (1 << 31)
				ws := w[i : i+injection.NumHeads : i+injection.NumHeads]
				if f&(1<<31) != 0 {
					z[0] -= float64(ws[0])
					z[1] -= float64(ws[1])
					z[2] -= float64(ws[2])
				} else {
					z[0] += float64(ws[0])
					z[1] += float64(ws[1])
					z[2] += float64(ws[2])
				}
			}
			var dx, ux [injection.NumHeads]float32
			any := false
			for h := 0; h < injection.NumHeads; h++ {
				y := c.y[h]
				if y == yIgnore {
					continue
				}
				p := 1 / (1 + math.Exp(-(b[h] + z[h]*x)))
				g := (p - float64(y)) * cw[h][y] * float64(rows[c.row].w)
				if math.Abs(g) < 1e-4 {
					continue
				}
				d := -lr * g
				b[h] += d
				ub[h] += astep * d
				dx[h] = float32(d * x)
				ux[h] = float32(astep * d * x)
				any = true
			}
			if any {
				for _, f := range fs {
					i := f &^ (1 << 31)
					sg := float32(1)
					if f&(1<<31) != 0 {
						sg = -1
					}
					for h := 0; h < injection.NumHeads; h++ {
						w[i+uint32(h)] += sg * dx[h]
						u[i+uint32(h)] += sg * ux[h]
					}
				}
			}
			step++
		}
	}
	c := step - avgStart
	for i := range w {
		w[i] -= u[i] / float32(c)
	}
	var bias [injection.NumHeads]float32
	for h := range b {
		bias[h] = float32(b[h] - ub[h]/c)
	}
	m := injection.Quantize(hashBits, bias, w, defaultThresholds)
	fmt.Fprintf(log, "trained on %d chunks in %s\n", len(cs), time.Since(start).Round(time.Millisecond))
	return m
}

// defaultThresholds are the shipped decision thresholds per head, chosen on
// the source-split dev folds (see docs/detectors/injection.md).
var defaultThresholds = [injection.NumHeads]float32{0.98, 0.98, 0.8}
