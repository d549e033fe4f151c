package injection

import "strings"

// Anchor gates. A rule whose anchors are common words ("read", "over",
// "summar…") has hundreds of hits in a long document; their windows merge
// and its expression ran over most of the text (a third of the rule time on
// 1 MB of prose). A gate is a necessary condition of the rule's expression
// at one anchor hit, read straight off the expression: a hit that fails it
// is not part of any match, so it opens no window. Every match still holds
// a hit that passes (gates_test.go checks the rules with and without their
// gates on the same texts). A gate sees the normalized text s and a hit of
// n bytes at p, and only judges the anchors it knows; others pass.

// gateDone is fake-completion's gate for its "task complete" anchors
// (complete, done, finished, over, fulfilled): the word is one of the
// expression's, and after [.!:,]* and a space (and an optional "great
// job!" / "well done.") comes now, next, new, your next or then. Its other
// alternatives hold the "###" or "now that" anchors, which pass.
func gateDone(s string, p, n int) bool {
	a := s[p : p+n]
	if a == "###" || a == "now that" {
		return true
	}
	i := p
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	switch s[p:i] {
	case "complete", "completed", "done", "finished", "over", "fulfilled":
	default:
		return false
	}
	j := skipAny(s, i, ".!:,")
	if i = skipSpace(s, j); i == j {
		return false
	}
	for _, praise := range [...]string{"great job", "good job", "well done"} {
		if strings.HasPrefix(s[i:], praise) {
			i = skipSpace(s, skipAny(s, i+len(praise), ".!,"))
			break
		}
	}
	return wordAt(s, i, "now") || wordAt(s, i, "next") || wordAt(s, i, "new") || wordAt(s, i, "your next") || wordAt(s, i, "then")
}

// gateWhenReading is the gate of the planted rules that start "when you
// summarize this …" / "when an AI reads the …": the verb follows a space,
// when / while / if / before / after / whenever stands at most 48 bytes
// before it (the longest addressee between them, "whenever a language
// model is ", is 33), and after the verb's word comes this, the, these, my
// or our.
func gateWhenReading(s string, p, n int) bool {
	if p == 0 || s[p-1] != ' ' {
		return false
	}
	if !containsAny(s[max(p-48, 0):p], whenWords) {
		return false
	}
	i := p + n
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	if i >= len(s) || s[i] != ' ' {
		return false
	}
	i++
	return wordAt(s, i, "this") || wordAt(s, i, "the") || wordAt(s, i, "these") || wordAt(s, i, "my") || wordAt(s, i, "our")
}

// gateReadingThis is the gate of the rule for text that addresses the
// reading model. For its -ing verb anchors ("reading", "summariz…"): in
// "the AI reading this" the verb follows a space and is followed by this,
// these or the following. For its greetings ("hey ", "dear "): the greeting
// starts a word ("they " holds "hey ") and an AI is greeted. Its "if you
// are an AI … reading" alternative holds the "if you are" anchor, and its
// other alternatives hold other anchors, which pass.
func gateReadingThis(s string, p, n int) bool {
	switch s[p : p+n] {
	case "reading", "processing", "summariz", "summaris", "analyz", "analys", "parsing", "viewing", "reviewing", "scanning", "browsing":
	case "dear ", "hey ", "hello ", "hi ":
		if p > 0 && isWordByte(s[p-1]) {
			return false
		}
		return hasAnyPrefix(s[p+n:], greetedAI)
	default:
		return true
	}
	if p == 0 || s[p-1] != ' ' {
		return false
	}
	i := p + n
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	return hasAnyPrefix(s[i:], readObjects)
}

// The words the gates look for ("when" also covers "whenever").
var (
	whenWords   = []string{"when", "while ", "if ", "before ", "after "}
	greetedAI   = []string{"ai", "assistant", "language model", "llm", "chatbot", "gpt", "agent", "bot", "automated"}
	readObjects = []string{" this", " these", " the following"}
)

// isWordByte is an ASCII word byte, as the expressions' \w and \b read it.
func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

// skipAny skips the bytes of set from i.
func skipAny(s string, i int, set string) int {
	for i < len(s) && strings.IndexByte(set, s[i]) >= 0 {
		i++
	}
	return i
}

// skipSpace skips ASCII white space from i.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v') {
		i++
	}
	return i
}

// wordAt reports whether w starts at s[i] and ends at a word boundary.
func wordAt(s string, i int, w string) bool {
	return strings.HasPrefix(s[i:], w) && (i+len(w) == len(s) || !isWordByte(s[i+len(w)]))
}
