package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

// Label values of a row for one head.
const (
	yIgnore = -1
	yNeg    = 0
	yPos    = 1
)

// row is one training or evaluation example.
type row struct {
	text  string
	src   string // short source name
	cat   string
	label int
	y     [injection.NumHeads]int8
	w     float32
	tmpl  int // template index for our own templates, -1 otherwise

	// prepared
	norm    string
	sents   []injection.Span
	payload []bool // per sentence: not found in the source's clean documents
}

// sourceFiles maps the short source names to the files in data/injection.
var sourceFiles = map[string]string{
	"deepset":        "deepset_prompt_injections.jsonl",
	"gandalf":        "lakera_gandalf_ignore_instructions.jsonl",
	"mosscap":        "lakera_mosscap_sample.jsonl",
	"jailbreakbench": "jailbreakbench_behaviors.jsonl",
	"giskard":        "giskard_prompt_injections.jsonl",
	"gptfuzz":        "gptfuzz_jailbreak_templates.jsonl",
	"awesome":        "awesome_chatgpt_prompts_benign.jsonl",
	"gsm8k":          "gsm8k_questions_benign.jsonl",
	"benign_chat":    "benign_chat_benchmarks_multilingual.jsonl",
	"bfcl":           "bfcl_function_calling_prompts_benign.jsonl",
	"code":           "code_prompts_humaneval_mbpp_benign.jsonl",
	"tldr":           "tldr_pages_command_docs_benign.jsonl",
	"security_docs":  "security_docs_paragraphs_benign.jsonl",
	"anthropic":      "anthropic_evals_ai_risk_questions_benign.jsonl",
	"parapet":        "parapet_handwritten_cases.jsonl",
	"spikee":         "spikee_indirect_injection.jsonl",
	"garak":          "garak_latent_injection.jsonl",
}

// sourceNames returns the short names in a fixed order.
func sourceNames() []string {
	var s []string
	for k := range sourceFiles {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// Which notion each source's positives belong to.
var (
	jailbreakSources = map[string]bool{"gptfuzz": true, "giskard": true}
	harmfulSources   = map[string]bool{"jailbreakbench": true, "gptfuzz_q": true, "bulwark_harmful": true}
	hardNegatives    = map[string]bool{"security_docs": true, "anthropic": true, "parapet": true, "spikee": true}
	payloadSources   = map[string]bool{"spikee": true, "garak": true}
)

type jsonRow struct {
	Text     string `json:"text"`
	Label    int    `json:"label"`
	Category string `json:"category"`
	Kind     string `json:"kind"` // multilingual probe: override, extraction, persona, indirect, …
	Lang     string `json:"lang"`
}

// loadInjection reads every injection source plus our own templates and
// prepares them (normalized text, sentences, payload masks).
func loadInjection(dir string) ([]row, error) {
	rows, err := readSourceRows(dir, -1)
	if err != nil {
		return nil, err
	}
	if hp.Harm != 0 {
		rows = append(rows, gptfuzzQuestions(rows)...)
	}
	rows = append(rows, templateRows()...)
	if hp.ExtBenign != 0 {
		rows = append(rows, extendedBenignRows(len(rows))...)
	}
	if hp.Harm != 0 {
		rows = append(rows, harmfulTemplateRows()...) // ours, templates.go: HARMFUL + and benign twins
	}
	if hp.Written > 0 {
		w, err := writtenRows()
		if err != nil {
			return nil, err
		}
		rows = append(rows, w...)
	}
	prepare(rows)
	return rows, nil
}

// readSourceRows reads the rows of every injection source with the given
// label (-1: all), labelled as the trainer labels them.
func readSourceRows(dir string, label int) ([]row, error) {
	var rows []row
	for _, src := range sourceNames() {
		path := filepath.Join(dir, "injection", sourceFiles[src])
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
		for line := 1; sc.Scan(); line++ {
			var j jsonRow
			if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s line %d: %w", path, line, err)
			}
			if label < 0 || j.Label == label {
				rows = append(rows, labelRow(src, j))
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	return rows, nil
}

// labelRow assigns the per-head labels of a data row.
func labelRow(src string, j jsonRow) row {
	r := row{text: j.Text, src: src, cat: j.Category, label: j.Label, w: 1, tmpl: -1}
	if src == "spikee" {
		r.text = maskCanaries(r.text)
	}
	switch {
	case j.Label == 0:
		r.y = [3]int8{yNeg, yNeg, yNeg}
		if hardNegatives[src] {
			r.w = 2
		}
	case jailbreakSources[src]:
		r.y = [3]int8{yIgnore, yPos, yIgnore}
	case harmfulSources[src]:
		r.y = [3]int8{yIgnore, yIgnore, yPos}
	case src == "garak" && strings.Contains(j.Category, "LatentJailbreak"):
		r.y = [3]int8{yPos, yIgnore, yPos}
	default:
		r.y = [3]int8{yPos, yIgnore, yNeg}
		if src == "mosscap" {
			r.w = 0.3 // noisy: many submissions are not attacks
		}
	}
	return r
}

// Canary strings repeated across spikee's positives; masked so the model
// does not learn them as a shortcut.
var (
	canaryDomains = []string{"example.org", "cdn.acme-files.net", "img.contoso.io", "static.fabrikam.com", "assets.northwind.dev", "collect.tailspin.app"}
	canaryWords   = []string{"OK", "DONE", "HELLO", "BANANA", "CONFIRMED", "42", "PINEAPPLE", "SUCCESS"}
	canaryJS      = []string{"console.log", "alert", "fetch", "document.write", "eval"}
)

func pick(list []string, s string, salt byte) string {
	h := fnv.New32a()
	h.Write([]byte{salt})
	h.Write([]byte(s))
	return list[h.Sum32()%uint32(len(list))]
}

func maskCanaries(s string) string {
	if !strings.Contains(s, "spikee.ai") && !strings.Contains(s, "withsecure.com") && !strings.Contains(s, "TEST") && !strings.Contains(s, "console.log") {
		return s
	}
	s = strings.ReplaceAll(s, "spikee.ai", pick(canaryDomains, s, 1))
	s = strings.ReplaceAll(s, "withsecure.com", pick(canaryDomains, s, 2))
	s = strings.ReplaceAll(s, "console.log", pick(canaryJS, s, 3))
	s = replaceWord(s, "TEST", pick(canaryWords, s, 4))
	return s
}

// replaceWord replaces whole-word occurrences of w.
func replaceWord(s, w, with string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, w)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		before := i == 0 || !isWordByte(s[i-1])
		after := i+len(w) == len(s) || !isWordByte(s[i+len(w)])
		b.WriteString(s[:i])
		if before && after {
			b.WriteString(with)
		} else {
			b.WriteString(w)
		}
		s = s[i+len(w):]
	}
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// prepare normalizes rows and marks, for document sources with clean twins,
// which sentences of a positive row are not part of any clean document.
func prepare(rows []row) {
	clean := map[string]map[string]bool{}
	for i := range rows {
		r := &rows[i]
		t := normalize.Normalize(r.text)
		r.norm = t.Norm
		r.sents = injection.Sentences(nil, r.norm)
		if payloadSources[r.src] && r.label == 0 {
			m := clean[r.src]
			if m == nil {
				m = map[string]bool{}
				clean[r.src] = m
			}
			for _, s := range r.sents {
				m[r.norm[s.Start:s.End]] = true
			}
		}
	}
	for i := range rows {
		r := &rows[i]
		if !payloadSources[r.src] || r.label != 1 {
			continue
		}
		m := clean[r.src]
		r.payload = make([]bool, len(r.sents))
		any := false
		for k, s := range r.sents {
			if !m[r.norm[s.Start:s.End]] {
				r.payload[k] = true
				any = true
			}
		}
		if !any {
			r.payload = nil
		}
	}
}

// gptfuzzQuestions recovers the harmful questions GPTFuzz filled into its
// templates (a filled row is its raw template with "[INSERT PROMPT HERE]"
// replaced by one question from GPTFuzz's question list) and returns each
// distinct one as a positive of the harmful head: requests for harmful
// content from a second source, besides jailbreakbench, so the harmful head
// is not trained on one dataset's phrasing alone.
func gptfuzzQuestions(rows []row) []row {
	const slot = "[INSERT PROMPT HERE]"
	var tmpls [][2]string
	for i := range rows {
		if rows[i].src == "gptfuzz" {
			if a, b, ok := strings.Cut(rows[i].text, slot); ok {
				tmpls = append(tmpls, [2]string{a, b})
			}
		}
	}
	seen := map[string]bool{}
	var out []row
	for i := range rows {
		t := rows[i].text
		if rows[i].src != "gptfuzz" || strings.Contains(t, slot) {
			continue
		}
		for _, p := range tmpls {
			if len(t) > len(p[0])+len(p[1]) && strings.HasPrefix(t, p[0]) && strings.HasSuffix(t, p[1]) {
				q := strings.TrimSpace(t[len(p[0]) : len(t)-len(p[1])])
				if q != "" && !seen[q] {
					seen[q] = true
					out = append(out, row{text: q, src: "gptfuzz_q", cat: "harmful_question", label: 1, w: 1, tmpl: -1,
						y: [injection.NumHeads]int8{yIgnore, yIgnore, yPos}})
				}
				break
			}
		}
	}
	return out
}
