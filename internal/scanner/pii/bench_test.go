package pii

import (
	"strings"
	"testing"
)

// prompt1K is a realistic 1 KB support prompt with a little PII.
var prompt1K = func() string {
	s := "Hi team, I am writing about my account. My name is Laura Becker and I moved last month, so please " +
		"update my address to 1668 Glyn Street, Apt. 4, Springfield, IL 62704. You can reach me at (415) 555-2671 " +
		"or laura.becker@example.com. The last payment on card 4111 1111 1111 1111 failed twice with error 402, " +
		"and the app (version 3.14.2) shows a blank screen after login. We tried from 10.0.0.12 and from a phone. " +
		"Could you also confirm the order 88231945 shipped on 2024-05-03? "
	for len(s) < 1024 {
		s += "Please explain what went wrong and what I should do next, step by step, in plain language. "
	}
	return s[:1024]
}()

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFind1KPrompt(b *testing.B) {
	d := testDetector(b)
	b.SetBytes(int64(len(prompt1K)))
	for b.Loop() {
		d.Find(prompt1K)
	}
}

// plain1K is lower-case prose without PII; doc64K is 64 KiB of prompts.
var (
	plain1K = strings.Repeat("the quick brown fox jumps over the lazy dog while the band plays on. ", 16)[:1024]
	doc64K  = strings.Repeat(prompt1K, 64)
)

func BenchmarkFind1KPlain(b *testing.B) {
	d := testDetector(b)
	text := plain1K
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		d.Find(text)
	}
}

func BenchmarkFind64KDocument(b *testing.B) {
	d := testDetector(b)
	text := doc64K
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		d.Find(text)
	}
}
