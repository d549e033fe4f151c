package gateway

import (
	"context"
	"sync"

	"github.com/bulwark-ai/bulwark/internal/telemetry"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
)

// apis are the data-plane API names (metrics label values, span names).
var apis = []string{"chat", "messages", "responses", "embeddings", "models"}

// blockReasons are the reasons counted in bulwark_blocks_total.
var blockReasons = []string{"guardrail", "guard_error", "rate_limit", "kill_switch", "model_not_allowed", "auth", "too_large", "tool_call", "audit_error", "overload"}

// metricSet holds the metric children the request path uses, resolved once
// (WithLabelValues hashes the label values and takes a lock on every call).
type metricSet struct {
	m         *telemetry.Metrics
	requests  map[string]*[6]prometheus.Counter // api -> by status class (1xx..5xx at 1..5)
	duration  map[string]prometheus.Observer
	spanNames map[string]string
	blocks    map[string]prometheus.Counter
	tokensIn  prometheus.Counter
	tokensOut prometheus.Counter
	upstreams sync.Map // upstream name -> *upstreamMetrics
}

type upstreamMetrics struct {
	duration prometheus.Observer
	errors   prometheus.Counter
}

// noopSpan stands for the request span when tracing is off (the no-op
// tracer), so a request does not even put a span in its context.
var noopSpan = trace.SpanFromContext(context.Background())

// serverSpan is the span start option of every request span.
var serverSpan = trace.WithSpanKind(trace.SpanKindServer)

func newMetricSet(m *telemetry.Metrics) *metricSet {
	s := &metricSet{m: m, spanNames: map[string]string{}}
	for _, a := range apis {
		s.spanNames[a] = "bulwark " + a
	}
	if m == nil {
		return s
	}
	s.requests = map[string]*[6]prometheus.Counter{}
	s.duration = map[string]prometheus.Observer{}
	for _, a := range apis {
		var byClass [6]prometheus.Counter
		for c := 1; c <= 5; c++ {
			byClass[c] = m.Requests.WithLabelValues(a, telemetry.StatusClass(c*100))
		}
		s.requests[a] = &byClass
		s.duration[a] = m.RequestDuration.WithLabelValues(a)
	}
	s.blocks = map[string]prometheus.Counter{}
	for _, r := range blockReasons {
		s.blocks[r] = m.Blocks.WithLabelValues(r)
	}
	s.tokensIn = m.Tokens.WithLabelValues("input")
	s.tokensOut = m.Tokens.WithLabelValues("output")
	return s
}

// spanName returns the request span's name for api.
func (s *metricSet) spanName(api string) string {
	if n, ok := s.spanNames[api]; ok {
		return n
	}
	return "bulwark " + api
}

// request counts one finished request.
func (s *metricSet) request(api string, status int, seconds float64) {
	if s.m == nil {
		return
	}
	c := status / 100
	if c < 1 || c > 5 {
		c = 5
	}
	if byClass, ok := s.requests[api]; ok {
		byClass[c].Inc()
		s.duration[api].Observe(seconds)
		return
	}
	s.m.Requests.WithLabelValues(api, telemetry.StatusClass(status)).Inc()
	s.m.RequestDuration.WithLabelValues(api).Observe(seconds)
}

// count counts one request that was refused before it started (no
// duration is observed).
func (s *metricSet) count(api string, status int) {
	if s.m == nil {
		return
	}
	s.m.Requests.WithLabelValues(api, telemetry.StatusClass(status)).Inc()
}

// block counts n refusals for reason (only the reasons in blockReasons).
func (s *metricSet) block(reason string, n float64) {
	if s.m == nil {
		return
	}
	if c, ok := s.blocks[reason]; ok {
		c.Add(n)
	}
}

// tokens counts token usage.
func (s *metricSet) tokens(in, out int) {
	if s.m == nil {
		return
	}
	s.tokensIn.Add(float64(in))
	s.tokensOut.Add(float64(out))
}

// upstream returns the children for an upstream (configured names only, so
// the cache is bounded by the configs seen).
func (s *metricSet) upstream(name string) *upstreamMetrics {
	if v, ok := s.upstreams.Load(name); ok {
		return v.(*upstreamMetrics)
	}
	um := &upstreamMetrics{duration: s.m.UpstreamDuration.WithLabelValues(name), errors: s.m.UpstreamErrors.WithLabelValues(name)}
	v, _ := s.upstreams.LoadOrStore(name, um)
	return v.(*upstreamMetrics)
}
