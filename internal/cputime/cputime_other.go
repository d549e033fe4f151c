//go:build !linux

package cputime

import "time"

// Thread is not available on this platform; CPU-time metrics read 0.
func Thread() time.Duration { return 0 }

// Process is not available on this platform; CPU-time metrics read 0.
func Process() time.Duration { return 0 }
