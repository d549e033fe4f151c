package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/trace"
)

func TestBreaker(t *testing.T) {
	now := time.Unix(0, 0)
	b := NewBreaker(2, time.Second)
	b.now = func() time.Time { return now }
	steps := []struct {
		do        string // "fail", "ok", "allow?"
		wantAllow bool
	}{
		{"allow?", true}, {"fail", false}, {"allow?", true}, {"fail", false},
		{"allow?", false}, // open
		{"wait", false},
		{"allow?", true},  // half-open probe
		{"allow?", false}, // only one probe
		{"fail", false},
		{"allow?", false}, // open again
		{"wait", false},
		{"allow?", true},
		{"ok", false},
		{"allow?", true}, {"allow?", true}, // closed
	}
	for i, s := range steps {
		switch s.do {
		case "fail":
			b.Done(false)
		case "ok":
			b.Done(true)
		case "wait":
			now = now.Add(2 * time.Second)
		default:
			if got := b.Allow(); got != s.wantAllow {
				t.Fatalf("step %d: Allow() = %v; want %v", i, got, s.wantAllow)
			}
		}
	}
	if NewBreaker(-1, 0).Open() || !NewBreaker(-1, 0).Allow() {
		t.Error("disabled breaker must always allow")
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(0.5)
	n := 0
	for b.Withdraw() {
		n++
	}
	if n != budgetCap {
		t.Errorf("initial retries = %d; want %d", n, budgetCap)
	}
	b.Deposit()
	b.Deposit()
	if !b.Withdraw() || b.Withdraw() {
		t.Error("two deposits of 0.5 must allow exactly one retry")
	}
}

// flaky answers with the scripted statuses in turn, then 200.
type flaky struct {
	mu       sync.Mutex
	statuses []int
	calls    int
	auth     []string
	urls     []string
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	i := f.calls
	f.calls++
	f.auth = append(f.auth, r.Header.Get("Authorization")+r.Header.Get("api-key")+r.Header.Get("x-api-key"))
	f.urls = append(f.urls, r.URL.String())
	f.mu.Unlock()
	if i < len(f.statuses) {
		w.WriteHeader(f.statuses[i])
		return
	}
	io.WriteString(w, `{"ok":true}`)
}

func router(t *testing.T, yaml string) *Router {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRouter(cfg, func(k string) string { return "secret-" + k })
	if err != nil {
		t.Fatal(err)
	}
	r.sleep = func(context.Context, time.Duration) error { return nil }
	t.Cleanup(r.Close)
	return r
}

func TestRouterRetriesAndFallback(t *testing.T) {
	cases := []struct {
		name       string
		primary    []int
		attempts   int
		wantStatus int
		wantCalls  [2]int // primary, fallback
		wantTarget string
	}{
		{"ok first try", nil, 2, 200, [2]int{1, 0}, "a"},
		{"retry 503 then ok", []int{503}, 2, 200, [2]int{2, 0}, "a"},
		{"retry 429 then ok", []int{429}, 2, 200, [2]int{2, 0}, "a"},
		{"fallback after retries", []int{500, 502}, 2, 200, [2]int{2, 1}, "b"},
		{"no retry on 400", []int{400}, 2, 400, [2]int{1, 0}, "a"},
		{"attempts 1 falls back at once", []int{500}, 1, 200, [2]int{1, 1}, "b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := &flaky{statuses: tc.primary}, &flaky{}
			sa, sb := httptest.NewServer(a), httptest.NewServer(b)
			defer sa.Close()
			defer sb.Close()
			r := router(t, `
upstreams:
  - {name: a, kind: openai, base_url: `+sa.URL+`, api_key_env: A}
  - {name: b, kind: azure, base_url: `+sb.URL+`, api_key_env: B, api_version: "2024-10-21"}
models: [{name: m, targets: [{upstream: a}, {upstream: b, model: deploy}]}]
retry: {attempts: `+itoa(tc.attempts)+`}
`)
			rt, _ := r.Lookup("m")
			res, err := r.Do(context.Background(), rt, func(Target) (API, []byte, error) { return APIChat, []byte(`{}`), nil })
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			res.Resp.Body.Close()
			if res.Resp.StatusCode != tc.wantStatus || res.Target.Upstream.Name() != tc.wantTarget {
				t.Errorf("Do = %d from %s; want %d from %s", res.Resp.StatusCode, res.Target.Upstream.Name(), tc.wantStatus, tc.wantTarget)
			}
			if got := [2]int{a.calls, b.calls}; got != tc.wantCalls {
				t.Errorf("calls = %v; want %v", got, tc.wantCalls)
			}
			for _, au := range a.auth {
				if au != "Bearer secret-A" {
					t.Errorf("openai auth = %q", au)
				}
			}
			for i, au := range b.auth {
				if au != "secret-B" || b.urls[i] != "/openai/deployments/deploy/chat/completions?api-version=2024-10-21" {
					t.Errorf("azure call = %q %q", au, b.urls[i])
				}
			}
		})
	}
}

func TestRouterUpstreamDownAndBreaker(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	url := s.URL
	s.Close()
	r := router(t, `
upstreams: [{name: down, kind: openai, base_url: `+url+`, circuit_breaker: {failures: 2}}]
models: [{name: m, targets: [{upstream: down}]}]
retry: {attempts: 3}
`)
	rt, _ := r.Lookup("m")
	build := func(Target) (API, []byte, error) { return APIChat, []byte(`{}`), nil }
	_, err := r.Do(context.Background(), rt, build)
	if !errors.Is(err, ErrNoUpstream) {
		t.Fatalf("Do(down) = %v; want ErrNoUpstream", err)
	}
	if !rt.Targets[0].Upstream.Breaker().Open() {
		t.Errorf("breaker not open after consecutive failures")
	}
	_, err = r.Do(context.Background(), rt, build)
	if err == nil || !strings.Contains(err.Error(), "circuit open") {
		t.Errorf("Do with open breaker = %v; want circuit open", err)
	}
}

func TestTimeoutsAndCancel(t *testing.T) {
	block := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer s.Close()
	defer close(block)
	r := router(t, `
upstreams: [{name: slow, kind: openai, base_url: `+s.URL+`, timeouts: {first_byte: 50ms}, circuit_breaker: {failures: -1}}]
models: [{name: m, targets: [{upstream: slow}]}]
retry: {attempts: 1}
`)
	rt, _ := r.Lookup("m")
	build := func(Target) (API, []byte, error) { return APIChat, []byte(`{}`), nil }
	if _, err := r.Do(context.Background(), rt, build); !errors.Is(err, ErrNoUpstream) {
		t.Errorf("Do(slow) = %v; want a first-byte timeout", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Do(ctx, rt, build); !errors.Is(err, context.Canceled) {
		t.Errorf("Do(cancelled) = %v; want context.Canceled", err)
	}
}

func TestModelsAndAliases(t *testing.T) {
	r := router(t, `
upstreams: [{name: m, kind: mock}]
models: [{name: b, aliases: [x], targets: [{upstream: m}]}, {name: a, targets: [{upstream: m}]}]
`)
	if diff := cmp.Diff([]string{"a", "b"}, r.Models()); diff != "" {
		t.Errorf("Models mismatch (-want +got):\n%s", diff)
	}
	if rt, ok := r.Lookup("x"); !ok || rt.Name != "b" {
		t.Errorf("Lookup(alias x) = %v, %v; want b", rt, ok)
	}
	if _, ok := r.Lookup("nope"); ok {
		t.Error("Lookup(nope) found a route")
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

// An upstream's redirect is returned as a response, never followed: the
// upstream credentials must not travel to wherever a Location points.
func TestRedirectNotFollowed(t *testing.T) {
	var elsewhere sync.Mutex
	hit := ""
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Lock()
		hit = r.Header.Get("Authorization")
		elsewhere.Unlock()
	}))
	defer other.Close()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/v1/chat/completions", http.StatusTemporaryRedirect)
	}))
	defer s.Close()
	r := router(t, `
upstreams: [{name: u, kind: openai, base_url: `+s.URL+`/v1, api_key_env: K}]
models: [{name: m, targets: [{upstream: u}]}]
`)
	up := r.Upstreams()[0]
	resp, err := up.Send(context.Background(), APIChat, "m", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect {
		t.Errorf("status = %d; want the upstream's 307 returned as is", resp.StatusCode)
	}
	elsewhere.Lock()
	defer elsewhere.Unlock()
	if hit != "" {
		t.Errorf("redirect target received Authorization %q", hit)
	}
}

// With tracing on (a valid span in the context), the upstream request
// carries the W3C traceparent of that span; without it, none.
func TestSendPropagatesTraceContext(t *testing.T) {
	got := make(chan string, 2)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Traceparent")
	}))
	defer s.Close()
	r := router(t, `
upstreams: [{name: u, kind: openai, base_url: `+s.URL+`/v1}]
models: [{name: m, targets: [{upstream: u}]}]
`)
	up := r.Upstreams()[0]
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	})
	for _, ctx := range []context.Context{trace.ContextWithSpanContext(context.Background(), sc), context.Background()} {
		resp, err := up.Send(ctx, APIChat, "m", []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if h := <-got; h != "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" {
		t.Errorf("traced call: traceparent = %q; want the span's", h)
	}
	if h := <-got; h != "" {
		t.Errorf("untraced call: traceparent = %q; want none", h)
	}
}

// Credentials in base_url reach the upstream as basic auth, and only as
// that (not in the request line).
func TestBaseURLUserInfo(t *testing.T) {
	got := make(chan string, 1)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		got <- fmt.Sprintf("%v %s:%s %s", ok, u, p, r.RequestURI)
	}))
	defer s.Close()
	r := router(t, `
upstreams: [{name: u, kind: openai, base_url: "http://alice:s3cret@`+strings.TrimPrefix(s.URL, "http://")+`/v1"}]
models: [{name: m, targets: [{upstream: u}]}]
`)
	resp, err := r.Upstreams()[0].Send(context.Background(), APIChat, "m", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if g := <-got; g != "true alice:s3cret /v1/chat/completions" {
		t.Errorf("upstream saw %q; want basic auth alice:s3cret on /v1/chat/completions", g)
	}
}
