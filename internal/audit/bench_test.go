package audit_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/store"
	"github.com/bulwark-ai/bulwark/internal/store/sqlite"
	"github.com/bulwark-ai/bulwark/internal/store/sqlstore"
)

// benchLog opens a log on a fresh SQLite file (payloads off: the append
// path, not AES, is measured; see BenchmarkSealPayload for that).
func benchLog(b *testing.B, mode audit.Mode) *audit.Log {
	b.Helper()
	dir := b.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "audit.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	signer, _, err := audit.LoadOrCreateSigner(filepath.Join(dir, "k"), filepath.Join(dir, "p"), origin)
	if err != nil {
		b.Fatal(err)
	}
	l, err := audit.New(context.Background(), audit.Options{Store: st, Signer: signer, Mode: mode,
		BatchInterval: 20 * time.Millisecond, QueueSize: 1 << 16, Backpressure: audit.BackpressureAlarm,
		AlarmWait: time.Minute, CheckpointInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return l
}

func benchEvent(i int) *audit.Event {
	ev := exchange(i, "acme")
	ev.RequestPayload, ev.ResponsePayload = nil, nil
	return ev
}

// BenchmarkAppendBatch measures events/s appended in batch mode from 16
// concurrent writers, including the final flush (Close), so the rate is
// what reaches disk.
func BenchmarkAppendBatch(b *testing.B) {
	l := benchLog(b, audit.ModeBatch)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	var wg sync.WaitGroup
	per := b.N/16 + 1
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				if err := l.Record(context.Background(), benchEvent(i)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := l.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(per*16)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(per*16), "cpu_us/event")
}

// BenchmarkAppendSync64 measures sync-mode appends (each Record waits for
// its fsync'd group commit) with 64 concurrent writers.
func BenchmarkAppendSync64(b *testing.B) {
	l := benchLog(b, audit.ModeSync)
	defer l.Close(context.Background())
	b.SetParallelism(64)
	var (
		mu  sync.Mutex
		lat []time.Duration
	)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			if err := l.Record(context.Background(), benchEvent(i)); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
			i++
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "record_p50_ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "record_p99_ms")
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu_us/event")
}

// BenchmarkAppendSync1 is the single-writer sync latency (one fsync per
// event).
func BenchmarkAppendSync1(b *testing.B) {
	l := benchLog(b, audit.ModeSync)
	defer l.Close(context.Background())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := l.Record(context.Background(), benchEvent(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// proofStore returns a SQLite store holding a tree of n synthetic leaves
// and a checkpoint for it. The file is cached under
// $BULWARK_BENCH_DIR (default the OS temp dir) so the 10M-leaf setup runs
// once.
func proofStore(b *testing.B, n uint64) *sqlstore.Store {
	b.Helper()
	ctx := context.Background()
	dir := os.Getenv("BULWARK_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("bulwark-proof-bench-%d.db", n))
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if size, _ := st.Size(ctx); size == n {
		return st
	} else if size != 0 {
		b.Fatalf("%s holds %d entries; delete it", path, size)
	}
	start := time.Now()
	// Bulk load without the secondary indexes, then build them sorted: the
	// same schema, a much faster setup.
	db := st.DB()
	for _, ix := range []string{"audit_entries_time", "audit_entries_leaf_hash"} {
		if _, err := db.Exec("DROP INDEX " + ix); err != nil {
			b.Fatal(err)
		}
	}
	rng := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	const chunk = 200000
	t0 := time.Unix(1767225600, 0)
	for base := uint64(0); base < n; base += chunk {
		var batch store.Batch
		visit := func(id compact.NodeID, h []byte) {
			if id.Level > 0 {
				batch.Nodes = append(batch.Nodes, store.Node{ID: store.NodeID{Level: uint8(id.Level), Index: id.Index}, Hash: h})
			}
		}
		for i := base; i < min(base+chunk, n); i++ {
			leaf := binary.BigEndian.AppendUint64([]byte("leaf"), i)
			lh := rfc6962.DefaultHasher.HashLeaf(leaf)
			if err := rng.Append(lh, visit); err != nil {
				b.Fatal(err)
			}
			batch.Entries = append(batch.Entries, store.Entry{Index: i, Leaf: leaf, LeafHash: lh, Time: t0, Kind: "exchange"})
		}
		if err := st.Append(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	st.Close()
	if st, err = sqlite.Open(ctx, path, sqlite.Options{}); err != nil { // recreates the indexes
		b.Fatal(err)
	}
	root, _ := rng.GetRootHash(nil)
	if err := st.AddCheckpoint(ctx, store.Checkpoint{Size: n, Root: root, Note: []byte("bench"), Time: t0}); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d-leaf tree in %v", n, time.Since(start))
	return st
}

// BenchmarkInclusionProof measures building an inclusion proof (node reads
// from SQLite + rehash) at BULWARK_BENCH_LEAVES leaves (default 1M; the
// documented number uses 10M).
func BenchmarkInclusionProof(b *testing.B) {
	n := uint64(1 << 20)
	if s := os.Getenv("BULWARK_BENCH_LEAVES"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		n = v
	}
	st := proofStore(b, n)
	ctx := context.Background()
	b.ResetTimer()
	cpu0 := cpuTime()
	defer func() { b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu_us/op") }()
	for i := 0; i < b.N; i++ {
		idx := (uint64(i) * 2654435761) % n
		p, err := audit.InclusionProof(ctx, st, idx, n)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Hashes) == 0 {
			b.Fatal("empty proof")
		}
	}
}

// BenchmarkVerifyProof measures the offline check of an inclusion proof
// (signature + Merkle path), from the test vectors.
func BenchmarkVerifyProof(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(vectorDir, "inclusion-ok.json"))
	if err != nil {
		b.Fatal(err)
	}
	v, err := audit.LoadVerifier(filepath.Join(vectorDir, "audit.pub"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := audit.VerifyProof(data, v, "", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyStore measures offline verification (decode, re-hash,
// columns, payload commitments, tree rebuild, stored nodes, checkpoints)
// of a 20,000-event log with payloads.
func BenchmarkVerifyStore(b *testing.B) {
	const n = 20000
	ctx := context.Background()
	dir := b.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "audit.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	signer, vkey, err := audit.LoadOrCreateSigner(filepath.Join(dir, "k"), filepath.Join(dir, "p"), origin)
	if err != nil {
		b.Fatal(err)
	}
	v, _ := note.NewVerifier(vkey)
	l, err := audit.New(ctx, audit.Options{Store: st, Signer: signer, Origin: origin, Mode: audit.ModeBatch,
		Payloads: audit.PayloadsFull, MasterKey: make([]byte, 32), QueueSize: n, CheckpointInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := l.Record(ctx, exchange(i, "acme")); err != nil {
			b.Fatal(err)
		}
	}
	if err := l.Close(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		rep, err := audit.VerifyStore(ctx, st, v, audit.VerifyOptions{})
		if err != nil || !rep.OK() {
			b.Fatalf("VerifyStore = %+v, %v", rep, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "entries/s")
}
