package secrets

import (
	"runtime"
	"testing"
)

// heapOf returns the live heap bytes that build's result keeps.
func heapOf(build func() any) (uint64, any) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := build()
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	if after.HeapAlloc < before.HeapAlloc {
		return 0, v
	}
	return after.HeapAlloc - before.HeapAlloc, v
}

// TestDetectorHeap measures the heap a Detector keeps (the gateway holds one
// per guardrail config; it is most of the secrets scanner's share of RSS).
func TestDetectorHeap(t *testing.T) {
	n, _ := heapOf(func() any {
		d, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
	t.Logf("secrets.New live heap: %.2f MB", float64(n)/(1<<20))
	// 13.9 MB before the stop-word trie and duplicate regexps were
	// dropped, 3.5 MB after (Go 1.26, amd64). The bound is loose: it
	// catches a return of the 9 MB trie, not allocator noise.
	if n > 8<<20 {
		t.Errorf("secrets.New keeps %.1f MB of heap; want < 8 MB", float64(n)/(1<<20))
	}
}
