package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/bulwark-ai/bulwark/internal/telemetry"
)

// runServe implements `bulwark serve [--config FILE] [--demo] [--listen ADDR]
// [--admin-listen ADDR] [--check-config]`. SIGHUP reloads the config file;
// a bad file is logged and the running config kept. Cancelling ctx (SIGINT,
// SIGTERM in main) shuts down gracefully.
func runServe(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfgPath := fs.String("config", "", "config file (YAML)")
	demo := fs.Bool("demo", false, "zero-setup demo: built-in mock upstream, demo key bk-demo, loopback only")
	listen := fs.String("listen", "", "data-plane address (overrides server.listen)")
	adminListen := fs.String("admin-listen", "", "admin address (overrides server.admin_listen)")
	check := fs.Bool("check-config", false, "validate the config (and build upstreams, keys, guardrails), then exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "bulwark serve: unexpected argument %q\n", fs.Arg(0))
		return ExitError
	}
	getenv := env.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	load := func() (*config.Config, error) {
		var cfg *config.Config
		switch {
		case *demo && *cfgPath != "":
			return nil, errors.New("--demo and --config are exclusive")
		case *demo:
			cfg = config.Demo()
		case *cfgPath != "":
			var err error
			if cfg, err = config.Load(*cfgPath); err != nil {
				return nil, err
			}
		default:
			return nil, errors.New("give --config FILE or --demo")
		}
		if *listen != "" {
			cfg.Server.Listen = *listen
		}
		if *adminListen != "" {
			cfg.Server.AdminListen = *adminListen
		}
		if *demo {
			cfg.Server.LoopbackOnly = true
		}
		if err := cfg.Validate(); err != nil {
			return nil, fmt.Errorf("invalid config: %w", err)
		}
		return cfg, nil
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark serve: %v\n", err)
		return ExitError
	}
	if *check {
		st, err := server.BuildState(cfg, getenv)
		if err != nil {
			fmt.Fprintf(env.Stderr, "bulwark serve: %v\n", err)
			return ExitError
		}
		st.Router.Close()
		// Resolves headers_env and reads ca_file; exports nothing.
		_, shutdownTracing, err := telemetry.NewTracerProvider(cfg.Telemetry, telemetry.TracerOptions{Getenv: getenv})
		if err != nil {
			fmt.Fprintf(env.Stderr, "bulwark serve: %v\n", err)
			return ExitError
		}
		shutdownTracing(ctx)
		fmt.Fprintln(env.Stdout, "config ok")
		return ExitOK
	}
	logger := telemetry.NewLogger(env.Stderr, cfg.Telemetry.LogLevel)
	applyProcs(cfg, logger)
	tp, shutdownTracing, err := telemetry.NewTracerProvider(cfg.Telemetry,
		telemetry.TracerOptions{Stdout: env.Stderr, Getenv: getenv, Logger: logger})
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark serve: %v\n", err)
		return ExitError
	}
	opts := server.Options{Logger: logger, Getenv: getenv, Tracer: tp.Tracer("bulwark")}
	if cfg.Audit.Enabled {
		// The audit log outlives the listeners: it is closed (queue
		// committed, final checkpoint signed) after Run has drained them.
		alog, err := openAudit(ctx, cfg, getenv, logger, &opts)
		if err != nil {
			fmt.Fprintf(env.Stderr, "bulwark serve: audit: %v\n", err)
			return ExitError
		}
		defer alog.Close(context.WithoutCancel(ctx))
	}
	var srv *server.Server
	var agents *agentsHandle
	if cfg.Agents.Enabled || cfg.MCP.Enabled {
		// Closed before the audit log, so denials of pending approvals are audited.
		agents, err = openAgents(ctx, cfg, getenv, logger, &opts, liveFrom(&srv))
		if err != nil {
			fmt.Fprintf(env.Stderr, "bulwark serve: agents: %v\n", err)
			return ExitError
		}
		defer agents.Close()
	}
	// Building the scanners (hundreds of compiled expressions) makes
	// garbage the size of the live heap: build with a tight collector
	// target, then hand the pages back, so the resident set is what serving
	// needs (docs/performance.md, "Session 11").
	gcPercent := debug.SetGCPercent(25)
	srv, err = server.New(cfg, opts)
	debug.SetGCPercent(gcPercent)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark serve: %v\n", err)
		return ExitError
	}
	debug.FreeOSMemory()
	if *demo {
		fmt.Fprintf(env.Stderr, "bulwark demo: data plane http://%s/v1 (key %s), admin http://%s\n",
			hostPort(cfg.Server.Listen), config.DemoKey, hostPort(cfg.Server.AdminListen))
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Run(runCtx) }()
	for {
		select {
		case <-hup:
			if *demo {
				logger.Info("SIGHUP ignored in demo mode (no config file)")
				continue
			}
			// Every part is built first (gateway state, Rego policy, agent
			// allow-lists, MCP servers); only when all of them built are
			// they swapped in, so a bad file changes nothing.
			ncfg, err := load()
			var staged *server.StagedReload
			var stagedAgents *agentsStaged
			if err == nil {
				staged, err = srv.PrepareReload(ncfg)
			}
			if err == nil {
				if stagedAgents, err = agents.prepare(ctx, ncfg); err != nil {
					staged.Abort()
				}
			}
			if err == nil {
				staged.Commit()
				err = stagedAgents.commit()
			}
			auditReload(ctx, opts.Auditor, *cfgPath, err)
			if err != nil {
				logger.Error("config reload failed; keeping the running config", "err", err.Error())
				continue
			}
			logger.Info("config reloaded")
			debug.FreeOSMemory() // the old config's scanners and the build's garbage
			applyProcs(ncfg, logger)
			if !ncfg.Telemetry.SameTracing(&cfg.Telemetry) {
				// The tracer provider is built once; the gateway keeps it.
				logger.Warn("tracing settings changed (telemetry.trace_*, service_name, otlp); they apply at the next restart")
			}
		case err := <-done:
			// Bounded by telemetry.otlp.timeout; spans still queued then are dropped.
			if err := shutdownTracing(context.WithoutCancel(ctx)); err != nil {
				logger.Warn("trace flush at shutdown incomplete", "err", err.Error())
			}
			if err != nil {
				fmt.Fprintf(env.Stderr, "bulwark serve: %v\n", err)
				return ExitError
			}
			return ExitOK
		}
	}
}

func hostPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return net.JoinHostPort(host, port)
}

// applyProcs sets GOMAXPROCS to what cfg asks for (server.max_procs), when
// that differs from the running value.
func applyProcs(cfg *config.Config, logger *slog.Logger) {
	if n := cfg.Server.Procs(); n != runtime.GOMAXPROCS(0) {
		runtime.GOMAXPROCS(n)
		logger.Info("GOMAXPROCS set", "procs", n)
	}
}
