package pii

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFindConcurrent checks that one Detector serves concurrent callers
// with the same results as a single caller (run it with -race).
func TestFindConcurrent(t *testing.T) {
	d := testDetector(t)
	want := d.Find(prompt1K)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				if diff := cmp.Diff(want, d.Find(prompt1K)); diff != "" {
					errs <- diff
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for diff := range errs {
		t.Errorf("concurrent Find(prompt1K) mismatch (-want +got):\n%s", diff)
	}
}
