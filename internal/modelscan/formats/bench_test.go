package formats_test

import (
	"archive/zip"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/formats"
	"github.com/bulwark-ai/bulwark/internal/modelscan/internal/corpus"
)

// writeZip writes a stored zip of members to path.
func writeZip(b *testing.B, path string, members func(add func(name string, data []byte))) int64 {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := zip.NewWriter(f)
	members(func(name string, data []byte) {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			b.Fatal(err)
		}
	})
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	info, _ := f.Stat()
	f.Close()
	return info.Size()
}

// torchDataPkl is a state dict of n tensors, as torch.save writes it.
func torchDataPkl(n int) []byte {
	p := &corpus.P{}
	p.Proto(2).Global("collections", "OrderedDict").Op(corpus.EmptyT, corpus.Reduce, corpus.Mark)
	for i := 0; i < n; i++ {
		p.Str(fmt.Sprintf("layer%d.weight", i)).Global("torch._utils", "_rebuild_tensor_v2").Op(corpus.Mark, corpus.Mark)
		p.Str("storage").Global("torch", "FloatStorage").Str(fmt.Sprint(i)).Str("cpu").Int(65536).Op(corpus.Tuple, corpus.BinPers)
		p.Int(0).Int(256).Int(256).Op(corpus.Tuple2).Int(256).Int(1).Op(corpus.Tuple2).Op(corpus.NewFalse)
		p.Global("collections", "OrderedDict").Op(corpus.EmptyT, corpus.Reduce, corpus.Tuple, corpus.Reduce)
	}
	p.Op(corpus.SetItems, corpus.Stop)
	return p.Bytes()
}

func benchScan(b *testing.B, path string, size int64) {
	sc := formats.NewScanner(modelscan.Limits{})
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := sc.Scan(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) != 0 || len(res.Errors) != 0 {
			b.Fatalf("benign archive: %v %v", res.Findings, res.Errors)
		}
	}
}

// BenchmarkTorchZip scans a 256 MiB PyTorch checkpoint (1024 tensors of
// 256 KiB): data.pkl is analysed, tensor storages are not read.
func BenchmarkTorchZip(b *testing.B) {
	path := filepath.Join(b.TempDir(), "pytorch_model.bin")
	storage := make([]byte, 256<<10)
	size := writeZip(b, path, func(add func(string, []byte)) {
		add("archive/data.pkl", torchDataPkl(1024))
		for i := 0; i < 1024; i++ {
			add(fmt.Sprintf("archive/data/%d", i), storage)
		}
		add("archive/version", []byte("3\n"))
	})
	benchScan(b, path, size)
}

// BenchmarkNPZ scans a 256 MiB .npz of eight stored float32 arrays: every
// member's CRC is checked and its .npy header parsed.
func BenchmarkNPZ(b *testing.B) {
	path := filepath.Join(b.TempDir(), "arrays.npz")
	const n = 8 << 20 // float32 elements per array (32 MiB)
	h := "{'descr': '<f4', 'fortran_order': False, 'shape': (8388608,), }"
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	npy := append([]byte("\x93NUMPY\x01\x00"), binary.LittleEndian.AppendUint16(nil, uint16(len(h)))...)
	npy = append(npy, h...)
	npy = append(npy, make([]byte, 4*n)...)
	size := writeZip(b, path, func(add func(string, []byte)) {
		for i := 0; i < 8; i++ {
			add(fmt.Sprintf("a%d.npy", i), npy)
		}
	})
	benchScan(b, path, size)
}
