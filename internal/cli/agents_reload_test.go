package cli

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/server"
)

// TestAgentsReload: a reload rebuilds the allow-lists, the policy and the
// MCP server definitions; a config that does not build (a policy that does
// not compile, a server credential that cannot be resolved) keeps all of
// them.
func TestAgentsReload(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	pol := filepath.Join(dir, "p.rego")
	writeRego := func(src string) {
		t.Helper()
		if err := os.WriteFile(pol, []byte("package bulwark.tools\n\n"+src+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeRego(`allow if input.tool.name == "ok"`)
	vars := map[string]string{"TOKEN": "secret"}
	mkcfg := func(lists map[string][]string, servers ...config.MCPServer) *config.Config {
		return &config.Config{
			Agents: config.Agents{Enabled: true, PolicyDir: dir, PolicyTimeout: config.Duration(time.Minute), AllowLists: lists},
			MCP:    config.MCP{Enabled: true, PinStore: filepath.Join(t.TempDir(), "pins.json"), Servers: servers},
		}
	}
	srvA := config.MCPServer{Name: "a", Transport: "http", URL: "http://127.0.0.1:1/mcp"}
	srvB := config.MCPServer{Name: "b", Transport: "http", URL: "http://127.0.0.1:2/mcp",
		Headers: []config.MCPHeader{{Name: "Authorization", ValueEnv: "TOKEN"}}}
	cur := mkcfg(map[string][]string{"bot": {"ok", "a/*"}}, srvA)
	cur.MCP.PinStore = filepath.Join(t.TempDir(), "pins.json")
	var opts server.Options
	h, err := openAgents(ctx, cur, func(k string) string { return vars[k] }, nil, &opts, liveState{
		keys: func() *auth.Keyring { return nil }, pipe: nil, cfg: func() *config.Config { return cur },
	})
	if err != nil {
		t.Fatalf("openAgents() = %v", err)
	}
	defer h.Close()
	decide := func(agentName, tool string) agent.Effect {
		d, _ := h.stack.Firewall.Decide(ctx, auth.Principal{App: "x", Agent: agentName}, agent.ToolCall{Name: tool}, nil)
		return d.Effect
	}
	servers := func() string {
		s := ""
		for _, n := range h.gw.Servers() {
			s += n + ","
		}
		return s
	}
	if decide("bot", "ok") != agent.EffectAllow || servers() != "a," {
		t.Fatalf("startup: decide = %v, servers = %s", decide("bot", "ok"), servers())
	}

	// Bad: the policy does not compile (with otherwise good changes).
	writeRego(`allow if {{{`)
	next := mkcfg(map[string][]string{"bot2": {"ok"}}, srvA, srvB)
	next.MCP.PinStore = cur.MCP.PinStore
	cur = next
	if err := h.Reload(ctx); err == nil {
		t.Fatal("Reload(broken policy) = nil error")
	}
	if decide("bot", "ok") != agent.EffectAllow || decide("bot2", "ok") != agent.EffectDeny || servers() != "a," {
		t.Fatal("a failed reload changed allow-lists, policy or servers")
	}
	// Bad: a server credential cannot be resolved.
	writeRego(`allow if input.tool.name == "ok"`)
	delete(vars, "TOKEN")
	if err := h.Reload(ctx); err == nil {
		t.Fatal("Reload(missing credential) = nil error")
	}
	if decide("bot2", "ok") != agent.EffectDeny || servers() != "a," {
		t.Fatal("a failed reload changed allow-lists or servers")
	}
	// Good: everything applies.
	vars["TOKEN"] = "secret"
	writeRego(`allow if input.tool.name != ""`)
	if err := h.Reload(ctx); err != nil {
		t.Fatalf("Reload() = %v", err)
	}
	if decide("bot", "ok") != agent.EffectDeny || decide("bot2", "ok") != agent.EffectAllow || servers() != "a,b," {
		t.Fatalf("after reload: bot %v, bot2 %v, servers %s; want deny, allow, a,b,", decide("bot", "ok"), decide("bot2", "ok"), servers())
	}
	// Removing a server.
	next = mkcfg(map[string][]string{"bot2": {"ok"}}, srvB)
	next.MCP.PinStore = cur.MCP.PinStore
	cur = next
	if err := h.Reload(ctx); err != nil {
		t.Fatalf("Reload() = %v", err)
	}
	if servers() != "b," {
		t.Fatalf("after removing a: servers %s", servers())
	}
}
