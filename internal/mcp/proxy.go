package mcp

import (
	"context"
	"errors"

	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// CodeWithheld is the JSON-RPC error for a prompt or resource whose content
// the guardrails blocked (a tool result is withheld as an isError result
// instead).
const CodeWithheld = -32094

// Prompts and resources are proxied with the same identity and kill switch
// as tools. An agent may use a server's prompts and resources when its
// allow-list names at least one tool of that server (agent.Firewall
// PermitsServer); lists are empty otherwise and gets/reads are denied. Their
// text is untrusted input for the model (indirect prompt injection), so
// prompt messages, resource contents and the names and descriptions in
// listings are scanned by the guard pipeline as tool output: redactions are
// applied, a blocked listing entry is left out, a blocked prompt or resource
// is refused with CodeWithheld.

func (g *Gateway) permitsServer(p auth.Principal, s *server) bool {
	return g.opts.Firewall.PermitsServer(p, s.name)
}

func denyServer(s *server) error {
	return rpcError(CodeDenied, "bulwark denied "+s.name+": this agent may not use the server's prompts and resources", nil)
}

// supports reports whether the upstream offers prompts or resources.
func (g *Gateway) supports(ctx context.Context, s *server, kind string) (bool, error) {
	caps, err := s.up.capabilities(ctx)
	if err != nil {
		g.opts.Logger.Warn("mcp upstream unavailable", "server", s.name, "err", err)
		return false, rpcError(CodeUpstream, "upstream server "+s.name+" is unavailable", nil)
	}
	if caps == nil {
		return false, nil
	}
	if kind == "prompts" {
		return caps.Prompts != nil, nil
	}
	return caps.Resources != nil, nil
}

// keep reports whether a listing entry may be shown, applying redactions
// to its strings; entries that are blocked or cannot be scanned are left
// out (fail closed).
func (g *Gateway) keep(ctx context.Context, s *server, kind, name string, texts ...*string) bool {
	pipe := g.pipeline()
	if pipe == nil {
		return true
	}
	set := scanSet{texts: texts}
	if err := set.scan(ctx, pipe); err != nil {
		g.opts.Logger.Warn("mcp listing entry withheld", "server", s.name, "kind", kind, "name", name, "err", err)
		return false
	}
	return true
}

// withhold scans the content of a prompt or resource and audits the
// access (action, target "server/name"); a non-nil error is the agent's
// refusal.
func (g *Gateway) withhold(ctx context.Context, s *server, p auth.Principal, action, name, what string, set *scanSet) error {
	target := s.name + "/" + name
	var refusal error
	outcome, reason := "allow", ""
	var findings []guard.Finding
	if pipe := g.pipeline(); pipe != nil {
		err := set.scan(ctx, pipe)
		var blocked *guard.BlockedError
		switch {
		case errors.As(err, &blocked):
			outcome, reason, findings = "block", blocked.Error(), blocked.Verdict.Findings
			refusal = rpcError(CodeWithheld, blocked.Error()+" ("+what+" withheld)", nil)
		case err != nil:
			g.opts.Logger.Warn("mcp content scan failed", "server", s.name, "what", what, "err", err)
			outcome, reason = "block", "content could not be scanned"
			refusal = rpcError(CodeWithheld, "bulwark could not scan the "+what+"; it was withheld", nil)
		}
	}
	if err := g.opts.Firewall.RecordAccess(ctx, p, action, target, outcome, reason, findings); err != nil {
		g.opts.Logger.Error("mcp access could not be audited", "target", target, "err", err)
		return rpcError(CodeDenied, "bulwark denied "+target+": the access could not be audited", nil)
	}
	return refusal
}

// denied audits a refused get or read and returns the refusal.
func (g *Gateway) denied(ctx context.Context, s *server, p auth.Principal, action, name string) error {
	target := s.name + "/" + name
	if err := g.opts.Firewall.RecordAccess(ctx, p, action, target, "deny", "no access to the server's prompts and resources", nil); err != nil {
		g.opts.Logger.Error("mcp access could not be audited", "target", target, "err", err)
	}
	return denyServer(s)
}

// watch cancels ctx when a kill switch for the agent or server turns on.
func (g *Gateway) watch(ctx context.Context, p auth.Principal, s *server) (context.Context, context.CancelFunc) {
	if g.opts.Kill == nil {
		return ctx, func() {}
	}
	return g.opts.Kill.Watch(ctx, sessionTargets(p, s.name)...)
}

func (g *Gateway) listPrompts(ctx context.Context, s *server, p auth.Principal, params *sdk.ListPromptsParams) (*sdk.ListPromptsResult, error) {
	out := &sdk.ListPromptsResult{Prompts: []*sdk.Prompt{}}
	if !g.permitsServer(p, s) {
		return out, nil
	}
	if ok, err := g.supports(ctx, s, "prompts"); !ok || err != nil {
		return out, err
	}
	var cursor string
	if params != nil {
		cursor = params.Cursor
	}
	res, err := do(ctx, s.up, func(cs *sdk.ClientSession) (*sdk.ListPromptsResult, error) {
		return cs.ListPrompts(ctx, &sdk.ListPromptsParams{Cursor: cursor})
	})
	if err != nil {
		return nil, g.upstreamError(ctx, ctx, s.up, "prompts/list", err)
	}
	for _, pr := range res.Prompts {
		texts := []*string{&pr.Name, &pr.Title, &pr.Description}
		for _, a := range pr.Arguments {
			texts = append(texts, &a.Name, &a.Title, &a.Description)
		}
		if g.keep(ctx, s, "prompt", pr.Name, texts...) {
			out.Prompts = append(out.Prompts, pr)
		}
	}
	out.NextCursor = res.NextCursor
	return out, nil
}

func (g *Gateway) getPrompt(ctx context.Context, s *server, p auth.Principal, params *sdk.GetPromptParams) (*sdk.GetPromptResult, error) {
	if params == nil || params.Name == "" {
		return nil, rpcError(jsonrpc.CodeInvalidParams, "prompts/get needs a name", nil)
	}
	if !g.permitsServer(p, s) {
		return nil, g.denied(ctx, s, p, "prompts/get", params.Name)
	}
	if ok, err := g.supports(ctx, s, "prompts"); err != nil || !ok {
		if err == nil {
			err = rpcError(jsonrpc.CodeInvalidParams, "unknown prompt", nil)
		}
		return nil, err
	}
	cctx, stop := g.watch(ctx, p, s)
	defer stop()
	res, err := do(cctx, s.up, func(cs *sdk.ClientSession) (*sdk.GetPromptResult, error) {
		return cs.GetPrompt(cctx, &sdk.GetPromptParams{Name: params.Name, Arguments: params.Arguments})
	})
	if err != nil {
		return nil, g.upstreamError(ctx, cctx, s.up, "prompts/get "+params.Name, err)
	}
	set := &scanSet{texts: []*string{&res.Description}}
	for _, m := range res.Messages {
		if m != nil {
			set.content(m.Content)
		}
	}
	set.meta(res.Meta)
	if err := g.withhold(ctx, s, p, "prompts/get", params.Name, "prompt", set); err != nil {
		return nil, err
	}
	return res, nil
}

func (g *Gateway) listResources(ctx context.Context, s *server, p auth.Principal, params *sdk.ListResourcesParams) (*sdk.ListResourcesResult, error) {
	out := &sdk.ListResourcesResult{Resources: []*sdk.Resource{}}
	if !g.permitsServer(p, s) {
		return out, nil
	}
	if ok, err := g.supports(ctx, s, "resources"); !ok || err != nil {
		return out, err
	}
	var cursor string
	if params != nil {
		cursor = params.Cursor
	}
	res, err := do(ctx, s.up, func(cs *sdk.ClientSession) (*sdk.ListResourcesResult, error) {
		return cs.ListResources(ctx, &sdk.ListResourcesParams{Cursor: cursor})
	})
	if err != nil {
		return nil, g.upstreamError(ctx, ctx, s.up, "resources/list", err)
	}
	for _, r := range res.Resources {
		if g.keep(ctx, s, "resource", r.URI, &r.Name, &r.Title, &r.Description) {
			out.Resources = append(out.Resources, r)
		}
	}
	out.NextCursor = res.NextCursor
	return out, nil
}

func (g *Gateway) listResourceTemplates(ctx context.Context, s *server, p auth.Principal, params *sdk.ListResourceTemplatesParams) (*sdk.ListResourceTemplatesResult, error) {
	out := &sdk.ListResourceTemplatesResult{ResourceTemplates: []*sdk.ResourceTemplate{}}
	if !g.permitsServer(p, s) {
		return out, nil
	}
	if ok, err := g.supports(ctx, s, "resources"); !ok || err != nil {
		return out, err
	}
	var cursor string
	if params != nil {
		cursor = params.Cursor
	}
	res, err := do(ctx, s.up, func(cs *sdk.ClientSession) (*sdk.ListResourceTemplatesResult, error) {
		return cs.ListResourceTemplates(ctx, &sdk.ListResourceTemplatesParams{Cursor: cursor})
	})
	if err != nil {
		return nil, g.upstreamError(ctx, ctx, s.up, "resources/templates/list", err)
	}
	for _, t := range res.ResourceTemplates {
		if g.keep(ctx, s, "resource template", t.URITemplate, &t.Name, &t.Title, &t.Description) {
			out.ResourceTemplates = append(out.ResourceTemplates, t)
		}
	}
	out.NextCursor = res.NextCursor
	return out, nil
}

func (g *Gateway) readResource(ctx context.Context, s *server, p auth.Principal, params *sdk.ReadResourceParams) (*sdk.ReadResourceResult, error) {
	if params == nil || params.URI == "" {
		return nil, rpcError(jsonrpc.CodeInvalidParams, "resources/read needs a uri", nil)
	}
	if !g.permitsServer(p, s) {
		return nil, g.denied(ctx, s, p, "resources/read", params.URI)
	}
	if ok, err := g.supports(ctx, s, "resources"); err != nil || !ok {
		if err == nil {
			err = rpcError(jsonrpc.CodeInvalidParams, "unknown resource", nil)
		}
		return nil, err
	}
	cctx, stop := g.watch(ctx, p, s)
	defer stop()
	res, err := do(cctx, s.up, func(cs *sdk.ClientSession) (*sdk.ReadResourceResult, error) {
		return cs.ReadResource(cctx, &sdk.ReadResourceParams{URI: params.URI})
	})
	if err != nil {
		return nil, g.upstreamError(ctx, cctx, s.up, "resources/read", err)
	}
	set := &scanSet{}
	for _, c := range res.Contents {
		if c != nil {
			set.resource(c)
		}
	}
	set.meta(res.Meta)
	if err := g.withhold(ctx, s, p, "resources/read", params.URI, "resource", set); err != nil {
		return nil, err
	}
	return res, nil
}
