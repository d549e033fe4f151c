package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
)

// Training constants. Fixed, so a run is reproducible.
const (
	// maxClassWeight caps the balancing weight of a rare class (the jailbreak
	// and harmful heads have a few hundred positives), so single steps stay
	// small.
	maxClassWeight = 8
	seed1          = 20261122
	seed2          = 7
	// windowBytes mirrors the detector's window size (injection.Windows).
	windowBytes = 512
	// shortWindowBytes mirrors injection's short windows (FeatShortWindows).
	shortWindowBytes = 160
)

// hparams are the training hyper-parameters. The defaults are the shipped
// ones; -hp k=v,... overrides them for experiments (the fold numbers in the
// detector card are for the defaults).
type hparams struct {
	Bits    int     // hash buckets = 2^Bits
	Epochs  int     // passes over the chunks
	LR      float64 // initial learning rate
	AvgFrom int     // average the weights over the epochs from this one on
	// SrcCap caps the total weight of one source's rows of one label at
	// SrcCap rows (0 = no cap), so the big benign sources (gsm8k, tldr,
	// bfcl) do not dominate the negatives with their own style.
	SrcCap float64
	// ShortPos 1: a short window of an injected document is a positive only
	// when it holds the whole payload; 0: when it holds any of it.
	ShortPos int
	// NegW multiplies the negatives' class weight (1 = both classes carry
	// the same total weight per head).
	NegW float64
	// L2 is the weight decay per unit learning rate (0 = off).
	L2 float64
	// Drop is the probability that a feature is left out of a training step
	// (feature dropout, 0 = off).
	Drop float64
	// Feat is the feature set (injection.Feat* bits).
	Feat int
	// CDrop is the probability that a training step sees only the chunk's
	// concept features (injection.FeatConcept), scaled as if the surface
	// features were there with zero weight: what an attack in a language
	// the surface features never learned looks like. It makes the concept
	// weights carry the signal on their own (0 = off).
	CDrop float64
	// CDropMax limits concept dropout to chunks of at most this many
	// normalized bytes (0 = all): long jailbreak templates keep their
	// surface features.
	CDropMax int
	// CDropNoJB: concept-only steps do not train the jailbreak head either
	// (1), as they do not train the harmful head (persona templates are
	// long and English; their surface features carry them).
	CDropNoJB int
	// Harm adds the harmful questions inside GPTFuzz's filled templates as
	// positives of the harmful head (1) or not (0).
	Harm int
	// AugRows is the number of synthetic indirect injections.
	AugRows int
	// NoSpaceEvery: every this many short training rows get a copy with the
	// spaces removed (what the normalizer makes of spaced-out text).
	NoSpaceEvery int
	// ExtBenign adds the benign rows of extendedTemplateRows (1) or not (0):
	// NotInject-style prompts, security writing, answer formats and CLI help
	// (session 5: they lower the model's scores on benign prompts full of
	// trigger words; the attack rows of that set stay unused).
	ExtBenign int
	// Written is the weight of the attack rows of written/*.jsonl (0 = all
	// left out; see writtenRows), WrittenNeg that of their benign rows.
	Written, WrittenNeg float64
}

var hp = hparams{Bits: 18, Epochs: 8, LR: 1.0, AvgFrom: 4, Feat: injection.FeatShortWindows | injection.FeatConcept, CDrop: 0.3, ShortPos: 0, L2: 5e-7, NegW: 3, Harm: 1, AugRows: 3000, NoSpaceEvery: 2, ExtBenign: 1, Written: 3, WrittenNeg: 3}

// setHP applies "k=v,k=v" overrides to hp.
func setHP(s string) error {
	if s == "" {
		return nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("bad -hp item %q", kv)
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("bad -hp value %q: %w", kv, err)
		}
		switch strings.ToLower(k) {
		case "bits":
			hp.Bits = int(f)
		case "epochs":
			hp.Epochs = int(f)
		case "lr":
			hp.LR = f
		case "avgfrom":
			hp.AvgFrom = int(f)
		case "srccap":
			hp.SrcCap = f
		case "shortpos":
			hp.ShortPos = int(f)
		case "negw":
			hp.NegW = f
		case "l2":
			hp.L2 = f
		case "drop":
			hp.Drop = f
		case "feat":
			hp.Feat = int(f)
		case "cdrop":
			hp.CDrop = f
		case "cdropmax":
			hp.CDropMax = int(f)
		case "cdropnojb":
			hp.CDropNoJB = int(f)
		case "harm":
			hp.Harm = int(f)
		case "nospace":
			hp.NoSpaceEvery = max(1, int(f))
		case "augrows":
			hp.AugRows = int(f)
		case "extbenign":
			hp.ExtBenign = int(f)
		case "written":
			hp.Written = f
		case "writtenneg":
			hp.WrittenNeg = f
		default:
			return fmt.Errorf("unknown -hp key %q", k)
		}
	}
	return nil
}

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
		span := r.sents[n-1].End - r.sents[0].Start
		whole := chunk{row: int32(i), s0: 0, s1: int32(n), y: r.y}
		short := hp.Feat&injection.FeatShortWindows != 0 && span > shortWindowBytes
		if span <= windowBytes && !short {
			out = append(out, whole)
			continue
		}
		if r.label == 1 && r.payload == nil {
			out = append(out, whole)
			continue
		}
		if r.label == 0 || span <= windowBytes {
			out = append(out, whole)
		}
		wins = wins[:0]
		if short {
			wins = injection.ShortWindows(wins, r.sents)
		}
		nShort := len(wins)
		if span > windowBytes {
			wins = injection.Windows(wins, r.sents)
		}
		npay := 0
		for _, p := range r.payload {
			if p {
				npay++
			}
		}
		for wi, w := range wins {
			c := chunk{row: int32(i), s0: int32(w[0]), s1: int32(w[1]), y: r.y}
			if r.label == 1 {
				n := 0
				for k := w[0]; k < w[1]; k++ {
					if r.payload[k] {
						n++
					}
				}
				// A short window is a positive only when it holds the whole
				// payload (hp.ShortPos 1): a fragment ("it is critical to my
				// career") is not an attack on its own.
				if n == 0 || wi < nShort && hp.ShortPos == 1 && n < npay {
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
	// Source caps: the chunks of one source and label weigh at most
	// hp.SrcCap chunks in all.
	cwt := make([]float64, len(cs))
	for i, c := range cs {
		cwt[i] = float64(rows[c.row].w)
	}
	if hp.SrcCap > 0 {
		type key struct {
			src   string
			label int
		}
		tot := map[key]float64{}
		for i, c := range cs {
			tot[key{rows[c.row].src, rows[c.row].label}] += cwt[i]
		}
		for i, c := range cs {
			if t := tot[key{rows[c.row].src, rows[c.row].label}]; t > hp.SrcCap {
				cwt[i] *= hp.SrcCap / t
			}
		}
	}
	// Class weights: positives and negatives carry equal total weight per head.
	var pos, neg [injection.NumHeads]float64
	for ci, c := range cs {
		w := cwt[ci]
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
			cw[h][0] = min(tot/(2*neg[h]), maxClassWeight) * hp.NegW
		}
	}
	D := 1 << hp.Bits
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
	// A chunk's surface features come first, then its concept features
	// (from coffs[ci] on), so concept dropout can take the latter alone.
	var feats, buf []uint32
	offs := make([]int, len(cs)+1)
	coffs := make([]int, len(cs))
	surface := uint8(hp.Feat) &^ injection.FeatConcept
	surfaceFeatures := func(dst []uint32, s string) []uint32 { return injection.AppendFeatures(dst, s, surface) }
	// appendChunk appends the features featurize gives each sentence of c.
	appendChunk := func(c chunk, featurize func([]uint32, string) []uint32) {
		r := &rows[c.row]
		for k := c.s0; k < c.s1; k++ {
			if c.carrierOnly && r.payload[k] {
				continue
			}
			s := r.sents[k]
			buf = featurize(buf[:0], r.norm[s.Start:s.End])
			for _, h := range buf {
				feats = append(feats, (h&mask)*injection.NumHeads|h&(1<<31))
			}
		}
	}
	for ci, c := range cs {
		appendChunk(c, surfaceFeatures)
		coffs[ci] = len(feats)
		if hp.Feat&injection.FeatConcept != 0 {
			appendChunk(c, injection.AppendConceptFeatures)
		}
		offs[ci+1] = len(feats)
	}
	crng := rand.New(rand.NewPCG(seed1+3, seed2))
	step := 1.0
	total := float64(hp.Epochs * len(cs))
	avgStart := 0.0
	drng := rand.New(rand.NewPCG(seed1+2, seed2))
	// L2 (hp.L2): the per-step decay w *= 1-lr*L2 is applied in one go every
	// decayEvery steps, and the weights are then averaged over those points
	// (the u-trick averaging below assumes purely additive updates).
	const decayEvery = 512
	decay := 1.0
	var snap []float64
	var snapB [injection.NumHeads]float64
	nsnap := 0
	if hp.L2 > 0 {
		snap = make([]float64, len(w))
	}
	var dropBuf []uint32
	for ep := 0; ep < hp.Epochs; ep++ {
		if ep == hp.AvgFrom {
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
			if hp.CDrop > 0 && coffs[oi] < offs[oi+1] && (hp.CDropMax == 0 || chunkBytes(rows, c) <= hp.CDropMax) && crng.Float64() < hp.CDrop {
				fs = feats[coffs[oi]:offs[oi+1]]
				// The lexicon has no harmful-topic concepts: a concept-only
				// step would teach the harmful head noise (in-sample
				// jailbreakbench harmful recall 0.99 -> 0.89 with it).
				c.y[injection.HeadHarmful] = yIgnore
				if hp.CDropNoJB != 0 {
					c.y[injection.HeadJailbreak] = yIgnore
				}
			}
			if hp.Drop > 0 {
				dropBuf = dropBuf[:0]
				for _, f := range fs {
					if drng.Float64() >= hp.Drop {
						dropBuf = append(dropBuf, f)
					}
				}
				if len(dropBuf) > 0 {
					fs = dropBuf
				}
			}
			if hp.Drop > 0 {
				x = 1 / math.Sqrt(float64(len(fs)))
			}
			astep := 0.0
			if ep >= hp.AvgFrom {
				astep = step - avgStart
			}
			lr := hp.LR / (1 + 4*step/total)
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
				g := (p - float64(y)) * cw[h][y] * cwt[oi]
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
			if hp.L2 > 0 {
				decay *= 1 - lr*hp.L2
				if int(step)%decayEvery == 0 {
					l2Step(w, decay)
					decay = 1
					if ep >= hp.AvgFrom {
						for i, v := range w {
							snap[i] += float64(v)
						}
						snapB[0], snapB[1], snapB[2] = snapB[0]+b[0], snapB[1]+b[1], snapB[2]+b[2]
						nsnap++
					}
				}
			}
		}
	}
	var bias [injection.NumHeads]float32
	if hp.L2 > 0 && nsnap > 0 {
		// Average of the snapshots taken at every decay since AvgFrom.
		for i := range w {
			w[i] = float32(snap[i] / float64(nsnap))
		}
		for h := range b {
			bias[h] = float32(snapB[h] / float64(nsnap))
		}
	} else {
		c := step - avgStart
		for i := range w {
			w[i] -= u[i] / float32(c)
		}
		for h := range b {
			bias[h] = float32(b[h] - ub[h]/c)
		}
	}
	m := injection.Quantize(uint8(hp.Bits), bias, w, defaultThresholds)
	m.Feat = uint8(hp.Feat)
	fmt.Fprintf(log, "trained on %d chunks in %s\n", len(cs), time.Since(start).Round(time.Millisecond))
	return m
}

// defaultThresholds are the shipped decision thresholds per head, chosen on
// the source-split dev folds (see docs/detectors/injection.md). Session 5
// chose 0.995 for the injection and jailbreak heads, because that model
// scored benign prompts full of trigger words ("what is the password policy
// …", "pretend you are a pirate …") at 0.98–0.997. Session 10 (concept
// features and multilingual rows) lowered them to 0.98 for texts up to
// injection.LongText bytes (longer texts keep 0.995, the detector's
// LongTextThreshold): the lowest of 0.995, 0.99, 0.98 and 0.97 at which
// every held-out benign source stays near the 2 % bar (at 0.97
// held-out benign_chat reaches 2.7 % and security_docs 2.3 %; at 0.98 2.1 %
// and 1.8 %). The rules score 0.999 and are not affected.
var defaultThresholds = [injection.NumHeads]float32{0.98, 0.98, 0.8}

func l2Step(w []float32, f float64) {
	ff := float32(f)
	for i := range w {
		w[i] *= ff
	}
}

// chunkBytes is the length of chunk c's normalized text.
func chunkBytes(rows []row, c chunk) int {
	ss := rows[c.row].sents
	return ss[c.s1-1].End - ss[c.s0].Start
}
