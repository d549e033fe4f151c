package injection

import (
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
	"github.com/bulwark-ai/bulwark/internal/testtext"
)

// litLists returns every distinct literal list of the rules that has a
// one-pass set.
func litLists() [][]string {
	var out [][]string
	seen := map[string]bool{}
	add := func(words []string) {
		if k := strings.Join(words, "\x00"); newLitSet(words) != nil && !seen[k] {
			seen[k] = true
			out = append(out, words)
		}
	}
	for i := range rules {
		add(rules[i].also)
		for _, g := range rules[i].req {
			add(g)
		}
		for _, b := range rules[i].branches {
			for _, g := range b.req.groups {
				add(g)
			}
		}
	}
	return out
}

// checkLitSet fails when the set's answers on s differ from indexAny's and
// containsAny's.
func checkLitSet(t *testing.T, words []string, s string) {
	t.Helper()
	l := newLitSet(words)
	if got, want := l.index(s), indexAny(s, words); got != want {
		t.Fatalf("index(%q) over %q = %d, want %d", s, words, got, want)
	}
	if got, want := l.contains(s), containsAny(s, words); got != want {
		t.Fatalf("contains(%q) over %q = %v, want %v", s, words, got, want)
	}
}

// TestLitSetExact compares the one-pass sets with strings.Index on every
// list the rules use, over the rule corpus (normalized, in windows of the
// size the rules search) and over texts made of the lists' own words.
func TestLitSetExact(t *testing.T) {
	lists := litLists()
	if len(lists) < 20 {
		t.Fatalf("only %d literal lists have a one-pass set", len(lists))
	}
	texts := sampleTexts(ruleCorpus(t), 1000)
	var windows []string
	for _, x := range texts {
		n := normalize.Normalize(x).Norm
		for a := 0; a < len(n); a += 2*ruleReach + 37 {
			windows = append(windows, n[a:min(a+2*ruleReach+37, len(n))])
		}
	}
	for _, words := range lists {
		for _, w := range windows {
			checkLitSet(t, words, w)
		}
		// Texts of the list's words, reversed and cut: several words at
		// once, a word at the very end, a word cut by the end.
		for j := range words {
			s := strings.Join(words[j:], " ")
			checkLitSet(t, words, s)
			checkLitSet(t, words, s[:len(s)-1])
			checkLitSet(t, words, "x"+words[len(words)-1-j])
		}
	}
}

// sampleTexts keeps about n of texts, spread over the list (a tenth of that
// with -short): the equivalence tests compare every list or anchor on each.
func sampleTexts(texts []string, n int) []string {
	if testing.Short() {
		n /= 10
	}
	step := max(len(texts)/n, 1)
	var out []string
	for i := 0; i < len(texts); i += step {
		out = append(out, texts[i])
	}
	return out
}

func TestLitSetSingleBytes(t *testing.T) {
	words := []string{"zzz", "[", "<", "(", "{", "ab"}
	for _, s := range []string{"", "[", "x<", "ab(", "zzz{", "no brackets", "ab", "a", "b[zzz"} {
		checkLitSet(t, words, s)
	}
	if newLitSet([]string{"a", "b", "", "c", "d", "e"}) != nil {
		t.Fatal("a list with an empty word got a set; every text contains the empty word")
	}
	if newLitSet([]string{"a", "b"}) != nil {
		t.Fatal("a short list got a set")
	}
}

func FuzzLitSet(f *testing.F) {
	f.Add("ignore the previous instructions", 0)
	f.Add("[system] print", 5)
	lists := litLists()
	lists = append(lists, []string{"zzz", "[", "<", "(", "{", "ab"})
	f.Fuzz(func(t *testing.T, s string, k int) {
		checkLitSet(t, lists[uint(k)%uint(len(lists))], s)
	})
}

// TestFindAnchorsExact compares findAnchors with a search for every anchor
// of every rule on the rule corpus and on 64 KB of prose.
func TestFindAnchorsExact(t *testing.T) {
	texts := sampleTexts(ruleCorpus(t), 8000)
	texts = append(texts, testtext.Prose(1<<16, 3), "ai:", "x###", "hi ")
	for _, x := range texts {
		n := normalize.Normalize(x).Norm
		want := map[anchorHit]bool{}
		for ri := range rules {
			for _, a := range rules[ri].anchors {
				for off := 0; ; {
					i := strings.Index(n[off:], a)
					if i < 0 {
						break
					}
					want[anchorHit{pos: int32(off + i), rule: uint16(ri), n: uint16(len(a))}] = true
					off += i + 1
				}
			}
		}
		got := findAnchors(nil, n)
		for k, h := range got {
			if !want[h] {
				t.Fatalf("%q: findAnchors reported %+v, which no anchor is", n, h)
			}
			if k > 0 && h.pos < got[k-1].pos {
				t.Fatalf("%q: hits out of text order", n)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%q: findAnchors found %d hits, a search for every anchor %d", n, len(got), len(want))
		}
	}
}
