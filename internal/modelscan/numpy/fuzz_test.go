package numpy_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/numpy"
	"github.com/bulwark-ai/bulwark/internal/modelscan/pickle"
)

// hdr frames a version 1.0 .npy header.
func hdr(dict string) string {
	dict += "\n"
	return "\x93NUMPY\x01\x00" + string([]byte{byte(len(dict)), byte(len(dict) >> 8)}) + dict
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		name, data string
		object     bool
		shape      int
		wantErr    bool
	}{
		{"float", hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), false, 2, false},
		{"object", hdr("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"), true, 1, false},
		{"structured object", hdr("{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (), }"), true, 0, false},
		{"bad version", "\x93NUMPY\x09\x00\x10\x00{}", false, 0, true},
		{"header too long", "\x93NUMPY\x01\x00\xff\xff{}", false, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := numpy.ParseHeader(strings.NewReader(tt.data), int64(len(tt.data)))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseHeader(%q) error = %v; want error %v", tt.data, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if h.Object != tt.object || len(h.Shape) != tt.shape {
				t.Errorf("ParseHeader(%q) = object %v shape %v; want %v, %d dims", tt.data, h.Object, h.Shape, tt.object, tt.shape)
			}
		})
	}
}

// FuzzScan feeds arbitrary bytes to the .npy parser.
func FuzzScan(f *testing.F) {
	root := filepath.Join("..", "testdata", "corpus")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".npy") {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	lim := modelscan.Limits{MaxBuffer: 1 << 20}
	sc := modelscan.NewScanner([]modelscan.Format{numpy.Format{}, pickle.New(nil, lim)}, lim)
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := sc.ScanReaderAt(context.Background(), "f.npy", bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
	})
}
