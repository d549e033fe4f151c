package secrets

import (
	"sort"
	"strings"

	glconfig "github.com/zricethezav/gitleaks/v8/config"
)

// allowlist is a gitleaks allowlist whose stop words are matched by our own
// compact automaton. gitleaks' Validate builds a double-array Aho-Corasick
// trie over a 256-byte alphabet for them: for generic-api-key's 1,446 stop
// words that is about 9 MB of heap, the largest item in the gateway. The
// same words in stopWords take about 100 KB and give the same answers.
type allowlist struct {
	*glconfig.Allowlist // without StopWords (no trie)
	stop                *stopWords
}

// containsStopWord reports what glconfig.Allowlist.ContainsStopWord reports.
func (a *allowlist) containsStopWord(s string) bool {
	return a.stop != nil && a.stop.in(s)
}

// compactAllowlists rebuilds gitleaks allowlists without their stop-word
// tries. The same *glconfig.Allowlist (the global ones are shared by every
// rule) maps to the same *allowlist through seen.
func compactAllowlists(lists []*glconfig.Allowlist, seen map[*glconfig.Allowlist]*allowlist) ([]*allowlist, error) {
	out := make([]*allowlist, 0, len(lists))
	for _, a := range lists {
		if c, ok := seen[a]; ok {
			out = append(out, c)
			continue
		}
		c := &allowlist{Allowlist: a}
		if len(a.StopWords) > 0 {
			c.stop = newStopWords(a.StopWords)
			c.Allowlist = &glconfig.Allowlist{
				Description:    a.Description,
				MatchCondition: a.MatchCondition,
				Commits:        a.Commits,
				Paths:          a.Paths,
				RegexTarget:    a.RegexTarget,
				Regexes:        a.Regexes,
			}
			// Validate joins the regexes into one pattern (as for the
			// original); it refuses a list with no checks left, which
			// then needs no compiled state at all.
			if len(a.Commits)+len(a.Paths)+len(a.Regexes) > 0 {
				if err := c.Allowlist.Validate(); err != nil {
					return nil, err
				}
			}
		}
		seen[a] = c
		out = append(out, c)
	}
	return out, nil
}

// stopWords is an Aho-Corasick automaton over lower-case words, stored as a
// trie in compressed sparse rows (sorted edge labels per node) with failure
// links. in(s) reports whether strings.ToLower(s) contains one of the words.
type stopWords struct {
	root  [256]uint32 // root transitions (0: stay at the root)
	first []uint32    // node -> its first edge; first[n+1]-first[n] edges
	label []byte      // edge -> byte, sorted within a node
	to    []uint32    // edge -> child node
	fail  []uint32    // node -> failure node
	term  []bool      // node: a word ends here or at a suffix of it
}

func newStopWords(words []string) *stopWords {
	// Build a pointer trie in BFS order so that node ids are breadth-first
	// and the CSR rows can be laid out in one pass.
	type bnode struct {
		kids map[byte]int
		term bool
	}
	nodes := []bnode{{}}
	for _, w := range words {
		w = strings.ToLower(w) // gitleaks stores them lower-cased already
		if w == "" {
			continue
		}
		n := 0
		for i := 0; i < len(w); i++ {
			if nodes[n].kids == nil {
				nodes[n].kids = map[byte]int{}
			}
			k, ok := nodes[n].kids[w[i]]
			if !ok {
				k = len(nodes)
				nodes = append(nodes, bnode{})
				nodes[n].kids[w[i]] = k
			}
			n = k
		}
		nodes[n].term = true
	}
	// Renumber breadth-first.
	order := []int{0}
	id := make([]uint32, len(nodes))
	for q := 0; q < len(order); q++ {
		n := order[q]
		labels := make([]byte, 0, len(nodes[n].kids))
		for c := range nodes[n].kids {
			labels = append(labels, c)
		}
		sort.Slice(labels, func(i, j int) bool { return labels[i] < labels[j] })
		for _, c := range labels {
			k := nodes[n].kids[c]
			id[k] = uint32(len(order))
			order = append(order, k)
		}
	}
	sw := &stopWords{
		first: make([]uint32, len(nodes)+1),
		fail:  make([]uint32, len(nodes)),
		term:  make([]bool, len(nodes)),
		label: make([]byte, 0, len(nodes)-1),
		to:    make([]uint32, 0, len(nodes)-1),
	}
	for q, n := range order {
		sw.first[q] = uint32(len(sw.label))
		sw.term[q] = nodes[n].term
		labels := make([]byte, 0, len(nodes[n].kids))
		for c := range nodes[n].kids {
			labels = append(labels, c)
		}
		sort.Slice(labels, func(i, j int) bool { return labels[i] < labels[j] })
		for _, c := range labels {
			sw.label = append(sw.label, c)
			sw.to = append(sw.to, id[nodes[n].kids[c]])
		}
	}
	sw.first[len(nodes)] = uint32(len(sw.label))
	for e := sw.first[0]; e < sw.first[1]; e++ {
		sw.root[sw.label[e]] = sw.to[e]
	}
	// Failure links in BFS order (node ids are BFS order already).
	for n := 0; n < len(nodes); n++ {
		for e := sw.first[n]; e < sw.first[n+1]; e++ {
			c, k := sw.label[e], sw.to[e]
			if n != 0 {
				sw.fail[k] = sw.next(sw.fail[n], c)
			}
			if sw.term[sw.fail[k]] {
				sw.term[k] = true
			}
		}
	}
	return sw
}

// child returns node n's child on c, or 0.
func (sw *stopWords) child(n uint32, c byte) uint32 {
	if n == 0 {
		return sw.root[c]
	}
	lo, hi := sw.first[n], sw.first[n+1]
	for e := lo; e < hi; e++ {
		if l := sw.label[e]; l == c {
			return sw.to[e]
		} else if l > c {
			break
		}
	}
	return 0
}

// next is the automaton's transition from node n on c.
func (sw *stopWords) next(n uint32, c byte) uint32 {
	for {
		if k := sw.child(n, c); k != 0 || n == 0 {
			return k
		}
		n = sw.fail[n]
	}
}

// in reports whether strings.ToLower(s) contains one of the words. ASCII
// text is folded byte by byte; other text is lower-cased first, exactly as
// gitleaks does.
func (sw *stopWords) in(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			s = strings.ToLower(s)
			break
		}
	}
	n := uint32(0)
	for i := 0; i < len(s); i++ {
		n = sw.next(n, lower(s[i]))
		if sw.term[n] {
			return true
		}
	}
	return false
}
