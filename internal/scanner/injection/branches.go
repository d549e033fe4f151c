package injection

import (
	"regexp"
	"regexp/syntax"
)

// Branches: a rule's expression split at its top-level alternation, so a
// window runs only the alternatives whose required literals it holds.
//
// Most rules are one long alternation ("A … | B … | C …", often one
// alternative per language). Go's regexp runs a program of more than 500
// instructions with its NFA simulation, a few MB/s; on long documents those
// rules were most of the rule time (session 11: two rules of the ten-language
// indirect family took 28 ms of the 120 ms the rules spent on 1 MB of
// security documentation, about 0.4 ms per anchor hit). Split, each
// alternative is a small program that the backtracker runs, and an
// alternative whose literals are not in the window does not run at all.
//
// A split rule keeps only its branches (r.re is nil): the whole
// expressions kept as well were 3.4 MB more live heap, which the garbage
// collector's target doubles (the gateway's peak RSS at 1,000 req/s rose from
// 88 to 105 MB). r.pattern keeps the source for tests. The branches
// themselves are 0.85 MB more than the whole expressions were.
//
// The split is exact. Go's leftmost-first semantics pick, among matches
// starting at the leftmost position, the first alternative in order that
// matches there; taking the earliest start over the alternatives, and the
// first alternative on a tie, picks the same match (TestRuleShortcutsExact
// compares both on a corpus of attacks and look-alikes).

// branch is a run of consecutive top-level alternatives of a rule's
// expression, compiled on its own.
type branch struct {
	re  *regexp.Regexp
	req litGroups
}

const (
	// splitMin: expressions whose program is at most this long are left
	// whole (the backtracker already runs them).
	splitMin = 300
	// branchMax: consecutive alternatives are joined while their program
	// stays this short (one call instead of several; 500 is where Go's
	// regexp stops using the backtracker).
	branchMax = 400
	// maxBranches bounds a rule's branches (candidates fit a uint64 mask).
	maxBranches = 64
)

// splitBranches returns re's branches, or nil when re is short or not an
// alternation.
func splitBranches(re *regexp.Regexp) []branch {
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	for t.Op == syntax.OpCapture {
		t = t.Sub[0]
	}
	if t.Op != syntax.OpAlternate || progLen(t) <= splitMin {
		return nil
	}
	var out []branch
	var run []*syntax.Regexp
	flush := func() {
		if len(run) == 0 {
			return
		}
		var g *syntax.Regexp
		if len(run) == 1 {
			g = run[0]
		} else {
			g = &syntax.Regexp{Op: syntax.OpAlternate, Sub: run}
		}
		b := regexp.MustCompile(g.String())
		out = append(out, branch{re: b, req: newLitGroups(requiredGroups(b))})
		run = nil
	}
	// Each alternative's program is measured once (a run's is about the sum
	// of its alternatives' plus one instruction each): compiling every
	// candidate run was most of the garbage made at start, and the
	// process's peak RSS with it.
	size := 0
	for _, sub := range t.Sub {
		n := progLen(sub) + 1
		if len(run) > 0 && size+n > branchMax {
			flush()
			size = 0
		}
		run = append(run, sub)
		size += n
	}
	flush()
	if len(out) < 2 || len(out) > maxBranches {
		return nil
	}
	return out
}

// progLen is the length of t's compiled program.
func progLen(t *syntax.Regexp) int {
	p, err := syntax.Compile(t.Simplify())
	if err != nil {
		return 1 << 30
	}
	return len(p.Inst)
}

// candidates returns the mask of r's branches whose required literals w
// holds (every branch when r is not split).
func (r *rule) candidates(w string) uint64 {
	var m uint64
	for i, b := range r.branches {
		if b.req.hold(w) {
			m |= 1 << i
		}
	}
	return m
}

// findAll returns the first n matches of r in s: r.re.FindAllStringIndex,
// or for a split rule, searching again from the end of each match (one byte
// on after an empty one) as findIn does.
func (r *rule) findAll(s string, n int) [][2]int {
	var out [][2]int
	if r.branches == nil {
		for _, loc := range r.re.FindAllStringIndex(s, n) {
			out = append(out, [2]int{loc[0], loc[1]})
		}
		return out
	}
	all := uint64(1)<<len(r.branches) - 1
	for off := 0; off <= len(s) && len(out) < n; {
		loc := r.index(s[off:], all)
		if loc == nil {
			break
		}
		out = append(out, [2]int{off + loc[0], off + loc[1]})
		off += max(loc[1], loc[0]+1)
	}
	return out
}

// index is r.re.FindStringIndex(w) over the branches in cands (r.re itself
// when r is not split).
func (r *rule) index(w string, cands uint64) []int {
	if r.branches == nil {
		return r.re.FindStringIndex(w)
	}
	var best []int
	for i, b := range r.branches {
		if cands&(1<<i) == 0 {
			continue
		}
		// A later branch wins only by starting strictly earlier.
		if loc := b.re.FindStringIndex(w); loc != nil && (best == nil || loc[0] < best[0]) {
			best = loc
			if loc[0] == 0 {
				break
			}
		}
	}
	return best
}
