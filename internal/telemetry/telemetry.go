// Package telemetry holds Bulwark's observability plumbing: Prometheus
// metrics registered on an injected Registerer, JSON logs with slog, and
// OpenTelemetry tracing with the GenAI semantic-convention attributes.
// Label values are always bounded (API names, status classes, configured
// upstream names, reasons); keys, users and prompts never become labels.
package telemetry

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
)

// Metrics are the gateway's Prometheus metrics.
type Metrics struct {
	Requests         *prometheus.CounterVec   // bulwark_requests_total{api,status_class}
	RequestDuration  *prometheus.HistogramVec // bulwark_request_duration_seconds{api}
	UpstreamDuration *prometheus.HistogramVec // bulwark_upstream_duration_seconds{provider}
	Tokens           *prometheus.CounterVec   // bulwark_tokens_total{direction}
	Blocks           *prometheus.CounterVec   // bulwark_blocks_total{reason}
	UpstreamErrors   *prometheus.CounterVec   // bulwark_upstream_errors_total{provider}
	Streams          prometheus.Gauge         // bulwark_active_streams
	Reloads          *prometheus.CounterVec   // bulwark_config_reloads_total{result}
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	buckets := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_requests_total",
			Help: "Data-plane requests by API and response status class."}, []string{"api", "status_class"}),
		RequestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "bulwark_request_duration_seconds",
			Help: "Time from request to end of response, by API.", Buckets: buckets}, []string{"api"}),
		UpstreamDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "bulwark_upstream_duration_seconds",
			Help: "Time to upstream response headers, by upstream.", Buckets: buckets}, []string{"provider"}),
		Tokens: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_tokens_total",
			Help: "Tokens reported by upstreams, by direction (input, output)."}, []string{"direction"}),
		Blocks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_blocks_total",
			Help: "Requests refused or streams ended by Bulwark, by reason."}, []string{"reason"}),
		UpstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_upstream_errors_total",
			Help: "Failed upstream attempts (network errors, timeouts, 429, 5xx), by upstream."}, []string{"provider"}),
		Streams: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bulwark_active_streams",
			Help: "Streaming responses in progress."}),
		Reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_config_reloads_total",
			Help: "Configuration reloads by result (ok, error)."}, []string{"result"}),
	}
	for _, c := range []prometheus.Collector{m.Requests, m.RequestDuration, m.UpstreamDuration, m.Tokens, m.Blocks, m.UpstreamErrors, m.Streams, m.Reloads} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// StatusClass returns "2xx", "4xx", ... for a status code.
func StatusClass(code int) string {
	switch code / 100 {
	case 1:
		return "1xx"
	case 2:
		return "2xx"
	case 3:
		return "3xx"
	case 4:
		return "4xx"
	default:
		return "5xx"
	}
}

// NewLogger returns a JSON slog logger at level (debug, info, warn, error).
// Callers must never log prompt text, keys or upstream credentials.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// GenAI semantic-convention attribute keys used on gateway spans.
const (
	AttrSystem        = attribute.Key("gen_ai.system")
	AttrOperation     = attribute.Key("gen_ai.operation.name")
	AttrRequestModel  = attribute.Key("gen_ai.request.model")
	AttrResponseModel = attribute.Key("gen_ai.response.model")
	AttrInputTokens   = attribute.Key("gen_ai.usage.input_tokens")
	AttrOutputTokens  = attribute.Key("gen_ai.usage.output_tokens")
	AttrFinishReasons = attribute.Key("gen_ai.response.finish_reasons")
)
