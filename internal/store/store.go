// Package store defines where the audit log lives: the Store interface every
// backend implements (embedded SQLite, PostgreSQL), the records it holds and
// the query API. The conformance suite in store/storetest is run by every
// backend's tests.
//
// A Store is a dumb, durable container. It MUST NOT interpret leaf bytes or
// hashes; the audit package computes them and verifies them. Backends MUST
// make Append atomic and durable: when Append returns nil, every entry, node
// and payload of the batch survives a process crash (kill -9), and when it
// returns an error, none of them is visible.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned by Append when the batch does not continue the log
// exactly at its current size (another writer appended, or indices have gaps).
var ErrConflict = errors.New("store: append conflict")

// Entry is one log entry: the canonical leaf bytes, their RFC 6962 leaf hash
// as computed at append time, and copies of a few leaf fields as columns for
// queries. The columns are untrusted conveniences; verification compares them
// with the leaf.
type Entry struct {
	Index    uint64
	Leaf     []byte
	LeafHash []byte

	Time         time.Time
	Kind         string
	App          string
	KeyID        string
	Tenant       string
	EndUser      string
	Decision     string
	FindingTypes []string // distinct, sorted
}

// Payload is an encrypted request or response body belonging to an entry.
// Ciphertext is nil once the payload was erased (crypto-shredding); the leaf
// still commits to the ciphertext's hash.
type Payload struct {
	Index      uint64
	Part       string // "request" or "response"
	KeyID      string // data key that encrypted it
	Ciphertext []byte // nonce || AES-256-GCM sealed bytes; nil when erased
	Erased     bool
}

// NodeID names a Merkle tree node: Level 0 is a leaf; a node at Level l and
// Index i covers leaves [i<<l, (i+1)<<l).
type NodeID struct {
	Level uint8
	Index uint64
}

// Node is a stored perfect-subtree hash (Level >= 1; leaf hashes live in
// entries).
type Node struct {
	ID   NodeID
	Hash []byte
}

// Batch is what one Append makes durable, atomically.
type Batch struct {
	Entries  []Entry // consecutive indices starting at the store's Size
	Payloads []Payload
	Nodes    []Node
}

// Checkpoint is a signed tree head: the C2SP signed note committing to the
// first Size entries.
type Checkpoint struct {
	Size uint64
	Root []byte
	Note []byte // the full signed note text
	Time time.Time
}

// DataKey is a per-tenant (optionally per end-user) payload key, wrapped
// (encrypted) by the master key that never enters the store.
type DataKey struct {
	ID      string
	Tenant  string
	EndUser string // "" for the tenant-wide key
	Wrapped []byte
	Created time.Time
}

// Erasure selects keys and payloads to crypto-shred. Non-empty Tenant and
// EndUser select the entries (and keys) of that tenant and/or end user; at
// least one must be set unless Before is. Before, when set, limits the
// erasure to payloads of entries older than it and keeps the keys
// (retention); otherwise the matching data keys are deleted too.
type Erasure struct {
	Tenant  string
	EndUser string
	Before  time.Time
}

// Erased counts what an erasure removed.
type Erased struct {
	Keys     int `json:"keys"`
	Payloads int `json:"payloads"`
}

// Query filters entries. Zero fields do not filter. Results are in index
// order, starting after the cursor.
type Query struct {
	Since, Until time.Time // Since <= t < Until
	Kind         string
	App          string
	KeyID        string
	Tenant       string
	EndUser      string
	Decision     string
	FindingType  string
	From         uint64 // only entries with Index >= From (the cursor)
	Limit        int    // 0 means DefaultLimit; capped at MaxLimit
}

// Query limits.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Page is one page of query results. When More is set, Next is the cursor
// for the following page (pass it as Query.From).
type Page struct {
	Entries []Entry
	Next    uint64
	More    bool
}

// EffectiveLimit returns the page size q asks for, within bounds.
func (q Query) EffectiveLimit() int {
	switch {
	case q.Limit <= 0:
		return DefaultLimit
	case q.Limit > MaxLimit:
		return MaxLimit
	}
	return q.Limit
}

// Store is an audit log backend. Implementations are safe for concurrent
// use, but the log assumes a single appender process (single writer).
type Store interface {
	// Append atomically and durably adds a batch. Its entries must start at
	// Size() and be consecutive, else it returns ErrConflict.
	Append(ctx context.Context, b Batch) error
	// Size returns the number of entries (one past the highest index).
	Size(ctx context.Context) (uint64, error)
	// Scan calls fn for every entry with Index >= from, in index order,
	// including rows whose indices have gaps (verification looks for them).
	Scan(ctx context.Context, from uint64, fn func(Entry) error) error
	// Entry returns the entry at index, or ErrNotFound.
	Entry(ctx context.Context, index uint64) (Entry, error)
	// EntryByLeafHash returns the first entry with that leaf hash.
	EntryByLeafHash(ctx context.Context, hash []byte) (Entry, error)
	// Nodes returns the hashes of the given nodes (level 0 from entries),
	// in order; a missing node is an ErrNotFound error.
	Nodes(ctx context.Context, ids []NodeID) ([][]byte, error)
	// Query returns one page of entries matching q.
	Query(ctx context.Context, q Query) (Page, error)

	// Payloads returns the payloads of the entry at index (possibly none).
	Payloads(ctx context.Context, index uint64) ([]Payload, error)
	// ScanPayloads calls fn for every payload row in index order.
	ScanPayloads(ctx context.Context, fn func(Payload) error) error

	// AddCheckpoint stores a signed checkpoint.
	AddCheckpoint(ctx context.Context, c Checkpoint) error
	// LatestCheckpoint returns the checkpoint with the largest size, or
	// ErrNotFound.
	LatestCheckpoint(ctx context.Context) (Checkpoint, error)
	// Checkpoints returns all checkpoints ordered by size.
	Checkpoints(ctx context.Context) ([]Checkpoint, error)
	// CheckpointAt returns a checkpoint for exactly size, or ErrNotFound.
	CheckpointAt(ctx context.Context, size uint64) (Checkpoint, error)

	// PutKey stores a new wrapped data key.
	PutKey(ctx context.Context, k DataKey) error
	// ActiveKey returns the newest key for (tenant, endUser), or ErrNotFound.
	ActiveKey(ctx context.Context, tenant, endUser string) (DataKey, error)
	// Key returns a key by id, or ErrNotFound (also after erasure).
	Key(ctx context.Context, id string) (DataKey, error)
	// Erase deletes the selected data keys and payload ciphertexts (rows
	// stay, marked erased). With Before set, keys are kept and only older
	// payloads are erased.
	Erase(ctx context.Context, e Erasure) (Erased, error)

	// Close releases the backend.
	Close() error
}
