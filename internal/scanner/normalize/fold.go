package normalize

import "unicode/utf8"

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
	'ɑ': 'a', 'ɩ': 'i', 'ʏ': 'y', 'ɪ': 'i',
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
	case '@':
		if domainAfter(w[k+1:]) {
			return 0
		}
	case '+':
		left, right := 0, 0
		for j := k - 1; j >= 0 && isLower(w[j]); j-- {
			left++
		}
		for j := k + 1; j < len(w) && isLower(w[j]); j++ {
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

// pass2 folds words in place and returns the new length.
func pass2(b []byte, off []int32) (int, int) {
	// Is the text mostly Latin? Then words made only of look-alikes fold too.
	var latinWords, otherWords int
	for i := 0; i < len(b); {
		e := wordEnd(b, i)
		l, c, o := wordScript(b[i:e])
		if l > 0 && c == 0 && o == 0 {
			latinWords++
		} else if l == 0 && (c > 0 || o > 0) {
			otherWords++
		}
		i = e + 1
	}
	mostlyLatin := latinWords > otherWords
	leetWords, dottedWords := 0, 0
	for i := 0; i < len(b); {
		e := wordEnd(b, i)
		if interiorLeet(b[i:e]) {
			leetWords++
		}
		if isDotted(b[i:e], 4) {
			dottedWords++
		}
		i = e + 1
	}
	st := &foldState{mostlyLatin: mostlyLatin, leetText: leetWords >= 2, dottedText: dottedWords > 0}

	wi := 0
	put := func(c byte, at int32) {
		b[wi] = c
		off[wi] = at
		wi++
	}
	joinLeft := 0 // words left in a spaced-letter run
	for i := 0; i < len(b); {
		if isSpaceByte(b[i]) {
			if joinLeft > 0 {
				i++
				continue
			}
			put(b[i], off[i])
			i++
			continue
		}
		e := wordEnd(b, i)
		if joinLeft == 0 && singleLetter(b[i:e]) {
			// Count the run of single letters ("i g n o r e").
			n, j := 0, i
			for j < len(b) {
				je := wordEnd(b, j)
				if !singleLetter(b[j:je]) {
					break
				}
				n++
				if je >= len(b) {
					break
				}
				j = je + 1
			}
			if n >= 4 {
				joinLeft = n
				st.evasions++
			}
		}
		if joinLeft > 0 {
			joinLeft--
			put(b[i], off[i])
			i = e
			continue
		}
		wi = foldWord(b, off, i, e, wi, st)
		i = e
	}
	return wi, st.evasions
}

// foldWord writes the folded word b[i:e] at wi (wi <= i) and returns the new wi.
func foldWord(b []byte, off []int32, i, e, wi int, st *foldState) int {
	latin, conf, other := wordScript(b[i:e])
	foldConf := conf > 0 && other == 0 && (latin > 0 || (st.mostlyLatin && conf >= 2))
	// Separated letters inside one word: "i.g.n.o.r.e", "i-g-n-o-r-e".
	minDotted := 4
	if st.dottedText {
		minDotted = 2 // "a.l.l" next to "i.g.n.o.r.e"
	}
	dotted := isDotted(b[i:e], minDotted)
	if dotted {
		st.evasions++
	}
	// Leetspeak: needs letters and leet characters inside the word.
	doLeet := false
	if latin+conf >= 2 && (st.leetText || interiorLeet(b[i:e])) {
		for k := i; k < e; k++ {
			if leetAt(b[i:e], k-i) != 0 && hasLetterNear(b, i, e, k) {
				doLeet = true
				break
			}
		}
	}
	leets := 0
	defer func() {
		if leets >= 2 || (leets == 1 && st.leetText) {
			st.evasions++ // one digit in one word ("md5sum") is not a sign
		}
	}()
	for k := i; k < e; {
		c := b[k]
		at := off[k]
		if c < utf8.RuneSelf {
			k++
			if dotted && !isLower(c) {
				continue
			}
			if doLeet {
				if l := leetAt(b[i:e], k-1-i); l != 0 && hasLetterNear(b, i, e, k-1) {
					c = l
					leets++
				}
			}
			b[wi], off[wi] = c, at
			wi++
			continue
		}
		r, sz := utf8.DecodeRune(b[k:])
		if foldConf {
			if l, ok := confusables[r]; ok {
				k += sz
				b[wi], off[wi] = byte(l), at
				st.evasions++
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

// hasLetterNear reports whether b[k] has a letter right before or after it
// within the word [i, e).
func hasLetterNear(b []byte, i, e, k int) bool {
	if k > i && (isLower(b[k-1]) || b[k-1] >= utf8.RuneSelf) {
		return true
	}
	if k+1 < e && (isLower(b[k+1]) || b[k+1] >= utf8.RuneSelf) {
		return true
	}
	return false
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
	leetText    bool // several words use leetspeak: fold leading/trailing digits too
	dottedText  bool // some word is spelled out with dots: join short ones too
	evasions    int  // folds that only obfuscated text needs
}

// interiorLeet reports a leet character between two ASCII letters ("n0r").
func interiorLeet(w []byte) bool {
	for k := 1; k+1 < len(w); k++ {
		if leetAt(w, k) != 0 && isLower(w[k-1]) && isLower(w[k+1]) {
			return true
		}
	}
	return false
}
