package audit

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/proof"
	"golang.org/x/mod/sumdb/note"

	"github.com/bulwark-ai/bulwark/internal/store"
)

// ErrBadProof is returned (wrapped) when a proof does not verify.
var ErrBadProof = errors.New("audit: bad proof")

// Proof types.
const (
	ProofInclusion   = "inclusion"
	ProofConsistency = "consistency"
)

// Proof is a self-contained inclusion or consistency proof that a third
// party can check offline with the log's public key (VerifyProof). Hashes
// are base64 (standard encoding); checkpoints are signed notes.
type Proof struct {
	Type string `json:"type"`
	// Inclusion: the leaf at Index is in the tree of size Size.
	Index    uint64 `json:"index,omitempty"`
	Size     uint64 `json:"size"`
	LeafHash string `json:"leaf_hash,omitempty"`
	// Leaf is the canonical leaf bytes (base64), so the checker can see
	// what was proven; optional.
	Leaf string `json:"leaf,omitempty"`
	// Consistency: the tree of size From is a prefix of the tree of Size.
	From           uint64 `json:"from,omitempty"`
	FromCheckpoint string `json:"from_checkpoint,omitempty"`

	Hashes     []string `json:"hashes"`
	Checkpoint string   `json:"checkpoint"`
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func fetchProof(ctx context.Context, st store.Store, n proof.Nodes) ([][]byte, error) {
	hashes, err := st.Nodes(ctx, toStoreIDs(n.IDs))
	if err != nil {
		return nil, err
	}
	return n.Rehash(hashes, hasher.HashChildren)
}

// checkpointFor returns the stored checkpoint for size, or the latest one
// when size is 0.
func checkpointFor(ctx context.Context, st store.Store, size uint64) (store.Checkpoint, error) {
	if size == 0 {
		c, err := st.LatestCheckpoint(ctx)
		if err != nil {
			return c, fmt.Errorf("audit: no checkpoint yet: %w", err)
		}
		return c, nil
	}
	c, err := st.CheckpointAt(ctx, size)
	if err != nil {
		return c, fmt.Errorf("audit: no checkpoint for size %d (proofs are against signed checkpoints): %w", size, err)
	}
	return c, nil
}

// InclusionProof builds the proof that the entry at index is in the tree of
// the checkpoint for size (0: the latest checkpoint), from stored node
// hashes: O(log n) reads, no rehashing of the log.
func InclusionProof(ctx context.Context, st store.Store, index, size uint64) (*Proof, error) {
	cp, err := checkpointFor(ctx, st, size)
	if err != nil {
		return nil, err
	}
	if index >= cp.Size {
		return nil, fmt.Errorf("audit: index %d is not covered by the checkpoint of size %d", index, cp.Size)
	}
	n, err := proof.Inclusion(index, cp.Size)
	if err != nil {
		return nil, err
	}
	hashes, err := fetchProof(ctx, st, n)
	if err != nil {
		return nil, err
	}
	e, err := st.Entry(ctx, index)
	if err != nil {
		return nil, err
	}
	p := &Proof{Type: ProofInclusion, Index: index, Size: cp.Size, LeafHash: b64(hasher.HashLeaf(e.Leaf)),
		Leaf: b64(e.Leaf), Checkpoint: string(cp.Note), Hashes: make([]string, len(hashes))}
	for i, h := range hashes {
		p.Hashes[i] = b64(h)
	}
	return p, nil
}

// ConsistencyProof builds the proof that the tree of size from is a prefix
// of the tree of size to (0: the latest checkpoint). Both sizes need stored
// checkpoints, except that from may be any size when the caller has its own
// checkpoint for it.
func ConsistencyProof(ctx context.Context, st store.Store, from, to uint64) (*Proof, error) {
	cp, err := checkpointFor(ctx, st, to)
	if err != nil {
		return nil, err
	}
	if from > cp.Size {
		return nil, fmt.Errorf("audit: size %d is beyond the checkpoint of size %d", from, cp.Size)
	}
	n, err := proof.Consistency(from, cp.Size)
	if err != nil {
		return nil, err
	}
	hashes, err := fetchProof(ctx, st, n)
	if err != nil {
		return nil, err
	}
	p := &Proof{Type: ProofConsistency, From: from, Size: cp.Size, Checkpoint: string(cp.Note), Hashes: make([]string, len(hashes))}
	if fc, err := st.CheckpointAt(ctx, from); err == nil {
		p.FromCheckpoint = string(fc.Note)
	}
	for i, h := range hashes {
		p.Hashes[i] = b64(h)
	}
	return p, nil
}

// VerifyProof checks a JSON proof (as built by InclusionProof or
// ConsistencyProof) offline: the checkpoint signatures with v (and origin,
// if not empty), the leaf hash against the leaf bytes, and the Merkle path
// against the signed root. For a consistency proof without
// from_checkpoint, fromRoot must hold the root the checker trusts for size
// From. It is a pure function of its inputs.
func VerifyProof(data []byte, v note.Verifier, origin string, fromRoot []byte) (*Proof, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Proof
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadProof, err)
	}
	cp, err := VerifyCheckpoint([]byte(p.Checkpoint), v, origin)
	if err != nil {
		return nil, err
	}
	if cp.Size != p.Size {
		return nil, fmt.Errorf("%w: proof size %d, checkpoint size %d", ErrBadProof, p.Size, cp.Size)
	}
	hashes := make([][]byte, len(p.Hashes))
	for i, h := range p.Hashes {
		if hashes[i], err = base64.StdEncoding.DecodeString(h); err != nil || len(hashes[i]) != 32 {
			return nil, fmt.Errorf("%w: hash %d is not a base64 SHA-256", ErrBadProof, i)
		}
	}
	switch p.Type {
	case ProofInclusion:
		lh, err := base64.StdEncoding.DecodeString(p.LeafHash)
		if err != nil || len(lh) != 32 {
			return nil, fmt.Errorf("%w: leaf_hash is not a base64 SHA-256", ErrBadProof)
		}
		if p.Leaf != "" {
			leaf, err := base64.StdEncoding.DecodeString(p.Leaf)
			if err != nil {
				return nil, fmt.Errorf("%w: leaf is not base64", ErrBadProof)
			}
			if !bytes.Equal(hasher.HashLeaf(leaf), lh) {
				return nil, fmt.Errorf("%w: leaf bytes do not match leaf_hash", ErrBadProof)
			}
			l, err := DecodeLeaf(leaf)
			if err != nil {
				return nil, err
			}
			if l.Index != p.Index {
				return nil, fmt.Errorf("%w: leaf says index %d, proof index %d", ErrBadProof, l.Index, p.Index)
			}
		}
		if err := proof.VerifyInclusion(hasher, p.Index, p.Size, lh, hashes, cp.Root); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadProof, err)
		}
	case ProofConsistency:
		root1 := fromRoot
		if p.FromCheckpoint != "" {
			fc, err := VerifyCheckpoint([]byte(p.FromCheckpoint), v, origin)
			if err != nil {
				return nil, err
			}
			if fc.Size != p.From {
				return nil, fmt.Errorf("%w: from checkpoint size %d, proof from %d", ErrBadProof, fc.Size, p.From)
			}
			if root1 != nil && !bytes.Equal(root1, fc.Root) {
				return nil, fmt.Errorf("%w: from checkpoint root differs from the trusted root", ErrBadProof)
			}
			root1 = fc.Root
		}
		if p.From == 0 {
			root1 = hasher.EmptyRoot()
		}
		if root1 == nil {
			return nil, fmt.Errorf("%w: no root for size %d (no from_checkpoint, none given)", ErrBadProof, p.From)
		}
		if err := proof.VerifyConsistency(hasher, p.From, p.Size, hashes, root1, cp.Root); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadProof, err)
		}
	default:
		return nil, fmt.Errorf("%w: unknown type %q", ErrBadProof, p.Type)
	}
	return &p, nil
}
