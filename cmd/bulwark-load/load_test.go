package main

import (
	"context"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 1000; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {0.999, 999 * time.Millisecond}, {1, 1000 * time.Millisecond}} {
		if got := quantile(s, tc.q); got != tc.want {
			t.Errorf("quantile(1..1000ms, %v) = %v; want %v", tc.q, got, tc.want)
		}
	}
	if got := quantile(nil, 0.5); got != 0 {
		t.Errorf("quantile(nil, 0.5) = %v; want 0", got)
	}
}

func TestContainsStreamTrue(t *testing.T) {
	for _, tc := range []struct {
		body string
		want bool
	}{
		{`{"stream":true}`, true},
		{`{"stream": true,"model":"x"}`, true},
		{`{"stream":false}`, false},
		{`{"model":"x"}`, false},
		{`{"stream":`, false},
	} {
		if got := containsStreamTrue([]byte(tc.body)); got != tc.want {
			t.Errorf("containsStreamTrue(%q) = %v; want %v", tc.body, got, tc.want)
		}
	}
}

// TestOpenLoopAgainstUpstream drives the real mock upstream at a low rate and
// checks that every due request was sent and answered.
func TestOpenLoopAgainstUpstream(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	up, err := startUpstream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, stream := range []bool{false, true} {
		r := openLoop(ctx, newClient(), target{url: up + "/chat/completions"}, chatBody(1024, stream), 200, 100*time.Millisecond, 500*time.Millisecond)
		if r.Sent != 100 || r.Errors != 0 || len(r.Latencies) != 100 {
			t.Errorf("openLoop(stream=%v) sent %d, errors %d (%s), latencies %d; want 100, 0, 100", stream, r.Sent, r.Errors, r.FirstError, len(r.Latencies))
		}
		if r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P999 {
			t.Errorf("openLoop(stream=%v) percentiles p50=%v p99=%v p999=%v max=%v not ordered", stream, r.P50, r.P99, r.P999, r.Max)
		}
	}
}

func TestChatBodySize(t *testing.T) {
	b := chatBody(1024, false)
	if len(b) < 1024 || len(b) > 1300 {
		t.Errorf("len(chatBody(1024)) = %d; want about 1.1 KB", len(b))
	}
}
