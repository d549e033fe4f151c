package telemetry

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestMetricsRegisterAndNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.Requests.WithLabelValues("chat", StatusClass(200)).Inc()
	m.Tokens.WithLabelValues("input").Add(3)
	if _, err := NewMetrics(reg); err == nil {
		t.Error("registering twice = nil error; want duplicate registration error")
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), "bulwark_") {
			t.Errorf("metric %s lacks the bulwark_ prefix", mf.GetName())
		}
	}
	var pb dto.Metric
	m.Requests.WithLabelValues("chat", "2xx").Write(&pb)
	if got := pb.GetCounter().GetValue(); got != 1 {
		t.Errorf("requests_total{chat,2xx} = %v; want 1", got)
	}
}

func TestStatusClass(t *testing.T) {
	for code, want := range map[int]string{200: "2xx", 201: "2xx", 404: "4xx", 499: "4xx", 502: "5xx", 0: "5xx"} {
		if got := StatusClass(code); got != want {
			t.Errorf("StatusClass(%d) = %q; want %q", code, got, want)
		}
	}
}

func TestTracerProvider(t *testing.T) {
	var buf bytes.Buffer
	tp, shutdown, err := NewTracerProvider(config.Telemetry{TraceExporter: "stdout"}, TracerOptions{Stdout: &buf})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("t").Start(context.Background(), "bulwark chat")
	span.SetAttributes(AttrRequestModel.String("gpt"), AttrInputTokens.Int(3))
	span.End()
	shutdown(context.Background())
	if !strings.Contains(buf.String(), `"gen_ai.request.model":"gpt"`) {
		t.Errorf("exported span = %s; want gen_ai attributes", buf.String())
	}
	if _, _, err := NewTracerProvider(config.Telemetry{TraceExporter: "otlp-nope"}, TracerOptions{}); err == nil {
		t.Error("unknown exporter = nil error")
	}
	if _, _, err := NewTracerProvider(config.Telemetry{TraceExporter: "otlp"}, TracerOptions{}); err == nil {
		t.Error("otlp exporter without telemetry.otlp = nil error")
	}
	tp, _, err = NewTracerProvider(config.Telemetry{TraceExporter: "none"}, TracerOptions{})
	if err != nil {
		t.Errorf("none exporter: %v", err)
	}
	if _, span := tp.Tracer("t").Start(context.Background(), "s"); span.IsRecording() {
		t.Error("none exporter records spans; want the no-op provider")
	}
}
