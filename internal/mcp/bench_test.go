package mcp

import (
	"context"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/guardrails"
	"github.com/bulwark-ai/bulwark/internal/testtext"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/sys/unix"
)

// BenchmarkProxy measures tools/call latency of the same echo tool directly
// against the in-process upstream and through Bulwark (auth, pin check,
// schema check, Rego policy, result scan), both over Streamable HTTP on
// loopback, with per-op p50/p99. Added latency = via - direct. via-bulwark
// uses the tests' one-rule policy and one-rule pipeline; via-bulwark-demo
// the example policies (deploy/policies) and the demo guardrails, what a
// user of the documented setup runs, with 1 KB of text (compare with
// direct-1k). The via-bulwark-audit-* cases add the
// audit log (SQLite in a temporary directory) in each mode: every decision
// is recorded before the call goes upstream, and in sync mode Record waits
// for its group commit (an fsync).
func BenchmarkProxy(b *testing.B) {
	up := newUpstreamServer("Echo the given text back.")
	url, _ := serveUpstream(b, up.server)
	upstreams := []UpstreamConfig{{Name: "up", Transport: "http", URL: url}}
	e := newEnv(b, envOptions{upstreams: upstreams})
	for _, tc := range []struct {
		name, url, key string
		audit          string // audit log mode; "" for none
		demo           bool   // example policies and demo guardrails
		text           string // the echo argument; "" for "hello"
	}{
		{name: "direct", url: url},
		{name: "via-bulwark", url: e.url + "up", key: "k-assistant"},
		{name: "direct-1k", url: url, text: prose1K},
		{name: "via-bulwark-demo", key: "k-assistant", demo: true, text: prose1K},
		{name: "via-bulwark-audit-batch", key: "k-assistant", audit: "batch"},
		{name: "via-bulwark-audit-sync", key: "k-assistant", audit: "sync"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if tc.audit != "" {
				ae := newEnv(b, envOptions{upstreams: upstreams, auditor: benchAuditLog(b, tc.audit)})
				tc.url = ae.url + "up"
			}
			if tc.demo {
				pipe, err := guardrails.Build(config.DemoGuardrails())
				if err != nil {
					b.Fatal(err)
				}
				de := newEnv(b, envOptions{upstreams: upstreams, policyDir: "../../deploy/policies", pipeline: pipe})
				tc.url = de.url + "up"
			}
			if tc.text == "" {
				tc.text = "hello"
			}
			benchCalls(b, tc.url, tc.key, tc.text)
		})
	}
}

// prose1K is 1 KB of English text, the load generator's -prompt-bytes.
var prose1K = testtext.Prose(1024, 1)

// benchAuditLog opens an audit log in a temporary directory, closed when
// the benchmark ends.
func benchAuditLog(b *testing.B, mode string) *audit.Log {
	c := config.Audit{Enabled: true, DataDir: b.TempDir(), Mode: mode, Payloads: "off"}
	l, err := audit.Open(context.Background(), c, nil, nil, nil)
	if err != nil {
		b.Fatalf("audit.Open(%s) = %v", mode, err)
	}
	b.Cleanup(func() { _ = l.Close(context.Background()) })
	return l
}

// benchCalls runs b.N echo calls through a go-sdk client session to url and
// reports process CPU, p50 and p99 per call.
func benchCalls(b *testing.B, url, key, text string) {
	c := sdk.NewClient(&sdk.Implementation{Name: "bench", Version: "1"}, nil)
	tr := &sdk.StreamableClientTransport{Endpoint: url, MaxRetries: -1}
	if key != "" {
		tr.HTTPClient = &http.Client{Transport: bearer{key: key, base: http.DefaultTransport}}
	}
	cs, err := c.Connect(context.Background(), tr, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer cs.Close()
	ctx := context.Background()
	params := &sdk.CallToolParams{Name: "echo", Arguments: map[string]any{"text": text}}
	for i := 0; i < 50; i++ { // warm up connections and caches
		if _, err := cs.CallTool(ctx, params); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	durs := make([]time.Duration, 0, b.N)
	// Process CPU time per call (client, Bulwark and upstream are all in
	// this process): via minus direct is Bulwark's CPU cost per call,
	// which, unlike wall time, a busy machine does not inflate.
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
}

func processCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
