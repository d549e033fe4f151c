package policy

import (
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// virtualCache is topdown's per-evaluation cache of rule values, reused
// across decisions: a decision caches a dozen or so rule values, and
// topdown's own cache (a trie of hash maps) allocates a node per ref
// element for each of them. The first smallEntries entries of a frame are
// kept in a flat list (refs copied into one reused buffer); past that a
// frame uses topdown's cache, so a policy that caches thousands of function
// results is not scanned linearly.
type virtualCache struct {
	frames []vcFrame
	refs   []*ast.Term // the cached refs' terms, for all frames
}

type vcFrame struct {
	entries  []vcEntry
	overflow topdown.VirtualCache
}

type vcEntry struct {
	start, end int // ref terms in refs
	value      *ast.Term
	undefined  bool
}

const smallEntries = 32

var _ topdown.VirtualCache = (*virtualCache)(nil)

// reset empties the cache for the next evaluation.
func (c *virtualCache) reset() {
	clear(c.refs)
	c.refs = c.refs[:0]
	for i := range c.frames {
		clear(c.frames[i].entries)
		c.frames[i].entries = c.frames[i].entries[:0]
		c.frames[i].overflow = nil
	}
	c.frames = c.frames[:1]
}

// Push implements topdown.VirtualCache.
func (c *virtualCache) Push() {
	c.frames = append(c.frames, vcFrame{})
}

// Pop implements topdown.VirtualCache.
func (c *virtualCache) Pop() {
	top := &c.frames[len(c.frames)-1]
	if len(top.entries) > 0 {
		c.refs = c.refs[:top.entries[0].start]
	}
	clear(top.entries)
	*top = vcFrame{}
	c.frames = c.frames[:len(c.frames)-1]
}

func (c *virtualCache) find(f *vcFrame, ref ast.Ref) *vcEntry {
	for i := range f.entries {
		en := &f.entries[i]
		if en.end-en.start != len(ref) {
			continue
		}
		cached := c.refs[en.start:en.end]
		match := true
		// Refs share their leading terms (data.pkg...): compare from the end.
		for j := len(ref) - 1; j >= 0; j-- {
			if !cached[j].Equal(ref[j]) {
				match = false
				break
			}
		}
		if match {
			return en
		}
	}
	return nil
}

// Get implements topdown.VirtualCache.
func (c *virtualCache) Get(ref ast.Ref) (*ast.Term, bool) {
	top := &c.frames[len(c.frames)-1]
	if en := c.find(top, ref); en != nil {
		return en.value, en.undefined
	}
	if top.overflow != nil {
		return top.overflow.Get(ref)
	}
	return nil, false
}

// Put implements topdown.VirtualCache.
func (c *virtualCache) Put(ref ast.Ref, value *ast.Term) {
	top := &c.frames[len(c.frames)-1]
	if en := c.find(top, ref); en != nil {
		en.value, en.undefined = value, value == nil
		return
	}
	if len(top.entries) >= smallEntries {
		if top.overflow == nil {
			top.overflow = topdown.NewVirtualCache()
		}
		top.overflow.Put(ref, value)
		return
	}
	start := len(c.refs)
	c.refs = append(c.refs, ref...)
	top.entries = append(top.entries, vcEntry{start: start, end: len(c.refs), value: value, undefined: value == nil})
}

// Keys implements topdown.VirtualCache: the refs with a value in the top
// frame.
func (c *virtualCache) Keys() []ast.Ref {
	top := &c.frames[len(c.frames)-1]
	var keys []ast.Ref
	for _, en := range top.entries {
		if en.value != nil {
			keys = append(keys, append(ast.Ref(nil), c.refs[en.start:en.end]...))
		}
	}
	if top.overflow != nil {
		keys = append(keys, top.overflow.Keys()...)
	}
	return keys
}
