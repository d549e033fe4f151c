package config

import (
	"strings"
	"testing"
	"time"
)

func TestTracingValidate(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // substring of the error; "" = valid
	}{
		{"default none", "telemetry: {}", ""},
		{"stdout", "telemetry: {trace_exporter: stdout, trace_sample_ratio: 0.5}", ""},
		{"otlp", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://127.0.0.1:4318'}}", ""},
		{"otlp full", `telemetry:
  trace_exporter: otlp
  trace_sample_ratio: 0
  service_name: edge-gw
  otlp:
    endpoint: https://collector.example:4318/otel
    headers: {x-tenant: blue}
    headers_env: {authorization: OTLP_AUTH}
    timeout: 3s
    compression: gzip
    ca_file: /etc/ca.pem
`, ""},
		{"unknown exporter", "telemetry: {trace_exporter: jaeger}", "not none, stdout or otlp"},
		{"otlp without block", "telemetry: {trace_exporter: otlp}", "telemetry.otlp.endpoint: required"},
		{"otlp without endpoint", "telemetry: {trace_exporter: otlp, otlp: {timeout: 1s}}", "telemetry.otlp.endpoint: required"},
		{"block without otlp", "telemetry: {trace_exporter: stdout, otlp: {endpoint: 'http://h:4318'}}", "not otlp"},
		{"block with default exporter", "telemetry: {otlp: {endpoint: 'http://h:4318'}}", "not otlp"},
		{"endpoint without scheme", "telemetry: {trace_exporter: otlp, otlp: {endpoint: '127.0.0.1:4318'}}", "telemetry.otlp.endpoint"},
		{"endpoint host only", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'localhost:4318'}}", "not http or https"},
		{"endpoint grpc scheme", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'grpc://h:4317'}}", "not http or https"},
		{"endpoint without host", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http:///v1/traces'}}", "host required"},
		{"endpoint with user info", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'https://u:hunter2@h:4318'}}", "headers_env"},
		{"endpoint with query", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318?a=b'}}", "query"},
		{"ratio above 1", "telemetry: {trace_exporter: stdout, trace_sample_ratio: 1.5}", "trace_sample_ratio"},
		{"ratio negative", "telemetry: {trace_sample_ratio: -0.1}", "trace_sample_ratio"},
		{"ratio NaN", "telemetry: {trace_sample_ratio: .nan}", "trace_sample_ratio"},
		{"ratio not a number", "telemetry: {trace_sample_ratio: most}", "line 1"},
		{"bad header name", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318', headers: {'bad name': x}}}", "not a valid header name"},
		{"header value newline", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318', headers: {x-a: \"a\\nb\"}}}", "control characters"},
		{"header env empty name", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318', headers_env: {authorization: ''}}}", "environment variable name required"},
		{"header twice", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318', headers: {X-A: v}, headers_env: {x-a: E}}}", "both headers and headers_env"},
		{"zero timeout is the default", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318', timeout: 0s}}", ""},
		{"bad compression", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318', compression: zstd}}", "compression"},
		{"ca_file on http", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318', ca_file: /ca.pem}}", "only for an https endpoint"},
		{"service name spaces", "telemetry: {service_name: ' gw'}", "service_name"},
		{"unknown otlp key", "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318', insecure: true}}", `unknown key "insecure" (in otlp)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Parse(%q) = %v; want valid", tc.in, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Parse(%q) = %v; want error mentioning %q", tc.in, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("Parse(%q) error leaks the URL's password: %v", tc.in, err)
			}
		})
	}
}

func TestTracingDefaults(t *testing.T) {
	c, err := Parse([]byte("telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://127.0.0.1:4318'}}"))
	if err != nil {
		t.Fatal(err)
	}
	tel := c.Telemetry
	if tel.ServiceName != "bulwark" || tel.SampleRatio() != 1 || tel.OTLP.Timeout.D() != 10*time.Second || tel.OTLP.Compression != "none" {
		t.Errorf("defaults = service %q, ratio %v, timeout %v, compression %q; want bulwark, 1, 10s, none",
			tel.ServiceName, tel.SampleRatio(), tel.OTLP.Timeout.D(), tel.OTLP.Compression)
	}
	c, err = Parse([]byte("telemetry: {trace_sample_ratio: 0}"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Telemetry.SampleRatio(); got != 0 {
		t.Errorf("SampleRatio() with trace_sample_ratio: 0 = %v; want 0 (an explicit 0 is not unset)", got)
	}
}

func TestOTLPTracesURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces"},
		{"http://127.0.0.1:4318/", "http://127.0.0.1:4318/v1/traces"},
		{"http://127.0.0.1:4318/v1/traces", "http://127.0.0.1:4318/v1/traces"},
		{"https://gw.example/otel", "https://gw.example/otel/v1/traces"},
		{"https://gw.example/otel/", "https://gw.example/otel/v1/traces"},
		{"https://gw.example/otel/v1/traces", "https://gw.example/otel/v1/traces"},
		{"http://[::1]:4318", "http://[::1]:4318/v1/traces"},
	}
	for _, tc := range cases {
		u, err := (&OTLP{Endpoint: tc.in}).TracesURL()
		if err != nil {
			t.Errorf("TracesURL(%q) = %v", tc.in, err)
			continue
		}
		if got := u.String(); got != tc.want {
			t.Errorf("TracesURL(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestOTLPResolveHeaders(t *testing.T) {
	o := &OTLP{Headers: map[string]string{"x-tenant": "blue"}, HeadersEnv: map[string]string{"authorization": "OTLP_AUTH"}}
	env := map[string]string{"OTLP_AUTH": "Bearer tok-secret"}
	h, err := o.ResolveHeaders(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if h["x-tenant"] != "blue" || h["authorization"] != "Bearer tok-secret" || len(h) != 2 {
		t.Errorf("ResolveHeaders() = %d headers; want x-tenant and authorization", len(h))
	}
	for name, v := range map[string]string{"unset": "", "newline": "Bearer tok-secret\nX-Evil: 1"} {
		env["OTLP_AUTH"] = v
		_, err := o.ResolveHeaders(func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), "OTLP_AUTH") {
			t.Errorf("ResolveHeaders(%s) = %v; want an error naming OTLP_AUTH", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "tok-secret") {
			t.Errorf("ResolveHeaders(%s) error leaks the value: %v", name, err)
		}
	}
}

func TestSameTracing(t *testing.T) {
	parse := func(s string) *Telemetry {
		c, err := Parse([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return &c.Telemetry
	}
	base := "telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4318'}}"
	cases := []struct {
		other string
		want  bool
	}{
		{base, true},
		{"telemetry: {log_level: debug, trace_exporter: otlp, otlp: {endpoint: 'http://h:4318'}}", true},
		{"telemetry: {trace_exporter: otlp, otlp: {endpoint: 'http://h:4319'}}", false},
		{"telemetry: {trace_exporter: otlp, trace_sample_ratio: 0.5, otlp: {endpoint: 'http://h:4318'}}", false},
		{"telemetry: {trace_exporter: otlp, service_name: x, otlp: {endpoint: 'http://h:4318'}}", false},
		{"telemetry: {}", false},
	}
	for _, tc := range cases {
		if got := parse(base).SameTracing(parse(tc.other)); got != tc.want {
			t.Errorf("SameTracing(%q) = %v; want %v", tc.other, got, tc.want)
		}
	}
}
