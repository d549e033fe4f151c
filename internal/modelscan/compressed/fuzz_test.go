package compressed_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/compressed"
	"github.com/bulwark-ai/bulwark/internal/modelscan/pickle"
)

// FuzzScan feeds arbitrary bytes to the decompressors.
func FuzzScan(f *testing.F) {
	root := filepath.Join("..", "testdata", "corpus")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".joblib") || strings.HasSuffix(p, ".gz")) {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	for _, h := range []string{"BZh91AY&SY", "\xfd7zXZ\x00\x00", "\x04\x22\x4d\x18", "ZF0x10               x\x9c", "\x5d\x00\x00\x80\x00"} {
		f.Add([]byte(h))
	}
	lim := modelscan.Limits{MaxTotalBytes: 8 << 20, MaxBuffer: 1 << 20}
	sc := modelscan.NewScanner([]modelscan.Format{compressed.New(lim), pickle.New(nil, lim)}, lim)
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := sc.ScanReaderAt(context.Background(), "f.joblib", bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
	})
}
