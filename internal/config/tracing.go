package config

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Trace exporters (telemetry.trace_exporter).
const (
	TraceNone   = "none"   // no-op tracer: no span is started
	TraceStdout = "stdout" // spans as JSON lines on stderr
	TraceOTLP   = "otlp"   // OTLP/HTTP protobuf to a collector (telemetry.otlp)
)

// Tracing defaults.
const (
	DefaultServiceName = "bulwark"
	DefaultOTLPTimeout = 10 * time.Second
	// OTLPTracesPath is the OTLP/HTTP path for traces, appended to an
	// endpoint that does not already end in it.
	OTLPTracesPath = "/v1/traces"
)

// OTLP configures the otlp trace exporter: where spans go and how.
type OTLP struct {
	// Endpoint is the collector's URL, http:// (plain) or https:// (TLS),
	// e.g. http://127.0.0.1:4318. OTLPTracesPath is appended unless the
	// path already ends in it. Required.
	Endpoint string `yaml:"endpoint"`
	// Headers are static headers sent with every export (not secrets).
	Headers map[string]string `yaml:"headers"`
	// HeadersEnv maps a header name to the environment variable holding
	// its value (read once at start, never logged): for tokens.
	HeadersEnv map[string]string `yaml:"headers_env"`
	// Timeout bounds one export, its retries included, and the flush at
	// shutdown (default 10s).
	Timeout Duration `yaml:"timeout"`
	// Compression is "none" (default) or "gzip".
	Compression string `yaml:"compression"`
	// CAFile is a PEM bundle of CAs to trust instead of the system roots
	// (https endpoints only).
	CAFile string `yaml:"ca_file"`
}

// SampleRatio returns telemetry.trace_sample_ratio: the fraction of traces
// sampled (1 when unset).
func (t *Telemetry) SampleRatio() float64 {
	if t.TraceSampleRatio == nil {
		return 1
	}
	return *t.TraceSampleRatio
}

// SameTracing reports whether t and o configure tracing identically. The
// tracer provider is built once at start, so a reload that changes tracing
// needs a restart to take effect.
func (t *Telemetry) SameTracing(o *Telemetry) bool {
	return t.TraceExporter == o.TraceExporter && t.SampleRatio() == o.SampleRatio() &&
		t.ServiceName == o.ServiceName && reflect.DeepEqual(t.OTLP, o.OTLP)
}

func (t *Telemetry) applyTracingDefaults() {
	if t.TraceExporter == "" {
		t.TraceExporter = TraceNone
	}
	if t.ServiceName == "" {
		t.ServiceName = DefaultServiceName
	}
	if o := t.OTLP; o != nil {
		if o.Timeout == 0 {
			o.Timeout = Duration(DefaultOTLPTimeout)
		}
		if o.Compression == "" {
			o.Compression = "none"
		}
	}
}

// validateTracing reports every problem in the tracing keys.
func (t *Telemetry) validateTracing() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch t.TraceExporter {
	case TraceNone, TraceStdout:
		if t.OTLP != nil {
			add("telemetry.otlp: set, but telemetry.trace_exporter is %q, not otlp", t.TraceExporter)
		}
	case TraceOTLP:
		if t.OTLP == nil {
			add("telemetry.otlp.endpoint: required for trace_exporter otlp")
		} else {
			errs = append(errs, t.OTLP.validate()...)
		}
	default:
		add("telemetry.trace_exporter: %q is not none, stdout or otlp", t.TraceExporter)
	}
	// !(r >= 0 && r <= 1) also refuses NaN.
	if r := t.SampleRatio(); !(r >= 0 && r <= 1) {
		add("telemetry.trace_sample_ratio: %v is not within 0..1", r)
	}
	if strings.TrimSpace(t.ServiceName) != t.ServiceName || hasControl(t.ServiceName) {
		add("telemetry.service_name: must not have surrounding spaces or control characters")
	}
	return errs
}

func (o *OTLP) validate() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	u, err := o.TracesURL()
	if err != nil {
		errs = append(errs, err)
	}
	if o.CAFile != "" && u != nil && u.Scheme != "https" {
		add("telemetry.otlp.ca_file: only for an https endpoint")
	}
	for _, k := range sortedKeys(o.Headers) {
		if !validHeaderName(k) {
			add("telemetry.otlp.headers: %q is not a valid header name", k)
		}
		if hasControl(o.Headers[k]) {
			add("telemetry.otlp.headers[%s]: value has control characters", k)
		}
	}
	for _, k := range sortedKeys(o.HeadersEnv) {
		if !validHeaderName(k) {
			add("telemetry.otlp.headers_env: %q is not a valid header name", k)
		}
		if o.HeadersEnv[k] == "" {
			add("telemetry.otlp.headers_env[%s]: environment variable name required", k)
		}
		for h := range o.Headers {
			if strings.EqualFold(h, k) {
				add("telemetry.otlp: header %q is in both headers and headers_env", k)
			}
		}
	}
	if o.Timeout <= 0 {
		add("telemetry.otlp.timeout: must be positive")
	}
	switch o.Compression {
	case "none", "gzip":
	default:
		add("telemetry.otlp.compression: %q is not none or gzip", o.Compression)
	}
	return errs
}

// TracesURL returns the URL spans are posted to: the endpoint with
// OTLPTracesPath appended unless its path already ends in it. Errors name
// the problem, not the URL's user info (credentials belong in headers_env).
func (o *OTLP) TracesURL() (*url.URL, error) {
	const key = "telemetry.otlp.endpoint"
	if o.Endpoint == "" {
		return nil, errors.New(key + ": required for trace_exporter otlp")
	}
	u, err := url.Parse(o.Endpoint)
	switch {
	case err != nil:
		return nil, errors.New(key + ": not a URL (want e.g. http://127.0.0.1:4318)")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%s: scheme %q is not http or https", key, u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New(key + ": host required (want e.g. http://127.0.0.1:4318)")
	case u.User != nil:
		return nil, errors.New(key + ": must not carry user info; put credentials in telemetry.otlp.headers_env")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, errors.New(key + ": must not have a query or fragment")
	}
	if !strings.HasSuffix(u.Path, OTLPTracesPath) {
		u.Path = strings.TrimSuffix(u.Path, "/") + OTLPTracesPath
		u.RawPath = ""
	}
	return u, nil
}

// ResolveHeaders returns the export headers: the static ones plus those
// read from the environment. Errors name the variable, never the value.
func (o *OTLP) ResolveHeaders(getenv func(string) string) (map[string]string, error) {
	h := make(map[string]string, len(o.Headers)+len(o.HeadersEnv))
	for k, v := range o.Headers {
		h[k] = v
	}
	for _, k := range sortedKeys(o.HeadersEnv) {
		env := o.HeadersEnv[k]
		v := getenv(env)
		if v == "" {
			return nil, fmt.Errorf("telemetry.otlp.headers_env[%s]: environment variable %s is empty or unset", k, env)
		}
		if hasControl(v) {
			return nil, fmt.Errorf("telemetry.otlp.headers_env[%s]: environment variable %s has control characters", k, env)
		}
		h[k] = v
	}
	return h, nil
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	for _, c := range []byte(s) {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
