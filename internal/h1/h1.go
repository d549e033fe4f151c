// Package h1 is an HTTP/1.1 client transport for plain-HTTP upstreams that
// writes each request and reads its answer in the caller's goroutine.
package h1

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Transport sends requests to one plain-HTTP upstream (http://, no
// proxy: vLLM, Ollama, TGI on the local network) over HTTP/1.1 keep-alive
// connections, writing the request and reading the answer in the caller's
// goroutine. net/http's Transport hands every request to a writer goroutine
// and the answer back from a reader goroutine; on a small machine each
// hand-off wakes another thread, and those wake-ups cost more than the
// gateway's own work (docs/performance.md). The wire format is net/http's:
// requests are written by http.Request.Write and answers parsed by
// http.ReadResponse.
//
// A connection goes back to the pool only after its answer's body was read
// to the end and the upstream did not ask to close it. Before a pooled
// connection is used it is checked (a read that must not block) for the
// upstream having closed it while idle, as net/http's reader goroutine
// would have noticed; a request whose write fails on a pooled connection is
// sent once more on a new one (bodies are byte slices). Once a request was
// written it is never sent again by the transport (a POST may have been
// processed); the router's retry budget decides. Cancelling the request's
// context closes its connection, which unblocks the read or write in
// progress.
type Transport struct {
	dial      func(ctx context.Context, network, addr string) (net.Conn, error)
	firstByte time.Duration // 0: none
	maxIdle   int

	mu      sync.Mutex
	idle    map[string][]*pooledConn // by host:port, oldest first
	retired bool                     // CloseIdleConnections was called
}

type pooledConn struct {
	c         net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
}

// idleTimeout closes pooled connections unused this long (as net/http's
// IdleConnTimeout does), so ones the upstream closed do not linger.
const idleTimeout = 90 * time.Second

func New(dial func(ctx context.Context, network, addr string) (net.Conn, error), firstByte time.Duration, maxIdle int) *Transport {
	return &Transport{dial: dial, firstByte: firstByte, maxIdle: maxIdle, idle: map[string][]*pooledConn{}}
}

// errStale marks a write that failed on a pooled connection: the upstream
// had closed it, the request was not processed and may be sent again.
var errStale = errors.New("pooled connection closed by the upstream")

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "http" {
		return nil, fmt.Errorf("h1 transport: scheme %q", req.URL.Scheme)
	}
	addr := req.URL.Host
	if req.URL.Port() == "" {
		addr += ":80"
	}
	for attempt := 0; ; attempt++ {
		pc, reused, err := t.get(req.Context(), addr)
		if err != nil {
			return nil, err
		}
		resp, err := t.send(pc, addr, req, reused)
		if errors.Is(err, errStale) && attempt == 0 && req.GetBody != nil {
			body, gerr := req.GetBody()
			if gerr != nil {
				return nil, gerr
			}
			req = req.Clone(req.Context())
			req.Body = body
			continue
		}
		return resp, err
	}
}

// get returns an idle connection to addr (reused) or a new one.
func (t *Transport) get(ctx context.Context, addr string) (*pooledConn, bool, error) {
	for {
		t.mu.Lock()
		l := t.idle[addr]
		if len(l) == 0 {
			t.mu.Unlock()
			break
		}
		pc := l[len(l)-1]
		l[len(l)-1] = nil
		t.idle[addr] = l[:len(l)-1]
		t.mu.Unlock()
		if pc.alive() {
			return pc, true, nil
		}
		pc.c.Close()
	}
	c, err := t.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, false, err
	}
	return &pooledConn{c: c, br: bufio.NewReaderSize(c, 4096), bw: bufio.NewWriterSize(c, 4096)}, false, nil
}

// alive reports whether an idle connection is still open: nothing is
// buffered and a peek that cannot block finds nothing (an upstream that
// closed it sent EOF; one that sent bytes unasked is not trusted either).
func (pc *pooledConn) alive() bool {
	return pc.br.Buffered() == 0 && idleOpen(pc.c)
}

// put pools pc for addr, or closes it when the pool is full or retired.
// Connections idle longer than idleTimeout are closed on the way.
func (t *Transport) put(addr string, pc *pooledConn) {
	now := time.Now()
	var stale []*pooledConn
	t.mu.Lock()
	l := t.idle[addr]
	for len(l) > 0 && now.Sub(l[0].idleSince) > idleTimeout {
		stale = append(stale, l[0])
		l[0] = nil
		l = l[1:]
	}
	keep := !t.retired && len(l) < t.maxIdle
	if keep {
		pc.idleSince = now
		l = append(l, pc)
	}
	t.idle[addr] = l
	t.mu.Unlock()
	if !keep {
		pc.c.Close()
	}
	for _, c := range stale {
		c.c.Close()
	}
}

// CloseIdleConnections closes the pooled connections and retires the
// transport (its upstream was replaced by a reload): connections still in
// use are closed when their answer is done instead of pooled.
func (t *Transport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = map[string][]*pooledConn{}
	t.retired = true
	t.mu.Unlock()
	for _, l := range idle {
		for _, pc := range l {
			pc.c.Close()
		}
	}
}

// send writes req on pc and reads the answer's header.
func (t *Transport) send(pc *pooledConn, addr string, req *http.Request, reused bool) (*http.Response, error) {
	ctx := req.Context()
	// Cancellation closes the connection: the blocked read or write returns.
	stop := context.AfterFunc(ctx, func() { pc.c.Close() })
	fail := func(err error) (*http.Response, error) {
		stop()
		pc.c.Close()
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	err := req.Write(pc.bw)
	if err == nil {
		err = pc.bw.Flush()
	}
	if err != nil {
		if reused {
			err = fmt.Errorf("%w: %v", errStale, err)
		}
		return fail(err)
	}
	if t.firstByte > 0 {
		pc.c.SetReadDeadline(time.Now().Add(t.firstByte))
	}
	var resp *http.Response
	for {
		resp, err = http.ReadResponse(pc.br, req)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil {
				err = fmt.Errorf("timeout awaiting response headers")
			}
			return fail(err)
		}
		// 1xx (100 Continue, 103 Early Hints) precede the answer; 101 is
		// not asked for by any request we send.
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		resp.Body.Close()
	}
	if t.firstByte > 0 {
		pc.c.SetReadDeadline(time.Time{})
	}
	resp.Body = &respBody{t: t, pc: pc, addr: addr, body: resp.Body, stop: stop, keep: !resp.Close && resp.StatusCode != http.StatusSwitchingProtocols}
	return resp, nil
}

// respBody returns its connection to the pool when the body was read to
// the end, and closes it otherwise.
type respBody struct {
	t    *Transport
	pc   *pooledConn
	addr string
	body io.ReadCloser
	stop func() bool
	keep bool
	eof  bool
	done bool
	mu   sync.Mutex
}

func (b *respBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err == io.EOF {
		b.mu.Lock()
		b.eof = true
		b.mu.Unlock()
	}
	return n, err
}

func (b *respBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return nil
	}
	b.done = true
	// stop reports false when the context was cancelled and the
	// connection already closed.
	live := b.stop()
	if live && b.keep && b.eof {
		b.t.put(b.addr, b.pc)
		return nil
	}
	b.pc.c.Close()
	return nil
}

// Plain reports whether base is an http:// URL that the environment's
// proxy settings (HTTP_PROXY, NO_PROXY) send directly: such upstreams can
// use the h1 transport.
func Plain(base string) bool {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return false
	}
	proxy, err := http.ProxyFromEnvironment(&http.Request{URL: u})
	return err == nil && proxy == nil
}
