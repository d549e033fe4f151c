package normalize

import (
	"testing"
	"unicode/utf8"
)

func TestStripInvisible(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"AKIA\u200bZ3M5QW7R2T6Y4UXP", "AKIAZ3M5QW7R2T6Y4UXP"},
		{"a\u200c\u200db\u2060c\ufeffd\u202ee\U000E0041f\u00adg", "abcdefg"},
		{"ünï\u200bcödé", "ünïcödé"},
	} {
		got, off, ok := StripInvisible(tc.in)
		if !ok || got != tc.want {
			t.Errorf("StripInvisible(%q) = %q, %v; want %q, true", tc.in, got, ok, tc.want)
			continue
		}
		for i := range len(got) {
			if tc.in[off[i]] != got[i] {
				t.Errorf("StripInvisible(%q): byte %d maps to %d (%q), not to itself", tc.in, i, off[i], tc.in[off[i]])
			}
		}
	}
	// Nothing to strip: the same string, no offsets.
	if s, off, ok := StripInvisible("plain text, ümlauts and 日本語"); ok || off != nil || s != "plain text, ümlauts and 日本語" {
		t.Errorf("StripInvisible(plain) = %q, %v, %v; want unchanged, nil, false", s, off, ok)
	}
}

// FuzzStripInvisible: the stripped text is the original's bytes in order,
// without an invisible character, and the offsets say where each came from.
func FuzzStripInvisible(f *testing.F) {
	f.Add("AKIA\u200bZ3M5QW7R2T6Y4UXP")
	f.Add("\U000E0069\U000E0067 x\u202e\xff\u200d")
	f.Add("plain")
	f.Fuzz(func(t *testing.T, s string) {
		got, off, ok := StripInvisible(s)
		if !ok {
			if got != s || off != nil {
				t.Fatalf("not ok but changed: %q -> %q", s, got)
			}
			return
		}
		if len(off) != len(got) {
			t.Fatalf("len(off) = %d; want %d", len(off), len(got))
		}
		for i := range len(got) {
			if i > 0 && off[i] <= off[i-1] {
				t.Fatalf("offsets not increasing at %d", i)
			}
			if s[off[i]] != got[i] {
				t.Fatalf("byte %d maps to %d: %q != %q", i, off[i], s[off[i]], got[i])
			}
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
	})
}
