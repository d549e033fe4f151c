package secrets

import "math/bits"

// keywordIndex is an Aho-Corasick automaton over the rules' keywords,
// compiled to a dense DFA over byte classes. It matches ASCII
// case-insensitively (keywords are lower case; the text is folded byte by
// byte, so no lower-cased copy of the text is made) and reports, for a text,
// the set of rules that have at least one keyword in it and where each
// keyword occurs.
type keywordIndex struct {
	class  [256]uint8 // byte -> class; class 0 is "no keyword has this byte"
	nclass int
	delta  []int32    // state*nclass + class -> next state
	out    [][]uint64 // state -> rule bitset (nil when no keyword ends here)
	outKW  [][]int32  // state -> ids of the keywords ending here
	kwLen  []int      // keyword id -> length
	kwRule [][]uint64 // keyword id -> rule bitset
	words  int        // uint64 words per bitset
}

// occurrence is a keyword found in a text: its id and the byte offset where
// it starts.
type occurrence struct {
	kw    int32
	start int32
}

// newKeywordIndex builds the index; kws[i] are the keywords of rule i.
func newKeywordIndex(kws [][]string) *keywordIndex {
	ix := &keywordIndex{words: (len(kws) + 63) / 64}
	if ix.words == 0 {
		ix.words = 1
	}
	// Byte classes: one per distinct (folded) keyword byte.
	ix.nclass = 1
	for _, ks := range kws {
		for _, k := range ks {
			for i := 0; i < len(k); i++ {
				c := lower(k[i])
				if ix.class[c] == 0 {
					ix.class[c] = uint8(ix.nclass)
					ix.nclass++
				}
			}
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		ix.class[c] = ix.class[c+'a'-'A']
	}
	// Trie.
	type node struct {
		next map[uint8]int32
		out  []uint64
		kw   int32 // keyword id ending here, or -1
	}
	kwID := map[string]int32{}
	nodes := []node{{next: map[uint8]int32{}, kw: -1}}
	for ri, ks := range kws {
		for _, k := range ks {
			if k == "" {
				continue
			}
			s := int32(0)
			for i := 0; i < len(k); i++ {
				c := ix.class[lower(k[i])]
				n, ok := nodes[s].next[c]
				if !ok {
					n = int32(len(nodes))
					nodes = append(nodes, node{next: map[uint8]int32{}, kw: -1})
					nodes[s].next[c] = n
				}
				s = n
			}
			if nodes[s].out == nil {
				nodes[s].out = make([]uint64, ix.words)
			}
			nodes[s].out[ri/64] |= 1 << (ri % 64)
			id, ok := kwID[k]
			if !ok {
				id = int32(len(ix.kwLen))
				kwID[k] = id
				ix.kwLen = append(ix.kwLen, len(k))
				ix.kwRule = append(ix.kwRule, make([]uint64, ix.words))
			}
			ix.kwRule[id][ri/64] |= 1 << (ri % 64)
			nodes[s].kw = id
		}
	}
	// BFS: failure links folded into a full transition table.
	n := len(nodes)
	ix.delta = make([]int32, n*ix.nclass)
	ix.out = make([][]uint64, n)
	ix.outKW = make([][]int32, n)
	fail := make([]int32, n)
	queue := make([]int32, 0, n)
	for c := 0; c < ix.nclass; c++ {
		if t, ok := nodes[0].next[uint8(c)]; ok && c != 0 {
			ix.delta[c] = t
			fail[t] = 0
			queue = append(queue, t)
		}
	}
	ix.out[0] = nodes[0].out
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		// Output: own keywords plus those of the failure state.
		ix.outKW[s] = ix.outKW[fail[s]]
		if k := nodes[s].kw; k >= 0 {
			ix.outKW[s] = append([]int32{k}, ix.outKW[fail[s]]...)
		}
		own, inh := nodes[s].out, ix.out[fail[s]]
		switch {
		case own == nil:
			ix.out[s] = inh
		case inh == nil:
			ix.out[s] = own
		default:
			m := make([]uint64, ix.words)
			for i := range m {
				m[i] = own[i] | inh[i]
			}
			ix.out[s] = m
		}
		for c := 0; c < ix.nclass; c++ {
			t, ok := nodes[s].next[uint8(c)]
			if ok && c != 0 {
				fail[t] = ix.delta[int(fail[s])*ix.nclass+c]
				ix.delta[int(s)*ix.nclass+c] = t
				queue = append(queue, t)
			} else {
				ix.delta[int(s)*ix.nclass+c] = ix.delta[int(fail[s])*ix.nclass+c]
			}
		}
	}
	return ix
}

// match returns the bitset of rules with a keyword in text, and appends the
// keyword occurrences to occ.
func (ix *keywordIndex) match(text string, occ []occurrence) ([]uint64, []occurrence) {
	hit := make([]uint64, ix.words)
	s := int32(0)
	nc := int32(ix.nclass)
	for i := 0; i < len(text); i++ {
		s = ix.delta[s*nc+int32(ix.class[text[i]])]
		if o := ix.out[s]; o != nil {
			for w := range hit {
				hit[w] |= o[w]
			}
			for _, k := range ix.outKW[s] {
				occ = append(occ, occurrence{kw: k, start: int32(i + 1 - ix.kwLen[k])})
			}
		}
	}
	return hit, occ
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func trailingZeros(x uint64) int { return bits.TrailingZeros64(x) }
