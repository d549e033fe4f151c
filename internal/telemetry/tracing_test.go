package telemetry_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/telemetry"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// export is one OTLP/HTTP request as the collector received it.
type export struct {
	path, contentType, encoding string
	header                      http.Header
	body                        []byte // decompressed
	req                         *coltracepb.ExportTraceServiceRequest
}

// collector is an OTLP/HTTP trace receiver that decodes what it gets.
type collector struct {
	*httptest.Server
	mu      sync.Mutex
	exports []export
	errs    []error
}

func newCollector(t *testing.T) *collector {
	c := &collector{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := c.read(r)
		if err != nil {
			c.mu.Lock()
			c.errs = append(c.errs, err)
			c.mu.Unlock()
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		req := &coltracepb.ExportTraceServiceRequest{}
		if err := proto.Unmarshal(body, req); err != nil {
			c.mu.Lock()
			c.errs = append(c.errs, fmt.Errorf("decode ExportTraceServiceRequest: %w", err))
			c.mu.Unlock()
			http.Error(w, "bad protobuf", http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.exports = append(c.exports, export{path: r.URL.Path, contentType: r.Header.Get("Content-Type"),
			encoding: r.Header.Get("Content-Encoding"), header: r.Header.Clone(), body: body, req: req})
		c.mu.Unlock()
		resp, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(resp)
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *collector) read(r *http.Request) ([]byte, error) {
	var rd io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, err
		}
		rd = zr
	}
	return io.ReadAll(rd)
}

// received returns the exports so far, failing t on any the collector
// could not decode.
func (c *collector) received(t *testing.T) []export {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, err := range c.errs {
		t.Errorf("collector: %v", err)
	}
	return append([]export(nil), c.exports...)
}

func spansOf(exports []export) []*tracepb.Span {
	var out []*tracepb.Span
	for _, e := range exports {
		for _, rs := range e.req.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				out = append(out, ss.GetSpans()...)
			}
		}
	}
	return out
}

// attrs flattens OTLP attributes to their string forms.
func attrs(kvs []*commonpb.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		switch v := kv.GetValue().GetValue().(type) {
		case *commonpb.AnyValue_StringValue:
			m[kv.GetKey()] = v.StringValue
		case *commonpb.AnyValue_IntValue:
			m[kv.GetKey()] = fmt.Sprint(v.IntValue)
		default:
			m[kv.GetKey()] = fmt.Sprint(kv.GetValue())
		}
	}
	return m
}

// telemetryConfig parses a telemetry section the way bulwark serve does.
func telemetryConfig(t *testing.T, yaml string) config.Telemetry {
	t.Helper()
	c, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatalf("config.Parse(%q) = %v", yaml, err)
	}
	return c.Telemetry
}

func TestOTLPExport(t *testing.T) {
	for _, compression := range []string{"none", "gzip"} {
		t.Run(compression, func(t *testing.T) {
			col := newCollector(t)
			cfg := telemetryConfig(t, fmt.Sprintf(`telemetry:
  trace_exporter: otlp
  otlp:
    endpoint: %s
    compression: %s
    headers: {x-tenant: blue}
    headers_env: {authorization: TEST_OTLP_AUTH}
`, col.URL, compression))
			env := map[string]string{"TEST_OTLP_AUTH": "Bearer collector-token"}
			tp, shutdown, err := telemetry.NewTracerProvider(cfg, telemetry.TracerOptions{
				Getenv: func(k string) string { return env[k] }, ServiceVersion: "v9.9.9"})
			if err != nil {
				t.Fatal(err)
			}
			_, span := tp.Tracer("bulwark").Start(context.Background(), "bulwark chat", trace.WithSpanKind(trace.SpanKindServer))
			span.SetAttributes(telemetry.AttrSystem.String("openai"), telemetry.AttrRequestModel.String("gpt-4o"), telemetry.AttrInputTokens.Int(7))
			span.End()
			if err := shutdown(context.Background()); err != nil {
				t.Fatalf("shutdown = %v", err)
			}
			got := col.received(t)
			if len(got) != 1 {
				t.Fatalf("collector got %d exports; want 1 (flushed at shutdown)", len(got))
			}
			e := got[0]
			if e.path != "/v1/traces" || e.contentType != "application/x-protobuf" {
				t.Errorf("export went to %s as %q; want /v1/traces as application/x-protobuf", e.path, e.contentType)
			}
			if wantGzip := compression == "gzip"; (e.encoding == "gzip") != wantGzip {
				t.Errorf("Content-Encoding = %q with compression %s", e.encoding, compression)
			}
			if e.header.Get("Authorization") != "Bearer collector-token" || e.header.Get("X-Tenant") != "blue" {
				t.Errorf("export headers lack the configured authorization (from env) and x-tenant")
			}
			spans := spansOf(got)
			if len(spans) != 1 || spans[0].GetName() != "bulwark chat" || spans[0].GetKind() != tracepb.Span_SPAN_KIND_SERVER {
				t.Fatalf("exported spans = %v; want one server span named %q", spans, "bulwark chat")
			}
			a := attrs(spans[0].GetAttributes())
			for k, want := range map[string]string{"gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": "7"} {
				if a[k] != want {
					t.Errorf("span attribute %s = %q; want %q", k, a[k], want)
				}
			}
			res := attrs(e.req.GetResourceSpans()[0].GetResource().GetAttributes())
			if res["service.name"] != "bulwark" || res["service.version"] != "v9.9.9" || res["telemetry.sdk.language"] != "go" {
				t.Errorf("resource = %v; want service.name bulwark, service.version v9.9.9, telemetry.sdk.*", res)
			}
		})
	}
}

// TestOTLPConfigBeatsEnvironment: the OTEL_EXPORTER_OTLP_* variables the
// exporter library reads on its own must not redirect or re-header spans.
func TestOTLPConfigBeatsEnvironment(t *testing.T) {
	col, decoy := newCollector(t), newCollector(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", decoy.URL)
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", decoy.URL+"/v1/traces")
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-from-env=1")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
	cfg := telemetryConfig(t, "telemetry: {trace_exporter: otlp, otlp: {endpoint: '"+col.URL+"/v1/traces'}}")
	tp, shutdown, err := telemetry.NewTracerProvider(cfg, telemetry.TracerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("t").Start(context.Background(), "s")
	span.End()
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := col.received(t)
	if len(got) != 1 || len(decoy.received(t)) != 0 {
		t.Fatalf("configured collector got %d exports, the env's %d; want 1 and 0", len(got), len(decoy.received(t)))
	}
	if got[0].header.Get("X-From-Env") != "" || got[0].contentType != "application/x-protobuf" {
		t.Errorf("export took env settings: x-from-env %q, content type %q", got[0].header.Get("X-From-Env"), got[0].contentType)
	}
}

func TestOTLPSampling(t *testing.T) {
	sampledParent := trace.ContextWithRemoteSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled, Remote: true}))
	cases := []struct {
		name  string
		ratio string
		ctx   context.Context
		want  int // spans exported of 20
	}{
		{"ratio 1", "1", context.Background(), 20},
		{"ratio 0", "0", context.Background(), 0},
		{"ratio 0 follows a sampled parent", "0", sampledParent, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			col := newCollector(t)
			cfg := telemetryConfig(t, "telemetry: {trace_exporter: otlp, trace_sample_ratio: "+tc.ratio+", otlp: {endpoint: '"+col.URL+"'}}")
			tp, shutdown, err := telemetry.NewTracerProvider(cfg, telemetry.TracerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for range 20 {
				_, span := tp.Tracer("t").Start(tc.ctx, "s")
				span.End()
			}
			if err := shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := len(spansOf(col.received(t))); got != tc.want {
				t.Errorf("ratio %s: exported %d spans of 20; want %d", tc.ratio, got, tc.want)
			}
		})
	}
}

// TestOTLPStuckCollector: a collector that never answers must not block
// span.End (the queue is bounded and drops), and shutdown gives up after
// telemetry.otlp.timeout although its context has no deadline.
func TestOTLPStuckCollector(t *testing.T) {
	release := make(chan struct{})
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer stuck.Close()
	defer close(release) // before Close, which waits for handlers
	cfg := telemetryConfig(t, "telemetry: {trace_exporter: otlp, otlp: {endpoint: '"+stuck.URL+"', timeout: 200ms}}")
	failed := make(chan string, 1)
	logger := slog.New(slog.NewJSONHandler(notifyWriter(failed), nil))
	tp, shutdown, err := telemetry.NewTracerProvider(cfg, telemetry.TracerOptions{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		// Five times the queue: if ending a span waited for room, this
		// would wait on the stuck collector.
		for range 5 * 2048 {
			_, span := tp.Tracer("t").Start(context.Background(), "s")
			span.End()
		}
		done <- shutdown(context.Background())
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second): // a hang guard, not a timing bound
		t.Fatal("ending spans and shutdown hung on a stuck collector")
	}
	// The export that failed may end after shutdown gave up on it.
	select {
	case line := <-failed:
		if !strings.Contains(line, "trace export failed") || !strings.Contains(line, `"spans"`) {
			t.Errorf("log line = %s; want a trace export failure with a span count", line)
		}
	case <-time.After(60 * time.Second): // a hang guard, not a timing bound
		t.Fatal("no trace export failure was logged")
	}
}

// notifyWriter sends the first log line it is given on ch.
type notifyWriter chan string

func (n notifyWriter) Write(p []byte) (int, error) {
	select {
	case n <- string(p):
	default:
	}
	return len(p), nil
}

func TestOTLPStartErrors(t *testing.T) {
	cfg := telemetryConfig(t, "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://127.0.0.1:4318', headers_env: {authorization: TEST_UNSET_OTLP_VAR}}}")
	_, _, err := telemetry.NewTracerProvider(cfg, telemetry.TracerOptions{Getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "TEST_UNSET_OTLP_VAR") {
		t.Errorf("NewTracerProvider with an unset headers_env variable = %v; want an error naming it", err)
	}
	cfg = telemetryConfig(t, "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'https://127.0.0.1:4318', ca_file: "+t.TempDir()+"/missing.pem}}")
	if _, _, err := telemetry.NewTracerProvider(cfg, telemetry.TracerOptions{}); err == nil || !strings.Contains(err.Error(), "ca_file") {
		t.Errorf("NewTracerProvider with a missing ca_file = %v; want a ca_file error", err)
	}
}
