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

// TestRequiredLiteralsExact checks that the pre-check never rejects text a
// rule's expression matches: every match of every rule in a corpus of
// attacks and look-alikes holds a literal of each of the rule's groups.
// The corpus: the written training rows, both independent sets (texts are
// never printed), the benign trigger-word lists, and every shared injection
// file when BULWARK_SHARED_DATA is set.
func TestRequiredLiteralsExact(t *testing.T) {
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
	texts = append(texts, readLines(t, "benign_harmful_words.txt")...)
	matches := 0
	for i, text := range texts {
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
				if r.req == nil || !anchored[uint16(ri)] {
					continue
				}
				for _, loc := range r.re.FindAllStringIndex(n, -1) {
					matches++
					if !hasRequired(n[loc[0]:loc[1]], r.req) {
						t.Errorf("text %d: rule %d (%s) matched, but its required literals %q are not all in the match", i, ri, r.id, r.req)
					}
				}
			}
		}
	}
	if matches < 500 {
		t.Fatalf("%d rule matches in %d texts; the corpus is too small to check anything", matches, len(texts))
	}
	t.Logf("%d rule matches in %d texts, each holding its required literals", matches, len(texts))
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
