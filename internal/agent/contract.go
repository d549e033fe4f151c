// Package agent gives agents least privilege: the tool-call firewall over
// policy decisions, human approvals and kill switches.
package agent

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ToolCall is one tool invocation, whether a model returned it through the LLM
// gateway (OpenAI tool_calls, Anthropic tool_use) or an agent sent it to an MCP
// server (tools/call).
type ToolCall struct {
	ID        string          // call id (tool_call id, tool_use id, JSON-RPC id)
	Server    string          // MCP server name; empty for LLM tool calls
	Name      string          // tool name
	Arguments json.RawMessage // arguments as JSON (may be invalid JSON from a model)
}

// Effect is a policy decision's outcome.
type Effect string

// Effects.
const (
	EffectAllow           Effect = "allow"
	EffectDeny            Effect = "deny"
	EffectRequireApproval Effect = "require_approval"
)

// Decision is the firewall's final answer for one call. After approvals are
// resolved it is only ever allow or deny.
type Decision struct {
	Effect  Effect
	Reasons []string // user-safe reasons, e.g. "payments above 100 EUR need approval"
	// Arguments, when non-nil, replaces the call's arguments (an obligation
	// such as redacting an argument).
	Arguments json.RawMessage
}

// Target names something a kill switch can disable.
type Target struct {
	Kind string // "app", "agent", "tool", "server", "model"
	Name string
}

func (t Target) String() string { return t.Kind + ":" + t.Name }

// ErrDisabled is wrapped by errors from a kill switch: the target is disabled.
var ErrDisabled = errors.New("disabled by kill switch")

// DisabledError says which target's kill switch is on.
type DisabledError struct{ Target Target }

func (e *DisabledError) Error() string { return fmt.Sprintf("%s %s", e.Target, ErrDisabled) }

// Unwrap makes errors.Is(err, ErrDisabled) true.
func (e *DisabledError) Unwrap() error { return ErrDisabled }
