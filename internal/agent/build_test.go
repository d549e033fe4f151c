package agent

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/config"
)

func TestBuildAndAgentsHandler(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "p.rego")
	if err := os.WriteFile(pol, []byte("package bulwark.tools\n\nallow if input.tool.name == \"ok\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	aud := &memAuditor{}
	s, err := Build(context.Background(), config.Agents{Enabled: true, PolicyDir: dir, PolicyTimeout: config.Duration(time.Minute),
		AllowLists: map[string][]string{"bot": {"ok"}}}, aud, nil)
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	defer s.Close()
	hs := s.Handlers()
	for _, p := range []string{"/admin/approvals/", "/admin/kill/", "/admin/agents/"} {
		if hs[p] == nil {
			t.Errorf("Handlers() lacks %s", p)
		}
	}
	h := hs["/admin/agents/"]
	if code, body := do(t, h, "GET", "/admin/agents/", "", nil); code != 200 || !strings.Contains(body, `"bot"`) {
		t.Errorf("GET /admin/agents/ = %d %s", code, body)
	}
	if err := os.WriteFile(pol, []byte("package bulwark.tools\n\nallow if {{{\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, body := do(t, h, "POST", "/admin/agents/policy/reload", `{"actor":"ops"}`, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("reload broken policy = %d %s; want 422", code, body)
	}
	d, _ := s.Firewall.Decide(context.Background(), authPrincipal("bot"), ToolCall{Name: "ok"}, nil)
	if d.Effect != EffectAllow {
		t.Errorf("after failed reload Decide(ok) = %+v; want allow (old policy)", d)
	}
	if err := os.WriteFile(pol, []byte("package bulwark.tools\n\nallow if input.tool.name == \"other\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, body := do(t, h, "POST", "/admin/agents/policy/reload", "", map[string]string{ActorHeader: "ops"}); code != 200 {
		t.Errorf("reload = %d %s; want 200", code, body)
	}
	d, _ = s.Firewall.Decide(context.Background(), authPrincipal("bot"), ToolCall{Name: "ok"}, nil)
	if d.Effect != EffectDeny {
		t.Errorf("after reload Decide(ok) = %+v; want deny", d)
	}
	n := 0
	for _, ev := range aud.events() {
		if ev.Action == "policy.reload" && ev.Actor == "ops" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("policy.reload audit events = %d; want 2", n)
	}
	if _, err := Build(context.Background(), config.Agents{PolicyDir: filepath.Join(dir, "missing")}, nil, nil); err == nil {
		t.Error("Build(missing policy dir) = nil error")
	}
}

func authPrincipal(agentName string) auth.Principal {
	return auth.Principal{App: "a", Agent: agentName}
}

// TestStackReload: a reload rebuilds allow-lists and the policy (a new
// directory too) before swapping them in; a config that does not build
// keeps everything in force.
func TestStackReload(t *testing.T) {
	ctx := context.Background()
	dirA, dirB := t.TempDir(), t.TempDir()
	for dir, tool := range map[string]string{dirA: "ok", dirB: "other"} {
		if err := os.WriteFile(filepath.Join(dir, "p.rego"), []byte("package bulwark.tools\n\nallow if input.tool.name == \""+tool+"\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config.Agents{Enabled: true, PolicyDir: dirA, PolicyTimeout: config.Duration(time.Minute),
		AllowLists: map[string][]string{"bot": {"ok", "other"}}}
	s, err := Build(ctx, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	decide := func(agentName, tool string) Effect {
		d, _ := s.Firewall.Decide(ctx, authPrincipal(agentName), ToolCall{Name: tool}, nil)
		return d.Effect
	}
	if decide("bot", "ok") != EffectAllow || decide("bot2", "ok") != EffectDeny {
		t.Fatal("before reload: want bot allowed, bot2 not on any allow-list")
	}
	// Bad configs: a policy that does not compile, an unknown time zone.
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "p.rego"), []byte("package bulwark.tools\n\nallow if {{{\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []config.Agents{
		{Enabled: true, PolicyDir: broken, AllowLists: map[string][]string{"bot2": {"ok"}}},
		{Enabled: true, PolicyDir: dirB, TimeZone: "Nowhere/Atlantis", AllowLists: map[string][]string{"bot2": {"ok"}}},
	} {
		if _, err := s.Reload(ctx, bad); err == nil {
			t.Fatalf("Reload(%+v) = nil error", bad)
		}
		if decide("bot", "ok") != EffectAllow || decide("bot2", "ok") != EffectDeny || s.Policy().Dir() != dirA {
			t.Fatal("a failed reload changed the settings in force")
		}
	}
	// A good config: new allow-lists and a new policy directory.
	cfg.PolicyDir = dirB
	cfg.AllowLists = map[string][]string{"bot2": {"ok", "other"}}
	if _, err := s.Reload(ctx, cfg); err != nil {
		t.Fatalf("Reload() = %v", err)
	}
	if got := decide("bot", "other"); got != EffectDeny {
		t.Errorf("after reload bot (no longer listed) = %v; want deny", got)
	}
	if got := decide("bot2", "other"); got != EffectAllow {
		t.Errorf("after reload bot2/other = %v; want allow (new list, new policy)", got)
	}
	if got := decide("bot2", "ok"); got != EffectDeny {
		t.Errorf("after reload bot2/ok = %v; want deny (new policy allows only other)", got)
	}
	// Policy off.
	cfg.PolicyDir = ""
	if _, err := s.Reload(ctx, cfg); err != nil {
		t.Fatalf("Reload(no policy) = %v", err)
	}
	if s.Policy() != nil || decide("bot2", "ok") != EffectAllow {
		t.Error("after reload without a policy dir: want no policy, allow-listed call allowed")
	}
}

func TestPermitsServer(t *testing.T) {
	f := NewFirewall(FirewallOptions{AllowLists: map[string][]string{"bot": {"bank/*", "crm/get_*", "web_search"}, "*": {"*/read_*"}}})
	for _, tc := range []struct {
		agent, server string
		want          bool
	}{
		{"bot", "bank", true}, {"bot", "crm", true}, {"bot", "files", false}, {"bot", "web_search", false},
		{"other", "files", true},
	} {
		if got := f.PermitsServer(authPrincipal(tc.agent), tc.server); got != tc.want {
			t.Errorf("PermitsServer(%s, %s) = %v; want %v", tc.agent, tc.server, got, tc.want)
		}
	}
	if !NewFirewall(FirewallOptions{}).PermitsServer(authPrincipal("x"), "any") {
		t.Error("without allow-lists every server is permitted")
	}
}
