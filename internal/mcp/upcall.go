package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/bulwark-ai/bulwark/internal/sse"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// The fast upstream tools/call.
//
// Through the SDK's ClientSession, a tools/call result is decoded five
// times, each with a 32 KiB buffer (see fastpath.go). For an HTTP upstream
// Bulwark sends the call itself, on the session the SDK client set up: the
// transport records the session id and protocol version the SDK sends
// (sessionTap), and the call goes out with the same headers and the
// upstream's credentials. Only legacy sessions are used (protocol versions
// before 2026-07-28, which have a session id). Initialization, listings,
// notifications, reconnection and stdio upstreams stay with the SDK; an
// upstream that no longer knows the session (404) gets the call through the
// SDK, which reconnects.

// maxUpstreamMessage bounds one JSON-RPC message read from an upstream.
const maxUpstreamMessage = 64 << 20

// maxUpstreamStream bounds all of an answer stream (the answer, and the
// notifications and requests before it): an upstream that sends progress
// forever cannot make Bulwark read forever.
const maxUpstreamStream = 256 << 20

// errStreamTooLong: an answer stream passed maxUpstreamStream.
var errStreamTooLong = fmt.Errorf("the answer stream passed %d MiB", maxUpstreamStream>>20)

// capReader reads r and fails with errStreamTooLong after n bytes.
type capReader struct {
	r io.Reader
	n int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errStreamTooLong
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	k, err := c.r.Read(p)
	c.n -= int64(k)
	return k, err
}

// errNoSession: the upstream does not know the session; the call was not
// made and may go through the SDK.
var errNoSession = errors.New("upstream session not found")

// wireSession is the upstream session as the SDK client addresses it.
type wireSession struct {
	id, version string
}

// sessionTap records the session the SDK client's requests carry.
type sessionTap struct {
	base http.RoundTripper
	u    *upstream
}

// RoundTrip implements http.RoundTripper.
func (t sessionTap) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost {
		id, v := r.Header.Get("Mcp-Session-Id"), r.Header.Get("Mcp-Protocol-Version")
		if id != "" && slices.Contains(legacyVersions, v) {
			if cur := t.u.wire.Load(); cur == nil || cur.id != id || cur.version != v {
				t.u.wire.Store(&wireSession{id: id, version: v})
			}
		}
	}
	return t.base.RoundTrip(r)
}

// rpcMessage is any JSON-RPC message from the upstream.
type rpcMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *jsonrpc.Error  `json:"error"`
}

// callRequest is the tools/call Bulwark sends.
type callRequest struct {
	JSONRPC string     `json:"jsonrpc"`
	ID      string     `json:"id"`
	Method  string     `json:"method"`
	Params  callParams `json:"params"`
}

type callParams struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

// fastCall sends one tools/call on ws. errNoSession means nothing was
// called.
func (u *upstream) fastCall(ctx context.Context, ws *wireSession, name string, args json.RawMessage) (*sdk.CallToolResult, error) {
	if len(args) == 0 {
		args = json.RawMessage("{}") // as the SDK client sends a call without arguments
	}
	id := "bulwark-" + strconv.FormatUint(u.seq.Add(1), 10)
	body, err := json.Marshal(callRequest{JSONRPC: "2.0", ID: id, Method: "tools/call", Params: callParams{Name: name, Arguments: args}})
	if err != nil {
		return nil, fmt.Errorf("upstream %s: tools/call: %w", u.cfg.Name, err)
	}
	u.fastCalls.Add(1)
	resp, err := u.post(ctx, ws, body)
	if err != nil {
		if ctx.Err() != nil {
			u.cancelCall(ws, id)
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("upstream %s: tools/call: %w", u.cfg.Name, err)
	}
	defer resp.Body.Close()
	res, err := u.readResult(resp, id)
	if err != nil && ctx.Err() != nil {
		u.cancelCall(ws, id)
		return nil, context.Cause(ctx)
	}
	return res, err
}

func (u *upstream) post(ctx context.Context, ws *wireSession, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json, text/event-stream")
	h.Set("Mcp-Session-Id", ws.id)
	h.Set("Mcp-Protocol-Version", ws.version)
	return u.fastc.Do(req)
}

// readResult reads the answer to call id: a JSON body, or an event stream
// whose other messages are notifications (ignored) and requests from the
// server (answered).
func (u *upstream) readResult(resp *http.Response, id string) (*sdk.CallToolResult, error) {
	if resp.StatusCode == http.StatusNotFound {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, errNoSession
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The agent gets the generic "upstream failed", as on the SDK path.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, fmt.Errorf("upstream %s: tools/call: HTTP %d", u.cfg.Name, resp.StatusCode)
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxUpstreamMessage+1))
		if err != nil {
			return nil, fmt.Errorf("upstream %s: tools/call: %w", u.cfg.Name, err)
		}
		if len(b) > maxUpstreamMessage {
			return nil, fmt.Errorf("upstream %s: tools/call: the answer is larger than %d bytes", u.cfg.Name, maxUpstreamMessage)
		}
		var m rpcMessage
		if err := json.Unmarshal(b, &m); err != nil || !sameID(m.ID, id) {
			return nil, fmt.Errorf("upstream %s: tools/call: not the answer to the call", u.cfg.Name)
		}
		return u.answer(m)
	case "text/event-stream":
		rd := sse.NewReader(&capReader{r: resp.Body, n: maxUpstreamStream}, maxUpstreamMessage)
		for {
			ev, err := rd.Next()
			if errors.Is(err, io.ErrUnexpectedEOF) && len(ev.Data) > 0 {
				err = nil // a last event without its blank line, as the SDK accepts
			}
			if err != nil {
				return nil, fmt.Errorf("upstream %s: tools/call: the stream ended before the answer: %w", u.cfg.Name, err)
			}
			if len(bytes.TrimSpace(ev.Data)) == 0 {
				continue
			}
			var m rpcMessage
			if err := json.Unmarshal(ev.Data, &m); err != nil {
				return nil, fmt.Errorf("upstream %s: tools/call: malformed message in the stream", u.cfg.Name)
			}
			switch {
			case m.Method != "" && len(m.ID) > 0 && string(m.ID) != "null":
				u.reply(resp.Request.Context(), m)
			case m.Method != "":
				// A notification: list changes go where the SDK client's
				// handlers send them; progress and log messages are not
				// relayed, as on the SDK path.
				u.notified(m.Method)
			case sameID(m.ID, id):
				drain(resp.Body)
				return u.answer(m)
			}
		}
	}
	return nil, fmt.Errorf("upstream %s: tools/call: unexpected content type %q", u.cfg.Name, ct)
}

// drain reads what follows the answer in an event stream (the end of the
// stream, normally at once), so that the connection can be used again;
// a stream that stays open is cut after 100 ms (and its connection closed).
func drain(body io.ReadCloser) {
	t := time.AfterFunc(100*time.Millisecond, func() { _ = body.Close() })
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	t.Stop()
}

// sameID reports whether raw is the JSON string id.
func sameID(raw json.RawMessage, id string) bool {
	var s string
	return len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil && s == id
}

// answer turns the upstream's response into the call's result or error.
func (u *upstream) answer(m rpcMessage) (*sdk.CallToolResult, error) {
	if m.Error != nil {
		return nil, m.Error
	}
	res, err := decodeCallResult(m.Result)
	if err != nil {
		return nil, fmt.Errorf("upstream %s: tools/call: %w", u.cfg.Name, err)
	}
	return res, nil
}

// reply answers a request the server sent while a call was running as the
// SDK client would: ping with an empty result, roots/list with no roots,
// anything else (sampling, elicitation: Bulwark's client offers neither)
// with "method not found". Best effort: a lost reply leaves the server's request to time out.
func (u *upstream) reply(ctx context.Context, m rpcMessage) {
	out := map[string]any{"jsonrpc": "2.0", "id": m.ID}
	switch m.Method {
	case "ping":
		out["result"] = struct{}{}
	case "roots/list":
		out["result"] = map[string]any{"roots": []any{}} // as the SDK client answers without roots
	default:
		out["error"] = jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound, Message: "method not found"}
	}
	b, err := json.Marshal(out)
	ws := u.wire.Load()
	if err != nil || ws == nil {
		return
	}
	if resp, err := u.post(ctx, ws, b); err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}
}

// cancelCall tells the upstream that Bulwark no longer waits for call id,
// in the background (the agent hung up, or a kill switch ended the call).
func (u *upstream) cancelCall(ws *wireSession, id string) {
	b, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "method": "notifications/cancelled",
		"params": map[string]any{"requestId": id, "reason": "the caller went away"},
	})
	if err != nil {
		return
	}
	// Not on the gateway's WaitGroup: Close may be waiting on it. Nor ended
	// by the gateway's context: a call cut short by Close is one the
	// upstream should hear about too, or its tool runs on for nobody.
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(u.base), 5*time.Second)
		defer cancel()
		if resp, err := u.post(ctx, ws, b); err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
		}
	}()
}
