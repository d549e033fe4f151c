package pii

import "strings"

// National identifiers beyond US SSN and UK NINO. Each has a checksum or a
// strict layout; those whose layout alone is too common (NHS and SIN numbers
// look like phone numbers, the German tax id like any 11 digits) need a
// context word before them. The validators follow the issuers' published
// algorithms; no list of numbers is used.

// Context words, lower case.
var (
	nhsContext    = []string{"nhs", "health service", "health number", "patient number", "chi number"}
	sinContext    = []string{"sin", "social insurance", "numéro d'assurance sociale", "nas"}
	deTaxContext  = []string{"steuer", "tax id", "tin", "identifikationsnummer", "idnr", "id-nr"}
	frNIRContext  = []string{"sécurité sociale", "securite sociale", "sécu", "secu", "nir", "insee", "social security", "carte vitale"}
	esIDContext   = []string{"dni", "nif", "nie", "documento", "identidad", "id"}
	passportWords = []string{"passport", "passeport", "pasaporte", "passaporto", "reisepass", "paspoort", "passaporte"}
)

// ValidNHS reports whether ds (10 ASCII digits) is a valid UK NHS number:
// the modulus 11 check digit with weights 10..2.
func ValidNHS(ds string) bool {
	if len(ds) != 10 || !allDigits(ds) {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(ds[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || check != int(ds[9]-'0') {
		return false
	}
	// All-same-digit numbers pass the check but are not issued.
	return ds != "0000000000" && ds[:9] != ds[1:]
}

// ValidSIN reports whether ds (9 ASCII digits) is a valid Canadian Social
// Insurance Number: Luhn, and a first digit other than 0 and 8.
func ValidSIN(ds string) bool {
	return len(ds) == 9 && allDigits(ds) && ds[0] != '0' && ds[0] != '8' && Luhn(ds)
}

// ValidDETaxID reports whether ds (11 ASCII digits) is a valid German tax
// identification number (Steuer-IdNr): no leading zero, among the first ten
// digits one digit appears two or three times and the others at most once,
// and the ISO 7064 MOD 11,10 check digit.
func ValidDETaxID(ds string) bool {
	if len(ds) != 11 || !allDigits(ds) || ds[0] == '0' {
		return false
	}
	var count [10]int
	for i := 0; i < 10; i++ {
		count[ds[i]-'0']++
	}
	multi := 0
	for _, c := range count {
		switch {
		case c == 2 || c == 3:
			multi++
		case c > 3:
			return false
		}
	}
	if multi != 1 {
		return false
	}
	p := 10
	for i := 0; i < 10; i++ {
		sum := (int(ds[i]-'0') + p) % 10
		if sum == 0 {
			sum = 10
		}
		p = (2 * sum) % 11
	}
	check := 11 - p
	if check == 10 {
		check = 0
	}
	return check == int(ds[10]-'0')
}

// ValidFRNIR reports whether ds (15 ASCII digits) is a valid French social
// security number (NIR): sex 1/2 (7/8 for temporary numbers), a month 01-12
// or 20-42/50-99 (unknown), and the key 97 - (first 13 digits mod 97).
func ValidFRNIR(ds string) bool {
	if len(ds) != 15 || !allDigits(ds) {
		return false
	}
	switch ds[0] {
	case '1', '2', '7', '8':
	default:
		return false
	}
	if m := atoi(ds[3:5]); m == 0 || m > 12 && m < 20 || m > 42 && m < 50 {
		return false
	}
	rem := 0
	for i := 0; i < 13; i++ {
		rem = (rem*10 + int(ds[i]-'0')) % 97
	}
	return 97-rem == atoi(ds[13:15])
}

// esLetters is the check letter of a Spanish DNI/NIE number mod 23.
const esLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// ValidESNIF reports whether s (upper case, no separators) is a valid
// Spanish DNI (8 digits and a check letter) or NIE (X, Y or Z, 7 digits and
// a check letter).
func ValidESNIF(s string) bool {
	if len(s) != 9 {
		return false
	}
	n := 0
	switch s[0] {
	case 'X':
	case 'Y':
		n = 1
	case 'Z':
		n = 2
	default:
		if !isDigit(s[0]) {
			return false
		}
		n = int(s[0] - '0')
	}
	for i := 1; i < 8; i++ {
		if !isDigit(s[i]) {
			return false
		}
		n = n*10 + int(s[i]-'0')
	}
	return s[8] == esLetters[n%23]
}

// itOdd is the value of a character in an odd position (1st, 3rd, ...) of
// an Italian fiscal code, for the check character; digits 0-9 take the
// values of A-J.
var itOdd = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// ValidITFiscalCode reports whether s (16 upper-case characters) is a valid
// Italian codice fiscale: surname and name letters, year, month letter,
// day (+40 for women), municipality code, check letter; digits may be
// replaced by the letters LMNPQRSTUV (omocodia).
func ValidITFiscalCode(s string) bool {
	if len(s) != 16 {
		return false
	}
	const omocodes = "LMNPQRSTUV"
	digitAt := func(c byte) bool { return isDigit(c) || indexByte(omocodes, c) >= 0 }
	for i := 0; i < 16; i++ {
		c := s[i]
		switch {
		case i < 6 || i == 8 || i == 11 || i == 15:
			if !isUpper(c) {
				return false
			}
		default:
			if !digitAt(c) {
				return false
			}
		}
	}
	if indexByte("ABCDEHLMPRST", s[8]) < 0 {
		return false
	}
	sum := 0
	for i := 0; i < 15; i++ {
		c := s[i]
		v := 0
		if isDigit(c) {
			v = int(c - '0')
		} else {
			v = int(c - 'A')
		}
		if i%2 == 0 {
			sum += itOdd[v]
		} else {
			sum += v
		}
	}
	return s[15] == byte('A'+sum%26)
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// nationalNumber classifies a numeric chunk as a national identifier that
// needs its context word (NHS, SIN, German tax id) or has a checksum strict
// enough to stand alone (French NIR in its usual grouping). It reports
// whether it added a finding.
func (s *scan) nationalNumber(start, end int, ds string, groups int, onlySpaceDash bool) bool {
	if !onlySpaceDash {
		return false
	}
	switch len(ds) {
	case 10:
		if (groups == 1 || groups == 3) && s.d.types[TypeUKNHS] && ValidNHS(ds) && s.hasContext(start, nhsContext) {
			s.add(start, end, TypeUKNHS, 0.95)
			return true
		}
	case 9:
		if (groups == 1 || groups == 3) && s.d.types[TypeCASIN] && ValidSIN(ds) && s.hasWordContext(start, sinContext) {
			s.add(start, end, TypeCASIN, 0.9)
			return true
		}
	case 11:
		if groups <= 4 && s.d.types[TypeDETaxID] && ValidDETaxID(ds) && s.hasWordContext(start, deTaxContext) {
			s.add(start, end, TypeDETaxID, 0.9)
			return true
		}
	case 15:
		if s.d.types[TypeFRNIR] && ValidFRNIR(ds) && (groups >= 6 || s.hasWordContext(start, frNIRContext)) {
			s.add(start, end, TypeFRNIR, 0.9)
			return true
		}
	}
	return false
}

// hasWordContext is hasContext for short context words that must stand as
// whole words ("sin" is not "business", "id" is not "said").
func (s *scan) hasWordContext(pos int, words []string) bool {
	lo := max(0, pos-s.d.window)
	w := s.text[lo:pos]
	for _, k := range words {
		off := 0
		for {
			i := indexFold(w[off:], k)
			if i < 0 {
				break
			}
			a, b := off+i, off+i+len(k)
			if (a == 0 || !isAlnum(w[a-1])) && (b >= len(w) || !isAlnum(w[b])) {
				return true
			}
			off = a + 1
		}
	}
	return false
}

// spanishID tries a DNI ("12345678Z", "12345678-Z") or NIE ("X1234567L")
// at i and returns its end, or i.
func (s *scan) spanishID(i int) int {
	if !s.d.types[TypeESNIF] {
		return i
	}
	t := s.text
	var buf [9]byte
	n := 0
	j := i
	for j < len(t) && n < 9 {
		c := t[j]
		switch {
		case n == 0 && (c == 'X' || c == 'Y' || c == 'Z' || c == 'x' || c == 'y' || c == 'z'):
			buf[n] = upper(c)
		case n < 8 && isDigit(c):
			buf[n] = c
		case n == 8 && isAlpha(c):
			buf[n] = upper(c)
		case n == 8 && (c == '-' || c == ' ') && j+1 < len(t) && isAlpha(t[j+1]) && (j+2 >= len(t) || !isAlnum(t[j+2])):
			j++
			continue
		default:
			return i
		}
		n++
		j++
	}
	if n != 9 || j < len(t) && isAlnum(t[j]) || !ValidESNIF(string(buf[:])) {
		return i
	}
	// A bare DNI-shaped number is 1 in 23 by chance: ask for its letter in
	// upper case or a context word.
	score := 0.85
	if s.hasWordContext(i, esIDContext) {
		score = 0.95
	} else if isAlpha(t[i]) && !isUpper(t[i]) || !isUpper(t[j-1]) {
		return i
	}
	s.add(i, j, TypeESNIF, score)
	return j
}

// fiscalCode tries an Italian codice fiscale at i and returns its end, or i.
func (s *scan) fiscalCode(i int) int {
	t := s.text
	if !s.d.types[TypeITFiscalCode] || i+16 > len(t) || i+16 < len(t) && isAlnum(t[i+16]) {
		return i
	}
	var buf [16]byte
	for k := 0; k < 16; k++ {
		buf[k] = upper(t[i+k])
	}
	if !ValidITFiscalCode(string(buf[:])) {
		return i
	}
	s.add(i, i+16, TypeITFiscalCode, 0.95)
	return i + 16
}

// passport reports the passport number after a passport word at token i:
// the first id-like value (6-12 letters and digits with at least one digit,
// not a date) within a few tokens.
func (s *scan) passport(i int) {
	toks := s.toks
	for k := i + 1; k < len(toks) && k <= i+6; k++ {
		tk := toks[k]
		if tk.nlBefore && k > i+1 && !s.punctIs(k-1, ":") {
			return
		}
		if tk.kind != tNum && tk.kind != tMixed && !(tk.kind == tWord && tk.upper && k+1 < len(toks) && toks[k+1].kind == tNum && !toks[k+1].spBefore) {
			continue
		}
		e := k
		for e+1 < len(toks) && !toks[e+1].spBefore && (toks[e+1].kind == tNum || toks[e+1].kind == tMixed) {
			e++
		}
		v := s.text[tk.s:toks[e].e]
		if n := len(v); n >= 6 && n <= 12 && !looksDate(v) {
			s.add(tk.s, toks[e].e, TypePassport, 0.85)
		}
		return
	}
}

// isPassportWord reports a passport word at token i, alone or as the head
// of a compound: "paspoortnummer", "Passnummer", "Reisepassnummer".
func (s *scan) isPassportWord(i int) bool {
	tk := s.toks[i]
	if n := tk.e - tk.s; n < 8 || n > 20 || tk.kind != tWord {
		return false
	}
	c0, c1 := lower(s.text[tk.s]), lower(s.text[tk.s+1])
	if !(c0 == 'p' && c1 == 'a' || c0 == 'r' && c1 == 'e') {
		return false
	}
	w := toLowerASCII(s.tok(i))
	for _, p := range passportWords {
		if w == p || strings.HasPrefix(w, p) && hasPassportTail(w[len(p):]) {
			return true
		}
	}
	return w == "passnummer" || w == "passnr"
}

// hasPassportTail reports the "number" part of a passport compound.
func hasPassportTail(t string) bool {
	switch t {
	case "nummer", "nr", "number", "nummern":
		return true
	}
	return false
}
