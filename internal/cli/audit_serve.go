package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/gateway"
	"github.com/bulwark-ai/bulwark/internal/server"
)

// openAudit opens the audit log of cfg and wires it into the server
// options: the gateway's Auditor, the admin API under /admin/audit/ and the
// audit metrics on the server's registry. The caller closes the log after
// the server stopped.
func openAudit(ctx context.Context, cfg *config.Config, getenv func(string) string, logger *slog.Logger, o *server.Options) (*audit.Log, error) {
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
		o.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m, err := audit.NewMetrics(o.Registry)
	if err != nil {
		return nil, err
	}
	l, err := audit.Open(ctx, cfg.Audit, getenv, logger, m)
	if err != nil {
		return nil, err
	}
	o.Auditor = l
	if o.Admin == nil {
		o.Admin = map[string]http.Handler{}
	}
	o.Admin["/admin/audit/"] = audit.NewHandler(l, logger)
	return l, nil
}

// auditReload records a config reload (SIGHUP) as a control event: the
// file's SHA-256 as the version and whether the reload took effect. A
// failure to record is not fatal here (the reload already happened); the
// audit log's metrics and logs report store failures.
func auditReload(ctx context.Context, a gateway.Auditor, path string, reloadErr error) {
	if a == nil {
		return
	}
	version := "unreadable"
	if b, err := os.ReadFile(path); err == nil {
		sum := sha256.Sum256(b)
		version = "sha256:" + hex.EncodeToString(sum[:])
	}
	ev := audit.ConfigReload("sighup", version)
	ev.Decision = "allow"
	if reloadErr != nil {
		ev.Decision, ev.Reason = "error", "invalid config; running config kept"
	}
	_ = a.Record(context.WithoutCancel(ctx), ev)
}
