package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
)

// writtenSource names the rows of written/*.jsonl: attacks and benign
// look-alikes written for Bulwark in session 6 by helper sessions that never
// saw the independent check set (internal/scanner/injection/testdata/
// independent), in English and the ten other languages. Where the shared
// data has a few styles of attack, these are many paraphrases of each kind
// (overrides, extraction, personas, instructions planted in documents), each
// beside benign text with the same words. They are always trained on; the
// independent set's test half measures what they bring.
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

// independentDir holds the session-6 independent check set, relative to
// the repository root (where make eval runs).
var independentDir = filepath.Join("internal", "scanner", "injection", "testdata", "independent")

// printIndependent prints how many of the independent set's attacks (dev
// half: odd lines, test half: even lines) and benign trigger-word prompts d
// flags as injection or jailbreak. The set is never trained on, so this is a
// held-out number for any model, fold or shipped. A missing directory (the
// trainer run from elsewhere) prints nothing.
func printIndependent(w io.Writer, name string, d *injection.Detector) {
	var bad error
	read := func(file string) []jsonRow {
		path := filepath.Join(independentDir, file)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		js, err := parseJSONL(b, path)
		if err != nil && bad == nil {
			bad = err
		}
		return js
	}
	attacks, benign := read("attacks.jsonl"), read("benign_trigger.jsonl")
	if bad != nil {
		// A skipped line would move every later attack to the other half.
		fmt.Fprintf(w, "independent check, %s: %v\n", name, bad)
		return
	}
	if len(attacks) == 0 || len(benign) == 0 {
		return
	}
	flagged := func(s string) bool {
		r := d.Detect(s)
		return d.Flagged(r, injection.HeadInjection) || d.Flagged(r, injection.HeadJailbreak)
	}
	var dev, devN, test, testN, fp int
	for i, a := range attacks {
		hit := 0
		if flagged(a.Text) {
			hit = 1
		}
		if i%2 == 1 {
			dev, devN = dev+hit, devN+1
		} else {
			test, testN = test+hit, testN+1
		}
	}
	for _, b := range benign {
		if flagged(b.Text) {
			fp++
		}
	}
	fmt.Fprintf(w, "independent check, %s: attacks test half %d/%d, dev half %d/%d; benign trigger-word prompts flagged %d/%d\n",
		name, test, testN, dev, devN, fp, len(benign))
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
