package pii

import "strings"

// addressStop are capitalized words that end an address run.
var addressStop = newLexicon(`i if please thanks thank can could would will the this that we you he she they it my our his her their and or but is was for from in at on to last`)

// unitAfterNumber are words after a number that make it a quantity or a
// time, not a house number.
var unitAfterNumber = newLexicon(`am pm gb mb kb tb gib mib kg g km cm mm m ms s min mins hz ghz mhz usd eur gbp px pt dpi fps bpm mph kph rpm percent years months weeks days hours minutes seconds x`)

// addressContext words before a candidate make a weaker shape acceptable.
var addressContext = []string{"address", "live", "living", "located", "moved", "ship", "send", "sent", "deliver", "meet", "station is", "office is", "drops you", "arrived at", "street", "is at", "refers to", "return to", "based at", "stay at", "stayed at", "visit"}

// addresses finds street addresses: an anchor (house number before a
// capitalized street name, a street prefix or suffix word, P.O. Box / PSC /
// Unit-Box military addresses, "the corner of") extended over street,
// unit, city, region, postcode and country tokens, across line breaks when
// the next line looks like an address line.
func (s *scan) addresses() {
	toks := s.toks
	lex := s.d.lex
	for i := 0; i < len(toks); i++ {
		anchor, strength := s.addressAnchor(i)
		if !anchor {
			continue
		}
		end, evidence := s.extendAddress(i)
		if end < i {
			continue
		}
		ev := evidence + strength
		if s.hasContext(toks[i].s, addressContext) {
			ev++
		}
		if ev < 2 || end == i {
			continue
		}
		// Trim trailing punctuation and lower-case particles.
		for end > i && (toks[end].kind == tPunct && !s.punctIs(end, ")") || s.is(nameParticles, end)) {
			end--
		}
		score := 0.6 + 0.1*float64(min(ev, 3))
		s.add(toks[i].s, toks[end].e, TypeStreetAddress, score)
		_ = lex
		i = end
	}
}

// addressAnchor reports whether an address may start at token i, and how
// much that start alone says (0-2).
func (s *scan) addressAnchor(i int) (bool, int) {
	toks := s.toks
	lex := s.d.lex
	tk := toks[i]
	next := func(k int) bool { return k < len(toks) && !toks[k].nlBefore }
	kind := tk.kind
	if kind == tMixed && s.houseNumberLetter(i) {
		kind = tNum // "221B Baker Street", "12a Hauptstraße"
	}
	switch kind {
	case tNum:
		if tk.e-tk.s > 6 {
			return false, 0
		}
		// Not the tail of a decimal, time, or date.
		if i > 0 && !tk.spBefore && !toks[i].nlBefore && toks[i-1].kind == tPunct {
			switch s.tok(i - 1) {
			case ".", ",", ":", "/", "-", "$", "€", "£", "#":
				return false, 0
			}
		}
		k := i + 1
		strength := 1
		if next(k) && toks[k].kind == tNum && toks[k].e-toks[k].s <= 6 {
			k++
			strength = 2 // "9816 214 Pavlou Drandaki"
		}
		if !next(k) || toks[k].kind != tWord && toks[k].kind != tMixed {
			return false, 0
		}
		if s.is(unitAfterNumber, k) {
			return false, 0 // "3 PM", "16 GB", "5 Kg"
		}
		if monthIndex(s.tok(k)) > 0 && !(next(k+1) && s.is(lex.streetType, k+1)) {
			return false, 0 // "2 Feb 2021", "31 March", but "5 May Street"
		}
		if s.wordIs(k, "the") && toks[k].cap && next(k+1) && s.is(lex.streetType, k+1) {
			return true, strength + 1 // British "9 The Crescent", "2 The Green"
		}
		if toks[k].cap || s.noCaps && toks[k].kind == tWord && toks[k].e-toks[k].s > 2 || s.is(lex.streetPrefix, k) || s.is(lex.unit, k) {
			return true, strength
		}
		// "350 5th Ave", "12 W 34th Street": an ordinal street name.
		if s.ordinalAt(k) && next(k+1) && (s.is(lex.streetType, k+1) || toks[k+1].cap && toks[k+1].kind == tWord) {
			return true, strength
		}
		return false, 0
	case tWord:
		switch {
		case s.wordIs(i, "the") && s.wordIs(i+1, "corner") && s.wordIs(i+2, "of"):
			return true, 2
		case (s.wordIs(i, "p") && s.punctIs(i+1, ".") && s.wordIs(i+2, "o")) || s.wordIs(i, "po") && s.wordIs(i+1, "box"):
			return true, 2
		case s.wordIs(i, "c") && s.punctIs(i+1, "/") && next(i+2) && toks[i+2].cap:
			return true, 1 // Spanish "C/ Mayor 5"
		case s.wordIs(i, "psc") && next(i+1) && toks[i+1].kind == tNum:
			return true, 2
		case s.wordIs(i, "unit") && next(i+1) && toks[i+1].kind == tNum && s.wordIs(i+2, "box"):
			return true, 2
		case tk.cap && s.is(lex.streetPrefix, i) && next(i+1) && (toks[i+1].kind == tWord && toks[i+1].cap || s.punctIs(i+1, ".") ||
			s.is(nameParticles, i+1) && next(i+2) && toks[i+2].kind == tWord && toks[i+2].cap):
			return true, 1 // "Rue Oberkampf", "Calle de Alcalá"
		case !tk.cap && next(i+1) && toks[i+1].cap && toks[i+1].kind == tWord && tk.e-tk.s >= 3 && s.numberWithin(i+2, 4) && s.is(lex.streetPrefix, i):
			return true, 1 // "via Roma 10", "rue de la Paix 3" in running text
		case tk.cap && s.punctIs(i+1, ".") && !toks[i+1].spBefore && next(i+2) && toks[i+2].kind == tNum && hasSuffixFold(s.tok(i), "str") && len(s.tok(i)) > 4:
			return true, 2 // "Hauptstr. 12"
		case tk.cap && next(i+1) && toks[i+1].kind == tNum && s.streetSuffixed(i):
			return true, 2
		case tk.cap && next(i+1) && toks[i+1].cap && s.is(lex.streetType, i+1) && (s.numAt(i+2) && next(i+2) || s.punctIs(i+2, ".") && s.numAt(i+3) && next(i+3)):
			return true, 2 // German and Dutch "Kölner Str. 118", "Lange Laan 7"
		case tk.cap && next(i+1) && (s.punctIs(i+1, ".") && i+2 < len(toks) && s.streetSuffixed(i+2)):
			return true, 1 // "C. Beerninckstraat 88"
		case tk.cap && monthIndex(s.tok(i)) == 0:
			// "on Peter Zuidhove 188": capitalized words then a number,
			// after an address word (not "moved … Feb 2021").
			for k := i + 1; k < len(toks) && k <= i+4 && next(k); k++ {
				if toks[k].kind == tNum {
					if !s.is(s.d.lex.stop, i) && s.hasContext(tk.s, addressContext) {
						return true, 1
					}
					break
				}
				if toks[k].kind != tWord || !toks[k].cap {
					break
				}
			}
		}
	}
	return false, 0
}

// houseNumberLetter reports a house number with a letter: 1-4 digits and
// one letter ("221B", "12a").
func (s *scan) houseNumberLetter(i int) bool {
	w := s.tok(i)
	n := len(w)
	return n >= 2 && n <= 5 && isAlpha(w[n-1]) && allDigits(w[:n-1])
}

// regionCode reports a two-letter upper-case state or province code after
// a comma ("Ottawa, ON K1M 1M4", "Portland, OR 97201"), which the
// stop-word check would take for "on" or "or".
func (s *scan) regionCode(k int) bool {
	tk := s.toks[k]
	return tk.upper && tk.e-tk.s == 2 && s.punctIs(k-1, ",") && k+1 < len(s.toks) && !s.toks[k+1].nlBefore &&
		(s.toks[k+1].kind == tNum || s.toks[k+1].kind == tMixed)
}

func (s *scan) streetSuffixed(i int) bool {
	w := s.tok(i)
	if len(w) < 4 {
		return false
	}
	for _, suf := range streetSuffixes {
		if len(w) >= len(suf) && hasSuffixFold(w, suf) {
			return true
		}
	}
	return false
}

// hasSuffixFold is strings.HasSuffix with ASCII case folding; suf is lower
// case. Non-ASCII bytes compare exactly.
func hasSuffixFold(w, suf string) bool {
	off := len(w) - len(suf)
	if off < 0 {
		return false
	}
	for i := 0; i < len(suf); i++ {
		if lower(w[off+i]) != suf[i] {
			return false
		}
	}
	return true
}

// extendAddress extends an address that starts at token i and returns the
// index of its last token and the evidence found on the way: street types,
// prefixes or suffixes, units, a number after the street name, more lines.
func (s *scan) extendAddress(i int) (int, int) {
	toks := s.toks
	lex := s.d.lex
	end := i
	ev := 0
	sawWord, sawNumAfterWord, corner := false, false, s.wordIs(i, "the")
	lines := 0
	for k := i; k < len(toks) && k-i < 40; k++ {
		tk := toks[k]
		if k > i && tk.nlBefore {
			m := s.skipLineMarkers(k)
			if m >= len(toks) || s.blankLineBefore(k) && !s.shortTailLine(m) || !s.addressLine(m) {
				break
			}
			k = m
			tk = toks[k]
			lines++
		}
		switch tk.kind {
		case tNum, tMixed:
			if sawWord {
				sawNumAfterWord = true
			}
			end = k
			continue
		case tWord:
			switch {
			case s.is(lex.streetType, k) || s.is(lex.streetPrefix, k) || s.streetSuffixed(k):
				ev++
				sawWord = true
				end = k
				continue
			case s.is(lex.unit, k):
				ev++
				end = k
				continue
			case k == i+1 && s.wordIs(k, "the") && toks[i].kind == tNum && k+1 < len(toks) && s.is(lex.streetType, k+1):
				end = k // "9 The Crescent"
				continue
			case k > i && tk.cap && s.is(addressStop, k) && !(corner && s.wordIs(k, "and")) && !s.regionCode(k):
				return end, s.addressEvidence(ev, sawNumAfterWord, lines)
			case tk.cap || tk.upper || s.noCaps && !s.is(addressStop, k) || s.wordIs(k, "nan"):
				sawWord = true
				end = k
				continue
			case s.is(nameParticles, k) || corner && (s.wordIs(k, "corner") || s.wordIs(k, "of") || s.wordIs(k, "and")) || s.wordIs(k, "the") && k == i:
				end = k
				continue
			}
			return end, s.addressEvidence(ev, sawNumAfterWord, lines)
		case tPunct:
			p := s.tok(k)
			switch p {
			case ",", "-", "#", "(", ")", "/":
				continue
			case ".":
				if !tk.spBefore && k > i && toks[k-1].kind == tWord && (toks[k-1].e-toks[k-1].s <= 4 || hasSuffixFold(s.tok(k-1), "str")) {
					end = k
					continue
				}
				if !tk.spBefore && k > i && toks[k-1].kind == tNum && k+1 < len(toks) && toks[k+1].nlBefore {
					end = k
				}
			}
			return end, s.addressEvidence(ev, sawNumAfterWord, lines)
		}
	}
	return end, s.addressEvidence(ev, sawNumAfterWord, lines)
}

func (s *scan) addressEvidence(ev int, numAfterWord bool, lines int) int {
	if numAfterWord {
		ev++
	}
	if lines > 0 {
		ev++
	}
	return ev
}

// skipLineMarkers skips quote and bullet marks at the start of the line
// that begins at token k ("> ", "??? ", "* ").
func (s *scan) skipLineMarkers(k int) int {
	toks := s.toks
	j := k
	for j < len(toks) && toks[j].kind == tPunct && j-k < 4 && (j == k || !toks[j].nlBefore) {
		switch s.tok(j) {
		case ">", "?", "*", "•", "-", "|", "·":
			j++
			continue
		}
		break
	}
	if j < len(toks) && j > k && toks[j].nlBefore {
		return k
	}
	return j
}

// shortTailLine reports a short line that ends an address after a blank
// line: "Finland 80896", "Poland 11248".
func (s *scan) shortTailLine(k int) bool {
	toks := s.toks
	n := 0
	last := k
	for j := k; j < len(toks) && (j == k || !toks[j].nlBefore); j++ {
		n++
		last = j
	}
	return n <= 3 && toks[last].kind == tNum && (last+1 >= len(toks) || toks[last+1].nlBefore)
}

// blankLineBefore reports an empty line between token k-1 and token k.
func (s *scan) blankLineBefore(k int) bool {
	gap := s.text[s.toks[k-1].e:s.toks[k].s]
	return strings.Count(gap, "\n") >= 2
}

// addressLine reports whether the line starting at token k looks like an
// address continuation: at most six tokens of numbers, capitalized or
// upper-case words, unit words, commas and periods.
func (s *scan) addressLine(k int) bool {
	toks := s.toks
	n := 0
	words := 0
	for j := k; j < len(toks) && (j == k || !toks[j].nlBefore); j++ {
		n++
		if n > 7 {
			return false
		}
		switch toks[j].kind {
		case tNum, tMixed:
		case tWord:
			if !(toks[j].cap || toks[j].upper || s.noCaps || s.is(s.d.lex.unit, j) || s.is(nameParticles, j) || s.wordIs(j, "nan")) {
				return false
			}
			if s.is(addressStop, j) {
				return false
			}
			words++
		case tPunct:
			switch s.tok(j) {
			case ",", ".", "(", ")", "-":
			default:
				return false
			}
		}
	}
	return n > 0
}

// contextIDs finds values identified by the words before them: US driver
// licence numbers, postcodes ("zip code is 610"), and dates of birth
// written with month names ("born on March 3, 1990").
func (s *scan) contextIDs() {
	toks := s.toks
	// The types are looked up once, not per word.
	dl, passport := s.d.types[TypeUSDriverLic], s.d.types[TypePassport]
	postcode, dob := s.d.types[TypeStreetAddress], s.d.types[TypeDateOfBirth]
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tWord {
			continue
		}
		switch n := toks[i].e - toks[i].s; lower(s.text[toks[i].s]) {
		case 'p':
			if n != 6 && (n < 8 || n > 20) { // postal, passport … paspoortnummer
				continue
			}
		case 'r':
			if n < 9 || n > 20 { // reisepass, reisepassnummer
				continue
			}
		case 'l', 'd', 'z':
			if n < 2 || n > 11 {
				continue
			}
		case 'j', 'f', 'm', 'a', 's', 'o', 'n', 'e', 'g':
			if n < 3 || n > 11 {
				continue
			}
		default:
			continue
		}
		switch {
		case dl && (s.wordIs(i, "license") || s.wordIs(i, "licence") || s.wordIs(i, "dl")):
			if s.wordIs(i, "dl") || s.hasContext(toks[i].s, []string{"driver", "driving", "dl"}) || s.numberWordAfter(i) {
				s.valueAfter(i, TypeUSDriverLic, 0.85, 5, 20)
			}
		case passport && s.isPassportWord(i):
			s.passport(i)
		case postcode && (s.wordIs(i, "zip") || s.wordIs(i, "postcode") || s.wordIs(i, "postal") && s.wordIs(i+1, "code")):
			s.valueAfter(i, TypeStreetAddress, 0.6, 3, 10)
		case dob && (s.numAt(i+1) || s.punctIs(i+1, ".") && s.numAt(i+2) || s.numAt(i-1) ||
			s.ordinalAt(i+1) || s.ordinalAt(i-1) || s.ordinalAt(i-2) || s.numAt(i-2)) && monthIndex(s.tok(i)) > 0:
			s.monthDate(i)
		}
	}
}

// numberWithin reports a number token among the n tokens from k on, on the
// same line, after capitalized words or particles only.
func (s *scan) numberWithin(k, n int) bool {
	for j := k; j < len(s.toks) && j < k+n && !s.toks[j].nlBefore; j++ {
		switch {
		case s.toks[j].kind == tNum:
			return true
		case s.toks[j].kind == tWord && (s.toks[j].cap || s.is(nameParticles, j)):
		default:
			return false
		}
	}
	return false
}

// ukInward reports a UK postcode's inward code at token i: a digit and two
// letters ("1AA").
func (s *scan) ukInward(i int) bool {
	w := s.tok(i)
	return s.toks[i].kind == tMixed && len(w) == 3 && isDigit(w[0]) && isAlpha(w[1]) && isAlpha(w[2])
}

// ordinalAt reports a day written as an ordinal at token i: "3rd", "21st".
func (s *scan) ordinalAt(i int) bool {
	if i < 0 || i >= len(s.toks) || s.toks[i].kind != tMixed {
		return false
	}
	w := s.tok(i)
	n := len(w)
	if n < 3 || n > 4 || !allDigits(w[:n-2]) {
		return false
	}
	switch toLowerASCII(w[n-2:]) {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

// numberWordAfter reports "number", "no" or "#" within the three tokens
// after token i: "license, number S415-…", "licence no. 4829".
func (s *scan) numberWordAfter(i int) bool {
	for k := i + 1; k <= i+3 && k < len(s.toks); k++ {
		if s.wordIs(k, "number") || s.wordIs(k, "no") || s.wordIs(k, "nr") || s.punctIs(k, "#") {
			return true
		}
	}
	return false
}

// numAt reports whether token i exists and is a number.
func (s *scan) numAt(i int) bool { return i >= 0 && i < len(s.toks) && s.toks[i].kind == tNum }

// valueAfter reports the first identifier-like run (digits, letters with
// digits, joined by '-' without spaces) within four tokens after token i.
func (s *scan) valueAfter(i int, typ string, score float64, minLen, maxLen int) {
	toks := s.toks
	for k := i + 1; k < len(toks) && k <= i+6; k++ {
		tk := toks[k]
		if tk.kind == tNum || tk.kind == tMixed || tk.kind == tWord && tk.upper && k+1 < len(toks) && toks[k+1].kind == tNum && !toks[k+1].spBefore {
			e := k
			for e+2 < len(toks) && s.punctIs(e+1, "-") && !toks[e+1].spBefore && !toks[e+2].spBefore && (toks[e+2].kind == tNum || toks[e+2].kind == tMixed) {
				e += 2
			}
			for e+1 < len(toks) && !toks[e+1].spBefore && (toks[e+1].kind == tNum || toks[e+1].kind == tMixed) {
				e++
			}
			// The inward half of a UK postcode: "SW1A 1AA".
			if typ == TypeStreetAddress && e == k && tk.kind == tMixed && e+1 < len(toks) && !toks[e+1].nlBefore && s.ukInward(e+1) {
				e++
			}
			// A licence number in space-separated groups: "482 913 775",
			// "S2348 51862 07413".
			for typ == TypeUSDriverLic && e+1 < len(toks) && toks[e+1].spBefore && !toks[e+1].nlBefore && toks[e+1].kind == tNum &&
				toks[e+1].e-toks[e+1].s <= 6 && toks[e+1].e-tk.s <= maxLen {
				e++
			}
			n := toks[e].e - tk.s
			if n >= minLen && n <= maxLen {
				s.add(tk.s, toks[e].e, typ, score)
			}
			return
		}
	}
}

var monthNames = [12]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// foreignMonths are the month names of German, French, Spanish, Italian,
// Portuguese and Dutch that differ from the English ones, lower case, with
// their month.
var foreignMonths = map[string]int{
	"januar": 1, "janvier": 1, "enero": 1, "gennaio": 1, "janeiro": 1, "januari": 1,
	"februar": 2, "février": 2, "fevrier": 2, "febrero": 2, "febbraio": 2, "fevereiro": 2, "februari": 2,
	"märz": 3, "maerz": 3, "mars": 3, "marzo": 3, "março": 3, "marco": 3, "maart": 3,
	"avril": 4, "abril": 4, "aprile": 4,
	"mai": 5, "mayo": 5, "maggio": 5, "maio": 5, "mei": 5,
	"juni": 6, "juin": 6, "junio": 6, "giugno": 6, "junho": 6,
	"juli": 7, "juillet": 7, "julio": 7, "luglio": 7, "julho": 7,
	"août": 8, "aout": 8, "agosto": 8, "augustus": 8,
	"septembre": 9, "septiembre": 9, "setiembre": 9, "settembre": 9, "setembro": 9,
	"oktober": 10, "octobre": 10, "octubre": 10, "ottobre": 10, "outubro": 10,
	"novembre": 11, "noviembre": 11, "novembro": 11,
	"dezember": 12, "décembre": 12, "decembre": 12, "diciembre": 12, "dicembre": 12, "dezembro": 12,
}

// monthIndex returns 1-12 for a month name or its three-letter (or "sept")
// abbreviation, or a German, French, Spanish, Italian, Portuguese or Dutch
// month name, else 0. English names do not allocate.
func monthIndex(w string) int {
	if len(w) < 3 || len(w) > 11 {
		return 0
	}
	switch lower(w[0]) {
	case 'j', 'f', 'm', 'a', 's', 'o', 'n', 'd':
	case 'e', 'g', 'l':
		return foreignMonths[toLowerString(w)]
	default:
		return 0
	}
	for i, m := range monthNames {
		if equalFoldASCII(w, m) || len(w) == 3 && equalFoldASCII(w, m[:3]) || i == 8 && equalFoldASCII(w, "sept") {
			return i + 1
		}
	}
	if len(w) >= 4 {
		return foreignMonths[toLowerString(w)]
	}
	return 0
}

// equalFoldASCII compares w with the lower-case ASCII string m.
func equalFoldASCII(w, m string) bool {
	if len(w) != len(m) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if lower(w[i]) != m[i] {
			return false
		}
	}
	return true
}

// dayAt reports a day of the month as a number of one or two digits at
// token i.
func (s *scan) dayAt(i int) bool {
	return i >= 0 && i < len(s.toks) && s.toks[i].kind == tNum && s.toks[i].e-s.toks[i].s <= 2
}

// monthDate reports "March 3, 1990" or "3 March 1990" near a birth word.
func (s *scan) monthDate(i int) {
	toks := s.toks
	start, end := i, i
	switch {
	case i > 0 && (toks[i-1].kind == tNum && toks[i-1].e-toks[i-1].s <= 2 || s.ordinalAt(i-1)):
		start = i - 1 // "3 March 1990", "3rd March 1990"
	case s.wordIs(i-1, "of") && s.ordinalAt(i-2):
		start = i - 2 // "the 3rd of May 1985"
	case s.punctIs(i-1, ".") && s.dayAt(i-2):
		start = i - 2 // German "5. Juli 1971"
	case (s.wordIs(i-1, "de") || s.wordIs(i-1, "del")) && s.dayAt(i-2):
		start = i - 2 // Spanish and Portuguese "7 de maio de 1955"
	}
	k := i + 1
	if s.punctIs(k, ".") {
		k++
	}
	if s.wordIs(k, "de") || s.wordIs(k, "del") {
		k++ // "… de 1955"
	}
	if k < len(toks) && (toks[k].kind == tNum && toks[k].e-toks[k].s <= 2 || s.ordinalAt(k)) && start == i {
		end = k
		k++
		if s.punctIs(k, ",") {
			k++
		}
	}
	if k < len(toks) && toks[k].kind == tNum && toks[k].e-toks[k].s == 4 {
		end = k
	}
	if end == i || start == i && end == i+1 {
		return
	}
	if s.hasContext(toks[start].s, dobContext) || s.birthAfter(toks[end].e) {
		s.add(toks[start].s, toks[end].e, TypeDateOfBirth, 0.85)
	}
}

// birthAfter reports "geboren" right after a date that ends at end, as
// German and Dutch put it: "am 5. Juli 1971 geboren", "op 3 mei 1980
// geboren" (not "… 2023. I was born", a date before a new sentence).
func (s *scan) birthAfter(end int) bool {
	w := strings.TrimLeft(s.text[end:min(len(s.text), end+12)], " ")
	return len(w) >= 7 && equalFoldASCII(w[:7], "geboren")
}
