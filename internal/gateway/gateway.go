// Package gateway is Bulwark's HTTP data plane: one handler per wire API
// (OpenAI chat completions, responses, embeddings, models; Anthropic
// messages), streaming and not, with authentication, limits, the guard
// pipeline's hook points, routing to upstreams, cross-format translation,
// the tool-call and kill-switch hooks, audit and error mapping into each
// API's own error shape.
//
// The gateway reads one immutable State (built from a config snapshot) per
// request through an atomic pointer; Swap replaces it on reload without
// disturbing requests in flight.
package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/provider"
	"github.com/bulwark-ai/bulwark/internal/ratelimit"
	"github.com/bulwark-ai/bulwark/internal/telemetry"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Auditor records an audit event. The gateway calls it after each exchange,
// before the response (or the final stream event) is sent; an error fails
// the request closed.
type Auditor interface {
	Record(ctx context.Context, ev *audit.Event) error
}

// ToolCallChecker checks the tool calls a model returned before the client
// sees them. It returns one decision per call, in order.
type ToolCallChecker interface {
	CheckToolCalls(ctx context.Context, p auth.Principal, calls []agent.ToolCall, findings []guard.Finding) ([]agent.Decision, error)
}

// KillSwitch disables apps, models, agents or tools at run time.
type KillSwitch interface {
	// Check returns a *agent.DisabledError if any target is off.
	Check(targets ...agent.Target) error
	// Watch returns a context cancelled when any target is killed.
	Watch(ctx context.Context, targets ...agent.Target) (context.Context, context.CancelFunc)
}

// State is everything the data plane derives from one config snapshot. It
// is immutable once built.
type State struct {
	Config *config.Config
	Router *provider.Router
	Keys   *auth.Keyring
	Guard  *guard.Pipeline
}

// Options are the gateway's long-lived dependencies. Every hook is optional:
// nil turns the feature off.
type Options struct {
	Logger     *slog.Logger
	Metrics    *telemetry.Metrics // nil: no metrics
	Tracer     trace.Tracer       // nil: no-op tracer
	Limiter    ratelimit.Limiter  // nil: an in-memory limiter
	Auditor    Auditor
	ToolCalls  ToolCallChecker
	KillSwitch KillSwitch
}

// Gateway is the data-plane handler set.
type Gateway struct {
	o        Options
	payloads audit.PayloadMode // what the auditor keeps; see PayloadModer
	metrics  *metricSet
	noTrace  bool // the tracer is the no-op one: skip it entirely
	state    atomic.Pointer[State]
	inFlight atomic.Int64 // data-plane requests being served (see shed)
}

// New returns a gateway serving st.
func New(st *State, o Options) *Gateway {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Tracer == nil {
		o.Tracer = noop.NewTracerProvider().Tracer("bulwark")
	}
	_, noTrace := o.Tracer.(noop.Tracer)
	if o.Limiter == nil {
		o.Limiter = ratelimit.NewMemory()
	}
	g := &Gateway{o: o, payloads: payloadMode(o.Auditor), metrics: newMetricSet(o.Metrics), noTrace: noTrace}
	g.state.Store(st)
	return g
}

// Swap installs a new state and returns the previous one. Requests in
// flight keep the state they started with.
func (g *Gateway) Swap(st *State) *State { return g.state.Swap(st) }

// State returns the current state.
func (g *Gateway) State() *State { return g.state.Load() }

// Register mounts the data-plane routes on mux.
func (g *Gateway) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/chat/completions", g.limit(g.handleChat))
	mux.HandleFunc("POST /v1/messages", g.limit(g.handleMessages))
	mux.HandleFunc("POST /v1/responses", g.limit(g.handleResponses))
	mux.HandleFunc("POST /v1/embeddings", g.limit(g.handleEmbeddings))
	mux.HandleFunc("GET /v1/models", g.limit(g.handleModels))
}
