package mcp

import (
	"context"
	"net/http"
	"sort"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/sys/unix"
)

// BenchmarkProxy measures tools/call latency of the same echo tool directly
// against the in-process upstream and through Bulwark (auth, pin check,
// schema check, Rego policy, result scan), both over Streamable HTTP on
// loopback, with per-op p50/p99. Added latency = via - direct.
func BenchmarkProxy(b *testing.B) {
	up := newUpstreamServer("Echo the given text back.")
	url, _ := serveUpstream(b, up.server)
	e := newEnv(b, envOptions{upstreams: []UpstreamConfig{{Name: "up", Transport: "http", URL: url}}})
	for _, tc := range []struct {
		name, url, key string
	}{
		{"direct", url, ""},
		{"via-bulwark", e.url + "up", "k-assistant"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c := sdk.NewClient(&sdk.Implementation{Name: "bench", Version: "1"}, nil)
			tr := &sdk.StreamableClientTransport{Endpoint: tc.url, MaxRetries: -1}
			if tc.key != "" {
				tr.HTTPClient = &http.Client{Transport: bearer{key: tc.key, base: http.DefaultTransport}}
			}
			cs, err := c.Connect(context.Background(), tr, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer cs.Close()
			ctx := context.Background()
			params := &sdk.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "hello"}}
			for i := 0; i < 50; i++ { // warm up connections and caches
				if _, err := cs.CallTool(ctx, params); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			durs := make([]time.Duration, 0, b.N)
			// Process CPU time per call (client, Bulwark and upstream are
			// all in this process): via minus direct is Bulwark's CPU cost
			// per call, which, unlike wall time, a busy machine does not
			// inflate.
			cpu0 := processCPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				res, err := cs.CallTool(ctx, params)
				durs = append(durs, time.Since(start))
				if err != nil || res.IsError {
					b.Fatalf("CallTool() = %v, %v", res, err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
			b.ReportMetric(float64(durs[len(durs)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
		})
	}
}

func processCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
