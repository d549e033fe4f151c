package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
)

// Target is one upstream for a model, with the upstream's name for it.
type Target struct {
	Upstream *Upstream
	Model    string
}

// Route is a model's ordered targets: primary first, then fallbacks.
type Route struct {
	Name    string // canonical model name
	Targets []Target
}

// Router resolves model names and aliases and calls upstreams with retries,
// backoff, a retry budget, circuit breakers and fallback.
type Router struct {
	upstreams []*Upstream
	routes    map[string]*Route
	names     []string
	retry     config.Retry
	budget    *Budget
	sleep     func(ctx context.Context, d time.Duration) error
}

// NewRouter builds the router for cfg (defaults applied, validated).
func NewRouter(cfg *config.Config, getenv func(string) string) (*Router, error) {
	r := &Router{routes: map[string]*Route{}, retry: cfg.Retry, budget: NewBudget(cfg.Retry.BudgetRatio), sleep: sleepCtx}
	byName := map[string]*Upstream{}
	for _, uc := range cfg.Upstreams {
		u, err := NewUpstream(uc, getenv)
		if err != nil {
			r.Close()
			return nil, err
		}
		r.upstreams = append(r.upstreams, u)
		byName[u.name] = u
	}
	for _, m := range cfg.Models {
		rt := &Route{Name: m.Name}
		for _, t := range m.Targets {
			u, ok := byName[t.Upstream]
			if !ok {
				r.Close()
				return nil, fmt.Errorf("model %s: unknown upstream %q", m.Name, t.Upstream)
			}
			rt.Targets = append(rt.Targets, Target{Upstream: u, Model: t.Model})
		}
		r.routes[m.Name] = rt
		r.names = append(r.names, m.Name)
		for _, a := range m.Aliases {
			r.routes[a] = rt
		}
	}
	sort.Strings(r.names)
	return r, nil
}

// Close releases the upstreams' idle connections.
func (r *Router) Close() {
	for _, u := range r.upstreams {
		u.CloseIdleConnections()
	}
}

// Lookup returns the route for a model name or alias.
func (r *Router) Lookup(model string) (*Route, bool) {
	rt, ok := r.routes[model]
	return rt, ok
}

// Models returns the canonical model names, sorted.
func (r *Router) Models() []string { return r.names }

// Upstreams returns the configured upstreams.
func (r *Router) Upstreams() []*Upstream { return r.upstreams }

// Build returns the request body for one target: the gateway rewrites the
// model name and translates the wire format per target.
type Build func(t Target) (api API, body []byte, err error)

// Result is a successful (or final non-retryable) upstream response.
type Result struct {
	Resp     *http.Response
	Target   Target
	API      API
	Attempts int
	Upstream time.Duration // time to response headers of the last attempt
}

// ErrNoUpstream means every target was unavailable (breaker open, network
// error, or retryable status after all retries).
var ErrNoUpstream = errors.New("no upstream available")

// Do calls the route's targets in order. On each target it retries
// retryable failures (network errors, timeouts, 429, 5xx) with exponential
// backoff while the retry budget allows, then falls back to the next target.
// A non-retryable response (e.g. 400) is returned as is. When the last
// attempt got a retryable status, that response is returned so the client
// sees the upstream's status; when no response exists, ErrNoUpstream is
// returned wrapping the last cause.
func (r *Router) Do(ctx context.Context, rt *Route, build Build) (Result, error) {
	r.budget.Deposit()
	var lastErr error
	var last *Result
	attempts := 0
	for _, t := range rt.Targets {
		api, body, err := build(t)
		if err != nil {
			return Result{}, err
		}
		for try := 0; try < r.retry.Attempts; try++ {
			if try > 0 {
				if !r.budget.Withdraw() {
					break
				}
				if err := r.sleep(ctx, backoff(r.retry, try)); err != nil {
					return r.finish(last, err)
				}
			}
			if !t.Upstream.breaker.Allow() {
				lastErr = fmt.Errorf("upstream %s: circuit open", t.Upstream.name)
				break
			}
			attempts++
			start := time.Now()
			resp, err := t.Upstream.Send(ctx, api, t.Model, body)
			if err != nil {
				t.Upstream.breaker.Done(false)
				if ctx.Err() != nil {
					return r.finish(last, ctx.Err())
				}
				lastErr = err
				continue
			}
			if retryable(resp.StatusCode) {
				t.Upstream.breaker.Done(false)
				if last != nil {
					drain(last.Resp)
				}
				last = &Result{Resp: resp, Target: t, API: api, Attempts: attempts, Upstream: time.Since(start)}
				lastErr = fmt.Errorf("upstream %s: status %d", t.Upstream.name, resp.StatusCode)
				continue
			}
			t.Upstream.breaker.Done(true)
			if last != nil {
				drain(last.Resp)
			}
			return Result{Resp: resp, Target: t, API: api, Attempts: attempts, Upstream: time.Since(start)}, nil
		}
	}
	if last != nil {
		return *last, nil
	}
	if lastErr == nil {
		lastErr = errors.New("route has no targets")
	}
	return Result{}, fmt.Errorf("%w: %w", ErrNoUpstream, lastErr)
}

func (r *Router) finish(last *Result, err error) (Result, error) {
	if last != nil {
		drain(last.Resp)
	}
	return Result{}, err
}

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500
}

func backoff(rc config.Retry, try int) time.Duration {
	d := rc.Backoff.D() << (try - 1)
	if d > rc.MaxBackoff.D() || d <= 0 {
		d = rc.MaxBackoff.D()
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Budget limits retries to a fraction of requests: every request deposits
// ratio tokens (up to a cap) and every retry withdraws one, so an outage
// cannot multiply the load on upstreams by the retry count.
type Budget struct {
	ratio float64
	mu    sync.Mutex
	level float64
}

// budgetCap is the most retry tokens that can accumulate; it also lets a
// quiet gateway retry a few times straight away.
const budgetCap = 10

// NewBudget returns a budget allowing ratio retries per request.
func NewBudget(ratio float64) *Budget { return &Budget{ratio: ratio, level: budgetCap} }

// Deposit records one request.
func (b *Budget) Deposit() {
	b.mu.Lock()
	b.level = min(b.level+b.ratio, budgetCap)
	b.mu.Unlock()
}

// Withdraw takes one retry token, reporting whether one was available.
func (b *Budget) Withdraw() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.level < 1 {
		return false
	}
	b.level--
	return true
}
