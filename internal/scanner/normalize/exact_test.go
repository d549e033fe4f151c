package normalize

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"golang.org/x/text/unicode/norm"
)

// exactCases are texts Exact changes, with what it makes of them.
var exactCases = []struct{ name, in, want string }{
	{"zero-width space", "AKIA\u200bZ3M5QW7R2T6Y4UXP", "AKIAZ3M5QW7R2T6Y4UXP"},
	{"invisibles of every kind", "a\u200c\u200db\u2060c\ufeffd\u202ee\U000E0041f\u00adg", "abcdefg"},
	{"invisible among accents", "ünï\u200bcödé", "ünïcödé"},
	{"fullwidth key", "key ＡＫＩＡＺ３Ｍ５ＱＷ７Ｒ２Ｔ６Ｙ４ＵＸＰ ok", "key AKIAZ3M5QW7R2T6Y4UXP ok"},
	{"fullwidth prefix", "ｓｋ-proj-abc", "sk-proj-abc"},
	{"fullwidth at sign", "john.doe＠example.com", "john.doe@example.com"},
	{"fullwidth digits", "card ４１１１ １１１１ １１１１ １１１１", "card 4111 1111 1111 1111"},
	{"math bold and double-struck", "𝐀𝐊𝐈𝐀 𝕫𝟑", "AKIA z3"},
	{"circled and squared", "Ⓐⓑ①🄰", "Ab1A"},
	{"letterlike and roman numerals", "ℌⅩℓ", "HXl"},
	{"small commercial at", "a﹫b.io", "a@b.io"},
	{"Cyrillic capital in a key", "АKIAZ3M5QW7R2T6Y4UXP", "AKIAZ3M5QW7R2T6Y4UXP"},
	{"Cyrillic o in an address", "mail jоhn@example.com now", "mail john@example.com now"},
	{"all look-alikes before the at sign", "еха@example.com", "exa@example.com"},
	{"Cyrillic case kept", "Ѕk-рrоj-Аbc", "Sk-proj-Abc"},
	{"Greek capitals in a key", "ΑΚΙΑZ3M5QW7R2T6Y4UXP", "AKIAZ3M5QW7R2T6Y4UXP"},
	{"Greek small omicron", "passwοrd=hunter2", "password=hunter2"},
	{"look-alike with digits only", "АВ123456", "AB123456"},
	{"look-alikes among fullwidth", "ＡКＩＡ", "AKIA"},
	{"invisible inside a mixed token", "А\u200bKIA", "AKIA"},
	{"key after a Russian word", "ключ=АKIA", "ключ=AKIA"},
	{"key after Chinese", "密钥是АKIAZ3M5", "密钥是AKIAZ3M5"},
	{"invalid bytes around", "\xffＡ\xfe", "\xffA\xfe"},
	{"invalid bytes are not joined", "\xe2\x80\u200b\x8b ＡＢ", "\xe2\x80\u200b\x8b AB"},
	{"Russian word next to a key", "кот АKIA", "кот AKIA"},
	{"fullwidth phone in parentheses", "（４１５） ５５５－２６７１", "(415) 555-2671"},
	{"CJK punctuation next to a digit", "价格：１００元，谢谢", "价格:100元，谢谢"},
	{"punctuation next to a letter behind an invisible", "中，\u200bA", "中,A"},
	{"no-break spaces in a card number", "card 4111\u00a01111\u00a01111\u00a01111 ok", "card 4111 1111 1111 1111 ok"},
	{"narrow no-break spaces in an IBAN", "DE89\u202f3704\u202f0440", "DE89 3704 0440"},
	{"en dashes in an SSN", "ssn 123\u201345\u20136789", "ssn 123-45-6789"},
	{"no-break space and en dash in a phone number", "(415)\u00a0555\u20130134", "(415) 555-0134"},
	{"minus sign and non-breaking hyphen", "\u22125 and 555\u20110100", "-5 and 555-0100"},
	{"dash next to a fullwidth digit", "４\u2014５", "4-5"},
	{"ligatures in PDF text", "ligatures ﬁnance, ﬂow and oﬃce; ellipsis … stays", "ligatures finance, flow and office; ellipsis … stays"},
	{"ligature in an address", "mail jeﬀ@example.com", "mail jeff@example.com"},
	{"Arabic-Indic digits in a card number", "بطاقة ٤١١١ ١١١١ ١١١١ ١١١١", "بطاقة 4111 1111 1111 1111"},
	{"Persian digits in a phone number", "تلفن ۰۹۱۲۳۴۵۶۷۸۹", "تلفن 09123456789"},
	{"Devanagari and Thai digits", "फोन ९८७६५४३२१० โทร ๐๘๑", "फोन 9876543210 โทร 081"},
	{"ideographic spaces in a card number", "カード 4111\u30001111\u30001111\u30001111", "カード 4111 1111 1111 1111"},
	{"ideographic space between Latin words", "John\u3000Smith", "John Smith"},
	{"ideographic spaces in a fullwidth card number", "カード４１１１\u3000１１１１\u3000１１１１\u3000１１１１", "カード4111 1111 1111 1111"},
	{"a fullwidth backslash stays", "１＼b", "1＼b"}, // folded, it would make an escape
	{"JSON line breaks before a key", `{"log": "start\nAKIAZ3M5QW7R2T6Y4UXP\tok"}`, "{\"log\": \"start\nAKIAZ3M5QW7R2T6Y4UXP\tok\"}"},
	{"JSON escapes of ASCII", `["\"bob\u0040example.com\" https:\/\/x.example\r\n"]`, "[\"\"bob@example.com\" https://x.example\n\n\"]"},
	{"no escapes outside JSON", "\\ﬃ and \\Ａ", "\\ffi and \\A"},
	{"a fold after a lone backslash in JSON", `["\Ａ"]`, `["\A"]`},
}

// exactKept are texts Exact leaves alone (ok false, no allocation).
var exactKept = []string{
	"plain text, ümlauts and 日本語",
	"Привет, меня зовут Иван Петров, мой кот ест сахар",
	"Ουρανός και γη: ΑΘΗΝΑ",
	"API-ключ, e-mail-адрес, Wi-Fi-роутер",
	"我的名字是张伟，我住在北京。",
	"footnotes 555-0100¹ and m² and H₂O and 1ª",
	"p4ssw0rd and l33t stay as they are",
	"ellipsis … and bullet • stay",
	"кот-сор", // look-alikes only, no ASCII letter or digit
	"prose keeps its dashes\u2014between words\u2013and spaced \u2013 ones",
	"a no-break space\u00a0! between punctuation \u00a0 and spaces",
	"价格\u3000一百元", // the ideographic space stays: CJK text is full of it
	"東京\u3000二〇二四年",
	`a Windows path C:\\Users\\x and \q and \u12`, // escaped backslashes, no escape of an ASCII character
	`["\ﬃ and \ｎ after a backslash"]`,             // kept as written: folded, they would make escapes
	`C:\Users\me\.config\npm_abc and \r8_x`,       // not JSON: a path, no line break
	`C:\\new\\table \\u0041 \u005c \u00e9 \u0000`, // an escaped backslash escapes nothing; \u005c, non-ASCII and NUL stay
}

func TestExact(t *testing.T) {
	for _, tc := range exactCases {
		t.Run(tc.name, func(t *testing.T) {
			got, off, ok := Exact(tc.in)
			if !ok || got != tc.want {
				t.Fatalf("Exact(%q) = %q, %v; want %q, true", tc.in, got, ok, tc.want)
			}
			checkExactOffsets(t, tc.in, got, off)
		})
	}
	for _, in := range exactKept {
		if got, off, ok := Exact(in); ok || off != nil || got != in {
			t.Errorf("Exact(%q) = %q, %v, %v; want unchanged, nil, false", in, got, off, ok)
		}
	}
}

// checkExactOffsets: byte i of got came from the character of in at off[i]: it
// is that byte, or the character's ASCII form.
func checkExactOffsets(t *testing.T, in, got string, off []int32) {
	t.Helper()
	if len(off) != len(got) {
		t.Fatalf("Exact(%q): %d offsets for %d bytes", in, len(off), len(got))
	}
	for i := range len(got) {
		o := int(off[i])
		r, _ := utf8.DecodeRuneInString(in[o:])
		lig := ligature(r)
		if o < 0 || o >= len(in) || (i > 0 && (off[i] < off[i-1] || off[i] == off[i-1] && lig == "")) {
			t.Fatalf("Exact(%q): offset %d of byte %d out of range or order", in, o, i)
		}
		if in[o] == got[i] {
			continue
		}
		if a, _ := asciiEscape(in, o); in[o] == '\\' && a == got[i] {
			continue
		}
		if asciiForm(in, o, r) != got[i] && lookalike(r) != got[i] && sepForm(r) != got[i] && digitForm(r) != got[i] &&
			!strings.Contains(lig, got[i:i+1]) {
			t.Fatalf("Exact(%q): byte %d %q maps to %d (%q), which does not fold to it", in, i, got[i], o, r)
		}
	}
}

// TestExactAllocs: text with nothing to change, ASCII above all, costs no
// allocation (it is every prompt's path through secrets and PII).
func TestExactAllocs(t *testing.T) {
	ascii := strings.Repeat("The service reads its API key from the environment; mail ops@example.com. ", 14)
	for _, in := range append([]string{ascii}, exactKept...) {
		if n := testing.AllocsPerRun(100, func() { Exact(in) }); n != 0 {
			t.Errorf("Exact(%.20q…) allocates %v times; want 0", in, n)
		}
	}
}

// raisedForm reports the superscripts, subscripts and modifier letters that
// Exact keeps although NFKC makes them ASCII.
func raisedForm(r rune) bool {
	switch {
	case r == 0xAA, r == 0xB2, r == 0xB3, r == 0xB9, r == 0xBA:
		return true
	case r >= 0x2B0 && r <= 0x2FF, r >= 0x1D2C && r <= 0x1DBF, r >= 0x2070 && r <= 0x209F:
		return true
	case r >= 0x2C7C && r <= 0x2C7D, r >= 0xA7F2 && r <= 0xA7F4, r >= 0x10780 && r <= 0x107BF:
		return true
	}
	return false
}

// TestAsciiFormIsNFKC: asciiForm folds exactly the characters whose NFKC
// form is one printable ASCII character, less the raised ones, whatever the
// compatCandidate and unchanging shortcuts skip.
func TestAsciiFormIsNFKC(t *testing.T) {
	n := 0
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		nf := norm.NFKC.String(s)
		var want byte
		if len(nf) == 1 && nf[0] > ' ' && nf[0] < 0x7F && !raisedForm(r) {
			want = nf[0]
			n++
		}
		if got := asciiForm(s, 0, r); got != want {
			t.Errorf("asciiForm(%U) = %q; want %q", r, got, want)
		}
		if unchanging(r) && (want != 0 || invisible(r) || lookalike(r) != 0) {
			t.Errorf("unchanging(%U) = true; but Exact may change it", r)
		}
	}
	if n < 900 {
		t.Errorf("%d characters fold to ASCII; want the fullwidth, mathematical and enclosed ones (> 900)", n)
	}
}

// TestLookalikeTable: a look-alike keeps its case, and a lower-case one
// agrees with Normalize's table where that has it.
func TestLookalikeTable(t *testing.T) {
	for r := rune(0x370); r < 0x530; r++ {
		l := lookalike(r)
		if l == 0 {
			continue
		}
		if unicode.IsUpper(r) != unicode.IsUpper(rune(l)) || !unicode.IsLetter(r) {
			t.Errorf("lookalike(%q) = %q; want a letter of the same case", r, l)
		}
		if c, ok := confusables[r]; ok && c != rune(l) {
			t.Errorf("lookalike(%q) = %q; Normalize's confusables say %q", r, l, c)
		}
	}
}

func TestMapFindings(t *testing.T) {
	for _, tc := range []struct{ in, value, want string }{
		{"key: AKIA\u200bZ3M5QW7R2T6Y4UXP!", "AKIAZ3M5QW7R2T6Y4UXP", "AKIA\u200bZ3M5QW7R2T6Y4UXP"},
		{"key: ＡＫＩＡＺ３Ｍ５ＱＷ７Ｒ２Ｔ６Ｙ４ＵＸＰ!", "AKIAZ3M5QW7R2T6Y4UXP", "ＡＫＩＡＺ３Ｍ５ＱＷ７Ｒ２Ｔ６Ｙ４ＵＸＰ"},
		{"to jоhn@exаmple.com.", "john@example.com", "jоhn@exаmple.com"},
		{"x 𝟒𝟏𝟏𝟏 y", "4111", "𝟒𝟏𝟏𝟏"},
		// JSON escapes: the whole escape is in the span.
		{`{"k": "line\nAKIAZ3M5QW7R2T6Y4UXP\n"}`, "AKIAZ3M5QW7R2T6Y4UXP", "AKIAZ3M5QW7R2T6Y4UXP"},
		{`{"to": "bob\u0040example.com"}`, "bob@example.com", `bob\u0040example.com`},
		{`{"u": "https:\/\/x.example\/a\/"}`, "https://x.example/a/", `https:\/\/x.example\/a\/`},
	} {
		s, off, _ := Exact(tc.in)
		start := strings.Index(s, tc.value)
		if start < 0 {
			t.Fatalf("Exact(%q) = %q; want it to hold %q", tc.in, s, tc.value)
		}
		fs := MapFindings([]guard.Finding{{Start: start, End: start + len(tc.value)}}, s, off, tc.in)
		if got := tc.in[fs[0].Start:fs[0].End]; got != tc.want {
			t.Errorf("MapFindings on %q: span %q; want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzExact: no panic; nothing changed means nothing returned; otherwise
// every byte says where it came from, offsets increase, valid UTF-8 stays
// valid, and a second pass changes nothing more.
func FuzzExact(f *testing.F) {
	for _, tc := range exactCases {
		f.Add(tc.in)
	}
	for _, in := range exactKept {
		f.Add(in)
	}
	f.Add("\U000E0069\U000E0067 x\u202e\xff\u200d")
	f.Fuzz(func(t *testing.T, s string) {
		got, off, ok := Exact(s)
		if !ok {
			if got != s || off != nil {
				t.Fatalf("not ok but changed: %q -> %q", s, got)
			}
			return
		}
		for i := range len(s) {
			if s[i] >= utf8.RuneSelf || s[i] == '\\' {
				break
			}
			if i == len(s)-1 {
				t.Fatalf("Exact(%q): ASCII text without a backslash changed to %q", s, got)
			}
		}
		checkExactOffsets(t, s, got, off)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Exact(%q) = %q: not valid UTF-8", s, got)
		}
		// An invisible character left is one of the original's, kept
		// because removing it would join invalid bytes: never a new one.
		for p, r := range got {
			if r == utf8.RuneError || !invisible(r) {
				continue
			}
			for k := 1; k < utf8.RuneLen(r); k++ {
				if off[p+k] != off[p]+int32(k) {
					t.Fatalf("%q formed from separate bytes in %q -> %q", r, s, got)
				}
			}
		}
		// Folds are judged on the text as written, escapes decoded in
		// the same pass: decoding "а\/0" puts "/0" next to the Cyrillic
		// а, which a second pass then folds as part of a token. So a
		// text with a backslash may change again; any other may not.
		if again, _, _ := Exact(got); again != got && !strings.Contains(s, `\`) {
			t.Fatalf("Exact(%q) = %q, and again %q", s, got, again)
		}
		if len(got) > 0 {
			fs := MapFindings([]guard.Finding{{Start: 0, End: len(got)}}, got, off, s)
			if fs[0].Start != int(off[0]) || fs[0].End <= fs[0].Start || fs[0].End > len(s) {
				t.Fatalf("MapFindings(whole of %q) = [%d, %d)", s, fs[0].Start, fs[0].End)
			}
		}
	})
}
