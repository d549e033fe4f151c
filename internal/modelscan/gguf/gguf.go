// Package gguf parses GGUF files (llama.cpp's model format, versions 1–3):
// the header, every metadata key/value (all value types, nested arrays) and
// the tensor infos, with bounds on every count and length so that a hostile
// count cannot allocate gigabytes. GGUF carries no code, but its chat
// template is a Jinja program that runs on every request in servers that
// render it; templates are checked for sandbox escapes (see template.go).
package gguf

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Limits on what a file may declare.
const (
	MaxStringLen   = 64 << 20 // one string (chat templates are KBs; token strings bytes)
	MaxArrayDepth  = 8        // nested arrays
	MaxTensorDims  = 4        // GGML_MAX_DIMS
	maxKeptString  = 4 << 20  // strings kept in Info (others are skipped)
	defaultAlign   = 32
	maxTensorCount = 1 << 24
	maxTensorName  = 64 // GGML_MAX_NAME: llama.cpp refuses longer names
)

// Value types of metadata values.
const (
	typeUint8 uint32 = iota
	typeInt8
	typeUint16
	typeInt16
	typeUint32
	typeInt32
	typeFloat32
	typeBool
	typeString
	typeArray
	typeUint64
	typeInt64
	typeFloat64
)

var fixedSize = map[uint32]int64{
	typeUint8: 1, typeInt8: 1, typeBool: 1, typeUint16: 2, typeInt16: 2,
	typeUint32: 4, typeInt32: 4, typeFloat32: 4, typeUint64: 8, typeInt64: 8, typeFloat64: 8,
}

// Tensor is one tensor info.
type Tensor struct {
	Name   string
	Dims   []uint64
	Type   uint32
	Offset uint64
}

// Info is what Parse extracts from a file: the string and integer metadata
// (string values up to 4 MiB; arrays only counted) and the tensor infos.
type Info struct {
	Version    uint32
	Strings    map[string]string // e.g. general.architecture, tokenizer.chat_template
	Uints      map[string]uint64 // unsigned and non-negative integer values
	ArrayLens  map[string]uint64
	Tensors    []Tensor
	DataOffset int64 // where tensor data starts (aligned)
	// DuplicateKeys are metadata keys that occur more than once (llama.cpp
	// refuses such files; other readers keep the first or the last).
	DuplicateKeys []string
	// Dropped are keys whose string value was longer than the 4 MiB kept
	// (their Strings entry is empty, so a chat template among them was not
	// checked).
	Dropped []string
	seen    map[string]bool
}

// ChatTemplates returns the chat templates (tokenizer.chat_template and
// tokenizer.chat_template.NAME) keyed by metadata key.
func (in *Info) ChatTemplates() map[string]string {
	out := map[string]string{}
	for k, v := range in.Strings {
		if IsChatTemplateKey(k) {
			out[k] = v
		}
	}
	return out
}

// IsChatTemplateKey reports whether a metadata key holds a chat template.
func IsChatTemplateKey(k string) bool {
	return k == "tokenizer.chat_template" || strings.HasPrefix(k, "tokenizer.chat_template.")
}

// ErrFormat is wrapped by Parse errors caused by malformed input (as opposed
// to I/O errors).
var ErrFormat = errors.New("malformed GGUF")

// Format is the GGUF scanner.
type Format struct{}

var _ modelscan.Format = Format{}

// Name implements modelscan.Format.
func (Format) Name() string { return "gguf" }

// Match implements modelscan.Format: the magic "GGUF" or the .gguf extension.
func (Format) Match(name string, head []byte) bool {
	return strings.HasPrefix(string(head), "GGUF") || strings.HasSuffix(strings.ToLower(name), ".gguf")
}

// Scan implements modelscan.Format.
func (Format) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	in, err := Parse(ctx, obj.R, obj.Size)
	if err != nil {
		if errors.Is(err, ErrFormat) {
			var pe *parseError
			off := int64(0)
			if errors.As(err, &pe) {
				off = pe.off
			}
			s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "gguf.malformed",
				Message: "GGUF structure is malformed or truncated", Evidence: err.Error(), Offset: off})
			return nil
		}
		return err
	}
	for _, p := range checkTensors(in, obj.Size) {
		s.Report(p)
	}
	for _, k := range in.Dropped {
		if IsChatTemplateKey(k) {
			s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "gguf.template.unchecked",
				Message: "chat template is larger than the scanner reads (not checked; benign templates are kilobytes)", Evidence: k})
		}
	}
	keys := sortedKeys(in.ChatTemplates())
	for _, k := range keys {
		for _, f := range CheckTemplate(in.Strings[k]) {
			f.Evidence = k + ": " + f.Evidence
			s.Report(f)
		}
	}
	return nil
}

type parseError struct {
	off int64
	msg string
}

func (e *parseError) Error() string { return fmt.Sprintf("%s at offset %d", e.msg, e.off) }
func (e *parseError) Unwrap() error { return ErrFormat }

type reader struct {
	br   *bufio.Reader
	off  int64
	size int64
	le   binary.ByteOrder
	v1   bool // version 1: 32-bit counts and lengths
	ctx  context.Context
	ops  int
	tmp  [8]byte // scratch for fixed-size reads (avoids an allocation per value)
}

func (r *reader) fail(format string, args ...any) error {
	return &parseError{off: r.off, msg: fmt.Sprintf(format, args...)}
}

func (r *reader) remaining() int64 { return r.size - r.off }

func (r *reader) read(b []byte) error {
	n, err := io.ReadFull(r.br, b)
	r.off += int64(n)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return r.fail("unexpected end of file")
	}
	return err
}

func (r *reader) skip(n int64) error {
	if n > r.remaining() {
		return r.fail("value of %d bytes runs past the end of the file", n)
	}
	d, err := r.br.Discard(int(n))
	r.off += int64(d)
	if err != nil {
		return r.fail("unexpected end of file")
	}
	return nil
}

func (r *reader) u32() (uint32, error) {
	if err := r.read(r.tmp[:4]); err != nil {
		return 0, err
	}
	return r.le.Uint32(r.tmp[:4]), nil
}

func (r *reader) u64() (uint64, error) {
	if err := r.read(r.tmp[:8]); err != nil {
		return 0, err
	}
	return r.le.Uint64(r.tmp[:8]), nil
}

// count reads a count or length (32-bit in version 1).
func (r *reader) count() (uint64, error) {
	if r.v1 {
		v, err := r.u32()
		return uint64(v), err
	}
	return r.u64()
}

// str reads a string; when keep is false the bytes are skipped.
func (r *reader) str(keep bool) (string, error) {
	s, _, err := r.strDropped(keep)
	return s, err
}

// strDropped is str that also says whether a string to keep was skipped
// for being longer than maxKeptString.
func (r *reader) strDropped(keep bool) (s string, dropped bool, err error) {
	n, err := r.count()
	if err != nil {
		return "", false, err
	}
	if n > MaxStringLen || int64(n) > r.remaining() {
		return "", false, r.fail("string length %d exceeds the limit or the file", n)
	}
	if !keep || n > maxKeptString {
		return "", keep, r.skip(int64(n))
	}
	b := make([]byte, n)
	if err := r.read(b); err != nil {
		return "", false, err
	}
	return string(b), false, nil
}

// Parse reads the header, metadata and tensor infos of the GGUF file r.
// Errors wrapping ErrFormat mean the file is malformed.
func Parse(ctx context.Context, ra io.ReaderAt, size int64) (*Info, error) {
	r := &reader{br: bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), 64<<10), size: size, le: binary.LittleEndian, ctx: ctx}
	var magic [4]byte
	if err := r.read(magic[:]); err != nil {
		return nil, err
	}
	if string(magic[:]) != "GGUF" {
		return nil, r.fail("bad magic %q", magic[:])
	}
	var vb [4]byte
	if err := r.read(vb[:]); err != nil {
		return nil, err
	}
	version := binary.LittleEndian.Uint32(vb[:])
	if version > 0xffff && binary.BigEndian.Uint32(vb[:]) <= 3 {
		// Big-endian GGUF (s390x builds) stores everything big-endian.
		r.le = binary.BigEndian
		version = binary.BigEndian.Uint32(vb[:])
	}
	if version < 1 || version > 3 {
		return nil, r.fail("unsupported version %d", version)
	}
	r.v1 = version == 1
	in := &Info{Version: version, Strings: map[string]string{}, Uints: map[string]uint64{}, ArrayLens: map[string]uint64{}, seen: map[string]bool{}}
	nTensors, err := r.count()
	if err != nil {
		return nil, err
	}
	nKV, err := r.count()
	if err != nil {
		return nil, err
	}
	// A key/value takes at least 4+4+1 bytes, a tensor info 4+4+4+8.
	if nKV > uint64(r.remaining()/9) {
		return nil, r.fail("metadata count %d cannot fit in the file", nKV)
	}
	if nTensors > maxTensorCount || nTensors > uint64(r.remaining()/20) {
		return nil, r.fail("tensor count %d cannot fit in the file", nTensors)
	}
	for i := uint64(0); i < nKV; i++ {
		if err := r.kv(in); err != nil {
			return nil, err
		}
	}
	for i := uint64(0); i < nTensors; i++ {
		t, err := r.tensor()
		if err != nil {
			return nil, err
		}
		in.Tensors = append(in.Tensors, t)
	}
	align := uint64(defaultAlign)
	if a, ok := in.Uints["general.alignment"]; ok {
		if a == 0 || a&(a-1) != 0 || a > 1<<20 {
			return nil, r.fail("general.alignment %d is not a power of two", a)
		}
		align = a
	}
	data := (uint64(r.off) + align - 1) / align * align
	in.DataOffset = int64(data)
	return in, nil
}

func (r *reader) kv(in *Info) error {
	if r.ops++; r.ops%1024 == 0 {
		if err := r.ctx.Err(); err != nil {
			return err
		}
	}
	key, err := r.str(true)
	if err != nil {
		return err
	}
	if len(key) == 0 || len(key) > 65535 {
		return r.fail("metadata key of length %d", len(key))
	}
	if in.seen[key] {
		if len(in.DuplicateKeys) < 100 {
			in.DuplicateKeys = append(in.DuplicateKeys, key)
		}
	} else {
		in.seen[key] = true
	}
	typ, err := r.u32()
	if err != nil {
		return err
	}
	return r.value(in, key, typ, 0)
}

func (r *reader) value(in *Info, key string, typ uint32, depth int) error {
	switch typ {
	case typeString:
		s, dropped, err := r.strDropped(depth == 0)
		if err != nil {
			return err
		}
		if dropped && (len(in.Dropped) < 100 || IsChatTemplateKey(key)) {
			in.Dropped = append(in.Dropped, key)
		}
		if depth == 0 {
			in.Strings[key] = s
		}
		return nil
	case typeArray:
		if depth >= MaxArrayDepth {
			return r.fail("arrays nested deeper than %d", MaxArrayDepth)
		}
		et, err := r.u32()
		if err != nil {
			return err
		}
		n, err := r.count()
		if err != nil {
			return err
		}
		if depth == 0 {
			in.ArrayLens[key] = n
		}
		if sz, ok := fixedSize[et]; ok {
			if n > uint64(r.remaining()/sz) {
				return r.fail("array of %d elements runs past the end of the file", n)
			}
			return r.skip(int64(n) * sz)
		}
		if et != typeString && et != typeArray {
			return r.fail("unknown array element type %d", et)
		}
		// Each string or array element takes at least 8 (4 in v1) bytes.
		if n > uint64(r.remaining()/4) {
			return r.fail("array of %d elements runs past the end of the file", n)
		}
		for i := uint64(0); i < n; i++ {
			if r.ops++; r.ops%4096 == 0 {
				if err := r.ctx.Err(); err != nil {
					return err
				}
			}
			if err := r.value(in, key, et, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	sz, ok := fixedSize[typ]
	if !ok {
		return r.fail("unknown value type %d for key %q", typ, trunc(key))
	}
	b := r.tmp[:]
	if err := r.read(b[:sz]); err != nil {
		return err
	}
	if depth > 0 {
		return nil
	}
	var v uint64
	switch sz {
	case 1:
		v = uint64(b[0])
		if typ == typeInt8 && int8(b[0]) < 0 {
			return nil
		}
	case 2:
		v = uint64(r.le.Uint16(b[:2]))
		if typ == typeInt16 && int16(v) < 0 {
			return nil
		}
	case 4:
		u := r.le.Uint32(b[:4])
		if typ == typeFloat32 || (typ == typeInt32 && int32(u) < 0) {
			return nil
		}
		v = uint64(u)
	case 8:
		v = r.le.Uint64(b[:8])
		if typ == typeFloat64 || (typ == typeInt64 && int64(v) < 0) {
			return nil
		}
	}
	in.Uints[key] = v
	return nil
}

func (r *reader) tensor() (Tensor, error) {
	name, err := r.str(true)
	if err != nil {
		return Tensor{}, err
	}
	if len(name) >= maxTensorName {
		return Tensor{}, r.fail("tensor name of %d bytes (llama.cpp refuses names of %d or more)", len(name), maxTensorName)
	}
	nd, err := r.u32()
	if err != nil {
		return Tensor{}, err
	}
	if nd > MaxTensorDims {
		return Tensor{}, r.fail("tensor %q has %d dimensions (max %d)", trunc(name), nd, MaxTensorDims)
	}
	t := Tensor{Name: name, Dims: make([]uint64, nd)}
	for i := range t.Dims {
		if t.Dims[i], err = r.count(); err != nil {
			return Tensor{}, err
		}
	}
	if t.Type, err = r.u32(); err != nil {
		return Tensor{}, err
	}
	if t.Offset, err = r.u64(); err != nil {
		return Tensor{}, err
	}
	return t, nil
}

func trunc(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// ggmlType is a tensor type's block: blockSize elements take typeSize bytes.
type ggmlType struct{ blockSize, typeSize uint64 }

// ggmlTypes lists the tensor types llama.cpp reads (removed ids are absent).
var ggmlTypes = map[uint32]ggmlType{
	0: {1, 4}, 1: {1, 2}, 2: {32, 18}, 3: {32, 20}, 6: {32, 22}, 7: {32, 24}, 8: {32, 34}, 9: {32, 36},
	10: {256, 84}, 11: {256, 110}, 12: {256, 144}, 13: {256, 176}, 14: {256, 210}, 15: {256, 292},
	16: {256, 66}, 17: {256, 74}, 18: {256, 98}, 19: {256, 50}, 20: {32, 18}, 21: {256, 110}, 22: {256, 82},
	23: {256, 136}, 24: {1, 1}, 25: {1, 2}, 26: {1, 4}, 27: {1, 8}, 28: {1, 8}, 29: {256, 56}, 30: {1, 2},
	34: {256, 54}, 35: {256, 66}, 39: {32, 17},
}

// checkTensors reports tensors whose data lies outside the file, whose
// offsets are misaligned, or whose type is unknown.
func checkTensors(in *Info, size int64) []modelscan.Finding {
	var out []modelscan.Finding
	if in.DataOffset > size && len(in.Tensors) > 0 {
		return []modelscan.Finding{{Severity: modelscan.SeverityHigh, RuleID: "gguf.tensor.bounds",
			Message: "tensor data section starts past the end of the file", Evidence: fmt.Sprintf("data_offset=%d size=%d", in.DataOffset, size)}}
	}
	dataLen := uint64(size - in.DataOffset)
	align := uint64(defaultAlign)
	if a, ok := in.Uints["general.alignment"]; ok {
		align = a
	}
	for _, k := range in.DuplicateKeys {
		out = append(out, modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "gguf.metadata.duplicate",
			Message: "metadata key occurs twice (readers disagree on which value is used)", Evidence: trunc(k)})
	}
	type span struct {
		name       string
		begin, end uint64
	}
	var spans []span
	names := map[string]bool{}
	for _, t := range in.Tensors {
		if names[t.Name] {
			out = append(out, modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "gguf.tensor.duplicate",
				Message: "two tensors have the same name", Evidence: trunc(t.Name)})
		}
		names[t.Name] = true
		gt, ok := ggmlTypes[t.Type]
		if !ok {
			out = append(out, modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "gguf.tensor.type",
				Message: "unknown tensor type (llama.cpp refuses the file)", Evidence: fmt.Sprintf("%s: type %d", trunc(t.Name), t.Type)})
			continue
		}
		if t.Offset%align != 0 {
			out = append(out, modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "gguf.tensor.alignment",
				Message: "tensor offset is not aligned", Evidence: fmt.Sprintf("%s: offset %d, alignment %d", trunc(t.Name), t.Offset, align)})
		}
		n := uint64(1)
		overflow := false
		for _, d := range t.Dims {
			if d != 0 && n > math.MaxUint64/d {
				overflow = true
				break
			}
			n *= d
		}
		if overflow || n%gt.blockSize != 0 || n/gt.blockSize > math.MaxUint64/gt.typeSize {
			out = append(out, modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "gguf.tensor.size",
				Message: "tensor shape overflows or is not a whole number of blocks", Evidence: fmt.Sprintf("%s: dims %v type %d", trunc(t.Name), t.Dims, t.Type)})
			continue
		}
		nbytes := n / gt.blockSize * gt.typeSize
		if t.Offset > dataLen || nbytes > dataLen-t.Offset {
			out = append(out, modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "gguf.tensor.bounds",
				Message: "tensor data runs past the end of the file", Evidence: fmt.Sprintf("%s: [%d, +%d) data_len=%d", trunc(t.Name), t.Offset, nbytes, dataLen)})
			continue
		}
		if nbytes > 0 {
			spans = append(spans, span{t.Name, t.Offset, t.Offset + nbytes})
		}
	}
	sort.Slice(spans, func(i, k int) bool { return spans[i].begin < spans[k].begin })
	for i := 1; i < len(spans); i++ {
		if spans[i].begin < spans[i-1].end {
			out = append(out, modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "gguf.tensor.overlap",
				Message: "tensor data overlaps another tensor", Evidence: trunc(spans[i].name) + " overlaps " + trunc(spans[i-1].name)})
			break
		}
	}
	return out
}
