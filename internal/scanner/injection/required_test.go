package injection

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

func TestRequiredGroups(t *testing.T) {
	tests := []struct {
		re   string
		want [][]string
	}{
		{`\b(?:send|submit|forward)\b`, [][]string{{"send", "submit", "forward"}}},
		{`\bignore\s+(?:all\s+)?previous\b`, [][]string{{"ignore"}, {"previous"}}},
		{`summari[sz]e`, [][]string{{"summarise", "summarize"}}},
		{`(?:a|b)c`, nil},              // literals of two bytes are dropped
		{`x*yyy`, [][]string{{"yyy"}}}, // an optional part adds no group
		{`(?:foo|\w+bar)`, [][]string{{"foo", "bar"}}},
		{`(?:foo|\w+)`, nil},             // a branch with no literal: no group
		{`(?i)hello`, nil},               // case folding is not expanded
		{`sends?`, [][]string{{"send"}}}, // "sends" holds "send"
	}
	for _, tt := range tests {
		got := requiredGroups(regexp.MustCompile(tt.re))
		for _, g := range got {
			slices.Sort(g)
		}
		for _, g := range tt.want {
			slices.Sort(g)
		}
		if !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("requiredGroups(%q) = %q; want %q", tt.re, got, tt.want)
		}
	}
}

// TestRuleShortcutsExact checks that the rule engine's two shortcuts never
// change a match, on a corpus of attacks and look-alikes (ruleCorpus):
//   - required literals: every match of every rule holds a literal of each
//     of the rule's groups, so the pre-check never rejects a window the
//     expression matches;
//   - split alternations (branches.go): from every point where a rule's
//     match search resumes, the branches find the match the whole
//     expression finds.
func TestRuleShortcutsExact(t *testing.T) {
	// A split rule keeps only its branches: its whole expression is
	// compiled again here from its source.
	whole := make([]*regexp.Regexp, len(rules))
	for i := range rules {
		if whole[i] = rules[i].re; whole[i] == nil {
			whole[i] = regexp.MustCompile(rules[i].pattern)
		}
	}
	matches, splitMatches := 0, 0
	for i, text := range ruleCorpus(t) {
		norms := []string{normalize.Normalize(text).Norm}
		for _, v := range normalize.Variants(text) {
			norms = append(norms, v.Text.Norm)
		}
		for _, n := range norms {
			// Only rules with an anchor in the text: the expressions run
			// nowhere else.
			anchored := map[uint16]bool{}
			for _, h := range findAnchors(nil, n) {
				anchored[h.rule] = true
			}
			for ri := range rules {
				r := &rules[ri]
				if (r.req == nil && r.branches == nil) || !anchored[uint16(ri)] {
					continue
				}
				for off := 0; off <= len(n); {
					w := n[off:]
					loc := whole[ri].FindStringIndex(w)
					if r.branches != nil {
						if got := r.index(w, r.candidates(w)); !slices.Equal(got, loc) {
							t.Fatalf("text %d, rule %d (%s), offset %d: the branches match %v; the whole expression %v", i, ri, r.id, off, got, loc)
						}
					}
					if loc == nil {
						break
					}
					matches++
					if r.branches != nil {
						splitMatches++
					}
					if !r.reqG.hold(w[loc[0]:loc[1]]) {
						t.Errorf("text %d: rule %d (%s) matched, but its required literals %q are not all in the match", i, ri, r.id, r.req)
					}
					off += max(loc[1], loc[0]+1)
				}
			}
		}
	}
	if matches < 500 || splitMatches < 200 {
		t.Fatalf("%d rule matches (%d of split rules); the corpus is too small to check anything", matches, splitMatches)
	}
	t.Logf("%d rule matches, %d of them of split rules: the shortcuts change none", matches, splitMatches)
}

// ruleCorpus returns the texts the rule pre-checks are checked on: the
// written training rows, both independent sets (texts are never printed),
// the benign trigger-word lists, and every shared injection file when
// BULWARK_SHARED_DATA is set.
func ruleCorpus(t *testing.T) []string {
	t.Helper()
	var texts []string
	files, _ := filepath.Glob("../../../cmd/bulwark-train/written/*.jsonl")
	more, _ := filepath.Glob("testdata/independent*/*.jsonl")
	files = append(files, more...)
	if dir := os.Getenv("BULWARK_SHARED_DATA"); dir != "" {
		shared, _ := filepath.Glob(filepath.Join(dir, "injection", "*.jsonl"))
		files = append(files, shared...)
	} else {
		t.Log("only the repository's texts: set BULWARK_SHARED_DATA to add the shared injection files")
	}
	if len(files) < 8 {
		t.Fatalf("found %d corpus files; want the written rows and both independent sets", len(files))
	}
	for _, f := range files {
		texts = append(texts, jsonlTexts(t, f)...)
	}
	texts = append(texts, readLines(t, "benign_trigger_words.txt")...)
	return append(texts, readLines(t, "benign_harmful_words.txt")...)
}

// jsonlTexts returns the "text" field of every line of a JSON Lines file.
func jsonlTexts(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, r.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
