package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// The baseline is the smallest HTTP proxy net/http allows: read the
// request, send it to the upstream over a keep-alive pool, copy the answer
// back. No auth, no parsing, no metrics. Measured the same way as Bulwark
// (-baseline), it tells what the second loopback hop itself costs on the
// machine — the part of "added latency" no gateway written with net/http
// can remove. With -mcp it is httputil.ReverseProxy in front of the MCP
// upstream (streamed, since MCP answers may be SSE).

// baselineEnv, set in the child's environment, makes bulwark-load run as
// the baseline proxy instead of the load generator.
const baselineEnv = "BULWARK_LOAD_BASELINE_PROXY"

// baselineArgs are the child's arguments: listen address and upstream
// chat-completions URL.
func baselineArgs(listen, upstream string) []string {
	return []string{"-listen", listen, "-upstream", upstream + "/chat/completions"}
}

// mcpBaselineArgs are the child's arguments with -mcp: listen address and
// the upstream's MCP endpoint.
func mcpBaselineArgs(listen, endpoint string) []string {
	return []string{"-listen", listen, "-mcp-upstream", endpoint}
}

// runBaselineProxy serves until SIGINT/SIGTERM.
func runBaselineProxy(args []string) int {
	var listen, upstream, mcpUpstream string
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "-listen":
			listen = args[i+1]
		case "-upstream":
			upstream = args[i+1]
		case "-mcp-upstream":
			mcpUpstream = args[i+1]
		}
	}
	if listen == "" || (upstream == "") == (mcpUpstream == "") {
		fmt.Fprintln(os.Stderr, "baseline proxy: -listen and one of -upstream and -mcp-upstream are required")
		return 2
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "baseline proxy: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	serve := serveBaseline
	if mcpUpstream != "" {
		serve, upstream = serveMCPBaseline, mcpUpstream
	}
	if err := serve(ctx, ln, upstream); err != nil {
		fmt.Fprintf(os.Stderr, "baseline proxy: %v\n", err)
		return 1
	}
	return 0
}

// serveBaseline serves the baseline proxy on ln until ctx ends.
func serveBaseline(ctx context.Context, ln net.Listener, upstream string) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024, IdleConnTimeout: 90 * time.Second}}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, upstream, bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		w.Write(out)
	})
	return serveUntilDone(ctx, ln, h)
}

// serveMCPBaseline serves the MCP baseline on ln until ctx ends: every
// request, whatever its path (/mcp/up from the agents), goes to the
// upstream's MCP endpoint with its headers (the session id among them),
// and the answer, SSE included, is streamed back as it comes. No auth, no
// JSON-RPC parsing, no policy: the MCP hop's floor.
func serveMCPBaseline(ctx context.Context, ln net.Listener, endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return err
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host, r.Out.URL.Path, r.Out.URL.RawPath = u.Scheme, u.Host, u.Path, ""
			r.Out.Host = u.Host
		},
		Transport:     &http.Transport{MaxIdleConnsPerHost: 1024, IdleConnTimeout: 90 * time.Second},
		FlushInterval: -1,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(http.ResponseWriter, *http.Request) {})
	mux.Handle("/", rp)
	return serveUntilDone(ctx, ln, mux)
}

// serveUntilDone serves h on ln until ctx ends (the child processes'
// servers: the bare proxies and the MCP upstream).
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
