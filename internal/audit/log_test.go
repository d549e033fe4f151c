package audit_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/store"
	"github.com/bulwark-ai/bulwark/internal/store/sqlite"
	"github.com/bulwark-ai/bulwark/internal/store/sqlstore"
)

const origin = "test.bulwark/audit"

type fixture struct {
	dir      string
	st       *sqlstore.Store
	log      *audit.Log
	verifier note.Verifier
	master   []byte
}

func newFixture(t *testing.T, mut func(*audit.Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "audit.db"), sqlite.Options{})
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	signer, vkey, err := audit.LoadOrCreateSigner(filepath.Join(dir, "audit.key"), filepath.Join(dir, "audit.pub"), origin)
	if err != nil {
		t.Fatalf("LoadOrCreateSigner: %v", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	master := make([]byte, 32)
	rand.Read(master)
	o := audit.Options{Store: st, Signer: signer, Origin: origin, Mode: audit.ModeSync,
		Payloads: audit.PayloadsFull, MasterKey: master, CheckpointInterval: -1}
	if mut != nil {
		mut(&o)
	}
	l, err := audit.New(ctx, o)
	if err != nil {
		t.Fatalf("audit.New: %v", err)
	}
	f := &fixture{dir: dir, st: st, log: l, verifier: v, master: master}
	t.Cleanup(func() {
		f.log.Close(context.Background())
		st.Close()
	})
	return f
}

func exchange(i int, tenant string) *audit.Event {
	return &audit.Event{
		Kind: audit.KindExchange, Time: time.Date(2026, 5, 1, 12, 0, i, 0, time.UTC),
		KeyID: "k1", App: "web", Tenant: tenant, EndUser: fmt.Sprintf("u%d", i%2),
		Route: "/v1/chat/completions", Model: "gpt-4o-mini", Provider: "mock",
		Decision: []string{"allow", "redact", "block"}[i%3], Status: 200,
		Findings:   []guard.Finding{{Scanner: "pii", Type: "EMAIL", Score: 0.98, Start: 3, End: 20, Action: guard.ActionRedact}},
		DurationMS: 12.5, TokensIn: 10, TokensOut: 20,
		RequestPayload:  []byte(fmt.Sprintf("request %d from %s", i, tenant)),
		ResponsePayload: []byte(fmt.Sprintf("response %d", i)),
	}
}

// fill records n exchanges alternating tenants acme/globex and checkpoints.
func (f *fixture) fill(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		if err := f.log.Record(ctx, exchange(i, []string{"acme", "globex"}[i%2])); err != nil {
			t.Fatalf("Record(%d): %v", i, err)
		}
		if i%4 == 3 {
			if _, err := f.log.Checkpoint(ctx); err != nil {
				t.Fatalf("Checkpoint: %v", err)
			}
		}
	}
	if _, err := f.log.Checkpoint(ctx); err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
}

func (f *fixture) verify(t *testing.T) *audit.Report {
	t.Helper()
	rep, err := audit.VerifyStore(context.Background(), f.st, f.verifier, audit.VerifyOptions{Origin: origin})
	if err != nil {
		t.Fatalf("VerifyStore: %v", err)
	}
	return rep
}

func TestRecordVerifyProofs(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	f.fill(t, 10)
	if err := f.log.Record(ctx, audit.ConfigReload("ops", "v2")); err != nil {
		t.Fatalf("Record(control): %v", err)
	}
	if _, err := f.log.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	rep := f.verify(t)
	if !rep.OK() || rep.Size != 11 || rep.Uncovered != 0 || rep.Payloads != 20 {
		t.Fatalf("VerifyStore = %+v; want OK, size 11, 20 payloads", rep)
	}
	for _, tc := range []struct{ index, size uint64 }{{0, 0}, {5, 8}, {10, 11}, {3, 4}} {
		p, err := audit.InclusionProof(ctx, f.st, tc.index, tc.size)
		if err != nil {
			t.Fatalf("InclusionProof(%d, %d): %v", tc.index, tc.size, err)
		}
		b := mustJSON(t, p)
		if _, err := audit.VerifyProof(b, f.verifier, origin, nil); err != nil {
			t.Errorf("VerifyProof(inclusion %d in %d) = %v; want nil", tc.index, tc.size, err)
		}
	}
	for _, tc := range []struct{ from, to uint64 }{{4, 8}, {0, 11}, {8, 0}, {11, 11}} {
		p, err := audit.ConsistencyProof(ctx, f.st, tc.from, tc.to)
		if err != nil {
			t.Fatalf("ConsistencyProof(%d, %d): %v", tc.from, tc.to, err)
		}
		if _, err := audit.VerifyProof(mustJSON(t, p), f.verifier, origin, nil); err != nil {
			t.Errorf("VerifyProof(consistency %d..%d) = %v; want nil", tc.from, tc.to, err)
		}
	}
	if _, err := audit.InclusionProof(ctx, f.st, 11, 0); err == nil {
		t.Error("InclusionProof(beyond checkpoint) = nil error; want error")
	}
	got, err := f.log.Payloads(ctx, 2)
	if err != nil || len(got) != 2 || string(got[0].Data) != "request 2 from acme" {
		t.Errorf("Payloads(2) = %+v, %v; want decrypted request and response", got, err)
	}
}

func TestGroupCommitConcurrent(t *testing.T) {
	for _, mode := range []audit.Mode{audit.ModeSync, audit.ModeBatch} {
		t.Run(string(mode), func(t *testing.T) {
			f := newFixture(t, func(o *audit.Options) {
				o.Mode = mode
				o.BatchInterval = 5 * time.Millisecond
				o.Payloads = audit.PayloadsOff
			})
			var wg sync.WaitGroup
			for w := 0; w < 16; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 25; i++ {
						if err := f.log.Record(context.Background(), exchange(i, "acme")); err != nil {
							t.Errorf("Record: %v", err)
							return
						}
					}
				}()
			}
			wg.Wait()
			if err := f.log.Close(context.Background()); err != nil {
				t.Fatalf("Close: %v", err)
			}
			rep := f.verify(t)
			if !rep.OK() || rep.Size != 400 || rep.Uncovered != 0 {
				t.Errorf("VerifyStore = %+v; want OK with 400 entries covered by the final checkpoint", rep)
			}
		})
	}
}

func TestReopenContinuesTree(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	f.fill(t, 5)
	if err := f.log.Close(ctx); err != nil {
		t.Fatal(err)
	}
	signer, _, err := audit.LoadOrCreateSigner(filepath.Join(f.dir, "audit.key"), filepath.Join(f.dir, "audit.pub"), origin)
	if err != nil {
		t.Fatal(err)
	}
	l, err := audit.New(ctx, audit.Options{Store: f.st, Signer: signer, Origin: origin, Payloads: audit.PayloadsFull, MasterKey: f.master, CheckpointInterval: -1})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	f.log = l
	f.fill(t, 6)
	if rep := f.verify(t); !rep.OK() || rep.Size != 11 {
		t.Errorf("VerifyStore after reopen = %+v; want OK, 11", rep)
	}
	p, err := audit.ConsistencyProof(ctx, f.st, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.VerifyProof(mustJSON(t, p), f.verifier, origin, nil); err != nil {
		t.Errorf("consistency across restart: %v", err)
	}
}

// blockingStore blocks Append until release is closed.
type blockingStore struct {
	store.Store
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *blockingStore) Append(ctx context.Context, batch store.Batch) error {
	b.once.Do(func() { close(b.entered) })
	<-b.release
	return b.Store.Append(ctx, batch)
}

func TestPushback(t *testing.T) {
	for _, bp := range []audit.Backpressure{audit.BackpressureReject, audit.BackpressureAlarm} {
		t.Run(string(bp), func(t *testing.T) {
			var bs *blockingStore
			f := newFixture(t, func(o *audit.Options) {
				bs = &blockingStore{Store: o.Store, entered: make(chan struct{}), release: make(chan struct{})}
				o.Store = bs
				o.Mode = audit.ModeBatch
				o.MaxBatch = 1
				o.QueueSize = 1
				o.Backpressure = bp
				o.AlarmWait = time.Millisecond
				o.Payloads = audit.PayloadsOff
			})
			ctx := context.Background()
			if err := f.log.Record(ctx, exchange(0, "acme")); err != nil {
				t.Fatal(err)
			}
			<-bs.entered // the committer is stuck in Append with event 0
			if err := f.log.Record(ctx, exchange(1, "acme")); err != nil {
				t.Fatalf("Record(1) with room in the queue = %v", err)
			}
			if err := f.log.Record(ctx, exchange(2, "acme")); !errors.Is(err, audit.ErrPushback) {
				t.Errorf("Record(2) on a full queue = %v; want ErrPushback", err)
			}
			close(bs.release)
			if err := f.log.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if rep := f.verify(t); !rep.OK() || rep.Size != 2 {
				t.Errorf("after Close: %+v; want the 2 accepted events", rep)
			}
		})
	}
}

func TestClosedLog(t *testing.T) {
	f := newFixture(t, nil)
	if err := f.log.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.log.Record(context.Background(), exchange(0, "acme")); err != audit.ErrClosed {
		t.Errorf("Record after Close = %v; want ErrClosed", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
