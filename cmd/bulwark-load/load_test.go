package main

import (
	"context"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
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

// TestOpenLoopBlocksTakesTurns sends one schedule to two real servers in
// turns: each gets its warm-up and measured share, whole blocks included,
// and the first block goes to the first target only.
func TestOpenLoopBlocksTakesTurns(t *testing.T) {
	var mu sync.Mutex
	var order []int
	servers := make([]*httptest.Server, 2)
	for k := range servers {
		servers[k] = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			mu.Lock()
			order = append(order, k)
			mu.Unlock()
		}))
		defer servers[k].Close()
	}
	ts := []target{{url: servers[0].URL}, {url: servers[1].URL}}
	// 400 req/s: per target 20 warm-up and 100 measured requests, in
	// blocks of 12: 10 whole blocks (120 requests) each.
	rs := openLoopBlocks(context.Background(), newClient(), ts, []byte(`{}`), 400, 50*time.Millisecond, 250*time.Millisecond, 30*time.Millisecond)
	for k, r := range rs {
		if r.Sent != 100 || r.Errors != 0 || len(r.Latencies) != 100 {
			t.Errorf("target %d: sent %d, errors %d (%s), latencies %d; want 100 measured, no errors", k, r.Sent, r.Errors, r.FirstError, len(r.Latencies))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	got := [2]int{}
	for _, k := range order {
		got[k]++
	}
	if got != [2]int{120, 120} {
		t.Errorf("requests received per target = %v; want [120 120] (10 whole blocks of 12 each)", got)
	}
	// Requests are sent from goroutines, so arrivals may reorder a little
	// at a turn, but the first block's first request is the first target's.
	if order[0] != 0 {
		t.Errorf("first request went to target %d; want 0", order[0])
	}
}

// TestBaselineProxy puts the baseline proxy in front of the real mock
// upstream and checks it relays the answer and stops with its context.
func TestBaselineProxy(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	up, err := startUpstream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- serveBaseline(pctx, ln, up+"/chat/completions") }()
	r := openLoop(ctx, newClient(), target{url: "http://" + ln.Addr().String() + "/v1/chat/completions"}, chatBody(1024, false), 200, 0, 250*time.Millisecond)
	if r.Sent != 50 || r.Errors != 0 {
		t.Errorf("through the baseline proxy: sent %d, errors %d (%s); want 50, 0", r.Sent, r.Errors, r.FirstError)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serveBaseline = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serveBaseline did not return after its context ended")
	}
}

// addedRanges: a constant difference gives a range of that difference
// alone; one slow turn widens the range of the added p99 and not of the
// added p50; too few turns give none.
func TestAddedRanges(t *testing.T) {
	turns := func(n int, f func(turn, i int) time.Duration) [][]time.Duration {
		out := make([][]time.Duration, n)
		for k := range out {
			for i := range 200 {
				out[k] = append(out[k], f(k, i))
			}
		}
		return out
	}
	base := func(_, i int) time.Duration { return time.Duration(500+i*10) * time.Microsecond }
	direct := turns(20, base)
	through := turns(20, func(k, i int) time.Duration { return base(k, i) + time.Millisecond })
	p50, p99, ok := addedRanges(direct, through, 200)
	near := func(r [2]float64, v float64) bool { return math.Abs(r[0]-v) < 1e-9 && math.Abs(r[1]-v) < 1e-9 }
	if !ok || !near(p50, 1) || !near(p99, 1) {
		t.Errorf("constant 1 ms: ranges %v %v %v; want [1 1] twice", p50, p99, ok)
	}
	slow := turns(20, func(k, i int) time.Duration {
		if k == 3 && i < 20 {
			return 30 * time.Millisecond
		}
		return base(k, i) + time.Millisecond
	})
	p50, p99, _ = addedRanges(direct, slow, 200)
	if p99[1]-p99[0] < 1 {
		t.Errorf("one slow turn: added p99 range %v; want it wide", p99)
	}
	if p50[1]-p50[0] > 0.1 {
		t.Errorf("one slow turn: added p50 range %v; want it narrow", p50)
	}
	if _, _, ok := addedRanges(direct[:4], through[:4], 200); ok {
		t.Error("four turns gave a range")
	}
}
