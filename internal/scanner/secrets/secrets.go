// Package secrets detects credentials in text: cloud and SaaS tokens from the
// maintained gitleaks rule set, plus Bulwark's own checks for private key
// blocks, structurally valid JWTs, connection strings with passwords and
// high-entropy password/secret assignments.
//
// The gitleaks rules (about 220 regular expressions) are compiled once by New.
// Scan lower-cases nothing and allocates little: one pass of a keyword
// automaton over the text selects the few rules whose keywords occur, and only
// those rules' regular expressions run. Finding offsets cover the secret
// itself (the rule's secret group), not the whole line.
package secrets

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
	"github.com/bulwark-ai/bulwark/internal/scanner/spanset"
)

// ScannerName is the Finding.Scanner of every finding this package reports.
const ScannerName = "secrets"

// Default thresholds.
const (
	// DefaultGenericMinEntropy is the Shannon entropy (bits per character) a
	// value assigned to a password/secret/token key must exceed to be
	// reported by the generic assignment check.
	DefaultGenericMinEntropy = 3.0
	// DefaultGenericMinLength is the shortest value the generic assignment
	// check reports.
	DefaultGenericMinLength = 8
)

// Options configures a Detector. The zero value enables everything with the
// default thresholds.
type Options struct {
	// DisabledRules lists gitleaks rule ids (e.g. "generic-api-key") and
	// Bulwark rule ids (e.g. "bulwark-generic-assignment") to skip.
	DisabledRules []string
	// GenericMinEntropy overrides DefaultGenericMinEntropy when > 0.
	GenericMinEntropy float64
	// GenericMinLength overrides DefaultGenericMinLength when > 0.
	GenericMinLength int
}

// Detector finds secrets. It is immutable after New and safe for concurrent
// use.
type Detector struct {
	rules      []rule
	index      *keywordIndex
	always     []int // rules without keywords: run on every text
	genEntropy float64
	genMinLen  int
	// genericAllow are the gitleaks generic-api-key rule's allowlists plus
	// the global ones, reused by the generic assignment check.
	genericAllow []*allowlist
}

var _ guard.Scanner = (*Detector)(nil)

// New compiles the gitleaks default rule set and Bulwark's own checks.
func New(opts Options) (*Detector, error) {
	if opts.GenericMinEntropy < 0 || opts.GenericMinLength < 0 {
		return nil, fmt.Errorf("secrets: negative generic threshold")
	}
	d := &Detector{
		genEntropy: DefaultGenericMinEntropy,
		genMinLen:  DefaultGenericMinLength,
	}
	if opts.GenericMinEntropy > 0 {
		d.genEntropy = opts.GenericMinEntropy
	}
	if opts.GenericMinLength > 0 {
		d.genMinLen = opts.GenericMinLength
	}
	disabled := make(map[string]bool, len(opts.DisabledRules))
	for _, id := range opts.DisabledRules {
		disabled[id] = true
	}
	gl, err := loadGitleaks()
	if err != nil {
		return nil, fmt.Errorf("secrets: load gitleaks rules: %w", err)
	}
	own := append(builtinRules(), vendorRules()...)
	for _, r := range gl {
		if r.id == "generic-api-key" {
			d.genericAllow = r.allow
		}
	}
	all := append(gl, own...)
	known := make(map[string]bool, len(all))
	for _, r := range all {
		known[r.id] = true
		if disabled[r.id] {
			continue
		}
		d.rules = append(d.rules, r)
	}
	for id := range disabled {
		if !known[id] {
			return nil, fmt.Errorf("secrets: unknown rule id %q in DisabledRules", id)
		}
	}
	var kws [][]string
	for i, r := range d.rules {
		if len(r.keywords) == 0 {
			d.always = append(d.always, i)
		}
		kws = append(kws, r.keywords)
	}
	d.index = newKeywordIndex(kws)
	return d, nil
}

// Name implements guard.Scanner.
func (d *Detector) Name() string { return ScannerName }

// Reach is the most bytes one finding and the text deciding it span for the
// rules as windowed here: an identifier (≤ 50 bytes) and key (≤ 40), the
// operator, and a value of up to 180 bytes. Longer secrets (PEM blocks,
// JWTs, long tokens) are found from their start and run to the end of a
// streamed text, which the pipeline holds anyway.
const Reach = 320

var _ guard.Windowed = (*Detector)(nil)

// Reach implements guard.Windowed.
func (d *Detector) Reach(*guard.Request) int { return Reach }

// Rules returns the ids of the active rules, sorted.
func (d *Detector) Rules() []string {
	ids := make([]string, len(d.rules))
	for i, r := range d.rules {
		ids[i] = r.id
	}
	sort.Strings(ids)
	return ids
}

// Scan implements guard.Scanner. It reports each secret once, with offsets
// of the secret value in in.Text.
func (d *Detector) Scan(ctx context.Context, in guard.Input) ([]guard.Finding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return d.Find(in.Text), nil
}

// Find returns the findings for text, sorted by start offset, without
// overlaps. Invisible characters inside a secret ("AKIA\u200b…"), fullwidth
// or mathematical letters ("ＡＫＩＡ…") and Cyrillic or Greek look-alikes in
// it ("АKIA…") do not hide it: the text is scanned as normalize.Exact folds
// it, and the spans cover the characters as written.
func (d *Detector) Find(text string) []guard.Finding {
	if folded, off, ok := normalize.Exact(text); ok {
		return normalize.MapFindings(d.find(folded), folded, off, text)
	}
	return d.find(text)
}

func (d *Detector) find(text string) []guard.Finding {
	if len(text) == 0 {
		return nil
	}
	hit, occ := d.index.match(text, nil)
	var cands []candidate
	for _, i := range d.always {
		cands = d.rules[i].find(d, text, 0, len(text), cands)
	}
	var wins [][2]int
	for w, bits := range hit {
		for bits != 0 {
			b := trailingZeros(bits)
			bits &^= 1 << b
			i := w*64 + b
			r := &d.rules[i]
			if !r.windowed {
				cands = r.find(d, text, 0, len(text), cands)
				continue
			}
			wins = r.windows(d.index, i, text, occ, wins[:0])
			for _, win := range wins {
				cands = r.find(d, text, win[0], win[1], cands)
			}
		}
	}
	cands = slices.DeleteFunc(cands, func(c candidate) bool { return knownSafe(text, c) })
	if len(cands) == 0 {
		return nil
	}
	return resolve(cands)
}

// candidate is a finding before overlap resolution.
type candidate struct {
	start, end int
	typ        string
	ruleID     string
	score      float64
	prio       int // higher wins an overlap
}

// resolve drops overlapping candidates, keeping the highest priority, then the
// longest, then the earliest.
func resolve(cs []candidate) []guard.Finding {
	slices.SortFunc(cs, func(a, b candidate) int {
		if a.prio != b.prio {
			return b.prio - a.prio
		}
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return lb - la
		}
		return a.start - b.start
	})
	var kept []candidate
	n := 0
	for _, c := range cs {
		n = max(n, c.end)
	}
	cov := spanset.New(n)
	for _, c := range cs {
		if !cov.Overlaps(c.start, c.end) {
			cov.Add(c.start, c.end)
			kept = append(kept, c)
		}
	}
	slices.SortFunc(kept, func(a, b candidate) int { return a.start - b.start })
	out := make([]guard.Finding, len(kept))
	for i, c := range kept {
		out[i] = guard.Finding{
			Scanner: ScannerName,
			Type:    c.typ,
			Score:   c.score,
			Start:   c.start,
			End:     c.end,
			RuleID:  c.ruleID,
		}
	}
	return out
}
