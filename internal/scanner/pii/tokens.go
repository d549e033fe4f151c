package pii

import (
	"unicode"
	"unicode/utf8"
)

// Token kinds.
const (
	tWord  uint8 = iota // letters (with inner ' - ’)
	tNum                // ASCII digits
	tMixed              // letters and digits
	tPunct              // one other non-space character
)

// token is a word, number or punctuation mark of the text.
type token struct {
	s, e     int
	kind     uint8
	cap      bool // first letter upper case
	upper    bool // every letter upper case (two letters or more)
	nlBefore bool // a newline in the gap before the token
	spBefore bool // any space in the gap before the token
	// lex: the bits of the lexicons holding the lower-cased word, with
	// lexComputed once looked up (scan.is).
	lex uint32
}

// tokenize splits the text once; names and addresses work on tokens.
func (s *scan) tokenize() {
	t := s.text
	if cap(s.toks) < len(t)/5+8 {
		s.toks = make([]token, 0, len(t)/5+8)
	}
	s.toks = s.toks[:0]
	defer func() { s.noCaps, s.lowerNames = !s.anyUpper(false), !s.anyUpper(true) }()
	nl, sp := true, false
	for i := 0; i < len(t); {
		c := t[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n':
				nl, sp = true, true
				i++
				continue
			case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
				sp = true
				i++
				continue
			case isDigit(c) || isAlpha(c):
				i = s.word(i, nl, sp)
				nl, sp = false, false
				continue
			}
			s.toks = append(s.toks, token{s: i, e: i + 1, kind: tPunct, nlBefore: nl, spBefore: sp})
			nl, sp = false, false
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(t[i:])
		if unicode.IsLetter(r) {
			i = s.word(i, nl, sp)
			nl, sp = false, false
			continue
		}
		if unicode.IsSpace(r) {
			sp = true
			i += n
			continue
		}
		s.toks = append(s.toks, token{s: i, e: i + n, kind: tPunct, nlBefore: nl, spBefore: sp})
		nl, sp = false, false
		i += n
	}
}

// word consumes letters, digits and inner apostrophes or hyphens from i.
func (s *scan) word(i int, nl, sp bool) int {
	t := s.text
	tok := token{s: i, nlBefore: nl, spBefore: sp}
	letters, digits, uppers := 0, 0, 0
	first := true
	for i < len(t) {
		c := t[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z':
				letters++
				first = false
				i++
				continue
			case 'A' <= c && c <= 'Z':
				uppers++
				if first {
					tok.cap = true
				}
				letters++
				first = false
				i++
				continue
			case '0' <= c && c <= '9':
				digits++
				first = false
				i++
				continue
			case c != '\'' && c != '-':
				goto done // other ASCII: not a letter, digit or inner mark
			}
		}
		var r rune
		n := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, n = utf8.DecodeRuneInString(t[i:])
		}
		switch {
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			if unicode.IsUpper(r) {
				uppers++
				if first {
					tok.cap = true
				}
			}
			letters++
			first = false
		case '0' <= r && r <= '9':
			digits++
			first = false
		case (r == '\'' || r == '-' || r == '’') && letters > 0 && digits == 0 && i+n < len(t) && isLetterAt(t, i+n):
			// O'Brien, Jean-Pierre, ALT-DIETMANNS ("Asya's" is split below)
			if r != '-' && (i+n+1 >= len(t) || !isLetterAt(t, i+n+1)) {
				goto done
			}
		default:
			goto done
		}
		i += n
	}
done:
	tok.e = i
	switch {
	case letters == 0:
		tok.kind = tNum
	case digits == 0:
		tok.kind = tWord
	default:
		tok.kind = tMixed
	}
	tok.upper = letters >= 2 && uppers == letters
	s.toks = append(s.toks, tok)
	return i
}

func isLetterAt(t string, i int) bool {
	if i >= len(t) {
		return false
	}
	if t[i] < utf8.RuneSelf {
		return isAlpha(t[i])
	}
	r, _ := utf8.DecodeRuneInString(t[i:])
	return unicode.IsLetter(r)
}

// lowerWord returns the token's text lower-cased, using buf for ASCII words.
func (s *scan) lowerWord(tk token, buf []byte) string {
	w := s.text[tk.s:tk.e]
	if len(w) > len(buf) {
		return toLowerString(w)
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return toLowerString(w)
		}
		buf[i] = lower(c)
	}
	return string(buf[:len(w)])
}

func toLowerString(w string) string {
	b := make([]rune, 0, len(w))
	for _, r := range w {
		b = append(b, unicode.ToLower(r))
	}
	return string(b)
}
