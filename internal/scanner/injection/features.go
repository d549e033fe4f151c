package injection

import (
	"math"
	"slices"
	"unicode/utf8"
)

// Feature extraction. The trainer (cmd/bulwark-train) and the detector share
// this code, so a model always sees at run time the features it was trained
// on. Features are hashed into 2^Bits buckets:
//   - byte n-grams of length 3 to 5 of the normalized sentence, padded with a
//     space at both ends (robust to morphology, typos and other languages);
//   - word unigrams and bigrams, where a CJK or kana character is a word of
//     its own (Chinese and Japanese are written without spaces).
//
// N-grams never cross a sentence boundary, so the score of a window of
// sentences is the sum of its sentences' scores; that makes sliding windows
// over long documents cheap.

const (
	seedChar  = 2166136261
	seedWord  = 0x9e3779b9
	seedBigr  = 0x85ebca6b
	fnvPrime  = 16777619
	minNGram  = 3
	maxNGram  = 5
	maxSent   = 400 // bytes; longer sentences are cut at a space
	windowMax = 512 // bytes of normalized text per window
)

func mix(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x7feb352d
	h ^= h >> 15
	h *= 0x846ca68b
	h ^= h >> 16
	return h
}

// Feature sets beyond the base n-grams; a model records the set it was
// trained with (Model.Feat).
const (
	// FeatShape adds instruction-structure features: the first word of a
	// sentence (imperatives), and trigrams and 4-grams of the sentence's
	// "skeleton", where function words, pronouns, modals and a few words
	// about instructions stay and every other word becomes a slot ("you are
	// now *", "from now on you will *", "* your previous *"). They describe
	// how a sentence addresses the reader rather than its topic.
	FeatShape = 1 << iota
	// FeatShortWindows: texts are also scored in short windows of at most
	// shortWindow bytes (a sentence or two), so a one-line instruction in a
	// document is not diluted by the carrier sentences of a 512-byte window.
	FeatShortWindows
	// FeatConcept adds cross-lingual concept features (concepts.go).
	FeatConcept
)

// shortWindow is the size of the short windows (FeatShortWindows), and
// shortMinSpan the shortest text that gets them: in a prompt of a few
// sentences the whole text and 512-byte windows already localize an
// instruction, and short windows there mostly add chances for an ordinary
// closing sentence ("tell me what you would measure … Thanks.") to score
// high; in longer documents they find one-line payloads.
const (
	shortWindow  = 160
	shortMinSpan = 1024
	// wholeMax is the longest text (normalized bytes, first sentence to
	// last) that is also scored as a whole. The model normalizes a chunk's
	// sum by the square root of its feature count, so over a long text the
	// small average weight of ordinary words grows with the square root of
	// the length: benign documents of 32 KB scored like attacks (14 of 37
	// concatenated security-documentation pages were flagged, 11 of them on
	// the whole text). Longer texts are scored in windows only. 6 KB is
	// above the longest whole-text positive the model trains on (jailbreak
	// templates of up to 5.6 KB).
	wholeMax = 6 << 10
)

const (
	seedFirst = 0x27d4eb2f
	seedSkel  = 0x165667b1
	slotWord  = 0xffffffff // skeleton token of a content word
)

// skeletonWords are the words kept in a sentence skeleton (FeatShape), keyed
// by their word hash (computed once at init).
var skeletonWords = func() map[uint32]bool {
	m := map[uint32]bool{}
	for _, w := range []string{
		// pronouns and determiners
		"i", "me", "my", "you", "your", "yours", "yourself", "we", "us", "our", "it", "its", "they", "them", "their",
		"he", "she", "his", "her", "this", "that", "these", "those", "the", "a", "an", "all", "any", "every", "each",
		"no", "some", "other", "another", "such", "what", "which", "who", "whom", "whose", "how", "why", "when", "where",
		// auxiliaries and modals
		"is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "not", "don't", "can", "could",
		"will", "would", "should", "must", "shall", "may", "might", "have", "has", "had", "cannot", "won't", "can't",
		// prepositions, conjunctions, adverbs of discourse
		"to", "of", "in", "on", "for", "with", "about", "from", "by", "as", "at", "into", "than", "then", "and", "or",
		"but", "if", "so", "because", "instead", "now", "just", "only", "also", "never", "always", "again", "anymore",
		"please", "here", "there", "up", "out", "off", "over", "after", "before", "above", "below", "following",
		"previous", "prior", "earlier", "new", "first", "next", "rather", "without", "any", "anything", "everything",
		"nothing", "something", "yes", "no", "ok", "okay",
		// words about instructions and roles
		"instruction", "instructions", "prompt", "prompts", "rule", "rules", "system", "task", "text", "message",
		"assistant", "ai", "model", "user", "role", "mode", "answer", "response", "reply", "output", "guidelines",
	} {
		h := uint32(seedWord)
		for k := 0; k < len(w); k++ {
			h = (h ^ uint32(w[k])) * fnvPrime
		}
		m[h] = true
	}
	return m
}()

// AppendFeatures appends the hash of every feature of the normalized
// sentence s under feature set feat to dst and returns it.
func AppendFeatures(dst []uint32, s string, feat uint8) []uint32 {
	emit := func(h uint32) { dst = append(dst, h) }
	shape := feat&FeatShape != 0
	if feat&FeatConcept != 0 {
		dst = AppendConceptFeatures(dst, s)
	}
	var sk [4]uint32 // last skeleton tokens, newest last
	nsk, nfirst := 0, true
	// Byte n-grams of lengths 3, 4 and 5 over " " + s + " "; the hash of
	// an n-gram of length k+1 is mix(FNV-1a + k).
	var pbuf [maxSent + 64]byte
	p := pbuf[:0]
	if len(s)+2 > len(pbuf) {
		p = make([]byte, 0, len(s)+2)
	}
	p = append(append(append(p, ' '), s...), ' ')
	dst = slices.Grow(dst, 3*len(p))
	for i := 0; i+minNGram <= len(p); i++ {
		h := (uint32(seedChar) ^ uint32(p[i])) * fnvPrime
		h = (h ^ uint32(p[i+1])) * fnvPrime
		h = (h ^ uint32(p[i+2])) * fnvPrime
		dst = append(dst, mix(h+2))
		if i+3 < len(p) {
			h = (h ^ uint32(p[i+3])) * fnvPrime
			dst = append(dst, mix(h+3))
			if i+4 < len(p) {
				h = (h ^ uint32(p[i+4])) * fnvPrime
				dst = append(dst, mix(h+4))
			}
		}
	}
	// Words.
	var prev uint32
	havePrev := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && !isAlnum(c) {
			i++
			havePrev = havePrev && c != '\n' // bigrams stop at newlines only
			if c == '\n' {
				nsk, nfirst = 0, true
			}
			continue
		}
		j := i
		h := uint32(seedWord)
		if c >= utf8.RuneSelf {
			r, sz := utf8.DecodeRuneInString(s[i:])
			if isCJK(r) {
				j = i + sz
				for k := i; k < j; k++ {
					h = (h ^ uint32(s[k])) * fnvPrime
				}
				goto word
			}
		}
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if !isAlnum(c) {
					break
				}
				h = (h ^ uint32(c)) * fnvPrime
				j++
				continue
			}
			r, sz := utf8.DecodeRuneInString(s[j:])
			if isCJK(r) || !letterish(r) {
				break
			}
			for k := j; k < j+sz; k++ {
				h = (h ^ uint32(s[k])) * fnvPrime
			}
			j += sz
		}
		if j == i { // a non-letter rune
			_, sz := utf8.DecodeRuneInString(s[i:])
			i += sz
			continue
		}
	word:
		emit(mix(h))
		if havePrev {
			emit(mix(prev*seedBigr ^ h))
		}
		prev, havePrev = h, true
		i = j
		if shape {
			if nfirst {
				emit(mix(h ^ seedFirst))
				nfirst = false
			}
			t := uint32(slotWord)
			if skeletonWords[h] {
				t = h
			}
			sk[0], sk[1], sk[2], sk[3] = sk[1], sk[2], sk[3], t
			nsk++
			if nsk >= 3 && (sk[1] != slotWord || sk[2] != slotWord || sk[3] != slotWord) {
				g := ((seedSkel^sk[1])*fnvPrime^sk[2])*fnvPrime ^ sk[3]
				emit(mix(g * fnvPrime))
				if nsk >= 4 {
					emit(mix((g*fnvPrime ^ sk[0]) * 0x9e3779b1))
				}
			}
		}
	}
	return dst
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
}

// isCJK reports Han, kana and CJK symbols: one character, one word.
func isCJK(r rune) bool {
	return (r >= 0x3040 && r <= 0x30FF) || (r >= 0x3400 && r <= 0x9FFF) || (r >= 0xF900 && r <= 0xFAFF) || (r >= 0x20000 && r <= 0x2FA1F)
}

// letterish reports non-ASCII runes that belong inside words.
func letterish(r rune) bool {
	switch {
	case r >= 0x2000 && r <= 0x2BFF: // punctuation, symbols, arrows
		return false
	case r >= 0x3000 && r <= 0x303F: // CJK punctuation
		return false
	case r >= 0xFF00 && r <= 0xFFEF:
		return false
	case r >= 0x1F000: // emoji
		return false
	}
	return r != utf8.RuneError
}

// Span is a byte range of a normalized text.
type Span struct{ Start, End int }

// Sentences splits the normalized text s into sentences: at newlines, after
// . ! ? ; and their CJK forms, and at a space past maxSent bytes. It appends
// to dst and returns it.
func Sentences(dst []Span, s string) []Span {
	start := 0
	flush := func(end int) {
		for start < end && s[start] == ' ' {
			start++
		}
		if end > start {
			dst = append(dst, Span{start, end})
		}
		start = end
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			flush(i)
			start = i + 1
			i++
			continue
		case c == '.' || c == '!' || c == '?' || c == ';':
			if i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\n' {
				flush(i + 1)
			}
			i++
			continue
		case c == ' ' && i-start >= maxSent:
			flush(i)
			i++
			continue
		case c < utf8.RuneSelf:
			i++
			continue
		}
		r, sz := utf8.DecodeRuneInString(s[i:])
		i += sz
		switch r {
		case '。', '！', '？', '；':
			flush(i)
		default:
			if i-start >= maxSent+200 && i-start >= 3 { // no spaces (CJK): cut anyway
				flush(i)
			}
		}
	}
	flush(len(s))
	return dst
}

// Windows groups sentences into overlapping windows of at most windowMax
// bytes (at least one sentence each), starting a new window about every half
// window, so any run of sentences up to half a window lies inside one window.
// It appends [first, last) sentence index pairs to dst. A text that fits in
// one window yields one window.
func Windows(dst [][2]int, sents []Span) [][2]int {
	return WindowsN(dst, sents, windowMax)
}

// ShortWindows is Windows with windows of at most shortWindow bytes.
func ShortWindows(dst [][2]int, sents []Span) [][2]int {
	return WindowsN(dst, sents, shortWindow)
}

// WindowsN is Windows with windows of at most size bytes.
func WindowsN(dst [][2]int, sents []Span, size int) [][2]int {
	if len(sents) == 0 {
		return dst
	}
	i := 0
	for {
		j := i + 1
		for j < len(sents) && sents[j].End-sents[i].Start <= size {
			j++
		}
		dst = append(dst, [2]int{i, j})
		if j >= len(sents) {
			return dst
		}
		// next start: first sentence past the window's midpoint
		mid := sents[i].Start + (sents[j-1].End-sents[i].Start)/2
		k := i + 1
		for k < j && sents[k].Start < mid {
			k++
		}
		if k >= j {
			k = j - 1
			if k <= i {
				k = i + 1
			}
		}
		i = k
	}
}

// norm1 is the feature value of one occurrence in a chunk of n features.
func norm1(n int) float64 {
	if n == 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(n))
}
