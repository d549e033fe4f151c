package secrets

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzFind(f *testing.F) {
	seeds := []string{
		"", "key " + awsKey(), rsaKey, sshKey, jwtTok, "eyJ.eyJ.", "-----BEGIN PRIVATE KEY-----",
		"postgres://u:p@h/db", "Server=x;Password=Gh7!kP2qZw;", `password = "Tr0ub4dor&3x"`,
		"my password is Qz7!mK2pLw9.", "jdbc:mysql://h/db?password=", "://@:", "password=\"",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	d := testDetector(f)
	f.Fuzz(func(t *testing.T, text string) {
		prev := -1
		for _, fd := range d.Find(text) {
			if fd.Start < 0 || fd.End > len(text) || fd.Start >= fd.End {
				t.Fatalf("Find(%q): finding %+v out of bounds", text, fd)
			}
			if fd.Start < prev {
				t.Fatalf("Find(%q): findings overlap or unsorted at %+v", text, fd)
			}
			prev = fd.End
			if utf8.ValidString(text) && !utf8.ValidString(text[fd.Start:fd.End]) {
				t.Fatalf("Find(%q): finding %+v splits a UTF-8 sequence", text, fd)
			}
		}
	})
}

func FuzzConnPassword(f *testing.F) {
	for _, s := range []string{"postgres://u:p4ss@h/db", "jdbc:postgresql://h/db?user=u&password=pw9", "redis://:x@h", "mongodb://h/?pwd=", "http://a:b@c@d/e?f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, ok := ConnPassword(s)
		if !ok {
			return
		}
		if start < 0 || end > len(s) || start >= end {
			t.Fatalf("ConnPassword(%q) = %d, %d; out of bounds", s, start, end)
		}
		if strings.ContainsAny(s[start:end], " \t\n") {
			t.Fatalf("ConnPassword(%q) = %q; contains whitespace", s, s[start:end])
		}
	})
}
