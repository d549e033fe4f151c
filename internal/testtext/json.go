package testtext

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// JSONString escapes s as the body of a JSON string (without the quotes)
// the way Python's json.dumps writes it by default (ensure_ascii): quotes,
// backslashes and control characters escaped, every non-ASCII character as
// \uXXXX (a surrogate pair above the BMP). The ASCII runes esc picks (nil:
// none) are written as \u00XX too. Tests and the obfuscation eval use it
// to build tool results as real tools send them.
func JSONString(s string, esc func(rune) bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r < utf8.RuneSelf && (esc == nil || !esc(r)):
			b.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}
