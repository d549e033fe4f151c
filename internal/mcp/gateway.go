// Package mcp is Bulwark's MCP gateway, built on the official Go SDK: it
// serves Streamable HTTP at /mcp/{server} to agents and connects to upstream
// MCP servers over Streamable HTTP or as stdio subprocesses.
//
// Every agent authenticates with its own bearer key; upstream credentials
// stay in Bulwark (no token passthrough). tools/list is filtered to the tools
// the agent may call; every tools/call is decided by the agent.Firewall
// (kill switch, allow-list, argument schema, policy, approval) and its result
// is scanned by the guard pipeline before the agent sees it. Tool contracts
// are pinned by hash: a changed contract (rug pull) is quarantined until an
// operator approves it, a tool name that shadows another server's tool is
// refused, and contracts are checked for hidden instructions (tool
// poisoning).
//
// Refusals are JSON-RPC errors with a reason the agent can read (see the
// Code* constants); a tool result blocked by the guardrails becomes a tool
// result with isError set, so the model learns the call failed without
// seeing the blocked text.
package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/guard"
	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// JSON-RPC error codes Bulwark returns for refused calls (besides the
// standard -32602 invalid params for unknown tools and schema violations).
// They sit at the end of JSON-RPC's server-error range, away from the codes
// MCP and its SDKs give meanings to: the Go SDK's client reads -32003 and
// -32004 as "connection closed" and -32005 as a transport rejection, and
// MCP's -32002 is "resource not found". CodeWithheld (-32094) is in proxy.go.
const (
	CodeDenied      = -32090 // the firewall denied the call (policy, allow-list, approval)
	CodeQuarantined = -32091 // the tool's contract is quarantined
	CodeDisabled    = -32092 // a kill switch is on for the agent, app, server or tool
	CodeUpstream    = -32093 // the upstream server failed
)

// Poisoning actions.
const (
	PoisonQuarantine = "quarantine" // hide and refuse the tool until approved
	PoisonFlag       = "flag"       // record the flags, keep the tool usable
)

// Options configure a Gateway.
type Options struct {
	Upstreams []UpstreamConfig
	// Firewall decides every call (required).
	Firewall *agent.Firewall
	// Kill ends sessions and in-flight calls when a target is disabled.
	Kill *agent.KillSwitch
	// Pipeline scans tool results (as guard.SourceTool) and tool contracts
	// for poisoning; nil skips guard scanning (the simple poisoning rules
	// still run).
	Pipeline *guard.Pipeline
	// PipelineFunc, when set, is asked for the current pipeline on every
	// use instead of Pipeline (the server's pipeline changes on reload).
	PipelineFunc func() *guard.Pipeline
	// Pins records tool contracts (default: in memory only).
	Pins *PinStore
	// Authenticate maps a request's bearer key to a principal (required).
	Authenticate func(*http.Request) (auth.Principal, error)
	// PoisonAction is PoisonQuarantine (default) or PoisonFlag.
	PoisonAction string
	// MaxBodyBytes limits one JSON-RPC message (default 4 MiB).
	MaxBodyBytes int64
	Logger       *slog.Logger

	// sdkOnly turns off the fast tools/call paths (fastpath.go, upcall.go):
	// tests compare the two.
	sdkOnly bool
}

// Gateway is the MCP gateway. It is an http.Handler for /mcp/{server}.
type Gateway struct {
	opts    Options
	base    context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	servers atomic.Pointer[serverSet]
	// sessions are the agent sessions watched for the kill switch.
	sessions sync.Map // *sdk.ServerSession -> *server
	// fast are the sessions the fast tools/call path serves (fastpath.go);
	// fastServed counts the calls it answered.
	fast       sync.Map // session id -> *fastSession
	fastServed atomic.Int64

	mu     sync.Mutex // serializes Reconfigure and Close
	closed bool

	// spawnMu guards closing and wg.Add, so that no goroutine is added to
	// wg once Close waits on it.
	spawnMu sync.Mutex
	closing bool
}

// spawn runs f on a goroutine Close waits for; it does nothing once the
// gateway is closing.
func (g *Gateway) spawn(f func()) {
	g.spawnMu.Lock()
	defer g.spawnMu.Unlock()
	if g.closing {
		return
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		f()
	}()
}

// serverSet is the configured servers, swapped as a whole on reload.
type serverSet struct {
	byName map[string]*server
}

// server is one upstream as agents see it: the SDK server answering agents
// at /mcp/{name} and the connection to the upstream behind it.
type server struct {
	name    string
	cfg     UpstreamConfig
	up      *upstream
	sdk     *sdk.Server
	handler http.Handler

	notifyMu sync.Mutex
	marks    map[string]bool // list_changed placeholders present, by kind
}

var serverName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// New builds the gateway. Upstreams are connected lazily, on first use.
func New(opts Options) (*Gateway, error) {
	if opts.Firewall == nil || opts.Authenticate == nil {
		return nil, errors.New("mcp: Firewall and Authenticate are required")
	}
	if opts.PoisonAction == "" {
		opts.PoisonAction = PoisonQuarantine
	}
	if opts.PoisonAction != PoisonQuarantine && opts.PoisonAction != PoisonFlag {
		return nil, fmt.Errorf("mcp: unknown poisoning action %q", opts.PoisonAction)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 4 << 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Pins == nil {
		opts.Pins, _ = OpenPinStore("", nil)
	}
	base, cancel := context.WithCancel(context.Background())
	g := &Gateway{opts: opts, base: base, cancel: cancel}
	set, err := g.build(opts.Upstreams, &serverSet{})
	if err != nil {
		cancel()
		return nil, err
	}
	g.servers.Store(set)
	return g, nil
}

// build makes the server set for cfgs, reusing the servers of cur whose
// configuration is unchanged (they keep their agent sessions and upstream
// connection). Nothing is started: upstreams connect on first use.
func (g *Gateway) build(cfgs []UpstreamConfig, cur *serverSet) (*serverSet, error) {
	if err := ValidateUpstreams(cfgs); err != nil {
		return nil, err
	}
	set := &serverSet{byName: make(map[string]*server, len(cfgs))}
	for _, uc := range cfgs {
		if old, ok := cur.byName[uc.Name]; ok && reflect.DeepEqual(old.cfg, uc) {
			set.byName[uc.Name] = old
			continue
		}
		set.byName[uc.Name] = g.newServer(uc)
	}
	return set, nil
}

// ValidateUpstreams checks a set of upstream configurations: valid unique
// names, a URL or command for the transport.
func ValidateUpstreams(cfgs []UpstreamConfig) error {
	seen := make(map[string]bool, len(cfgs))
	for _, uc := range cfgs {
		if !serverName.MatchString(uc.Name) {
			return fmt.Errorf("mcp: server name %q must match %s", uc.Name, serverName)
		}
		if seen[uc.Name] {
			return fmt.Errorf("mcp: server %q configured twice", uc.Name)
		}
		seen[uc.Name] = true
		switch uc.Transport {
		case "", "http":
			if uc.URL == "" {
				return fmt.Errorf("mcp: server %q: url is required", uc.Name)
			}
		case "stdio":
			if uc.Command == "" {
				return fmt.Errorf("mcp: server %q: command is required", uc.Name)
			}
		default:
			return fmt.Errorf("mcp: server %q: unknown transport %q", uc.Name, uc.Transport)
		}
	}
	return nil
}

func (g *Gateway) newServer(uc UpstreamConfig) *server {
	s := &server{name: uc.Name, cfg: uc, marks: map[string]bool{}}
	s.up = newUpstream(g.base, uc, &g.wg, !g.opts.sdkOnly, upstreamHooks{
		tools:     func() { g.toolsChanged(s) },
		prompts:   func() { s.notifyChanged("prompts") },
		resources: func() { s.notifyChanged("resources") },
	})
	s.sdk = sdk.NewServer(&sdk.Implementation{Name: "bulwark-" + uc.Name, Version: "1"}, &sdk.ServerOptions{
		Capabilities: &sdk.ServerCapabilities{
			Tools:     &sdk.ToolCapabilities{ListChanged: true},
			Prompts:   &sdk.PromptCapabilities{ListChanged: true},
			Resources: &sdk.ResourceCapabilities{ListChanged: true},
		},
		Logger: g.opts.Logger,
	})
	s.sdk.AddReceivingMiddleware(g.middleware(s))
	h := sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s.sdk }, &sdk.StreamableHTTPOptions{
		MaxRequestBodyBytes: g.opts.MaxBodyBytes,
		// Plain JSON responses: Bulwark does not stream server-to-client
		// messages within a call, and JSON is cheaper than SSE framing.
		JSONResponse: true,
		Logger:       g.opts.Logger,
	})
	s.handler = sdkauth.RequireBearerToken(g.verify, &sdkauth.RequireBearerTokenOptions{AllowMissingExpiration: true})(g.prefilter(s, h))
	return s
}

// Reconfigure replaces the set of upstream servers (on reload). The new set
// is validated and built completely before it replaces the old one; on
// error nothing changes. Servers whose configuration is unchanged keep
// their agent sessions and upstream connection; the agent sessions of
// removed or changed servers are closed and their upstreams disconnected
// (agents reconnect, to the new upstream).
func (g *Gateway) Reconfigure(cfgs []UpstreamConfig) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return errors.New("mcp: gateway closed")
	}
	old := g.servers.Load()
	set, err := g.build(cfgs, old)
	if err != nil {
		return err
	}
	g.servers.Store(set)
	for name, s := range old.byName {
		if set.byName[name] != s {
			g.retire(s)
		}
	}
	return nil
}

// retire closes a server that is no longer configured (or the gateway
// shuts down): its agent sessions and its upstream connection.
func (g *Gateway) retire(s *server) {
	var sessions []*sdk.ServerSession
	for ss := range s.sdk.Sessions() {
		sessions = append(sessions, ss)
	}
	for _, ss := range sessions {
		_ = ss.Close()
	}
	s.up.close()
}

// Servers lists the configured server names, sorted.
func (g *Gateway) Servers() []string {
	set := g.servers.Load()
	names := make([]string, 0, len(set.byName))
	for n := range set.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ServeHTTP serves /mcp/{server}.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/mcp/"), "/")
	s, ok := g.servers.Load().byName[name]
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"message":"unknown MCP server"}}` + "\n"))
		return
	}
	s.handler.ServeHTTP(w, r)
}

// prefilter runs the gateway's own JSON-RPC checks (after authentication,
// before the SDK) and answers tools/call on known sessions itself.
func (g *Gateway) prefilter(s *server, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			// A call the fast path takes is a well-formed tools/call
			// (decodeCall), so it skips classify.
			body, ok := readMessage(w, r, g.opts.MaxBodyBytes)
			if !ok || (!g.opts.sdkOnly && g.serveCall(w, r, s, body)) || !checkMessage(w, body) {
				return
			}
			if !g.opts.sdkOnly {
				g.cancelNotified(r, s, body)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		h.ServeHTTP(w, r)
	})
}

// Close ends agent sessions and upstream connections and waits for the
// gateway's goroutines.
func (g *Gateway) Close() error {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.spawnMu.Lock()
	g.closing = true
	g.spawnMu.Unlock()
	g.cancel()
	for _, s := range g.servers.Load().byName {
		g.retire(s)
	}
	g.wg.Wait()
	return nil
}

func (g *Gateway) verify(_ context.Context, _ string, r *http.Request) (*sdkauth.TokenInfo, error) {
	p, err := g.opts.Authenticate(r)
	if err != nil {
		return nil, fmt.Errorf("invalid API key: %w", sdkauth.ErrInvalidToken)
	}
	uid := p.KeyID
	if uid == "" {
		uid = p.App + "/" + p.Agent
	}
	return &sdkauth.TokenInfo{UserID: uid, Extra: map[string]any{"bulwark.principal": p}}, nil
}

func principalOf(req sdk.Request) (auth.Principal, bool) {
	ex := req.GetExtra()
	if ex == nil || ex.TokenInfo == nil {
		return auth.Principal{}, false
	}
	p, ok := ex.TokenInfo.Extra["bulwark.principal"].(auth.Principal)
	return p, ok
}

func rpcError(code int, msg string, reasons []string) error {
	e := &jsonrpc.Error{Code: int64(code), Message: msg}
	if len(reasons) > 0 {
		e.Data, _ = json.Marshal(map[string]any{"reasons": reasons})
	}
	return e
}

// proxied are the agent methods Bulwark answers itself (after its checks)
// by calling the upstream; everything else (initialize, ping, …) is the
// SDK's.
var proxied = map[string]bool{
	"tools/list": true, "tools/call": true,
	"prompts/list": true, "prompts/get": true,
	"resources/list": true, "resources/read": true, "resources/templates/list": true,
	"resources/subscribe": true, "resources/unsubscribe": true,
}

func (g *Gateway) middleware(s *server) sdk.Middleware {
	return func(next sdk.MethodHandler) sdk.MethodHandler {
		return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
			if !proxied[method] {
				return next(ctx, method, req)
			}
			p, ok := principalOf(req)
			if !ok {
				return nil, rpcError(CodeDenied, "unauthenticated", nil)
			}
			g.watchSession(req, p, s)
			if g.opts.Kill != nil {
				if err := g.opts.Kill.Check(sessionTargets(p, s.name)...); err != nil {
					return nil, rpcError(CodeDisabled, err.Error(), nil)
				}
			}
			switch r := req.(type) {
			case *sdk.ListToolsRequest:
				return g.listTools(ctx, s.up, p)
			case *sdk.CallToolRequest:
				if r.Params == nil {
					return nil, rpcError(jsonrpc.CodeInvalidParams, "tools/call needs params", nil)
				}
				return g.callTool(ctx, s.up, p, r.Params)
			case *sdk.ListPromptsRequest:
				return g.listPrompts(ctx, s, p, r.Params)
			case *sdk.GetPromptRequest:
				return g.getPrompt(ctx, s, p, r.Params)
			case *sdk.ListResourcesRequest:
				return g.listResources(ctx, s, p, r.Params)
			case *sdk.ListResourceTemplatesRequest:
				return g.listResourceTemplates(ctx, s, p, r.Params)
			case *sdk.ReadResourceRequest:
				return g.readResource(ctx, s, p, r.Params)
			}
			// resources/subscribe and unsubscribe: update notifications
			// are not relayed (yet), so a subscription would be a promise
			// Bulwark does not keep.
			return nil, rpcError(jsonrpc.CodeMethodNotFound, method+" is not supported by the bulwark gateway", nil)
		}
	}
}

func sessionTargets(p auth.Principal, server string) []agent.Target {
	return []agent.Target{{Kind: "app", Name: p.App}, {Kind: "agent", Name: p.Agent}, {Kind: "server", Name: server}}
}

// watchSession closes an agent's session when a kill switch for its app,
// agent or server is turned on, records which server it belongs to, and
// hands the session's later tools/call to the fast path.
func (g *Gateway) watchSession(req sdk.Request, p auth.Principal, s *server) {
	ss, ok := req.GetSession().(*sdk.ServerSession)
	if !ok {
		return
	}
	if _, loaded := g.sessions.LoadOrStore(ss, s); loaded {
		return
	}
	sid := ss.ID()
	sctx, end := context.WithCancel(g.base)
	var fs *fastSession
	if ex := req.GetExtra(); sid != "" && ex != nil && ex.TokenInfo != nil {
		fs = &fastSession{s: s, userID: ex.TokenInfo.UserID, ctx: sctx}
		g.fast.Store(sid, fs)
	}
	stop := func() {}
	if g.opts.Kill != nil {
		wctx, cancel := g.opts.Kill.Watch(g.base, sessionTargets(p, s.name)...)
		context.AfterFunc(wctx, func() {
			if errors.Is(context.Cause(wctx), agent.ErrDisabled) {
				_ = ss.Close()
			}
		})
		stop = cancel
	}
	g.spawn(func() {
		_ = ss.Wait()
		end()
		if fs != nil {
			g.fast.CompareAndDelete(sid, fs)
		}
		stop()
		g.sessions.Delete(ss)
	})
}

// refresh lists the upstream's tools, pins their contracts and returns them.
func (g *Gateway) refresh(ctx context.Context, u *upstream) (map[string]*toolEntry, error) {
	tools, err := u.listTools(ctx)
	if err != nil {
		g.opts.Logger.Warn("mcp upstream tools/list failed", "server", u.cfg.Name, "err", err)
		return nil, rpcError(CodeUpstream, "upstream server "+u.cfg.Name+" is unavailable", nil)
	}
	ents := make(map[string]*toolEntry, len(tools))
	for _, t := range tools {
		raw, err := json.Marshal(t)
		if err != nil {
			continue
		}
		contract, hash, err := Canonical(raw)
		if err != nil {
			continue
		}
		e := &toolEntry{tool: t, contract: contract, hash: hash}
		if t.InputSchema != nil {
			e.schema, _ = json.Marshal(t.InputSchema)
		}
		e.meta = &agent.ToolMeta{ContractHash: hash, InputSchema: e.schema, Annotations: annotations(t)}
		obs := Observation{Server: u.cfg.Name, Tool: t.Name, Hash: hash, Contract: contract}
		if old, ok := g.opts.Pins.Get(u.cfg.Name, t.Name); !ok || (old.Hash != hash && old.Pending != hash) {
			flags, err := PoisonCheck(ctx, contract, g.pipeline())
			if err != nil {
				// Fail closed: a contract that could not be checked is quarantined.
				flags = append(flags, "SCAN_FAILED")
			}
			obs.Flags = flags
			obs.Quarantine = len(flags) > 0 && g.opts.PoisonAction == PoisonQuarantine
		}
		pin, err := g.opts.Pins.Observe(ctx, obs)
		if err != nil {
			g.opts.Logger.Error("mcp pin store failed", "server", u.cfg.Name, "err", err)
			pin.Status = StatusQuarantined
			pin.Reason = "pin store unavailable"
		}
		e.pin = pin
		ents[t.Name] = e
	}
	u.mu.Lock()
	u.tools, u.stale = ents, false
	u.mu.Unlock()
	return ents, nil
}

// toolsChanged handles an upstream's notifications/tools/list_changed: the
// listing is marked stale, re-listed and re-pinned at once (a rug pull is
// quarantined before any agent lists again), then agents are told.
func (g *Gateway) toolsChanged(s *server) {
	s.up.markStale()
	g.spawn(func() {
		ctx, cancel := context.WithTimeout(g.base, 30*time.Second)
		defer cancel()
		if _, err := g.refresh(ctx, s.up); err != nil {
			g.opts.Logger.Warn("mcp re-pin after tools/list_changed failed", "server", s.name, "err", err)
		}
		if g.base.Err() == nil {
			s.notifyChanged("tools")
		}
	})
}

// Placeholders that make the agent-facing SDK server send a list_changed
// notification to its sessions: adding or removing one is a list change to
// the SDK, which then notifies every session (debounced). Agents never see
// them: Bulwark answers tools/list, prompts/list and resources/list itself.
const markName = "bulwark-list-changed"

var markURI = "bulwark:list-changed"

// notifyChanged forwards an upstream's notifications/{kind}/list_changed
// to the agents connected to this server.
func (s *server) notifyChanged(kind string) {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	on := s.marks[kind]
	switch kind {
	case "tools":
		if on {
			s.sdk.RemoveTools(markName)
		} else {
			s.sdk.AddTool(&sdk.Tool{Name: markName, InputSchema: json.RawMessage(`{"type":"object"}`)},
				func(context.Context, *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
					return nil, errors.New("not a tool")
				})
		}
	case "prompts":
		if on {
			s.sdk.RemovePrompts(markName)
		} else {
			s.sdk.AddPrompt(&sdk.Prompt{Name: markName},
				func(context.Context, *sdk.GetPromptRequest) (*sdk.GetPromptResult, error) {
					return nil, errors.New("not a prompt")
				})
		}
	case "resources":
		if on {
			s.sdk.RemoveResources(markURI)
		} else {
			s.sdk.AddResource(&sdk.Resource{Name: markName, URI: markURI},
				func(context.Context, *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
					return nil, errors.New("not a resource")
				})
		}
	}
	s.marks[kind] = !on
}

func (g *Gateway) listTools(ctx context.Context, u *upstream, p auth.Principal) (*sdk.ListToolsResult, error) {
	ents, err := g.refresh(ctx, u)
	if err != nil {
		return nil, err
	}
	res := &sdk.ListToolsResult{Tools: []*sdk.Tool{}}
	for name, e := range ents {
		if e.pin.Status == StatusActive && g.opts.Firewall.Permits(p, u.cfg.Name, name) {
			res.Tools = append(res.Tools, e.tool)
		}
	}
	sort.Slice(res.Tools, func(i, j int) bool { return res.Tools[i].Name < res.Tools[j].Name })
	return res, nil
}

// entry returns the current listing entry of a tool, refreshing the listing
// when it is stale or does not know the tool.
func (g *Gateway) entry(ctx context.Context, u *upstream, name string) (*toolEntry, error) {
	u.mu.Lock()
	ents, stale := u.tools, u.stale
	u.mu.Unlock()
	if e, ok := ents[name]; ok && !stale {
		return e, nil
	}
	ents, err := g.refresh(ctx, u)
	if err != nil {
		return nil, err
	}
	return ents[name], nil
}

func (g *Gateway) callTool(ctx context.Context, u *upstream, p auth.Principal, params *sdk.CallToolParamsRaw) (*sdk.CallToolResult, error) {
	server := u.cfg.Name
	e, err := g.entry(ctx, u, params.Name)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, rpcError(jsonrpc.CodeInvalidParams, "unknown tool", nil)
	}
	label := server + "/" + params.Name
	if e.pin.Status != StatusActive {
		return nil, rpcError(CodeQuarantined, "tool "+label+" is quarantined ("+e.pin.Reason+"); an operator must approve it", nil)
	}
	if err := g.opts.Firewall.CheckArguments(e.schema, params.Arguments); err != nil {
		var se *agent.SchemaError
		if errors.As(err, &se) {
			return nil, rpcError(jsonrpc.CodeInvalidParams, se.Error(), nil)
		}
		return nil, rpcError(jsonrpc.CodeInvalidParams, "the tool's input schema is invalid", nil)
	}
	call := agent.ToolCall{ID: callID(params.Meta), Server: server, Name: params.Name, Arguments: params.Arguments}
	d, err := g.opts.Firewall.DecideRequest(ctx, agent.Request{Principal: p, Call: call, Tool: e.meta, ArgumentsChecked: true})
	if d.Effect != agent.EffectAllow {
		if err != nil {
			g.opts.Logger.Warn("mcp decision failed", "tool", label, "err", err)
		}
		return nil, rpcError(CodeDenied, "bulwark denied "+label+": "+strings.Join(d.Reasons, "; "), d.Reasons)
	}
	args := params.Arguments
	if d.Arguments != nil {
		args = d.Arguments
	}
	cctx := ctx
	if g.opts.Kill != nil {
		var stop context.CancelFunc
		cctx, stop = g.opts.Kill.Watch(ctx, agent.CallTargets(p, call)...)
		defer stop()
	}
	res, err := u.call(cctx, params.Name, args)
	if err != nil {
		return nil, g.upstreamError(ctx, cctx, u, label, err)
	}
	return g.scanResult(ctx, res)
}

// upstreamError maps an upstream failure to the agent's JSON-RPC error.
func (g *Gateway) upstreamError(ctx, cctx context.Context, u *upstream, what string, err error) error {
	if cause := context.Cause(cctx); errors.Is(cause, agent.ErrDisabled) {
		return rpcError(CodeDisabled, "call ended: "+cause.Error(), nil)
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	var we *jsonrpc.Error
	if errors.As(err, &we) {
		return rpcError(CodeUpstream, "upstream "+u.cfg.Name+" refused the request: "+we.Message, nil)
	}
	g.opts.Logger.Warn("mcp upstream request failed", "what", what, "err", err)
	return rpcError(CodeUpstream, "upstream server "+u.cfg.Name+" failed", nil)
}

// callID is the client's stable id for a call, for approval idempotency:
// _meta "bulwark/call_id" or "call_id". Without one, identical calls from
// the same principal share an approval.
func callID(m sdk.Meta) string {
	for _, k := range []string{"bulwark/call_id", "call_id"} {
		if s, ok := m[k].(string); ok && len(s) <= 256 {
			return s
		}
	}
	return ""
}

// annotations maps MCP hints to policy names, applying the MCP defaults
// (destructive and open-world unless the tool says otherwise).
func annotations(t *sdk.Tool) map[string]bool {
	m := map[string]bool{"read_only_hint": false, "destructive_hint": true, "idempotent_hint": false, "open_world_hint": true}
	a := t.Annotations
	if a == nil {
		return m
	}
	m["read_only_hint"] = a.ReadOnlyHint
	m["idempotent_hint"] = a.IdempotentHint
	if a.DestructiveHint != nil {
		m["destructive_hint"] = *a.DestructiveHint
	}
	if a.ReadOnlyHint {
		m["destructive_hint"] = false
	}
	if a.OpenWorldHint != nil {
		m["open_world_hint"] = *a.OpenWorldHint
	}
	return m
}

// scanResult runs the guard pipeline over everything in a tool result the
// agent's model can read (indirect injection, secrets, PII) before the agent
// sees it.
func (g *Gateway) scanResult(ctx context.Context, res *sdk.CallToolResult) (*sdk.CallToolResult, error) {
	pipe := g.pipeline()
	if pipe == nil || res == nil {
		return res, nil
	}
	var set scanSet
	set.result(res)
	err := set.scan(ctx, pipe)
	var blocked *guard.BlockedError
	switch {
	case errors.As(err, &blocked):
		return &sdk.CallToolResult{IsError: true, Content: []sdk.Content{&sdk.TextContent{Text: blocked.Error() + " (tool result withheld)"}}}, nil
	case err != nil:
		return &sdk.CallToolResult{IsError: true, Content: []sdk.Content{&sdk.TextContent{Text: "bulwark could not scan the tool result; it was withheld"}}}, nil
	}
	return res, nil
}

// scanTexts scans untrusted upstream text (tool results, prompts,
// resources) as guard.SourceTool input and applies redactions in place. A
// *guard.BlockedError means the content must be withheld.
func scanTexts(ctx context.Context, pipe *guard.Pipeline, texts []*string) error {
	segs := make([]guard.Segment, 0, len(texts))
	idx := make([]int, 0, len(texts))
	for i, t := range texts {
		if *t == "" {
			continue
		}
		segs = append(segs, guard.Segment{ID: len(segs), Source: guard.SourceTool, Text: *t})
		idx = append(idx, i)
	}
	if len(segs) == 0 {
		return nil
	}
	out, err := pipe.Begin(guard.Request{}).CheckInput(ctx, segs)
	if err != nil {
		return err
	}
	for j, s := range out.Texts {
		if s != segs[j].Text {
			*texts[idx[j]] = s
		}
	}
	return nil
}

func (g *Gateway) pipeline() *guard.Pipeline {
	if g.opts.PipelineFunc != nil {
		return g.opts.PipelineFunc()
	}
	return g.opts.Pipeline
}

func (g *Gateway) upstream(server string) (*upstream, bool) {
	s, ok := g.servers.Load().byName[server]
	if !ok {
		return nil, false
	}
	return s.up, true
}

// ToolMeta returns a tool's pinned contract as last listed (agent.ToolCatalog).
func (g *Gateway) ToolMeta(server, name string) (agent.ToolMeta, bool) {
	u, ok := g.upstream(server)
	if !ok {
		return agent.ToolMeta{}, false
	}
	u.mu.Lock()
	e, ok := u.tools[name]
	u.mu.Unlock()
	if !ok {
		return agent.ToolMeta{}, false
	}
	return *e.meta, true
}

// MarkStale makes the next call re-list the server's tools (after an
// operator approved a contract).
func (g *Gateway) MarkStale(server string) {
	if u, ok := g.upstream(server); ok {
		u.markStale()
	}
}
