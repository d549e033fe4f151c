package main

import (
	"math/rand/v2"

	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
)

// Indirect-injection augmentation: short attacks from the training rows are
// inserted between sentences of benign training documents, so the model
// learns "an instruction to the assistant inside a document" beyond the two
// indirect sources' own templates. Each synthetic row carries its payload
// mask, so chunks() makes positive windows and their carrier-only negative
// counterparts from it.
const (
	augMaxPayload = 400 // bytes of normalized payload
	augMinCarrier = 3   // sentences
)

func augment(rows []row, keep func(i int) bool) []row {
	var carriers, payloads []int
	for i := range rows {
		if !keep(i) {
			continue
		}
		r := &rows[i]
		switch {
		case r.label == 0 && len(r.sents) >= augMinCarrier:
			carriers = append(carriers, i)
		case r.label == 1 && r.y[injection.HeadInjection] == yPos && r.payload == nil &&
			len(r.norm) <= augMaxPayload && r.src != "mosscap":
			payloads = append(payloads, i)
		}
	}
	if len(carriers) == 0 || len(payloads) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed1+1, seed2))
	out := make([]row, 0, hp.AugRows)
	for n := 0; n < hp.AugRows; n++ {
		c := &rows[carriers[rng.IntN(len(carriers))]]
		p := &rows[payloads[rng.IntN(len(payloads))]]
		k := rng.IntN(len(c.sents) + 1) // insert before sentence k
		cut := len(c.norm)
		if k < len(c.sents) {
			cut = c.sents[k].Start
		}
		norm := c.norm[:cut] + "\n" + p.norm + "\n" + c.norm[cut:]
		pStart, pEnd := cut+1, cut+1+len(p.norm)
		sents := injection.Sentences(nil, norm)
		mask := make([]bool, len(sents))
		for j, s := range sents {
			mask[j] = s.Start >= pStart && s.End <= pEnd
		}
		out = append(out, row{
			src: "augmented", label: 1, w: 1, tmpl: -1,
			y:    [injection.NumHeads]int8{yPos, yIgnore, yIgnore},
			norm: norm, sents: sents, payload: mask,
		})
	}
	return out
}

// augmentNoSpace adds, for every hp.NoSpaceEvery-th short training row, a copy with the
// spaces removed: what the normalizer makes of spaced-out text
// ("i g n o r e a l l" -> "ignoreall"), whose word boundaries are lost. The
// character n-grams then learn attacks and benign text in that form too.
func augmentNoSpace(rows []row, keep func(i int) bool) []row {
	var out []row
	n := 0
	for i := range rows {
		r := &rows[i]
		if !keep(i) || len(r.norm) > augMaxPayload || r.payload != nil || !mostlyASCII(r.norm) {
			continue
		}
		n++
		if n%hp.NoSpaceEvery != 0 {
			continue
		}
		b := make([]byte, 0, len(r.norm))
		for k := 0; k < len(r.norm); k++ {
			if r.norm[k] != ' ' {
				b = append(b, r.norm[k])
			}
		}
		c := *r
		c.src, c.tmpl = "augmented", -1
		c.norm = string(b)
		c.sents = injection.Sentences(nil, c.norm)
		out = append(out, c)
	}
	return out
}

func mostlyASCII(s string) bool {
	n := 0
	for k := 0; k < len(s); k++ {
		if s[k] < 0x80 {
			n++
		}
	}
	return n*10 >= len(s)*9
}
