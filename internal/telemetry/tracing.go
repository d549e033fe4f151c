package telemetry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Batching of the otlp exporter. The queue is bounded and a full queue
// drops spans: ending a span never waits on the collector.
const (
	otlpQueueSize  = 2048
	otlpBatchSize  = 512
	otlpBatchDelay = 5 * time.Second
)

// TracerOptions are NewTracerProvider's inputs besides the config section.
type TracerOptions struct {
	// Stdout receives the stdout exporter's JSON lines.
	Stdout io.Writer
	// Getenv resolves telemetry.otlp.headers_env (default os.Getenv).
	Getenv func(string) string
	// Logger receives failed exports (default: discarded). Never the
	// spans or the export headers.
	Logger *slog.Logger
	// ServiceVersion is the service.version resource attribute; "" uses
	// the main module's version from the build info, if it has one.
	ServiceVersion string
}

// NewTracerProvider returns the tracer provider for cfg.TraceExporter:
// "none" (a no-op provider, the default: spans cost nearly nothing),
// "stdout" (spans as JSON lines on o.Stdout, written as they end) or "otlp"
// (OTLP/HTTP protobuf to cfg.OTLP's endpoint, batched in the background).
// New traces are sampled at cfg.SampleRatio(); a span follows its parent's
// decision. shutdown flushes the spans still queued and stops the
// provider; for otlp it gives up after cfg.OTLP.Timeout even if ctx has no
// deadline, dropping what is left.
func NewTracerProvider(cfg config.Telemetry, o TracerOptions) (tp trace.TracerProvider, shutdown func(context.Context) error, err error) {
	var opts []sdktrace.TracerProviderOption
	var timeout time.Duration
	switch cfg.TraceExporter {
	case "", config.TraceNone:
		return noop.NewTracerProvider(), func(context.Context) error { return nil }, nil
	case config.TraceStdout:
		opts = append(opts, sdktrace.WithSyncer(&jsonExporter{w: o.Stdout}))
	case config.TraceOTLP:
		if cfg.OTLP == nil {
			return nil, nil, errors.New("telemetry.otlp: required for trace_exporter otlp")
		}
		exp, err := newOTLPExporter(cfg.OTLP, o)
		if err != nil {
			return nil, nil, err
		}
		timeout = cfg.OTLP.Timeout.D()
		opts = append(opts, sdktrace.WithBatcher(exp,
			sdktrace.WithMaxQueueSize(otlpQueueSize),
			sdktrace.WithMaxExportBatchSize(otlpBatchSize),
			sdktrace.WithBatchTimeout(otlpBatchDelay),
			sdktrace.WithExportTimeout(timeout)))
	default:
		return nil, nil, fmt.Errorf("unknown trace exporter %q", cfg.TraceExporter)
	}
	res, err := newResource(cfg, o)
	if err != nil {
		return nil, nil, err
	}
	opts = append(opts, sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio()))))
	p := sdktrace.NewTracerProvider(opts...)
	if timeout == 0 {
		return p, p.Shutdown, nil
	}
	return p, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return p.Shutdown(ctx)
	}, nil
}

// newOTLPExporter builds the OTLP/HTTP exporter from the config alone:
// every setting the exporter would otherwise take from the
// OTEL_EXPORTER_OTLP_* environment variables is passed explicitly, so the
// config file is the one source of truth.
func newOTLPExporter(c *config.OTLP, o TracerOptions) (sdktrace.SpanExporter, error) {
	u, err := c.TracesURL()
	if err != nil {
		return nil, err
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	headers, err := c.ResolveHeaders(getenv)
	if err != nil {
		return nil, err
	}
	compression := otlptracehttp.NoCompression
	if c.Compression == "gzip" {
		compression = otlptracehttp.GzipCompression
	}
	timeout := c.Timeout.D()
	opts := []otlptracehttp.Option{
		otlptracehttp.WithEndpointURL(u.String()), // plain HTTP unless https
		otlptracehttp.WithEncoding(otlptracehttp.EncodingProtobuf),
		otlptracehttp.WithHeaders(headers),
		otlptracehttp.WithCompression(compression),
		otlptracehttp.WithTimeout(timeout),
		// Retries (429, 502-504, network errors) stay within one export's
		// timeout, so a dead collector costs at most the queue.
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: true,
			InitialInterval: timeout / 8, MaxInterval: timeout / 2, MaxElapsedTime: timeout}),
	}
	if u.Scheme == "https" {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if c.CAFile != "" {
			pem, err := os.ReadFile(c.CAFile)
			if err != nil {
				return nil, fmt.Errorf("telemetry.otlp.ca_file: %w", err)
			}
			tc.RootCAs = x509.NewCertPool()
			if !tc.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("telemetry.otlp.ca_file: no PEM certificate in %s", c.CAFile)
			}
		}
		opts = append(opts, otlptracehttp.WithTLSClientConfig(tc))
	}
	// New does no I/O: a collector that is down at start only costs the
	// spans exported while it is down.
	exp, err := otlptracehttp.New(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("telemetry.otlp: %w", err)
	}
	return &loggedExporter{SpanExporter: exp, log: o.Logger}, nil
}

// newResource describes the process on exported spans: service.name,
// service.version when known, and the SDK's telemetry.sdk.* attributes.
func newResource(cfg config.Telemetry, o TracerOptions) (*resource.Resource, error) {
	name := cfg.ServiceName
	if name == "" {
		name = config.DefaultServiceName
	}
	attrs := []attribute.KeyValue{attribute.String("service.name", name)}
	version := o.ServiceVersion
	if bi, ok := debug.ReadBuildInfo(); ok && version == "" && bi.Main.Version != "(devel)" {
		version = bi.Main.Version
	}
	if version != "" {
		attrs = append(attrs, attribute.String("service.version", version))
	}
	res, err := resource.New(context.Background(), resource.WithTelemetrySDK(), resource.WithAttributes(attrs...))
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	return res, nil
}

// loggedExporter reports failed exports on the gateway's logger instead of
// OpenTelemetry's global error handler (plain text on stderr). The spans of
// a failed export are dropped either way.
type loggedExporter struct {
	sdktrace.SpanExporter
	log *slog.Logger
}

func (e *loggedExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := e.SpanExporter.ExportSpans(ctx, spans)
	if err != nil && e.log != nil {
		e.log.Warn("trace export failed; spans dropped", "spans", len(spans), "err", err.Error())
		return nil
	}
	return err
}

// jsonExporter writes finished spans as JSON lines. It exists so tracing
// can be looked at without running a collector.
type jsonExporter struct {
	mu sync.Mutex
	w  io.Writer
}

func (e *jsonExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	enc := json.NewEncoder(e.w)
	for _, s := range spans {
		attrs := map[string]any{}
		for _, a := range s.Attributes() {
			attrs[string(a.Key)] = a.Value.AsInterface()
		}
		if err := enc.Encode(map[string]any{
			"name":        s.Name(),
			"trace_id":    s.SpanContext().TraceID().String(),
			"span_id":     s.SpanContext().SpanID().String(),
			"start":       s.StartTime(),
			"duration_ms": strconv.FormatFloat(float64(s.EndTime().Sub(s.StartTime()).Microseconds())/1000, 'f', 3, 64),
			"status":      s.Status().Code.String(),
			"attributes":  attrs,
		}); err != nil {
			return err
		}
	}
	return nil
}

func (e *jsonExporter) Shutdown(context.Context) error { return nil }
