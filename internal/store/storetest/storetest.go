// Package storetest is the conformance suite every store.Store backend runs:
// call Run from the backend's tests with a function that returns a fresh,
// empty store.
package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/store"
)

// Factory returns a new empty store; the suite closes it. The test's cleanup
// should drop whatever the store created.
type Factory func(t *testing.T) store.Store

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// entries returns n consecutive entries starting at from, spread over
// tenants, apps and decisions so queries have something to filter.
func entries(from, n int) []store.Entry {
	out := make([]store.Entry, n)
	for i := range out {
		idx := from + i
		e := store.Entry{
			Index:    uint64(idx),
			Leaf:     []byte(fmt.Sprintf(`{"index":%d}`, idx)),
			LeafHash: hash(fmt.Sprint("leaf", idx)),
			Time:     t0.Add(time.Duration(idx) * time.Second),
			Kind:     "exchange",
			App:      []string{"web", "batch"}[idx%2],
			KeyID:    fmt.Sprintf("key%d", idx%3),
			Tenant:   []string{"acme", "globex"}[idx%2],
			EndUser:  fmt.Sprintf("user%d", idx%4),
			Decision: []string{"allow", "block", "redact"}[idx%3],
		}
		if idx%5 == 0 {
			e.FindingTypes = []string{"AWS_ACCESS_KEY", "EMAIL"}
		}
		out[i] = e
	}
	return out
}

// Run runs the suite.
func Run(t *testing.T, newStore Factory) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"AppendScanSize", testAppendScan},
		{"AppendConflict", testConflict},
		{"Nodes", testNodes},
		{"Query", testQuery},
		{"Payloads", testPayloads},
		{"Checkpoints", testCheckpoints},
		{"KeysAndErase", testKeysErase},
		{"Retention", testRetention},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			defer s.Close()
			tc.fn(t, s)
		})
	}
}

func mustAppend(t *testing.T, s store.Store, b store.Batch) {
	t.Helper()
	if err := s.Append(context.Background(), b); err != nil {
		t.Fatalf("Append: %v", err)
	}
}

func testAppendScan(t *testing.T, s store.Store) {
	ctx := context.Background()
	if n, err := s.Size(ctx); err != nil || n != 0 {
		t.Fatalf("Size() of empty store = %d, %v; want 0, nil", n, err)
	}
	want := entries(0, 10)
	mustAppend(t, s, store.Batch{Entries: want[:4]})
	mustAppend(t, s, store.Batch{Entries: want[4:]})
	mustAppend(t, s, store.Batch{}) // empty batches are fine
	if n, err := s.Size(ctx); err != nil || n != 10 {
		t.Fatalf("Size() = %d, %v; want 10, nil", n, err)
	}
	var got []store.Entry
	if err := s.Scan(ctx, 0, func(e store.Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Scan mismatch (-want +got):\n%s", diff)
	}
	got = nil
	if err := s.Scan(ctx, 7, func(e store.Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatalf("Scan(7): %v", err)
	}
	if diff := cmp.Diff(want[7:], got); diff != "" {
		t.Errorf("Scan(7) mismatch (-want +got):\n%s", diff)
	}
	stop := errors.New("stop")
	if err := s.Scan(ctx, 0, func(store.Entry) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Scan with failing fn = %v; want %v", err, stop)
	}
	e, err := s.Entry(ctx, 3)
	if err != nil {
		t.Fatalf("Entry(3): %v", err)
	}
	if diff := cmp.Diff(want[3], e); diff != "" {
		t.Errorf("Entry(3) mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.Entry(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Entry(99) error = %v; want ErrNotFound", err)
	}
	e, err = s.EntryByLeafHash(ctx, want[5].LeafHash)
	if err != nil || e.Index != 5 {
		t.Errorf("EntryByLeafHash = %d, %v; want 5, nil", e.Index, err)
	}
	if _, err := s.EntryByLeafHash(ctx, hash("nope")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("EntryByLeafHash(unknown) error = %v; want ErrNotFound", err)
	}
}

func testConflict(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := entries(0, 5)
	for _, b := range []store.Batch{
		{Entries: es[1:3]},                     // does not start at 0
		{Entries: []store.Entry{es[0], es[2]}}, // gap
		{Entries: es[:2], Nodes: []store.Node{{ID: store.NodeID{Level: 1}, Hash: hash("n")}, {ID: store.NodeID{Level: 1}, Hash: hash("dup")}}}, // duplicate node: whole batch fails
	} {
		if err := s.Append(ctx, b); err == nil {
			t.Errorf("Append(%d entries from %d) = nil; want error", len(b.Entries), b.Entries[0].Index)
		}
	}
	if n, _ := s.Size(ctx); n != 0 {
		t.Fatalf("Size() after failed appends = %d; want 0 (atomicity)", n)
	}
	mustAppend(t, s, store.Batch{Entries: es[:2]})
	if err := s.Append(ctx, store.Batch{Entries: es[:2]}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("Append(replayed batch) = %v; want ErrConflict", err)
	}
}

func testNodes(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := entries(0, 4)
	nodes := []store.Node{
		{ID: store.NodeID{Level: 1, Index: 0}, Hash: hash("1/0")},
		{ID: store.NodeID{Level: 1, Index: 1}, Hash: hash("1/1")},
		{ID: store.NodeID{Level: 2, Index: 0}, Hash: hash("2/0")},
	}
	mustAppend(t, s, store.Batch{Entries: es, Nodes: nodes})
	ids := []store.NodeID{{Level: 2, Index: 0}, {Level: 0, Index: 3}, {Level: 1, Index: 1}, {Level: 0, Index: 0}}
	got, err := s.Nodes(ctx, ids)
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	want := [][]byte{hash("2/0"), es[3].LeafHash, hash("1/1"), es[0].LeafHash}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Nodes mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.Nodes(ctx, []store.NodeID{{Level: 3, Index: 0}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Nodes(missing) error = %v; want ErrNotFound", err)
	}
	if got, err := s.Nodes(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("Nodes(nil) = %v, %v; want empty, nil", got, err)
	}
}

func indices(es []store.Entry) []uint64 {
	out := make([]uint64, len(es))
	for i, e := range es {
		out[i] = e.Index
	}
	return out
}

func testQuery(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustAppend(t, s, store.Batch{Entries: entries(0, 30)})
	tests := []struct {
		name string
		q    store.Query
		want []uint64
	}{
		{"app", store.Query{App: "web", Limit: 5}, []uint64{0, 2, 4, 6, 8}},
		{"key and decision", store.Query{KeyID: "key1", Decision: "block"}, []uint64{1, 4, 7, 10, 13, 16, 19, 22, 25, 28}},
		{"time range", store.Query{Since: t0.Add(10 * time.Second), Until: t0.Add(13 * time.Second)}, []uint64{10, 11, 12}},
		{"finding type", store.Query{FindingType: "EMAIL"}, []uint64{0, 5, 10, 15, 20, 25}},
		{"finding type is not a pattern", store.Query{FindingType: "AWS%"}, nil},
		{"finding type underscore literal", store.Query{FindingType: "AWS_ACCESS_KEY", From: 11}, []uint64{15, 20, 25}},
		{"tenant end user", store.Query{Tenant: "acme", EndUser: "user2"}, []uint64{2, 6, 10, 14, 18, 22, 26}},
		{"kind none", store.Query{Kind: "control"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.Query(ctx, tc.q)
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if diff := cmp.Diff(tc.want, indices(p.Entries), cmp.Comparer(func(a, b []uint64) bool { return fmt.Sprint(a) == fmt.Sprint(b) })); diff != "" {
				t.Errorf("Query(%+v) mismatch (-want +got):\n%s", tc.q, diff)
			}
		})
	}
	// Pagination walks everything exactly once.
	var all []uint64
	q := store.Query{Limit: 7}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not terminate")
		}
		p, err := s.Query(ctx, q)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		all = append(all, indices(p.Entries)...)
		if !p.More {
			break
		}
		q.From = p.Next
	}
	if len(all) != 30 || all[0] != 0 || all[29] != 29 {
		t.Errorf("paginated indices = %v; want 0..29", all)
	}
}

func testPayloads(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := entries(0, 3)
	ps := []store.Payload{
		{Index: 0, Part: "request", KeyID: "k1", Ciphertext: []byte("c0req")},
		{Index: 0, Part: "response", KeyID: "k1", Ciphertext: []byte("c0resp")},
		{Index: 2, Part: "request", KeyID: "k2", Ciphertext: []byte("c2req")},
	}
	mustAppend(t, s, store.Batch{Entries: es, Payloads: ps})
	got, err := s.Payloads(ctx, 0)
	if err != nil {
		t.Fatalf("Payloads(0): %v", err)
	}
	if diff := cmp.Diff(ps[:2], got); diff != "" {
		t.Errorf("Payloads(0) mismatch (-want +got):\n%s", diff)
	}
	if got, err := s.Payloads(ctx, 1); err != nil || len(got) != 0 {
		t.Errorf("Payloads(1) = %v, %v; want none", got, err)
	}
	var all []store.Payload
	if err := s.ScanPayloads(ctx, func(p store.Payload) error { all = append(all, p); return nil }); err != nil {
		t.Fatalf("ScanPayloads: %v", err)
	}
	if diff := cmp.Diff(ps, all); diff != "" {
		t.Errorf("ScanPayloads mismatch (-want +got):\n%s", diff)
	}
}

func testCheckpoints(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.LatestCheckpoint(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LatestCheckpoint() of empty store error = %v; want ErrNotFound", err)
	}
	cps := []store.Checkpoint{
		{Size: 5, Root: hash("r5"), Note: []byte("note5"), Time: t0},
		{Size: 2, Root: hash("r2"), Note: []byte("note2"), Time: t0.Add(-time.Second)},
		{Size: 9, Root: hash("r9"), Note: []byte("note9"), Time: t0.Add(time.Second)},
	}
	for _, c := range cps {
		if err := s.AddCheckpoint(ctx, c); err != nil {
			t.Fatalf("AddCheckpoint: %v", err)
		}
	}
	if err := s.AddCheckpoint(ctx, store.Checkpoint{Size: 5, Root: hash("other"), Note: []byte("x"), Time: t0}); err != nil {
		t.Errorf("AddCheckpoint(same size) = %v; want nil (ignored)", err)
	}
	latest, err := s.LatestCheckpoint(ctx)
	if err != nil {
		t.Fatalf("LatestCheckpoint: %v", err)
	}
	if diff := cmp.Diff(cps[2], latest); diff != "" {
		t.Errorf("LatestCheckpoint mismatch (-want +got):\n%s", diff)
	}
	all, err := s.Checkpoints(ctx)
	if err != nil {
		t.Fatalf("Checkpoints: %v", err)
	}
	if diff := cmp.Diff([]store.Checkpoint{cps[1], cps[0], cps[2]}, all); diff != "" {
		t.Errorf("Checkpoints mismatch (-want +got):\n%s", diff)
	}
	c, err := s.CheckpointAt(ctx, 5)
	if err != nil || string(c.Note) != "note5" {
		t.Errorf("CheckpointAt(5) = %q, %v; want note5", c.Note, err)
	}
	if _, err := s.CheckpointAt(ctx, 6); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CheckpointAt(6) error = %v; want ErrNotFound", err)
	}
}

func testKeysErase(t *testing.T, s store.Store) {
	ctx := context.Background()
	keys := []store.DataKey{
		{ID: "acme-1", Tenant: "acme", Wrapped: []byte("w1"), Created: t0},
		{ID: "acme-2", Tenant: "acme", Wrapped: []byte("w2"), Created: t0.Add(time.Second)},
		{ID: "acme-u1", Tenant: "acme", EndUser: "user1", Wrapped: []byte("wu"), Created: t0},
		{ID: "globex-1", Tenant: "globex", Wrapped: []byte("wg"), Created: t0},
	}
	for _, k := range keys {
		if err := s.PutKey(ctx, k); err != nil {
			t.Fatalf("PutKey: %v", err)
		}
	}
	if err := s.PutKey(ctx, keys[0]); err == nil {
		t.Error("PutKey(duplicate id) = nil; want error")
	}
	k, err := s.ActiveKey(ctx, "acme", "")
	if err != nil || k.ID != "acme-2" {
		t.Errorf("ActiveKey(acme) = %q, %v; want acme-2", k.ID, err)
	}
	if _, err := s.ActiveKey(ctx, "initech", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ActiveKey(unknown) error = %v; want ErrNotFound", err)
	}
	if k, err := s.Key(ctx, "globex-1"); err != nil || string(k.Wrapped) != "wg" {
		t.Errorf("Key(globex-1) = %q, %v; want wg", k.Wrapped, err)
	}

	es := entries(0, 8) // even: acme, odd: globex; end user = idx%4
	var ps []store.Payload
	for _, e := range es {
		ps = append(ps, store.Payload{Index: e.Index, Part: "request", KeyID: e.Tenant, Ciphertext: []byte("ct")})
	}
	mustAppend(t, s, store.Batch{Entries: es, Payloads: ps})

	// Erase one end user of acme: user2 (indices 2, 6); tenant keys stay.
	got, err := s.Erase(ctx, store.Erasure{Tenant: "acme", EndUser: "user2"})
	if err != nil {
		t.Fatalf("Erase(acme/user2): %v", err)
	}
	if diff := cmp.Diff(store.Erased{Keys: 0, Payloads: 2}, got); diff != "" {
		t.Errorf("Erase(acme/user2) mismatch (-want +got):\n%s", diff)
	}
	// Erase tenant acme: all its keys, remaining payloads 0, 4.
	got, err = s.Erase(ctx, store.Erasure{Tenant: "acme"})
	if err != nil {
		t.Fatalf("Erase(acme): %v", err)
	}
	if diff := cmp.Diff(store.Erased{Keys: 3, Payloads: 2}, got); diff != "" {
		t.Errorf("Erase(acme) mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.Key(ctx, "acme-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Key(acme-1) after erase error = %v; want ErrNotFound", err)
	}
	if _, err := s.Key(ctx, "globex-1"); err != nil {
		t.Errorf("Key(globex-1) after erasing acme: %v", err)
	}
	for _, e := range es {
		p, err := s.Payloads(ctx, e.Index)
		if err != nil || len(p) != 1 {
			t.Fatalf("Payloads(%d) = %v, %v; want one row (rows stay after erasure)", e.Index, p, err)
		}
		erased := e.Tenant == "acme"
		if p[0].Erased != erased || (p[0].Ciphertext == nil) != erased {
			t.Errorf("Payloads(%d) erased=%v ciphertext=%q; want erased=%v", e.Index, p[0].Erased, p[0].Ciphertext, erased)
		}
	}
	if n, _ := s.Size(ctx); n != 8 {
		t.Errorf("Size() after erase = %d; want 8 (entries stay)", n)
	}
	if _, err := s.Erase(ctx, store.Erasure{}); err == nil {
		t.Error("Erase(empty selection) = nil; want error")
	}
}

func testRetention(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.PutKey(ctx, store.DataKey{ID: "k", Tenant: "acme", Wrapped: []byte("w"), Created: t0}); err != nil {
		t.Fatal(err)
	}
	es := entries(0, 6)
	var ps []store.Payload
	for _, e := range es {
		ps = append(ps, store.Payload{Index: e.Index, Part: "response", KeyID: "k", Ciphertext: []byte("ct")})
	}
	mustAppend(t, s, store.Batch{Entries: es, Payloads: ps})
	got, err := s.Erase(ctx, store.Erasure{Before: t0.Add(3 * time.Second)})
	if err != nil {
		t.Fatalf("Erase(before): %v", err)
	}
	if diff := cmp.Diff(store.Erased{Payloads: 3}, got); diff != "" {
		t.Errorf("Erase(before) mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.Key(ctx, "k"); err != nil {
		t.Errorf("retention erased a key: %v", err)
	}
	if p, _ := s.Payloads(ctx, 3); len(p) != 1 || p[0].Erased {
		t.Errorf("Payloads(3) after retention = %+v; want kept", p)
	}
}
