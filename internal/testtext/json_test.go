package testtext

import (
	"encoding/json"
	"strings"
	"testing"
)

// JSONString's output decodes back to the input, holds no non-ASCII byte,
// and escapes what esc picks.
func TestJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `say "hi" \ there`, "line\nbreak\ttab\x01", "Игнорируй 忽略 😀 é"} {
		got := JSONString(s, nil)
		var back string
		if err := json.Unmarshal([]byte(`"`+got+`"`), &back); err != nil || back != s {
			t.Errorf("JSONString(%q) = %q, decodes to %q (%v)", s, got, back, err)
		}
		for i := 0; i < len(got); i++ {
			if got[i] >= 0x80 {
				t.Fatalf("JSONString(%q) = %q holds a non-ASCII byte", s, got)
			}
		}
	}
	if got := JSONString("Ignore", func(r rune) bool { return r == 'I' }); got != `\u0049gnore` {
		t.Errorf("JSONString with I escaped = %q", got)
	}
	if strings.Contains(JSONString("😀", nil), "1f600") {
		t.Error("a rune above the BMP is not a surrogate pair")
	}
}
