package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/store/sqlite"
)

var update = flag.Bool("update", false, "regenerate testdata/vectors")

const vectorDir = "testdata/vectors"

// zeroReader makes key generation deterministic for the vectors.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 7
	}
	return len(p), nil
}

// generateVectors builds a small log with a fixed key and writes valid and
// corrupted vectors. Run with -update after changing the formats.
func generateVectors(t *testing.T) {
	ctx := context.Background()
	skey, vkey, err := note.GenerateKey(zeroReader{}, "vectors.bulwark/audit")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l, err := audit.New(ctx, audit.Options{Store: st, Signer: signer, Origin: "vectors.bulwark/audit", CheckpointInterval: -1,
		Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ {
		ev := exchange(i, "acme")
		ev.ID = "ev_vector_" + string(rune('a'+i))
		if err := l.Record(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			l.Checkpoint(ctx)
		}
	}
	l.Close(ctx)
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(vectorDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(vectorDir, 0o755)
	write("audit.pub", []byte(vkey+"\n"))
	e, _ := st.Entry(ctx, 4)
	write("leaf-ok.json", e.Leaf)
	write("leaf-bad-noncanonical.json", bytes.Replace(e.Leaf, []byte(`{"app"`), []byte(`{ "app"`), 1))
	write("leaf-bad-unknown-field.json", bytes.Replace(e.Leaf, []byte(`"v":1}`), []byte(`"v":1,"x":1}`), 1))
	write("leaf-bad-version.json", bytes.Replace(e.Leaf, []byte(`"v":1}`), []byte(`"v":2}`), 1))
	write("leaf-bad-key-order.json", bytes.Replace(e.Leaf, []byte(`"app":"web","decision":"redact"`), []byte(`"decision":"redact","app":"web"`), 1))
	write("leaf-bad-trailing.json", append(append([]byte{}, e.Leaf...), []byte(" {}")...))
	cp, _ := st.LatestCheckpoint(ctx)
	write("checkpoint-ok.txt", cp.Note)
	write("checkpoint-bad-size.txt", bytes.Replace(cp.Note, []byte("\n7\n"), []byte("\n8\n"), 1))
	incl, _ := audit.InclusionProof(ctx, st, 4, 7)
	ok, _ := json.MarshalIndent(incl, "", "  ")
	write("inclusion-ok.json", ok)
	bad := *incl
	bad.Hashes = append([]string{}, incl.Hashes...)
	bad.Hashes[0] = strings.Replace(bad.Hashes[0], bad.Hashes[0][:4], "AAAA", 1)
	b, _ := json.MarshalIndent(bad, "", "  ")
	write("inclusion-bad-hash.json", b)
	bad = *incl
	bad.Index = 3
	b, _ = json.MarshalIndent(bad, "", "  ")
	write("inclusion-bad-index.json", b)
	bad = *incl
	bad.Leaf = ""
	bad.LeafHash = incl.Hashes[0]
	b, _ = json.MarshalIndent(bad, "", "  ")
	write("inclusion-bad-leaf-hash.json", b)
	cons, _ := audit.ConsistencyProof(ctx, st, 3, 7)
	b, _ = json.MarshalIndent(cons, "", "  ")
	write("consistency-ok.json", b)
	bad = *cons
	bad.Hashes = incl.Hashes
	b, _ = json.MarshalIndent(bad, "", "  ")
	write("consistency-bad-hashes.json", b)
	bad = *cons
	bad.Checkpoint = strings.Replace(cons.Checkpoint, "\n\n— ", "\n\n— x", 1)
	b, _ = json.MarshalIndent(bad, "", "  ")
	write("consistency-bad-signature.json", b)
}

func TestVectors(t *testing.T) {
	if *update {
		generateVectors(t)
	}
	v, err := audit.LoadVerifier(filepath.Join(vectorDir, "audit.pub"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(vectorDir, "*-*"))
	if err != nil || len(files) < 10 {
		t.Fatalf("vectors: %v, %d files; run go test -run TestVectors -update", err, len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wantOK := strings.Contains(name, "-ok")
			var wantErr error
			switch {
			case strings.HasPrefix(name, "leaf-"):
				_, err = audit.DecodeLeaf(data)
				wantErr = audit.ErrBadLeaf
			case strings.HasPrefix(name, "checkpoint-"):
				_, err = audit.VerifyCheckpoint(data, v, "vectors.bulwark/audit")
				wantErr = audit.ErrBadCheckpoint
			default:
				_, err = audit.VerifyProof(data, v, "vectors.bulwark/audit", nil)
				wantErr = audit.ErrBadProof
				if strings.Contains(name, "signature") {
					wantErr = audit.ErrBadCheckpoint
				}
			}
			if wantOK && err != nil {
				t.Errorf("verify(%s) = %v; want nil", name, err)
			}
			if !wantOK && !errors.Is(err, wantErr) {
				t.Errorf("verify(%s) = %v; want %v", name, err, wantErr)
			}
		})
	}
}

func FuzzDecodeLeaf(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(vectorDir, "leaf-*"))
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":"x","index":0,"kind":"exchange","time":"2026-01-01T00:00:00Z","v":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := audit.DecodeLeaf(b)
		if err != nil {
			return
		}
		// Accepted leaves are canonical: they re-encode to the same bytes.
		re, err := audit.EncodeLeaf(l)
		if err != nil || !bytes.Equal(re, b) {
			t.Fatalf("DecodeLeaf accepted %q but it re-encodes to %q (%v)", b, re, err)
		}
		_ = l.Event()
	})
}

func FuzzVerifyProof(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	data, err := os.ReadFile(filepath.Join(vectorDir, "audit.pub"))
	if err != nil {
		f.Fatal(err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(data)))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = audit.VerifyProof(b, v, "", nil)
	})
}
