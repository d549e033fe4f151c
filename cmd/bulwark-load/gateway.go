package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// gateway is a child process serving HTTP: `bulwark serve`, the baseline
// proxy or the MCP upstream.
type gateway struct {
	cmd     *exec.Cmd
	dataURL string
	stderr  bytes.Buffer
}

// buildBulwark compiles ./cmd/bulwark into dir and returns the binary path.
// It names the package by import path, so it works from any directory of
// the module (go test runs in cmd/bulwark-load).
func buildBulwark(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "bulwark")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/bulwark-ai/bulwark/cmd/bulwark")
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build bulwark: %w", err)
	}
	return bin, nil
}

// freePort returns a loopback address with a port that was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// gatewayConfig is the config the measured gateway runs with: one
// OpenAI-compatible upstream (the zero-latency mock), one key without rate
// limits, and either the demo guardrail set (written out here as an operator
// would) or none.
func gatewayConfig(o options, upstream, listen, admin, dataDir string) string {
	var b strings.Builder
	writeServer(&b, o, listen, admin)
	fmt.Fprintf(&b, "upstreams:\n  - name: upstream\n    kind: openai\n    base_url: %q\n    api_key_env: BULWARK_LOAD_UPSTREAM_KEY\n", upstream)
	b.WriteString("models:\n  - name: mock-model\n    targets:\n      - upstream: upstream\n")
	b.WriteString("keys:\n  - id: load\n    app: load\n    key_sha256: " + keySHA256(loadKey) + "\n")
	if o.guardrails != "off" {
		b.WriteString(demoGuardrailsYAML)
	}
	if o.audit {
		fmt.Fprintf(&b, auditYAML, dataDir)
	}
	return b.String()
}

// writeServer writes the measured gateway's server and telemetry sections.
func writeServer(b *strings.Builder, o options, listen, admin string) {
	fmt.Fprintf(b, "server:\n  listen: %q\n  admin_listen: %q\n", listen, admin)
	if o.procs > 0 {
		fmt.Fprintf(b, "  max_procs: %d\n", o.procs)
	}
	b.WriteString("telemetry:\n  log_level: warn\n")
}

// demoGuardrailsYAML is the demo guardrail set (config.DemoGuardrails) as
// YAML: injection/jailbreak block, secrets redact, PII pseudonymize,
// exfiltration links neutralize, canary on.
const demoGuardrailsYAML = `guardrails:
  hold_back_bytes: 256
  injection:
    enabled: true
    input: true
    sources: [user, tool, document]
    action: block
    actions: {HARMFUL: flag}
  pii:
    enabled: true
    input: true
    output: true
    sources: [user, tool, document]
    action: pseudonymize
    output_action: flag
  secrets:
    enabled: true
    input: true
    output: true
    action: redact
  canary:
    enabled: true
    output: true
    action: block
  exfil:
    enabled: true
    output: true
    action: neutralize
    actions: {UNTRUSTED_LINK: flag}
  schema:
    enabled: true
    output: true
    action: flag
`

// auditYAML turns on the audit log in sync mode under the given directory.
const auditYAML = `audit:
  enabled: true
  mode: sync
  data_dir: %q
`

// loadKey is the gateway key the load generator uses; the config stores
// only its SHA-256.
const loadKey = "bk-load-test-key"

func keySHA256(k string) string {
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:])
}

// startGateway runs bin with cfg and waits until /readyz answers.
func startGateway(ctx context.Context, bin, dir, cfg, listen string) (*gateway, error) {
	path := filepath.Join(dir, "bulwark.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	return startChild(ctx, exec.CommandContext(ctx, bin, "serve", "--config", path), dir, listen)
}

// startBaseline runs this program as the baseline proxy (baseline.go) with
// args (baselineArgs or mcpBaselineArgs) and waits until it answers on
// listen.
func startBaseline(ctx context.Context, o options, dir, listen string, args []string) (*gateway, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), baselineEnv+"=1")
	if o.procs > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("GOMAXPROCS=%d", o.procs))
	}
	return startChild(ctx, cmd, dir, listen)
}

// startChild starts cmd (a server on listen) and waits until /readyz
// answers.
func startChild(ctx context.Context, cmd *exec.Cmd, dir, listen string) (*gateway, error) {
	g := &gateway{dataURL: "http://" + listen, cmd: cmd}
	g.cmd.Dir = dir
	if g.cmd.Env == nil {
		g.cmd.Env = os.Environ()
	}
	g.cmd.Env = append(g.cmd.Env, "BULWARK_LOAD_UPSTREAM_KEY=sk-upstream-load")
	g.cmd.Stderr = &g.stderr
	g.cmd.Stdout = &g.stderr
	if err := g.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start gateway: %w", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(g.dataURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return g, nil
			}
		}
		if g.cmd.ProcessState != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	g.stop()
	return nil, fmt.Errorf("gateway did not become ready; its output:\n%s", g.stderr.String())
}

// peakRSS returns the process's peak resident set size in bytes (VmHWM).
func (g *gateway) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", g.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "VmHWM:") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			break
		}
		kb, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			return 0, err
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("VmHWM not found")
}

func (g *gateway) stop() {
	if g.cmd.Process != nil {
		g.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { g.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			g.cmd.Process.Kill()
			<-done
		}
	}
}
