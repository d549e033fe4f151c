package audit_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/bulwark-ai/bulwark/internal/audit"
)

// exec runs tampering SQL against the fixture's database.
func exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("tamper %q: %v", q, err)
	}
}

func leafAt(t *testing.T, db *sql.DB, idx int) []byte {
	t.Helper()
	var b []byte
	if err := db.QueryRow(`SELECT leaf FROM audit_entries WHERE idx = ?`, idx).Scan(&b); err != nil {
		t.Fatal(err)
	}
	return b
}

// shift renumbers entries with idx >= from by delta, in two steps so the
// primary key never collides.
func shift(t *testing.T, db *sql.DB, from, delta int) {
	exec(t, db, `UPDATE audit_entries SET idx = -(idx + ?) - 1 WHERE idx >= ?`, delta, from)
	exec(t, db, `UPDATE audit_entries SET idx = -idx - 1 WHERE idx < 0`)
}

func swap(t *testing.T, db *sql.DB, a, b int) {
	exec(t, db, `UPDATE audit_entries SET idx = -1 WHERE idx = ?`, a)
	exec(t, db, `UPDATE audit_entries SET idx = ? WHERE idx = ?`, a, b)
	exec(t, db, `UPDATE audit_entries SET idx = ? WHERE idx = -1`, b)
}

// insertLeaf inserts leaf at idx with the query columns of row src.
func insertLeaf(t *testing.T, db *sql.DB, idx, src int, leaf []byte) {
	exec(t, db, `INSERT INTO audit_entries SELECT ?, ?, ?, time_ns, kind, app, key_id, tenant, end_user, decision, finding_types FROM audit_entries WHERE idx = ?`,
		idx, leaf, rfc6962.DefaultHasher.HashLeaf(leaf), src)
}

func TestTamperDetection(t *testing.T) {
	const n = 12 // checkpoints at 4, 8, 12
	tests := []struct {
		name      string
		tamper    func(t *testing.T, f *fixture)
		wantIndex uint64
		wantKind  string
		wantText  string
	}{
		{"untouched", func(*testing.T, *fixture) {}, 0, "", ""},
		{"edit a payload", func(t *testing.T, f *fixture) {
			exec(t, f.st.DB(), `UPDATE audit_payloads SET ciphertext = X'00112233445566778899aabbccddeeff00112233445566778899' WHERE idx = 3 AND part = 'request'`)
		}, 3, audit.Edited, "request payload"},
		{"delete a payload", func(t *testing.T, f *fixture) {
			exec(t, f.st.DB(), `DELETE FROM audit_payloads WHERE idx = 6 AND part = 'response'`)
		}, 6, audit.Deleted, "response payload"},
		{"edit a decision column", func(t *testing.T, f *fixture) {
			exec(t, f.st.DB(), `UPDATE audit_entries SET decision = 'allow' WHERE idx = 4`)
		}, 4, audit.Edited, "column decision"},
		{"edit a decision in the leaf", func(t *testing.T, f *fixture) {
			leaf := bytes.Replace(leafAt(t, f.st.DB(), 4), []byte(`"decision":"redact"`), []byte(`"decision":"allow"`), 1)
			exec(t, f.st.DB(), `UPDATE audit_entries SET leaf = ?, decision = 'allow' WHERE idx = 4`, leaf)
		}, 4, audit.Edited, "leaf hash"},
		{"edit a leaf and its recorded hash", func(t *testing.T, f *fixture) {
			leaf := bytes.Replace(leafAt(t, f.st.DB(), 5), []byte(`"decision":"block"`), []byte(`"decision":"allow"`), 1)
			exec(t, f.st.DB(), `UPDATE audit_entries SET leaf = ?, leaf_hash = ?, decision = 'allow' WHERE idx = 5`, leaf, rfc6962.DefaultHasher.HashLeaf(leaf))
		}, 4, audit.Edited, "entries 4 to 5 do not match the tree node"},
		{"edit a stored tree node", func(t *testing.T, f *fixture) {
			exec(t, f.st.DB(), `UPDATE audit_nodes SET hash = X'0000000000000000000000000000000000000000000000000000000000000000' WHERE id = ?`, int64(1)<<56|3)
		}, 6, audit.Edited, "tree node (level 1, index 3)"},
		{"delete a stored tree node", func(t *testing.T, f *fixture) {
			exec(t, f.st.DB(), `DELETE FROM audit_nodes WHERE id = ?`, int64(2)<<56|1)
		}, 4, audit.Deleted, "tree node (level 2, index 1) is missing"},
		{"delete a row", func(t *testing.T, f *fixture) {
			exec(t, f.st.DB(), `DELETE FROM audit_entries WHERE idx = 5`)
		}, 5, audit.Deleted, "missing"},
		{"delete a row and renumber", func(t *testing.T, f *fixture) {
			exec(t, f.st.DB(), `DELETE FROM audit_entries WHERE idx = 5`)
			shift(t, f.st.DB(), 6, -1)
		}, 5, audit.Deleted, "renumbered"},
		{"swap two rows", func(t *testing.T, f *fixture) { swap(t, f.st.DB(), 2, 7) }, 2, audit.Reordered, "appended as index 7"},
		{"swap adjacent rows", func(t *testing.T, f *fixture) { swap(t, f.st.DB(), 9, 10) }, 9, audit.Reordered, "each other's place"},
		{"insert a row", func(t *testing.T, f *fixture) {
			leaf := bytes.Replace(leafAt(t, f.st.DB(), 5), []byte(`"id":"ev_`), []byte(`"id":"ev_f`), 1)
			shift(t, f.st.DB(), 5, 1)
			insertLeaf(t, f.st.DB(), 5, 6, leaf)
		}, 5, audit.Inserted, "inserted at index 5"},
		{"append a copied row", func(t *testing.T, f *fixture) {
			insertLeaf(t, f.st.DB(), n, 2, leafAt(t, f.st.DB(), 2))
		}, n, audit.Inserted, "copy"},
		{"truncate the tail", func(t *testing.T, f *fixture) {
			exec(t, f.st.DB(), `DELETE FROM audit_entries WHERE idx >= 9`)
		}, 9, audit.Truncated, "signed for 12 entries"},
		{"replace a checkpoint signature", func(t *testing.T, f *fixture) {
			var msg []byte
			if err := f.st.DB().QueryRow(`SELECT note FROM audit_checkpoints WHERE size = 8`).Scan(&msg); err != nil {
				t.Fatal(err)
			}
			skey, _, err := note.GenerateKey(rand.Reader, origin) // same name, other key
			if err != nil {
				t.Fatal(err)
			}
			s, _ := note.NewSigner(skey)
			body := msg[:bytes.Index(msg, []byte("\n\n"))+1]
			forged, err := note.Sign(&note.Note{Text: string(body)}, s)
			if err != nil {
				t.Fatal(err)
			}
			exec(t, f.st.DB(), `UPDATE audit_checkpoints SET note = ? WHERE size = 8`, forged)
		}, 8, audit.BadSignature, "checkpoint for size 8"},
		{"edit a checkpoint root", func(t *testing.T, f *fixture) {
			exec(t, f.st.DB(), `UPDATE audit_checkpoints SET root = X'0000000000000000000000000000000000000000000000000000000000000000' WHERE size = 4`)
		}, 4, audit.Edited, "differs from its signed note"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			f.fill(t, n)
			if err := f.log.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			tc.tamper(t, f)
			rep := f.verify(t)
			if tc.wantKind == "" {
				if !rep.OK() {
					t.Fatalf("VerifyStore(untouched) problems = %v; want none", rep.Problems)
				}
				return
			}
			if rep.OK() {
				t.Fatalf("VerifyStore after %s = OK; want %s at index %d", tc.name, tc.wantKind, tc.wantIndex)
			}
			got := rep.Problems[0]
			if got.Index != tc.wantIndex || got.Kind != tc.wantKind || !strings.Contains(got.Detail, tc.wantText) {
				t.Errorf("first problem = %v; want index %d: %s: …%s… (all: %v)", got, tc.wantIndex, tc.wantKind, tc.wantText, rep.Problems)
			}
		})
	}
}

func TestErasure(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	f.fill(t, 8) // even: acme, odd: globex
	got, err := f.log.Erase(ctx, "acme", "", "dpo@example.com")
	if err != nil {
		t.Fatalf("Erase(acme): %v", err)
	}
	if got.Keys != 1 || got.Payloads != 8 {
		t.Errorf("Erase(acme) = %+v; want 1 key, 8 payloads", got)
	}
	if _, err := f.log.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	for i := uint64(0); i < 8; i++ {
		ps, err := f.log.Payloads(ctx, i)
		if err != nil {
			t.Fatalf("Payloads(%d): %v", i, err)
		}
		for _, p := range ps {
			erased := i%2 == 0
			if erased && (p.Data != nil || p.Unavailable != "erased") {
				t.Errorf("Payloads(%d) %s = %q (%s); want erased", i, p.Part, p.Data, p.Unavailable)
			}
			if !erased && (p.Data == nil || p.Unavailable != "") {
				t.Errorf("Payloads(%d) %s unavailable (%s); want intact", i, p.Part, p.Unavailable)
			}
		}
	}
	// Offline, with the master key: still unreadable; no plaintext of acme anywhere in the database.
	if ps, err := audit.DecryptPayloads(ctx, f.st, f.master, 0); err != nil || ps[0].Data != nil {
		t.Errorf("DecryptPayloads(0) after erasure = %+v, %v; want erased", ps, err)
	}
	rep := f.verify(t)
	if !rep.OK() || rep.ErasedPayloads != 8 || rep.Size != 9 {
		t.Errorf("VerifyStore after erasure = %+v; want OK, 8 erased payloads, 9 entries (erasure recorded)", rep)
	}
	// New events for the erased tenant get a new key and stay readable.
	if err := f.log.Record(ctx, exchange(20, "acme")); err != nil {
		t.Fatal(err)
	}
	if ps, err := f.log.Payloads(ctx, 9); err != nil || ps[0].Data == nil {
		t.Errorf("Payloads(9) for a new acme event = %+v, %v; want readable", ps, err)
	}
}

func TestErasePerEndUser(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(o *audit.Options) { o.PerEndUserKeys = true })
	f.fill(t, 8) // end user u0 for even indices, u1 for odd; tenants alternate too
	got, err := f.log.Erase(ctx, "", "u0", "dpo")
	if err != nil {
		t.Fatalf("Erase(end user u0): %v", err)
	}
	if got.Keys != 1 || got.Payloads != 8 { // u0 only appears with tenant acme
		t.Errorf("Erase(u0) = %+v; want 1 key, 8 payloads", got)
	}
	for i := uint64(0); i < 8; i++ {
		ps, err := f.log.Payloads(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		if erased := i%2 == 0; (ps[0].Data == nil) != erased {
			t.Errorf("Payloads(%d) = %+v; want erased=%v", i, ps[0], erased)
		}
	}
	if rep := f.verify(t); !rep.OK() {
		t.Errorf("VerifyStore after end-user erasure: %v", rep.Problems)
	}
}

// TestReopenRefusesTamperedStore: a log does not sign new checkpoints over a
// store that no longer extends its latest checkpoint.
func TestReopenRefusesTamperedStore(t *testing.T) {
	tests := []struct {
		name, sql string
	}{
		{"truncated", `DELETE FROM audit_entries WHERE idx >= 6`},
		{"node rewritten", `UPDATE audit_nodes SET hash = X'0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 216172782113783808`}, // level 3, index 0: the root of the 8 entries,
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, nil)
			f.fill(t, 8)
			if err := f.log.Close(ctx); err != nil {
				t.Fatal(err)
			}
			exec(t, f.st.DB(), tc.sql)
			signer, _, err := audit.LoadOrCreateSigner(filepath.Join(f.dir, "audit.key"), filepath.Join(f.dir, "audit.pub"), origin)
			if err != nil {
				t.Fatal(err)
			}
			_, err = audit.New(ctx, audit.Options{Store: f.st, Signer: signer, Origin: origin, CheckpointInterval: -1})
			if !errors.Is(err, audit.ErrInconsistent) {
				t.Errorf("New over a %s store = %v; want ErrInconsistent", tc.name, err)
			}
		})
	}
}
