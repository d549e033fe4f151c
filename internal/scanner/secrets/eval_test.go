package secrets

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// The dataset evaluation runs when BULWARK_SHARED_DATA points at the shared
// data folder:
//
//	BULWARK_SHARED_DATA=/work/shared/data go test -run TestEvalGitleaksTestcases -v ./internal/scanner/secrets
//
// Split: rows whose FNV-1a hash of the text is even are "dev" (used to tune
// the Bulwark checks), odd are "test" (reported). Set BULWARK_EVAL_VERBOSE=1
// to list the misses by rule id.

type labeledRow struct {
	Text     string `json:"text"`
	Label    int    `json:"label"`
	Category string `json:"category"`
}

func splitOf(text string) string {
	h := fnv.New32a()
	h.Write([]byte(text))
	if h.Sum32()%2 == 0 {
		return "dev"
	}
	return "test"
}

type counts struct{ tp, fp, tn, fn int }

func (c counts) String() string {
	p := ratio(c.tp, c.tp+c.fp)
	r := ratio(c.tp, c.tp+c.fn)
	f := 0.0
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return fmt.Sprintf("n=%d tp=%d fp=%d tn=%d fn=%d precision=%.3f recall=%.3f f1=%.3f fpr=%.3f",
		c.tp+c.fp+c.tn+c.fn, c.tp, c.fp, c.tn, c.fn, p, r, f, ratio(c.fp, c.fp+c.tn))
}

func (c counts) f1() float64 {
	p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func TestEvalGitleaksTestcases(t *testing.T) {
	dir := os.Getenv("BULWARK_SHARED_DATA")
	if dir == "" {
		t.Skip("set BULWARK_SHARED_DATA to run")
	}
	f, err := os.Open(filepath.Join(dir, "secrets", "gitleaks_rule_testcases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	verbose := os.Getenv("BULWARK_EVAL_VERBOSE") != ""
	res := map[string]*counts{"dev": {}, "test": {}, "all": {}}
	var misses []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r labeledRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		fs := d.Find(r.Text)
		pred := len(fs) > 0
		for _, k := range []string{splitOf(r.Text), "all"} {
			c := res[k]
			switch {
			case pred && r.Label == 1:
				c.tp++
			case pred:
				c.fp++
			case r.Label == 1:
				c.fn++
			default:
				c.tn++
			}
		}
		if verbose && pred != (r.Label == 1) {
			var ids []string
			for _, f := range fs {
				ids = append(ids, f.RuleID)
			}
			misses = append(misses, fmt.Sprintf("%s label=%d category=%s found=%v text=%.120q", splitOf(r.Text), r.Label, r.Category, ids, r.Text))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(misses)
	for _, m := range misses {
		t.Log(m)
	}
	for _, k := range []string{"dev", "test", "all"} {
		t.Logf("%-4s %v", k, *res[k])
	}
	if f1 := res["test"].f1(); f1 < 0.90 {
		t.Errorf("test split F1 = %.3f; want >= 0.90", f1)
	}
}
