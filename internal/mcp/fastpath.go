package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bulwark-ai/bulwark/internal/auth"
	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// The fast tools/call path.
//
// Most of an agent's traffic is tools/call on a session that is already
// set up. Through the SDK's server, one such call is decoded six times, and
// the SDK's JSON decoder allocates a 32 KiB buffer for every decode
// (docs/performance.md, "MCP proxy"). Bulwark answers these calls itself:
// it decodes the message once, runs the same checks as the SDK path
// (middleware: authentication, kill switch; callTool: pin, allow-list,
// argument schema, policy, approval, result scan) and writes the JSON-RPC
// response. Everything else — initialize, the first call of a session, any
// request the SDK would treat differently (other headers, protocol
// versions, extra parameters) — goes to the SDK as before.

// fastSession is an agent session that the fast path may serve: one the SDK
// set up and on which a proxied method already ran (watchSession).
type fastSession struct {
	s      *server
	userID string          // the session's user (the SDK refuses anyone else)
	ctx    context.Context // done when the session ends
	calls  sync.Map        // idKey -> *runningCall: what notifications/cancelled may cancel
}

type runningCall struct{ cancel context.CancelFunc }

// idKey is a request id as notifications/cancelled names it: strings and
// integers compare by value, not by spelling.
func idKey(raw json.RawMessage) (string, bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return "s:" + v, true
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return "n:" + strconv.FormatInt(n, 10), true
		}
	}
	return "", false
}

// cancelNotified cancels the fast-path call that an agent's
// notifications/cancelled names, on the agent's own session. The
// notification still goes on to the SDK, which ignores an id it does not
// know.
func (g *Gateway) cancelNotified(r *http.Request, s *server, body []byte) {
	if !bytes.Contains(body, []byte("notifications/cancelled")) {
		return
	}
	v, ok := g.fast.Load(r.Header.Get("Mcp-Session-Id"))
	if !ok {
		return
	}
	fs := v.(*fastSession)
	ti := sdkauth.TokenInfoFromContext(r.Context())
	if fs.s != s || ti == nil || ti.UserID != fs.userID {
		return
	}
	var m struct {
		Method string `json:"method"`
		Params struct {
			RequestID json.RawMessage `json:"requestId"`
		} `json:"params"`
	}
	if json.Unmarshal(body, &m) != nil || m.Method != "notifications/cancelled" {
		return
	}
	if k, ok := idKey(m.Params.RequestID); ok {
		if c, ok := fs.calls.Load(k); ok {
			c.(*runningCall).cancel()
		}
	}
}

// legacyVersions are the protocol versions with sessions (before
// 2026-07-28, which the SDK's stateful handler refuses).
var legacyVersions = func() []string {
	var vs []string
	for _, v := range sdk.SupportedProtocolVersions() {
		if v < "2026-07-28" {
			vs = append(vs, v)
		}
	}
	return vs
}()

// serveCall answers a tools/call on a known session and reports whether it
// did; false leaves the request to the SDK untouched.
func (g *Gateway) serveCall(w http.ResponseWriter, r *http.Request, s *server, body []byte) bool {
	sid := r.Header.Get("Mcp-Session-Id")
	if sid == "" {
		return false
	}
	v, ok := g.fast.Load(sid)
	if !ok {
		return false
	}
	fs := v.(*fastSession)
	if fs.s != s || fs.ctx.Err() != nil {
		return false
	}
	ti := sdkauth.TokenInfoFromContext(r.Context())
	if ti == nil || ti.UserID != fs.userID {
		return false
	}
	p, ok := ti.Extra["bulwark.principal"].(auth.Principal)
	if !ok || !plainPOST(r) {
		return false
	}
	id, params, ok := decodeCall(body)
	if !ok {
		return false
	}

	g.fastServed.Add(1)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(fs.ctx, cancel)()
	if k, ok := idKey(id); ok {
		rc := &runningCall{cancel: cancel}
		if _, dup := fs.calls.LoadOrStore(k, rc); !dup {
			defer fs.calls.CompareAndDelete(k, rc)
		}
	}
	var res *sdk.CallToolResult
	var err error
	if g.opts.Kill != nil {
		err = g.opts.Kill.Check(sessionTargets(p, s.name)...)
		if err != nil {
			err = rpcError(CodeDisabled, err.Error(), nil)
		}
	}
	if err == nil {
		res, err = g.callTool(ctx, s.up, p, params)
	}
	writeResponse(w, id, res, err)
	return true
}

// plainPOST reports whether the SDK would take the request as it is: a JSON
// body, an Accept header that allows both answer kinds, a legacy protocol
// version (or none), and no DNS-rebinding suspicion (a loopback listener
// reached through a name that is not loopback).
func plainPOST(r *http.Request) bool {
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		return false
	}
	if !acceptsBoth(r.Header.Values("Accept")) {
		return false
	}
	if pv := r.Header.Get("Mcp-Protocol-Version"); pv != "" && !slices.Contains(legacyVersions, pv) {
		return false
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && la != nil {
		if isLoopback(la.String()) && !isLoopback(r.Host) {
			return false
		}
	}
	return true
}

// acceptsBoth: the Accept values allow application/json and
// text/event-stream, as the Streamable HTTP transport requires.
func acceptsBoth(values []string) bool {
	var j, e bool
	for _, v := range values {
		for _, tok := range strings.Split(v, ",") {
			base, _, _ := strings.Cut(tok, ";")
			switch strings.ToLower(strings.TrimSpace(base)) {
			case "application/json", "application/*":
				j = true
			case "text/event-stream", "text/*":
				e = true
			case "*/*":
				j, e = true, true
			}
		}
	}
	return j && e
}

func isLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// decodeCall decodes a tools/call request with exactly the fields the fast
// path handles. Keys match exactly (encoding/json's struct decoding would
// match them case-insensitively, the SDK does not). ok is false for
// anything else: another method, a notification, extra parameters
// (multi-round-trip input responses), per-request protocol metadata.
func decodeCall(body []byte) (id json.RawMessage, params *sdk.CallToolParamsRaw, ok bool) {
	var env map[string]json.RawMessage
	if json.Unmarshal(body, &env) != nil || len(env) != 4 {
		return nil, nil, false
	}
	if !bytes.Equal(env["jsonrpc"], []byte(`"2.0"`)) || !bytes.Equal(env["method"], []byte(`"tools/call"`)) {
		return nil, nil, false
	}
	id = env["id"]
	if !plainID(id) {
		return nil, nil, false
	}
	var ps map[string]json.RawMessage
	if json.Unmarshal(env["params"], &ps) != nil || ps == nil {
		return nil, nil, false
	}
	params = &sdk.CallToolParamsRaw{}
	for k, raw := range ps {
		switch k {
		case "name":
			if json.Unmarshal(raw, &params.Name) != nil || raw[0] != '"' {
				return nil, nil, false
			}
		case "arguments":
			params.Arguments = raw
		case "_meta":
			if json.Unmarshal(raw, &params.Meta) != nil {
				return nil, nil, false
			}
			for mk := range params.Meta {
				if strings.HasPrefix(mk, "io.modelcontextprotocol/") {
					return nil, nil, false
				}
			}
		default:
			return nil, nil, false
		}
	}
	if params.Name == "" {
		return nil, nil, false
	}
	return id, params, true
}

// plainID: a JSON string or an integer (no fraction, no exponent).
func plainID(id json.RawMessage) bool {
	if len(id) > 0 && id[0] == '"' {
		return true // a valid string: the envelope decoded
	}
	digits := bytes.TrimPrefix(id, []byte("-"))
	if len(digits) == 0 || len(digits) > 18 {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// response is a JSON-RPC response as the SDK writes it.
type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *jsonrpc.Error  `json:"error,omitempty"`
}

// writeResponse writes a call's result or error. An error that is not a
// JSON-RPC error keeps its message and gets the code of the JSON-RPC error
// it wraps, if any, as the SDK does.
func writeResponse(w http.ResponseWriter, id json.RawMessage, res *sdk.CallToolResult, err error) {
	out := response{JSONRPC: "2.0", ID: id}
	if err != nil {
		var je *jsonrpc.Error
		switch {
		case errors.As(err, &je) && je == err:
			out.Error = je
		case errors.As(err, &je):
			out.Error = &jsonrpc.Error{Code: je.Code, Message: err.Error()}
		default:
			out.Error = &jsonrpc.Error{Message: err.Error()}
		}
	} else {
		out.Result = res
	}
	b, merr := json.Marshal(out)
	if merr != nil {
		b, _ = json.Marshal(response{JSONRPC: "2.0", ID: id, Error: &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "could not encode the result"}})
	}
	h := w.Header()
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
