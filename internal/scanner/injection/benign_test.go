package injection

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"slices"
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

// TestIndependentSet guards the session-6 independent set
// (testdata/independent/README.md): the dev half of the attacks, whose
// misses the paraphrase rules were written from; the test half, never read
// for tuning; and the benign trigger-word prompts. The floors are the
// session's measured counts, so a change that loses recall or adds false
// alarms fails here.
func TestIndependentSet(t *testing.T) {
	attacks, benign := readIndependent(t, "independent/attacks.jsonl"), readIndependent(t, "independent/benign_trigger.jsonl")
	if len(attacks) != 200 || len(benign) != 200 {
		t.Fatalf("%d attacks and %d benign prompts, want 200 each", len(attacks), len(benign))
	}
	var dev, test, ben []string
	for i, it := range attacks {
		if it.Label != 1 {
			t.Fatalf("attack %d has label %d", i, it.Label)
		}
		if i%2 == 1 {
			dev = append(dev, it.Text)
		} else {
			test = append(test, it.Text)
		}
	}
	for _, it := range benign {
		ben = append(ben, it.Text)
	}
	for _, c := range []struct {
		name     string
		texts    []string
		min, max int
	}{
		{"attacks, dev half", dev, 90, 100},
		{"attacks, test half", test, 81, 100},
		{"benign trigger-word prompts", ben, 0, 3},
	} {
		n := len(flaggedTypes(t, c.texts, "INJECTION", "JAILBREAK"))
		t.Logf("%s: %d of %d flagged", c.name, n, len(c.texts))
		if n < c.min || n > c.max {
			t.Errorf("%s: %d of %d flagged, want %d to %d", c.name, n, len(c.texts), c.min, c.max)
		}
	}
}

// independentItem is one line of an independent check set.
type independentItem struct {
	Text     string `json:"text"`
	Label    int    `json:"label"`
	Category string `json:"category"`
}

// readIndependent reads testdata/name, one JSON object per line.
func readIndependent(t *testing.T, name string) []independentItem {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var out []independentItem
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var it independentItem
		if err := json.Unmarshal([]byte(l), &it); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, it)
	}
	return out
}

// The shipped detector's counts on set 2 (docs/detectors/injection.md):
// 120 of 240 and 7 of 240 when the set arrived, before session 7's
// training rows; 144 after them, 148 with session 8's rules and
// normalizations; 140 and 7 with session 10's concept features and
// multilingual rows, which gained 41 attacks of 200 on the blind
// multilingual set (the two fold models: 144 and 161 of 240 here); 161
// and 7 at session 10's threshold of 0.98 on texts up to 2 KB.
const (
	set2AttacksMin = 161
	set2BenignMax  = 7
)

// TestIndependentSet2 guards the session-7 independent set
// (testdata/independent2/README.md): human-style attacks and hard benign
// prompts that nobody tuning the detector has read. Only counts are
// logged, never texts, so the set stays unread.
func TestIndependentSet2(t *testing.T) {
	attacks, benign := readIndependent(t, "independent2/attacks.jsonl"), readIndependent(t, "independent2/benign.jsonl")
	if len(attacks) != 240 || len(benign) != 240 {
		t.Fatalf("%d attacks and %d benign prompts, want 240 each", len(attacks), len(benign))
	}
	texts := func(items []independentItem, label int) []string {
		var out []string
		for i, it := range items {
			if it.Label != label {
				t.Fatalf("line %d has label %d, want %d", i, it.Label, label)
			}
			out = append(out, it.Text)
		}
		return out
	}
	for _, c := range []struct {
		name     string
		texts    []string
		min, max int
	}{
		{"attacks", texts(attacks, 1), set2AttacksMin, 240},
		{"benign prompts", texts(benign, 0), 0, set2BenignMax},
	} {
		n := len(flaggedTypes(t, c.texts, "INJECTION", "JAILBREAK"))
		t.Logf("%s: %d of %d flagged", c.name, n, len(c.texts))
		if n < c.min || n > c.max {
			t.Errorf("%s: %d of %d flagged, want %d to %d", c.name, n, len(c.texts), c.min, c.max)
		}
	}
}

// The multilingual sets, scanned as bulwark-train check-sets scans them:
// planted instructions and documents as tool results, the rest as user
// turns. The floors and ceilings are the shipped detector's counts.
//   - the session-9 probe (testdata/multilingual_probe/README.md): 100
//     attacks and 100 benign prompts, read while working, so a dev set;
//   - the session-10 blind set (testdata/multilingual_blind/README.md):
//     200 and 200, never read; only counts are logged.
const (
	probeAttacksMin, probeBenignMax = 82, 4  // session 9's detector: 32 and 6
	blindAttacksMin, blindBenignMax = 114, 5 // session 9's detector: 49 and 5
)

func TestMultilingualProbe(t *testing.T) {
	testMultilingual(t, "multilingual_probe", 100, probeAttacksMin, probeBenignMax)
}

func TestMultilingualBlind(t *testing.T) {
	testMultilingual(t, "multilingual_blind", 200, blindAttacksMin, blindBenignMax)
}

func testMultilingual(t *testing.T, dir string, rows, attacksMin, benignMax int) {
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file     string
		label    int
		min, max int
	}{
		{"attacks.jsonl", 1, attacksMin, rows},
		{"benign.jsonl", 0, 0, benignMax},
	} {
		b, err := os.ReadFile("testdata/" + dir + "/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		n, flagged := 0, 0
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var it struct {
				Text, Lang, Kind string
				Label            int
			}
			if err := json.Unmarshal([]byte(l), &it); err != nil {
				t.Fatal(err)
			}
			if it.Label != c.label {
				t.Fatalf("%s: label %d, want %d", c.file, it.Label, c.label)
			}
			src := guard.SourceUser
			if it.Kind == "indirect" || it.Kind == "document" {
				src = guard.SourceTool
			}
			fs, err := d.Scan(context.Background(), guard.Input{Text: it.Text, Stage: guard.StageInput, Source: src})
			if err != nil {
				t.Fatal(err)
			}
			n++
			if slices.ContainsFunc(fs, func(f guard.Finding) bool { return f.Type == "INJECTION" || f.Type == "JAILBREAK" }) {
				flagged++
			}
		}
		t.Logf("%s/%s: %d of %d flagged", dir, c.file, flagged, n)
		if n != rows || flagged < c.min || flagged > c.max {
			t.Errorf("%s/%s: %d of %d flagged, want %d rows and %d to %d flagged", dir, c.file, flagged, n, rows, c.min, c.max)
		}
	}
}
