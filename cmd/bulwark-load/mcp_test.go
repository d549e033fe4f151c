package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestMain lets the test binary stand in for bulwark-load when -mcp
// re-executes itself as the MCP upstream (os.Executable is the test
// binary here).
func TestMain(m *testing.M) {
	if os.Getenv(mcpUpstreamEnv) == "1" {
		os.Exit(runMCPUpstream(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestMCPModeEndToEnd is a short real run of -mcp: bulwark built from this
// tree, the upstream and Bulwark as child processes, the example policies
// and the demo guardrails. Every call on both paths must succeed (the
// caller checks the echoed text), and the report must hold sane numbers.
func TestMCPModeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bulwark and runs two child processes for a few seconds; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	// Turns of 600ms: two per path, 2.4 s of calls in all.
	args := []string{"-mcp", "-rate", "50", "-duration", "1s", "-warmup", "200ms", "-block", "600ms", "-sessions", "3",
		"-search=false", "-json", "-policy-dir", "../../deploy/policies"}
	if code := run(ctx, args, &stdout, &stderr); code != 0 {
		t.Fatalf("run(%q) = %d; want 0\nstdout:\n%s\nstderr:\n%s", args, code, stdout.String(), stderr.String())
	}
	var rep report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout.String())
	}
	if !rep.MCP || rep.Sessions != 3 || rep.Rate != 50 || rep.PolicyDir != "../../deploy/policies" {
		t.Errorf("report mcp=%v sessions=%d rate=%v policy_dir=%q; want true, 3, 50, ../../deploy/policies", rep.MCP, rep.Sessions, rep.Rate, rep.PolicyDir)
	}
	for _, p := range []struct {
		name string
		r    runResult
	}{{"direct", rep.Direct}, {"through bulwark", rep.Through}} {
		if p.r.Sent != 50 || p.r.Errors != 0 {
			t.Errorf("%s: sent %d, errors %d (%s); want 50, 0", p.name, p.r.Sent, p.r.Errors, p.r.FirstError)
		}
		if p.r.P50 <= 0 || p.r.P99 < p.r.P50 || p.r.P999 < p.r.P99 || p.r.Max < p.r.P999 {
			t.Errorf("%s: p50 %v, p99 %v, p99.9 %v, max %v; want positive and ordered", p.name, p.r.P50, p.r.P99, p.r.P999, p.r.Max)
		}
	}
	if rep.PeakRSS <= 0 {
		t.Errorf("gateway peak RSS = %d; want > 0", rep.PeakRSS)
	}
}

// TestEchoUpstreamThroughPool serves the echo upstream in this process and
// drives it from a pool of real go-sdk sessions: the tool is listed with
// its input schema, every call gets its text back, and a call that breaks
// the schema fails.
func TestEchoUpstreamThroughPool(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serveMCPUpstream(ctx, ln) }()
	url := "http://" + ln.Addr().String() + mcpUpstreamPath
	tr := newTransport()
	defer tr.CloseIdleConnections()
	pool, err := dialMCP(ctx, url, &http.Client{Transport: tr}, 3)
	if err != nil {
		t.Fatalf("dialMCP(%s) = %v", url, err)
	}

	tools, err := pool.sessions[0].ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("ListTools() = %v", err)
	}
	if len(tools.Tools) != 1 || tools.Tools[0].Name != "echo" {
		t.Fatalf("ListTools() = %v; want the echo tool only", tools.Tools)
	}
	var schema struct {
		Properties map[string]struct {
			Type string `json:"type"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	b, _ := json.Marshal(tools.Tools[0].InputSchema)
	if err := json.Unmarshal(b, &schema); err != nil || schema.Properties["text"].Type != "string" || !slices.Equal(schema.Required, []string{"text"}) {
		t.Errorf("echo input schema = %s; want a required string property text", b)
	}

	r := schedule(ctx, []caller{pool.echo(englishText(300))}, 200, 0, 250*time.Millisecond, 0)[0]
	if r.Sent != 50 || r.Errors != 0 || len(r.Latencies) != 50 {
		t.Errorf("echo at 200/s for 250ms: sent %d, errors %d (%s), latencies %d; want 50, 0, 50", r.Sent, r.Errors, r.FirstError, len(r.Latencies))
	}
	if got := pool.next.Load(); got != 50 {
		t.Errorf("calls taken from the pool = %d; want 50", got)
	}
	// The SDK refuses a schema violation with an error or a tool error
	// result; either way not an echo.
	res, err := pool.sessions[1].CallTool(ctx, &sdk.CallToolParams{Name: "echo", Arguments: map[string]any{"text": 7}})
	if err == nil && !res.IsError {
		t.Errorf("CallTool(echo, text: 7) = %v; want the input schema to refuse a number", res.Content)
	}

	pool.close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serveMCPUpstream = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serveMCPUpstream did not return after its context ended")
	}
}

// TestMCPBaselineProxy puts the MCP baseline proxy between real go-sdk
// sessions and the echo upstream: sessions, SSE answers and tool calls
// pass through, and it stops with its context.
func TestMCPBaselineProxy(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	upLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	upDone := make(chan error, 1)
	go func() { upDone <- serveMCPUpstream(ctx, upLn) }()
	defer func() {
		cancel()
		if err := <-upDone; err != nil {
			t.Errorf("serveMCPUpstream = %v", err)
		}
	}()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- serveMCPBaseline(pctx, ln, "http://"+upLn.Addr().String()+mcpUpstreamPath) }()
	tr := newTransport()
	defer tr.CloseIdleConnections()
	pool, err := dialMCP(ctx, "http://"+ln.Addr().String()+"/mcp/up", &http.Client{Transport: tr}, 2)
	if err != nil {
		t.Fatalf("dialMCP through the baseline proxy = %v", err)
	}
	r := schedule(ctx, []caller{pool.echo(englishText(100))}, 200, 0, 250*time.Millisecond, 0)[0]
	if r.Sent != 50 || r.Errors != 0 {
		t.Errorf("echo through the baseline proxy: sent %d, errors %d (%s); want 50, 0", r.Sent, r.Errors, r.FirstError)
	}
	pool.close()
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serveMCPBaseline = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serveMCPBaseline did not return after its context ended")
	}
}

func TestEchoMismatch(t *testing.T) {
	text := func(s ...string) []sdk.Content {
		var c []sdk.Content
		for _, x := range s {
			c = append(c, &sdk.TextContent{Text: x})
		}
		return c
	}
	for _, tc := range []struct {
		name string
		res  *sdk.CallToolResult
		want string // prefix of the result; "" for a match
	}{
		{"same text", &sdk.CallToolResult{Content: text("hello world")}, ""},
		{"split over two items", &sdk.CallToolResult{Content: text("hello ", "world")}, ""},
		{"tool error", &sdk.CallToolResult{IsError: true, Content: text("blocked by bulwark")}, "tool error: blocked by bulwark"},
		{"redacted", &sdk.CallToolResult{Content: text("hello [EMAIL]")}, "echo returned 13 bytes, not the 11 sent"},
		{"empty", &sdk.CallToolResult{}, "echo returned 0 bytes, not the 11 sent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := echoMismatch(tc.res, "hello world")
			if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
				t.Errorf("echoMismatch(%s) = %q; want prefix %q", tc.name, got, tc.want)
			}
		})
	}
}

// TestMCPGatewayConfig checks the generated config with Bulwark's own
// config parser (strict keys, defaults, validation).
func TestMCPGatewayConfig(t *testing.T) {
	for _, tc := range []struct {
		name      string
		o         options
		policyDir string
	}{
		{"demo guardrails, policies", options{guardrails: "default"}, "/srv/policies"},
		{"no guardrails, audit, no policy", options{guardrails: "off", audit: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			y := mcpGatewayConfig(tc.o, tc.policyDir, "http://127.0.0.1:9/mcp", "127.0.0.1:7001", "127.0.0.1:7002", dir)
			cfg, err := config.Parse([]byte(y))
			if err != nil {
				t.Fatalf("config.Parse = %v\n%s", err, y)
			}
			if !cfg.MCP.Enabled || len(cfg.MCP.Servers) != 1 || cfg.MCP.Servers[0].Name != "up" || cfg.MCP.Servers[0].URL != "http://127.0.0.1:9/mcp" {
				t.Errorf("mcp = %+v; want enabled with server up at the upstream URL", cfg.MCP)
			}
			if !strings.HasPrefix(cfg.MCP.PinStore, dir) {
				t.Errorf("mcp.pin_store = %q; want it under %s", cfg.MCP.PinStore, dir)
			}
			if len(cfg.Keys) != 1 || cfg.Keys[0].Agent != loadAgent || cfg.Keys[0].KeySHA256 != keySHA256(loadKey) {
				t.Errorf("keys = %+v; want the load key for agent %s", cfg.Keys, loadAgent)
			}
			if !cfg.Agents.Enabled || cfg.Agents.PolicyDir != tc.policyDir || !slices.Equal(cfg.Agents.AllowLists[loadAgent], []string{"up/echo"}) {
				t.Errorf("agents = %+v; want enabled, policy_dir %q, allow-list [up/echo]", cfg.Agents, tc.policyDir)
			}
			if got, want := cfg.Guardrails.Injection.Enabled, tc.o.guardrails != "off"; got != want {
				t.Errorf("guardrails.injection.enabled = %v; want %v", got, want)
			}
			if cfg.Audit.Enabled != tc.o.audit {
				t.Errorf("audit.enabled = %v; want %v", cfg.Audit.Enabled, tc.o.audit)
			}
		})
	}
}

func TestParseOptions(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		wantRate float64
		wantErr  bool
	}{
		{nil, 1000, false},
		{[]string{"-mcp"}, defaultMCPRate, false},
		{[]string{"-mcp", "-rate", "50"}, 50, false},
		{[]string{"-rate", "50"}, 50, false},
		{[]string{"-mcp", "-baseline"}, defaultMCPRate, false},
		{[]string{"-mcp", "-stream"}, 0, true},
		{[]string{"-mcp", "-sessions", "0"}, 0, true},
		{[]string{"-rate", "0"}, 0, true},
		{[]string{"-no-such-flag"}, 0, true},
	} {
		o, err := parseOptions(tc.args, io.Discard)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseOptions(%q) error = %v; want error %v", tc.args, err, tc.wantErr)
			continue
		}
		if err == nil && o.rate != tc.wantRate {
			t.Errorf("parseOptions(%q).rate = %v; want %v", tc.args, o.rate, tc.wantRate)
		}
	}
}
