package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"golang.org/x/text/unicode/norm"
)

// Exact returns s as a scanner for exact tokens (secrets, PII) must read it:
// what a model reads as the ASCII of a key, an address or a number is that
// ASCII. In one pass it
//
//   - removes the invisible characters (zero-width, bidi controls, variation
//     selectors, tag characters: see invisible), as in "AKIA\u200b…";
//   - replaces the Latin ligatures ("ﬁ", "ﬀ", "ﬃ": text extracted from a
//     PDF, "jeﬀ@example.com") by their two or three ASCII letters;
//   - replaces a decimal digit of another script (Arabic-Indic "٤١١١",
//     Devanagari, Bengali, Thai and the other scripts of digitZeros) by the
//     ASCII digit: a card or phone number written in them is still one;
//   - replaces a character whose NFKC form is one printable ASCII character
//     by that character: fullwidth forms ("ＡＫＩＡ", "＠"), mathematical
//     alphanumerics ("𝐀𝐊𝐈𝐀"), letterlike symbols and Roman numerals ("ℌ",
//     "Ⅹ"), circled and squared letters and digits ("Ⓐ", "①", "🄰"), small
//     and vertical punctuation forms ("﹫"). Superscripts, subscripts and
//     modifier letters ("²", "₂", "ª", "ᵃ") are kept: they sit right against
//     a value as footnote markers, exponents and ordinals ("555-0100¹",
//     "m²", "1ª"), and folding them would glue a digit onto the value.
//     Fullwidth punctuation folds only next to a letter or digit ("＠" in
//     an address), since Chinese and Japanese text is full of it ("，");
//   - replaces a no-break or other fixed-width space by a space and a
//     Unicode hyphen, dash or minus sign by "-" where they separate the
//     parts of a value: a space next to an ASCII digit or between two
//     letters (a card number or IBAN copied from a web page,
//     "4111\u00a01111 …", or a name; the ideographic space too, which
//     Chinese and Japanese text keeps between its own words), a dash next
//     to a digit (a phone number or SSN typed in a word processor,
//     "123–45–6789"). NFKC leaves the dashes alone, and prose keeps its
//     dashes between words;
//   - in a JSON text (s starts with { or [, as tool results do), replaces
//     a JSON string escape that stands for an ASCII character by that
//     character: "\n", "\t", "\"", "\/", "\u0040". A tool result or a
//     config dump in JSON writes its line breaks as "\n", which glued the
//     "n" to a key or address on the next line ("\nAKIA…" is no key to a
//     pattern that wants a word boundary), and "\u0040" is an "@". An
//     escaped backslash ("\\") is kept as two, and so is an escape of a
//     non-ASCII character; a character after a backslash that escapes
//     nothing is not folded into a letter that would make an escape. In
//     other text a backslash is an ordinary byte: "C:\\Users\\me\\.config\\npm_…"
//     is a path, whose "\\n" is no line break;
//   - replaces a Cyrillic or Greek letter drawn like a Latin letter ("А",
//     "о", "Ρ") by that Latin letter, keeping its case, but only inside a
//     token (letters, digits and - _ . @ + / = :) that holds an ASCII
//     letter or digit, and only in a run of letters and digits with no
//     other Cyrillic or Greek letter: "АKIA…" and "jоhn@example.com" fold,
//     a Russian or Greek word ("кот", "API-ключ", "Ουρανός") stays itself.
//
// Everything else, case and digits included, is kept byte for byte:
// secrets and PII depend on them, and leetspeak is no disguise for them.
//
// It returns ok false, and allocates nothing, when nothing changes, the
// common case (ASCII text never changes unless it is JSON with escapes). Otherwise
// off[i] is the offset in s of byte i of folded, or, when that byte replaced
// a character or an escape, of its first byte; MapFindings puts findings on
// folded back on s.
func Exact(s string) (folded string, off []int32, ok bool) {
	escapes := jsonStart(s)
	first := exactFirst(s, escapes)
	if first < 0 {
		return s, nil, false
	}
	// Every change removes a character or turns two or more bytes into
	// one (a ligature's three into at most three), so folded is never
	// longer than s.
	b := make([]byte, first, len(s))
	copy(b, s[:first])
	off = make([]int32, first, len(s))
	for i := range first {
		off[i] = int32(i)
	}
	// invalid: the last byte kept is an invalid one.
	r, n := utf8.DecodeLastRuneInString(s[:first])
	invalid := r == utf8.RuneError && n == 1
	var fo folder
	for i := first; i < len(s); {
		c := s[i]
		if c == '\\' && escapes {
			a, size := asciiEscape(s, i)
			switch {
			case size > 0:
				b, off = append(b, a), append(off, int32(i))
			case i+1 < len(s) && s[i+1] == '\\':
				// An escaped backslash: both kept, and the second
				// escapes nothing ("\\n" is a backslash and an n).
				b, off = append(b, c, c), append(off, int32(i), int32(i+1))
				size = 2
			default:
				// A backslash that escapes nothing. The character after
				// it folds as usual ("\\Ａ" is a key's A) unless its fold
				// would make an escape that was not there ("\\ｎ", "\\ﬁ").
				b, off = append(b, c), append(off, int32(i))
				size = 1
				if n := escapeLetterForm(s, i+1); n > 0 {
					for k := range n {
						b, off = append(b, s[i+1+k]), append(off, int32(i+1+k))
					}
					size += n
				}
			}
			invalid = false
			i += size
			continue
		}
		if c < utf8.RuneSelf {
			b, off = append(b, c), append(off, int32(i))
			invalid = false
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b, off = append(b, c), append(off, int32(i))
			invalid = true
			i++
			continue
		}
		// Removing it must not join invalid bytes around it into a new
		// character ("\xe2\x80" ZWSP "\x8b" would become a ZWSP).
		// Replacing is always safe: an ASCII byte joins nothing.
		if invisible(r) && !(invalid && i+n < len(s) && !utf8.RuneStart(s[i+n])) {
			i += n
			continue
		}
		invalid = false
		if lig := ligature(r); lig != "" {
			for k := range len(lig) {
				b, off = append(b, lig[k]), append(off, int32(i))
			}
			i += n
			continue
		}
		if a := fo.fold(s, i, n, r); a != 0 {
			b, off = append(b, a), append(off, int32(i))
			i += n
			continue
		}
		for k := range n {
			b, off = append(b, s[i+k]), append(off, int32(i+k))
		}
		i += n
	}
	return string(b), off, true
}

// escapeLetterForm returns the length of the character at s[i] when it is
// not ASCII and its fold or ligature would start with a letter of a JSON
// escape (n r t b f u " /), else 0.
func escapeLetterForm(s string, i int) int {
	if i >= len(s) || s[i] < utf8.RuneSelf {
		return 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	a := asciiForm(s, i, r)
	if lig := ligature(r); lig != "" {
		a = lig[0]
	}
	if a != 0 && strings.IndexByte(jsonEscapeLetters, a) >= 0 {
		return n
	}
	return 0
}

// exactFirst returns the offset of the first character Exact changes, or -1.
// escapes says whether JSON escapes are decoded (a JSON text).
func exactFirst(s string, escapes bool) int {
	var fo folder
	for i := 0; i < len(s); {
		if s[i] == '\\' && escapes {
			if _, size := asciiEscape(s, i); size > 0 {
				return i
			}
			i++
			if i < len(s) && s[i] == '\\' {
				i++ // an escaped backslash escapes nothing after it
			} else {
				i += escapeLetterForm(s, i) // kept as written (see Exact)
			}
			continue
		}
		if s[i] < 0xC2 { // ASCII, or a continuation / invalid byte
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unchanging(r) && (invisible(r) || ligature(r) != "" || fo.fold(s, i, n, r) != 0) {
			return i
		}
		i += n
	}
	return -1
}

// jsonEscapeLetters are the letters after a backslash that make a JSON
// escape of an ASCII character (asciiEscape).
const jsonEscapeLetters = `nrtbfu"/`

// asciiEscape decodes the JSON string escape at s[i] ('\\') when it stands
// for an ASCII character other than the backslash itself and the control
// characters but tab and line breaks: the character and the escape's
// length, or 0, 0. It is escapeAt narrowed to JSON and to ASCII.
func asciiEscape(s string, i int) (byte, int) {
	if i+1 >= len(s) || strings.IndexByte(jsonEscapeLetters, s[i+1]) < 0 {
		return 0, 0
	}
	r, size, _ := escapeAt(s, i)
	switch {
	case size == 0 || r >= utf8.RuneSelf || r == '\\' || r == 0x7F:
		return 0, 0
	case r == '\r':
		return '\n', size
	case r < ' ' && r != '\n' && r != '\t':
		return 0, 0
	}
	return byte(r), size
}

// unchanging reports characters that Exact never changes and that are
// common in text: Greek and Cyrillic letters that look like no Latin
// letter, and the CJK, kana and Hangul blocks (with symbols between).
func unchanging(r rune) bool {
	return (r >= 0x2500 && r < 0xFB00 && r != 0x3164 && r != 0x3000) || (r >= 0x370 && r < 0x530 && lookalike(r) == 0 && r != 0x37E)
}

// MapFindings moves findings on folded, the text Exact returned (with its
// off), back onto the original text orig: a span starts at the first byte
// of the character or escape its first byte came from and ends after the
// character or escape its last byte came from, so it covers the invisible
// characters inside it, the whole of a fullwidth or look-alike character
// and the whole of an escape, and redacting it removes them too.
func MapFindings(fs []guard.Finding, folded string, off []int32, orig string) []guard.Finding {
	for i := range fs {
		f := &fs[i]
		if f.Start < 0 || f.End <= f.Start || f.End > len(off) || len(off) != len(folded) {
			continue
		}
		last := int(off[f.End-1])
		// A byte copied from orig maps to itself: a continuation byte
		// decodes as one invalid byte, an ASCII byte as itself. A folded
		// byte maps to the start of its character, which decodes whole.
		// A byte decoded from an escape maps to its backslash, and is
		// never a backslash itself.
		_, n := utf8.DecodeRuneInString(orig[last:])
		if orig[last] == '\\' && folded[f.End-1] != '\\' {
			_, n = asciiEscape(orig, last)
		}
		f.Start, f.End = int(off[f.Start]), last+n
	}
	return fs
}

// asciiForm returns the printable ASCII character that the character r at
// s[i] is a compatibility form of (its NFKC form), or 0. Superscripts,
// subscripts and modifier letters return 0 (see Exact).
func asciiForm(s string, i int, r rune) byte {
	if r >= 0xFF01 && r <= 0xFF5E { // fullwidth ASCII, the common case
		return byte(r - 0xFEE0)
	}
	if !compatCandidate(r) {
		return 0
	}
	d := norm.NFKC.PropertiesString(s[i:]).Decomposition()
	if len(d) == 1 && d[0] > ' ' && d[0] < 0x7F {
		return d[0]
	}
	return 0
}

// compatCandidate reports the blocks that hold every character whose NFKC
// form is one printable ASCII character, less the superscript, subscript
// and modifier-letter blocks: it keeps the lookup in the NFKC tables off
// the path of ordinary text (TestAsciiFormIsNFKC checks it against them).
func compatCandidate(r rune) bool {
	switch {
	case r == 0x017F, r == 0x037E, r == 0x1FEF, r == 0xFB29: // long s, Greek question mark, varia, Hebrew plus
		return true
	case r >= 0x2024 && r < 0x2070, r >= 0x20A0 && r <= 0x24FF: // dot leader; letterlike, number forms, enclosed
		return true
	case r >= 0xFE10 && r <= 0xFE6F: // vertical and small forms
		return true
	case r >= 0x1D400 && r <= 0x1D7FF: // mathematical alphanumerics
		return true
	case r >= 0x1F100 && r <= 0x1F1FF: // enclosed alphanumeric supplement
		return true
	case r >= 0x1FBF0 && r <= 0x1FBF9: // segmented digits
		return true
	}
	return false
}

// lookalikeTable maps the Cyrillic and Greek letters drawn like a Latin
// letter in common fonts to that letter, in the same case. It is stricter
// than confusables (Normalize's table, lower case only): a capital П or Л is
// not an N, and a lower-case н or т is a small capital, not h or t.
var lookalikeTable = func() (t [0x530 - 0x370]byte) {
	for r, l := range map[rune]byte{
		// Cyrillic
		'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T',
		'Х': 'X', 'У': 'Y', 'Ү': 'Y', 'Ѕ': 'S', 'І': 'I', 'Ӏ': 'I', 'Ј': 'J', 'Ԛ': 'Q', 'Ԝ': 'W', 'Һ': 'H',
		'Ѵ': 'V',
		'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'ѕ': 's', 'і': 'i', 'ј': 'j',
		'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l', 'ѵ': 'v', 'ү': 'y',
		// Greek
		'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O',
		'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X', 'Ϲ': 'C', 'Ϳ': 'J',
		'α': 'a', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'υ': 'u', 'χ': 'x', 'ϲ': 'c', 'ϳ': 'j',
	} {
		t[r-0x370] = l
	}
	return t
}()

// lookalike returns the Latin letter the Cyrillic or Greek letter r is drawn
// like, or 0.
func lookalike(r rune) byte {
	if r < 0x370 || r >= 0x530 {
		return 0
	}
	return lookalikeTable[r-0x370]
}

// greekOrCyrillic reports the Greek and Cyrillic blocks.
func greekOrCyrillic(r rune) bool {
	return (r >= 0x370 && r < 0x530) || (r >= 0x1C80 && r <= 0x1C8F) || (r >= 0x1F00 && r <= 0x1FFF) ||
		(r >= 0x2DE0 && r <= 0x2DFF) || (r >= 0xA640 && r <= 0xA69F)
}

// Kinds of character around a look-alike, ordered: a token is a run of
// kinds above kBreak, a run of letters and digits one of kinds above kJoin.
const (
	kBreak     = iota // space, other punctuation and symbols, invalid bytes
	kJoin             // punctuation inside a token: - _ . @ + / = : (or a form of it)
	kInvisible        // removed, so neither joins nor breaks
	kASCII            // an ASCII letter or digit, or a form of one
	kLook             // a Cyrillic or Greek look-alike of a Latin letter
	kForeign          // any other Cyrillic or Greek letter
	kLetter           // any other letter, digit or mark
)

// kindAt returns the kind of the character at s[i] and its length.
func kindAt(s string, i int) (kind, n int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiKind(c), 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	switch {
	case r >= 0x370 && r < 0x530: // Greek and Cyrillic, the common case here
		return int(greekCyrillicKinds[r-0x370]), n
	case r == utf8.RuneError && n == 1:
		return kBreak, 1
	case invisible(r):
		return kInvisible, n
	}
	if a := asciiForm(s, i, r); a != 0 {
		return asciiKind(a), n
	}
	if digitForm(r) != 0 || ligature(r) != "" {
		return kASCII, n
	}
	if sepForm(r) == '-' {
		// Joins a token whether it folds or not, so folding it does
		// not change the token a look-alike is in ("0—р").
		return kJoin, n
	}
	return otherKind(r), n
}

// digitAt reports whether the character at s[i] is an ASCII digit or a form
// of one ("４").
func digitAt(s string, i int) bool {
	if c := s[i]; c < utf8.RuneSelf {
		return '0' <= c && c <= '9'
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if digitForm(r) != 0 {
		return true
	}
	a := asciiForm(s, i, r)
	return '0' <= a && a <= '9'
}

// digitZeros are the zeros of the scripts whose decimal digits Exact folds
// (each script's ten digits are consecutive code points): Arabic-Indic,
// Extended Arabic-Indic (Persian, Urdu), N'Ko, Devanagari, Bengali,
// Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Thai, Lao,
// Tibetan, Myanmar, Khmer and Mongolian. NFKC leaves all of them alone.
var digitZeros = [...]rune{0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
	0xE50, 0xED0, 0xF20, 0x1040, 0x17E0, 0x1810}

// digitForm returns the ASCII digit that the digit r of another script
// stands for, or 0.
func digitForm(r rune) byte {
	if r < 0x660 || r > 0x1819 {
		return 0
	}
	for _, z := range digitZeros {
		if r >= z && r <= z+9 {
			return byte('0' + r - z)
		}
	}
	return 0
}

// ligature returns the ASCII letters of the Latin ligature r (U+FB00 to
// U+FB06, their NFKC forms), or "".
func ligature(r rune) string {
	if r < 0xFB00 || r > 0xFB06 {
		return ""
	}
	return [...]string{"ff", "fi", "fl", "ffi", "ffl", "st", "st"}[r-0xFB00]
}

// otherKind is the kind of a character that is neither ASCII, invisible,
// nor a form of ASCII.
func otherKind(r rune) int {
	switch {
	case lookalike(r) != 0:
		return kLook
	case greekOrCyrillic(r) && unicode.IsLetter(r):
		return kForeign
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return kLetter
	}
	return kBreak
}

// greekCyrillicKinds holds kindAt for the Greek and Cyrillic blocks, where
// a token around a look-alike is mostly made of them.
var greekCyrillicKinds = func() (t [0x530 - 0x370]uint8) {
	for r := rune(0x370); r < 0x530; r++ {
		var buf [4]byte
		s := string(buf[:utf8.EncodeRune(buf[:], r)])
		k := otherKind(r)
		if a := asciiForm(s, 0, r); a != 0 { // the Greek question mark
			k = asciiKind(a)
		}
		t[r-0x370] = uint8(k)
	}
	return t
}()

func asciiKind(c byte) int {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return kASCII
	case c == '-', c == '_', c == '.', c == '@', c == '+', c == '/', c == '=', c == ':':
		return kJoin
	}
	return kBreak
}

// folder decides what the characters of s fold to, left to right, looking
// at each token and run of letters once (so the work stays linear in len(s)
// however long a token is).
type folder struct {
	tokEnd, runEnd int
	tokASCII       bool // the token ending at tokEnd holds an ASCII letter or digit
	runFolds       bool // the run ending at runEnd holds no other Greek or Cyrillic letter
}

// fold returns the ASCII character that the character r at s[i], n bytes
// long, becomes, or 0 if it stays. Calls must come with i increasing.
func (fo *folder) fold(s string, i, n int, r rune) byte {
	if d := digitForm(r); d != 0 {
		return d
	}
	if l := lookalike(r); l != 0 {
		if fo.lookalikeFolds(s, i) {
			return l
		}
		return 0
	}
	if a := asciiForm(s, i, r); a != 0 && a != '\\' {
		// A backslash form ("＼") stays: folded, it would start a JSON
		// escape that was not one ("＼b" is no backspace).
		//
		// Fullwidth punctuation ("，", "：", "（") is the ordinary
		// punctuation of Chinese and Japanese text: it folds only next to
		// a letter or digit, where it can be part of a value ("＠" in an
		// address, "－" in a phone number). Chinese prose keeps the path
		// that copies nothing.
		if asciiKind(a) != kASCII {
			if b, f := neighbours(s, i, n); b == nbOther && f == nbOther {
				return 0
			}
		}
		return a
	}
	switch sepForm(r) {
	case ' ':
		// Between the groups of a number, or between two words ("John
		// Smith"); French puts one before "!" and "?", where it stays.
		if b, f := neighbours(s, i, n); b == nbDigit || f == nbDigit || (b != nbOther && f != nbOther) {
			return ' '
		}
	case '-':
		if b, f := neighbours(s, i, n); b == nbDigit || f == nbDigit {
			return '-'
		}
	}
	return 0
}

// sepForm returns the ASCII separator that the space or dash r stands for
// in a value, or 0: ' ' for the no-break space and the fixed-width spaces of
// general punctuation, '-' for the hyphens, dashes and minus sign (NFKC maps
// none of the dashes to ASCII, and the no-break space is not one of its
// candidates here; see compatCandidate).
func sepForm(r rune) byte {
	switch {
	case r == 0x00A0, r >= 0x2000 && r <= 0x200A, r == 0x202F, r == 0x205F, r == 0x3000:
		return ' '
	case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE58:
		return '-'
	}
	return 0
}

// lookalikeFolds reports whether the look-alike at s[i] folds.
func (fo *folder) lookalikeFolds(s string, i int) bool {
	if i >= fo.tokEnd {
		var ascii bool
		fo.tokEnd, ascii, _ = around(s, i, kBreak)
		fo.tokASCII, fo.runEnd = ascii, 0
	}
	if !fo.tokASCII {
		return false
	}
	if i >= fo.runEnd {
		var foreign bool
		fo.runEnd, _, foreign = around(s, i, kJoin)
		fo.runFolds = !foreign
	}
	return fo.runFolds
}

// Neighbours of a character, invisible characters aside (see neighbours).
const (
	nbOther  = iota // none, or not an ASCII letter or digit
	nbLetter        // an ASCII letter, a form of one or a look-alike of one
	nbDigit         // an ASCII digit or a form of one
)

// neighbours returns what is next to the character at s[i], n bytes long,
// on each side, invisible characters aside.
func neighbours(s string, i, n int) (before, after int) {
	class := func(j, k int) int {
		switch {
		case k == kASCII && digitAt(s, j):
			return nbDigit
		case k == kASCII || k == kLook:
			return nbLetter
		}
		return nbOther
	}
	for j := i; j > 0; {
		_, m := utf8.DecodeLastRuneInString(s[:j])
		if k, _ := kindAt(s, j-m); k != kInvisible {
			before = class(j-m, k)
			break
		}
		j -= m
	}
	for j := i + n; j < len(s); {
		k, m := kindAt(s, j)
		if k != kInvisible {
			after = class(j, k)
			break
		}
		j += m
	}
	return before, after
}

// around returns the end of the run of characters of kinds above stop that
// holds s[i], and whether the run holds a character of kind kASCII and of
// kind kForeign.
func around(s string, i, stop int) (end int, ascii, foreign bool) {
	for j := i; j > 0; {
		_, n := utf8.DecodeLastRuneInString(s[:j])
		k, _ := kindAt(s, j-n)
		if k <= stop {
			break
		}
		ascii, foreign = ascii || k == kASCII, foreign || k == kForeign
		j -= n
	}
	j := i
	for j < len(s) {
		k, n := kindAt(s, j)
		if k <= stop {
			break
		}
		ascii, foreign = ascii || k == kASCII, foreign || k == kForeign
		j += n
	}
	return j, ascii, foreign
}
