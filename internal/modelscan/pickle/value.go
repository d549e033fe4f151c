package pickle

import (
	"io"
	"math/big"
	"strconv"
	"strings"
)

type kind uint8

const (
	kUnknown kind = iota // anything the VM does not track (call results, containers' contents)
	kNone
	kBool
	kInt
	kBigInt
	kFloat
	kStr
	kBytes
	kGlobal
	kTuple
	kList
	kDict
	kSet
	kObj // an object created by a call; s is the callable's name when known
)

// maxItems is how many items of a tuple or dict the VM remembers: enough for
// call arguments and joblib's array metadata.
const maxItems = 16

// inlineMax is the largest str/bytes value read into memory as it is met;
// larger ones are remembered by offset and read again only when needed.
const inlineMax = 4 << 10

// value is a symbolic Python value.
type value struct {
	k       kind
	trunc   bool // str/bytes: only a prefix is in s; the whole is at off, length n
	scanned bool // str/bytes: already looked at for an embedded pickle
	n       int64
	off     int64
	s       string
	items   *[]value
}

func (v value) str() (string, bool) {
	if v.k == kStr && !v.trunc {
		return v.s, true
	}
	return "", false
}

func (v value) int() (int64, bool) {
	switch v.k {
	case kInt, kBool:
		return v.n, true
	}
	return 0, false
}

func (v value) item(i int) (value, bool) {
	if v.items == nil || i >= len(*v.items) {
		return value{}, false
	}
	return (*v.items)[i], true
}

// dictGet looks up a string key in a tracked dict.
func (v value) dictGet(key string) (value, bool) {
	if v.k != kDict || v.items == nil {
		return value{}, false
	}
	it := *v.items
	for i := 0; i+1 < len(it); i += 2 {
		if s, ok := it[i].str(); ok && s == key {
			return it[i+1], true
		}
	}
	return value{}, false
}

// content returns a str/bytes value's bytes, reading large ones from src,
// up to limit bytes.
func (v value) content(src io.ReaderAt, limit int64) ([]byte, bool) {
	if v.k != kStr && v.k != kBytes {
		return nil, false
	}
	if !v.trunc {
		return []byte(v.s), true
	}
	if v.n > limit || src == nil {
		return nil, false
	}
	b := make([]byte, v.n)
	if _, err := src.ReadAt(b, v.off); err != nil {
		return nil, false
	}
	return b, true
}

func tupleOf(items []value) value {
	n := len(items)
	if len(items) > maxItems {
		items = items[:maxItems]
	}
	c := make([]value, len(items))
	copy(c, items)
	return value{k: kTuple, items: &c, n: int64(n)}
}

// parseIntLine parses the argument of INT/LONG like Python's int(): sign,
// base prefixes, underscores, trailing L for LONG.
func parseIntLine(s string) (int64, bool, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "L"))
	if s == "" {
		return 0, false, false
	}
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		return v, false, true
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil { // "010" is decimal to Python's int()
		return v, false, true
	}
	var b big.Int
	if _, ok := b.SetString(strings.ReplaceAll(s, "_", ""), 0); ok {
		return 0, true, true
	}
	if _, ok := b.SetString(s, 10); ok {
		return 0, true, true
	}
	return 0, false, false
}
