package pii

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// The dataset evaluation runs when BULWARK_SHARED_DATA points at the shared
// data folder:
//
//	BULWARK_SHARED_DATA=/work/shared/data go test -run TestEvalPresidioSynth -v ./internal/scanner/pii
//
// Split: rows whose FNV-1a hash of the text is even are "dev" (used to tune
// the lexicons and rules), odd are "test" (reported). Scoring is span-level
// per type: a predicted span is a true positive when it overlaps a gold span
// of the same type (after GoldType); a gold span is recalled when some
// predicted span of its type overlaps it. Only our types that some gold type
// maps to are scored. BULWARK_EVAL_VERBOSE=TYPE lists that type's misses.

type goldSpan struct {
	Type      string `json:"type"`
	ByteStart int    `json:"byte_start"`
	ByteEnd   int    `json:"byte_end"`
}

type spanRow struct {
	Text  string     `json:"text"`
	Spans []goldSpan `json:"spans"`
}

func splitOf(text string) string {
	h := fnv.New32a()
	h.Write([]byte(text))
	if h.Sum32()%2 == 0 {
		return "dev"
	}
	return "test"
}

type prf struct{ tpPred, nPred, tpGold, nGold int }

func (c prf) p() float64 { return ratio(c.tpPred, c.nPred) }
func (c prf) r() float64 { return ratio(c.tpGold, c.nGold) }
func (c prf) f1() float64 {
	p, r := c.p(), c.r()
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

func overlaps(a0, a1, b0, b1 int) bool { return a0 < b1 && b0 < a1 }

func TestEvalPresidioSynth(t *testing.T) {
	dir := os.Getenv("BULWARK_SHARED_DATA")
	if dir == "" {
		t.Skip("set BULWARK_SHARED_DATA to run")
	}
	f, err := os.Open(filepath.Join(dir, "pii", "presidio_research_synth_v2.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rows []spanRow
	scored := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r spanRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		for _, s := range r.Spans {
			if typ, ok := GoldType(s.Type); ok {
				scored[typ] = true
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	verbose := os.Getenv("BULWARK_EVAL_VERBOSE")
	res := map[string]map[string]*prf{"dev": {}, "test": {}}
	get := func(split, typ string) *prf {
		if res[split][typ] == nil {
			res[split][typ] = &prf{}
		}
		return res[split][typ]
	}
	for _, r := range rows {
		split := splitOf(r.Text)
		var pred []guard.Finding
		for _, fd := range d.Find(r.Text) {
			if scored[fd.Type] {
				pred = append(pred, fd)
			}
		}
		type g struct {
			typ  string
			s, e int
		}
		var gold []g
		for _, s := range r.Spans {
			if typ, ok := GoldType(s.Type); ok {
				gold = append(gold, g{typ, s.ByteStart, s.ByteEnd})
			}
		}
		for _, p := range pred {
			c := get(split, p.Type)
			c.nPred++
			hit := false
			for _, gs := range gold {
				if gs.typ == p.Type && overlaps(p.Start, p.End, gs.s, gs.e) {
					hit = true
					break
				}
			}
			if hit {
				c.tpPred++
			} else if verbose == p.Type && split == "dev" {
				t.Logf("FP %s %q in %.160q", p.Type, r.Text[p.Start:p.End], r.Text)
			}
		}
		for _, gs := range gold {
			c := get(split, gs.typ)
			c.nGold++
			hit := false
			for _, p := range pred {
				if gs.typ == p.Type && overlaps(p.Start, p.End, gs.s, gs.e) {
					hit = true
					break
				}
			}
			if hit {
				c.tpGold++
			} else if verbose == gs.typ && split == "dev" {
				t.Logf("FN %s %q in %.160q", gs.typ, r.Text[gs.s:gs.e], r.Text)
			}
		}
	}
	for _, split := range []string{"dev", "test"} {
		var types []string
		for typ := range res[split] {
			types = append(types, typ)
		}
		sort.Strings(types)
		var micro prf
		var lines []string
		for _, typ := range types {
			c := res[split][typ]
			micro.tpPred += c.tpPred
			micro.nPred += c.nPred
			micro.tpGold += c.tpGold
			micro.nGold += c.nGold
			lines = append(lines, fmt.Sprintf("  %-18s gold=%4d pred=%4d precision=%.3f recall=%.3f f1=%.3f", typ, c.nGold, c.nPred, c.p(), c.r(), c.f1()))
		}
		t.Logf("%s (%d types)\n%s\n  %-18s gold=%4d pred=%4d precision=%.3f recall=%.3f f1=%.3f", split, len(types),
			strings.Join(lines, "\n"), "micro", micro.nGold, micro.nPred, micro.p(), micro.r(), micro.f1())
		if split == "test" && micro.f1() < 0.85 {
			t.Errorf("test split micro span F1 = %.3f; want >= 0.85", micro.f1())
		}
	}
}
