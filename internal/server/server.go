// Package server assembles Bulwark from a config snapshot: upstreams and
// router, keyring, limits, the guard pipeline and telemetry. It runs the
// data-plane and admin listeners and reloads the snapshot atomically.
//
// Shutdown order (on ctx cancel): both listeners stop accepting and drain
// in-flight requests (streams included) within server.shutdown_timeout;
// then the upstreams' idle connections are closed and the Redis limiter
// client (if the server made one) is closed; the caller (bulwark serve)
// then flushes the tracer provider. Hooks the caller passed in (auditor, kill switch, ...) are
// the caller's to close after Run returns.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/gateway"
	"github.com/bulwark-ai/bulwark/internal/guardrails"
	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
	"github.com/bulwark-ai/bulwark/internal/provider"
	"github.com/bulwark-ai/bulwark/internal/ratelimit"
	"github.com/bulwark-ai/bulwark/internal/telemetry"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/trace"
)

// Options are the server's optional dependencies. Other packages wire their
// implementations in here; nil turns the feature off.
type Options struct {
	// Logger for the server and gateway (default: JSON to stderr at the
	// config's level).
	Logger *slog.Logger
	// Getenv resolves upstream api_key_env (default os.Getenv).
	Getenv func(string) string
	// Registry receives the metrics (default: a new registry with the Go and
	// process collectors). /metrics serves it.
	Registry *prometheus.Registry

	Auditor    gateway.Auditor
	ToolCalls  gateway.ToolCallChecker
	KillSwitch gateway.KillSwitch
	Limiter    ratelimit.Limiter // default: in-memory
	// Tracer for request spans (default: no-op).
	Tracer trace.Tracer

	// Admin maps patterns (e.g. "/admin/audit/") to handlers mounted on the
	// admin listener.
	Admin map[string]http.Handler
	// MCP is mounted at /mcp/ on the data-plane listener.
	MCP http.Handler

	// Listeners, when set, are used instead of listening on the configured
	// addresses (tests pass loopback listeners on port 0).
	DataListener, AdminListener net.Listener
}

// Server is an assembled gateway ready to run.
type Server struct {
	o       Options
	gw      *gateway.Gateway
	metrics *telemetry.Metrics
	reg     *prometheus.Registry
	log     *slog.Logger
	mu      sync.Mutex // serializes reloads
	data    http.Handler
	admin   http.Handler
	// closeLimiter closes the limiter the server created (Redis), if any.
	closeLimiter func() error
}

// BuildState builds everything the data plane derives from cfg. It touches
// nothing that is live, so a failed build leaves the running state alone.
func BuildState(cfg *config.Config, getenv func(string) string) (*gateway.State, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if err := verifyArtifacts(context.Background(), cfg.Models); err != nil {
		return nil, err
	}
	pipe, err := guardrails.Build(cfg.Guardrails)
	if err != nil {
		return nil, fmt.Errorf("guardrails: %w", err)
	}
	var specs []auth.KeySpec
	for _, k := range cfg.Keys {
		l := cfg.Limits.Default
		if k.Limits != nil {
			l = *k.Limits
		}
		specs = append(specs, auth.KeySpec{
			SHA256Hex: k.KeySHA256,
			Principal: auth.Principal{KeyID: k.ID, App: k.App, Tenant: k.Tenant, Agent: k.Agent, Roles: k.Roles, Models: k.Models},
			Limits:    ratelimit.Limits{RequestsPerMinute: l.RequestsPerMinute, TokensPerMinute: l.TokensPerMinute, MaxConcurrentStreams: l.MaxConcurrentStreams},
		})
	}
	keys, err := auth.NewKeyring(specs)
	if err != nil {
		return nil, err
	}
	router, err := provider.NewRouter(cfg, getenv)
	if err != nil {
		return nil, err
	}
	return &gateway.State{Config: cfg, Router: router, Keys: keys, Guard: pipe}, nil
}

// verifyArtifacts checks the lock of every model with artifacts, failing
// closed: a model whose files do not match its lock (or whose lock or
// folder cannot be read) fails the build, naming the model.
func verifyArtifacts(ctx context.Context, models []config.Model) error {
	for _, m := range models {
		a := m.Artifacts
		if a == nil {
			continue
		}
		if err := lock.VerifyFile(ctx, a.Lock, a.Path); err != nil {
			return fmt.Errorf("model %q: artifacts %s do not verify against lock %s: %w", m.Name, a.Path, a.Lock, err)
		}
	}
	return nil
}

// New assembles a server from cfg (defaults applied and validated).
func New(cfg *config.Config, o Options) (*Server, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Logger == nil {
		o.Logger = telemetry.NewLogger(os.Stderr, cfg.Telemetry.LogLevel)
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
		o.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m, err := telemetry.NewMetrics(o.Registry)
	if err != nil {
		return nil, err
	}
	var closeLimiter func() error
	if o.Limiter == nil {
		switch cfg.Limits.Backend {
		case "redis":
			c := redis.NewClient(&redis.Options{Addr: cfg.Limits.RedisAddr})
			o.Limiter, closeLimiter = ratelimit.NewRedis(c, "bulwark:rl:"), c.Close
		default:
			o.Limiter = ratelimit.NewMemory()
		}
	}
	st, err := BuildState(cfg, o.Getenv)
	if err != nil {
		if closeLimiter != nil {
			closeLimiter()
		}
		return nil, err
	}
	s := &Server{o: o, metrics: m, reg: o.Registry, log: o.Logger, closeLimiter: closeLimiter}
	s.gw = gateway.New(st, gateway.Options{
		Logger: o.Logger, Metrics: m, Limiter: o.Limiter, Tracer: o.Tracer,
		Auditor: o.Auditor, ToolCalls: o.ToolCalls, KillSwitch: o.KillSwitch,
	})
	s.data, s.admin = s.handlers()
	return s, nil
}

// Metrics returns the server's metrics.
func (s *Server) Metrics() *telemetry.Metrics { return s.metrics }

// Gateway returns the data-plane gateway.
func (s *Server) Gateway() *gateway.Gateway { return s.gw }

// DataHandler returns the data-plane handler (for tests and embedding).
func (s *Server) DataHandler() http.Handler { return s.data }

// AdminHandler returns the admin handler.
func (s *Server) AdminHandler() http.Handler { return s.admin }

func (s *Server) handlers() (data, admin http.Handler) {
	dm := http.NewServeMux()
	s.gw.Register(dm)
	health := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	}
	readyz := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		st := s.gw.State()
		for _, u := range st.Router.Upstreams() {
			if !u.Breaker().Open() {
				w.Write([]byte(`{"status":"ready"}`))
				return
			}
		}
		if len(st.Router.Upstreams()) == 0 {
			w.Write([]byte(`{"status":"ready"}`))
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"no upstream available"}`))
	}
	dm.HandleFunc("GET /healthz", health)
	dm.HandleFunc("GET /readyz", readyz)
	if s.o.MCP != nil {
		dm.Handle("/mcp/", s.o.MCP)
	}
	am := http.NewServeMux()
	am.HandleFunc("GET /healthz", health)
	am.HandleFunc("GET /readyz", readyz)
	am.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	for pattern, h := range s.o.Admin {
		am.Handle(pattern, h)
	}
	return dm, am
}

// idleTimeout closes client keep-alive connections idle this long.
const idleTimeout = 2 * time.Minute

// Reload builds a new state from cfg and swaps it in atomically. On error
// the running state is kept.
func (s *Server) Reload(cfg *config.Config) error {
	r, err := s.PrepareReload(cfg)
	if err != nil {
		return err
	}
	r.Commit()
	return nil
}

// StagedReload is a state built by PrepareReload and not yet serving:
// Commit swaps it in, Abort discards it. A reload that must change other
// components too (serve's agent settings) prepares all of them first and
// commits only when every part built.
type StagedReload struct {
	s  *Server
	st *gateway.State
}

// PrepareReload builds a new state from cfg without touching the running one.
func (s *Server) PrepareReload(cfg *config.Config) (*StagedReload, error) {
	st, err := BuildState(cfg, s.o.Getenv)
	if err != nil {
		s.metrics.Reloads.WithLabelValues("error").Inc()
		return nil, err
	}
	return &StagedReload{s: s, st: st}, nil
}

// Commit swaps the staged state in.
func (r *StagedReload) Commit() {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	old := r.s.gw.Swap(r.st)
	r.s.metrics.Reloads.WithLabelValues("ok").Inc()
	// Requests in flight keep using old's upstreams; only idle pooled
	// connections are closed now.
	old.Router.Close()
}

// Abort discards the staged state (another part of the reload failed).
func (r *StagedReload) Abort() {
	r.s.metrics.Reloads.WithLabelValues("error").Inc()
	r.st.Router.Close()
}

// Run serves both listeners until ctx is cancelled, then shuts down in the
// documented order. It returns the first listener error, or nil after a
// clean shutdown.
func (s *Server) Run(ctx context.Context) error {
	cfg := s.gw.State().Config
	dl, al := s.o.DataListener, s.o.AdminListener
	var err error
	if dl == nil {
		if dl, err = net.Listen("tcp", cfg.Server.Listen); err != nil {
			return fmt.Errorf("listen %s: %w", cfg.Server.Listen, err)
		}
	}
	if al == nil {
		if al, err = net.Listen("tcp", cfg.Server.AdminListen); err != nil {
			dl.Close()
			return fmt.Errorf("listen %s: %w", cfg.Server.AdminListen, err)
		}
	}
	rht := cfg.Server.ReadHeaderTimeout.D()
	// Client connections are kept alive between requests (a new TCP
	// connection per request would cost more than the gateway itself), but
	// not forever: an idle one is closed after idleTimeout.
	servers := []*http.Server{
		{Handler: s.data, ReadHeaderTimeout: rht, IdleTimeout: idleTimeout, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)},
		{Handler: s.admin, ReadHeaderTimeout: rht, IdleTimeout: idleTimeout, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)},
	}
	lns := []net.Listener{dl, al}
	errc := make(chan error, 2)
	for i := range servers {
		go func() {
			if err := servers[i].Serve(lns[i]); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	s.log.Info("bulwark serving", "listen", dl.Addr().String(), "admin_listen", al.Addr().String())
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.Server.ShutdownTimeout.D())
	defer cancel()
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Shutdown(sctx); err != nil {
				srv.Close()
			}
		}()
	}
	wg.Wait()
	s.gw.State().Router.Close()
	if s.closeLimiter != nil {
		s.closeLimiter()
	}
	s.log.Info("bulwark stopped")
	return runErr
}
