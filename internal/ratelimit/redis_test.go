package ratelimit

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func newRedis(t *testing.T) *Redis {
	addr := os.Getenv("BULWARK_TEST_REDIS")
	if addr == "" {
		t.Skip("set BULWARK_TEST_REDIS to run")
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	prefix := "bulwark-test:" + t.Name() + ":" + strconv.FormatInt(time.Now().UnixNano(), 10) + ":"
	r := NewRedis(c, prefix)
	// Pin the clock mid-window so the test never straddles a minute.
	now := time.Now().Truncate(time.Minute).Add(30 * time.Second)
	r.now = func() time.Time { return now }
	return r
}

func TestRedisRequestsAndTokens(t *testing.T) {
	r := newRedis(t)
	ctx := context.Background()
	l := Limits{RequestsPerMinute: 2, TokensPerMinute: 100}
	for i, want := range []bool{true, true, false} {
		d, err := r.Allow(ctx, "k", l)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != want {
			t.Fatalf("Allow #%d = %v; want %v", i, d.Allowed, want)
		}
	}
	l2 := Limits{TokensPerMinute: 100}
	if err := r.AddTokens(ctx, "t", l2, 150); err != nil {
		t.Fatal(err)
	}
	if d, _ := r.Allow(ctx, "t", l2); d.Allowed || d.Reason != "tokens" || d.RetryAfter <= 0 {
		t.Errorf("Allow over tokens = %+v; want denied for tokens with Retry-After", d)
	}
}

func TestRedisStreams(t *testing.T) {
	r := newRedis(t)
	ctx := context.Background()
	l := Limits{MaxConcurrentStreams: 1}
	rel, ok, err := r.AcquireStream(ctx, "k", l)
	if err != nil || !ok {
		t.Fatalf("AcquireStream = %v, %v", ok, err)
	}
	if _, ok, _ := r.AcquireStream(ctx, "k", l); ok {
		t.Error("second AcquireStream = true; want false")
	}
	rel()
	rel()
	if _, ok, _ := r.AcquireStream(ctx, "k", l); !ok {
		t.Error("AcquireStream after release = false")
	}
}
