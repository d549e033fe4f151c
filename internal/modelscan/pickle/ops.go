package pickle

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Argument readers, value construction, and the calls and imports the
// machine models.

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t' || s[j-1] == '\r' || s[j-1] == '\n') {
		j--
	}
	return s[i:j]
}

func pyFloatWord(s string) bool {
	switch s {
	case "nan", "inf", "-inf", "+inf", "NaN", "Infinity", "-Infinity":
		return true
	}
	return false
}

func (m *vm) size8(b []byte) int64 {
	n := le(b)
	if n > math.MaxInt64 {
		return -1
	}
	return int64(n)
}

// fileCross applies _pickle's reading of a file object without peek()
// (torch.load's io.BytesIO) when a read of n bytes would run past the
// current frame: _Unpickler_Read drops the rest of the frame and reads n
// fresh bytes after it. (bytes payloads go through _Unpickler_ReadInto,
// which does not drop anything; pickle.loads on bytes never drops.)
func (m *vm) fileCross(n int64) {
	if !m.fileMode || m.frameEnd < 0 {
		return
	}
	if off := m.r.offset(); off < m.frameEnd && off+n > m.frameEnd {
		m.r.seek(m.frameEnd)
		m.frameEnd = -1
	}
}

// arg reads a fixed-size opcode argument.
func (m *vm) arg(n int) ([]byte, error) {
	r := m.r
	if p := r.pos + n; p <= r.end && !m.fileMode { // fast path, inlined
		r.pos = p
		return r.buf[p-n : p], nil
	}
	return m.argSlow(n)
}

func (m *vm) argSlow(n int) ([]byte, error) {
	m.fileCross(int64(n))
	b, err := m.r.next(n)
	if err != nil {
		if errors.Is(err, errTruncated) {
			return nil, malformed("pickle data was truncated")
		}
		return nil, err
	}
	return b, nil
}

// payload reads value bytes whose frame crossing was already handled.
func (m *vm) payload(n int) ([]byte, error) {
	b, err := m.r.next(n)
	if err != nil {
		if errors.Is(err, errTruncated) {
			return nil, malformed("pickle data was truncated")
		}
		return nil, err
	}
	return b, nil
}

// line reads a newline-terminated argument, without the newline.
func (m *vm) line() (string, error) {
	start := m.r.offset()
	b, err := m.r.line(maxLine)
	if m.fileMode && m.frameEnd >= 0 && start < m.frameEnd && (err != nil || m.r.offset() > m.frameEnd) {
		// No newline left in the frame: _Unpickler_Readline drops the rest
		// of the frame and reads a whole new line after it.
		m.r.seek(m.frameEnd)
		m.frameEnd = -1
		b, err = m.r.line(maxLine)
	}
	if err != nil {
		if errors.Is(err, errTruncated) {
			return "", malformed("pickle data was truncated (line)")
		}
		if errors.Is(err, errLineTooLong) {
			return "", &limitError{fmt.Sprintf("text argument longer than %d bytes", maxLine)}
		}
		return "", err
	}
	return string(b[:len(b)-1]), nil
}

func (m *vm) pushLong(n int64) error {
	m.fileCross(n)
	if n > m.r.remaining() {
		return malformed("pickle data was truncated")
	}
	if n <= 8 {
		b, err := m.arg(int(n))
		if err != nil {
			return err
		}
		var x int64
		if n > 0 {
			x = int64(le(b))
			if sh := 64 - 8*uint(n); sh > 0 && sh < 64 {
				x = x << sh >> sh // sign-extend
			}
		}
		return m.push(value{k: kInt, n: x, s: string(b)})
	}
	if n <= 64 {
		b, err := m.arg(int(n))
		if err != nil {
			return err
		}
		return m.push(value{k: kBigInt, s: string(b)})
	}
	if err := m.r.skip(n); err != nil {
		return malformed("pickle data was truncated")
	}
	return m.push(value{k: kBigInt})
}

// pushData pushes a length-prefixed str or bytes value. Values up to
// inlineMax are kept; larger ones are referenced by offset.
func (m *vm) pushData(k kind, n int64, utf bool) error {
	if k == kStr {
		m.fileCross(n) // str payloads use _Unpickler_Read; bytes use ReadInto
	}
	if n < 0 || n > m.r.remaining() {
		return malformed("pickle data was truncated")
	}
	off := m.r.offset()
	if n <= inlineMax {
		b, err := m.payload(int(n))
		if err != nil {
			return err
		}
		if utf && !utf8.Valid(b) && !validSurrogatePass(b) {
			return malformed("BINUNICODE is not valid UTF-8")
		}
		if n <= maxInterned {
			return m.pushText(k, m.intern(b), off)
		}
		return m.pushText(k, string(b), off)
	}
	pre, err := m.payload(inlineMax)
	if err != nil {
		return err
	}
	v := value{k: k, trunc: true, off: off, n: n, s: string(pre)}
	if err := m.r.skip(n - inlineMax); err != nil {
		return malformed("pickle data was truncated")
	}
	m.sniff(&v)
	return m.push(v)
}

// maxInterned is the longest string the VM interns: pickles repeat short
// keys and names, and not allocating them keeps the collector idle.
const maxInterned = 32

// intern returns a shared copy of a short string.
func (m *vm) intern(b []byte) string {
	if s, ok := m.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if m.strs == nil {
		m.strs = make(map[string]string)
	}
	if len(m.strs) < 1<<14 {
		m.strs[s] = s
	}
	return s
}

func (m *vm) pushText(k kind, s string, off int64) error {
	v := value{k: k, s: s, off: off, n: int64(len(s))}
	if len(s) >= minEmbedded {
		m.sniff(&v)
	}
	return m.push(v)
}

// validSurrogatePass accepts UTF-8 with encoded surrogates, which Python's
// 'surrogatepass' handler decodes.
func validSurrogatePass(b []byte) bool {
	for len(b) > 0 {
		if len(b) >= 3 && b[0] == 0xed && b[1] >= 0xa0 && b[1] <= 0xbf && b[2] >= 0x80 && b[2] <= 0xbf {
			b = b[3:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return false
		}
		b = b[size:]
	}
	return true
}

func (m *vm) put(idx int64) error {
	t, err := m.top()
	if err != nil {
		return err
	}
	return m.memoPut(idx, *t)
}

// addPairs records string-keyed items of a tracked dict.
func (m *vm) addPairs(d value, items []value) {
	if d.k != kDict || d.items == nil {
		return
	}
	for i := 0; i+1 < len(items) && len(*d.items) < 2*maxItems; i += 2 {
		if items[i].k == kStr {
			*d.items = append(*d.items, items[i], items[i+1])
		}
	}
}

// global resolves and checks an imported name.
func (m *vm) global(mod, name string) value {
	rawMod, rawName := mod, name
	if m.proto < 3 {
		mod, name = fixImports(mod, name)
	}
	q := mod + "." + name
	if m.pol == nil { // sniffing: no policy, no findings
		return value{k: kGlobal, s: q}
	}
	v := m.pol.Check(mod, name)
	// Also judge the raw name and its Python 3 spelling whatever the
	// protocol says: a denied sink stays denied under either reading.
	fm, fn := fixImports(rawMod, rawName)
	for _, alt := range [2][2]string{{rawMod, rawName}, {fm, fn}} {
		if alt[0] == mod && alt[1] == name {
			continue
		}
		if rv := m.pol.Check(alt[0], alt[1]); rv.RuleID != "" && rv.RuleID != RuleUnknown && rv.Severity > v.Severity {
			v = rv
		}
	}
	if v.RuleID != "" {
		msg := v.Reason
		if v.RuleID == RuleDenied {
			msg = "imports " + q + ", which " + v.Reason
		}
		m.report(v.Severity, v.RuleID, msg, q)
	}
	return value{k: kGlobal, s: q}
}

// call models fn(*args): decoders are evaluated, loaders get their
// argument scanned, everything else yields an opaque object.
func (m *vm) call(fn, args value) value {
	res := value{k: kObj, items: &[]value{args}}
	if fn.k == kGlobal && m.pol != nil {
		res.s = fn.s
		a0, _ := args.item(0)
		if m.pol.Loaders[fn.s] {
			if b, ok := a0.content(m.r.src, m.maxBuf); ok && !a0.scanned && m.h.embedded != nil {
				m.h.embedded(b, a0.off, "loads", true)
			}
			return res
		}
		if out, ok := m.decode(fn.s, args); ok {
			v := value{k: kBytes, s: string(out), off: m.opStart, n: int64(len(out)), scanned: a0.scanned}
			m.sniff(&v)
			return v
		}
	}
	return res
}

// build models BUILD on the value at the top of the stack.
func (m *vm) build(t *value, state value) error {
	switch t.k {
	case kGlobal:
		m.report(modelscan.SeverityHigh, RuleBuildGlobal, "BUILD sets attributes on an imported object instead of a new one", t.s)
		return nil
	case kObj:
		if t.items != nil {
			*t.items = append(*t.items, state)
		}
		if m.joblib && isJoblibWrapper(t.s) {
			return m.joblibArray(t, state)
		}
	}
	return nil
}
