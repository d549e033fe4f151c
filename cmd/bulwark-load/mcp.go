package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// The -mcp mode: three processes, as in a deployment. The upstream MCP
// server is this program re-executed (mcpupstream.go); Bulwark is `bulwark
// serve` with mcpGatewayConfig (with -baseline: the bare reverse proxy of
// baseline.go); the agents are go-sdk client sessions in this process, one
// set straight to the upstream and one set to Bulwark's /mcp/up. Both paths use the same HTTP transport settings and the same
// open-loop schedule (schedule in load.go), taking turns.

// mcpServerName is the upstream's name in Bulwark's config: agents reach it
// at /mcp/up and their allow-list names up/echo.
const mcpServerName = "up"

// loadAgent is the agent the load key belongs to.
const loadAgent = "load-agent"

// callTimeout bounds one tool call, so that a lost answer is an error and
// not a goroutine that outlives the run.
const callTimeout = 30 * time.Second

func measureMCP(ctx context.Context, o options, log io.Writer) (*report, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	policyDir := ""
	if !o.baseline {
		dir, err := checkPolicyDir(o.policyDir)
		if err != nil {
			return nil, err
		}
		policyDir = dir
	}
	ws, err := newWorkspace(ctx, o, log)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(ws.dir)

	up, err := startMCPUpstream(ctx, ws.dir)
	if err != nil {
		return nil, fmt.Errorf("start mcp upstream: %w", err)
	}
	defer up.stop()
	upURL := up.dataURL + mcpUpstreamPath
	var gw *gateway
	if o.baseline {
		gw, err = startBaseline(ctx, o, ws.dir, ws.listen, mcpBaselineArgs(ws.listen, upURL))
	} else {
		gw, err = startGateway(ctx, ws.bin, ws.dir, mcpGatewayConfig(o, policyDir, upURL, ws.listen, ws.admin, ws.dir), ws.listen)
	}
	if err != nil {
		return nil, err
	}
	defer gw.stop()

	tr := newTransport()
	defer tr.CloseIdleConnections()
	direct, err := dialMCP(ctx, upURL, &http.Client{Transport: tr}, o.sessions)
	if err != nil {
		return nil, fmt.Errorf("connect to the mcp upstream: %w", err)
	}
	defer direct.close()
	throughClient := &http.Client{Transport: bearer{key: loadKey, base: tr}}
	through, err := dialMCP(ctx, gw.dataURL+"/mcp/"+mcpServerName, throughClient, o.sessions)
	if err != nil {
		return nil, fmt.Errorf("connect through the gateway: %w\n%s", err, gw.stderr.String())
	}
	defer through.close()

	text := englishText(o.promptBytes)
	calls := []caller{direct.echo(text), through.echo(text)}
	for k, name := range []string{"direct", "through bulwark"} {
		if msg := calls[k](ctx); msg != "" {
			return nil, fmt.Errorf("probe call %s failed: %s", name, msg)
		}
	}

	rep := &report{Baseline: o.baseline, MCP: true, Sessions: o.sessions, PolicyDir: o.policyDir, Rate: o.rate, PromptBytes: o.promptBytes,
		Guardrails: o.guardrails, Audit: o.audit, CPUs: runtime.NumCPU(), GoMaxPro: runtime.GOMAXPROCS(0), GatewayProcs: o.procs}
	switch {
	case o.baseline:
		rep.PolicyDir, rep.Guardrails, rep.Audit = "n/a", "n/a (baseline proxy)", false
	case rep.PolicyDir == "":
		rep.PolicyDir = "none"
	}
	announce(log, o, "tools/call per s")
	rs := schedule(ctx, calls, o.rate, o.warmup, o.duration, o.block)
	rep.complete(ctx, o, rs, gw, calls[1], log)
	return rep, ctx.Err()
}

// checkPolicyDir returns dir as an absolute path (the gateway runs in a
// temporary directory) after checking that it holds Rego files. Empty
// means no policy: the gateway allows what the allow-list allows.
func checkPolicyDir(dir string) (string, error) {
	if dir == "" {
		return "", nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	files, err := filepath.Glob(filepath.Join(abs, "*.rego"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("-policy-dir %s: no *.rego files there (run from the repository root, or name a policy directory)", dir)
	}
	return abs, nil
}

// startMCPUpstream runs this program as the MCP upstream on a free loopback
// port and waits until it answers.
func startMCPUpstream(ctx context.Context, dir string) (*gateway, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	listen, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, mcpUpstreamArgs(listen)...)
	cmd.Env = append(os.Environ(), mcpUpstreamEnv+"=1")
	return startChild(ctx, cmd, dir, listen)
}

// mcpGatewayConfig is the config Bulwark runs with in -mcp mode: the MCP
// gateway with one HTTP upstream, one key for one agent whose allow-list
// is up/echo, the firewall with policyDir (none when empty), tool pins in
// the run's directory, and the same guardrails and audit settings as the
// chat-completion mode. Tool results are scanned by those guardrails (with
// the demo set: injection, PII and secrets, as source tool).
func mcpGatewayConfig(o options, policyDir, upstreamURL, listen, admin, dataDir string) string {
	var b strings.Builder
	writeServer(&b, o, listen, admin)
	fmt.Fprintf(&b, "keys:\n  - id: load\n    app: load\n    agent: %s\n    key_sha256: %s\n", loadAgent, keySHA256(loadKey))
	b.WriteString("agents:\n  enabled: true\n")
	if policyDir != "" {
		fmt.Fprintf(&b, "  policy_dir: %q\n", policyDir)
	}
	fmt.Fprintf(&b, "  allow_lists:\n    %s: [%q]\n", loadAgent, mcpServerName+"/echo")
	fmt.Fprintf(&b, "mcp:\n  enabled: true\n  pin_store: %q\n", filepath.Join(dataDir, "mcp-pins.json"))
	fmt.Fprintf(&b, "  servers:\n    - name: %s\n      transport: http\n      url: %q\n", mcpServerName, upstreamURL)
	if o.guardrails != "off" {
		b.WriteString(demoGuardrailsYAML)
	}
	if o.audit {
		fmt.Fprintf(&b, auditYAML, dataDir)
	}
	return b.String()
}

// mcpPool is a set of go-sdk client sessions to one MCP endpoint. Calls
// take the sessions in turn; a session may have several calls in flight.
type mcpPool struct {
	sessions []*sdk.ClientSession
	next     atomic.Uint64
}

// dialMCP opens n sessions to endpoint (initialize, then the SDK's
// standalone SSE stream, as an agent built on the SDK does).
func dialMCP(ctx context.Context, endpoint string, hc *http.Client, n int) (*mcpPool, error) {
	p := &mcpPool{}
	c := sdk.NewClient(&sdk.Implementation{Name: "bulwark-load", Version: "1"}, nil)
	for range n {
		cs, err := c.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: endpoint, HTTPClient: hc, MaxRetries: -1}, nil)
		if err != nil {
			p.close()
			return nil, err
		}
		p.sessions = append(p.sessions, cs)
	}
	return p, nil
}

func (p *mcpPool) close() {
	for _, cs := range p.sessions {
		_ = cs.Close()
	}
}

// echo returns a caller that sends text to the echo tool on the next
// session and checks that the same text came back.
func (p *mcpPool) echo(text string) caller {
	args := map[string]any{"text": text}
	return func(ctx context.Context) string {
		cs := p.sessions[(p.next.Add(1)-1)%uint64(len(p.sessions))]
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "echo", Arguments: args})
		if err != nil {
			return err.Error()
		}
		return echoMismatch(res, text)
	}
}

// echoMismatch returns "" when res is a successful echo of want, and
// otherwise what is wrong with it (a tool error, or a result the gateway
// changed or withheld).
func echoMismatch(res *sdk.CallToolResult, want string) string {
	var got strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(*sdk.TextContent); ok {
			got.WriteString(t.Text)
		}
	}
	switch {
	case res.IsError:
		return fmt.Sprintf("tool error: %.200s", got.String())
	case got.String() != want:
		return fmt.Sprintf("echo returned %d bytes, not the %d sent: %.200q", got.Len(), len(want), got.String())
	}
	return ""
}

// bearer adds the agent's gateway key to every request.
type bearer struct {
	key  string
	base http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.key)
	return b.base.RoundTrip(r)
}
