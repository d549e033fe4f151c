package cli

import (
	"context"
	"fmt"
	"reflect"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/mcp"
)

// reloadConfig rebuilds the agent components from cfg (SIGHUP): the Rego
// policy (directory, time zone and timeout included), the per-agent
// allow-lists and argument limit, and the MCP server definitions (upstream
// credentials re-read from their env vars and files). Everything is built
// and checked first — policy compiled, servers validated, credentials
// resolved — and swapped in only when all of it succeeded; on error the
// running settings stay. MCP servers whose definition did not change keep
// their agent sessions and upstream connection; removed or changed ones are
// closed. Settings that need a restart (kill-switch backend, approvals,
// mcp.enabled, pin store, poisoning action, message limit) are logged.
//
// A nil cfg recompiles the policy directory only.
func (h *agentsHandle) reloadConfig(ctx context.Context, cfg *config.Config) error {
	if cfg == nil {
		if eng := h.stack.Policy(); eng != nil {
			return eng.Reload(ctx)
		}
		return nil
	}
	st, err := h.prepare(ctx, cfg)
	if err != nil {
		return err
	}
	return st.commit()
}

// agentsStaged is an agents reload built by prepare, not yet in force.
type agentsStaged struct {
	h      *agentsHandle
	staged *agent.StagedReload
	mc     config.MCP
	ups    []mcp.UpstreamConfig
}

// prepare builds and checks everything reloadConfig changes, without
// changing anything. A nil handle (no agent components) prepares nothing.
func (h *agentsHandle) prepare(ctx context.Context, cfg *config.Config) (*agentsStaged, error) {
	if h == nil {
		return nil, nil
	}
	staged, err := h.stack.PrepareReload(ctx, cfg.Agents)
	if err != nil {
		return nil, err
	}
	st := &agentsStaged{h: h, staged: staged, mc: cfg.MCP.WithDefaults()}
	if h.gw != nil && st.mc.Enabled {
		if st.ups, err = mcp.Upstreams(st.mc, h.getenv); err != nil {
			return nil, err
		}
		if err := mcp.ValidateUpstreams(st.ups); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// commit puts a prepared reload in force. It fails only when the MCP
// gateway is shutting down.
func (st *agentsStaged) commit() error {
	if st == nil {
		return nil
	}
	h, mc := st.h, st.mc
	restart := st.staged.Commit()
	if h.gw != nil && mc.Enabled {
		if err := h.gw.Reconfigure(st.ups); err != nil {
			// Validated in prepare: only a gateway shutting down gets here.
			return fmt.Errorf("mcp: %w", err)
		}
	}
	old := h.mcpCfg
	if old.Enabled != mc.Enabled {
		restart = append(restart, "mcp.enabled")
	}
	if old.PinStore != mc.PinStore {
		restart = append(restart, "mcp.pin_store")
	}
	if old.PoisonAction != mc.PoisonAction {
		restart = append(restart, "mcp.poison_action")
	}
	if old.MaxMessageBytes != mc.MaxMessageBytes {
		restart = append(restart, "mcp.max_message_bytes")
	}
	if h.gw != nil && mc.Enabled {
		mc.Servers = append([]config.MCPServer(nil), mc.Servers...)
	} else {
		mc.Servers = old.Servers
	}
	h.mcpCfg = mc
	if len(restart) > 0 && h.logger != nil {
		h.logger.Warn("config reload: some agent settings take effect on restart", "settings", restart)
	}
	if h.gw != nil && h.logger != nil && !reflect.DeepEqual(old.Servers, mc.Servers) {
		h.logger.Info("mcp servers reloaded", "servers", h.gw.Servers())
	}
	return nil
}
