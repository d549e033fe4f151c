package formats_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/formats"
	"github.com/bulwark-ai/bulwark/internal/modelscan/internal/corpus"
)

const corpusDir = "../testdata/corpus"

// TestCorpus scans every crafted file and checks the severities and rule
// ids it must produce, and that the committed file is what the generator
// writes today.
func TestCorpus(t *testing.T) {
	sc := formats.NewScanner(corpus.Limits)
	for _, c := range corpus.Cases() {
		t.Run(c.File, func(t *testing.T) {
			path := filepath.Join(corpusDir, filepath.FromSlash(c.File))
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read %s: %v (run go run ./internal/modelscan/internal/corpus/gen)", path, err)
			}
			if !bytes.Equal(got, c.Data) {
				t.Fatalf("%s is stale; run go run ./internal/modelscan/internal/corpus/gen", path)
			}
			res, err := sc.Scan(context.Background(), path)
			if err != nil {
				t.Fatalf("Scan(%q) error: %v", c.File, err)
			}
			have := map[string]bool{}
			var all []string
			for _, f := range res.Findings {
				k := f.Severity.String() + ":" + f.RuleID
				have[k] = true
				all = append(all, k+" "+f.Member+" "+f.Evidence)
			}
			sort.Strings(all)
			for _, w := range c.Want {
				if !have[w] {
					t.Errorf("Scan(%q) lacks %s; findings: %q", c.File, w, all)
				}
			}
			maxSev := ""
			if sev, ok := res.Max(); ok {
				maxSev = sev.String()
			}
			if c.Max == "" && maxSev == "info" {
				maxSev = ""
			}
			if maxSev != c.Max {
				t.Errorf("Scan(%q) max severity = %q; want %q; findings: %q", c.File, maxSev, c.Max, all)
			}
			if gotErr := len(res.Errors) > 0; gotErr != c.Err {
				t.Errorf("Scan(%q) errors = %v; want error %v", c.File, res.Errors, c.Err)
			}
		})
	}
}

// TestCorpusDirectory scans the whole corpus as one model folder: every
// malicious file must be found, and the run is marked failed for the one
// file that cannot be parsed.
func TestCorpusDirectory(t *testing.T) {
	res, err := formats.NewScanner(corpus.Limits).Scan(context.Background(), corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.FilesScanned, len(corpus.Cases()); got != want {
		t.Errorf("FilesScanned = %d; want %d", got, want)
	}
	files := map[string]bool{}
	for _, f := range res.Findings {
		if f.Severity >= modelscan.SeverityHigh {
			rel, _ := filepath.Rel(corpusDir, f.File)
			files[filepath.ToSlash(rel)] = true
		}
	}
	var missing []string
	for _, c := range corpus.Cases() {
		if (c.Max == "high" || c.Max == "critical") && !files[c.File] {
			missing = append(missing, c.File)
		}
	}
	if diff := cmp.Diff([]string(nil), missing); diff != "" {
		t.Errorf("high findings missing for files (-want +got):\n%s", diff)
	}
}
