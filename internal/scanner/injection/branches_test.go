package injection

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

// A split expression finds what the whole one finds: the earliest start,
// and on a tie the first alternative, even when a later alternative starts
// earlier or the literal pre-check rules an alternative out.
func TestBranchesLeftmostFirst(t *testing.T) {
	// Each alternative is long enough to be a branch of its own.
	long := func(w, gap string) string {
		return `\b` + w + `\b[^.!?]{0,150}` + gap + `\b(?:one|two|three|four|five|six|seven)\b`
	}
	alts := []string{long("alpha", "?"), long("al", "?"), long("beta", "?"), long("gamma", "?"), long("alpha", "")}
	re := regexp.MustCompile(strings.Join(alts, "|"))
	r := rule{re: re, branches: splitBranches(re)}
	if len(r.branches) != len(alts) {
		t.Fatalf("splitBranches made %d branches of a %d-instruction alternation of %d long alternatives", len(r.branches), progLenOf(t, re), len(alts))
	}
	for _, s := range []string{
		"x beta and two, then alpha and one",   // a later branch starts first
		"alpha one",                            // first branch
		"al one",                               // second branch, not the first
		"gamma seven. beta six",                // the last branch first
		"nothing here. alpha without a number", // no match
		"alphabet one beta one",                // \b rules out the first two at 0
		"alpha one two three",                  // a tie at 0: the first (lazy) alternative, not the last (greedy)
		"so alpha one two three",               // the same tie further on
	} {
		got := r.index(s, r.candidates(s))
		want := re.FindStringIndex(s)
		if !slices.Equal(got, want) {
			t.Errorf("split index(%q) = %v; the whole expression finds %v", s, got, want)
		}
	}
}

func progLenOf(t *testing.T, re *regexp.Regexp) int {
	t.Helper()
	p, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	return progLen(p)
}
