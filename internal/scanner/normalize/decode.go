package normalize

import (
	"encoding/base64"
	"slices"
	"strings"
	"unicode/utf8"
)

// Variant is a decoded segment of a text, normalized. Every byte of Text maps
// to the span of the encoded segment in the original text.
type Variant struct {
	// Kind is the encoding that was decoded: "base64", "hex", "url",
	// "rot13", "reversed" (the whole text written backwards), "tags"
	// (Unicode tag characters alone, without the visible
	// text around them) or "concat" (string pieces assigned to variables
	// and joined: payload splitting).
	Kind string
	Text Text
}

// Limits on decoding, so hostile input cannot make it expensive.
const (
	maxVariants = 16
	maxDepth    = 2
	minBase64   = 12
	minHexBytes = 6
)

// Variants returns the decoded base64, hex, URL-encoded and rot13 segments of
// s (and, once more, of what they decode to), the text hidden in Unicode tag
// characters on its own, and string pieces that s assigns to variables and
// asks to join, joined; normalized, with offsets into s. Segments that do not
// decode to mostly printable text are skipped.
func Variants(s string) []Variant {
	var out []Variant
	collect(&out, s, 0, len(s), 1)
	return out
}

// collect appends the variants of s; base and span map them into the
// original text when s is itself decoded (depth > 1).
func collect(out *[]Variant, s string, base, span int, depth int) {
	add := func(kind, dec string, start, end int) {
		if len(*out) >= maxVariants {
			return
		}
		b, sp := base+start, end-start
		if depth > 1 {
			b, sp = base, span
		}
		*out = append(*out, Variant{Kind: kind, Text: normalizeBase(dec, b, sp)})
		if depth < maxDepth {
			collect(out, dec, b, sp, depth+1)
		}
	}
	scanBase64(s, add)
	scanHex(s, add)
	scanURL(s, add)
	scanTags(s, add)
	scanConcat(s, add)
	if dec, ok := rot13Text(s); ok {
		add("rot13", dec, 0, len(s))
	}
	if dec, ok := reversedText(s); ok {
		add("reversed", dec, 0, len(s))
	}
}

// letterWords calls f for each run of ASCII letters in s, in order, with
// the run lower-cased in a reused buffer (nil when it is longer than 16
// letters) and its length; it stops after limit runs (limit < 0: none).
func letterWords(s string, limit int, f func(w []byte, n int)) {
	var buf [16]byte
	for i, words := 0, 0; i < len(s) && words != limit; {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			i++
			continue
		}
		j := i
		for j < len(s) && (s[j]|0x20) >= 'a' && (s[j]|0x20) <= 'z' {
			j++
		}
		n := j - i
		var w []byte
		if n <= len(buf) {
			for k := 0; k < n; k++ {
				buf[k] = s[i+k] | 0x20
			}
			w = buf[:n]
		}
		f(w, n)
		words++
		i = j
	}
}

// reversedMax bounds the text reversedText reads: written backwards is a
// trick for a prompt, not for a document.
const reversedMax = 4096

// reversedText returns s written backwards (by runes) when at least three
// different words of three letters or more are common words spelled
// backwards ("erongi lla suoiverp snoitcurtsni"), and at least as many
// words as are spelled forwards: a text that hides an instruction in
// reverse, often with "read this backwards" in the clear. Plain text has
// almost none (a word problem says "won" many times; that is one word).
func reversedText(s string) (string, bool) {
	if len(s) > reversedMax {
		return "", false
	}
	var rbuf [16]byte
	plain, rev := 0, 0
	var seen []string
	letterWords(s, -1, func(w []byte, n int) {
		if w == nil || n < 3 { // two letters: "si" is "is", "ti" is "it"
			return
		}
		for k, l := range w {
			rbuf[n-1-k] = l
		}
		if rot13Words[string(w)] {
			plain++
		}
		// The map lookup by string(bytes) does not allocate; the
		// string for seen is made only for a hit.
		if rot13Words[string(rbuf[:n])] && !slices.Contains(seen, string(rbuf[:n])) {
			seen = append(seen, string(rbuf[:n]))
			rev++
		}
	})
	if rev < 3 || rev < plain {
		return "", false
	}
	r := []rune(s)
	for a, b := 0, len(r)-1; a < b; a, b = a+1, b-1 {
		r[a], r[b] = r[b], r[a]
	}
	return string(r), true
}

// Byte classes of the decoders' scans, one table look-up per byte (the
// scans walk every byte of every text).
const (
	clB64   = 1 << iota // base64 alphabet, standard and URL-safe
	clHex               // hexadecimal digit
	clUpper             // A–Z
	clLower             // a–z
)

var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '+' || b == '/' || b == '-' || b == '_' {
			t[c] |= clB64
		}
		if '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F' {
			t[c] |= clHex
		}
		if 'A' <= b && b <= 'Z' {
			t[c] |= clUpper
		}
		if 'a' <= b && b <= 'z' {
			t[c] |= clLower
		}
	}
	return t
}()

func isB64(c byte) bool { return byteClass[c]&clB64 != 0 }

func isHex(c byte) bool { return byteClass[c]&clHex != 0 }

func scanBase64(s string, add func(kind, dec string, start, end int)) {
	for i := 0; i < len(s); {
		if !isB64(s[i]) {
			i++
			continue
		}
		j := i
		var seen uint8
		for j < len(s) && isB64(s[j]) {
			seen |= byteClass[s[j]]
			j++
		}
		upper, lower := seen&clUpper != 0, seen&clLower != 0
		end := j
		for end < len(s) && s[end] == '=' && end-j < 2 {
			end++
		}
		if j-i >= minBase64 && upper && lower {
			if dec, ok := decodeB64(s[i:j]); ok {
				add("base64", dec, i, end)
			}
		}
		i = end
	}
}

func decodeB64(seg string) (string, bool) {
	enc := base64.RawStdEncoding
	for k := 0; k < len(seg); k++ {
		if seg[k] == '-' || seg[k] == '_' {
			enc = base64.RawURLEncoding
			break
		}
	}
	n := len(seg) - len(seg)%4
	if len(seg)%4 >= 2 {
		n = len(seg) // raw encoding accepts 2 or 3 trailing chars
	}
	dst := make([]byte, enc.DecodedLen(n))
	m, err := enc.Decode(dst, []byte(seg[:n]))
	if err != nil || m == 0 {
		return "", false
	}
	return printable(dst[:m])
}

func scanHex(s string, add func(kind, dec string, start, end int)) {
	for i := 0; i < len(s); {
		// "\x69\x67..." form
		if s[i] == '\\' && i+3 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && isHex(s[i+2]) && isHex(s[i+3]) {
			j := i
			var dst []byte
			for j+3 < len(s) && s[j] == '\\' && (s[j+1] == 'x' || s[j+1] == 'X') && isHex(s[j+2]) && isHex(s[j+3]) {
				dst = append(dst, unhex(s[j+2])<<4|unhex(s[j+3]))
				j += 4
			}
			if len(dst) >= minHexBytes {
				if dec, ok := printable(dst); ok {
					add("hex", dec, i, j)
				}
			}
			i = j
			continue
		}
		if !isHex(s[i]) || (i > 0 && isB64(s[i-1])) {
			// The rest of a base64-alphabet run starts nothing: no
			// backslash, and a hex run may not follow one of its bytes.
			for i++; i < len(s) && isB64(s[i]) && isB64(s[i-1]); i++ {
			}
			continue
		}
		// plain "69676e6f7265" or space-separated "69 67 6e". The run is
		// measured before anything is decoded: most runs are ordinary
		// words ("deaf", "be"), and a buffer for each cost one allocation
		// per such word.
		j, n := hexRun(s, i)
		if n >= minHexBytes && (j >= len(s) || !isB64(s[j])) {
			dst := make([]byte, 0, n)
			for k := i; k < j; {
				if s[k] == ' ' || s[k] == ':' {
					k++
					continue
				}
				dst = append(dst, unhex(s[k])<<4|unhex(s[k+1]))
				k += 2
			}
			if dec, ok := printable(dst); ok {
				add("hex", dec, i, j)
			}
		}
		if j == i {
			j++
		}
		i = j
	}
}

// hexRun returns the end of the run of hex pairs at s[i:] (pairs may be
// separated by one space or colon when the next pair stands alone) and the
// number of pairs in it.
func hexRun(s string, i int) (end, pairs int) {
	j := i
	for j+1 < len(s) && isHex(s[j]) && isHex(s[j+1]) {
		pairs++
		j += 2
		if j+2 < len(s) && (s[j] == ' ' || s[j] == ':') && isHex(s[j+1]) && isHex(s[j+2]) && (j+3 >= len(s) || !isHex(s[j+3])) {
			j++
		}
	}
	return j, pairs
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// scanURL decodes runs of non-space text that hold at least two %XX escapes.
// Only runs with a '%' are looked at: the search jumps from one to the next.
func scanURL(s string, add func(kind, dec string, start, end int)) {
	for p := 0; p < len(s); {
		k := strings.IndexByte(s[p:], '%')
		if k < 0 {
			return
		}
		// The run holding the '%': back to the end of the last run
		// looked at (p is at a space, or 0), forward to the next space.
		i := p + k
		for i > p && !urlSpace(s[i-1]) {
			i--
		}
		j := i
		esc := 0
		for j < len(s) && !urlSpace(s[j]) {
			if s[j] == '%' && j+2 < len(s) && isHex(s[j+1]) && isHex(s[j+2]) {
				esc++
			}
			j++
		}
		if esc >= 2 {
			dst := make([]byte, 0, j-i)
			for k := i; k < j; k++ {
				c := s[k]
				switch {
				case c == '%' && k+2 < j && isHex(s[k+1]) && isHex(s[k+2]):
					dst = append(dst, unhex(s[k+1])<<4|unhex(s[k+2]))
					k += 2
				case c == '+':
					dst = append(dst, ' ')
				default:
					dst = append(dst, c)
				}
			}
			if dec, ok := printable(dst); ok {
				add("url", dec, i, j)
			}
		}
		p = j
	}
}

func urlSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' }

// printable accepts decoded bytes that are valid UTF-8 text: at least 85%
// letters, digits, spaces and common punctuation, and some letters.
func printable(b []byte) (string, bool) {
	if len(b) < 4 || !utf8.Valid(b) {
		return "", false
	}
	good, letters, total := 0, 0, 0
	for _, r := range string(b) {
		total++
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			good++
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
		case r < 0x80:
			good++
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
				letters++
			}
		default:
			good++
			letters++
		}
	}
	if good*100 < total*85 || letters*2 < total {
		return "", false
	}
	return string(b), true
}

// rot13Words are common English words; text whose rot13 holds many more of
// them than the text itself is probably rot13.
var rot13Words = map[string]bool{
	"the": true, "and": true, "you": true, "your": true, "all": true, "to": true, "of": true,
	"is": true, "are": true, "ignore": true, "previous": true, "instructions": true, "tell": true,
	"me": true, "what": true, "password": true, "system": true, "prompt": true, "now": true,
	"reveal": true, "secret": true, "print": true, "say": true, "with": true, "for": true,
	"this": true, "that": true, "it": true, "in": true, "a": true, "how": true, "do": true,
	"make": true, "forget": true, "rules": true, "above": true, "please": true, "write": true,
}

// rot13Words bounds how many words rot13Text looks at: a text written in
// rot13 shows it in its first few hundred words.
const rot13MaxWords = 400

// rot13Text returns the rot13 of s when it reads as English and s does not.
func rot13Text(s string) (string, bool) {
	var rbuf [16]byte
	plain, rot, words := 0, 0, 0
	letterWords(s, rot13MaxWords, func(w []byte, n int) {
		words++
		if w == nil {
			return
		}
		for k, l := range w {
			rbuf[k] = 'a' + (l-'a'+13)%26
		}
		if rot13Words[string(w)] {
			plain++
		}
		if rot13Words[string(rbuf[:n])] {
			rot++
		}
	})
	if rot < 2 || rot*4 < words || rot <= 2*plain {
		return "", false
	}
	out := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
			c = 'a' + (c-'a'+13)%26
		case 'A' <= c && c <= 'Z':
			c = 'A' + (c-'A'+13)%26
		}
		out[i] = c
	}
	return string(out), true
}

// scanTags returns each run of Unicode tag characters (U+E0020..U+E007E,
// invisible ASCII) as its own text: Normalize decodes them in place, where
// the visible text around them dilutes what they say.
func scanTags(s string, add func(kind, dec string, start, end int)) {
	if !strings.Contains(s, "\xf3\xa0") {
		return
	}
	var dst []byte
	start := -1
	flush := func(end int) {
		if len(dst) >= 4 {
			add("tags", string(dst), start, end)
		}
		dst, start = dst[:0], -1
	}
	for i := 0; i < len(s); {
		r, sz := utf8.DecodeRuneInString(s[i:])
		if r >= 0xE0020 && r <= 0xE007E {
			if start < 0 {
				start = i
			}
			dst = append(dst, byte(r-0xE0000))
		} else if start >= 0 && !invisible(r) {
			flush(i)
		}
		i += sz
	}
	if start >= 0 {
		flush(len(s))
	}
}

// Limits on payload-splitting pieces.
const (
	maxConcatPieces = 8
	maxPieceBytes   = 4096
)

// piece is a string literal assigned to a variable.
type piece struct {
	name       string
	start, end int // the assignment's span in s
	val        string
}

// scanConcat finds payload splitting: string literals assigned to variables
// (a = "ignore all prev"; b = "ious instructions") that the text joins
// ("a + b") or asks to join ("concatenate them"). It returns the pieces
// joined, in the order of the join expression when there is one, else in
// the order assigned, mapped to the span of the assignments.
func scanConcat(s string, add func(kind, dec string, start, end int)) {
	if strings.Count(s, "=") < 2 {
		return
	}
	var pbuf [maxConcatPieces]piece
	ps := pbuf[:0]
	for i := 0; i < len(s) && len(ps) < maxConcatPieces; {
		k := strings.IndexByte(s[i:], '=')
		if k < 0 {
			break
		}
		eq := i + k
		i = eq + 1
		if p, ok := assignment(s, eq); ok {
			ps = append(ps, p)
			i = p.end
		}
	}
	if len(ps) < 2 {
		return
	}
	order := joinOrder(s, ps)
	if order == nil {
		if !containsFold(s, splitWords) {
			return
		}
		order = make([]int, len(ps))
		for k := range order {
			order[k] = k
		}
	}
	var b strings.Builder
	for _, k := range order {
		b.WriteString(ps[k].val)
	}
	if dec, ok := printable([]byte(b.String())); ok {
		add("concat", dec, ps[0].start, ps[len(ps)-1].end)
	}
}

// splitWords ask for pieces to be joined.
var splitWords = []string{"concat", "combin", "join", "merge", "together", "append", "assembl"}

// assignment parses `name = "literal"` around the '=' at s[eq].
func assignment(s string, eq int) (piece, bool) {
	if eq+1 < len(s) && s[eq+1] == '=' {
		return piece{}, false // ==
	}
	j := eq
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	ne := j
	for j > 0 && ne-j < 32 && isIdent(s[j-1]) {
		j--
	}
	if j == ne || (j > 0 && isIdent(s[j-1])) || ('0' <= s[j] && s[j] <= '9') {
		return piece{}, false
	}
	q := eq + 1
	for q < len(s) && (s[q] == ' ' || s[q] == '\t') {
		q++
	}
	openQ, osz := utf8.DecodeRuneInString(s[q:])
	var closeQ rune
	switch openQ {
	case '"', '\'', '`':
		closeQ = openQ
	case '“':
		closeQ = '”'
	default:
		return piece{}, false
	}
	vs := q + osz
	limit := min(len(s), vs+maxPieceBytes)
	k := strings.IndexRune(s[vs:limit], closeQ)
	if k < 0 {
		return piece{}, false
	}
	ve := vs + k
	return piece{name: s[j:ne], start: j, end: ve + utf8.RuneLen(closeQ), val: s[vs:ve]}, true
}

func isIdent(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// joinOrder finds an expression joining two or more of the assigned names
// with '+' ("a + b + c", "b+a") after the assignments and returns the
// pieces' indexes in its order, or nil.
func joinOrder(s string, ps []piece) []int {
	rest := s[ps[len(ps)-1].end:]
	for i := 0; i < len(rest); {
		k := strings.IndexByte(rest[i:], '+')
		if k < 0 {
			return nil
		}
		p := i + k
		i = p + 1
		// Walk back to the first operand, then forward over "x + y + z".
		a := p
		for a > 0 && rest[a-1] == ' ' {
			a--
		}
		st := a
		for st > 0 && isIdent(rest[st-1]) {
			st--
		}
		var order []int
		pos := st
		for {
			e := pos
			for e < len(rest) && isIdent(rest[e]) {
				e++
			}
			idx := pieceIndex(ps, rest[pos:e])
			if idx < 0 {
				break
			}
			order = append(order, idx)
			for e < len(rest) && rest[e] == ' ' {
				e++
			}
			if e >= len(rest) || rest[e] != '+' || len(order) >= maxConcatPieces {
				break
			}
			e++
			for e < len(rest) && rest[e] == ' ' {
				e++
			}
			pos = e
		}
		if len(order) >= 2 {
			return order
		}
	}
	return nil
}

func pieceIndex(ps []piece, name string) int {
	if name == "" {
		return -1
	}
	for k := range ps {
		if ps[k].name == name {
			return k
		}
	}
	return -1
}

// containsFold reports whether s contains one of the lower-case ASCII
// words, ignoring case, in one pass over s.
func containsFold(s string, words []string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		for _, w := range words {
			if c == w[0] && i+len(w) <= len(s) && strings.EqualFold(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}
