package agent

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/policy"
)

// Stack is the agent-security components built from one config section.
type Stack struct {
	Firewall  *Firewall
	Kill      *KillSwitch
	Approvals *Approvals
	Webhook   *Webhook // nil without a webhook URL

	auditor Auditor
	policy  atomic.Pointer[policy.Engine] // nil without a policy directory
	mu      sync.Mutex                    // serializes reloads
	cfg     config.Agents                 // in force (defaults applied)

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
	s := &Stack{auditor: auditor, cfg: cfg}
	if cfg.PolicyDir != "" {
		opts, err := policyOptions(cfg)
		if err != nil {
			return nil, err
		}
		eng, err := policy.Load(ctx, cfg.PolicyDir, opts)
		if err != nil {
			return nil, fmt.Errorf("agents: %w", err)
		}
		s.policy.Store(eng)
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
	if eng := s.policy.Load(); eng != nil {
		fo.Policy = eng
	}
	s.Firewall = NewFirewall(fo)
	return s, nil
}

func policyOptions(cfg config.Agents) (policy.Options, error) {
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return policy.Options{}, fmt.Errorf("agents: time zone: %w", err)
	}
	return policy.Options{Location: loc, Timeout: cfg.PolicyTimeout.D()}, nil
}

// Policy is the policy engine in force; nil without a policy directory.
func (s *Stack) Policy() *policy.Engine { return s.policy.Load() }

// StagedReload is a reload of the agent settings built by PrepareReload and
// not yet in force.
type StagedReload struct {
	s      *Stack
	cfg    config.Agents
	staged *policy.Staged // the policy, when the engine is kept
	engine *policy.Engine // a new engine, when there was none
}

// PrepareReload builds everything a config reload changes — the policy
// (directory, time zone, timeout: compiled completely), the allow-lists and
// the argument limit — without putting it in force. A config that does not
// validate or a policy that does not compile is an error, and the running
// settings stay. The kill-switch backend, approval settings and webhook
// keep their startup values (a restart applies them).
func (s *Stack) PrepareReload(ctx context.Context, cfg config.Agents) (*StagedReload, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &StagedReload{s: s, cfg: cfg}
	if cfg.PolicyDir == "" {
		return r, nil
	}
	opts, err := policyOptions(cfg)
	if err != nil {
		return nil, err
	}
	if eng := s.policy.Load(); eng != nil {
		if r.staged, err = eng.Stage(ctx, cfg.PolicyDir, opts); err != nil {
			return nil, fmt.Errorf("agents: %w", err)
		}
		return r, nil
	}
	if r.engine, err = policy.Load(ctx, cfg.PolicyDir, opts); err != nil {
		return nil, fmt.Errorf("agents: %w", err)
	}
	return r, nil
}

// Commit puts the staged settings in force at once. It reports the settings
// that changed but need a restart (kill-switch backend, approvals).
func (r *StagedReload) Commit() (needRestart []string) {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	var eng *policy.Engine
	switch {
	case r.staged != nil:
		eng = s.policy.Load()
		eng.Commit(r.staged)
	case r.engine != nil:
		eng = r.engine
	}
	s.policy.Store(eng)
	var p PolicyDecider
	if eng != nil {
		p = eng
	}
	s.Firewall.Reconfigure(p, r.cfg.AllowLists, r.cfg.MaxArgumentBytes)
	if !reflect.DeepEqual(s.cfg.KillSwitch, r.cfg.KillSwitch) {
		needRestart = append(needRestart, "agents.kill_switch")
	}
	if !reflect.DeepEqual(s.cfg.Approvals, r.cfg.Approvals) {
		needRestart = append(needRestart, "agents.approvals")
	}
	s.cfg = r.cfg
	return needRestart
}

// Reload is PrepareReload then Commit.
func (s *Stack) Reload(ctx context.Context, cfg config.Agents) ([]string, error) {
	r, err := s.PrepareReload(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return r.Commit(), nil
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
