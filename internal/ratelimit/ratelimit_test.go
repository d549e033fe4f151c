package ratelimit

import (
	"context"
	"testing"
	"time"
)

func TestMemoryRequests(t *testing.T) {
	now := time.Unix(0, 0)
	m := NewMemory()
	m.now = func() time.Time { return now }
	l := Limits{RequestsPerMinute: 2}
	ctx := context.Background()
	for i, want := range []bool{true, true, false} {
		d, _ := m.Allow(ctx, "k", l)
		if d.Allowed != want {
			t.Fatalf("Allow #%d = %v; want %v", i, d.Allowed, want)
		}
		if !want && d.RetryAfter <= 0 {
			t.Errorf("RetryAfter = %v; want > 0", d.RetryAfter)
		}
	}
	now = now.Add(30 * time.Second)
	if d, _ := m.Allow(ctx, "k", l); !d.Allowed {
		t.Error("Allow after refill = false; want true")
	}
	if d, _ := m.Allow(ctx, "other", l); !d.Allowed {
		t.Error("Allow(other key) = false; want true")
	}
}

func TestMemoryTokens(t *testing.T) {
	m := NewMemory()
	l := Limits{TokensPerMinute: 100}
	ctx := context.Background()
	if d, _ := m.Allow(ctx, "k", l); !d.Allowed {
		t.Fatal("first Allow = false")
	}
	m.AddTokens(ctx, "k", l, 150)
	if d, _ := m.Allow(ctx, "k", l); d.Allowed || d.Reason != "tokens" {
		t.Errorf("Allow over token budget = %+v; want denied for tokens", d)
	}
}

func TestMemoryStreams(t *testing.T) {
	m := NewMemory()
	l := Limits{MaxConcurrentStreams: 1}
	ctx := context.Background()
	rel, ok, _ := m.AcquireStream(ctx, "k", l)
	if !ok {
		t.Fatal("first AcquireStream = false")
	}
	if _, ok, _ := m.AcquireStream(ctx, "k", l); ok {
		t.Error("second AcquireStream = true; want false")
	}
	rel()
	rel()
	if _, ok, _ := m.AcquireStream(ctx, "k", l); !ok {
		t.Error("AcquireStream after release = false; want true")
	}
}
