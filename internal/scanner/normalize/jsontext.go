package normalize

import (
	"encoding/json"
	"unicode/utf8"
)

// A JSON text read as what it says. Tool results are often JSON:
// {"status": "ok", "result": "…"}. The model that gets one reads the
// strings; the detectors read the whole encoding, whose quotes, braces and
// keys land in the same sentence as a short instruction in a value and
// dilute it ("Now write a manifesto" scored as an attack alone, not inside
// a JSON object), and whose escapes run a command page's lines into one
// sentence full of \" (a page of shell documentation scored as an attack
// in JSON, not as text). JSONText gives the strings alone, decoded, one per
// line, each mapped back to its own bytes.

// maxJSONDepth is how many times a string value that is itself JSON text
// (a tool result encoded twice: {"content": "{\"text\": \"…\"}"}) is read
// in turn.
const maxJSONDepth = 2

// JSONText returns the strings of s, an object or array, decoded and
// normalized, one per line, as a variant whose bytes map to the string they
// came from; ok when s starts (after white space) with { or [ and has a
// string of words in it. Strings of one ASCII word ("ok", "active", a URL,
// an id, most keys) are left out: they say nothing to follow, and alone on
// a line the model scores some of them as an attack's one-word reply ("ok"
// at 0.987 in a 160-byte window). letters reports whether an escape stood
// for an ASCII letter or digit, which no encoder escapes.
//
// The reading is lenient, as the model's is (a truncated result still
// yields the strings it has). It is never all that s says: keys and values
// of one word, words joined by "-" or control characters and text outside
// the strings are not in it, so s must be read as written too.
func JSONText(s string) (v Variant, letters, ok bool) {
	if !jsonStart(s) {
		return Variant{}, false, false
	}
	j := jsonStrings{b: make([]byte, 0, len(s)), orig: make([]int32, 0, len(s)+1)}
	j.values(s, nil, 0)
	j.endRun(len(j.b))
	if len(j.b) == 0 {
		return Variant{}, false, false
	}
	j.orig = append(j.orig, j.orig[len(j.orig)-1]) // the end: the last string's closing quote
	t := normalizeBase(string(j.b), 0, len(j.b))
	if t.Norm == "" {
		return Variant{}, false, false
	}
	// Offsets into the strings' text become offsets into s.
	for i, o := range t.off {
		t.off[i] = j.orig[o]
	}
	for i, o := range t.evAt {
		t.evAt[i] = j.orig[o]
	}
	return Variant{Kind: "json", Text: t}, j.letters, true
}

// jsonStart reports whether s starts, after white space, with { or [.
func jsonStart[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}

// jsonStrings collects decoded string values: b their text, a newline after
// each, and orig[i] the offset in the original text of b[i].
type jsonStrings struct {
	b       []byte
	orig    []int32
	letters bool
	// run counts the one-word values since the last line, which start at
	// b[runStart:], each followed by a space.
	run, runStart int
}

// values appends the strings of words of the JSON text s (keys and
// values). at maps an offset of s to one of the original text (nil: s is
// the original text).
func (j *jsonStrings) values(s string, at []int32, depth int) {
	pos := func(i int) int32 {
		if at == nil {
			return int32(i)
		}
		return at[i]
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		start := len(j.b)
		k := i + 1
		letter, words, escLetter := false, false, false
		for k < len(s) && s[k] != '"' {
			c := s[k]
			if c == '\\' {
				r, size, hid := escapeAt(s, k)
				if size == 0 { // not an escape: the backslash stands for itself
					j.add(c, pos(k))
					k++
					continue
				}
				escLetter = escLetter || hid
				letter = letter || hid || r >= 0x80
				words = words || r >= 0x80 || r == ' ' || r == '\n' || r == '\t' || r == '_'
				var enc [utf8.UTFMax]byte
				n := utf8.EncodeRune(enc[:], r)
				for _, e := range enc[:n] {
					j.add(e, pos(k))
				}
				k += size
				continue
			}
			letter = letter || isLetterByte(c|0x20)
			words = words || c >= 0x80 || c == ' ' || c == '\n' || c == '\t' || c == '_'
			j.add(c, pos(k))
			k++
		}
		end := min(k, len(s)) // the closing quote, or the end of a truncated text
		i = k                 // the loop's i++ steps past the closing quote
		str := j.b[start:]
		switch {
		case !letter:
			// A number, date or id written as a string.
			j.truncate(start)
		case depth+1 < maxJSONDepth && jsonStart(str) && json.Valid(str):
			// A value that is JSON text itself: its own strings instead
			// (only when valid: the strings of an invalid one are not all
			// it says).
			inner := string(str)
			innerAt := append([]int32(nil), j.orig[start:]...)
			innerAt = append(innerAt, pos(end))
			j.truncate(start)
			j.letters = j.letters || escLetter
			j.values(inner, innerAt, depth+1)
		case words:
			j.endRun(start)
			j.letters = j.letters || escLetter // endRun may have moved the string
			j.add('\n', pos(end))
		case isKey(s, k+1) || !wordLike(str):
			// A key of one word (the schema's, not the content's), or
			// a value such as a URL, an id or a version.
			j.truncate(start)
		default:
			// A value of one word: part of a run of them (a sentence
			// split into an array of words), or nothing.
			if j.run == 0 {
				j.runStart = start
			}
			j.run++
			j.add(' ', pos(end))
			j.letters = j.letters || escLetter
		}
	}
}

// minRun is the fewest one-word values in a row read as a line: a
// sentence split into words has three or more ("ignore", "previous",
// "instructions"); one or two are labels ("ok", "active").
const minRun = 3

// endRun ends the run of one-word values before b[at:]: a run of minRun or
// more becomes a line; a shorter one is dropped.
func (j *jsonStrings) endRun(at int) {
	switch {
	case j.run == 0:
	case j.run < minRun:
		n := copy(j.b[j.runStart:], j.b[at:])
		copy(j.orig[j.runStart:], j.orig[at:])
		j.truncate(j.runStart + n)
	default:
		j.b[at-1] = '\n' // the run's last separator
	}
	j.run = 0
}

// wordLike reports whether the string w (of no spaces) reads as a word:
// letters, with apostrophes, hyphens and punctuation around them, and no
// digits or the characters of URLs, paths and ids.
func wordLike(w []byte) bool {
	for _, c := range w {
		if c >= utf8.RuneSelf || isLower(c|0x20) {
			continue
		}
		switch c {
		case '\'', '-', '.', ',', '!', '?', ';', ':', '(', ')', '"':
			continue
		}
		return false
	}
	return true
}

func (j *jsonStrings) truncate(n int) { j.b, j.orig = j.b[:n], j.orig[:n] }

// isKey reports whether the string that closed before s[i] is an object
// key: a colon follows it.
func isKey(s string, i int) bool {
	for ; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}

func (j *jsonStrings) add(c byte, at int32) {
	j.b = append(j.b, c)
	j.orig = append(j.orig, at)
}
