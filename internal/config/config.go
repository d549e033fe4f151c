// Package config is Bulwark's typed configuration: strict YAML decoding
// (unknown keys are errors naming the key and line), validation, defaults and
// the immutable snapshot the data plane reads.
package config

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"time"
)

// Config is the whole configuration. Each section's type lives in the file
// named after it, owned by the package that consumes it. A Config is treated
// as immutable once validated: the server builds a snapshot from it and a
// reload builds a new one.
type Config struct {
	Server    Server     `yaml:"server"`
	Upstreams []Upstream `yaml:"upstreams"`
	Models    []Model    `yaml:"models"`
	Keys      []Key      `yaml:"keys"`
	Limits    Limits     `yaml:"limits"`
	Retry     Retry      `yaml:"retry"`
	Telemetry Telemetry  `yaml:"telemetry"`
	ToolCalls ToolCalls  `yaml:"tool_calls"`

	Guardrails Guardrails `yaml:"guardrails"`
	Audit      Audit      `yaml:"audit"`
	Agents     Agents     `yaml:"agents"`
	MCP        MCP        `yaml:"mcp"`
}

// Server configures the two listeners.
type Server struct {
	// Listen is the data-plane address (default 127.0.0.1:8080).
	Listen string `yaml:"listen"`
	// AdminListen is the admin address (default 127.0.0.1:8081).
	AdminListen string `yaml:"admin_listen"`
	// MaxBodyBytes caps request bodies (default 16 MiB); larger get 413.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// ReadHeaderTimeout bounds reading request headers (default 10s).
	ReadHeaderTimeout Duration `yaml:"read_header_timeout"`
	// ShutdownTimeout bounds the graceful drain on shutdown (default 15s).
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
	// LoopbackOnly refuses non-loopback listen addresses (always on in demo).
	LoopbackOnly bool `yaml:"loopback_only"`
	// MaxInFlight caps the model-API requests (streams included) served at
	// once; more are refused at once with 503 and Retry-After, so overload
	// cannot grow memory without bound. Default 512 per GOMAXPROCS;
	// negative turns the limit off.
	MaxInFlight int `yaml:"max_in_flight"`
	// MaxProcs caps the CPUs that run Go code at once (GOMAXPROCS). 0, the
	// default, keeps Go's choice: the CPUs the process may use, container
	// limits included. On a small host that the gateway shares with its
	// upstream or other busy processes, fewer than the host's cores cost
	// less per request: each request wakes fewer threads
	// (docs/performance.md, "Session 9").
	MaxProcs int `yaml:"max_procs"`
}

// Upstream kinds.
const (
	KindOpenAI    = "openai"    // OpenAI-compatible (OpenAI, vLLM, Ollama, LM Studio, Together, ...)
	KindAzure     = "azure"     // Azure OpenAI: api-key header and api-version query
	KindAnthropic = "anthropic" // Anthropic Messages API
	KindMock      = "mock"      // built-in deterministic mock, no network
)

// Upstream is one model provider endpoint.
type Upstream struct {
	Name    string `yaml:"name"`
	Kind    string `yaml:"kind"`
	BaseURL string `yaml:"base_url"`
	// APIKeyEnv names the environment variable holding the upstream key.
	APIKeyEnv string `yaml:"api_key_env"`
	// APIKeyFile is a file holding the upstream key (trailing newline trimmed).
	APIKeyFile string `yaml:"api_key_file"`
	// APIVersion is Azure's api-version query parameter.
	APIVersion string `yaml:"api_version"`
	// AnthropicVersion is sent as anthropic-version (default 2023-06-01).
	AnthropicVersion string `yaml:"anthropic_version"`
	// Headers are extra static headers sent upstream (not secrets).
	Headers map[string]string `yaml:"headers"`
	// Timeouts for calls to this upstream.
	Timeouts Timeouts `yaml:"timeouts"`
	// MaxIdleConnsPerHost sizes the keep-alive pool (default 256).
	MaxIdleConnsPerHost int `yaml:"max_idle_conns_per_host"`
	// CircuitBreaker opens after consecutive failures.
	CircuitBreaker CircuitBreaker `yaml:"circuit_breaker"`
	// Mock scripts the mock upstream (kind: mock only).
	Mock Mock `yaml:"mock"`
}

// Timeouts for one upstream.
type Timeouts struct {
	Connect   Duration `yaml:"connect"`    // TCP+TLS connect (default 5s)
	FirstByte Duration `yaml:"first_byte"` // until response headers (default 60s)
	Total     Duration `yaml:"total"`      // whole exchange incl. streaming (default 10m)
}

// CircuitBreaker configures the per-upstream breaker.
type CircuitBreaker struct {
	// Failures is the number of consecutive failures that opens the breaker
	// (default 5; 0 keeps the default, -1 disables it).
	Failures int `yaml:"failures"`
	// Cooldown is how long an open breaker rejects calls before letting one
	// probe through (default 30s).
	Cooldown Duration `yaml:"cooldown"`
}

// Mock scripts the built-in mock upstream.
type Mock struct {
	// Latency is added before the first byte of every response.
	Latency Duration `yaml:"latency"`
	// Chunks is the number of content chunks a streamed reply is split into
	// (default 4).
	Chunks int `yaml:"chunks"`
	// ChunkDelay is waited between streamed chunks.
	ChunkDelay Duration `yaml:"chunk_delay"`
	// Reply, when set, is the default reply; otherwise the mock echoes the
	// last user message.
	Reply string `yaml:"reply"`
	// Rules are tried in order; the first whose Match is a substring of the
	// last user message decides the reply.
	Rules []MockRule `yaml:"rules"`
}

// MockRule is one scripted mock reply.
type MockRule struct {
	Match     string         `yaml:"match"`
	Reply     string         `yaml:"reply"`
	ToolCalls []MockToolCall `yaml:"tool_calls"`
	// Status, when non-zero, makes the mock answer with this HTTP error status.
	Status int `yaml:"status"`
}

// MockToolCall is a tool call the mock returns.
type MockToolCall struct {
	Name      string `yaml:"name"`
	Arguments string `yaml:"arguments"` // JSON text
}

// Model routes a client-visible model name to upstream targets.
type Model struct {
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases"`
	// Targets are tried in order: the first is primary, the rest fallbacks.
	Targets []Target `yaml:"targets"`
	// Artifacts pins a self-hosted model's files: the server refuses to
	// start, and a reload is rejected, unless the lock verifies against the
	// folder (nil: not checked).
	Artifacts *ModelArtifacts `yaml:"artifacts"`
}

// ModelArtifacts names a model folder and the lock file that pins it (see
// docs/model-signing.md). Whether the files exist and match is checked when
// the server builds its state, not by Validate.
type ModelArtifacts struct {
	// Path is the folder (or file) the upstream serves the model from.
	Path string `yaml:"path"`
	// Lock is the lock file written by bulwark scan --write-lock.
	Lock string `yaml:"lock"`
}

// Target is one upstream for a model.
type Target struct {
	Upstream string `yaml:"upstream"`
	// Model is the upstream's model name (default: the routed name).
	Model string `yaml:"model"`
}

// Key is one gateway API key, stored only as its SHA-256.
type Key struct {
	ID        string   `yaml:"id"`
	KeySHA256 string   `yaml:"key_sha256"` // lowercase hex of SHA-256(plaintext)
	App       string   `yaml:"app"`
	Tenant    string   `yaml:"tenant"`
	Agent     string   `yaml:"agent"`
	Roles     []string `yaml:"roles"`
	Models    []string `yaml:"models"` // empty: all models
	// Limits override the global per-key limits for this key.
	Limits *KeyLimits `yaml:"limits"`
}

// KeyLimits are per-key rate limits; zero means unlimited.
type KeyLimits struct {
	RequestsPerMinute    int `yaml:"requests_per_minute"`
	TokensPerMinute      int `yaml:"tokens_per_minute"`
	MaxConcurrentStreams int `yaml:"max_concurrent_streams"`
}

// Limits configures rate limiting.
type Limits struct {
	// Default applies to keys without their own limits.
	Default KeyLimits `yaml:"default"`
	// Backend is "memory" (default) or "redis".
	Backend string `yaml:"backend"`
	// RedisAddr is host:port of Redis when Backend is redis.
	RedisAddr string `yaml:"redis_addr"`
}

// Retry configures retries of failed upstream calls.
type Retry struct {
	// Attempts per target including the first (default 2; 1 disables retries).
	Attempts int `yaml:"attempts"`
	// Backoff is the first retry's delay, doubled each time (default 100ms).
	Backoff Duration `yaml:"backoff"`
	// MaxBackoff caps the delay (default 2s).
	MaxBackoff Duration `yaml:"max_backoff"`
	// BudgetRatio caps retries to this fraction of recent requests
	// (default 0.2), so retries cannot multiply an outage.
	BudgetRatio float64 `yaml:"budget_ratio"`
}

// Telemetry configures logs and traces.
type Telemetry struct {
	// LogLevel is debug, info (default), warn or error.
	LogLevel string `yaml:"log_level"`
	// Tracing exporter: "none" (default), "stdout" or "otlp".
	TraceExporter string `yaml:"trace_exporter"`
	// TraceSampleRatio is the fraction of new traces sampled, 0..1
	// (default 1); a span with a sampled parent is always sampled.
	TraceSampleRatio *float64 `yaml:"trace_sample_ratio"`
	// ServiceName is the service.name resource attribute of exported spans
	// (default "bulwark").
	ServiceName string `yaml:"service_name"`
	// OTLP configures trace_exporter otlp (tracing.go).
	OTLP *OTLP `yaml:"otlp"`
}

// ToolCalls configures what the gateway does with denied tool calls.
type ToolCalls struct {
	// DeniedMessage replaces a denied tool call in the response
	// (default "Bulwark blocked a tool call: %s", %s = the reasons).
	DeniedMessage string `yaml:"denied_message"`
}

// Defaults.
const (
	DefaultListen        = "127.0.0.1:8080"
	DefaultAdminListen   = "127.0.0.1:8081"
	DefaultMaxBodyBytes  = 16 << 20
	DefaultDeniedMessage = "Bulwark blocked a tool call: %s"
)

// DefaultProcs is Go's GOMAXPROCS when the process started (the CPUs it
// may use, or the GOMAXPROCS environment variable): what server.max_procs
// 0 means, also after a reload that drops the setting.
var DefaultProcs = runtime.GOMAXPROCS(0)

// Procs is the GOMAXPROCS this config asks for.
func (s *Server) Procs() int {
	if s.MaxProcs > 0 {
		return s.MaxProcs
	}
	return DefaultProcs
}

// ApplyDefaults fills unset fields with their defaults.
func (c *Config) ApplyDefaults() {
	s := &c.Server
	if s.Listen == "" {
		s.Listen = DefaultListen
	}
	if s.AdminListen == "" {
		s.AdminListen = DefaultAdminListen
	}
	if s.MaxBodyBytes == 0 {
		s.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if s.ReadHeaderTimeout == 0 {
		s.ReadHeaderTimeout = Duration(10 * time.Second)
	}
	if s.ShutdownTimeout == 0 {
		s.ShutdownTimeout = Duration(15 * time.Second)
	}
	if s.MaxInFlight == 0 {
		// 512 requests per CPU (1,024 on two cores): far above what the
		// CPU can serve non-streamed (a few per core at a time), yet a
		// bound on memory.
		s.MaxInFlight = 512 * s.Procs()
	}
	for i := range c.Upstreams {
		u := &c.Upstreams[i]
		if u.Timeouts.Connect == 0 {
			u.Timeouts.Connect = Duration(5 * time.Second)
		}
		if u.Timeouts.FirstByte == 0 {
			u.Timeouts.FirstByte = Duration(60 * time.Second)
		}
		if u.Timeouts.Total == 0 {
			u.Timeouts.Total = Duration(10 * time.Minute)
		}
		if u.MaxIdleConnsPerHost == 0 {
			u.MaxIdleConnsPerHost = 256
		}
		if u.CircuitBreaker.Failures == 0 {
			u.CircuitBreaker.Failures = 5
		}
		if u.CircuitBreaker.Cooldown == 0 {
			u.CircuitBreaker.Cooldown = Duration(30 * time.Second)
		}
		if u.Kind == KindAnthropic && u.AnthropicVersion == "" {
			u.AnthropicVersion = "2023-06-01"
		}
		if u.Kind == KindAnthropic && u.BaseURL == "" {
			u.BaseURL = "https://api.anthropic.com"
		}
		if u.Kind == KindOpenAI && u.BaseURL == "" {
			u.BaseURL = "https://api.openai.com/v1"
		}
		if u.Kind == KindMock && u.Mock.Chunks == 0 {
			u.Mock.Chunks = 4
		}
	}
	for i := range c.Models {
		for j := range c.Models[i].Targets {
			if c.Models[i].Targets[j].Model == "" {
				c.Models[i].Targets[j].Model = c.Models[i].Name
			}
		}
	}
	if c.Limits.Backend == "" {
		c.Limits.Backend = "memory"
	}
	r := &c.Retry
	if r.Attempts == 0 {
		r.Attempts = 2
	}
	if r.Backoff == 0 {
		r.Backoff = Duration(100 * time.Millisecond)
	}
	if r.MaxBackoff == 0 {
		r.MaxBackoff = Duration(2 * time.Second)
	}
	if r.BudgetRatio == 0 {
		r.BudgetRatio = 0.2
	}
	if c.Telemetry.LogLevel == "" {
		c.Telemetry.LogLevel = "info"
	}
	c.Telemetry.applyTracingDefaults()
	if c.ToolCalls.DeniedMessage == "" {
		c.ToolCalls.DeniedMessage = DefaultDeniedMessage
	}
}

// Validate reports every problem it finds, joined. It expects ApplyDefaults
// to have run.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	for _, a := range []struct{ key, addr string }{{"server.listen", c.Server.Listen}, {"server.admin_listen", c.Server.AdminListen}} {
		host, _, err := net.SplitHostPort(a.addr)
		if err != nil {
			add("%s: %q is not host:port", a.key, a.addr)
			continue
		}
		if c.Server.LoopbackOnly && !IsLoopbackHost(host) {
			add("%s: %q is not a loopback address (loopback_only is set)", a.key, a.addr)
		}
	}
	if c.Server.MaxBodyBytes < 0 {
		add("server.max_body_bytes: must be positive")
	}
	if c.Server.MaxProcs < 0 {
		add("server.max_procs: must be 0 (Go's default) or positive")
	}
	ups := map[string]bool{}
	for i, u := range c.Upstreams {
		key := fmt.Sprintf("upstreams[%d]", i)
		if u.Name == "" {
			add("%s.name: required", key)
		} else if ups[u.Name] {
			add("%s.name: duplicate upstream %q", key, u.Name)
		}
		ups[u.Name] = true
		switch u.Kind {
		case KindOpenAI, KindAzure, KindAnthropic:
			if u.BaseURL == "" {
				add("%s.base_url: required for kind %s", key, u.Kind)
			} else if !strings.HasPrefix(u.BaseURL, "http://") && !strings.HasPrefix(u.BaseURL, "https://") {
				add("%s.base_url: must start with http:// or https://", key)
			}
			if u.Kind == KindAzure && u.APIVersion == "" {
				add("%s.api_version: required for kind azure", key)
			}
		case KindMock:
			for j, r := range u.Mock.Rules {
				if r.Status != 0 && (r.Status < 400 || r.Status > 599) {
					add("%s.mock.rules[%d].status: must be 400-599", key, j)
				}
			}
		default:
			add("%s.kind: %q is not one of openai, azure, anthropic, mock", key, u.Kind)
		}
		if u.APIKeyEnv != "" && u.APIKeyFile != "" {
			add("%s: set api_key_env or api_key_file, not both", key)
		}
	}
	names := map[string]bool{}
	for i, m := range c.Models {
		key := fmt.Sprintf("models[%d]", i)
		if m.Name == "" {
			add("%s.name: required", key)
		}
		for _, n := range append([]string{m.Name}, m.Aliases...) {
			if n == "" {
				continue
			}
			if names[n] {
				add("%s: model name or alias %q used twice", key, n)
			}
			names[n] = true
		}
		if len(m.Targets) == 0 {
			add("%s.targets: at least one target required", key)
		}
		for j, t := range m.Targets {
			if !ups[t.Upstream] {
				add("%s.targets[%d].upstream: unknown upstream %q", key, j, t.Upstream)
			}
		}
		if a := m.Artifacts; a != nil {
			if a.Path == "" {
				add("%s.artifacts.path: required", key)
			}
			if a.Lock == "" {
				add("%s.artifacts.lock: required", key)
			}
		}
	}
	ids := map[string]bool{}
	for i, k := range c.Keys {
		key := fmt.Sprintf("keys[%d]", i)
		if k.ID == "" {
			add("%s.id: required", key)
		} else if ids[k.ID] {
			add("%s.id: duplicate key id %q", key, k.ID)
		}
		ids[k.ID] = true
		if !isHex(k.KeySHA256, 64) {
			add("%s.key_sha256: must be 64 lowercase hex characters (sha256 of the key)", key)
		}
		for _, m := range k.Models {
			if !names[m] {
				add("%s.models: unknown model %q", key, m)
			}
		}
	}
	switch c.Limits.Backend {
	case "memory":
	case "redis":
		if c.Limits.RedisAddr == "" {
			add("limits.redis_addr: required for backend redis")
		}
	default:
		add("limits.backend: %q is not memory or redis", c.Limits.Backend)
	}
	if c.Retry.Attempts < 1 {
		add("retry.attempts: must be at least 1")
	}
	if c.Retry.BudgetRatio < 0 || c.Retry.BudgetRatio > 1 {
		add("retry.budget_ratio: must be within 0..1")
	}
	switch c.Telemetry.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("telemetry.log_level: %q is not debug, info, warn or error", c.Telemetry.LogLevel)
	}
	errs = append(errs, c.Telemetry.validateTracing()...)
	for _, s := range []struct {
		name string
		v    interface{ Validate() error }
	}{{"guardrails", &c.Guardrails}, {"audit", &c.Audit}, {"agents", &c.Agents}, {"mcp", &c.MCP}} {
		if err := s.v.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.name, err))
		}
	}
	return errors.Join(errs...)
}

// IsLoopbackHost reports whether host (from host:port) is a loopback address
// or "localhost".
func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
