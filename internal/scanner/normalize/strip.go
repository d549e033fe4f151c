package normalize

import "unicode/utf8"

// StripInvisible removes the invisible characters (zero-width, bidi
// controls, variation selectors, tag characters: see invisible) from s. A
// model reads "AKIA\u200b…" as the key it is; a scanner for exact tokens
// (secrets, PII) must see it without them too. It returns ok false, and
// allocates nothing, when s has none, the common case. Otherwise off[i] is
// the offset in s of byte i of stripped, and MapFindings puts findings on
// the stripped text back on s.
//
// Unlike Normalize it keeps case, digits and everything else: secrets and
// PII depend on them.
func StripInvisible(s string) (stripped string, off []int32, ok bool) {
	first := -1
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0xC2 { // ASCII, or a continuation / invalid byte
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if invisible(r) {
			first = i
			break
		}
		i += n
	}
	if first < 0 {
		return s, nil, false
	}
	b := make([]byte, 0, len(s))
	off = make([]int32, 0, len(s))
	for i := 0; i < first; i++ {
		b = append(b, s[i])
		off = append(off, int32(i))
	}
	// invalid: the last byte kept is an invalid one.
	r, n := utf8.DecodeLastRuneInString(s[:first])
	invalid := r == utf8.RuneError && n == 1
	for i := first; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		// Removing it must not join invalid bytes around it into a new
		// character ("\xe2\x80" ZWSP "\x8b" would become a ZWSP).
		if r != utf8.RuneError && invisible(r) && !(invalid && i+n < len(s) && !utf8.RuneStart(s[i+n])) {
			i += n
			continue
		}
		invalid = r == utf8.RuneError && n == 1
		for k := 0; k < n; k++ {
			b = append(b, s[i+k])
			off = append(off, int32(i+k))
		}
		i += n
	}
	return string(b), off, true
}
