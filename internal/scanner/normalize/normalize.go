// Package normalize turns untrusted text into the canonical form that Bulwark's
// text scanners look at, and keeps a map from every byte of that form back to
// the original text, so findings always point into the bytes the client sent.
//
// Normalize applies, in one pass over the runes and one pass over the words:
// Unicode tag characters (U+E0020..U+E007E, "ASCII smuggling") decoded to
// ASCII; zero-width, bidi-control and variation-selector characters dropped;
// compatibility decomposition (NFKD, so fullwidth, mathematical alphanumeric,
// circled and ligature forms become plain letters) with Latin, Greek and
// Cyrillic diacritics stripped; lower case; whitespace collapsed; homoglyphs
// folded to Latin in words that mix scripts (or that are made only of
// look-alikes next to Latin words); leetspeak folded inside words; and
// spaced-out letters ("i g n o r e", "i.g.n.o.r.e") joined.
//
// Variants finds base64, hex, URL-encoded and rot13 segments and returns them
// decoded and normalized, mapped to the span of the encoded segment.
//
// Exact is the narrower form for scanners of exact tokens (secrets, PII),
// which need case, digits and punctuation as written: it only drops
// invisible characters and folds compatibility forms of ASCII and Latin
// look-alikes inside Latin tokens, and MapFindings maps its findings back.
package normalize

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is a normalized text with its map back to the original.
type Text struct {
	// Norm is the normalized text (valid UTF-8).
	Norm string
	// Evasions counts signs of deliberate obfuscation undone while
	// normalizing: Unicode tag characters, bidi overrides, invisible
	// characters inside words, homoglyphs in mixed-script words, leetspeak,
	// spaced-out letters. Ordinary text has none. (Decoded variants are
	// evasive by construction; see Variants.)
	Evasions int
	// evAt holds the original byte offsets of the evasions, sorted; nil
	// with evAll set when there were more than maxEvasionSites (the whole
	// text then counts as obfuscated).
	evAt  []int32
	evAll bool
	// off[i] is the original byte offset of the rune that produced byte i of
	// Norm; off[len(Norm)] is the original end. Non-decreasing.
	off []int32
}

// EvasiveIn reports whether an obfuscation was undone inside the
// normalized byte range [start, end): a long document with one leetspeak
// word is not obfuscated as a whole, only around that word.
func (t *Text) EvasiveIn(start, end int) bool {
	if t.Evasions == 0 {
		return false
	}
	if t.evAll {
		return true
	}
	// A bidi override or invisible character just outside the range's
	// first or last rune produced no byte of it, but belongs to it.
	const margin = 8
	os, oe := t.Orig(start, end)
	i, _ := slices.BinarySearch(t.evAt, int32(os-margin))
	return i < len(t.evAt) && int(t.evAt[i]) < oe+margin
}

// Len returns the length of the normalized text in bytes.
func (t *Text) Len() int { return len(t.Norm) }

// Orig maps the normalized byte range [start, end) to a byte range of the
// original text. The result is within the original text, start <= end, and
// covers every original rune that produced a byte of the range.
func (t *Text) Orig(start, end int) (int, int) {
	n := len(t.Norm)
	if len(t.off) == 0 {
		return 0, 0
	}
	start = clamp(start, 0, n)
	end = clamp(end, start, n)
	os := int(t.off[start])
	if end == start {
		return os, os
	}
	j := end
	last := t.off[end-1]
	for j < n && t.off[j] == last {
		j++
	}
	oe := int(t.off[j])
	if oe < os {
		oe = os
	}
	return os, oe
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// maxEvasionSites caps the evasion offsets a Text keeps.
const maxEvasionSites = 256

// evasionSites records where obfuscations were undone (original offsets).
type evasionSites struct {
	n   int
	at  []int32
	all bool // more than maxEvasionSites
}

// add records one evasion at original offset at.
func (e *evasionSites) add(at int) {
	e.n++
	if len(e.at) < maxEvasionSites {
		e.at = append(e.at, int32(at))
	} else {
		e.all = true
	}
}

// builder accumulates normalized bytes with their original offsets.
type builder struct {
	b   []byte
	off []int32
	ev  evasionSites
	// gaps records the spaces of b that stood for two or more whitespace
	// characters, in order: spaced-out text ("i g n o r e   a l l") marks
	// its word boundaries with the wider gaps.
	gaps []gap
}

// gap is a collapsed run of n >= 2 whitespace characters written as the
// single byte b[at].
type gap struct{ at, n int32 }

func (w *builder) byte1(c byte, at int) {
	w.b = append(w.b, c)
	w.off = append(w.off, int32(at))
}

func (w *builder) rune1(r rune, at int) {
	if r < utf8.RuneSelf {
		w.byte1(byte(r), at)
		return
	}
	n := len(w.b)
	w.b = utf8.AppendRune(w.b, r)
	for i := n; i < len(w.b); i++ {
		w.off = append(w.off, int32(at))
	}
}

// Normalize returns the normalized form of s. It never fails: invalid UTF-8
// bytes become U+FFFD-free spaces.
func Normalize(s string) Text {
	return normalizeBase(s, 0, len(s))
}

// normalizeBase normalizes s; if base/span are set (decoded variants), every
// output byte maps to the original range [base, base+span).
func normalizeBase(s string, base, span int) Text {
	w := builder{b: make([]byte, 0, len(s)+8), off: make([]int32, 0, len(s)+9)}
	pass1(&w, s)
	n := pass2(w.b, w.off, w.gaps, s, &w.ev)
	w.b, w.off = w.b[:n], w.off[:n]
	// Trim a trailing space.
	for len(w.b) > 0 && (w.b[len(w.b)-1] == ' ' || w.b[len(w.b)-1] == '\n') {
		w.b, w.off = w.b[:len(w.b)-1], w.off[:len(w.off)-1]
	}
	w.off = append(w.off, int32(len(s)))
	if span != len(s) || base != 0 {
		for i := range w.off {
			w.off[i] = int32(base)
		}
		w.off[len(w.off)-1] = int32(base + span)
	}
	t := Text{Norm: string(w.b), off: w.off, Evasions: w.ev.n, evAll: w.ev.all}
	if span != len(s) || base != 0 {
		// A decoded variant maps every byte to its encoded segment: the
		// decoded offsets of its evasions mean nothing there.
		t.evAll = t.Evasions > 0
	} else if !w.ev.all && len(w.ev.at) > 0 {
		t.evAt = w.ev.at
		slices.Sort(t.evAt) // pass 1's, then pass 2's
	}
	return t
}

// space kinds for collapsing.
const (
	spNone = iota
	spSpace
	spNewline
)

// pass1 works rune by rune: tags, invisibles, decomposition, case, spaces.
func pass1(w *builder, s string) {
	pending := spNone // whitespace seen but not yet written
	pendAt, pendN := 0, 0
	wrote := false
	// flush writes the whitespace seen before a character (none before
	// the first).
	flush := func() {
		if pending != spNone {
			if wrote {
				if pendN >= 2 {
					w.gaps = append(w.gaps, gap{at: int32(len(w.b)), n: int32(min(pendN, 1<<20))})
				}
				if pending == spNewline {
					w.byte1('\n', pendAt)
				} else {
					w.byte1(' ', pendAt)
				}
			}
			pending = spNone
		}
	}
	emit := func(r rune, at int) {
		flush()
		w.rune1(r, at)
		wrote = true
	}
	white := func(nl bool, at int) {
		if pending == spNone {
			pendAt, pendN = at, 0
		}
		pendN++
		if nl {
			pending = spNewline
		} else if pending == spNone {
			pending = spSpace
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if asciiPlain[c] {
			// A run of printable ASCII other than '<' (most of most
			// texts): copied lower-cased in one loop.
			flush()
			j := i + 1
			for j < len(s) && asciiPlain[s[j]] {
				j++
			}
			nb, no := len(w.b), len(w.off)
			w.b = slices.Grow(w.b, j-i)[:nb+j-i]
			w.off = slices.Grow(w.off, j-i)[:no+j-i]
			b, off := w.b[nb:], w.off[no:]
			for k := range b {
				b[k] = asciiLower[s[i+k]]
				off[k] = int32(i + k)
			}
			wrote = true
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' || c == '\r' || c == '\v' || c == '\f':
				white(true, i)
			case c == ' ' || c == '\t' || c < 0x20 || c == 0x7f:
				white(false, i)
			case 'A' <= c && c <= 'Z':
				emit(rune(c+'a'-'A'), i)
			case c == '<' && wrote && pending == spNone && len(w.b) > 0 && isLower(w.b[len(w.b)-1]):
				// An inline tag inside a word hides it from word matching:
				// "ig<b>nore</b>", "prev<span>ious</span>". Tags between
				// words stay (they are markup, not an evasion).
				if n := inlineTagIn(s, i); n > 0 {
					w.ev.add(i)
					i += n
					continue
				}
				emit(rune(c), i)
			default:
				emit(rune(c), i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		at := i
		i += size
		if r == utf8.RuneError && size == 1 {
			white(false, at)
			continue
		}
		switch {
		case r >= 0xE0020 && r <= 0xE007E: // tag characters smuggle ASCII
			w.ev.add(at)
			c := byte(r - 0xE0000)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c == ' ' {
				white(false, at)
			} else {
				emit(rune(c), at)
			}
			continue
		case invisible(r):
			if (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
				(wrote && pending == spNone && len(w.b) > 0 && isLower(w.b[len(w.b)-1]) && i < len(s) && isLetterStart(s[i])) {
				w.ev.add(at) // bidi override, or an invisible inside a word
			}
			continue
		case r == 0x2028 || r == 0x2029 || r == 0x85:
			white(true, at)
			continue
		case unicode.IsSpace(r):
			white(false, at)
			continue
		case r >= 0x300 && r <= 0x36F:
			continue // stray combining diacritic
		}
		if keepComposed(r) {
			emit(unicode.ToLower(r), at)
			continue
		}
		p := norm.NFKD.PropertiesString(s[at:])
		d := p.Decomposition()
		if len(d) == 0 {
			if l := enclosedLetter(r); l != 0 {
				w.ev.add(at) // "🅸🅶🅽🅾🆁🅴": letters in boxes without a compatibility form
				emit(l, at)
				continue
			}
			if r2, ok := smallCaps[r]; ok {
				r = r2
			}
			emit(unicode.ToLower(r), at)
			continue
		}
		for j := 0; j < len(d); {
			r2, sz := utf8.DecodeRune(d[j:])
			j += sz
			switch {
			case r2 >= 0x300 && r2 <= 0x36F:
				continue
			case r2 == ' ':
				white(false, at)
				continue
			}
			emit(unicode.ToLower(r2), at)
		}
	}
}

// asciiPlain marks the printable ASCII bytes pass1 only lower-cases: all
// but space and '<' (which may open an inline tag inside a word).
var asciiPlain = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = c != '<'
	}
	return t
}()

// asciiLower lower-cases an ASCII byte.
var asciiLower = func() (t [256]byte) {
	for c := range 256 {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] = byte(c + 'a' - 'A')
		}
	}
	return t
}()

// keepComposed reports scripts whose NFKD form would split letters apart
// (Hangul syllables into jamo, kana into base + voicing mark, Cyrillic й).
func keepComposed(r rune) bool {
	return (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0x3040 && r <= 0x30FF) || (r >= 0x400 && r <= 0x52F)
}

// invisible reports zero-width, bidi-control and selector characters that
// carry no visible text.
func invisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x115F, r == 0x1160, r == 0x17B4, r == 0x17B5, r == 0x180E:
		return true
	case r >= 0x200B && r <= 0x200F: // ZWSP, ZWNJ, ZWJ, LRM, RLM
		return true
	case r >= 0x202A && r <= 0x202E: // bidi embeddings and overrides
		return true
	case r >= 0x2060 && r <= 0x206F: // word joiner, invisible operators, bidi isolates
		return true
	case r == 0x3164, r == 0xFEFF, r == 0xFFA0:
		return true
	case r >= 0xFE00 && r <= 0xFE0F: // variation selectors
		return true
	case r >= 0xE0000 && r <= 0xE0FFF: // tag controls and variation selectors supplement
		return true
	case r >= 0xFFF0 && r <= 0xFFFB:
		return true
	}
	return false
}

// isLetterStart reports an ASCII letter or the first byte of a multi-byte rune.
func isLetterStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf
}

// inlineTagIn returns the length of an inline formatting tag at s[i:]
// ("<b>", "</span>", "<i>") that sits inside a word (a letter right after
// it), else 0. Only bare formatting tags: a tag with attributes, or a line
// break or block ("foo<br>bar"), is markup of a page, not a word split on
// purpose.
func inlineTagIn(s string, i int) int {
	j := i + 1
	if j < len(s) && s[j] == '/' {
		j++
	}
	k := j
	for k < len(s) && k-j < 8 && ('a' <= s[k] && s[k] <= 'z' || 'A' <= s[k] && s[k] <= 'Z') {
		k++
	}
	if k == j || k >= len(s) || s[k] != '>' || k+1 >= len(s) || !isLetterStart(s[k+1]) {
		return 0
	}
	switch strings.ToLower(s[j:k]) {
	case "b", "i", "u", "s", "em", "strong", "span", "mark", "small", "big", "ins", "del", "font", "code", "tt", "q", "abbr", "sup", "sub":
		return k + 1 - i
	}
	return 0
}

// enclosedLetter maps the enclosed Latin letters that have no compatibility
// decomposition (negative circled and negative squared capitals, regional
// indicator symbols) to lower-case ASCII; 0 for anything else.
func enclosedLetter(r rune) rune {
	switch {
	case r >= 0x1F150 && r <= 0x1F169:
		return 'a' + (r - 0x1F150)
	case r >= 0x1F170 && r <= 0x1F189:
		return 'a' + (r - 0x1F170)
	case r >= 0x1F1E6 && r <= 0x1F1FF:
		return 'a' + (r - 0x1F1E6)
	}
	return 0
}
