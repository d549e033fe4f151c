// Package safetensors validates safetensors files: the header length, a
// strict JSON header (no duplicate keys, only the documented fields), and
// that the tensors tile the data section exactly (dtype × shape = byte size,
// offsets in bounds, no overlap, no gap). Safetensors cannot run code; a
// file that breaks these rules is malformed or tampered with, and loaders
// disagree on how to read it, which is how parser-differential attacks hide
// data. Every violation is reported at high severity.
package safetensors

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Limits on what a header may hold.
const (
	// MaxHeaderBytes is the largest header accepted (the reference
	// implementation's limit is 100 MB).
	MaxHeaderBytes = 100_000_000
	// MaxMetadataEntries bounds the __metadata__ map.
	MaxMetadataEntries = 10_000
	// MaxMetadataValue is the largest single metadata value that is not
	// reported as suspicious.
	MaxMetadataValue = 1 << 20
	// MaxRank bounds a tensor's number of dimensions.
	MaxRank = 64
)

// bitsPerElem is the size of each dtype the format defines, in bits.
var bitsPerElem = map[string]uint64{
	"BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8,
	"I16": 16, "U16": 16, "F16": 16, "BF16": 16,
	"I32": 32, "U32": 32, "F32": 32,
	"I64": 64, "U64": 64, "F64": 64, "C64": 64,
	"F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}

// Format is the safetensors scanner.
type Format struct{}

var _ modelscan.Format = Format{}

// Name implements modelscan.Format.
func (Format) Name() string { return "safetensors" }

// Match implements modelscan.Format: the .safetensors extension, or a head
// that looks like a safetensors header (a small length then `{"`).
func (Format) Match(name string, head []byte) bool {
	if strings.HasSuffix(strings.ToLower(name), ".safetensors") {
		return true
	}
	if len(head) < 10 {
		return false
	}
	n := binary.LittleEndian.Uint64(head)
	return n >= 2 && n <= MaxHeaderBytes && head[8] == '{' && (head[9] == '"' || head[9] == '}' || head[9] == ' ')
}

// Tensor is one entry of the header.
type Tensor struct {
	Name  string
	DType string
	Shape []uint64
	Begin uint64 // data_offsets[0], relative to the data section
	End   uint64 // data_offsets[1]
}

// Header is a parsed safetensors header.
type Header struct {
	Tensors  []Tensor
	Metadata map[string]string
}

// Problem is one rule violation found while validating a file.
type Problem struct {
	RuleID   string
	Severity modelscan.Severity
	Message  string
	Evidence string
}

// Scan implements modelscan.Format.
func (Format) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	_, probs, err := Validate(ctx, obj.R, obj.Size)
	if err != nil {
		return err
	}
	for _, p := range probs {
		s.Report(modelscan.Finding{Severity: p.Severity, RuleID: p.RuleID, Message: p.Message, Evidence: p.Evidence})
	}
	return nil
}

// Validate reads the header of the safetensors file r (size bytes) and checks
// it. Problems lists every violation; the error is only for I/O failures.
// The header is returned when it could be parsed.
func Validate(ctx context.Context, r io.ReaderAt, size int64) (*Header, []Problem, error) {
	var probs []Problem
	bad := func(rule, msg, ev string) {
		probs = append(probs, Problem{RuleID: rule, Severity: modelscan.SeverityHigh, Message: msg, Evidence: ev})
	}
	if size < 8 {
		bad("safetensors.header.length", "file is shorter than the 8-byte header length", fmt.Sprintf("size=%d", size))
		return nil, probs, nil
	}
	var lenBuf [8]byte
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, nil, fmt.Errorf("safetensors: read header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > MaxHeaderBytes || n > uint64(size-8) {
		bad("safetensors.header.length", "header length exceeds the 100 MB limit or the file size", fmt.Sprintf("header_len=%d file_size=%d", n, size))
		return nil, probs, nil
	}
	if n < 2 {
		bad("safetensors.header.length", "header is too short to hold a JSON object", fmt.Sprintf("header_len=%d", n))
		return nil, probs, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, 8); err != nil {
		return nil, nil, fmt.Errorf("safetensors: read header: %w", err)
	}
	h, err := ParseHeader(buf)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			bad(pe.Rule, pe.Msg, pe.Evidence)
			return nil, probs, nil
		}
		return nil, nil, err
	}
	probs = append(probs, Check(h, uint64(size)-8-n)...)
	return h, probs, nil
}

// Check validates a parsed header against a data section of dataLen bytes.
func Check(h *Header, dataLen uint64) []Problem {
	var probs []Problem
	bad := func(rule, msg, ev string) {
		probs = append(probs, Problem{RuleID: rule, Severity: modelscan.SeverityHigh, Message: msg, Evidence: ev})
	}
	for _, t := range h.Tensors {
		bpe, ok := bitsPerElem[t.DType]
		if !ok {
			bad("safetensors.header.dtype", "unknown dtype", t.Name+": "+t.DType)
			continue
		}
		if t.Begin > t.End || t.End > dataLen {
			bad("safetensors.tensor.offsets", "tensor offsets are reversed or outside the data section",
				fmt.Sprintf("%s: [%d, %d) data_len=%d", t.Name, t.Begin, t.End, dataLen))
			continue
		}
		nbits, ok := elemBits(t.Shape, bpe)
		if !ok || nbits%8 != 0 || nbits/8 != t.End-t.Begin {
			bad("safetensors.tensor.size", "dtype × shape does not match the tensor's byte size",
				fmt.Sprintf("%s: %s%v needs %s, offsets give %d", t.Name, t.DType, t.Shape, bytesDesc(nbits, ok), t.End-t.Begin))
		}
	}
	// Tiling: sorted by offsets, each tensor starts where the previous ended,
	// the first at 0 and the last ends at the end of the file.
	ts := make([]Tensor, 0, len(h.Tensors))
	for _, t := range h.Tensors {
		if t.Begin <= t.End && t.End <= dataLen {
			ts = append(ts, t)
		}
	}
	sort.Slice(ts, func(i, k int) bool {
		if ts[i].Begin != ts[k].Begin {
			return ts[i].Begin < ts[k].Begin
		}
		return ts[i].End < ts[k].End
	})
	var pos uint64
	prev := "start of data"
	for _, t := range ts {
		switch {
		case t.Begin < pos:
			bad("safetensors.tensor.overlap", "tensor overlaps the previous tensor", fmt.Sprintf("%s overlaps %s at %d", t.Name, prev, t.Begin))
		case t.Begin > pos:
			bad("safetensors.tensor.gap", "unreferenced bytes between tensors", fmt.Sprintf("%d bytes before %s", t.Begin-pos, t.Name))
		}
		if t.End > pos {
			pos = t.End
			prev = t.Name
		}
	}
	if pos < dataLen {
		bad("safetensors.data.trailing", "data section has bytes no tensor refers to", fmt.Sprintf("%d trailing bytes", dataLen-pos))
	}
	if len(h.Metadata) > MaxMetadataEntries {
		bad("safetensors.metadata.entries", "__metadata__ has too many entries", fmt.Sprintf("%d entries", len(h.Metadata)))
	}
	keys := make([]string, 0, len(h.Metadata))
	for k := range h.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(h.Metadata[k]) > MaxMetadataValue {
			probs = append(probs, Problem{RuleID: "safetensors.metadata.large_value", Severity: modelscan.SeverityMedium,
				Message: "__metadata__ value is unusually large (data hidden in the header?)", Evidence: fmt.Sprintf("%s: %d bytes", k, len(h.Metadata[k]))})
		}
	}
	return probs
}

// elemBits returns the tensor's size in bits, false on overflow.
func elemBits(shape []uint64, bpe uint64) (uint64, bool) {
	total := bpe
	for _, d := range shape {
		hi, lo := bits.Mul64(total, d)
		if hi != 0 {
			return 0, false
		}
		total = lo
	}
	return total, true
}

func bytesDesc(nbits uint64, ok bool) string {
	if !ok {
		return "an overflowing size"
	}
	if nbits%8 != 0 {
		return fmt.Sprintf("%d bits (not whole bytes)", nbits)
	}
	return fmt.Sprintf("%d bytes", nbits/8)
}
