package agent

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/policy"
)

// Stack is the agent-security components built from one config section.
type Stack struct {
	Policy    *policy.Engine // nil without a policy directory
	Firewall  *Firewall
	Kill      *KillSwitch
	Approvals *Approvals
	Webhook   *Webhook // nil without a webhook URL

	auditor Auditor

	redis    *RedisBackend
	stopSync context.CancelFunc
	syncDone <-chan struct{}
}

// Build assembles the firewall, kill switch, approvals and webhook from cfg
// (defaults are applied here). auditor may be nil.
func Build(ctx context.Context, cfg config.Agents, auditor Auditor, logger *slog.Logger) (*Stack, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Stack{auditor: auditor}
	if cfg.PolicyDir != "" {
		loc, err := time.LoadLocation(cfg.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("agents: time zone: %w", err)
		}
		s.Policy, err = policy.Load(ctx, cfg.PolicyDir, policy.Options{Location: loc, Timeout: cfg.PolicyTimeout.D()})
		if err != nil {
			return nil, fmt.Errorf("agents: %w", err)
		}
	}
	if cfg.KillSwitch.Backend == "redis" {
		s.redis = NewRedisBackend(cfg.KillSwitch.RedisAddr, "", logger)
		s.Kill = NewKillSwitch(KillSwitchOptions{Auditor: auditor, Backend: s.redis})
		syncCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done, err := s.redis.Sync(syncCtx, s.Kill)
		if err != nil {
			cancel()
			s.redis.Close()
			return nil, fmt.Errorf("agents: kill switch: %w", err)
		}
		s.stopSync, s.syncDone = cancel, done
	} else {
		s.Kill = NewKillSwitch(KillSwitchOptions{Auditor: auditor})
	}
	var notifier Notifier
	if w := cfg.Approvals.Webhook; w.URL != "" {
		s.Webhook = NewWebhook(WebhookOptions{
			URL: w.URL, Format: w.Format, Timeout: w.Timeout.D(), AdminURL: w.AdminURL,
			Client: &http.Client{Timeout: w.Timeout.D()}, Logger: logger,
		})
		notifier = s.Webhook
	}
	s.Approvals = NewApprovals(ApprovalsOptions{
		Timeout: cfg.Approvals.Timeout.D(), ShowArguments: cfg.Approvals.ShowArguments,
		Notifier: notifier, Auditor: auditor,
	})
	fo := FirewallOptions{
		Kill: s.Kill, Approvals: s.Approvals, AllowLists: cfg.AllowLists,
		Auditor: auditor, MaxArgumentBytes: cfg.MaxArgumentBytes,
	}
	if s.Policy != nil {
		fo.Policy = s.Policy
	}
	s.Firewall = NewFirewall(fo)
	return s, nil
}

// Handlers returns the admin handlers to mount, by pattern.
func (s *Stack) Handlers() map[string]http.Handler {
	return map[string]http.Handler{
		"/admin/approvals/": s.Approvals.Handler(),
		"/admin/kill/":      s.Kill.Handler(),
		"/admin/agents/":    s.Handler(),
	}
}

// Close denies pending approvals, waits for webhook posts and stops the
// Redis subscription.
func (s *Stack) Close() {
	s.Approvals.Close()
	if s.Webhook != nil {
		s.Webhook.Close()
	}
	if s.redis != nil {
		s.stopSync()
		<-s.syncDone
		_ = s.redis.Close()
	}
}
