package mcp

import (
	"net/http"
	"net/http/httptest"
	"reflect"
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

// TestHeaderTransport: the credential headers replace the request's own,
// and the caller's request is left as it was (a RoundTripper must not
// modify it; the SDK may reuse it on a retry).
func TestHeaderTransport(t *testing.T) {
	var got http.Header
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: r}, nil
	})
	tr := headerTransport{base: base, headers: http.Header{"Authorization": {"Bearer upstream-secret"}}}
	for _, tc := range []struct {
		name string
		in   http.Header
	}{
		{"no headers", nil},
		{"agent key", http.Header{"Authorization": {"Bearer agent-key"}, "Mcp-Session-Id": {"s1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://upstream.test/mcp", nil)
			r.Header = tc.in
			before := tc.in.Clone()
			if _, err := tr.RoundTrip(r); err != nil {
				t.Fatal(err)
			}
			if a := got.Values("Authorization"); len(a) != 1 || a[0] != "Bearer upstream-secret" {
				t.Errorf("upstream Authorization = %q; want only Bulwark's credential", a)
			}
			if s := got.Get("Mcp-Session-Id"); s != tc.in.Get("Mcp-Session-Id") {
				t.Errorf("upstream Mcp-Session-Id = %q; want %q", s, tc.in.Get("Mcp-Session-Id"))
			}
			if !reflect.DeepEqual(r.Header, before) {
				t.Errorf("caller's headers changed to %v; want %v", r.Header, before)
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
