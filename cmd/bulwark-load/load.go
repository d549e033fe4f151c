package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// target is where a run sends its requests.
type target struct {
	url    string // full URL of the chat completions endpoint
	apiKey string
}

// runResult is what one open-loop run measured.
type runResult struct {
	Rate      float64         `json:"rate"`
	Sent      int             `json:"sent"`
	Errors    int             `json:"errors"`
	Achieved  float64         `json:"achieved_rate"`
	Latencies []time.Duration `json:"-"`
	// Turns holds the same latencies by turn (-block): the requests of
	// each turn of this caller, in the order the turns ran.
	Turns [][]time.Duration `json:"-"`
	P50   float64           `json:"p50_ms"`
	P99   float64           `json:"p99_ms"`
	P999  float64           `json:"p999_ms"`
	Max   float64           `json:"max_ms"`
	// FirstError describes one failure (status and a prefix of the body), so
	// a failing run says why.
	FirstError string `json:"first_error,omitempty"`
}

func newClient() *http.Client {
	return &http.Client{Transport: newTransport(), Timeout: 30 * time.Second}
}

// newTransport is a keep-alive pool large enough that an open-loop burst
// never waits for a connection slot.
func newTransport() *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        4096,
		MaxIdleConnsPerHost: 4096,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// chatBody returns a chat completion request whose user prompt is n bytes of
// ordinary English (so guardrails see realistic text, not one repeated byte).
func chatBody(n int, stream bool) []byte {
	return fmt.Appendf(nil, `{"model":"mock-model","stream":%t,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":%q}]}`, stream, englishText(n))
}

// englishText returns n bytes of ordinary English.
func englishText(n int) string {
	const sentence = "Please summarize the quarterly report for the operations team and list three follow-up actions. "
	var p strings.Builder
	for p.Len() < n {
		p.WriteString(sentence)
	}
	return p.String()[:n]
}

// openLoop sends rate requests per second for d (after an unmeasured warm-up)
// and records each latency from the request's due time.
func openLoop(ctx context.Context, c *http.Client, t target, body []byte, rate float64, warmup, d time.Duration) runResult {
	return openLoopBlocks(ctx, c, []target{t}, body, rate, warmup, d, 0)[0]
}

// openLoopBlocks runs schedule with one HTTP POST of body per request, to
// the targets in turn.
func openLoopBlocks(ctx context.Context, c *http.Client, ts []target, body []byte, rate float64, warmup, d, block time.Duration) []runResult {
	calls := make([]caller, len(ts))
	for k, t := range ts {
		calls[k] = func(ctx context.Context) string { return send(ctx, c, t, body) }
	}
	return schedule(ctx, calls, rate, warmup, d, block)
}

// caller performs one request (a chat completion, an MCP tool call) and
// returns "" on success or a description of the failure. It is called from
// many goroutines at once.
type caller func(ctx context.Context) string

// schedule is one open-loop schedule of rate requests per second that
// takes turns between the callers in blocks of the given length: with two
// callers and 1s blocks, second 0 goes to the first, second 1 to the
// second, and so on. Each caller gets warmup and then d of measured
// requests. Taking turns exposes both paths to the same background
// (other processes, the machine's own noise) over the whole run, so their
// difference is not a difference of two unrelated periods. block 0 means
// one block per caller (warm-up and measurement of the first, then of the
// second).
func schedule(ctx context.Context, calls []caller, rate float64, warmup, d, block time.Duration) []runResult {
	interval := time.Duration(float64(time.Second) / rate)
	total := int(d.Seconds() * rate)
	warm := int(warmup.Seconds() * rate)
	perBlock := int(block.Seconds() * rate)
	if perBlock <= 0 || perBlock > warm+total {
		perBlock = warm + total
	}
	// Whole blocks: each caller's last block may run past warm+total; the
	// extra requests keep the schedule and are not measured.
	blocks := (warm + total + perBlock - 1) / perBlock
	res := make([]runResult, len(calls))
	turns := (total + perBlock - 1) / perBlock
	for k := range res {
		res[k] = runResult{Rate: rate, Latencies: make([]time.Duration, 0, total), Turns: make([][]time.Duration, turns)}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	var measuredStart time.Time
	n := len(calls) * blocks * perBlock
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-ctx.Done():
				wg.Wait()
				return res
			case <-time.After(wait):
			}
		}
		// Request i is the j-th of caller k.
		blk := i / perBlock
		k := blk % len(calls)
		j := (blk/len(calls))*perBlock + i%perBlock
		measured := j >= warm && j < warm+total
		if measured && measuredStart.IsZero() {
			measuredStart = due
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errMsg := calls[k](ctx)
			lat := time.Since(due)
			if !measured {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			r := &res[k]
			r.Sent++
			if errMsg != "" {
				r.Errors++
				if r.FirstError == "" {
					r.FirstError = errMsg
				}
				return
			}
			r.Latencies = append(r.Latencies, lat)
			t := (j - warm) / perBlock
			r.Turns[t] = append(r.Turns[t], lat)
		}()
	}
	wg.Wait()
	// Each caller had its share of the time since the first measured
	// request; a generator or server that fell behind shows here.
	if elapsed := time.Since(measuredStart); !measuredStart.IsZero() && elapsed > 0 {
		share := elapsed.Seconds() / float64(len(calls))
		for k := range res {
			res[k].Achieved = float64(res[k].Sent) / share
		}
	}
	for k := range res {
		res[k].summarize()
	}
	return res
}

// send performs one request and returns "" on success or a description of
// the failure.
func send(ctx context.Context, c *http.Client, t target, body []byte) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	if t.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+t.apiKey)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err.Error()
	}
	if resp.StatusCode != http.StatusOK {
		if len(b) > 200 {
			b = b[:200]
		}
		return fmt.Sprintf("status %d: %s", resp.StatusCode, b)
	}
	return ""
}

func (r *runResult) summarize() {
	if len(r.Latencies) == 0 {
		return
	}
	sort.Slice(r.Latencies, func(i, j int) bool { return r.Latencies[i] < r.Latencies[j] })
	r.P50 = ms(quantile(r.Latencies, 0.50))
	r.P99 = ms(quantile(r.Latencies, 0.99))
	r.P999 = ms(quantile(r.Latencies, 0.999))
	r.Max = ms(r.Latencies[len(r.Latencies)-1])
}

// quantile returns the q-quantile of sorted (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
