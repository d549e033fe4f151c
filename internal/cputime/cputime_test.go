package cputime

import (
	"runtime"
	"testing"
	"time"
)

// TestThreadAdvances checks that busy work on a locked thread shows up as
// thread CPU time (on Linux; elsewhere Thread reads 0).
func TestThreadAdvances(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("thread CPU time is read on Linux only")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := Thread()
	x := 0
	for Thread() == start {
		x++ // spin until the clock ticks
	}
	if got := Thread(); got <= start {
		t.Errorf("Thread() = %v after busy work; want > %v", got, start)
	}
	_ = x
}

// TestProcessAdvances checks that work on another goroutine shows up in
// the process's CPU time.
func TestProcessAdvances(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("process CPU time is read on Linux only")
	}
	start := Process()
	done := make(chan int)
	go func() {
		x := 0
		// Spin until the clock ticks; a clock that never moves fails
		// below instead of hanging the test.
		for t0 := time.Now(); Process() == start && time.Since(t0) < 5*time.Second; {
			x++
		}
		done <- x
	}()
	<-done
	if got := Process(); got <= start {
		t.Errorf("Process() = %v after busy work; want > %v", got, start)
	}
}
