// Package spanset resolves overlapping findings: it records the byte spans a
// detector has kept and answers whether a new candidate overlaps one of them,
// in linear time even for texts with very many findings.
package spanset

// New returns an empty set for spans within [0, n).
func New(n int) *Set { return &Set{n: n} }

// Set records the disjoint spans kept by overlap resolution and tells
// whether a candidate overlaps one of them. While there are few it compares
// with each; past bitsAfter it also marks one bit per byte, so that
// a text with very many findings (a pasted list of a hundred thousand
// e-mail addresses) resolves in linear time instead of quadratic.
type Set struct {
	n     int // bytes the spans can cover: [0, n)
	spans [][2]int
	bits  []uint64
	empty [][2]int // empty spans, which no bit marks
}

const bitsAfter = 64

// Overlaps reports whether [start, end) overlaps a recorded span.
func (c *Set) Overlaps(start, end int) bool {
	if c.bits == nil || start >= end {
		for _, k := range c.spans {
			if start < k[1] && k[0] < end {
				return true
			}
		}
		return false
	}
	for _, k := range c.empty {
		if start < k[0] && k[0] < end {
			return true
		}
	}
	for i := start; i < end; i++ {
		if i&63 == 0 && end-i >= 64 {
			if c.bits[i>>6] != 0 {
				return true
			}
			i += 63
			continue
		}
		if c.bits[i>>6]&(1<<(uint(i)&63)) != 0 {
			return true
		}
	}
	return false
}

// Add records [start, end), which must lie in [0, n) of New(n).
func (c *Set) Add(start, end int) {
	c.spans = append(c.spans, [2]int{start, end})
	if start >= end {
		c.empty = append(c.empty, [2]int{start, end})
	}
	switch {
	case c.bits != nil:
		c.mark(start, end)
	case len(c.spans) > bitsAfter:
		c.bits = make([]uint64, c.n/64+1)
		for _, k := range c.spans {
			c.mark(k[0], k[1])
		}
	}
}

func (c *Set) mark(start, end int) {
	for i := start; i < end; i++ {
		c.bits[i>>6] |= 1 << (uint(i) & 63)
	}
}
