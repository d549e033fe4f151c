package normalize

import (
	"strings"
	"unicode/utf8"
)

// Escaped text: JSON and JavaScript string escapes (\u0418, \x49, \n) and
// HTML character references (&#1048; &#x418; &lt;). A tool result is often
// JSON, and Python's json.dumps writes every non-ASCII character as \uXXXX
// by default, so a Russian or Chinese instruction inside it reached the
// detectors as "\u0418\u0433\u043d…", which they cannot read; the model
// that gets the tool result reads it fine. An attacker can also escape the
// letters of an English one ("\u0049gnore").

// minEscapes is how many \u, \x or &# escapes a text needs before it is
// read unescaped. One is enough: "Wie hei\u00dft …" is a German sentence
// with one escaped letter, and a second reading costs only the lines that
// hold escapes.
const minEscapes = 1

// Unescaped returns s with its escapes decoded, normalized, as a variant
// whose bytes all map to the lines that hold the escapes, and ok when s
// holds at least minEscapes \u, \x or &# escapes. letters reports whether an escape
// stood for an ASCII letter or digit, which no encoder needs to escape: a
// sign that the text was hidden on purpose.
//
// It is not one of Variants: the injection model was trained without it,
// and the detector decides how strictly to read it (letters or not).
func Unescaped(s string) (v Variant, letters, ok bool) {
	if !strings.Contains(s, "\\u") && !strings.Contains(s, "&#") && !strings.Contains(s, "\\x") {
		return Variant{}, false, false // most text: three fast searches
	}
	first, last, n := -1, -1, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' && c != '&' {
			continue
		}
		_, size, _ := escapeAt(s, i)
		if size == 0 {
			continue
		}
		if c == '&' && s[i+1] == '#' || c == '\\' && (s[i+1] == 'u' || s[i+1] == 'x') {
			if first < 0 {
				first = i
			}
			last = i + size
			n++
		}
		i += size - 1
	}
	if n < minEscapes {
		return Variant{}, false, false
	}
	// Whole lines: the words around the escapes are part of what they say.
	start := strings.LastIndexByte(s[:first], '\n') + 1
	end := len(s)
	if k := strings.IndexByte(s[last:], '\n'); k >= 0 {
		end = last + k
	}
	var b strings.Builder
	b.Grow(end - start)
	for i := start; i < end; {
		r, size, letter := escapeAt(s, i)
		if size == 0 {
			b.WriteByte(s[i])
			i++
			continue
		}
		letters = letters || letter
		b.WriteRune(r)
		i += size
	}
	t := normalizeBase(b.String(), start, end-start)
	if t.Norm == "" {
		return Variant{}, false, false // only control characters
	}
	return Variant{Kind: "escapes", Text: t}, letters, true
}

// escapeAt decodes the escape at s[i]: its rune, its length in s (0: no
// escape there) and whether it stands for an ASCII letter or digit.
func escapeAt(s string, i int) (r rune, size int, letter bool) {
	if i+1 >= len(s) {
		return 0, 0, false
	}
	switch {
	case s[i] == '\\':
		switch c := s[i+1]; c {
		case 'u':
			u, ok := hexValue(s, i+2, 4)
			if !ok {
				return 0, 0, false
			}
			r, size = rune(u), 6
			if utf16High(r) {
				// A surrogate pair: \uD83D\uDE00.
				if lo, ok := hexValue(s, i+8, 4); ok && i+7 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' && utf16Low(rune(lo)) {
					r, size = (r-0xD800)<<10+(rune(lo)-0xDC00)+0x10000, 12
				} else {
					r = utf8.RuneError
				}
			} else if utf16Low(r) {
				r = utf8.RuneError
			}
		case 'x':
			u, ok := hexValue(s, i+2, 2)
			if !ok {
				return 0, 0, false
			}
			r, size = rune(u), 4
		case 'n', 'r':
			return '\n', 2, false
		case 't':
			return '\t', 2, false
		case 'b', 'f':
			return ' ', 2, false
		case '"', '\\', '/', '\'':
			return rune(c), 2, false
		default:
			return 0, 0, false
		}
	case s[i] == '&':
		r, size = charRef(s, i)
		if size == 0 {
			return 0, 0, false
		}
	default:
		return 0, 0, false
	}
	if r == 0 {
		r = utf8.RuneError
	}
	return r, size, r < utf8.RuneSelf && isAlnumByte(byte(r))
}

// charRef decodes an HTML character reference at s[i] ('&'): numeric
// (&#73; &#x49;) or one of the few named ones that matter in text.
func charRef(s string, i int) (rune, int) {
	if s[i+1] == '#' {
		j := i + 2
		hex := j < len(s) && (s[j] == 'x' || s[j] == 'X')
		if hex {
			j++
		}
		var v rune
		digits := 0
		for ; j < len(s) && digits < 8; j++ {
			c := s[j]
			var d rune
			switch {
			case c >= '0' && c <= '9':
				d = rune(c - '0')
			case hex && c >= 'a' && c <= 'f':
				d = rune(c-'a') + 10
			case hex && c >= 'A' && c <= 'F':
				d = rune(c-'A') + 10
			default:
				goto done
			}
			if hex {
				v = v*16 + d
			} else {
				v = v*10 + d
			}
			digits++
		}
	done:
		if digits == 0 || j >= len(s) || s[j] != ';' || v > utf8.MaxRune || utf16High(v) || utf16Low(v) {
			return 0, 0
		}
		return v, j + 1 - i
	}
	for _, e := range namedRefs {
		if strings.HasPrefix(s[i:], e.name) {
			return e.r, len(e.name)
		}
	}
	return 0, 0
}

var namedRefs = []struct {
	name string
	r    rune
}{{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&nbsp;", ' '}}

// hexValue reads n hex digits at s[i].
func hexValue(s string, i, n int) (uint32, bool) {
	if i+n > len(s) {
		return 0, false
	}
	var v uint32
	for _, c := range []byte(s[i : i+n]) {
		if !isHex(c) {
			return 0, false
		}
		v = v<<4 | uint32(unhex(c))
	}
	return v, true
}

func utf16High(r rune) bool { return r >= 0xD800 && r < 0xDC00 }
func utf16Low(r rune) bool  { return r >= 0xDC00 && r < 0xE000 }

// isAlnumByte reports an ASCII letter or digit (c|0x20 lower-cases a letter
// and moves no other byte into a-z).
func isAlnumByte(c byte) bool { return isDigit(c) || isLower(c|0x20) }
