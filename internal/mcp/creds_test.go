package mcp

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestE2ENoTokenPassthrough: the upstream sees Bulwark's configured
// credential on every request and never the agent's key.
func TestE2ENoTokenPassthrough(t *testing.T) {
	up := newUpstreamServer("Echo the given text back.")
	var mu sync.Mutex
	seen := map[string]int{}
	h := sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return up.server }, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("Authorization")]++
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e := newEnv(t, envOptions{upstreams: []UpstreamConfig{{
		Name: "up", URL: srv.URL, Headers: http.Header{"Authorization": {"Bearer upstream-secret"}},
	}}})
	cs := connect(t, e.url+"up", "k-assistant")
	if res, err := call(cs, "echo", map[string]any{"text": "hi"}); err != nil || resultText(res) != "echo: hi" {
		t.Fatalf("CallTool(echo) = %v, %v", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	for auth, n := range seen {
		if auth != "Bearer upstream-secret" {
			t.Errorf("upstream saw Authorization %q on %d requests; want only Bulwark's credential", auth, n)
		}
	}
	if seen["Bearer upstream-secret"] == 0 {
		t.Error("upstream never saw Bulwark's credential")
	}
}
