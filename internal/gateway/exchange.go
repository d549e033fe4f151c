package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/provider"
	"github.com/bulwark-ai/bulwark/internal/ratelimit"
	"github.com/bulwark-ai/bulwark/internal/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// exchange is one request's state as it moves through the data plane.
type exchange struct {
	g     *Gateway
	st    *State
	w     http.ResponseWriter
	r     *http.Request
	ctx   context.Context
	api   string // metrics label
	wire  wire
	start time.Time
	span  trace.Span
	// tracing is span.IsRecording(): with the no-op tracer (the default)
	// attributes are not even built.
	tracing bool

	entry *auth.Entry
	lim   ratelimit.Limits
	route *provider.Route
	sess  *guard.Session
	ev    audit.Event

	status    int
	done      bool
	streaming bool
	cancel    context.CancelFunc // kill-switch watch
	release   func()             // concurrent-stream slot
	upstream  time.Duration
}

// traceContext reads and writes W3C trace context headers (traceparent,
// tracestate).
var traceContext propagation.TraceContext

func (g *Gateway) begin(w http.ResponseWriter, r *http.Request, api string, wf wire, route string) *exchange {
	st := g.state.Load()
	ctx, span := r.Context(), noopSpan
	if !g.noTrace {
		// A client's W3C traceparent makes this span its child.
		ctx = traceContext.Extract(ctx, propagation.HeaderCarrier(r.Header))
		ctx, span = g.o.Tracer.Start(ctx, g.metrics.spanName(api), serverSpan)
	}
	x := &exchange{g: g, st: st, w: w, r: r, ctx: ctx, api: api, wire: wf, start: time.Now(), span: span, tracing: span.IsRecording()}
	x.ev = audit.Event{Kind: audit.KindExchange, Route: route}
	if x.tracing {
		span.SetAttributes(telemetry.AttrOperation.String(api))
	}
	return x
}

// authenticate checks the key and the request-rate limit.
func (x *exchange) authenticate() *apiError {
	e, err := x.st.Keys.Authenticate(x.r)
	if err != nil {
		return errAuth(err.Error())
	}
	p := e.Principal
	if eu := x.r.Header["X-Bulwark-End-User"]; len(eu) > 0 && eu[0] != "" {
		p.EndUser = eu[0]
		x.entry = &auth.Entry{Principal: p, Limits: e.Limits}
	} else {
		x.entry = e // shared and read-only: no copy unless the end user differs
	}
	x.ev.KeyID, x.ev.App, x.ev.Tenant, x.ev.Agent, x.ev.EndUser = p.KeyID, p.App, p.Tenant, p.Agent, p.EndUser
	if l, ok := e.Limits.(ratelimit.Limits); ok {
		x.lim = l
	}
	d, err := x.g.o.Limiter.Allow(x.ctx, p.KeyID, x.lim)
	if err != nil {
		return errInternal("rate limiter unavailable", "limiter_error")
	}
	if !d.Allowed {
		x.w.Header().Set("Retry-After", strconv.Itoa(int((d.RetryAfter+time.Second-1)/time.Second)))
		return errRateLimited("rate limit exceeded (" + d.Reason + " per minute); retry later")
	}
	return nil
}

// admit authenticates the caller, reads the body and decodes it into req.
// It answers the client itself and returns ok false when the exchange cannot
// go on; every wire handler starts with it.
func (x *exchange) admit(req any) (body []byte, ok bool) {
	return x.admitWith(func(b []byte) error { return json.Unmarshal(b, req) })
}

// admitWith is admit with a decoder of the caller's choice.
func (x *exchange) admitWith(decode func([]byte) error) (body []byte, ok bool) {
	if e := x.authenticate(); e != nil {
		x.fail(e)
		return nil, false
	}
	body, e := x.readBody()
	if e != nil {
		x.fail(e)
		return nil, false
	}
	if err := decode(body); err != nil {
		x.fail(errBadRequest("invalid JSON body: " + jsonErrText(err)))
		return nil, false
	}
	return body, true
}

// readBody reads the request body within the configured limit.
func (x *exchange) readBody() ([]byte, *apiError) {
	limit := x.st.Config.Server.MaxBodyBytes
	if x.r.ContentLength > limit {
		return nil, errTooLarge(limit)
	}
	body, err := readAllSized(http.MaxBytesReader(x.w, x.r.Body, limit), x.r.ContentLength)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errTooLarge(limit)
		}
		return nil, errBadRequest("could not read request body")
	}
	x.captureRequest(body)
	return body, nil
}

// resolve finds the model's route and applies the key's model allow-list
// and the kill switch.
func (x *exchange) resolve(model string) *apiError {
	if model == "" {
		return errBadRequest("missing required field: model")
	}
	rt, ok := x.st.Router.Lookup(model)
	if !ok {
		return errModelNotFound(model)
	}
	x.route = rt
	x.ev.Model = rt.Name
	if x.tracing {
		x.span.SetAttributes(telemetry.AttrRequestModel.String(model))
	}
	if !x.entry.Principal.AllowsModel(rt.Name) {
		return errForbidden("this API key is not allowed to use model "+strconv.Quote(model), "model_not_allowed")
	}
	if ks := x.g.o.KillSwitch; ks != nil {
		if err := ks.Check(x.targets()...); err != nil {
			var de *agent.DisabledError
			if errors.As(err, &de) {
				return errForbidden(de.Target.String()+" is disabled by the kill switch", "kill_switch")
			}
			return errInternal("kill switch unavailable", "kill_switch_error")
		}
	}
	return nil
}

func (x *exchange) targets() []agent.Target {
	p := x.entry.Principal
	t := []agent.Target{{Kind: "app", Name: p.App}, {Kind: "model", Name: x.route.Name}}
	if p.Agent != "" {
		t = append(t, agent.Target{Kind: "agent", Name: p.Agent})
	}
	return t
}

// guardRequest builds the guard request and starts the session.
func (x *exchange) beginGuard(model, system string, stream bool, schema []byte) {
	x.streaming = stream
	x.sess = x.st.Guard.Begin(guard.Request{App: x.entry.Principal.App, Model: model, Stream: stream, SystemPrompt: system, ResponseSchema: schema})
}

// guardError maps an error of the guard session. A scanner failure is
// logged for the operator (guard.ScannerError scrubs the scanned text from
// its message) and answered with a generic error.
func (x *exchange) guardError(err error) *apiError {
	var be *guard.BlockedError
	if errors.As(err, &be) {
		return errBlocked(be.Error())
	}
	x.g.o.Logger.Error("guardrail failed", "api", x.api, "err", err.Error())
	return errGuardFailed()
}

// call sends the request upstream with retries and fallback.
func (x *exchange) call(build provider.Build) (provider.Result, *apiError) {
	if x.streaming {
		// Take the stream slot before calling the upstream, so a key over its
		// concurrency limit costs the upstream nothing.
		release, ok, err := x.g.o.Limiter.AcquireStream(x.ctx, x.entry.Principal.KeyID, x.lim)
		if err != nil {
			return provider.Result{}, errInternal("rate limiter unavailable", "limiter_error")
		}
		if !ok {
			return provider.Result{}, errRateLimited("too many concurrent streams for this key")
		}
		x.release = release
	}
	if ks := x.g.o.KillSwitch; ks != nil && x.streaming {
		x.ctx, x.cancel = ks.Watch(x.ctx, x.targets()...)
	}
	res, err := x.st.Router.Do(x.ctx, x.route, x.captureSent(build))
	if err != nil {
		var ae *apiError
		switch {
		case errors.As(err, &ae):
			return res, ae
		case x.r.Context().Err() == nil && x.ctx.Err() != nil:
			return res, errForbidden("the request was stopped by the kill switch", "kill_switch")
		case x.ctx.Err() != nil:
			return res, &apiError{status: 499, oaType: "invalid_request_error", code: "client_closed", anType: "api_error", msg: "client closed the request", reason: "client_closed"}
		default:
			x.g.o.Logger.Warn("upstream unavailable", "api", x.api, "model", x.route.Name, "err", err.Error())
			return res, errUpstream(http.StatusBadGateway, "the upstream model provider is unavailable")
		}
	}
	x.upstream = res.Upstream
	x.ev.Provider = res.Target.Upstream.Name()
	if x.tracing {
		x.span.SetAttributes(telemetry.AttrSystem.String(system(res.Target.Upstream.Kind())))
	}
	if x.g.o.Metrics != nil {
		um := x.g.metrics.upstream(res.Target.Upstream.Name())
		um.duration.Observe(res.Upstream.Seconds())
		if res.Attempts > 1 {
			um.errors.Add(float64(res.Attempts - 1))
		}
	}
	return res, nil
}

func system(kind string) string {
	switch kind {
	case "anthropic":
		return "anthropic"
	case "azure":
		return "az.ai.openai"
	case "mock":
		return "bulwark.mock"
	}
	return "openai"
}

// verdictHeader sets x-bulwark-verdict from the session.
func (x *exchange) verdictHeader() {
	if x.sess != nil {
		x.w.Header()["X-Bulwark-Verdict"] = []string{x.sess.Verdict().Header()}
	}
}

// fail ends the exchange with an error response (audited, counted).
func (x *exchange) fail(e *apiError) {
	x.verdictHeader()
	x.ev.Status = e.status
	x.ev.Reason = e.reason
	if e.reason == "guardrail" {
		x.ev.Decision = "block"
	} else {
		x.ev.Decision = "error"
	}
	x.record() // best effort: the request fails anyway
	if e.status != 499 {
		writeError(x.w, x.wire, e)
	}
	x.countBlock(e.reason)
	x.finish(e.status)
}

func (x *exchange) countBlock(reason string) {
	x.g.metrics.block(reason, 1)
}

// record fills the audit event's summary fields and records it.
func (x *exchange) record() error {
	a := x.g.o.Auditor
	if a == nil {
		return nil
	}
	x.ev.Time = x.start
	x.ev.DurationMS = float64(time.Since(x.start).Microseconds()) / 1000
	x.ev.UpstreamMS = float64(x.upstream.Microseconds()) / 1000
	if x.sess != nil {
		v := x.sess.Verdict()
		x.ev.Findings = v.Findings
		if x.ev.Decision == "" {
			x.ev.Decision = v.Action.String()
		}
	}
	if err := a.Record(x.ctx, &x.ev); err != nil {
		x.g.o.Logger.Error("audit record failed", "api", x.api, "err", err.Error())
		return err
	}
	return nil
}

// usage records token counts.
func (x *exchange) usage(in, out int) {
	x.ev.TokensIn, x.ev.TokensOut = in, out
	if x.tracing {
		x.span.SetAttributes(telemetry.AttrInputTokens.Int(in), telemetry.AttrOutputTokens.Int(out))
	}
	x.g.metrics.tokens(in, out)
	// Only a token limit is charged (both limiters ignore the call
	// otherwise); skipping it saves a context per request.
	if x.entry != nil && x.lim.TokensPerMinute > 0 && in+out > 0 {
		x.g.o.Limiter.AddTokens(context.WithoutCancel(x.ctx), x.entry.Principal.KeyID, x.lim, in+out)
	}
}

// finish counts and logs the exchange. It never logs prompt text or keys.
func (x *exchange) finish(status int) {
	if x.done {
		return
	}
	x.done = true
	x.status = status
	if x.cancel != nil {
		x.cancel()
	}
	if x.release != nil {
		x.release()
	}
	d := time.Since(x.start)
	x.g.metrics.request(x.api, status, d.Seconds())
	if x.tracing {
		x.span.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= 500 {
			x.span.SetStatus(codes.Error, "")
		}
	}
	x.span.End()
	lvl := slog.LevelDebug
	if status >= 400 {
		lvl = slog.LevelInfo
	}
	if !x.g.o.Logger.Enabled(x.ctx, lvl) {
		return // skip building the record on the hot path
	}
	x.g.o.Logger.Log(x.ctx, lvl, "request", "api", x.api, "status", status, "model", x.ev.Model, "provider", x.ev.Provider,
		"key_id", x.ev.KeyID, "duration_ms", float64(d.Microseconds())/1000, "tokens_in", x.ev.TokensIn, "tokens_out", x.ev.TokensOut)
}

// readAllSized reads rd to the end into one buffer sized from the declared
// length (io.ReadAll starts at 512 bytes and grows, copying, several times
// for a typical request).
func readAllSized(rd io.Reader, n int64) ([]byte, error) {
	if n <= 0 || n > 1<<20 {
		return io.ReadAll(rd)
	}
	b := make([]byte, 0, n+1) // +1: reading EOF needs no growth
	for {
		m, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err != nil {
			if err == io.EOF {
				return b, nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}
