package pickle_test

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/pickle"
)

// collect is a Scope that keeps findings and scans nothing nested.
type collect struct{ findings []modelscan.Finding }

func (c *collect) Report(f modelscan.Finding)                      { c.findings = append(c.findings, f) }
func (c *collect) Descend(context.Context, modelscan.Object) error { return nil }

// smallOpsBlock is one APPENDS batch of 1000 small opcodes (ints, short
// strings, memo gets, None/True, floats), as in a pickled list of records.
func smallOpsBlock() []byte {
	var b bytes.Buffer
	b.WriteByte('(')
	for i := 0; i < 1000; i++ {
		switch i % 6 {
		case 0:
			b.Write([]byte{'K', byte(i)})
		case 1:
			b.Write([]byte{'M', byte(i), byte(i >> 8)})
		case 2:
			b.Write([]byte{0x8c, 3, 'a', 'b', 'c'})
		case 3:
			b.Write([]byte{'h', 0})
		case 4:
			b.Write([]byte{'N'})
		case 5:
			b.Write([]byte{'G', 0x3f, 0xf0, 0, 0, 0, 0, 0, 0})
		}
	}
	b.WriteByte('e')
	return b.Bytes()
}

var (
	smallHead = []byte{0x80, 4, ']', 0x94}
	smallTail = []byte{'.'}
)

// synthetic is a ReaderAt of head + n×block + tail, generated on the fly, so
// a multi-GB pickle needs no memory.
type synthetic struct {
	head, block, tail []byte
	n                 int64
}

func (s *synthetic) Size() int64 {
	return int64(len(s.head)) + s.n*int64(len(s.block)) + int64(len(s.tail))
}

func (s *synthetic) ReadAt(p []byte, off int64) (int, error) {
	size := s.Size()
	if off >= size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off < size {
		var src []byte
		var at int64
		switch body := s.n * int64(len(s.block)); {
		case off < int64(len(s.head)):
			src, at = s.head, off
		case off < int64(len(s.head))+body:
			src, at = s.block, (off-int64(len(s.head)))%int64(len(s.block))
		default:
			src, at = s.tail, off-int64(len(s.head))-body
		}
		c := copy(p[n:], src[at:])
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func scanAll(b *testing.B, r io.ReaderAt, size int64) *collect {
	f := pickle.New(nil, modelscan.Limits{})
	c := &collect{}
	if err := f.Scan(context.Background(), modelscan.Object{Name: "big.pkl", R: r, Size: size}, c); err != nil {
		b.Fatal(err)
	}
	if len(c.findings) != 0 {
		b.Fatalf("benign pickle has findings: %v", c.findings)
	}
	return c
}

// BenchmarkSmallOpcodes measures throughput on a 64 MiB pickle made of
// small opcodes (picklescan's worst case).
func BenchmarkSmallOpcodes(b *testing.B) {
	block := smallOpsBlock()
	s := &synthetic{head: smallHead, block: block, tail: smallTail, n: (64 << 20) / int64(len(block))}
	data := make([]byte, s.Size())
	if _, err := s.ReadAt(data, 0); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		scanAll(b, bytes.NewReader(data), int64(len(data)))
	}
	reportCPU(b, cpu0, int64(len(data))*int64(b.N))
}

// cpuTime is the process's user+system CPU time: on a shared, loaded
// machine it measures the scanner's own cost better than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration, n int64) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(float64(n)/1e6/d.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkConstantMemory scans a 4 GiB synthetic pickle and reports the
// peak Go heap while doing so: it must not grow with the input.
func BenchmarkConstantMemory(b *testing.B) {
	block := smallOpsBlock()
	s := &synthetic{head: smallHead, block: block, tail: smallTail, n: (4 << 30) / int64(len(block))}
	b.SetBytes(s.Size())
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				mu.Lock()
				peak = max(peak, ms.HeapInuse)
				mu.Unlock()
			}
		}
	}()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		scanAll(b, s, s.Size())
	}
	b.StopTimer()
	reportCPU(b, cpu0, s.Size()*int64(b.N))
	close(done)
	wg.Wait()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
