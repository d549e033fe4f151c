package audit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/store/postgres"
)

// TestPostgresLog runs the log end to end on PostgreSQL: concurrent sync
// appends with payloads, verification, a proof and an erasure.
func TestPostgresLog(t *testing.T) {
	dsn := os.Getenv("BULWARK_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("set BULWARK_TEST_POSTGRES to run")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	st, err := postgres.Open(ctx, dsn, postgres.Options{Prefix: "t" + hex.EncodeToString(b) + "_"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Drop(ctx); err != nil {
			t.Errorf("drop: %v", err)
		}
		st.Close()
	}()
	dir := t.TempDir()
	signer, vkey, err := audit.LoadOrCreateSigner(filepath.Join(dir, "k"), filepath.Join(dir, "p"), origin)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := note.NewVerifier(vkey)
	master := make([]byte, 32)
	rand.Read(master)
	l, err := audit.New(ctx, audit.Options{Store: st, Signer: signer, Origin: origin, Payloads: audit.PayloadsFull,
		MasterKey: master, CheckpointInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if err := l.Record(ctx, exchange(i, []string{"acme", "globex"}[w%2])); err != nil {
					t.Errorf("Record: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if _, err := l.Erase(ctx, "acme", "", "test"); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := audit.VerifyStore(ctx, st, v, audit.VerifyOptions{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Size != 81 || rep.ErasedPayloads != 80 {
		t.Errorf("VerifyStore on PostgreSQL = %+v; want OK, 81 entries, 80 erased payloads", rep)
	}
	p, err := audit.InclusionProof(ctx, st, 40, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.VerifyProof(mustJSON(t, p), v, origin, nil); err != nil {
		t.Errorf("VerifyProof: %v", err)
	}
}
