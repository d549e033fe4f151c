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
