package normalize

import (
	"unicode"
	"unicode/utf8"
)

// confusables maps lower-case Cyrillic, Greek and other look-alikes of Latin
// letters to the Latin letter. It is applied only to words that mix scripts
// or that are made of look-alikes among Latin words, so Russian or Greek
// text stays itself.
var confusables = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'һ': 'h', 'і': 'i', 'ї': 'i', 'ј': 'j', 'к': 'k',
	'ӏ': 'l', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'ԛ': 'q', 'г': 'r', 'ѕ': 's', 'т': 't',
	'ц': 'u', 'ѵ': 'v', 'ԝ': 'w', 'х': 'x', 'у': 'y', 'ԁ': 'd', 'ɡ': 'g', 'ո': 'n',
	'ꮃ': 'w', 'ь': 'b', 'п': 'n', 'и': 'u', 'л': 'n', 'с': 'c', 'ԍ': 'g', 'ԃ': 'd',
	// Greek
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'τ': 't', 'υ': 'u', 'χ': 'x', 'γ': 'y', 'ω': 'w', 'μ': 'u', 'ϲ': 'c', 'ϳ': 'j', 'ς': 's',
	'ɑ': 'a', 'ɩ': 'i', 'ʏ': 'y', 'ɪ': 'i', 'ζ': 'z', 'σ': 'o',
	// Armenian and others that render like Latin
	'օ': 'o', 'ս': 'u', 'զ': 'q', 'ց': 'g', 'հ': 'h', 'ⅼ': 'l', 'ı': 'i', 'ȷ': 'j',
}

// smallCaps maps small-capital and other letter-like symbols without a
// compatibility decomposition to Latin letters (applied everywhere: no
// language writes words with them).
var smallCaps = map[rune]rune{
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i',
	'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ʀ': 'r', 'ꜱ': 's',
	'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z', 'ǝ': 'e', 'ɐ': 'a', 'ɹ': 'r',
	'ʇ': 't', 'ɯ': 'm', 'ʞ': 'k', 'ɥ': 'h', 'ʍ': 'w', 'ʌ': 'v', 'ɔ': 'c', 'ɟ': 'f',
}

// leetBytes marks the bytes leet may fold.
var leetBytes = func() (t [256]bool) {
	for c := range 256 {
		t[c] = leet(byte(c)) != 0
	}
	return t
}()

// anyLeet reports whether w holds a byte that leet folds (most words do
// not, and skip the rest of the leetspeak checks).
func anyLeet(w []byte) bool {
	for _, c := range w {
		if leetBytes[c] {
			return true
		}
	}
	return false
}

// leet maps leetspeak digits and symbols to letters inside words.
func leet(c byte) byte {
	switch c {
	case '0':
		return 'o'
	case '1', '!', '|':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7', '+':
		return 't'
	}
	return 0
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

// leetAt is leet(w[k]) in the context of the word w: '@' before a domain
// ("x@y.com") is an e-mail address, not an 'a'; '+' between two short
// operands ("a+b", "x+y") is an operator, not a 't' (payload splitting
// writes "a+b" and must stay readable).
func leetAt(w []byte, k int) byte {
	c := w[k]
	switch c {
	case '!', '|':
		// Only between letters ("h!dden"): "pwned!!" ends a sentence.
		if k == 0 || k+1 >= len(w) || !isLower(w[k-1]) || !isLower(w[k+1]) {
			return 0
		}
	case '@':
		if domainAfter(w[k+1:]) {
			return 0
		}
	case '+':
		left, right := 0, 0
		for j := k - 1; j >= 0 && (isLower(w[j]) || leetDigit(w[j])); j-- {
			left++
		}
		for j := k + 1; j < len(w) && (isLower(w[j]) || leetDigit(w[j])); j++ {
			right++
		}
		if left+right < 4 {
			return 0
		}
	}
	return leet(c)
}

// domainAfter reports whether w starts with a domain name: a label, a dot
// and a top-level label of at least two letters.
func domainAfter(w []byte) bool {
	n := 0
	for n < len(w) && (isLower(w[n]) || ('0' <= w[n] && w[n] <= '9') || w[n] == '-' || w[n] == '.') {
		n++
	}
	d := w[:n]
	dot := -1
	for j, c := range d {
		if c == '.' {
			if j == 0 || j == dot+1 {
				return false // empty label
			}
			dot = j
		}
	}
	if dot < 0 {
		return false
	}
	tld := 0
	for _, c := range d[dot+1:] {
		if !isLower(c) {
			return false
		}
		tld++
	}
	return tld >= 2
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' }

// wordEnd returns the end of the word starting at i.
func wordEnd(b []byte, i int) int {
	for i < len(b) && !isSpaceByte(b[i]) {
		i++
	}
	return i
}

// plainWordEnd returns the end of the word starting at i, and whether it
// is plain: two ASCII letters, then letters and punctuation that no fold
// touches (no digit, no leet symbol, no non-ASCII byte). A plain word is
// Latin, not spaced-out, not dotted and not leetspeak, so pass2 copies it
// as it is; most words of most texts are plain.
func plainWordEnd(b []byte, i int) (int, bool) {
	plain := i+1 < len(b) && isLower(b[i]) && isLower(b[i+1])
	for ; i < len(b); i++ {
		k := wordByte[b[i]]
		if k == wbSpace {
			break
		}
		plain = plain && k == wbPlain
	}
	return i, plain
}

// Byte kinds for plainWordEnd.
const (
	wbOther = iota
	wbPlain
	wbSpace
)

var wordByte = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = wbPlain
	}
	for _, c := range []byte(",.;:?'\"()-/") {
		t[c] = wbPlain
	}
	t[' '], t['\n'] = wbSpace, wbSpace
	return t
}()

// singleLetter reports whether b is one letter, optionally followed by
// punctuation-free nothing: "i", "g", "あ" excluded (only Latin letters).
func singleLetter(b []byte) bool {
	return len(b) == 1 && isLower(b[0])
}

// wordScript classifies a word: latin letters, confusable letters, other letters.
func wordScript(b []byte) (latin, conf, other int) {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if isLower(c) {
				latin++
			}
			i++
			continue
		}
		r, sz := utf8.DecodeRune(b[i:])
		i += sz
		if _, ok := confusables[r]; ok {
			conf++
		} else if r >= 0x370 && r < 0x530 {
			other++
		} else if r > 0x2E80 {
			other++
		}
	}
	return latin, conf, other
}

// lookAround bounds how many words amongOtherScript passes over on each
// side (numbers, punctuation and other look-alike words).
const lookAround = 3

// amongOtherScript reports whether a word made only of look-alikes stands
// among words of another script: the nearest word on either side, on the
// same line, that has letters and is not made only of look-alikes is
// Cyrillic, Greek or another non-Latin word. "на" and "по" in Bulgarian or
// Russian text that quotes commands and URLs ("Стартиране на дейност",
// "> Мениджър на дейности на Android") are words of that language, not
// Latin "ha" and "no" in disguise, although Latin words outnumber the others
// in the text. Counting each as an evasion made a Bulgarian documentation
// page obfuscated throughout, so the whole page was held to the evasive
// threshold (session 12). The words before the word are read from the
// output (b[:wi], already folded), the words after it from the input, which
// goes on at next. (A spaced-out word joined from single letters is not
// checked: spelling a word out is itself the obfuscation.)
func amongOtherScript(b []byte, wi, next int) bool {
	// Left: back from wi.
	j := wi
	for n := 0; n < lookAround; n++ {
		for j > 0 && b[j-1] == ' ' {
			j--
		}
		if j == 0 || b[j-1] == '\n' {
			break
		}
		ws := j
		for ws > 0 && !isSpaceByte(b[ws-1]) {
			ws--
		}
		if v := scriptVote(b[ws:j]); v != 0 {
			if v > 0 {
				return true
			}
			break
		}
		j = ws
	}
	// Right: on from next.
	j = next
	for n := 0; n < lookAround; n++ {
		for j < len(b) && b[j] == ' ' {
			j++
		}
		if j == len(b) || b[j] == '\n' {
			break
		}
		we := wordEnd(b, j)
		if v := scriptVote(b[j:we]); v != 0 {
			return v > 0
		}
		j = we
	}
	return false
}

// mixedRun reports whether some run of letters in w (Latin letters and
// look-alikes, without anything between them but digits, which leetspeak
// writes for letters: "р4ypal") holds both.
func mixedRun(w []byte) bool {
	lat, conf := false, false
	for k := 0; k < len(w); {
		c := w[k]
		if c < utf8.RuneSelf {
			k++
			switch {
			case isLower(c):
				lat = true
			case isDigit(c):
				continue
			default:
				lat, conf = false, false
				continue
			}
		} else {
			r, sz := utf8.DecodeRune(w[k:])
			k += sz
			if _, ok := confusables[r]; ok {
				conf = true
			} else {
				lat, conf = false, false
				continue
			}
		}
		if lat && conf {
			return true
		}
	}
	return false
}

// scriptVote is 1 for a word of another script, -1 for a Latin word (mixed
// with look-alikes or not), and 0 for a word that decides nothing: no
// letters, or look-alikes only.
func scriptVote(w []byte) int {
	l, _, o := wordScript(w)
	switch {
	case l > 0 && o == 0:
		return -1
	case l == 0 && o > 0:
		return 1
	}
	return 0
}

// pass2 folds words in place and returns the new length. gaps are pass1's
// wide spaces; src is the text pass1 read (off indexes it).
func pass2(b []byte, off []int32, gaps []gap, src string, ev *evasionSites) int {
	// One pass over the words: is the text mostly Latin (then words made
	// only of look-alikes fold too), and does it use leetspeak or dotted
	// words?
	var latinWords, otherWords, leetWords, dottedWords, evLeetWords int
	prev2, prev := tokNone, tokNone
	for i := 0; i < len(b); {
		e, plain := plainWordEnd(b, i)
		if plain {
			latinWords++
			prev2, prev = prev, tokNone
			i = e + 1
			continue
		}
		l, c, o := wordScript(b[i:e])
		// A word mixing Latin letters and look-alikes ("wһat") is Latin
		// text in disguise.
		if l > 0 && o == 0 {
			latinWords++
		} else if l == 0 && (c > 0 || o > 0) {
			otherWords++
		}
		tok := spacedToken(b[i:e])
		// A leet digit after two spaced-out letters, before a third ("g n 0
		// r"), counts like one inside a word.
		if (anyLeet(b[i:e]) && leetish(b[i:e])) || (tok == tokLeet && prev == tokLetter && prev2 == tokLetter &&
			e+2 <= len(b) && isLower(b[e+1]) && (e+2 == len(b) || isSpaceByte(b[e+2]))) {
			leetWords++
			if !altPipesOnly(b[i:e]) {
				evLeetWords++
			}
		}
		prev2, prev = prev, tok
		if isDotted(b[i:e], 4) {
			dottedWords++
		}
		i = e + 1
	}
	mostlyLatin := latinWords > otherWords
	st := &foldState{mostlyLatin: mostlyLatin, leetText: leetWords >= 2, evLeetText: evLeetWords >= 2, dottedText: dottedWords > 0, src: src, gaps: gaps, ev: ev}

	wi := 0
	// noRun: the tokens before it belong to a run joinSpaced turned down;
	// they are ordinary words and do not start another run (a run is
	// judged whole, and trying again at each of its tokens would cost
	// quadratic time: "1 0 5 7 1 0 5 7 …").
	noRun := 0
	for i := 0; i < len(b); {
		if isSpaceByte(b[i]) {
			b[wi], off[wi] = b[i], off[i]
			wi++
			i++
			continue
		}
		e, plain := plainWordEnd(b, i)
		if plain {
			if wi != i {
				copy(b[wi:], b[i:e])
				copy(off[wi:], off[i:e])
			}
			wi += e - i
			i = e
			continue
		}
		if i >= noRun && spacedToken(b[i:e]) != tokNone {
			j, w, ok := joinSpaced(b, off, i, wi, st)
			if ok {
				i, wi = j, w
				continue
			}
			noRun = j
		}
		wi = foldWord(b, off, i, e, wi, e, st)
		i = e
	}
	return wi
}

// Kinds of token in spaced-out text.
const (
	tokNone   = iota
	tokLetter // one letter: "i", "і" (Cyrillic), "и"
	tokLeet   // one leetspeak digit: "1", "0", "3"
	tokLast   // one letter or digit with closing punctuation: "s?", "k."
	tokJoiner // an apostrophe or hyphen inside a spelled-out word: "y o u ' r e"
)

// spacedToken classifies a word as a piece of spaced-out text.
func spacedToken(w []byte) int {
	switch {
	case len(w) == 0:
		return tokNone
	case len(w) == 1 && isLower(w[0]):
		return tokLetter
	case len(w) == 1 && leetDigit(w[0]):
		return tokLeet
	case len(w) == 1 && (w[0] == '\'' || w[0] == '-'):
		return tokJoiner
	case w[0] < utf8.RuneSelf:
		if len(w) == 2 && (isLower(w[0]) || leetDigit(w[0])) && closingPunct(w[1]) {
			return tokLast
		}
		return tokNone
	}
	r, sz := utf8.DecodeRune(w)
	if !alphabetic(r) {
		return tokNone
	}
	if sz == len(w) {
		return tokLetter
	}
	if sz+1 == len(w) && closingPunct(w[sz]) {
		return tokLast
	}
	return tokNone
}

// alphabetic reports a letter of a script that spaces its words and can be
// spelled out letter by letter: Latin, Greek, Cyrillic, Armenian, and the
// look-alikes of Latin letters.
func alphabetic(r rune) bool {
	if _, ok := confusables[r]; ok {
		return true
	}
	return r >= 0xC0 && r < 0x530 && unicode.IsLetter(r)
}

func leetDigit(c byte) bool {
	return c == '0' || c == '1' || c == '3' || c == '4' || c == '5' || c == '7'
}

func closingPunct(c byte) bool {
	return c == '.' || c == ',' || c == '?' || c == '!' || c == ':' || c == ';'
}

// gapWidth returns how many whitespace characters the space at b[at] stood
// for. Calls must not go back by more than the last run (st.gapAt only
// moves forward, so the lookups of a whole text cost one pass over gaps).
func (st *foldState) gapWidth(at int) int {
	for st.gapAt > 0 && int(st.gaps[st.gapAt-1].at) >= at {
		st.gapAt--
	}
	for st.gapAt < len(st.gaps) && int(st.gaps[st.gapAt].at) < at {
		st.gapAt++
	}
	if st.gapAt < len(st.gaps) && int(st.gaps[st.gapAt].at) == at {
		return int(st.gaps[st.gapAt].n)
	}
	return 1
}

// maxSpacedRun bounds the tokens of one spaced-out run that joinSpaced
// looks at; a longer run is joined in several pieces.
const maxSpacedRun = 512

// joinSpaced joins spaced-out letters starting at b[i] ("i g n o r e   a l l"
// becomes "ignore all"; "1 g n 0 r 3" becomes "ignore"; "и г н о р" becomes
// "игнор"), writes the joined words at wi, folded like any other word, and
// returns where the run ends and the new write position. A run needs four
// letters or leet digits, at least two of them letters; with leet digits, at
// least three letters and no more than twice as many digits (in text
// written in leetspeak digits count as letters), so numbers ("1 0 5 7",
// "4 x 4 x 10") stay apart. Where the gaps between tokens differ, the
// wider ones separate words; where they are all alike, the run is one word
// (the model and rules also see the words run together). A run it turns
// down is reported with its end, so the caller does not try again inside it.
func joinSpaced(b []byte, off []int32, i, wi int, st *foldState) (int, int, bool) {
	at := int(off[i]) // off[i] is overwritten as the run is joined
	var ebuf [64]int32
	ends := ebuf[:0] // end of each token
	letters, leets := 0, 0
	minGap := 1 << 30
	j := i
	for j < len(b) && len(ends) < maxSpacedRun {
		e := wordEnd(b, j)
		k := spacedToken(b[j:e])
		if k == tokNone {
			break
		}
		if k == tokJoiner && len(ends) == 0 {
			break
		}
		switch k {
		case tokLetter, tokLast:
			letters++
		case tokLeet:
			leets++
		}
		if len(ends) > 0 {
			minGap = min(minGap, st.gapWidth(j-1))
		}
		ends = append(ends, int32(e))
		if k == tokLast || e >= len(b) || b[e] != ' ' {
			break
		}
		j = e + 1
	}
	// A lone closing punctuation mark right after the run ends its last
	// word ("r o b b e r y ." is "robbery.").
	n := len(ends)
	if st.leetText {
		// In text written in leetspeak, digits are letters ("0 p p 0 5 1 7 3").
		letters, leets = letters+leets, 0
	}
	if letters+leets < 4 || letters < 2 || (leets > 0 && (letters < 3 || letters*2 < leets)) {
		if n == 0 {
			return i, 0, false
		}
		return int(ends[n-1]), 0, false
	}
	if last := int(ends[n-1]); last+2 <= len(b) && b[last] == ' ' && closingPunct(b[last+1]) &&
		(last+2 == len(b) || isSpaceByte(b[last+2])) && st.gapWidth(last) <= minGap {
		ends = append(ends, int32(last+2))
		n++
	}
	st.ev.add(at)
	// Leet digits among spelled-out letters make the whole run leetspeak
	// ("1 g n 0 r 3   4 l l").
	leetText := st.leetText
	st.leetText = leetText || leets > 0
	// Copy each word's tokens together (moving left in place), then fold it.
	start := i
	ws := wi
	for t := 0; t < n; t++ {
		tokStart := start
		if t > 0 {
			tokStart = int(ends[t-1]) + 1
			if st.gapWidth(tokStart-1) > minGap {
				wi = foldWord(b, off, ws, wi, ws, -1, st)
				b[wi], off[wi] = ' ', off[tokStart-1]
				wi++
				ws = wi
			}
		}
		for p := tokStart; p < int(ends[t]); p++ {
			b[wi], off[wi] = b[p], off[p]
			wi++
		}
	}
	wi = foldWord(b, off, ws, wi, ws, -1, st)
	st.leetText = leetText
	return int(ends[n-1]), wi, true
}

// foldWord writes the folded word b[i:e] at wi (wi <= i) and returns the new wi.
// next is where the input goes on after the word, or -1 for a word joined
// from a spaced-out run.
func foldWord(b []byte, off []int32, i, e, wi, next int, st *foldState) int {
	start := int(off[i]) // off[i] is overwritten as the word is folded
	latin, conf, other := wordScript(b[i:e])
	foldConf := conf > 0 && other == 0 && (latin > 0 || (st.mostlyLatin && conf >= 2))
	// A word of look-alikes only among words of its own script is folded
	// all the same (the model was trained on that form), but it is not an
	// evasion.
	ownScript := foldConf && latin == 0 && next >= 0 && amongOtherScript(b, wi, next)
	// So is a word whose look-alikes never share a run of letters with
	// Latin letters: "{{путь/к/AdGuardHome.yaml}}" joins a Russian path
	// and a file name; a disguise mixes the scripts inside a word part
	// ("рaypal", "іgnоrе").
	if foldConf && latin > 0 && !mixedRun(b[i:e]) {
		ownScript = true
	}
	// Separated letters inside one word: "i.g.n.o.r.e", "i-g-n-o-r-e".
	minDotted := 4
	if st.dottedText {
		minDotted = 2 // "a.l.l" next to "i.g.n.o.r.e"
	}
	dotted := isDotted(b[i:e], minDotted)
	if dotted {
		st.ev.add(start)
	}
	// Leetspeak: needs letters and leet characters inside the word; in
	// text that uses leetspeak in several words, one letter is enough
	// ("7h3", "b157") and a short word of leet digits alone ("15", "70")
	// folds too.
	var mbuf [64]bool
	var mask []bool
	if w := b[i:e]; !anyLeet(w) || (len(w) > 2 && w[0] == '0' && w[1] == 'x') || hasOtherDigit(w) {
		// nothing to fold, or a hex literal, hash or version
	} else if latin+conf >= 2 || (st.leetText && latin+conf >= 1) {
		if st.leetText || interiorLeet(w) {
			mask = leetMask(w, mbuf[:0])
		}
	} else if d := trimClosing(w); st.leetText && latin+conf+other == 0 && len(d) <= 3 && allLeetDigits(d) {
		// The word is d and its closing punctuation, which can be long
		// ("000!!!…").
		mask = mbuf[:0]
		if len(w) > cap(mask) {
			mask = make([]bool, 0, len(w))
		}
		mask = mask[:len(w)]
		for k := range d {
			mask[k] = true
		}
	}
	// leets counts the folded leet characters that are signs of
	// obfuscation: not the pipes of a bracketed alternation.
	leets := 0
	defer func() {
		if leets >= 2 || (leets == 1 && st.evLeetText) {
			st.ev.add(start) // one digit in one word ("md5sum") is not a sign
		}
	}()
	for k := i; k < e; {
		c := b[k]
		at := off[k]
		if c < utf8.RuneSelf {
			if mask != nil && mask[k-i] {
				if c != '|' || !altPipe(b[i:e], k-i) {
					leets++
				}
				c = leet(c)
			}
			k++
			if dotted && !isLower(c) {
				continue
			}
			b[wi], off[wi] = c, at
			wi++
			continue
		}
		r, sz := utf8.DecodeRune(b[k:])
		if foldConf {
			if l, ok := confusables[r]; ok {
				if l2, ok := capitalConfusable(st.src, at); ok {
					l = l2
				}
				k += sz
				b[wi], off[wi] = byte(l), at
				// Turkish and Azerbaijani write the dotless ı among Latin
				// letters in every other word ("tanımlamaktır"): folded,
				// but no evasion.
				if !ownScript && r != 'ı' {
					st.ev.add(int(at))
				}
				wi++
				continue
			}
		}
		for j := 0; j < sz; j++ {
			b[wi], off[wi] = b[k+j], off[k+j]
			wi++
		}
		k += sz
	}
	return wi
}

// altPipe reports whether w[k] is a '|' between alternatives in brackets:
// command documentation writes options as "{{[-d|--decode]}}",
// "{{xml|text|html}}" or "(a|b)". The pipe is still folded like any leet
// character between letters (the model was trained on that form), but it
// is no sign of obfuscation: before session 12 a tldr-style page full of
// alternations counted as written in leetspeak, and 23 of the 65 held-out
// tldr false positives of fold A came from that evasive reading alone.
func altPipe(w []byte, k int) bool {
	if w[k] != '|' {
		return false
	}
	open := false
	for j := k - 1; j >= 0 && !open; j-- {
		switch w[j] {
		case '[', '{', '(':
			open = true
		case ']', '}', ')':
			return false
		}
	}
	if !open {
		return false
	}
	for j := k + 1; j < len(w); j++ {
		switch w[j] {
		case ']', '}', ')':
			return true
		case '[', '{', '(':
			return false
		}
	}
	return false
}

// altPipesOnly reports whether every leet character of w is the pipe of a
// bracketed alternation (altPipe), so the word is leetish only by them.
func altPipesOnly(w []byte) bool {
	found := false
	for k, c := range w {
		if !leetBytes[c] {
			continue
		}
		if !altPipe(w, k) {
			return false
		}
		found = true
	}
	return found
}

// leetMask marks the leet characters of w to fold: those in a run of leet
// characters that touches a letter ("r3p34t", "b157") and no other digit
// ("p455w0rd123" keeps its 123). It returns nil when nothing folds.
func leetMask(w []byte, buf []bool) []bool {
	var mask []bool
	for p := 0; p < len(w); {
		if leetAt(w, p) == 0 {
			p++
			continue
		}
		q := p + 1
		for q < len(w) && leetAt(w, q) != 0 {
			q++
		}
		touchesNumber := (p > 0 && isDigit(w[p-1])) || (q < len(w) && isDigit(w[q]))
		if !touchesNumber && ((p > 0 && isLetterByte(w[p-1])) || (q < len(w) && isLetterByte(w[q]))) {
			if mask == nil {
				if len(w) <= cap(buf) {
					mask = buf[:len(w)]
				} else {
					mask = make([]bool, len(w))
				}
			}
			for k := p; k < q; k++ {
				mask[k] = true
			}
		}
		p = q
	}
	return mask
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isLetterByte reports a lower-case ASCII letter or a byte of a multi-byte
// rune.
func isLetterByte(c byte) bool { return isLower(c) || c >= utf8.RuneSelf }

// hasOtherDigit reports a digit that no leetspeak letter stands for, before
// the word's trailing digits ("p4ssw0rd123" is leetspeak, "e2e" is not).
func hasOtherDigit(w []byte) bool {
	for len(w) > 0 && ('0' <= w[len(w)-1] && w[len(w)-1] <= '9' || closingPunct(w[len(w)-1])) {
		w = w[:len(w)-1]
	}
	for _, c := range w {
		if c == '2' || c == '6' || c == '8' || c == '9' {
			return true
		}
	}
	return false
}

// trimClosing returns w without its trailing closing punctuation.
func trimClosing(w []byte) []byte {
	for len(w) > 0 && closingPunct(w[len(w)-1]) {
		w = w[:len(w)-1]
	}
	return w
}

func allLeetDigits(w []byte) bool {
	for _, c := range w {
		if !leetDigit(c) {
			return false
		}
	}
	return len(w) > 0
}

// capitalConfusables are capital Greek letters that look like a Latin
// capital unlike their lower case (Η is H, η looks like n), and the lunate
// sigma, which compatibility decomposition turns into a sigma.
var capitalConfusables = map[rune]rune{
	'Η': 'h', 'Ν': 'n', 'Μ': 'm', 'Υ': 'y', 'Ζ': 'z', 'ϲ': 'c', 'Ϲ': 'c',
}

// capitalConfusable returns the Latin letter for the original rune at src[at]
// when case folding lost what it looked like.
func capitalConfusable(src string, at int32) (rune, bool) {
	if int(at) >= len(src) || src[at] < utf8.RuneSelf {
		return 0, false
	}
	r, _ := utf8.DecodeRuneInString(src[at:])
	l, ok := capitalConfusables[r]
	return l, ok
}

// isDotted reports words like "i.g.n.o.r.e" or "i-g-n-o-r-e": at least
// minLetters single letters separated by one non-letter ASCII character each.
func isDotted(w []byte, minLetters int) bool {
	if len(w) < 2*minLetters-1 || len(w)%2 == 0 {
		return false
	}
	sep := w[1]
	if isLower(sep) || sep >= utf8.RuneSelf {
		return false
	}
	for k := 0; k < len(w); k++ {
		if k%2 == 0 {
			if !isLower(w[k]) {
				return false
			}
		} else if w[k] != sep {
			return false
		}
	}
	return true
}

// foldState is what pass2 learned about the whole text.
type foldState struct {
	mostlyLatin bool // words of look-alikes only fold among Latin words
	// evLeetText is leetText counting only words whose leetspeak is more
	// than the pipes of bracketed alternations: it decides whether one
	// leet character in a word is an evasion (leetText decides the fold).
	evLeetText bool
	leetText   bool          // several words use leetspeak: fold leading/trailing digits too
	dottedText bool          // some word is spelled out with dots: join short ones too
	ev         *evasionSites // folds that only obfuscated text needs
	src        string        // the text pass1 read; off indexes it
	gaps       []gap         // pass1's wide spaces
	gapAt      int           // gapWidth's cursor into gaps
}

// leetish reports a word that looks written in leetspeak: a leet character
// between two letters ("n0r"), or letters between leet digits ("7h3",
// "4r3"). Numbers with a unit ("100ms"), identifiers and versions ("c11",
// "ipv4") and hex literals ("0x7f") are not.
func leetish(w []byte) bool {
	if interiorLeet(w) {
		return true
	}
	w = trimClosing(w)
	if len(w) < 3 || (w[0] == '0' && w[1] == 'x') {
		return false
	}
	// Letters and leet digits only, with a digit, then a letter, then a
	// digit.
	state := 0
	for _, c := range w {
		switch {
		case isLower(c):
			if state == 1 {
				state = 2
			}
		case leetDigit(c):
			if state == 0 || state == 2 {
				state++
			}
		default:
			return false
		}
	}
	return state == 3
}

// interiorLeet reports a leet character between two ASCII letters ("n0r")
// in a word without digits that leetspeak does not use: "3e2596a7" is a
// hash, "h264" a codec.
func interiorLeet(w []byte) bool {
	if hasOtherDigit(w) {
		return false
	}
	for k := 1; k+1 < len(w); k++ {
		if leetAt(w, k) != 0 && isLower(w[k-1]) && isLower(w[k+1]) {
			return true
		}
	}
	return false
}
