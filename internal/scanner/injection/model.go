package injection

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Heads of the model, one logistic regression each over the same features.
const (
	HeadInjection = iota // instruction override, goal hijack, indirect injection
	HeadJailbreak        // persona / role-play jailbreak templates
	HeadHarmful          // requests for harmful content
	NumHeads
)

// HeadNames are the finding types of the heads, in head order.
var HeadNames = [NumHeads]string{"INJECTION", "JAILBREAK", "HARMFUL"}

// Model file magics: version 1 has no feature-set byte (base features).
const (
	modelMagic1 = "BWINJ\x01"
	modelMagic  = "BWINJ\x02"
)

// Model is a trained linear model: for each head a bias, and int8 weight
// codes over 2^Bits hashed feature buckets. Weights are stored interleaved
// (bucket*NumHeads + head) so one cache line serves all heads of a feature.
// A code c in -127..127 stands for sign(c) * Scale * (c/127)^2: quadratic
// spacing keeps resolution for the many small weights and range for the few
// large ones.
type Model struct {
	Bits      uint8
	Feat      uint8 // feature set (Feat* bits) the model was trained with
	Bias      [NumHeads]float32
	Scale     [NumHeads]float32
	Threshold [NumHeads]float32 // default decision thresholds (probabilities)
	W         []int8

	levels [NumHeads][256]float32 // code (as uint8) -> weight
}

// dequant fills the code tables from Scale.
func (m *Model) dequant() {
	for h := 0; h < NumHeads; h++ {
		for c := -127; c <= 127; c++ {
			q := float64(c) / 127
			v := float64(m.Scale[h]) * q * math.Abs(q)
			m.levels[h][uint8(int8(c))] = float32(v)
		}
	}
}

// Weight returns the dequantized weight of bucket i for head h.
func (m *Model) Weight(i, h int) float32 { return m.levels[h][uint8(m.W[i*NumHeads+h])] }

// Quantize builds a Model from float weights w (interleaved as in Model.W).
func Quantize(bits uint8, bias [NumHeads]float32, w []float32, thr [NumHeads]float32) *Model {
	m := &Model{Bits: bits, Bias: bias, Threshold: thr, W: make([]int8, len(w))}
	for h := 0; h < NumHeads; h++ {
		var mx float64
		for i := h; i < len(w); i += NumHeads {
			mx = math.Max(mx, math.Abs(float64(w[i])))
		}
		if mx == 0 {
			mx = 1
		}
		m.Scale[h] = float32(mx)
		for i := h; i < len(w); i += NumHeads {
			v := float64(w[i]) / mx
			c := math.Round(127 * math.Sqrt(math.Abs(v)))
			if v < 0 {
				c = -c
			}
			m.W[i] = int8(c)
		}
	}
	m.dequant()
	return m
}

// MarshalBinary encodes the model: magic, bits, feature set, then per-head bias, scale
// and threshold as little-endian float32, then the weights.
func (m *Model) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(modelMagic)
	b.WriteByte(m.Bits)
	b.WriteByte(m.Feat)
	for h := 0; h < NumHeads; h++ {
		for _, v := range []float32{m.Bias[h], m.Scale[h], m.Threshold[h]} {
			_ = binary.Write(&b, binary.LittleEndian, v)
		}
	}
	for _, v := range m.W {
		b.WriteByte(byte(v))
	}
	return b.Bytes(), nil
}

// ErrBadModel reports a model file that is not one this code can read.
var ErrBadModel = errors.New("injection: bad model file")

// UnmarshalBinary decodes a model written by MarshalBinary.
func (m *Model) UnmarshalBinary(data []byte) error {
	r := bytes.NewReader(data)
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(r, magic); err != nil || (string(magic) != modelMagic && string(magic) != modelMagic1) {
		return ErrBadModel
	}
	bits, err := r.ReadByte()
	if err != nil || bits < 10 || bits > 24 {
		return ErrBadModel
	}
	m.Bits = bits
	m.Feat = 0
	if string(magic) == modelMagic {
		if m.Feat, err = r.ReadByte(); err != nil || m.Feat&^(FeatShape|FeatShortWindows|FeatConcept) != 0 {
			return ErrBadModel
		}
	}
	for h := 0; h < NumHeads; h++ {
		for _, p := range []*float32{&m.Bias[h], &m.Scale[h], &m.Threshold[h]} {
			if err := binary.Read(r, binary.LittleEndian, p); err != nil {
				return fmt.Errorf("%w: %w", ErrBadModel, err)
			}
		}
	}
	want := (1 << bits) * NumHeads
	if r.Len() != want {
		return fmt.Errorf("%w: %d weight bytes, want %d", ErrBadModel, r.Len(), want)
	}
	m.W = make([]int8, want)
	rest := data[len(data)-want:]
	for i, v := range rest {
		m.W[i] = int8(v)
	}
	m.dequant()
	return nil
}

// signBit of a feature hash says whether the feature adds or subtracts its
// bucket's weight (signed feature hashing: collisions cancel on average
// instead of piling up).
const signBit = 1 << 31

// acc accumulates raw per-head weight sums of one chunk.
type acc struct {
	sum [NumHeads]float32
	n   int
}

// sentence scores one sentence into a; buf is scratch space for its
// feature hashes, returned for reuse.
func (m *Model) sentence(s string, a *acc, buf []uint32) []uint32 {
	buf = AppendFeatures(buf[:0], s, m.Feat)
	mask := uint32(1)<<m.Bits - 1
	w := m.W
	l0, l1, l2 := &m.levels[0], &m.levels[1], &m.levels[2]
	var s0, s1, s2 float32
	for _, h := range buf {
		i := int(h&mask) * NumHeads
		ws := w[i : i+NumHeads : i+NumHeads]
		// The sign bit of h flips the weights' sign bits: no branch
		// (it is a coin toss per feature, so a branch mispredicts half
		// the time), and a + (-b) is exactly a - b.
		sg := h & signBit
		s0 += math.Float32frombits(math.Float32bits(l0[uint8(ws[0])]) ^ sg)
		s1 += math.Float32frombits(math.Float32bits(l1[uint8(ws[1])]) ^ sg)
		s2 += math.Float32frombits(math.Float32bits(l2[uint8(ws[2])]) ^ sg)
	}
	a.sum[0] += s0
	a.sum[1] += s1
	a.sum[2] += s2
	a.n += len(buf)
	return buf
}

// prob turns raw sums over n features into per-head probabilities.
func (m *Model) prob(sum [NumHeads]float32, n int) [NumHeads]float64 {
	var p [NumHeads]float64
	x := norm1(n)
	for h := 0; h < NumHeads; h++ {
		z := float64(m.Bias[h]) + float64(sum[h])*x
		p[h] = 1 / (1 + math.Exp(-z))
	}
	return p
}
