package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/mcp"
	"github.com/bulwark-ai/bulwark/internal/server"
)

// liveState gives the agent components the server's current keys and guard
// pipeline (they change on reload).
type liveState struct {
	keys func() *auth.Keyring
	pipe func() *guard.Pipeline
}

// openAgents builds the tool-call firewall, kill switch, approvals and (when
// enabled) the MCP gateway from cfg and wires them into the server options:
// ToolCalls, KillSwitch, /admin/approvals/, /admin/kill/, /admin/tools/ and
// /mcp/. Close the returned handle after the server stopped: it ends MCP
// sessions and upstreams, denies pending approvals and waits for webhook
// posts.
func openAgents(ctx context.Context, cfg *config.Config, getenv func(string) string, logger *slog.Logger, o *server.Options, live liveState) (*agentsHandle, error) {
	var auditor agent.Auditor
	if o.Auditor != nil {
		auditor = o.Auditor
	}
	stack, err := agent.Build(ctx, cfg.Agents, auditor, logger)
	if err != nil {
		return nil, err
	}
	o.ToolCalls = stack.Firewall
	o.KillSwitch = stack.Kill
	if o.Admin == nil {
		o.Admin = map[string]http.Handler{}
	}
	for p, h := range stack.Handlers() {
		o.Admin[p] = h
	}
	if !cfg.MCP.Enabled {
		return &agentsHandle{stack: stack, close: stack.Close}, nil
	}
	mc := cfg.MCP.WithDefaults()
	ups, err := mcp.Upstreams(mc, getenv)
	if err != nil {
		stack.Close()
		return nil, err
	}
	pins, err := mcp.OpenPinStore(mc.PinStore, auditor)
	if err != nil {
		stack.Close()
		return nil, err
	}
	gw, err := mcp.New(mcp.Options{
		Upstreams: ups, Firewall: stack.Firewall, Kill: stack.Kill, Pins: pins,
		PipelineFunc: live.pipe, PoisonAction: mc.PoisonAction, MaxBodyBytes: mc.MaxMessageBytes, Logger: logger,
		Authenticate: func(r *http.Request) (auth.Principal, error) {
			e, err := live.keys().Authenticate(r)
			if err != nil {
				return auth.Principal{}, err
			}
			return e.Principal, nil
		},
	})
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("mcp: %w", err)
	}
	o.MCP = gw
	o.Admin["/admin/tools/"] = gw.ToolsHandler()
	return &agentsHandle{stack: stack, close: func() {
		_ = gw.Close()
		stack.Close()
	}}, nil
}

// agentsHandle is what serve keeps of the agent components.
type agentsHandle struct {
	stack *agent.Stack
	close func()
}

// Close ends MCP sessions and upstreams and denies pending approvals.
func (h *agentsHandle) Close() { h.close() }

// Reload recompiles the policy directory (on SIGHUP). A policy that does not
// compile leaves the running one in force and is reported. Other agent
// settings (allow-lists, MCP servers) take effect on restart.
func (h *agentsHandle) Reload(ctx context.Context) error {
	if h == nil || h.stack.Policy == nil {
		return nil
	}
	return h.stack.Policy.Reload(ctx)
}

// liveFrom reads keys and pipeline from the server *srv points to once it
// is built (before any request can arrive).
func liveFrom(srv **server.Server) liveState {
	return liveState{
		keys: func() *auth.Keyring { return (*srv).Gateway().State().Keys },
		pipe: func() *guard.Pipeline { return (*srv).Gateway().State().Guard },
	}
}
