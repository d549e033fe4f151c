package pickle

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Rule ids for structure.
const (
	RuleMalformed     = "pickle.malformed"
	RuleFrame         = "pickle.frame.differential"
	RuleDynamicGlobal = "pickle.global.dynamic"
	RuleExt           = "pickle.ext"
	RuleBuildGlobal   = "pickle.build.global"
	RuleLimit         = "pickle.limit"
	RuleTrailing      = "pickle.trailing_data"
	RuleOutOfBand     = "pickle.out_of_band"
)

// Bounds on the VM's memory: the stack, the memo and one text line.
const (
	maxStack = 1 << 20
	maxMemo  = 1 << 20
	maxLine  = 1 << 20
	// denseMemo is the memo index below which entries live in a slice;
	// sparse indices (LONG_BINPUT 4000000000) go to a map.
	denseMemo = 1 << 16
)

// errStop ends a stream at STOP.
var errStop = errors.New("stop")

// malformedError is a stream CPython would refuse; the reason says why.
type malformedError struct{ reason string }

func (e *malformedError) Error() string { return e.reason }

func malformed(format string, a ...any) error {
	return &malformedError{fmt.Sprintf(format, a...)}
}

// limitError is a stream that exceeds the VM's bounds.
type limitError struct{ what string }

func (e *limitError) Error() string { return e.what }

// hooks connect the VM to its caller.
type hooks struct {
	report func(f modelscan.Finding)
	// embedded is called for bytes that hold another artifact; strict when a
	// loader receives them (a parse failure matters), false when found by
	// their look alone.
	embedded func(data []byte, at int64, how string, strict bool)
}

// vm is a symbolic pickle machine: it follows CPython's _pickle stack and
// memo semantics without importing or calling anything.
type vm struct {
	ctx      context.Context
	pol      *Policy
	r        *reader
	h        hooks
	maxBuf   int64
	stack    []value
	marks    []int
	memo     []value
	memoSet  []bool
	memoMap  map[int64]value
	memoLen  int
	proto    int
	frameEnd int64
	joblib   bool // follow joblib's raw array data after NumpyArrayWrapper
	// strictNames makes a GLOBAL/INST name Python cannot import an error
	// (used when guessing whether bytes are a pickle at all).
	strictNames bool
	opStart     int64
	ops         int
	nonEmpty    bool
	result      value // the value STOP popped
	strs        map[string]string
	// fileMode reads frames as _pickle does from a file object without
	// peek (see fileCross); sawFrameDiff records that readings can differ.
	fileMode     bool
	sawFrameDiff bool
}

func newVM(ctx context.Context, pol *Policy, r *reader, h hooks, maxBuf int64) *vm {
	return &vm{ctx: ctx, pol: pol, r: r, h: h, maxBuf: maxBuf, frameEnd: -1, stack: make([]value, 0, 64)}
}

func (m *vm) reset() {
	m.stack = m.stack[:0]
	m.marks = m.marks[:0]
	m.memo, m.memoSet, m.memoMap, m.memoLen = m.memo[:0], m.memoSet[:0], nil, 0
	m.proto = 0
	m.frameEnd = -1
}

func (m *vm) report(sev modelscan.Severity, rule, msg, evidence string) {
	if m.h.report != nil {
		m.h.report(modelscan.Finding{Severity: sev, RuleID: rule, Message: msg, Evidence: evidence, Offset: m.opStart})
	}
}

func (m *vm) fence() int {
	if len(m.marks) == 0 {
		return 0
	}
	return m.marks[len(m.marks)-1]
}

// errStackLimit is returned by push; small enough a push to be inlined.
var errStackLimit error = &limitError{fmt.Sprintf("stack deeper than %d values", maxStack)}

func (m *vm) push(v value) error {
	if len(m.stack) < maxStack {
		m.stack = append(m.stack, v)
		return nil
	}
	return errStackLimit
}

func (m *vm) pop() (value, error) {
	if len(m.stack) <= m.fence() {
		return value{}, malformed("unpickling stack underflow")
	}
	v := m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
	return v, nil
}

func (m *vm) top() (*value, error) {
	if len(m.stack) <= m.fence() {
		return nil, malformed("unpickling stack underflow")
	}
	return &m.stack[len(m.stack)-1], nil
}

// popMark pops everything above the topmost mark; the slice aliases the
// stack and is valid until the next push.
func (m *vm) popMark() ([]value, error) {
	if len(m.marks) == 0 {
		return nil, malformed("could not find MARK")
	}
	k := m.marks[len(m.marks)-1]
	m.marks = m.marks[:len(m.marks)-1]
	if k > len(m.stack) { // SETITEM may clear below a mark, as in _pickle
		return nil, malformed("MARK beyond the stack")
	}
	items := m.stack[k:]
	m.stack = m.stack[:k]
	return items, nil
}

func (m *vm) memoPut(idx int64, v value) error {
	if idx < 0 {
		return malformed("negative memo index")
	}
	if idx < denseMemo {
		for int64(len(m.memo)) <= idx {
			m.memo = append(m.memo, value{})
			m.memoSet = append(m.memoSet, false)
		}
		if !m.memoSet[idx] {
			m.memoLen++
		}
		m.memo[idx], m.memoSet[idx] = v, true
		return nil
	}
	if m.memoMap == nil {
		m.memoMap = map[int64]value{}
	}
	if _, ok := m.memoMap[idx]; !ok {
		if len(m.memoMap) >= maxMemo {
			return &limitError{fmt.Sprintf("more than %d sparse memo entries", maxMemo)}
		}
		m.memoLen++
	}
	m.memoMap[idx] = v
	return nil
}

func (m *vm) memoGet(idx int64) error {
	if idx >= 0 && idx < int64(len(m.memo)) && m.memoSet[idx] {
		return m.push(m.memo[idx])
	}
	if v, ok := m.memoMap[idx]; ok {
		return m.push(v)
	}
	return malformed("memo value not found at index %d", idx)
}

// run executes one stream until STOP. It returns the value left by STOP.
func (m *vm) run() (value, error) {
	for {
		if err := m.step(); err != nil {
			if errors.Is(err, errStop) {
				return m.result, nil
			}
			return value{}, err
		}
	}
}

func le(b []byte) uint64 {
	var x uint64
	for i := len(b) - 1; i >= 0; i-- {
		x = x<<8 | uint64(b[i])
	}
	return x
}

// step executes one opcode.
func (m *vm) step() error {
	m.ops++
	if m.ops&0xffff == 0 {
		if err := m.ctx.Err(); err != nil {
			return err
		}
	}
	r := m.r
	m.opStart = r.offset()
	if m.frameEnd >= 0 {
		if m.opStart > m.frameEnd {
			m.report(modelscan.SeverityHigh, RuleFrame, "an opcode crosses a FRAME boundary: pickle.py and _pickle parse this stream differently", "FRAME")
			m.sawFrameDiff = true
		}
		if m.opStart >= m.frameEnd {
			m.frameEnd = -1
		}
	}
	op, err := r.readByte()
	if err != nil {
		if errors.Is(err, errTruncated) {
			return malformed("pickle data was truncated (no STOP)")
		}
		return err
	}
	m.nonEmpty = true
	switch op {
	case '(': // MARK
		m.marks = append(m.marks, len(m.stack))
		if len(m.marks) > maxStack {
			return &limitError{"too many marks"}
		}
	case '.': // STOP
		v, err := m.pop()
		if err != nil {
			return err
		}
		m.result = v
		return errStop
	case '0': // POP
		if len(m.marks) > 0 && m.marks[len(m.marks)-1] == len(m.stack) {
			m.marks = m.marks[:len(m.marks)-1]
			return nil
		}
		_, err := m.pop()
		return err
	case '1': // POP_MARK
		_, err := m.popMark()
		return err
	case '2': // DUP
		t, err := m.top()
		if err != nil {
			return err
		}
		return m.push(*t)
	case 'F': // FLOAT
		l, err := m.line()
		if err != nil {
			return err
		}
		if _, err := strconv.ParseFloat(trimSpace(l), 64); err != nil && !pyFloatWord(trimSpace(l)) {
			return malformed("could not convert string to float")
		}
		return m.push(value{k: kFloat})
	case 'I': // INT
		l, err := m.line()
		if err != nil {
			return err
		}
		switch l {
		case "00":
			return m.push(value{k: kBool, n: 0})
		case "01":
			return m.push(value{k: kBool, n: 1})
		}
		n, isBig, ok := parseIntLine(l)
		if !ok {
			return malformed("could not convert string to int")
		}
		if isBig {
			return m.push(value{k: kBigInt})
		}
		return m.push(value{k: kInt, n: n})
	case 'L': // LONG
		l, err := m.line()
		if err != nil {
			return err
		}
		n, isBig, ok := parseIntLine(l)
		if !ok {
			return malformed("could not convert string to int")
		}
		if isBig {
			return m.push(value{k: kBigInt})
		}
		return m.push(value{k: kInt, n: n})
	case 'J': // BININT
		b, err := m.arg(4)
		if err != nil {
			return err
		}
		return m.push(value{k: kInt, n: int64(int32(binary.LittleEndian.Uint32(b)))})
	case 'K': // BININT1
		b, err := m.arg(1)
		if err != nil {
			return err
		}
		return m.push(value{k: kInt, n: int64(b[0])})
	case 'M': // BININT2
		b, err := m.arg(2)
		if err != nil {
			return err
		}
		return m.push(value{k: kInt, n: int64(binary.LittleEndian.Uint16(b))})
	case 0x8a: // LONG1
		b, err := m.arg(1)
		if err != nil {
			return err
		}
		return m.pushLong(int64(b[0]))
	case 0x8b: // LONG4
		b, err := m.arg(4)
		if err != nil {
			return err
		}
		n := int64(int32(binary.LittleEndian.Uint32(b)))
		if n < 0 {
			return malformed("LONG pickle has negative byte count")
		}
		return m.pushLong(n)
	case 'G': // BINFLOAT
		if _, err := m.arg(8); err != nil {
			return err
		}
		return m.push(value{k: kFloat})
	case 'N':
		return m.push(value{k: kNone})
	case 0x88:
		return m.push(value{k: kBool, n: 1})
	case 0x89:
		return m.push(value{k: kBool, n: 0})
	case 'S': // STRING
		l, err := m.line()
		if err != nil {
			return err
		}
		s, err := decodeStringLiteral(l)
		if err != nil {
			return err
		}
		return m.pushText(kStr, s, m.opStart)
	case 'V': // UNICODE
		l, err := m.line()
		if err != nil {
			return err
		}
		return m.pushText(kStr, decodeRawUnicodeEscape(l), m.opStart)
	case 'T': // BINSTRING
		b, err := m.arg(4)
		if err != nil {
			return err
		}
		n := int64(int32(binary.LittleEndian.Uint32(b)))
		if n < 0 {
			return malformed("BINSTRING pickle has negative byte count")
		}
		return m.pushData(kStr, n, false)
	case 'U': // SHORT_BINSTRING
		b, err := m.arg(1)
		if err != nil {
			return err
		}
		return m.pushData(kStr, int64(b[0]), false)
	case 'X': // BINUNICODE
		b, err := m.arg(4)
		if err != nil {
			return err
		}
		return m.pushData(kStr, int64(binary.LittleEndian.Uint32(b)), true)
	case 0x8c: // SHORT_BINUNICODE
		b, err := m.arg(1)
		if err != nil {
			return err
		}
		return m.pushData(kStr, int64(b[0]), true)
	case 0x8d: // BINUNICODE8
		b, err := m.arg(8)
		if err != nil {
			return err
		}
		return m.pushData(kStr, m.size8(b), true)
	case 'B': // BINBYTES
		b, err := m.arg(4)
		if err != nil {
			return err
		}
		return m.pushData(kBytes, int64(binary.LittleEndian.Uint32(b)), false)
	case 'C': // SHORT_BINBYTES
		b, err := m.arg(1)
		if err != nil {
			return err
		}
		return m.pushData(kBytes, int64(b[0]), false)
	case 0x8e, 0x96: // BINBYTES8, BYTEARRAY8
		b, err := m.arg(8)
		if err != nil {
			return err
		}
		return m.pushData(kBytes, m.size8(b), false)
	case 0x97: // NEXT_BUFFER
		m.report(modelscan.SeverityMedium, RuleOutOfBand, "pickle refers to out-of-band buffers that are not in the file", "NEXT_BUFFER")
		return m.push(value{k: kUnknown})
	case 0x98: // READONLY_BUFFER
		_, err := m.top()
		return err
	case ')':
		return m.push(value{k: kTuple, items: &[]value{}})
	case ']':
		return m.push(value{k: kList})
	case '}':
		return m.push(value{k: kDict, items: &[]value{}})
	case 0x8f:
		return m.push(value{k: kSet})
	case 't': // TUPLE
		items, err := m.popMark()
		if err != nil {
			return err
		}
		return m.push(tupleOf(items))
	case 0x85, 0x86, 0x87: // TUPLE1..3
		n := int(op - 0x84)
		if len(m.stack)-m.fence() < n {
			return malformed("unpickling stack underflow")
		}
		t := tupleOf(m.stack[len(m.stack)-n:])
		m.stack = m.stack[:len(m.stack)-n]
		return m.push(t)
	case 'l': // LIST
		if _, err := m.popMark(); err != nil {
			return err
		}
		return m.push(value{k: kList})
	case 0x91: // FROZENSET
		if _, err := m.popMark(); err != nil {
			return err
		}
		return m.push(value{k: kSet})
	case 'd': // DICT
		items, err := m.popMark()
		if err != nil {
			return err
		}
		if len(items)%2 != 0 {
			return malformed("odd number of items for DICT")
		}
		d := value{k: kDict, items: &[]value{}}
		m.addPairs(d, items)
		return m.push(d)
	case 'a': // APPEND
		if _, err := m.pop(); err != nil {
			return err
		}
		_, err := m.top()
		return err
	case 'e', 0x90: // APPENDS, ADDITEMS: the target may sit below an outer mark
		if _, err := m.popMark(); err != nil {
			return err
		}
		if len(m.stack) == 0 {
			return malformed("unpickling stack underflow")
		}
	case 's': // SETITEM: _pickle does not check the mark fence here
		if len(m.stack) < 3 {
			return malformed("unpickling stack underflow")
		}
		n := len(m.stack)
		m.addPairs(m.stack[n-3], m.stack[n-2:])
		m.stack = m.stack[:n-2]
	case 'u': // SETITEMS
		items, err := m.popMark()
		if err != nil {
			return err
		}
		if len(m.stack) == 0 {
			return malformed("unpickling stack underflow")
		}
		if len(items)%2 != 0 {
			return malformed("odd number of items for SETITEMS")
		}
		m.addPairs(m.stack[len(m.stack)-1], items)
	case 'p': // PUT
		l, err := m.line()
		if err != nil {
			return err
		}
		idx, isBig, ok := parseIntLine(l)
		if !ok || isBig {
			return malformed("bad PUT argument")
		}
		return m.put(idx)
	case 'q': // BINPUT
		b, err := m.arg(1)
		if err != nil {
			return err
		}
		return m.put(int64(b[0]))
	case 'r': // LONG_BINPUT
		b, err := m.arg(4)
		if err != nil {
			return err
		}
		return m.put(int64(binary.LittleEndian.Uint32(b)))
	case 0x94: // MEMOIZE
		return m.put(int64(m.memoLen))
	case 'g': // GET
		l, err := m.line()
		if err != nil {
			return err
		}
		idx, isBig, ok := parseIntLine(l)
		if !ok || isBig {
			return malformed("bad GET argument")
		}
		return m.memoGet(idx)
	case 'h': // BINGET
		b, err := m.arg(1)
		if err != nil {
			return err
		}
		return m.memoGet(int64(b[0]))
	case 'j': // LONG_BINGET
		b, err := m.arg(4)
		if err != nil {
			return err
		}
		return m.memoGet(int64(binary.LittleEndian.Uint32(b)))
	case 'c': // GLOBAL
		mod, err := m.line()
		if err != nil {
			return err
		}
		name, err := m.line()
		if err != nil {
			return err
		}
		if !utf8.ValidString(mod) || !utf8.ValidString(name) || (m.strictNames && (!validDotted(mod) || !validDotted(name))) {
			return malformed("GLOBAL names are not UTF-8")
		}
		return m.push(m.global(mod, name))
	case 0x93: // STACK_GLOBAL
		name, err := m.pop()
		if err != nil {
			return err
		}
		mod, err := m.pop()
		if err != nil {
			return err
		}
		ms, ok1 := mod.str()
		ns, ok2 := name.str()
		if ok1 && ok2 {
			return m.push(m.global(ms, ns))
		}
		if (mod.k != kStr && mod.k != kUnknown && mod.k != kObj) || (name.k != kStr && name.k != kUnknown && name.k != kObj) {
			return malformed("STACK_GLOBAL requires str")
		}
		m.report(modelscan.SeverityHigh, RuleDynamicGlobal, "STACK_GLOBAL imports a name computed at load time; it cannot be checked statically", "STACK_GLOBAL")
		return m.push(value{k: kGlobal, s: "?"})
	case 'i': // INST
		mod, err := m.line()
		if err != nil {
			return err
		}
		name, err := m.line()
		if err != nil {
			return err
		}
		if !utf8.ValidString(mod) || !utf8.ValidString(name) || (m.strictNames && (!validDotted(mod) || !validDotted(name))) {
			return malformed("INST names are not UTF-8")
		}
		g := m.global(mod, name)
		items, err := m.popMark()
		if err != nil {
			return err
		}
		return m.push(m.call(g, tupleOf(items)))
	case 'o': // OBJ
		items, err := m.popMark()
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return malformed("OBJ without a class")
		}
		cls := items[0]
		return m.push(m.call(cls, tupleOf(items[1:])))
	case 'R': // REDUCE
		args, err := m.pop()
		if err != nil {
			return err
		}
		fn, err := m.pop()
		if err != nil {
			return err
		}
		return m.push(m.call(fn, args))
	case 0x81: // NEWOBJ
		args, err := m.pop()
		if err != nil {
			return err
		}
		cls, err := m.pop()
		if err != nil {
			return err
		}
		return m.push(value{k: kObj, s: cls.s, items: &[]value{args}})
	case 0x92: // NEWOBJ_EX
		if _, err := m.pop(); err != nil {
			return err
		}
		args, err := m.pop()
		if err != nil {
			return err
		}
		cls, err := m.pop()
		if err != nil {
			return err
		}
		return m.push(value{k: kObj, s: cls.s, items: &[]value{args}})
	case 'b': // BUILD
		state, err := m.pop()
		if err != nil {
			return err
		}
		t, err := m.top()
		if err != nil {
			return err
		}
		return m.build(t, state)
	case 'P': // PERSID
		l, err := m.line()
		if err != nil {
			return err
		}
		for i := 0; i < len(l); i++ {
			if l[i] >= 0x80 {
				return malformed("persistent IDs in protocol 0 must be ASCII strings")
			}
		}
		return m.push(value{k: kUnknown})
	case 'Q': // BINPERSID
		if _, err := m.pop(); err != nil {
			return err
		}
		return m.push(value{k: kUnknown})
	case 0x82, 0x83, 0x84: // EXT1, EXT2, EXT4
		w := map[byte]int{0x82: 1, 0x83: 2, 0x84: 4}[op]
		b, err := m.arg(w)
		if err != nil {
			return err
		}
		code := int64(int32(le(b)))
		if code <= 0 {
			return malformed("EXT specifies code <= 0")
		}
		m.report(modelscan.SeverityHigh, RuleExt, "global imported through the copyreg extension registry; it cannot be checked statically", "EXT "+strconv.FormatInt(code, 10))
		return m.push(value{k: kGlobal, s: "?"})
	case 0x80: // PROTO
		b, err := m.arg(1)
		if err != nil {
			return err
		}
		if b[0] > 5 {
			return malformed("unsupported pickle protocol: %d", b[0])
		}
		m.proto = int(b[0])
	case 0x95: // FRAME
		b, err := m.arg(8)
		if err != nil {
			return err
		}
		n := le(b)
		if n > math.MaxInt64 {
			return malformed("FRAME length exceeds system's maximum")
		}
		if m.frameEnd >= 0 && m.opStart < m.frameEnd {
			m.report(modelscan.SeverityHigh, RuleFrame, "a FRAME starts inside another frame: pickle.py and _pickle parse this stream differently", "FRAME")
			m.sawFrameDiff = true
			if m.fileMode {
				if r.offset()+int64(n) <= m.frameEnd {
					return nil // fits in the current buffer: _pickle only rewinds
				}
				r.seek(m.frameEnd) // the rest of the outer frame is dropped
			}
		}
		// _pickle reads the whole frame before going on: a frame longer
		// than the data fails there.
		if int64(n) > r.remaining() {
			return malformed("pickle data was truncated (FRAME longer than the data)")
		}
		m.frameEnd = r.offset() + int64(n)
	default:
		return malformed("invalid load key 0x%02x", op)
	}
	return nil
}
