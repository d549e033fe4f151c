package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/h1"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// UpstreamConfig is one MCP server Bulwark fronts.
type UpstreamConfig struct {
	Name string
	// Transport is "http" (Streamable HTTP at URL) or "stdio" (Command run
	// as a subprocess).
	Transport string
	URL       string
	Command   string
	Args      []string
	// Env is the subprocess environment ("KEY=value"); nothing of Bulwark's
	// own environment is inherited.
	Env []string
	// Headers are sent on every request to an HTTP upstream: the upstream's
	// credentials, which stay in Bulwark and are never taken from or shown to
	// agents.
	Headers http.Header
}

// toolEntry is one upstream tool as last listed, with its contract hash.
type toolEntry struct {
	tool     *sdk.Tool
	contract json.RawMessage
	hash     string
	schema   json.RawMessage
	meta     *agent.ToolMeta // what the firewall needs, built once per listing
	pin      Pin
}

// upstreamHooks are called when the upstream says a list changed.
type upstreamHooks struct {
	tools, prompts, resources func()
}

// upstream is the connection to one MCP server, shared by all agent sessions.
type upstream struct {
	cfg    UpstreamConfig
	client *sdk.Client
	base   context.Context // gateway lifetime

	mu     sync.Mutex
	cs     *sdk.ClientSession
	tools  map[string]*toolEntry
	stale  bool
	closed bool // removed by a reload or the gateway closed: never reconnect
	wg     *sync.WaitGroup

	// httpc is the HTTP upstream's client (nil for stdio); wire is the
	// SDK client's current session on it, for the fast call (upcall.go).
	httpc     *http.Client
	fastc     *http.Client  // fastCall's client: httpc, or over h1 for http:// upstreams
	h1        *h1.Transport // nil unless fastc uses it
	wire      atomic.Pointer[wireSession]
	seq       atomic.Uint64
	fastCalls atomic.Int64 // calls sent by fastCall
	hooks     upstreamHooks
}

// notified handles a notification that arrived in a fast call's answer
// stream as the SDK client's handlers (newUpstream) would.
func (u *upstream) notified(method string) {
	switch method {
	case "notifications/tools/list_changed":
		u.markStale()
		if u.hooks.tools != nil {
			u.hooks.tools()
		}
	case "notifications/prompts/list_changed":
		if u.hooks.prompts != nil {
			u.hooks.prompts()
		}
	case "notifications/resources/list_changed":
		if u.hooks.resources != nil {
			u.hooks.resources()
		}
	}
}

var errUpstreamClosed = errors.New("upstream removed")

func newUpstream(base context.Context, cfg UpstreamConfig, wg *sync.WaitGroup, fast bool, hooks upstreamHooks) *upstream {
	u := &upstream{cfg: cfg, base: base, stale: true, wg: wg}
	opts := &sdk.ClientOptions{
		ToolListChangedHandler: func(context.Context, *sdk.ToolListChangedRequest) {
			u.markStale()
			if hooks.tools != nil {
				hooks.tools()
			}
		},
	}
	if hooks.prompts != nil {
		opts.PromptListChangedHandler = func(context.Context, *sdk.PromptListChangedRequest) { hooks.prompts() }
	}
	if hooks.resources != nil {
		opts.ResourceListChangedHandler = func(context.Context, *sdk.ResourceListChangedRequest) { hooks.resources() }
	}
	u.hooks = hooks
	u.client = sdk.NewClient(&sdk.Implementation{Name: "bulwark", Version: "1"}, opts)
	if cfg.Transport == "http" || cfg.Transport == "" {
		rt := upstreamRoundTripper(cfg.Headers)
		if fast {
			rt = sessionTap{base: rt, u: u}
		}
		u.httpc = &http.Client{Transport: rt, CheckRedirect: noRedirects}
		// Fast calls to a plain-HTTP upstream write and read in the
		// caller's goroutine (internal/h1): net/http's writer and reader
		// goroutines wake a thread each per call.
		u.fastc = u.httpc
		if fast && h1.Plain(cfg.URL) {
			u.h1 = h1.New((&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext, 0, 256)
			var frt http.RoundTripper = u.h1
			if len(cfg.Headers) > 0 {
				frt = headerTransport{base: u.h1, headers: cfg.Headers}
			}
			u.fastc = &http.Client{Transport: frt, CheckRedirect: noRedirects}
		}
	}
	return u
}

// upstreamTransport is shared by all HTTP upstreams: keep-alive connections
// for as many concurrent calls as agents make (http.DefaultTransport keeps
// only 2 idle connections per host, so bursts would reconnect).
var upstreamTransport = func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = 256
	return t
}()

func (u *upstream) markStale() {
	u.mu.Lock()
	u.stale = true
	u.mu.Unlock()
}

// headerTransport adds the upstream's credential headers.
type headerTransport struct {
	base    http.RoundTripper
	headers http.Header
}

// RoundTrip implements http.RoundTripper. A RoundTripper must not modify
// its request: the copy shares everything but the header map, the only
// part changed (a full Clone also copies the URL and context, per call).
func (t headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := new(http.Request)
	*r2 = *r
	r2.Header = r.Header.Clone()
	if r2.Header == nil {
		r2.Header = make(http.Header, len(t.headers))
	}
	for k, vs := range t.headers {
		r2.Header[k] = append([]string(nil), vs...)
	}
	return t.base.RoundTrip(r2)
}

// noRedirects: an upstream's redirect comes back as its answer. Following
// it would send the upstream's credential headers (added on every round
// trip) to wherever the Location points.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// upstreamRoundTripper is the transport for one upstream: the shared one,
// with the upstream's credential headers when it has any.
func upstreamRoundTripper(headers http.Header) http.RoundTripper {
	if len(headers) == 0 {
		return upstreamTransport
	}
	return headerTransport{base: upstreamTransport, headers: headers}
}

// session returns the live client session, connecting if needed.
func (u *upstream) session(ctx context.Context) (*sdk.ClientSession, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.cs != nil {
		return u.cs, nil
	}
	if u.closed {
		return nil, fmt.Errorf("upstream %s: %w", u.cfg.Name, errUpstreamClosed)
	}
	var t sdk.Transport
	switch u.cfg.Transport {
	case "stdio":
		cmd := exec.Command(u.cfg.Command, u.cfg.Args...)
		cmd.Env = append([]string{}, u.cfg.Env...)
		t = &sdk.CommandTransport{Command: cmd, TerminateDuration: 2 * time.Second}
	case "http", "":
		t = &sdk.StreamableClientTransport{
			Endpoint:   u.cfg.URL,
			HTTPClient: u.httpc,
			MaxRetries: 1,
		}
	default:
		return nil, fmt.Errorf("upstream %s: unknown transport %q", u.cfg.Name, u.cfg.Transport)
	}
	// The session outlives this request: connect under the gateway's
	// lifetime, bounded while the caller waits.
	type res struct {
		cs  *sdk.ClientSession
		err error
	}
	ch := make(chan res, 1)
	go func() {
		cs, err := u.client.Connect(u.base, t, nil)
		ch <- res{cs, err}
	}()
	var r res
	select {
	case r = <-ch:
	case <-ctx.Done():
		go func() { // reap a late connection
			if r := <-ch; r.cs != nil {
				_ = r.cs.Close()
			}
		}()
		return nil, context.Cause(ctx)
	}
	if r.err != nil {
		return nil, fmt.Errorf("upstream %s: connect: %w", u.cfg.Name, r.err)
	}
	u.cs, u.stale = r.cs, true
	u.wg.Add(1)
	go func(cs *sdk.ClientSession) {
		defer u.wg.Done()
		_ = cs.Wait()
		u.mu.Lock()
		if u.cs == cs {
			u.cs, u.stale = nil, true
			u.wire.Store(nil)
		}
		u.mu.Unlock()
	}(r.cs)
	return r.cs, nil
}

// drop forgets a broken session so the next call reconnects.
func (u *upstream) drop(cs *sdk.ClientSession) {
	u.mu.Lock()
	if u.cs == cs {
		u.cs, u.stale = nil, true
		u.wire.Store(nil)
	}
	u.mu.Unlock()
	_ = cs.Close()
}

func (u *upstream) close() {
	u.mu.Lock()
	cs := u.cs
	u.cs, u.closed = nil, true
	u.wire.Store(nil)
	u.mu.Unlock()
	if u.h1 != nil {
		u.h1.CloseIdleConnections()
	}
	if cs != nil {
		_ = cs.Close()
	}
}

// listTools fetches the upstream's full tool list.
func (u *upstream) listTools(ctx context.Context) ([]*sdk.Tool, error) {
	for attempt := 0; ; attempt++ {
		cs, err := u.session(ctx)
		if err != nil {
			return nil, err
		}
		var tools []*sdk.Tool
		for t, err := range cs.Tools(ctx, nil) {
			if err != nil {
				tools = nil
				if attempt == 0 && errors.Is(err, sdk.ErrConnectionClosed) {
					u.drop(cs)
					break
				}
				return nil, fmt.Errorf("upstream %s: tools/list: %w", u.cfg.Name, err)
			}
			tools = append(tools, t)
		}
		if tools != nil || attempt > 0 {
			return tools, nil
		}
		if u.current() == cs {
			return tools, nil // genuinely empty
		}
	}
}

func (u *upstream) current() *sdk.ClientSession {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.cs
}

// call forwards a tools/call: itself on the SDK client's session when
// it can (upcall.go), else through the SDK.
func (u *upstream) call(ctx context.Context, name string, args json.RawMessage) (*sdk.CallToolResult, error) {
	if ws := u.wire.Load(); ws != nil && u.current() != nil {
		res, err := u.fastCall(ctx, ws, name, args)
		if !errors.Is(err, errNoSession) {
			return res, err
		}
		u.wire.CompareAndSwap(ws, nil)
	}
	return do(ctx, u, func(cs *sdk.ClientSession) (*sdk.CallToolResult, error) {
		return cs.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: args})
	})
}

// do runs one request on the live session; a broken session is dropped so
// the next request reconnects.
func do[R any](ctx context.Context, u *upstream, f func(*sdk.ClientSession) (R, error)) (R, error) {
	cs, err := u.session(ctx)
	if err != nil {
		var zero R
		return zero, err
	}
	res, err := f(cs)
	if errors.Is(err, sdk.ErrConnectionClosed) {
		u.drop(cs)
	}
	return res, err
}

// capabilities are the upstream's server capabilities (connecting if
// needed); nil when it did not say.
func (u *upstream) capabilities(ctx context.Context) (*sdk.ServerCapabilities, error) {
	cs, err := u.session(ctx)
	if err != nil {
		return nil, err
	}
	if ir := cs.InitializeResult(); ir != nil {
		return ir.Capabilities, nil
	}
	return nil, nil
}
