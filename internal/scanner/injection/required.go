package injection

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// Required literals: a cheap, exact pre-check before a rule's expression
// runs on a window. Go's regexp runs these patterns (long alternations of
// words, bounded gaps) at a few MB/s, and on long benign documents most
// windows around an anchor hold no match because a later part of the
// pattern ("send … the conversation … http") is missing. From the
// expression's syntax tree we derive groups of literals such that every
// match contains at least one literal of each group; a window that lacks a
// group cannot match and is skipped. The check is exact (it never skips a
// window the expression matches; TestRuleShortcutsExact checks that on
// every rule test text), so rule results do not change, only their cost.

const (
	maxLits   = 256 // largest literal set kept for one sub-expression
	minLitLen = 3   // shorter literals are too common to be worth a check
)

// requiredGroups returns the literal groups of re: every match of re
// contains one literal of each group. Groups whose shortest literal is
// shorter than minLitLen are dropped (a check that always passes only costs).
func requiredGroups(re *regexp.Regexp) [][]string {
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	var out [][]string
	add := func(g []string) {
		if g == nil {
			return
		}
		for _, s := range g {
			if len(s) < minLitLen {
				return
			}
		}
		out = append(out, g)
	}
	for t.Op == syntax.OpCapture {
		t = t.Sub[0]
	}
	if t.Op == syntax.OpConcat && lits(t) == nil {
		for _, c := range t.Sub {
			add(req(c))
		}
	} else {
		add(req(t))
	}
	return out
}

// req returns literals one of which every match of t contains, or nil when
// none can be given.
func req(t *syntax.Regexp) []string {
	if l := lits(t); l != nil {
		if slices.Contains(l, "") {
			return nil
		}
		return dedupe(l)
	}
	switch t.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return req(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return req(t.Sub[0])
		}
	case syntax.OpConcat:
		// The most selective part: the one whose shortest literal is
		// longest.
		var best []string
		for _, c := range t.Sub {
			if g := req(c); g != nil && (best == nil || shortest(g) > shortest(best)) {
				best = g
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, c := range t.Sub {
			g := req(c)
			if g == nil {
				return nil
			}
			all = append(all, g...)
		}
		if len(all) > maxLits {
			return nil
		}
		return dedupe(all)
	}
	return nil
}

// lits returns every string t matches when that set is finite and small,
// else nil. Zero-width assertions match "".
func lits(t *syntax.Regexp) []string {
	switch t.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginLine,
		syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return []string{""}
	case syntax.OpLiteral:
		if t.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(t.Rune)}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(t.Rune); i += 2 {
			for r := t.Rune[i]; r <= t.Rune[i+1]; r++ {
				if len(out) == 8 {
					return nil
				}
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpCapture:
		return lits(t.Sub[0])
	case syntax.OpQuest:
		l := lits(t.Sub[0])
		if l == nil {
			return nil
		}
		return uniq(append(l, ""))
	case syntax.OpConcat:
		out := []string{""}
		for _, c := range t.Sub {
			l := lits(c)
			if l == nil || len(out)*len(l) > maxLits {
				return nil
			}
			next := make([]string, 0, len(out)*len(l))
			for _, a := range out {
				for _, b := range l {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return uniq(out)
	case syntax.OpAlternate:
		var out []string
		for _, c := range t.Sub {
			l := lits(c)
			if l == nil || len(out)+len(l) > maxLits {
				return nil
			}
			out = append(out, l...)
		}
		return uniq(out)
	}
	return nil
}

func shortest(g []string) int {
	n := -1
	for _, s := range g {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}

// uniq sorts l and drops repeats.
func uniq(l []string) []string {
	slices.Sort(l)
	return slices.Compact(l)
}

// dedupe sorts l and drops repeats and strings that contain a shorter
// member (a window holding "sends" holds "send"). l is a required group,
// not an exact set, and holds no empty string.
func dedupe(l []string) []string {
	slices.SortFunc(l, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	out := l[:0]
	for _, s := range l {
		if !slices.ContainsFunc(out, func(k string) bool { return strings.Contains(s, k) }) {
			out = append(out, s)
		}
	}
	return out
}

// hasRequiredBytes reports whether the joined window w contains a literal
// of every group (litGroups.hold for a string).
func hasRequiredBytes(w []byte, groups [][]string) bool {
	for _, g := range groups {
		if !slices.ContainsFunc(g, func(lit string) bool { return bytes.Contains(w, []byte(lit)) }) {
			return false
		}
	}
	return true
}

func init() {
	for i := range rules {
		r := &rules[i]
		r.req = requiredGroups(r.re)
		r.reqG, r.alsoSet = newLitGroups(r.req), newLitSet(r.also)
		if !r.joined {
			if r.branches = splitBranches(r.re); r.branches != nil {
				r.pattern, r.re = r.re.String(), nil
			}
		}
		for _, w := range r.also {
			r.alsoMax = max(r.alsoMax, len(w))
		}
	}
	// The lists rules was built from hold copies of every rule, in arrays
	// the compiler lays out as static data (always reachable): they would
	// keep the split rules' whole expressions alive (3.4 MB). Only rules
	// is used from here on.
	for _, part := range [][]rule{coreRules, structureRules, planted, paraphrased, paraphrased2, paraphrased3, harmfulRules} {
		clear(part)
	}
	coreRules, structureRules, planted, harmfulRules = nil, nil, nil, nil
	paraphrased, paraphrased2, paraphrased3 = nil, nil, nil
}
