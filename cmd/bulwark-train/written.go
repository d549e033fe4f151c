package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
)

// writtenSource names the rows of written/*.jsonl: attacks and benign
// look-alikes written for Bulwark in sessions 6, 7 and 9 by helper sessions
// that never saw the independent check sets (internal/scanner/injection/
// testdata/independent*), in English and the ten other languages. Where the
// shared data has a few styles of attack, these are many paraphrases of each
// kind (overrides, extraction, personas, instructions planted in documents,
// sloppy human hijacks, game inputs, long templates), each beside benign text
// with the same words. They are always trained on; the independent sets
// measure what they bring.
const writtenSource = "bulwark_written"

//go:embed written/*.jsonl
var writtenFS embed.FS

// writtenRows returns the written rows labelled for the heads: a jailbreak
// category is a JAILBREAK positive, any other attack an INJECTION positive;
// the harmful head ignores attacks (some carry a harmful ask) and learns
// the benign rows as negatives. Attack rows weigh hp.Written, benign rows
// hp.WrittenNeg.
func writtenRows() ([]row, error) {
	names, err := fs.Glob(writtenFS, "written/*.jsonl")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var rows []row
	for _, name := range names {
		b, err := writtenFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		js, err := parseJSONL(b, name)
		if err != nil {
			return nil, err
		}
		for _, j := range js {
			r := row{text: j.Text, src: writtenSource, cat: j.Category, label: j.Label, w: float32(hp.Written), tmpl: -1}
			switch {
			case j.Label == 0:
				r.y = [3]int8{yNeg, yNeg, yNeg}
				r.w = float32(hp.WrittenNeg)
			case strings.HasPrefix(j.Category, "jailbreak"):
				r.y = [3]int8{yIgnore, yPos, yIgnore}
			default:
				r.y = [3]int8{yPos, yIgnore, yIgnore}
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// independentDir holds the independent check sets, relative to the
// repository root (where make eval runs): set 1 (session 6) in
// independent/, set 2 (session 7) in independent2/.
var independentDir = filepath.Join("internal", "scanner", "injection", "testdata")

// printIndependent prints how many attacks and benign prompts of the
// independent sets d flags as injection or jailbreak. Set 1's attacks are
// split by line (odd: dev half, read while writing rules; even: test half);
// set 2 was never read and is all test. Neither is trained on, so these are
// held-out numbers for any model, fold or shipped. A missing directory (the
// trainer run from elsewhere) prints nothing.
func printIndependent(w io.Writer, name string, d *injection.Detector) {
	flagged := func(s string) bool {
		r := d.Detect(s)
		return d.Flagged(r, injection.HeadInjection) || d.Flagged(r, injection.HeadJailbreak)
	}
	count := func(rows []jsonRow, keep func(i int) bool) (hit, n int) {
		for i, r := range rows {
			if !keep(i) {
				continue
			}
			n++
			if flagged(r.Text) {
				hit++
			}
		}
		return hit, n
	}
	all := func(int) bool { return true }
	a1, b1, err1 := readIndependent("independent", "attacks.jsonl", "benign_trigger.jsonl")
	a2, b2, err2 := readIndependent("independent2", "attacks.jsonl", "benign.jsonl")
	for _, err := range []error{err1, err2} {
		if err != nil {
			// A skipped line would move every later attack to the other half.
			fmt.Fprintf(w, "independent check, %s: %v\n", name, err)
			return
		}
	}
	if len(a1) > 0 && len(b1) > 0 {
		test, testN := count(a1, func(i int) bool { return i%2 == 0 })
		dev, devN := count(a1, func(i int) bool { return i%2 == 1 })
		fp, n := count(b1, all)
		fmt.Fprintf(w, "independent check, %s: attacks test half %d/%d, dev half %d/%d; benign trigger-word prompts flagged %d/%d\n",
			name, test, testN, dev, devN, fp, n)
	}
	if len(a2) > 0 && len(b2) > 0 {
		tp, n := count(a2, all)
		fp, nb := count(b2, all)
		fmt.Fprintf(w, "independent set 2, %s: attacks %d/%d; benign flagged %d/%d\n", name, tp, n, fp, nb)
	}
	printProbe(w, "multilingual probe", "multilingual_probe", name, d)
	printProbe(w, "multilingual blind set", "multilingual_blind", name, d)
}

// printProbe prints the counts of a multilingual set in dir: the session-9
// probe (a read dev set) or the session-10 blind set (never read), their
// READMEs in internal/scanner/injection/testdata. They are scanned as
// TestMultilingualProbe scans them: planted instructions and documents as
// tool results, the rest as user turns. Counts only, never texts.
func printProbe(w io.Writer, title, dir, name string, d *injection.Detector) {
	a, b, err := readIndependent(dir, "attacks.jsonl", "benign.jsonl")
	if err != nil || len(a) == 0 || len(b) == 0 {
		if err != nil {
			fmt.Fprintf(w, "%s, %s: %v\n", title, name, err)
		}
		return
	}
	flagged := func(r jsonRow) bool {
		src := guard.SourceUser
		if r.Kind == "indirect" || r.Kind == "document" {
			src = guard.SourceTool
		}
		fs, err := d.Scan(context.Background(), guard.Input{Text: r.Text, Stage: guard.StageInput, Source: src})
		return err == nil && slices.ContainsFunc(fs, func(f guard.Finding) bool { return f.Type == "INJECTION" || f.Type == "JAILBREAK" })
	}
	kinds := map[string][2]int{}
	tp := 0
	for _, r := range a {
		k := kinds[r.Kind]
		k[1]++
		if flagged(r) {
			tp++
			k[0]++
		}
		kinds[r.Kind] = k
	}
	fp := 0
	for _, r := range b {
		if flagged(r) {
			fp++
		}
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s %d/%d", k, kinds[k][0], kinds[k][1]))
	}
	fmt.Fprintf(w, "%s, %s: attacks %d/%d (%s); benign flagged %d/%d\n", title, name, tp, len(a), strings.Join(parts, ", "), fp, len(b))
}

// readIndependent reads one independent set's attack and benign files; a
// missing directory yields no rows and no error.
func readIndependent(dir, attacks, benign string) (a, b []jsonRow, err error) {
	read := func(file string) ([]jsonRow, error) {
		path := filepath.Join(independentDir, dir, file)
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, nil
		}
		return parseJSONL(raw, path)
	}
	if a, err = read(attacks); err != nil {
		return nil, nil, err
	}
	if b, err = read(benign); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

// parseJSONL decodes one jsonRow per line of b (name is for errors).
func parseJSONL(b []byte, name string) ([]jsonRow, error) {
	var out []jsonRow
	for i, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var j jsonRow
		if err := json.Unmarshal(line, &j); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, i+1, err)
		}
		out = append(out, j)
	}
	return out, nil
}
