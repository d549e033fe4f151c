package injection

import "strings"

// litSet looks for any of a list of literals in one pass over a text.
//
// The rules check windows of a few hundred bytes for "also" words and
// required literals. strings.Index per literal scans the window once per
// literal, and with the lists of 20–60 words that the multilingual rules
// carry, those scans were the largest single cost of the rules on long
// documents (session 12: ≈ 13 % of the detector's time on 1 MB of prose).
// One pass tests each position against a small filter of the literals'
// first two bytes and compares only the literals that pass it. Short lists
// keep strings.Index, which is faster for them (newLitSet returns nil).
type litSet struct {
	words []string
	// keys[j] is pairKey of words[j]'s first two bytes (0 for a one-byte
	// word, which single covers).
	keys []uint16
	// filter has bit pairKey(a, b) set for the first two bytes of every
	// word of two bytes or more.
	filter [pairBits / 64]uint64
	// single has bit c set when the one-byte word c is in the list.
	single    [4]uint64
	hasSingle bool
}

const (
	// litSetMin: lists shorter than this are searched with strings.Index.
	litSetMin = 6
	// pairBits is the size of the two-byte filter (256 bytes per set).
	pairBits = 2048
)

// pairKey hashes two bytes to 11 bits.
func pairKey(a, b byte) uint16 {
	return uint16((uint32(a)<<8 | uint32(b)) * 0x9E3779B1 >> 21)
}

// newLitSet returns the set of words, or nil when the list is short enough
// for strings.Index (or holds an empty word, which every text contains).
func newLitSet(words []string) *litSet {
	if len(words) < litSetMin {
		return nil
	}
	l := &litSet{words: words, keys: make([]uint16, len(words))}
	for j, w := range words {
		switch len(w) {
		case 0:
			return nil
		case 1:
			l.single[w[0]>>6] |= 1 << (w[0] & 63)
			l.hasSingle = true
		default:
			k := pairKey(w[0], w[1])
			l.keys[j] = k
			l.filter[k>>6] |= 1 << (k & 63)
		}
	}
	return l
}

// index is indexAny(s, l.words): the first occurrence of the first word in
// list order that s contains, or -1.
func (l *litSet) index(s string) int { return l.find(s, true) }

// contains is containsAny(s, l.words).
func (l *litSet) contains(s string) bool { return l.find(s, false) >= 0 }

// find scans s once from the left. With inOrder it returns index's answer:
// the first time a word is seen is its first occurrence, and a word
// replaces the one found so far only if it comes earlier in the list.
// Without, the first match of any word ends the scan.
func (l *litSet) find(s string, inOrder bool) int {
	best, at := len(l.words), -1
	for i := 0; i < len(s); i++ {
		if l.hasSingle && l.single[s[i]>>6]&(1<<(s[i]&63)) != 0 {
			for j, w := range l.words[:best] {
				if len(w) == 1 && w[0] == s[i] {
					best, at = j, i
					break
				}
			}
			if at >= 0 && !inOrder {
				return at
			}
		}
		if i+1 == len(s) {
			break
		}
		k := pairKey(s[i], s[i+1])
		if l.filter[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for j, w := range l.words[:best] {
			if l.keys[j] == k && len(w) > 1 && strings.HasPrefix(s[i:], w) {
				best, at = j, i
				break
			}
		}
		if best == 0 || at >= 0 && !inOrder {
			break
		}
	}
	return at
}

// litGroups is a rule's (or branch's) required literal groups, each with
// its one-pass set when the group is long.
type litGroups struct {
	groups [][]string
	sets   []*litSet
}

func newLitGroups(groups [][]string) litGroups {
	g := litGroups{groups: groups}
	for _, words := range groups {
		g.sets = append(g.sets, newLitSet(words))
	}
	return g
}

// hold reports whether w contains a literal of every group.
func (g *litGroups) hold(w string) bool {
	for i, words := range g.groups {
		if set := g.sets[i]; set != nil {
			if !set.contains(w) {
				return false
			}
		} else if !containsAny(w, words) {
			return false
		}
	}
	return true
}

// alsoIndex is indexAny(s, r.also).
func (r *rule) alsoIndex(s string) int {
	if r.alsoSet != nil {
		return r.alsoSet.index(s)
	}
	return indexAny(s, r.also)
}

// hasAlso is containsAny(s, r.also).
func (r *rule) hasAlso(s string) bool {
	if r.alsoSet != nil {
		return r.alsoSet.contains(s)
	}
	return containsAny(s, r.also)
}
