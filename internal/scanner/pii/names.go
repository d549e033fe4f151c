package pii

import "strings"

// is reports whether token i, lower-cased, is in l. The token's lexicon
// bits are looked up on first use (ASCII words folded in a stack buffer, so
// the look-up does not allocate) and kept on the token.
func (s *scan) is(l lexicon, i int) bool {
	if i < 0 || i >= len(s.toks) {
		return false
	}
	if s.toks[i].lex&lexComputed == 0 {
		s.toks[i].lex = lexComputed | s.lexOf(i)
	}
	return s.toks[i].lex&l.bit != 0
}

// lexOf returns the bits of the lexicons that hold token i, lower-cased, or
// failing that, lower-cased without Latin diacritics.
func (s *scan) lexOf(i int) uint32 {
	tk := s.toks[i]
	w := s.text[tk.s:tk.e]
	var buf [24]byte
	if len(w) <= len(buf) {
		ascii := true
		for k := 0; k < len(w); k++ {
			c := w[k]
			if c >= 0x80 {
				ascii = false
				break
			}
			buf[k] = lower(c)
		}
		if ascii {
			return lexBits[string(buf[:len(w)])]
		}
	}
	lw := toLowerString(w)
	bits := lexBits[lw]
	// "Miklós", "Éva": try without Latin diacritics.
	if f := foldDiacritics(lw); f != lw {
		bits |= lexBits[f]
	}
	return bits
}

// diacritics maps accented Latin letters to their base letter.
var diacritics = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'ą': 'a', 'ā': 'a',
	'ç': 'c', 'č': 'c', 'ć': 'c', 'ď': 'd', 'đ': 'd', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'ě': 'e', 'ę': 'e', 'ē': 'e', 'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i', 'ī': 'i', 'ł': 'l',
	'ľ': 'l', 'ĺ': 'l', 'ñ': 'n', 'ň': 'n', 'ń': 'n', 'ó': 'o', 'ò': 'o', 'ô': 'o', 'ö': 'o',
	'õ': 'o', 'ő': 'o', 'ø': 'o', 'ř': 'r', 'š': 's', 'ś': 's', 'ș': 's', 'ş': 's', 'ť': 't',
	'ț': 't', 'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ů': 'u', 'ű': 'u', 'ū': 'u', 'ý': 'y',
	'ÿ': 'y', 'ž': 'z', 'ź': 'z', 'ż': 'z', 'ð': 'd', 'þ': 't',
}

func foldDiacritics(w string) string {
	b := make([]rune, 0, len(w))
	changed := false
	for _, r := range w {
		if f, ok := diacritics[r]; ok {
			r = f
			changed = true
		}
		b = append(b, r)
	}
	if !changed {
		return w
	}
	return string(b)
}

// phrasesEndingAt returns the strongBefore phrases whose last word is
// token k.
func (s *scan) phrasesEndingAt(k int) [][]string {
	w := s.tok(k)
	var buf [16]byte
	if len(w) > len(buf) {
		return nil
	}
	for j := 0; j < len(w); j++ {
		buf[j] = lower(w[j])
	}
	return strongByLast[string(buf[:len(w)])]
}

// tok returns the text of token i.
func (s *scan) tok(i int) string { return s.text[s.toks[i].s:s.toks[i].e] }

// punctIs reports whether token i is the punctuation mark p.
func (s *scan) punctIs(i int, p string) bool {
	return i >= 0 && i < len(s.toks) && s.toks[i].kind == tPunct && s.tok(i) == p
}

// wordIs reports whether token i is the word w (ASCII, case-insensitive).
func (s *scan) wordIs(i int, w string) bool {
	if i < 0 || i >= len(s.toks) || s.toks[i].kind != tWord || s.toks[i].e-s.toks[i].s != len(w) {
		return false
	}
	return equalFoldASCII(s.tok(i), w)
}

var nameParticles = newLexicon(`van de der den da di do von la le del della delle dei degli dos das du ten ter bin ibn al el y`)

// strongBefore are phrases (as lower-case word sequences ending right
// before a name) that introduce a person's name.
var strongBefore = [][]string{
	{"name", "is"}, {"name", "'", "s"}, {"name", ":"}, {"names", "are"}, {"i", "'", "m"}, {"i", "am"}, {"this", "is"},
	{"dear"}, {"named"}, {"called"}, {"signed"}, {"regards", ","}, {"sincerely", ","}, {"from", ":"}, {"to", ":"},
	{"user", ":"}, {"name", "?"}, {"under"}, {"add"}, {"hi"}, {"hello"}, {"hey"}, {"thanks"}, {"contact"},
	{"ask", "for"}, {"speak", "to"}, {"assistant", "to"}, {"married", "to"}, {"by"}, {"with"}, {"about"},
	{"and"}, {"meet"}, {"met"}, {"told"}, {"asked"}, {"cc", ":"}, {"attn", ":"}, {"author", ":"},
	{"by", ":"}, {"says"}, {"said"}, {"starring"}, {"featuring"}, {"feat", "."}, {"call", "me"}, {"calls", "me"},
	{"named", "him"}, {"named", "her"}, {"kid"}, {"son"}, {"daughter"}, {"wife"}, {"husband"}, {"partner"},
	{"friend"}, {"boss"}, {"colleague"}, {"nephew"}, {"niece"}, {"mom"}, {"dad"}, {"grandson"}, {"granddaughter"},
	{"follow", "up", "with"}, {"heard"}, {"contacted"}, {"verses", "from"}, {"contact", ":"}, {"manager", ":"},
	// fr, de, es, it, pt, nl: "je m'appelle", "ich heiße", "mein Name ist", "me llamo", "mi chiamo",
	// "meu nome é", "mijn naam is", "ik heet".
	{"talked", "to"}, {"talking", "to"}, {"spoke", "to"}, {"spoke", "with"}, {"speaking", "with"}, {"reach", "out", "to"},
	{"forward", "it", "to"}, {"forward", "this", "to"}, {"belongs", "to"}, {"assigned", "to"}, {"addressed", "to"},
	{"on", "behalf", "of"}, {"in", "memory", "of"}, {"introduce", "you", "to"},
	{"appelle"}, {"m'appelle"}, {"m’appelle"}, {"nom", "est"}, {"heiße"}, {"heisse"}, {"name", "ist"}, {"llamo"}, {"nombre", "es"},
	{"chiamo"}, {"nome", "è"}, {"nome", "é"}, {"naam", "is"}, {"heet"}, {"querido"}, {"querida"},
	{"cher"}, {"chère"}, {"liebe"}, {"lieber"}, {"caro"}, {"cara"}, {"beste"},
	// greetings in the other languages: "ciao fede", "oi lu", "hola dani", "salut manon"
	{"ciao"}, {"hola"}, {"oi"}, {"olá"}, {"salut"}, {"slt"}, {"hallo"}, {"hoi"}, {"bonjour"}, {"buongiorno"},
}

// strongByLast indexes strongBefore by the phrase's last word.
var strongByLast = func() map[string][][]string {
	m := map[string][][]string{}
	for _, p := range strongBefore {
		m[p[len(p)-1]] = append(m[p[len(p)-1]], p)
	}
	return m
}()

// weakBefore phrases only count together with lexicon evidence.
var weakBefore = map[string]bool{"by": true, "with": true, "about": true, "and": true, "meet": true, "met": true, "told": true, "asked": true, "under": true, "add": true, "thanks": true, "contact": true, "heard": true}

// prevWords returns up to n tokens before i, lower-cased (punctuation kept).
func (s *scan) matchBefore(i int, phrase []string) bool {
	k := i - 1
	for p := len(phrase) - 1; p >= 0; p-- {
		if k < 0 {
			return false
		}
		if w := s.tok(k); len(w) != len(phrase[p]) || !equalFoldASCII(w, phrase[p]) {
			return false
		}
		k--
	}
	return true
}

// persons finds person names: capitalized runs judged by first-name and
// surname lexicons, surname morphology, honorifics and context phrases.
func (s *scan) persons() {
	toks := s.toks
	noCaps := s.lowerNames
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		if tk.kind != tWord || !tk.cap && !noCaps {
			continue
		}
		// In all-lower-case text only first names and introduced words
		// ("my name is lena") can start a name.
		if !tk.cap && (tk.e-tk.s < 2 || !s.is(s.d.lex.first, i) && !(i > 0 && len(s.phrasesEndingAt(i-1)) > 0) && !s.afterHonorific(i)) {
			continue
		}
		if s.is(s.d.lex.stop, i) || s.is(s.d.lex.honorific, i) || s.is(afterCue, i) {
			continue
		}
		strong, weak := s.nameContext(i)
		if !tk.cap && !s.is(s.d.lex.first, i) && !strong {
			continue
		}
		// Extend the run.
		j := i
		parts := 1
		for parts < 4 {
			k := j + 1
			if k < len(toks) && s.punctIs(k, ".") && !toks[k].spBefore && toks[j].e-toks[j].s == 1 {
				j = k // initial "E."
				continue
			}
			if k >= len(toks) || toks[k].nlBefore || !toks[k].spBefore || toks[k].kind != tWord {
				break
			}
			// A middle initial that is also a word: "Vide A. Persson",
			// and in lower-case text "benjamin a seiler".
			if toks[k].e-toks[k].s == 1 && k+1 < len(toks) {
				if toks[k].cap && !noCaps && s.punctIs(k+1, ".") && !toks[k+1].spBefore && k+2 < len(toks) && toks[k+2].kind == tWord && toks[k+2].cap && !toks[k+2].nlBefore {
					j = k + 1
					parts++
					continue
				}
				if noCaps && s.is(s.d.lex.first, i) && toks[k+1].kind == tWord && toks[k+1].spBefore && !toks[k+1].nlBefore && (s.surnameLike(k+1) || s.is(s.d.lex.first, k+1)) {
					j = k + 1
					parts += 2
					continue
				}
			}
			if s.is(nameParticles, k) && k+1 < len(toks) && toks[k+1].cap && toks[k+1].kind == tWord && !toks[k+1].nlBefore && parts > 0 {
				j = k + 1
				parts++
				continue
			}
			if s.is(s.d.lex.stop, k) || s.is(s.d.lex.honorific, k) {
				break
			}
			if toks[k].cap || noCaps && (toks[k].e-toks[k].s == 1 || s.surnameLike(k)) {
				j = k
				parts++
				continue
			}
			break
		}
		// A name is not followed by another capitalized word on the line
		// that we refused (a stop word such as "Street" or "Inc").
		// The middle of a list of single capitalized words ("Jones,
		// Mitchell and Williams") is judged with its list (nameLists).
		if parts == 1 && !strong && s.punctIs(i-1, ",") && s.titleCase(i-2) && (s.punctIs(i+1, ",") || s.wordIs(i+1, "and")) && (s.titleCase(i+2) || s.wordIs(i+2, "and") && s.titleCase(i+3)) {
			continue
		}
		// "Ask Siobhan O'Connor", "Yesterday Jamal Brown": a sentence's
		// first word before a known first name is not part of the name.
		if parts >= 2 && !strong && (i == 0 || toks[i].nlBefore || s.punctIs(i-1, ".") || s.punctIs(i-1, "!") || s.punctIs(i-1, "?")) &&
			!s.is(s.d.lex.first, i) && !s.surnameLike(i) && s.is(s.d.lex.first, i+1) && !s.is(s.d.lex.ambiguous, i+1) {
			continue
		}
		score := s.nameScore(i, j, parts, strong, weak)
		if score >= 0.5 {
			s.add(tk.s, toks[j].e, TypePerson, min(0.95, 0.45+score/2))
		} else if parts >= 2 && !s.is(s.d.lex.first, i) && s.is(s.d.lex.first, i+1) {
			// "Ask Siobhan O'Connor", "Yesterday Jamal Brown": a
			// capitalized word before a known first name; judge the
			// run from the first name.
			continue
		}
		i = j
	}
}

// anyUpper reports a capitalized word. With skipAcronyms, acronyms and the
// pronoun "I" do not count: "called jake morrison, waiting on his CFO" is
// still written in lower case as far as names go (addresses keep the strict
// reading: a photo prompt full of "ISO" and "EXIF" is not casual text).
func (s *scan) anyUpper(skipAcronyms bool) bool {
	for _, tk := range s.toks {
		if !tk.cap {
			continue
		}
		if n := tk.e - tk.s; skipAcronyms && tk.kind == tWord && tk.upper && (n >= 2 || s.text[tk.s] == 'I') {
			continue
		}
		return true
	}
	return false
}

// surnameSuffixed reports a surname by its ending alone (-sson, -ová, ...),
// not by the lexicon.
func (s *scan) surnameSuffixed(i int) bool {
	w := s.tok(i)
	if len(w) < 5 {
		return false
	}
	lw := toLowerASCII(w)
	for _, c := range commonSuffixed {
		if strings.HasSuffix(lw, c) {
			return false
		}
	}
	return hasSuffix(lw, nameSuffixes)
}

func (s *scan) surnameLike(i int) bool {
	if s.is(s.d.lex.surname, i) {
		return true
	}
	w := s.tok(i)
	// Gaelic and Dutch family-name prefixes: "McAllister", "MacLeod",
	// "O'Brien", "Vandermeer".
	if len(w) >= 5 && (w[0] == 'M' && w[1] == 'c' && isUpper(w[2]) || strings.HasPrefix(w, "Mac") && isUpper(w[3]) ||
		w[0] == 'O' && (w[1] == '\'' || strings.HasPrefix(w[1:], "’")) || strings.HasPrefix(w, "Vander") || strings.HasPrefix(w, "Vanden")) {
		return true
	}
	if len(w) < 5 {
		return false
	}
	lw := toLowerASCII(w)
	for _, c := range commonSuffixed {
		if strings.HasSuffix(lw, c) {
			return false
		}
	}
	return hasSuffix(lw, nameSuffixes)
}

func toLowerASCII(w string) string {
	for i := 0; i < len(w); i++ {
		if isUpper(w[i]) {
			return strings.ToLower(w)
		}
	}
	return w
}

// nameContext reports strong and weak context before token i: an honorific
// or an introducing phrase.
func (s *scan) nameContext(i int) (strong, weak bool) {
	if s.titleBefore(i, s.d.lex.honorific) {
		return true, false
	}
	k := i - 1
	if s.punctIs(k, ".") {
		k--
	}
	// Italian feminine titles: "Dott.ssa Rinaldi", "Sig.ra Bianchi".
	if k >= 2 && s.toks[k].kind == tWord && !s.toks[k].cap && s.toks[k].e-s.toks[k].s <= 3 && s.punctIs(k-1, ".") && s.is(s.d.lex.honorific, k-2) {
		return true, false
	}
	if i == 0 {
		return false, false
	}
	for _, p := range s.phrasesEndingAt(i - 1) {
		if s.matchBefore(i, p) {
			if len(p) == 1 && weakBefore[p[0]] {
				return false, true
			}
			return true, false
		}
	}
	// A "Name:" label alone on the previous line ("Name:\nJohn Smith",
	// not "Name: John Smith\nKrankenkasse: AOK").
	if i > 0 && s.toks[i].nlBefore && s.punctIs(i-1, ":") && s.lineLabelled(s.toks[i].s, []string{"name"}) {
		return true, false
	}
	return false, false
}

// afterCue are words that often follow a person's name.
var afterCue = newLexicon(`lives lived said says explained shouted wrote told asked spent began works worked joined replied added argued believes thinks`)

// afterCueBigram are weaker cues after a two- or three-word name.
var afterCueBigram = newLexicon(`from of had has was is and`)

// vocativeNext follow "Name," when the name is addressed.
var vocativeNext = newLexicon(`can could would will please i you we thanks thank how what where why when do did are is have`)

// orgWords after a capitalized run make it an organisation, not a person.
var orgWords = newLexicon(`incorporated inc inc. ltd llc plc gmbh ag sa corp corporation company co group holdings partners associates agency orchestra band foundation institute university college bank investments capital ventures labs technologies systems solutions services consulting media`)

// titleCase reports a word written Like This (not ALL CAPS, not lower).
func (s *scan) titleCase(i int) bool {
	if i < 0 || i >= len(s.toks) {
		return false
	}
	tk := s.toks[i]
	return tk.kind == tWord && tk.cap && !tk.upper
}

func (s *scan) nameScore(i, j, parts int, strong, weak bool) float64 {
	toks := s.toks
	sc := 0.0
	lex := s.d.lex
	first := s.is(lex.first, i)
	amb := s.is(lex.ambiguous, i)
	switch {
	case first && !amb:
		sc += 0.55
	case first && amb:
		sc += 0.2
	}
	lastName := j
	initial := false
	if parts >= 2 {
		sc += 0.1
		if s.surnameLike(lastName) || s.is(lex.first, lastName) && !s.is(lex.ambiguous, lastName) {
			sc += 0.25
		}
		if !first && s.is(lex.first, i+1) {
			sc += 0.1
		}
		// Two or three Title-case words that are not in any word list
		// look like an unknown name ("Tomomi Nishiyama").
		if !first && s.titleCase(i) && s.titleCase(lastName) {
			sc += 0.25
		}
		// A middle initial: "Ravil G Yefimov", "Sari J. Paavolainen".
		for k := i + 1; k < j; k++ {
			if toks[k].kind == tWord && toks[k].e-toks[k].s == 1 && toks[k].cap {
				sc += 0.35
				initial = true
				break
			}
		}
		// A run that is a whole line, as in signatures and address
		// blocks ("Maha Cazares\n\nChiclana ...").
		if s.lineStart(i) && (j+1 >= len(toks) || toks[j+1].nlBefore) {
			sc += 0.2
		}
	} else if !first && s.surnameLike(i) {
		sc += 0.25
	}
	lexical := first || s.surnameLike(lastName) || s.is(lex.first, lastName)
	bigram := parts >= 2 && s.titleCase(i) && s.titleCase(lastName)
	switch {
	case strong:
		sc += 0.5
	case weak && (lexical || bigram && !s.wordIs(i-1, "with") && !s.wordIs(i-1, "about") && !s.wordIs(i-1, "and")):
		sc += 0.15
	}
	// Possessive, a person verb, a dialogue colon or a vocative comma after
	// the name. cue marks the strong ones, which also lift the
	// sentence-start penalty.
	cue := false
	if n := j + 1; n < len(toks) {
		switch {
		case (s.punctIs(n, "'") || s.punctIs(n, "’")) && n+1 < len(toks) && !toks[n+1].spBefore && s.wordIs(n+1, "s"):
			sc += 0.15
		case toks[n].kind == tWord && s.is(afterCue, n):
			// "Timotea lives on", but not "OpenAI says": one unknown
			// word before a verb is as often a company as a person.
			if parts >= 2 || lexical {
				sc += 0.5
			} else {
				sc += 0.3
			}
			cue = true
		case toks[n].kind == tWord && s.is(orgWords, n):
			return 0
		case toks[n].kind == tWord && parts >= 2 && s.is(afterCueBigram, n):
			sc += 0.15 // "Favian Rangel from Drake PLC"
		case s.punctIs(n, ":") && s.lineStart(i) && n+1 < len(toks) && !toks[n+1].nlBefore &&
			(parts >= 2 || first || s.speakerRepeats(i)):
			// "Halldór: What a wife." A single unknown word before a colon
			// is a form's label ("Cliente:", "Geburtsdatum:", "Spouse:")
			// unless it starts several lines, as a speaker's name does.
			sc += 0.5
			cue = true
		case parts == 1 && (s.punctIs(n, "!") || s.punctIs(n, "?")) && s.punctIs(i-1, ",") && !s.titleCase(i-2) && !s.wordIs(i-2, "in") &&
			(n+1 >= len(toks) || toks[n+1].nlBefore || toks[n+1].cap):
			// Not "in Sydney, Australia?" nor "Paris, France?": a place.
			sc += 0.5 // "Don't go to town, Derrick!"
			cue = true
		case s.punctIs(n, ",") && parts == 1 && n+1 < len(toks) && s.is(vocativeNext, n+1) &&
			(i == 0 || toks[i].nlBefore || s.punctIs(i-1, ".") || s.punctIs(i-1, "!") || s.punctIs(i-1, "?")):
			sc += 0.5 // "Warrane, can I please ..."
			cue = true
		}
	}
	allUpper := true
	for k := i; k <= j; k++ {
		if toks[k].kind == tWord && !toks[k].upper {
			allUpper = false
		}
	}
	if allUpper && !strong {
		sc -= 0.5 // CITY NAMES and acronyms
	}
	sentStart := i == 0 || toks[i].nlBefore || s.punctIs(i-1, ".") || s.punctIs(i-1, "!") || s.punctIs(i-1, "?")
	if sentStart && parts == 1 && !first && !strong && !cue {
		sc -= 0.2
	}
	// "the Quick Brown Fox", "a Big Three": names rarely follow an article,
	// unless they carry a middle initial or a surname ending.
	if !first && !initial && !s.surnameSuffixed(lastName) && (s.wordIs(i-1, "the") || s.wordIs(i-1, "a") || s.wordIs(i-1, "an")) {
		sc -= 0.3
	}
	if s.lowerNames && parts == 1 && !strong {
		sc -= 0.3
	}
	return sc
}

// commonSuffixed are common words that end like surnames ("-son").
var commonSuffixed = []string{"person", "reason", "season", "lesson", "prison", "poison", "comparison", "liaison", "venison", "unison", "treason", "caparison", "dinner", "banner", "manner", "corner", "partner", "owner", "winner", "runner", "planner", "scanner", "scheduler", "handler", "controller", "seller", "dealer", "ruler", "boiler", "trailer", "thriller", "keller", "alert", "expert", "concert", "desert", "insert", "convert", "summer", "customer", "farmer", "hammer", "timer", "former", "pinterest", "linen", "banyan"}

// afterHonorific reports a courtesy title right before token i ("mrs
// okafor", "dr. pohl"); not "father", "general" or "judge", which lower-case
// text uses as ordinary nouns ("my father retired").
func (s *scan) afterHonorific(i int) bool { return s.titleBefore(i, courtesyTitles) }

// titleBefore reports a word of l right before token i, with or without a
// full stop after it ("Dr Pohl", "dr. pohl").
func (s *scan) titleBefore(i int, l lexicon) bool {
	k := i - 1
	if s.punctIs(k, ".") {
		k--
	}
	return k >= 0 && s.toks[k].kind == tWord && s.is(l, k)
}

var courtesyTitles = newLexicon(`mr mrs ms miss mx dr prof mme mlle herr herrn frau sr sra srta dña dona don dott sig dhr mevr mevrouw meneer`)

// speakerRepeats reports whether the text reads as a transcript: another
// line starts with the same word and a colon, or with a known first name
// and a colon ("Ubul: What a wife.\nNicole: Remember me?"). A form's labels
// ("Cliente:", "Residenza:") are neither.
func (s *scan) speakerRepeats(i int) bool {
	if s.labels == nil {
		// Once per text: a log of thousands of "key: value" lines would
		// otherwise cost a pass over the text for each of its labels.
		s.labels = map[string]int{}
		for k := range s.toks {
			if s.toks[k].kind != tWord || !s.punctIs(k+1, ":") || !s.lineStart(k) {
				continue
			}
			s.labels[s.tok(k)]++
			if s.is(s.d.lex.first, k) && !s.is(s.d.lex.ambiguous, k) {
				s.firstLabels++
			}
		}
	}
	// Token i is itself a label and, being scored here, not a known first
	// name: another label with its text, or any first-name label.
	return s.labels[s.tok(i)] >= 2 || s.firstLabels > 0
}

// lineStart reports whether token i starts its line (after quote or
// bullet marks).
func (s *scan) lineStart(i int) bool {
	k := i
	for k > 0 && !s.toks[k].nlBefore && s.toks[k-1].kind == tPunct && i-k < 4 {
		switch s.tok(k - 1) {
		case ">", "?", "*", "•", "-", "|":
			k--
			continue
		}
		break
	}
	return k == 0 || s.toks[k].nlBefore
}

// nameLists marks lists of single capitalized words ("Monjeau, Graves and
// Reed") as names when one member already is a name or a known first name
// or surname.
func (s *scan) nameLists() {
	toks := s.toks
	for i := 0; i < len(toks); i++ {
		if !s.titleCase(i) {
			continue
		}
		members := []int{i}
		k := i + 1
		for k+1 < len(toks) && len(members) < 12 {
			sep := s.punctIs(k, ",") || s.wordIs(k, "and") || s.wordIs(k, "or")
			if !sep {
				break
			}
			n := k + 1
			if s.punctIs(k, ",") && s.wordIs(n, "and") {
				n++
			}
			if n >= len(toks) || !s.titleCase(n) || n+1 < len(toks) && s.titleCase(n+1) && !toks[n+1].nlBefore {
				break
			}
			members = append(members, n)
			k = n + 1
		}
		if len(members) < 2 || k < len(toks) && s.titleCase(k) {
			i = k - 1
			continue
		}
		known := 0
		for _, m := range members {
			if s.is(s.d.lex.stop, m) || s.is(orgWords, m) {
				known = -100
				break
			}
			if s.is(s.d.lex.first, m) && !s.is(s.d.lex.ambiguous, m) || s.is(s.d.lex.surname, m) {
				known++
			}
		}
		// "Barnett, Melton and Garcia" made only of surnames is as often a
		// firm as a group of people: it needs a cue (a colon, "founders").
		firsts := 0
		for _, m := range members {
			// "Mitchell", "Davis": names that are also surnames say
			// nothing about a firm's name.
			if s.is(s.d.lex.first, m) && !s.is(s.d.lex.ambiguous, m) && !s.is(s.d.lex.surname, m) {
				firsts++
			}
		}
		// "at Jones, Mitchell and Williams", "The Davis, Reynolds and
		// Williamson Orchestra": a firm.
		if s.wordIs(i-1, "at") || s.wordIs(i-1, "the") || k < len(toks) && (s.is(orgWords, k) || s.is(s.d.lex.stop, k) && toks[k].cap) {
			i = k - 1
			continue
		}
		cue := s.punctIs(i-1, ":") || k < len(toks) && (s.wordIs(k, "were") || s.wordIs(k, "are")) || s.hasContext(toks[i].s, []string{"founders", "children", "kids", "friends", "members", "people", "named"})
		if known >= 1 && known*3 >= len(members) && (firsts > 0 || cue) {
			for _, m := range members {
				s.add(toks[m].s, toks[m].e, TypePerson, 0.6)
			}
		}
		i = k - 1
	}
}
