package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"

	"github.com/bulwark-ai/bulwark/internal/store"
)

// Problem kinds reported by VerifyStore.
const (
	Edited       = "edited"        // bytes changed: leaf, leaf hash, a column, a payload, a checkpoint row
	Deleted      = "deleted"       // an index (or a payload) is missing
	Reordered    = "reordered"     // an entry sits at another entry's index
	Inserted     = "inserted"      // an entry (or payload) that the log never appended
	Truncated    = "truncated"     // a signed checkpoint covers more entries than the store holds
	BadSignature = "bad signature" // a checkpoint's signature (or origin) does not verify
)

// kindRank orders problems at the same index: the structural explanation
// first (a row inserted there also has columns that do not match).
var kindRank = map[string]int{Truncated: 0, Deleted: 1, Inserted: 2, Reordered: 3, BadSignature: 4, Edited: 5}

// Problem is one integrity failure. Index is the entry index it concerns
// (for checkpoint problems: the checkpoint's size).
type Problem struct {
	Index  uint64 `json:"index"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

func (p Problem) String() string { return fmt.Sprintf("index %d: %s: %s", p.Index, p.Kind, p.Detail) }

// Report is the result of VerifyStore. The log verified when Problems is
// empty; Problems are sorted by index, so Problems[0] is the first bad
// index.
type Report struct {
	Size             uint64    `json:"size"`
	Checkpoints      int       `json:"checkpoints"`
	LatestCheckpoint uint64    `json:"latest_checkpoint"`
	Root             string    `json:"root"` // base64 root of the whole stored log
	Uncovered        uint64    `json:"uncovered"`
	Payloads         int       `json:"payloads"`
	ErasedPayloads   int       `json:"erased_payloads"`
	Problems         []Problem `json:"problems,omitempty"`
}

// OK reports whether the log verified.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// VerifyOptions tunes VerifyStore.
type VerifyOptions struct {
	// Origin, if set, is the checkpoint origin every checkpoint must have.
	Origin string
	// Extra are signed checkpoints kept outside the store (e.g. by a
	// witness or an earlier audit); they are checked like stored ones and
	// catch a truncation that also deleted the stored checkpoints.
	Extra [][]byte
	// MaxProblems stops collecting after this many (default 20).
	MaxProblems int
}

type cpCheck struct {
	size uint64
	root []byte
	src  string
}

// VerifyStore verifies a whole log offline: every leaf decoded and
// re-hashed, its index and query columns checked, every payload checked
// against the commitment in its leaf, the tree rebuilt from the leaves and
// every checkpoint's signature and root compared. It returns an error only
// when it cannot read the store; integrity failures are in the report.
func VerifyStore(ctx context.Context, st store.Store, v note.Verifier, o VerifyOptions) (*Report, error) {
	if o.MaxProblems <= 0 {
		o.MaxProblems = 20
	}
	rep := &Report{}
	add := func(p Problem) {
		if len(rep.Problems) < o.MaxProblems*4 {
			rep.Problems = append(rep.Problems, p)
		}
	}

	// Checkpoints: signatures first.
	cps, err := st.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	rep.Checkpoints = len(cps)
	origin := o.Origin
	var checks []cpCheck
	verifyCP := func(msg []byte, src string, rowSize uint64, rowRoot []byte) {
		c, err := VerifyCheckpoint(msg, v, origin)
		if err != nil {
			add(Problem{Index: rowSize, Kind: BadSignature, Detail: fmt.Sprintf("%s for size %d: %v", src, rowSize, err)})
			return
		}
		if origin == "" {
			origin = c.Origin
		}
		if rowRoot != nil && (c.Size != rowSize || !bytes.Equal(c.Root, rowRoot)) {
			add(Problem{Index: rowSize, Kind: Edited, Detail: fmt.Sprintf("%s row (size %d) differs from its signed note (size %d)", src, rowSize, c.Size)})
		}
		checks = append(checks, cpCheck{size: c.Size, root: c.Root, src: src})
	}
	for _, c := range cps {
		verifyCP(c.Note, "checkpoint", c.Size, c.Root)
	}
	for i, m := range o.Extra {
		verifyCP(m, fmt.Sprintf("external checkpoint %d", i+1), 0, nil)
	}
	sort.Slice(checks, func(i, j int) bool { return checks[i].size < checks[j].size })

	// Payload rows are streamed alongside the entries (both in index
	// order), so memory does not grow with the log.
	pc := newPayloadCursor(ctx, st)
	defer pc.close()
	var orphans []uint64

	rng := rangeFactory().NewEmptyRange(0)
	var (
		next      uint64 // expected index
		firstBad  = ^uint64(0)
		ids       = map[uint64]uint64{} // event id hash -> index, for copies
		ci        int                   // next checkpoint to compare
		prevGood  uint64
		structBad bool
		ix        indexCheck
	)
	bad := func(p Problem) {
		if p.Index < firstBad {
			firstBad = p.Index
		}
		add(p)
	}
	// Stored tree nodes (which proofs are built from) are compared with the
	// rebuilt tree; a mismatch localizes a leaf rewritten together with its
	// recorded hash to two indices, and catches edited nodes.
	nc := nodeCheck{st: st}
	rootProblems := 0
	compareRoots := func() {
		for ci < len(checks) && checks[ci].size <= rng.End() {
			c := checks[ci]
			ci++
			if c.size != rng.End() || firstBad < c.size {
				continue // already explained by an earlier problem
			}
			root, _ := rootOf(rng)
			if !bytes.Equal(root, c.root) {
				rootProblems++
				bad(Problem{Index: prevGood, Kind: Edited, Detail: fmt.Sprintf(
					"entries in [%d, %d) do not match the %s of size %d (leaf bytes and recorded hashes rewritten together)", prevGood, c.size, c.src, c.size)})
			} else {
				prevGood = c.size
			}
		}
	}
	compareRoots() // size-0 checkpoints
	err = st.Scan(ctx, 0, func(e store.Entry) error {
		if len(rep.Problems) >= o.MaxProblems*4 {
			return errStop
		}
		p := next
		switch {
		case e.Index > p:
			bad(Problem{Index: p, Kind: Deleted, Detail: fmt.Sprintf("indices %d to %d are missing", p, e.Index-1)})
			structBad = true
			next = e.Index
			p = e.Index
		case e.Index < p: // only possible with a broken primary key
			bad(Problem{Index: e.Index, Kind: Inserted, Detail: "duplicate index"})
			return nil
		}
		next = p + 1
		if structBad {
			return nil // the tree cannot be rebuilt past a gap; keep checking leaves only
		}
		rows := pc.take(p, func(idx uint64) { orphans = append(orphans, idx) })
		lh := hasher.HashLeaf(e.Leaf)
		leaf, derr := DecodeLeaf(e.Leaf)
		if derr != nil {
			bad(Problem{Index: p, Kind: Edited, Detail: fmt.Sprintf("leaf does not decode: %v", derr)})
		} else if ix.check(p, leaf, ids, bad) {
			switch {
			case !bytes.Equal(lh, e.LeafHash):
				bad(Problem{Index: p, Kind: Edited, Detail: "leaf bytes do not match the leaf hash recorded when it was appended"})
			default:
				if prev, seen := ids[idKey(leaf.ID)]; seen {
					bad(Problem{Index: p, Kind: Inserted, Detail: fmt.Sprintf("event id already used at index %d", prev)})
				}
				if col := columnMismatch(leaf, e); col != "" {
					bad(Problem{Index: p, Kind: Edited, Detail: fmt.Sprintf("column %s differs from the signed leaf", col)})
				}
				checkPayloads(p, leaf, rows, rep, bad)
			}
		}
		if leaf != nil {
			if _, seen := ids[idKey(leaf.ID)]; !seen {
				ids[idKey(leaf.ID)] = leaf.Index
			}
		}
		if err := rng.Append(lh, nc.visit); err != nil {
			return err
		}
		compareRoots()
		return nc.flush(ctx, structBad)
	})
	if err != nil && err != errStop {
		return nil, err
	}
	ix.finish(bad)
	if !structBad && err != errStop {
		if err := nc.check(ctx); err != nil {
			return nil, err
		}
	}
	if nb := nc.bad; nb != nil && !structBad {
		switch {
		case len(rep.Problems) == 0:
			bad(*nb)
		case len(rep.Problems) == rootProblems && rootProblems > 0 && nb.Index >= rep.Problems[0].Index:
			nb.Detail += "; " + rep.Problems[0].Detail
			rep.Problems[0] = *nb
		}
	}
	rep.Size = next
	if !structBad {
		root, _ := rootOf(rng)
		rep.Root = b64(root)
	}
	truncated := false
	for _, c := range checks {
		if c.size > rep.LatestCheckpoint {
			rep.LatestCheckpoint = c.size
		}
		if c.size > next && !truncated {
			truncated = true
			bad(Problem{Index: next, Kind: Truncated, Detail: fmt.Sprintf(
				"the %s is signed for %d entries but the store holds %d: entries from index %d on were removed", c.src, c.size, next, next)})
		}
	}
	pc.take(^uint64(0), func(idx uint64) { orphans = append(orphans, idx) })
	if err := pc.close(); err != nil {
		return nil, err
	}
	for _, idx := range orphans {
		switch {
		case idx >= next && !truncated:
			truncated = true
			bad(Problem{Index: next, Kind: Truncated, Detail: fmt.Sprintf(
				"payload rows remain for index %d but the store ends at %d: entries were removed from the tail", idx, next)})
		case idx >= next || structBad:
			// explained by the truncation or gap already reported
		default:
			bad(Problem{Index: idx, Kind: Inserted, Detail: "payload row for an index that has no entry"})
		}
	}
	if next > rep.LatestCheckpoint {
		rep.Uncovered = next - rep.LatestCheckpoint
	}
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int {
		switch {
		case a.Index < b.Index:
			return -1
		case a.Index > b.Index:
			return 1
		}
		return kindRank[a.Kind] - kindRank[b.Kind]
	})
	if len(rep.Problems) > o.MaxProblems {
		rep.Problems = rep.Problems[:o.MaxProblems]
	}
	return rep, nil
}

type stopErr struct{}

func (stopErr) Error() string { return "stop" }

var errStop error = stopErr{}

// hashOrNil keeps only the hash of a ciphertext (verification needs no more).
func hashOrNil(b []byte) []byte {
	if b == nil {
		return nil
	}
	return []byte(sumHex(b))
}

func columnMismatch(l *Leaf, e store.Entry) string {
	t, _ := l.ParsedTime()
	switch {
	case !t.Equal(e.Time):
		return "time"
	case l.Kind != e.Kind:
		return "kind"
	case l.App != e.App:
		return "app"
	case l.KeyID != e.KeyID:
		return "key_id"
	case l.Tenant != e.Tenant:
		return "tenant"
	case l.EndUser != e.EndUser:
		return "end_user"
	case l.Decision != e.Decision:
		return "decision"
	case !slices.Equal(l.FindingTypes(), e.FindingTypes):
		return "finding_types"
	}
	return ""
}

func checkPayloads(idx uint64, l *Leaf, rows []store.Payload, rep *Report, bad func(Problem)) {
	byPart := map[string]store.Payload{}
	for _, r := range rows {
		byPart[r.Part] = r
	}
	for _, ref := range l.Payloads {
		r, ok := byPart[ref.Part]
		delete(byPart, ref.Part)
		rep.Payloads++
		switch {
		case !ok:
			bad(Problem{Index: idx, Kind: Deleted, Detail: fmt.Sprintf("%s payload row is missing (an erasure keeps the row)", ref.Part)})
		case r.Erased && r.Ciphertext == nil:
			rep.ErasedPayloads++
		case r.Ciphertext == nil:
			bad(Problem{Index: idx, Kind: Deleted, Detail: fmt.Sprintf("%s payload ciphertext removed without an erasure", ref.Part)})
		case string(r.Ciphertext) != ref.SHA256:
			bad(Problem{Index: idx, Kind: Edited, Detail: fmt.Sprintf("%s payload does not match the ciphertext hash in the leaf", ref.Part)})
		case r.KeyID != ref.KeyID:
			bad(Problem{Index: idx, Kind: Edited, Detail: fmt.Sprintf("%s payload key id differs from the leaf", ref.Part)})
		}
	}
	for part := range byPart {
		bad(Problem{Index: idx, Kind: Inserted, Detail: fmt.Sprintf("%s payload row not committed by the leaf", part)})
	}
}

// indexCheck classifies entries whose leaf index differs from their
// position: a swap (reordered), a deletion or an insertion followed by
// renumbering of the later rows (deleted, inserted), or a copy (inserted).
// After a deletion or insertion the later rows are expected at the shifted
// position so that one tampering is reported once.
type indexCheck struct {
	offset  int64 // expected leaf index - position
	pending *struct{ pos, claimed uint64 }
}

// check reports index problems for the leaf at position p and says whether
// the entry sits where its leaf says (so its content checks are
// meaningful).
func (c *indexCheck) check(p uint64, l *Leaf, ids map[uint64]uint64, bad func(Problem)) bool {
	want := uint64(int64(p) + c.offset)
	if pd := c.pending; pd != nil {
		c.pending = nil
		switch {
		case l.Index == pd.pos:
			bad(Problem{Index: pd.pos, Kind: Reordered, Detail: fmt.Sprintf("the entries appended as %d and %d are stored in each other's place", pd.pos, pd.claimed)})
			return false
		case l.Index == pd.claimed+1:
			bad(Problem{Index: pd.pos, Kind: Deleted, Detail: fmt.Sprintf("the entry at index %d was removed and the later rows renumbered", pd.pos)})
			c.offset++
			return l.Index == uint64(int64(p)+c.offset)
		default:
			bad(Problem{Index: pd.pos, Kind: Reordered, Detail: fmt.Sprintf("the entry appended as index %d is stored at index %d", pd.claimed, pd.pos)})
		}
	}
	switch {
	case l.Index == want:
		return c.offset == 0
	case l.Index > want:
		c.pending = &struct{ pos, claimed uint64 }{p, l.Index}
	case l.Index+1 == want && p > 0:
		if _, seen := ids[idKey(l.ID)]; seen {
			bad(Problem{Index: p, Kind: Inserted, Detail: fmt.Sprintf("copy of the entry appended as index %d", l.Index)})
			return false
		}
		bad(Problem{Index: p - 1, Kind: Inserted, Detail: fmt.Sprintf("an entry the log never appended was inserted at index %d; the later rows are shifted by one", p-1)})
		c.offset--
	default:
		if _, seen := ids[idKey(l.ID)]; seen {
			bad(Problem{Index: p, Kind: Inserted, Detail: fmt.Sprintf("copy of the entry appended as index %d", l.Index)})
		} else {
			bad(Problem{Index: p, Kind: Reordered, Detail: fmt.Sprintf("the entry appended as index %d is stored at index %d", l.Index, p)})
		}
	}
	return false
}

// finish reports a pending out-of-place entry at the end of the log.
func (c *indexCheck) finish(bad func(Problem)) {
	if pd := c.pending; pd != nil {
		bad(Problem{Index: pd.pos, Kind: Deleted, Detail: fmt.Sprintf("the entry at index %d was removed and the later rows renumbered", pd.pos)})
	}
}

// payloadCursor streams payload rows in index order from a goroutine that
// close stops.
type payloadCursor struct {
	ch     chan store.Payload
	errc   chan error
	head   *store.Payload
	cancel context.CancelFunc
	err    error
	closed bool
}

func newPayloadCursor(ctx context.Context, st store.Store) *payloadCursor {
	ctx, cancel := context.WithCancel(ctx)
	c := &payloadCursor{ch: make(chan store.Payload, 1024), errc: make(chan error, 1), cancel: cancel}
	go func() {
		err := st.ScanPayloads(ctx, func(p store.Payload) error {
			p.Ciphertext = hashOrNil(p.Ciphertext)
			select {
			case c.ch <- p:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		close(c.ch)
		c.errc <- err
	}()
	return c
}

// take returns the rows for idx; rows for smaller indices (no entry there)
// are passed to orphan.
func (c *payloadCursor) take(idx uint64, orphan func(uint64)) []store.Payload {
	var out []store.Payload
	for {
		if c.head == nil {
			p, ok := <-c.ch
			if !ok {
				return out
			}
			c.head = &p
		}
		switch {
		case c.head.Index < idx:
			orphan(c.head.Index)
		case c.head.Index == idx:
			out = append(out, *c.head)
		default:
			return out
		}
		c.head = nil
	}
}

// close stops the scan and returns its error (a cancelled scan is not one).
func (c *payloadCursor) close() error {
	if c.closed {
		return c.err
	}
	c.closed = true
	c.cancel()
	for range c.ch {
	}
	if err := <-c.errc; err != nil && !errors.Is(err, context.Canceled) {
		c.err = err
	}
	return c.err
}

// idKey is a 64-bit FNV-1a hash of an event id: duplicate detection needs
// no more, and it keeps verification memory small on large logs.
func idKey(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

// nodeCheck compares rebuilt tree nodes with the stored ones in batches.
type nodeCheck struct {
	st      store.Store
	pending []store.Node
	bad     *Problem // first mismatch
}

func (c *nodeCheck) visit(id compact.NodeID, h []byte) {
	if id.Level > 0 && c.bad == nil {
		c.pending = append(c.pending, store.Node{ID: store.NodeID{Level: uint8(id.Level), Index: id.Index}, Hash: h})
	}
}

// flush checks the pending nodes once there are enough of them; skip
// discards them (the tree is already known to be broken). It returns only
// read errors.
func (c *nodeCheck) flush(ctx context.Context, skip bool) error {
	if skip || c.bad != nil {
		c.pending = c.pending[:0]
		return nil
	}
	if len(c.pending) < 2048 {
		return nil
	}
	return c.check(ctx)
}

// check compares all pending nodes.
func (c *nodeCheck) check(ctx context.Context) error {
	if len(c.pending) == 0 || c.bad != nil {
		return nil
	}
	ids := make([]store.NodeID, len(c.pending))
	for i, n := range c.pending {
		ids[i] = n.ID
	}
	got, err := c.st.Nodes(ctx, ids)
	if errors.Is(err, store.ErrNotFound) {
		// Find which one is missing.
		for _, n := range c.pending {
			if _, err := c.st.Nodes(ctx, []store.NodeID{n.ID}); errors.Is(err, store.ErrNotFound) {
				first := n.ID.Index << n.ID.Level
				c.bad = &Problem{Index: first, Kind: Deleted, Detail: fmt.Sprintf(
					"stored tree node (level %d, index %d) is missing: proofs for entries from %d cannot be built", n.ID.Level, n.ID.Index, first)}
				break
			}
		}
		c.pending = c.pending[:0]
		return nil
	}
	if err != nil {
		return err
	}
	for i, n := range c.pending {
		if !bytes.Equal(got[i], n.Hash) {
			first := n.ID.Index << n.ID.Level
			last := first + 1<<n.ID.Level - 1
			c.bad = &Problem{Index: first, Kind: Edited, Detail: fmt.Sprintf(
				"entries %d to %d do not match the tree node (level %d, index %d) recorded when they were appended", first, last, n.ID.Level, n.ID.Index)}
			break
		}
	}
	c.pending = c.pending[:0]
	return nil
}
