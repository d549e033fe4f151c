package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
)

func TestRunMountsAndShutdown(t *testing.T) {
	cfg, err := config.Parse([]byte("upstreams: [{name: m, kind: mock}]\nmodels: [{name: a, targets: [{upstream: m}]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	dl, _ := net.Listen("tcp", "127.0.0.1:0")
	al, _ := net.Listen("tcp", "127.0.0.1:0")
	hello := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "mounted") })
	srv, err := New(cfg, Options{
		Logger: slog.New(slog.DiscardHandler), DataListener: dl, AdminListener: al,
		Admin: map[string]http.Handler{"/admin/audit/": hello}, MCP: hello,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	d, a := "http://"+dl.Addr().String(), "http://"+al.Addr().String()
	cases := []struct {
		url  string
		want int
	}{
		{d + "/healthz", 200}, {d + "/readyz", 200}, {a + "/healthz", 200}, {a + "/readyz", 200},
		{a + "/metrics", 200}, {d + "/metrics", 404}, {a + "/admin/audit/x", 200}, {d + "/mcp/x", 200},
		{d + "/v1/models", 401},
	}
	for _, tc := range cases {
		resp, err := http.Get(tc.url)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.url, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s = %d; want %d", tc.url, resp.StatusCode, tc.want)
		}
	}
	bad := *cfg
	bad.Models = []config.Model{{Name: "x", Targets: []config.Target{{Upstream: "missing"}}}}
	if err := srv.Reload(&bad); err == nil {
		t.Error("Reload(bad) = nil; want error")
	}
	if srv.Gateway().State().Config != cfg {
		t.Error("a failed reload replaced the running config")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v; want nil after shutdown", err)
		}
	case <-time.After(30 * time.Second): // a hang guard, not a timing bound
		t.Fatal("Run did not return after cancel")
	}
}
