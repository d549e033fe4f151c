package pickle_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/pickle"
)

// seedCorpus adds the generated corpus files whose names end with one of
// exts as fuzz seeds.
func seedCorpus(f *testing.F, exts ...string) {
	root := filepath.Join("..", "testdata", "corpus")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		for _, e := range exts {
			if strings.HasSuffix(p, e) {
				if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
					f.Add(b)
				}
			}
		}
		return nil
	})
}

// FuzzScan runs the symbolic machine on arbitrary bytes: it must never
// panic, hang or grow without bound, and malformed input is reported.
func FuzzScan(f *testing.F) {
	seedCorpus(f, ".pkl", ".pt", ".joblib")
	f.Add([]byte{0x80, 4, 0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Add([]byte("(S'\\x4'\ntR."))
	fm := pickle.New(nil, modelscan.Limits{MaxBuffer: 1 << 20})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &collect{}
		err := fm.Scan(context.Background(), modelscan.Object{Name: "f.pkl", R: bytes.NewReader(data), Size: int64(len(data))}, c)
		if err != nil {
			t.Fatalf("Scan returned an error for in-memory data: %v", err)
		}
		_ = pickle.Sniff(data[:min(len(data), 512)])
	})
}
