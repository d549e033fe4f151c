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
	// cfg is the server's config in force (the new one after its reload).
	cfg func() *config.Config
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
	h := &agentsHandle{stack: stack, close: stack.Close, getenv: getenv, logger: logger, live: live, mcpCfg: cfg.MCP.WithDefaults()}
	if !cfg.MCP.Enabled {
		return h, nil
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
	h.gw = gw
	h.close = func() {
		_ = gw.Close()
		stack.Close()
	}
	return h, nil
}

// agentsHandle is what serve keeps of the agent components.
type agentsHandle struct {
	stack  *agent.Stack
	gw     *mcp.Gateway // nil without mcp.enabled at startup
	close  func()
	getenv func(string) string
	logger *slog.Logger
	live   liveState
	mcpCfg config.MCP // in force, defaults applied
}

// Close ends MCP sessions and upstreams and denies pending approvals.
func (h *agentsHandle) Close() { h.close() }

// Reload applies the agents and mcp sections of the config in force (on
// SIGHUP, after the server loaded the new file): see reloadConfig.
func (h *agentsHandle) Reload(ctx context.Context) error {
	if h == nil {
		return nil
	}
	if h.live.cfg == nil {
		return h.reloadConfig(ctx, nil)
	}
	return h.reloadConfig(ctx, h.live.cfg())
}

// liveFrom reads keys and pipeline from the server *srv points to once it
// is built (before any request can arrive).
func liveFrom(srv **server.Server) liveState {
	return liveState{
		keys: func() *auth.Keyring { return (*srv).Gateway().State().Keys },
		pipe: func() *guard.Pipeline { return (*srv).Gateway().State().Guard },
		cfg:  func() *config.Config { return (*srv).Gateway().State().Config },
	}
}
