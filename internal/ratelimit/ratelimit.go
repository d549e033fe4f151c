// Package ratelimit enforces per-key limits: requests per minute, tokens per
// minute and concurrent streams. Limiter is the interface the gateway uses;
// Memory is the single-process implementation and Redis shares the limits
// between replicas.
package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"
)

// Limits are one key's limits; zero means unlimited.
type Limits struct {
	RequestsPerMinute    int
	TokensPerMinute      int
	MaxConcurrentStreams int
}

// Decision is the outcome of a check.
type Decision struct {
	Allowed bool
	// RetryAfter is how long to wait before retrying (for Retry-After).
	RetryAfter time.Duration
	// Reason is "requests", "tokens" or "streams" when not allowed.
	Reason string
}

// Limiter checks and records usage per key.
type Limiter interface {
	// Allow admits one request for key, charging it against the request
	// rate and checking the token rate's remaining budget.
	Allow(ctx context.Context, key string, l Limits) (Decision, error)
	// AddTokens charges tokens used by an exchange to key.
	AddTokens(ctx context.Context, key string, l Limits, n int) error
	// AcquireStream takes one of key's concurrent-stream slots; release
	// must be called when the stream ends. ok is false at the limit.
	AcquireStream(ctx context.Context, key string, l Limits) (release func(), ok bool, err error)
}

// Memory is an in-process Limiter: token buckets refilled continuously.
// It is safe for concurrent use.
type Memory struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]*state
}

type state struct {
	reqs, toks float64 // available
	last       time.Time
	streams    int
}

// NewMemory returns an empty in-memory limiter.
func NewMemory() *Memory { return &Memory{now: time.Now, m: map[string]*state{}} }

var _ Limiter = (*Memory)(nil)

func (m *Memory) get(key string, l Limits) *state {
	s := m.m[key]
	now := m.now()
	if s == nil {
		s = &state{reqs: float64(l.RequestsPerMinute), toks: float64(l.TokensPerMinute), last: now}
		m.m[key] = s
		return s
	}
	dt := now.Sub(s.last).Minutes()
	if dt > 0 {
		s.reqs = math.Min(float64(l.RequestsPerMinute), s.reqs+dt*float64(l.RequestsPerMinute))
		s.toks = math.Min(float64(l.TokensPerMinute), s.toks+dt*float64(l.TokensPerMinute))
		s.last = now
	}
	return s
}

// Allow implements Limiter.
func (m *Memory) Allow(_ context.Context, key string, l Limits) (Decision, error) {
	if l.RequestsPerMinute <= 0 && l.TokensPerMinute <= 0 {
		return Decision{Allowed: true}, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.get(key, l)
	if l.RequestsPerMinute > 0 && s.reqs < 1 {
		return Decision{RetryAfter: wait(1-s.reqs, l.RequestsPerMinute), Reason: "requests"}, nil
	}
	if l.TokensPerMinute > 0 && s.toks <= 0 {
		return Decision{RetryAfter: wait(1-s.toks, l.TokensPerMinute), Reason: "tokens"}, nil
	}
	if l.RequestsPerMinute > 0 {
		s.reqs--
	}
	return Decision{Allowed: true}, nil
}

// AddTokens implements Limiter. The balance may go negative: the next
// requests wait until it has refilled.
func (m *Memory) AddTokens(_ context.Context, key string, l Limits, n int) error {
	if l.TokensPerMinute <= 0 || n <= 0 {
		return nil
	}
	m.mu.Lock()
	m.get(key, l).toks -= float64(n)
	m.mu.Unlock()
	return nil
}

// AcquireStream implements Limiter.
func (m *Memory) AcquireStream(_ context.Context, key string, l Limits) (func(), bool, error) {
	if l.MaxConcurrentStreams <= 0 {
		return func() {}, true, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.get(key, l)
	if s.streams >= l.MaxConcurrentStreams {
		return nil, false, nil
	}
	s.streams++
	var once sync.Once
	return func() {
		once.Do(func() {
			m.mu.Lock()
			s.streams--
			m.mu.Unlock()
		})
	}, true, nil
}

// wait is how long until deficit units refill at perMinute.
func wait(deficit float64, perMinute int) time.Duration {
	d := time.Duration(deficit / float64(perMinute) * float64(time.Minute))
	if d < time.Second {
		d = time.Second
	}
	return d
}
