package spanset

import (
	"math/rand/v2"
	"testing"
)

// TestMatchesPairwise: the bitmap that coverage switches to past
// coverageBitsAfter spans answers exactly as comparing with every span.
func TestMatchesPairwise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		n := 50 + r.IntN(2000)
		c := New(n)
		var kept [][2]int
		for range 400 {
			s := r.IntN(n)
			e := min(n, s+r.IntN(12)) // empty spans too
			want := false
			for _, k := range kept {
				if s < k[1] && k[0] < e {
					want = true
					break
				}
			}
			if got := c.Overlaps(s, e); got != want {
				t.Fatalf("round %d: overlaps(%d, %d) = %v with %d spans; want %v", round, s, e, got, len(kept), want)
			}
			if !want {
				c.Add(s, e)
				kept = append(kept, [2]int{s, e})
			}
		}
	}
}
