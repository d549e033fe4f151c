package provider

import (
	"sync"
	"time"
)

// Breaker is a consecutive-failure circuit breaker. Closed, it lets every
// call through; after threshold consecutive failures it opens and rejects
// calls for the cooldown; then one probe call is let through (half-open):
// success closes it, failure opens it again.
type Breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu        sync.Mutex
	failures  int
	openUntil time.Time
	probing   bool
}

// NewBreaker returns a breaker; threshold < 1 disables it.
func NewBreaker(threshold int, cooldown time.Duration) *Breaker {
	return &Breaker{threshold: threshold, cooldown: cooldown, now: time.Now}
}

// Allow reports whether a call may go through now.
func (b *Breaker) Allow() bool {
	if b == nil || b.threshold < 1 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.threshold {
		return true
	}
	if b.now().Before(b.openUntil) || b.probing {
		return false
	}
	b.probing = true
	return true
}

// Done records a call's outcome.
func (b *Breaker) Done(ok bool) {
	if b == nil || b.threshold < 1 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	if ok {
		b.failures = 0
		return
	}
	b.failures++
	if b.failures >= b.threshold {
		b.openUntil = b.now().Add(b.cooldown)
	}
}

// Open reports whether the breaker currently rejects calls.
func (b *Breaker) Open() bool {
	if b == nil || b.threshold < 1 {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failures >= b.threshold && (b.now().Before(b.openUntil) || b.probing)
}
