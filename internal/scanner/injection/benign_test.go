package injection

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// readLines returns the non-comment lines of a testdata file.
func readLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// flaggedTypes scans texts as user turns and returns, per text, the finding
// types among want.
func flaggedTypes(t *testing.T, texts []string, want ...string) map[string][]string {
	t.Helper()
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, s := range texts {
		fs, err := d.Scan(context.Background(), guard.Input{Text: s, Stage: guard.StageInput, Source: guard.SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			for _, w := range want {
				if f.Type == w {
					out[s] = append(out[s], f.Type)
				}
			}
		}
	}
	return out
}

// Benign prompts full of trigger words ("ignore", "system prompt",
// "jailbreak", "override", "password", role play): the issue allows a 2 %
// false-positive rate on such prompts. At session 5's thresholds none of
// these 100 is flagged; the guard allows 2.
func TestBenignTriggerWords(t *testing.T) {
	texts := readLines(t, "benign_trigger_words.txt")
	if len(texts) != 100 {
		t.Fatalf("%d prompts, want 100", len(texts))
	}
	got := flaggedTypes(t, texts, "INJECTION", "JAILBREAK")
	for s, types := range got {
		t.Logf("flagged %v: %q", types, s)
	}
	if len(got) > 2 {
		t.Errorf("%d of %d benign trigger-word prompts flagged as injection or jailbreak, want at most 2", len(got), len(texts))
	}
}

// Everyday prompts with harmful-sounding words ("kill time", "shoot someone
// a message", "bath bomb", "steal a base"). At session 5 the HARMFUL model
// head flags three of them ("steal a base in softball", "without getting
// scammed", "someone stalking me"; docs/detectors/injection.md, Known
// weaknesses) and the rules none; the guard allows those three.
func TestBenignHarmfulWords(t *testing.T) {
	texts := readLines(t, "benign_harmful_words.txt")
	if len(texts) != 60 {
		t.Fatalf("%d prompts, want 60", len(texts))
	}
	got := flaggedTypes(t, texts, "HARMFUL", "INJECTION", "JAILBREAK")
	for s, types := range got {
		t.Logf("flagged %v: %q", types, s)
	}
	if len(got) > 3 {
		t.Errorf("%d of %d everyday prompts flagged, want at most 3", len(got), len(texts))
	}
}
