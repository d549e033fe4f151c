package injection

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// TestSharedData guards the shipped model against regressions on a few
// shared sources (in-sample: the shipped model is trained on all of them;
// the held-out numbers come from `make eval`). Skips without the data.
func TestSharedData(t *testing.T) {
	dir := os.Getenv("BULWARK_SHARED_DATA")
	if dir == "" {
		t.Skip("set BULWARK_SHARED_DATA to run")
	}
	d := newDetector(t)
	tests := []struct {
		file      string
		minRecall float64 // on label 1
		maxFPR    float64 // on label 0
	}{
		// 0.94 and 0.63: session 6 trained on written/*.jsonl, whose benign
		// rows say that a user changing their own task ("forget the second
		// paragraph, make it shorter") is benign. deepset labels such topic
		// switches attacks, and gandalf has a few of them: in-sample recall
		// went 0.978 -> 0.948 and 0.700 -> 0.635, while held out it rose
		// (gandalf 0.776 -> 0.781, deepset 0.350 -> 0.374) and the
		// independent check's test half went 47 -> 62 of 100
		// (docs/detectors/injection.md). Before that, 0.68 for deepset came
		// from session 5's threshold change (0.98 -> 0.995). 0.91 and 0.58:
		// session 7 trained on three more written files; in-sample recall
		// went 0.948 -> 0.915 and 0.635 -> 0.586 (held out: gandalf 0.781
		// -> 0.775, deepset 0.369 -> 0.350), while the independent sets went
		// 62 -> 68 of 100 and 120 -> 144 of 240. Session 10: concept
		// features and written multilingual rows took it to 0.493 at the
		// old 0.995 threshold (mostly German task switches, "Sehr gut. Das
		// ist erledigt. Verfasse nun …"); at the new 0.98 it is 0.611.
		{"lakera_gandalf_ignore_instructions.jsonl", 0.91, 0},
		{"deepset_prompt_injections.jsonl", 0.58, 0.03},
		{"security_docs_paragraphs_benign.jsonl", 0, 0.02},
		{"parapet_handwritten_cases.jsonl", 0.85, 0.05},
		{"gsm8k_questions_benign.jsonl", 0, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, "injection", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var tp, fn, fp, tn int
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
			for sc.Scan() {
				var row struct {
					Text  string `json:"text"`
					Label int    `json:"label"`
				}
				if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
					t.Fatal(err)
				}
				hit, _ := flagged(d, row.Text)
				switch {
				case row.Label == 1 && hit:
					tp++
				case row.Label == 1:
					fn++
				case hit:
					fp++
				default:
					tn++
				}
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			if tp+fn > 0 {
				if r := float64(tp) / float64(tp+fn); r < tt.minRecall {
					t.Errorf("recall on %s = %.3f; want >= %.2f", tt.file, r, tt.minRecall)
				}
			}
			if fp+tn > 0 {
				if r := float64(fp) / float64(fp+tn); r > tt.maxFPR {
					t.Errorf("FPR on %s = %.3f; want <= %.2f", tt.file, r, tt.maxFPR)
				}
			}
		})
	}
}

// TestSharedLongDocuments joins benign paragraphs into 32 KB documents and
// scans them as tool results: a long benign page is flagged only as often
// as one of its paragraphs would be. Before the whole-text score was capped
// (wholeMax), 14 of 37 such security-documentation pages were flagged, 11 of
// them on the whole text; then 3 of 37, and 5 of 73 tldr pages; since
// session 10, when only the windows around an undone obfuscation are held
// to the evasive threshold (a leetspeak word in one example no longer
// lowers the threshold of the whole page), 2 or 3 of 73; since session 12,
// when Cyrillic look-alike words among Cyrillic words stopped counting as
// obfuscation (Bulgarian entries quoting commands), 1 of 73; and 2 of 37
// security pages once "attacks to leak …" reads as a description.
func TestSharedLongDocuments(t *testing.T) {
	dir := os.Getenv("BULWARK_SHARED_DATA")
	if dir == "" {
		t.Skip("set BULWARK_SHARED_DATA to run")
	}
	d := newDetector(t)
	for _, src := range []string{"security_docs_paragraphs_benign.jsonl", "tldr_pages_command_docs_benign.jsonl"} {
		var docs, hits int
		var b strings.Builder
		for _, text := range jsonlTexts(t, filepath.Join(dir, "injection", src)) {
			b.WriteString(text)
			b.WriteString("\n\n")
			if b.Len() < 32<<10 {
				continue
			}
			docs++
			r := d.detectHeads(b.String(), headsFor(guard.SourceTool))
			if d.Flagged(r, HeadInjection) || d.Flagged(r, HeadJailbreak) {
				hits++
			}
			b.Reset()
		}
		t.Logf("%s: %d of %d 32 KB documents flagged", src, hits, docs)
		if docs < 30 || float64(hits) > 0.12*float64(docs) {
			t.Errorf("%s: %d of %d 32 KB documents flagged; want at most 12 %%", src, hits, docs)
		}
	}
}
