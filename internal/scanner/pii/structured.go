package pii

import (
	"net/netip"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Context words, lower case, searched in the window before a candidate.
var (
	phoneContext = []string{"phone", "tel", "call", "mobile", "cell", "fax", "contact", "reach", "text me", "whatsapp", "sms", "dial", "number", "answering", "messages to", "ring",
		"telefon", "teléfono", "telefono", "téléphone", "handy", "mobil", "portable", "móvil", "movil", "cellulare", "ruf", "appel", "llám", "llam", "numéro", "número", "numero", "nummer",
		// chat shorthand: "mon num c …", "meu zap …", "chiamami …", "bel me op …"
		"num ", "zap", "chiam", "bel me", "bizum", "landline"}
	cardContext = []string{"card", "cc", "visa", "mastercard", "amex", "credit", "debit", "payment", "pan"}
	ssnContext  = []string{"ssn", "social security", "social sec", "ss#", "ss #"}
	dobContext  = []string{"born", "birth", "dob", "d.o.b", "birthday", "b-day", "bday",
		// de, fr, es, it, pt, nl
		"geb.", "geboren", "geburt", "né le", "née le", "né(e)", "naissance", "nacido", "nacida", "nacimiento",
		"nato il", "nata il", "nato a", "nata a", "nascita", "nascido", "nascida", "nascimento", "geboorte"}
	ninoContext = []string{"national insurance", "nino", "ni number", "ni no"}
)

// structured runs the byte-level pre-scan: e-mails at '@', numeric chunks
// (cards, phones, SSNs, IPv4, dates), IBANs and UK NINOs at upper-case word
// starts, IPv6 at hex runs with colons. Each byte is looked at a constant
// number of times.
func (s *scan) structured() {
	t := s.text
	for i := 0; i < len(t); i++ {
		c := t[i]
		prevAlnum := i > 0 && (isAlnum(t[i-1]) || t[i-1] == '_')
		switch {
		case c == '@':
			s.email(i)
		case !prevAlnum && isDigit(c) && i+8 < len(t) && isDigit(t[i+7]):
			// A Spanish DNI (8 digits and a letter) before other numbers.
			if end := s.spanishID(i); end > i {
				i = end - 1
				continue
			}
			if end := s.ipv6(i); end > i {
				i = end - 1
				continue
			}
			if end := s.numeric(i); end > i {
				i = end - 1
			}
		case (c == 'X' || c == 'Y' || c == 'Z') && !prevAlnum && i+8 < len(t) && isDigit(t[i+1]) && isDigit(t[i+7]):
			if end := s.spanishID(i); end > i {
				i = end - 1
			}
		case !prevAlnum && (isDigit(c) || (c == '+' || c == '(') && i+1 < len(t) && isDigit(t[i+1])):
			if end := s.ipv6(i); end > i {
				i = end - 1
				continue
			}
			if end := s.numeric(i); end > i {
				i = end - 1
			}
		case !prevAlnum && isAlpha(c) && i+3 < len(t) && isAlpha(t[i+1]) && (isUpper(c) || isDigit(t[i+2]) && isDigit(t[i+3])):
			if i+16 <= len(t) && isUpper(c) && isDigit(t[i+6]) {
				if end := s.fiscalCode(i); end > i {
					i = end - 1
					continue
				}
			}
			if end := s.ibanOrNINO(i); end > i {
				i = end - 1
			}
		case !prevAlnum && isHexLetter(c):
			if end := s.ipv6(i); end > i {
				i = end - 1
			}
		}
	}
}

func isHexLetter(c byte) bool { return 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
func isHex(c byte) bool       { return isDigit(c) || isHexLetter(c) }

// email expands around the '@' at at.
func (s *scan) email(at int) {
	t := s.text
	ls := at
	for ls > 0 && ls > at-64 {
		c := t[ls-1]
		if isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' {
			ls--
			continue
		}
		break
	}
	for ls < at && t[ls] == '.' {
		ls++
	}
	if ls == at {
		return
	}
	de := at + 1
	lastDot := -1
	for de < len(t) && de-at < 255 {
		c := t[de]
		if isAlnum(c) || c == '-' {
			de++
			continue
		}
		if c == '.' && de+1 < len(t) && isAlnum(t[de+1]) {
			lastDot = de
			de++
			continue
		}
		break
	}
	if lastDot < 0 || de-lastDot-1 < 2 {
		return
	}
	for j := lastDot + 1; j < de; j++ {
		if !isAlpha(t[j]) {
			return
		}
	}
	s.add(ls, de, TypeEmail, 0.95)
}

// hasContext reports whether one of words occurs (case-insensitively) in
// the window before pos.
func (s *scan) hasContext(pos int, words []string) bool {
	lo := max(0, pos-s.d.window)
	w := s.text[lo:pos]
	for _, k := range words {
		if indexFold(w, k) >= 0 {
			return true
		}
	}
	return false
}

// numeric consumes a chunk of digits and separators starting at i and
// classifies it. It returns the end of the chunk.
func (s *scan) numeric(i int) int {
	t := s.text
	start := i
	end := i
	var digits [24]byte
	nd := 0
	seps := 0
	var sepKinds [8]bool // ' ' '-' '.' '/' '(' ')' '+'
	groups := 0
	inGroup := false
	j := i
	if t[j] == '+' {
		sepKinds[6] = true
		j++
	}
	for j < len(t) && j-start < 48 {
		c := t[j]
		if isDigit(c) {
			if nd < len(digits) {
				digits[nd] = c
			}
			nd++
			if !inGroup {
				groups++
				inGroup = true
			}
			j++
			end = j
			continue
		}
		inGroup = false
		k := -1
		switch c {
		case ' ':
			k = 0
		case '-':
			k = 1
		case '.':
			k = 2
		case '/':
			k = 3
		case '(':
			k = 4
		case ')':
			k = 5
		}
		if k < 0 {
			break
		}
		// A separator run (at most two bytes, e.g. ") ") must be followed
		// by a digit or '(' to belong to the chunk.
		n := j + 1
		if n < len(t) && (t[n] == ' ' || t[n] == '(' || t[n] == ')' || t[n] == '-') && c != t[n] {
			n++
		}
		if n >= len(t) || !isDigit(t[n]) && !(t[n-1] != '(' && t[n] == '(') {
			break
		}
		sepKinds[k] = true
		if n == j+2 {
			switch t[j+1] {
			case ' ':
				sepKinds[0] = true
			case '(':
				sepKinds[4] = true
			case ')':
				sepKinds[5] = true
			case '-':
				sepKinds[1] = true
			}
		}
		seps++
		j = n
	}
	// A chunk glued to letters ("A1234", "12abc") is an identifier.
	if end < len(t) && (isAlpha(t[end]) && !(t[end] == 'x' && end+1 < len(t) && isDigit(t[end+1]))) {
		return end
	}
	if nd > len(digits) {
		return end
	}
	chunk := t[start:end]
	ds := string(digits[:nd])
	s.classifyNumber(start, end, chunk, ds, groups, sepKinds)
	return end
}

func (s *scan) classifyNumber(start, end int, chunk, ds string, groups int, sep [8]bool) {
	nd := len(ds)
	onlySpaceDash := !sep[2] && !sep[3] && !sep[4] && !sep[5] && !sep[6]
	// IPv4: four dot-separated groups of at most three digits, each <= 255.
	if sep[2] && !sep[0] && !sep[1] && !sep[3] && !sep[4] && !sep[5] && !sep[6] && groups == 4 {
		if a, err := netip.ParseAddr(chunk); err == nil && a.Is4() {
			// 0.0.0.0, 127.x and 255.255.255.255 name no one.
			if !a.IsUnspecified() && !a.IsLoopback() && a != netip.AddrFrom4([4]byte{255, 255, 255, 255}) && !s.versionContext(start) {
				s.add(start, end, TypeIPAddress, 0.9)
			}
		}
		return
	}
	if sep[2] && groups == 3 && nd <= 9 && !sep[0] {
		// 1.2.3 version numbers; dd.mm.yyyy dates below.
		if !looksDate(chunk) {
			return
		}
	}
	// Dates: reported only as dates of birth.
	if (sep[3] || sep[1] || sep[2]) && groups == 3 && looksDate(chunk) {
		if s.hasContext(start, dobContext) || s.birthAfter(end) {
			s.add(start, end, TypeDateOfBirth, 0.85)
		}
		return
	}
	// National numbers that need a context word or a strict grouping.
	if nd >= 9 && nd <= 15 && s.nationalNumber(start, end, ds, groups, onlySpaceDash) {
		return
	}
	// US SSN: 3-2-4 with dashes (or spaces / plain with context).
	if nd == 9 && (groups == 3 || groups == 1) && !sep[2] && !sep[3] && !sep[4] && !sep[5] && !sep[6] {
		ssnCtx := s.hasContext(start, ssnContext)
		if groups == 3 && len(chunk) == 11 && ValidSSN(chunk[0:3], chunk[4:6], chunk[7:11]) && (sep[1] && !sep[0] || ssnCtx) {
			score := 0.85
			if ssnCtx {
				score = 0.95
			}
			s.add(start, end, TypeUSSSN, score)
			return
		}
		if groups == 1 && ssnCtx && ValidSSN(ds[0:3], ds[3:5], ds[5:9]) {
			s.add(start, end, TypeUSSSN, 0.9)
			return
		}
	}
	// Payment cards: 12-19 digits, spaces or dashes only, Luhn.
	if nd >= 12 && nd <= 19 && onlySpaceDash && (groups == 1 || groups >= 3) && Luhn(ds) {
		score := 0.8
		if s.hasContext(start, cardContext) {
			score = 0.95
		} else if s.hasContext(start, phoneContext) && nd <= 15 {
			score = 0
		}
		if score > 0 {
			s.add(start, end, TypeCreditCard, score)
			return
		}
	}
	// Phone numbers.
	if nd >= 7 && nd <= 15 {
		s.phone(start, end, chunk, nd, groups, sep)
	}
}

// phone validates a phone candidate with libphonenumber.
func (s *scan) phone(start, end int, chunk string, nd, groups int, sep [8]bool) {
	t := s.text
	// Extension: "x4587", "ext. 12".
	if end+1 < len(t) && t[end] == 'x' && isDigit(t[end+1]) {
		e := end + 1
		for e < len(t) && isDigit(t[e]) && e-end < 6 {
			e++
		}
		end = e
	}
	// "2006-04-07 09:00:27": the chunk ran into a time of day.
	if end+1 < len(t) && t[end] == ':' && isDigit(t[end+1]) {
		return
	}
	ctx := s.hasContext(start, phoneContext) || s.labelAfter(end)
	intl := sep[6]
	formatted := groups >= 2 || sep[4]
	if !intl && !formatted && !ctx {
		// A bare run of digits is an id, an amount or an order number
		// unless something says it is a phone number.
		return
	}
	region := s.d.region
	if intl {
		region = "ZZ"
	}
	// North American numbers in a NANP default region are checked by
	// their structure: a libphonenumber parse and validation costs ~10 µs.
	nanpRegion := !intl && (region == "US" || region == "CA")
	if nanpRegion && nanp(chunk) {
		s.add(start, end, TypePhone, 0.9)
		return
	}
	// "001-541-754-3010": the international prefix dialled from North
	// America before a NANP number.
	if nanpRegion && nd == 13 && strings.HasPrefix(chunk, "001") && formatted && nanp(chunk[3:]) {
		s.add(start, end, TypePhone, 0.85)
		return
	}
	// In a NANP region a number that is not NANP-shaped cannot be valid
	// there, so only the international and extra-region checks remain.
	if !nanpRegion {
		if num, err := phonenumbers.Parse(chunk, region); err == nil {
			if phonenumbers.IsValidNumber(num) {
				s.add(start, end, TypePhone, 0.9)
				return
			}
			if intl && phonenumbers.IsPossibleNumber(num) {
				s.add(start, end, TypePhone, 0.7)
				return
			}
		}
	}
	if intl {
		return
	}
	if !ctx && !s.lineLabelled(start, phoneContext) {
		if formatted && nd >= 10 && nd <= 11 && sep[1] && groups == 3 {
			s.add(start, end, TypePhone, 0.6) // NANP-shaped: 555-123-4567
			return
		}
		// A grouped national number with a trunk 0 ("020 7946 0958",
		// "06 12 34 56 78") cannot be North American: accept it when an
		// extra region validates it.
		if formatted && chunk[0] == '0' && len(chunk) > 1 && isDigit(chunk[1]) && !sep[3] && nd >= 9 && nd <= 12 && groups >= 2 && groups <= 5 &&
			s.validInExtraRegion(chunk) {
			s.add(start, end, TypePhone, 0.7)
		}
		return
	}
	if !formatted {
		// "mon num c 0658392741": a bare national number after a phone
		// word, valid in one of the extra regions.
		if nd >= 9 && nd <= 11 && s.validInExtraRegion(chunk) {
			s.add(start, end, TypePhone, 0.7)
		}
		return
	}
	if s.validInExtraRegion(chunk) {
		s.add(start, end, TypePhone, 0.8)
		return
	}
	s.add(start, end, TypePhone, 0.55)
}

// validInExtraRegion reports whether libphonenumber validates chunk as a
// national number of one of the detector's extra regions.
func (s *scan) validInExtraRegion(chunk string) bool {
	for _, r := range s.d.regions {
		if num, err := phonenumbers.Parse(chunk, r); err == nil && phonenumbers.IsValidNumber(num) {
			return true
		}
	}
	return false
}

// phoneLabels name a phone number right after it ("… 1693-Office",
// "930.167.3943 fax").
var phoneLabels = []string{"office", "fax", "mobile", "cell", "home", "work", "tel", "phone"}

// labelAfter reports a phone label within a few bytes after end.
func (s *scan) labelAfter(end int) bool {
	w := s.text[end:min(len(s.text), end+10)]
	for _, l := range phoneLabels {
		if i := indexFold(w, l); i >= 0 && i <= 3 {
			return true
		}
	}
	return false
}

// nanp reports whether the digits of chunk form a North American number:
// optional country code 1, then NXX-NXX-XXXX with N in 2-9 and neither the
// area code nor the exchange of the form N11.
func nanp(chunk string) bool {
	var d [11]byte
	n := 0
	for i := 0; i < len(chunk); i++ {
		if isDigit(chunk[i]) {
			if n == len(d) {
				return false
			}
			d[n] = chunk[i]
			n++
		}
	}
	ds := d[:n]
	if n == 11 {
		if ds[0] != '1' {
			return false
		}
		ds = ds[1:]
	} else if n != 10 {
		return false
	}
	if ds[0] < '2' || ds[3] < '2' {
		return false
	}
	if ds[1] == '1' && ds[2] == '1' || ds[4] == '1' && ds[5] == '1' {
		return false
	}
	return true
}

// lineLabelled reports a label on the previous line ("Phone:\n0487 98 11
// 92"), common in signatures and forms.
func (s *scan) lineLabelled(pos int, words []string) bool {
	ls := strings.LastIndexByte(s.text[:pos], '\n')
	if ls <= 0 {
		return false
	}
	ps := strings.LastIndexByte(s.text[:ls], '\n') + 1
	line := s.text[ps:ls]
	if len(line) > 40 {
		return false
	}
	for _, w := range words {
		if indexFold(line, w) >= 0 {
			return true
		}
	}
	return false
}

// versionContext reports "version 1.2.3.4" / "v1.2.3.4" style dotted numbers.
func (s *scan) versionContext(pos int) bool {
	if pos > 0 && (s.text[pos-1] == 'v' || s.text[pos-1] == 'V') {
		return true
	}
	lo := max(0, pos-16)
	w := s.text[lo:pos]
	return indexFold(w, "version") >= 0 || indexFold(w, "ver.") >= 0 || indexFold(w, "release") >= 0 || indexFold(w, "build") >= 0
}

// looksDate reports m/d/y, d.m.y, y-m-d shapes with plausible ranges.
func looksDate(chunk string) bool {
	var parts [3]string
	n := 0
	last := 0
	for i := 0; i <= len(chunk); i++ {
		if i == len(chunk) || !isDigit(chunk[i]) {
			if n == 3 || i == last {
				return false
			}
			parts[n] = chunk[last:i]
			n++
			last = i + 1
		}
	}
	if n != 3 {
		return false
	}
	a, b, c := atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	switch {
	case len(parts[0]) == 4: // y-m-d
		return a >= 1900 && a <= 2100 && b >= 1 && b <= 12 && c >= 1 && c <= 31
	case len(parts[2]) == 4 || len(parts[2]) == 2: // m/d/y or d/m/y
		if len(parts[0]) > 2 || len(parts[1]) > 2 {
			return false
		}
		okMD := a >= 1 && a <= 12 && b >= 1 && b <= 31
		okDM := b >= 1 && b <= 12 && a >= 1 && a <= 31
		if len(parts[2]) == 4 && (c < 1900 || c > 2100) {
			return false
		}
		return okMD || okDM
	}
	return false
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ipv6 tries an IPv6 address at i; it returns its end or i.
func (s *scan) ipv6(i int) int {
	t := s.text
	j := i
	colons := 0
	for j < len(t) && j-i < 45 && (isHex(t[j]) || t[j] == ':' || t[j] == '.') {
		if t[j] == ':' {
			colons++
		}
		j++
	}
	for j > i && (t[j-1] == '.' || t[j-1] == ':' && (j-2 < i || t[j-2] != ':')) {
		if t[j-1] == ':' {
			colons--
		}
		j--
	}
	if colons < 2 || (j < len(t) && (isAlnum(t[j]) || t[j] == '_')) {
		return i
	}
	a, err := netip.ParseAddr(t[i:j])
	if err != nil || !a.Is6() {
		return i
	}
	s.add(i, j, TypeIPAddress, 0.9)
	return j
}

// ibanOrNINO tries an IBAN (possibly grouped by spaces) or a UK NINO at i.
func (s *scan) ibanOrNINO(i int) int {
	t := s.text
	// IBAN: CC kk then alphanumerics, optionally in space-separated groups.
	if i+4 <= len(t) && isDigit(t[i+2]) && isDigit(t[i+3]) {
		var buf [34]byte
		n := 0
		j := i
		end := i
		// Letters may be lower case ("my iban is gb42nawi…"); the check
		// digits are computed on the upper-cased value.
		for j < len(t) && n < len(buf) {
			c := t[j]
			if isAlpha(c) || isDigit(c) {
				buf[n] = upper(c)
				n++
				j++
				end = j
				continue
			}
			if c == ' ' && j+1 < len(t) && isAlnum(t[j+1]) && n%4 == 0 {
				j++
				continue
			}
			break
		}
		if (end >= len(t) || !isAlnum(t[end])) && ValidIBAN(string(buf[:n])) {
			s.add(i, end, TypeIBAN, 0.95)
			return end
		}
		// Try the longest valid prefix in whole groups (a trailing word
		// glued by a space).
		for k := n - 1; k >= 15; k-- {
			if ValidIBAN(string(buf[:k])) {
				e := i
				for m := 0; m < k; e++ {
					if t[e] != ' ' {
						m++
					}
				}
				if e >= len(t) || !isAlnum(t[e]) {
					s.add(i, e, TypeIBAN, 0.95)
					return e
				}
			}
		}
	}
	if !isUpper(t[i]) {
		return i
	}
	// UK NINO: AB123456C or AB 12 34 56 C.
	var buf [9]byte
	n := 0
	j := i
	for j < len(t) && n < 9 && j-i < 14 {
		c := t[j]
		if isUpper(c) || isDigit(c) {
			buf[n] = c
			n++
			j++
			continue
		}
		if c == ' ' && n >= 2 && n <= 8 && n%2 == 0 {
			j++
			continue
		}
		break
	}
	if n == 9 && (j >= len(t) || !isAlnum(t[j])) && ValidNINO(string(buf[:])) {
		score := 0.8
		if s.hasContext(i, ninoContext) {
			score = 0.95
		}
		s.add(i, j, TypeUKNINO, score)
		return j
	}
	return i
}

// indexFold is strings.Index with ASCII case folding; sub must be lower case.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	c0 := sub[0]
	for i := 0; i+n <= len(s); i++ {
		if lower(s[i]) != c0 {
			continue
		}
		k := 1
		for k < n && lower(s[i+k]) == sub[k] {
			k++
		}
		if k == n {
			return i
		}
	}
	return -1
}
