package archive_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/archive"
	"github.com/bulwark-ai/bulwark/internal/modelscan/pickle"
)

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

func scanner() *modelscan.Scanner {
	lim := modelscan.Limits{MaxTotalBytes: 8 << 20, MaxBuffer: 1 << 20, MaxEntries: 1000}
	return modelscan.NewScanner([]modelscan.Format{archive.NewZip(lim), archive.NewTar(lim), archive.NewSevenZip(lim), pickle.New(nil, lim)}, lim)
}

func fuzzScan(t *testing.T, name string, data []byte) {
	res, err := scanner().ScanReaderAt(context.Background(), name, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("ScanReaderAt: %v", err)
	}
	for _, e := range res.Errors {
		found := false
		for _, f := range res.Findings {
			if f.RuleID == modelscan.RuleUnparseable && f.Member == e.Member {
				found = true
			}
		}
		if !found {
			t.Fatalf("error %v has no unparseable finding", e)
		}
	}
}

// FuzzZip feeds arbitrary bytes to the zip reader and the local-header
// walker: no panic, no hang, no unbounded allocation.
func FuzzZip(f *testing.F) {
	seedCorpus(f, ".zip", ".pt", ".npz")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzScan(t, "f.zip", data) })
}

// FuzzTar feeds arbitrary bytes to the tar reader.
func FuzzTar(f *testing.F) {
	seedCorpus(f, ".tar")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzScan(t, "f.tar", data) })
}

// FuzzSevenZip feeds arbitrary bytes to the 7z reader.
func FuzzSevenZip(f *testing.F) {
	seedCorpus(f, ".7z")
	f.Add([]byte("7z\xbc\xaf\x27\x1c\x00\x04"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzScan(t, "f.7z", data) })
}
