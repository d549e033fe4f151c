package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/policy"
)

// PolicyDecider evaluates tool-call policy; *policy.Engine implements it.
type PolicyDecider interface {
	Decide(ctx context.Context, in policy.Input) (policy.Result, error)
}

// ToolMeta is what is known about a tool's (pinned) contract.
type ToolMeta struct {
	ContractHash string
	InputSchema  json.RawMessage // nil: unknown, not checked
	// Annotations are MCP risk hints by policy name: read_only_hint,
	// destructive_hint, idempotent_hint, open_world_hint.
	Annotations map[string]bool
}

// ToolCatalog looks up tool contracts, e.g. the MCP gateway's pin store.
type ToolCatalog interface {
	ToolMeta(server, name string) (ToolMeta, bool)
}

// FirewallOptions configure a Firewall. Every field is optional.
type FirewallOptions struct {
	// Policy decides calls; nil allows every call that passes the other
	// checks.
	Policy PolicyDecider
	// Kill refuses calls of disabled apps, agents, servers and tools.
	Kill *KillSwitch
	// Approvals holds require_approval calls; nil denies them (fail closed).
	Approvals *Approvals
	// AllowLists maps an agent name (the principal's Agent, or its App when
	// Agent is empty) to the tools it may call, as path.Match patterns over
	// "server/tool" for MCP tools and "tool" for LLM tool calls, e.g.
	// "github/*", "crm/get_*", "web_search". The key "*" applies to
	// principals without their own entry. An empty map turns allow-lists off;
	// a non-empty map denies principals that match no key.
	AllowLists map[string][]string
	// Catalog supplies input schemas and annotations for Decide.
	Catalog ToolCatalog
	Auditor Auditor
	// MaxArgumentBytes refuses larger arguments (default 1 MiB).
	MaxArgumentBytes int
}

// Firewall decides tool calls: kill switch, allow-list, argument schema,
// policy, then a human approval when the policy asks for one. Safe for
// concurrent use.
type Firewall struct {
	opts    FirewallOptions
	rules   atomic.Pointer[firewallRules]
	schemas schemaCache
}

// firewallRules are the settings a reload replaces (Reconfigure).
type firewallRules struct {
	policy     PolicyDecider
	allowLists map[string][]string
	maxArgs    int
}

// NewFirewall returns a Firewall.
func NewFirewall(opts FirewallOptions) *Firewall {
	f := &Firewall{opts: opts}
	f.Reconfigure(opts.Policy, opts.AllowLists, opts.MaxArgumentBytes)
	return f
}

// Reconfigure replaces the policy, allow-lists and argument limit at once
// (on reload); calls being decided finish under the settings they started
// with. A nil policy allows what the other checks pass; maxArgumentBytes <= 0
// is the default 1 MiB.
func (f *Firewall) Reconfigure(p PolicyDecider, allowLists map[string][]string, maxArgumentBytes int) {
	if maxArgumentBytes <= 0 {
		maxArgumentBytes = 1 << 20
	}
	if ep, ok := p.(*policy.Engine); ok && ep == nil {
		p = nil // a typed nil engine is no policy
	}
	f.rules.Store(&firewallRules{policy: p, allowLists: allowLists, maxArgs: maxArgumentBytes})
}

// AllowLists returns the allow-lists in force.
func (f *Firewall) AllowLists() map[string][]string { return f.rules.Load().allowLists }

// Request is one call to decide, with what the caller knows about the tool.
type Request struct {
	Principal auth.Principal
	Call      ToolCall
	// Tool is the tool's contract; nil looks it up in the Catalog.
	Tool     *ToolMeta
	Findings []guard.Finding
	// ArgumentsChecked says the caller already ran CheckArguments on
	// Call.Arguments against Tool's input schema (the MCP gateway does, to
	// answer schema violations with invalid-params errors); the firewall
	// then does not validate them a second time.
	ArgumentsChecked bool
}

// Decide decides one call. The Decision is always allow or deny; a non-nil
// error means the decision could not be made normally (policy error, audit
// failure, cancelled wait) and the Decision is then a deny.
func (f *Firewall) Decide(ctx context.Context, p auth.Principal, call ToolCall, findings []guard.Finding) (Decision, error) {
	return f.DecideRequest(ctx, Request{Principal: p, Call: call, Findings: findings})
}

// CheckToolCalls decides the tool calls a model returned (the LLM gateway's
// ToolCallChecker). Each call gets a decision in order; a call whose decision
// failed is denied. The error is non-nil only when ctx ended.
func (f *Firewall) CheckToolCalls(ctx context.Context, p auth.Principal, calls []ToolCall, findings []guard.Finding) ([]Decision, error) {
	out := make([]Decision, len(calls))
	for i, c := range calls {
		d, _ := f.Decide(ctx, p, c, findings)
		out[i] = d
		if err := ctx.Err(); err != nil {
			for j := i + 1; j < len(calls); j++ {
				out[j] = deny("request cancelled")
			}
			return out, context.Cause(ctx)
		}
	}
	return out, nil
}

func deny(reasons ...string) Decision { return Decision{Effect: EffectDeny, Reasons: reasons} }

// DecideRequest is Decide with the tool's contract supplied by the caller.
func (f *Firewall) DecideRequest(ctx context.Context, r Request) (Decision, error) {
	start := time.Now()
	d, err := f.decide(ctx, r)
	if aerr := f.audit(ctx, r, d, err, time.Since(start)); aerr != nil {
		return deny("decision could not be audited"), aerr
	}
	return d, err
}

func (f *Firewall) decide(ctx context.Context, r Request) (Decision, error) {
	p, call := r.Principal, r.Call
	rules := f.rules.Load()
	if f.opts.Kill != nil {
		if err := f.opts.Kill.Check(CallTargets(p, call)...); err != nil {
			var de *DisabledError
			if errors.As(err, &de) {
				return deny(de.Target.Kind + " " + de.Target.Name + " is disabled by the kill switch"), nil
			}
			return deny("kill switch check failed"), err
		}
	}
	if reason, ok := allowed(rules.allowLists, p, call); !ok {
		return deny(reason), nil
	}
	if len(call.Arguments) > rules.maxArgs {
		return deny(fmt.Sprintf("arguments larger than %d bytes", rules.maxArgs)), nil
	}
	args := call.Arguments
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("{}")
	}
	if !r.ArgumentsChecked && !json.Valid(args) {
		return deny("arguments are not valid JSON"), nil
	}
	if !r.ArgumentsChecked {
		if at, dup := duplicateKey(args); dup {
			return deny("arguments repeat the key at " + at), nil
		}
	}
	meta := r.Tool
	if meta == nil && f.opts.Catalog != nil {
		if m, ok := f.opts.Catalog.ToolMeta(call.Server, call.Name); ok {
			meta = &m
		}
	}
	if !r.ArgumentsChecked && meta != nil && len(meta.InputSchema) > 0 {
		if err := f.schemas.validate(meta.InputSchema, args); err != nil {
			var se *SchemaError
			if errors.As(err, &se) {
				return deny(se.Error()), nil
			}
			return deny("the tool's input schema is invalid"), nil
		}
	}
	if rules.policy == nil {
		return Decision{Effect: EffectAllow}, nil
	}
	in := policy.Input{
		Principal: policy.Principal{KeyID: p.KeyID, App: p.App, Tenant: p.Tenant, Agent: p.Agent, EndUser: p.EndUser, Roles: p.Roles},
		Tool:      policy.Tool{Server: call.Server, Name: call.Name},
		// Raw JSON: the policy engine parses it straight into its own
		// values (no Go maps in between).
		Arguments: args,
		Findings:  make([]policy.Finding, len(r.Findings)),
	}
	if meta != nil {
		in.Tool.ContractHash = meta.ContractHash
		in.Tool.Annotations = meta.Annotations
	}
	for i, fd := range r.Findings {
		in.Findings[i] = policy.Finding{Scanner: fd.Scanner, Type: fd.Type, Action: fd.Action.String(), Score: fd.Score}
	}
	res, err := rules.policy.Decide(ctx, in)
	if err != nil {
		return deny("policy evaluation failed"), err
	}
	switch res.Effect {
	case policy.Allow:
		return withObligations(Decision{Effect: EffectAllow, Reasons: res.Reasons}, args, res.Obligations)
	case policy.RequireApproval:
		if f.opts.Approvals == nil {
			return deny(append(res.Reasons, "approval required but approvals are not configured")...), nil
		}
		ap, err := f.opts.Approvals.Await(ctx, p, call, res.Reasons)
		if err != nil {
			return deny(append(res.Reasons, "approval not received")...), err
		}
		switch ap.Status {
		case StatusApproved:
			return withObligations(Decision{Effect: EffectAllow, Reasons: []string{"approved by " + ap.DecidedBy}}, args, res.Obligations)
		case StatusExpired:
			return deny(append(res.Reasons, "approval timed out")...), nil
		default:
			return deny(append(res.Reasons, "approval denied")...), nil
		}
	}
	reasons := res.Reasons
	if len(reasons) == 0 {
		reasons = []string{"denied by policy"}
	}
	return deny(reasons...), nil
}

// CallTargets are the kill-switch targets a call touches.
func CallTargets(p auth.Principal, call ToolCall) []Target {
	ts := []Target{{Kind: "app", Name: p.App}, {Kind: "agent", Name: p.Agent}, {Kind: "server", Name: call.Server}, {Kind: "tool", Name: call.Name}}
	if call.Server != "" {
		ts = append(ts, Target{Kind: "tool", Name: call.Server + "/" + call.Name})
	}
	return ts
}

// patterns returns the principal's allow-list; ok is false when
// allow-lists are on and none applies to the principal.
func patterns(lists map[string][]string, p auth.Principal) (pats []string, on, ok bool) {
	if len(lists) == 0 {
		return nil, false, true
	}
	who := p.Agent
	if who == "" {
		who = p.App
	}
	pats, ok = lists[who]
	if !ok {
		pats, ok = lists["*"]
	}
	return pats, true, ok
}

// allowed applies the allow-lists; the string is the reason on refusal.
func allowed(lists map[string][]string, p auth.Principal, call ToolCall) (string, bool) {
	pats, on, ok := patterns(lists, p)
	if !on {
		return "", true
	}
	if !ok {
		return "no tool allow-list for this agent", false
	}
	if MatchTool(pats, call.Server, call.Name) {
		return "", true
	}
	return "tool " + toolLabel(call.Server, call.Name) + " is not on this agent's allow-list", false
}

// MatchTool reports whether "server/name" (or "name" without a server)
// matches any of the path.Match patterns.
func MatchTool(patterns []string, server, name string) bool {
	label := toolLabel(server, name)
	for _, pat := range patterns {
		if ok, _ := path.Match(pat, label); ok {
			return true
		}
	}
	return false
}

// withObligations applies redaction obligations to the arguments.
func withObligations(d Decision, args json.RawMessage, obls []policy.Obligation) (Decision, error) {
	if len(obls) == 0 {
		return d, nil
	}
	var v any
	if err := json.Unmarshal(args, &v); err != nil {
		return deny("arguments are not valid JSON"), nil
	}
	changed := false
	for _, o := range obls {
		val := o.Value
		if val == nil {
			val = "[REDACTED]"
		}
		if setPointer(&v, o.Path, val) {
			changed = true
		}
	}
	if !changed {
		return d, nil
	}
	out, err := json.Marshal(v)
	if err != nil {
		return deny("arguments could not be rewritten"), err
	}
	d.Arguments = out
	return d, nil
}

// setPointer replaces the value at the JSON pointer p (RFC 6901) if it
// exists, reporting whether it did.
func setPointer(root *any, p string, val any) bool {
	if p == "" {
		*root = val
		return true
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	cur := root
	for i, raw := range parts {
		tok := strings.ReplaceAll(strings.ReplaceAll(raw, "~1", "/"), "~0", "~")
		last := i == len(parts)-1
		switch c := (*cur).(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return false
			}
			if last {
				c[tok] = val
				return true
			}
			// Maps and slices share their contents, so editing
			// through a copy of the entry edits the original.
			cur = &next
		case []any:
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 || n >= len(c) {
				return false
			}
			if last {
				c[n] = val
				return true
			}
			cur = &c[n]
		default:
			return false
		}
	}
	return false
}

func (f *Firewall) audit(ctx context.Context, r Request, d Decision, derr error, took time.Duration) error {
	if f.opts.Auditor == nil {
		return nil
	}
	ev := &audit.Event{
		Time:       time.Now().UTC(),
		Kind:       audit.KindDecision,
		KeyID:      r.Principal.KeyID,
		App:        r.Principal.App,
		Tenant:     r.Principal.Tenant,
		Agent:      r.Principal.Agent,
		EndUser:    r.Principal.EndUser,
		Tools:      []string{toolLabel(r.Call.Server, r.Call.Name)},
		Decision:   string(d.Effect),
		Reason:     joinReasons(d.Reasons),
		Findings:   r.Findings,
		DurationMS: float64(took.Microseconds()) / 1000,
	}
	if derr != nil {
		ev.Decision = "error"
	}
	if err := f.opts.Auditor.Record(ctx, ev); err != nil {
		return fmt.Errorf("firewall: audit: %w", err)
	}
	return nil
}

// Permits reports whether the principal may see and call the tool at all:
// no kill switch is on for it and its allow-list has it. Policy, schema and
// approvals still apply to each call. The MCP gateway filters tools/list
// with it.
func (f *Firewall) Permits(p auth.Principal, server, name string) bool {
	call := ToolCall{Server: server, Name: name}
	if f.opts.Kill != nil && f.opts.Kill.Check(CallTargets(p, call)...) != nil {
		return false
	}
	_, ok := allowed(f.rules.Load().allowLists, p, call)
	return ok
}

// PermitsServer reports whether the principal may use an MCP server's
// prompts and resources: no kill switch is on for its app, agent or the
// server, and its allow-list (when allow-lists are on) names at least one
// tool of that server, i.e. has a "server/tool" pattern whose server part
// matches.
func (f *Firewall) PermitsServer(p auth.Principal, server string) bool {
	if f.opts.Kill != nil && f.opts.Kill.Check(Target{Kind: "app", Name: p.App}, Target{Kind: "agent", Name: p.Agent}, Target{Kind: "server", Name: server}) != nil {
		return false
	}
	pats, on, ok := patterns(f.rules.Load().allowLists, p)
	if !on {
		return true
	}
	if !ok {
		return false
	}
	for _, pat := range pats {
		sp, _, hasTool := strings.Cut(pat, "/")
		if !hasTool {
			continue
		}
		if m, _ := path.Match(sp, server); m {
			return true
		}
	}
	return false
}

// CheckArguments validates JSON arguments against a JSON Schema (compiled
// once per distinct schema). Violations are a *SchemaError naming JSON
// locations only; invalid JSON is a *SchemaError at "/".
func (f *Firewall) CheckArguments(schema, args json.RawMessage) error {
	if maxArgs := f.rules.Load().maxArgs; len(args) > maxArgs {
		return &SchemaError{Locations: []string{fmt.Sprintf("/ (larger than %d bytes)", maxArgs)}}
	}
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("{}")
	}
	if !json.Valid(args) {
		return &SchemaError{Locations: []string{"/"}}
	}
	if at, dup := duplicateKey(args); dup {
		return &SchemaError{Locations: []string{at + " (duplicate key)"}}
	}
	if len(schema) == 0 {
		return nil
	}
	return f.schemas.validate(schema, args)
}

// RecordAccess audits an agent's access to MCP content that is not a tool
// call — a prompt get or a resource read (kind decision, Action the method,
// Target "server/name") — with its outcome (allow, deny, block) and the
// guard findings that decided a block. The error is the audit log's; the
// caller refuses the access then (fail closed), as for tool calls.
func (f *Firewall) RecordAccess(ctx context.Context, p auth.Principal, action, target, outcome, reason string, findings []guard.Finding) error {
	if f.opts.Auditor == nil {
		return nil
	}
	ev := &audit.Event{
		Time: time.Now().UTC(), Kind: audit.KindDecision,
		KeyID: p.KeyID, App: p.App, Tenant: p.Tenant, Agent: p.Agent, EndUser: p.EndUser,
		Action: action, Target: target, Decision: outcome, Reason: reason, Findings: findings,
	}
	if err := f.opts.Auditor.Record(ctx, ev); err != nil {
		return fmt.Errorf("firewall: audit: %w", err)
	}
	return nil
}
