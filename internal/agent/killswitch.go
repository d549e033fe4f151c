package agent

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/bulwark-ai/bulwark/internal/audit"
)

// Target kinds a kill switch accepts.
var targetKinds = map[string]bool{"app": true, "agent": true, "tool": true, "server": true, "model": true}

// ValidTarget reports whether t names a kind a kill switch can disable.
func ValidTarget(t Target) error {
	if !targetKinds[t.Kind] {
		return fmt.Errorf("unknown kill-switch kind %q (want app, agent, tool, server or model)", t.Kind)
	}
	if t.Name == "" || len(t.Name) > 256 {
		return fmt.Errorf("kill-switch name must be 1 to 256 bytes")
	}
	return nil
}

// KillEntry is one disabled target.
type KillEntry struct {
	Kind   string    `json:"kind"`
	Name   string    `json:"name"`
	Actor  string    `json:"actor"`
	Reason string    `json:"reason,omitempty"`
	Since  time.Time `json:"since"`
}

// KillBackend shares kill-switch state between replicas (e.g. Redis). The
// KillSwitch calls Publish on every change and applies what Subscribe
// delivers; nil means this process only.
type KillBackend interface {
	// Publish stores the change and fans it out to the other replicas.
	Publish(ctx context.Context, e KillEntry, disabled bool) error
	// Load returns the disabled targets at start.
	Load(ctx context.Context) ([]KillEntry, error)
}

// KillSwitch disables apps, agents, tools, MCP servers and models at once:
// Check refuses new calls and Watch cancels in-flight ones. It is safe for
// concurrent use. The zero value is not usable; call NewKillSwitch.
type KillSwitch struct {
	auditor Auditor
	backend KillBackend
	now     func() time.Time

	mu       sync.Mutex
	disabled map[Target]KillEntry
	watches  map[*watch]struct{}
}

type watch struct {
	targets []Target
	cancel  context.CancelCauseFunc
}

// KillSwitchOptions configure a KillSwitch; all fields are optional.
type KillSwitchOptions struct {
	Auditor Auditor     // records enable/disable actions
	Backend KillBackend // replica fan-out
	Now     func() time.Time
}

// NewKillSwitch returns a kill switch with nothing disabled.
func NewKillSwitch(opts KillSwitchOptions) *KillSwitch {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &KillSwitch{
		auditor:  opts.Auditor,
		backend:  opts.Backend,
		now:      opts.Now,
		disabled: map[Target]KillEntry{},
		watches:  map[*watch]struct{}{},
	}
}

// Check returns a *DisabledError for the first disabled target, nil if all
// are enabled. Targets with an empty name are ignored.
func (k *KillSwitch) Check(targets ...Target) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.checkLocked(targets)
}

func (k *KillSwitch) checkLocked(targets []Target) error {
	for _, t := range targets {
		if t.Name == "" {
			continue
		}
		if _, off := k.disabled[t]; off {
			return &DisabledError{Target: t}
		}
	}
	return nil
}

// Watch returns a context that is cancelled, with a *DisabledError as its
// cause, as soon as any of the targets is disabled (at once if one already
// is). Call the CancelFunc when the work ends to release the watch.
func (k *KillSwitch) Watch(ctx context.Context, targets ...Target) (context.Context, context.CancelFunc) {
	cctx, cancel := context.WithCancelCause(ctx)
	w := &watch{targets: append([]Target(nil), targets...), cancel: cancel}
	k.mu.Lock()
	if err := k.checkLocked(targets); err != nil {
		k.mu.Unlock()
		cancel(err)
		return cctx, func() {}
	}
	k.watches[w] = struct{}{}
	k.mu.Unlock()
	stop := context.AfterFunc(cctx, func() { k.release(w) })
	return cctx, func() {
		stop()
		k.release(w)
		cancel(context.Canceled)
	}
}

func (k *KillSwitch) release(w *watch) {
	k.mu.Lock()
	delete(k.watches, w)
	k.mu.Unlock()
}

// Disable turns the target's kill switch on: new calls are refused and
// watched work is cancelled. actor is who did it (for the audit log).
func (k *KillSwitch) Disable(ctx context.Context, t Target, actor, reason string) error {
	if err := ValidTarget(t); err != nil {
		return err
	}
	e := KillEntry{Kind: t.Kind, Name: t.Name, Actor: actor, Reason: reason, Since: k.now().UTC()}
	if err := k.record(ctx, "kill.disable", e); err != nil {
		return err
	}
	if k.backend != nil {
		if err := k.backend.Publish(ctx, e, true); err != nil {
			return fmt.Errorf("kill switch: publish: %w", err)
		}
	}
	k.Apply(e, true)
	return nil
}

// Enable turns the target's kill switch off again.
func (k *KillSwitch) Enable(ctx context.Context, t Target, actor string) error {
	if err := ValidTarget(t); err != nil {
		return err
	}
	e := KillEntry{Kind: t.Kind, Name: t.Name, Actor: actor, Since: k.now().UTC()}
	if err := k.record(ctx, "kill.enable", e); err != nil {
		return err
	}
	if k.backend != nil {
		if err := k.backend.Publish(ctx, e, false); err != nil {
			return fmt.Errorf("kill switch: publish: %w", err)
		}
	}
	k.Apply(e, false)
	return nil
}

// Apply changes local state without auditing or publishing; backends call it
// for changes made on other replicas.
func (k *KillSwitch) Apply(e KillEntry, disabled bool) {
	t := Target{Kind: e.Kind, Name: e.Name}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !disabled {
		delete(k.disabled, t)
		return
	}
	k.disabled[t] = e
	cause := &DisabledError{Target: t}
	for w := range k.watches {
		for _, wt := range w.targets {
			if wt == t {
				w.cancel(cause)
				delete(k.watches, w)
				break
			}
		}
	}
}

// List returns the disabled targets, sorted by kind and name.
func (k *KillSwitch) List() []KillEntry {
	k.mu.Lock()
	out := make([]KillEntry, 0, len(k.disabled))
	for _, e := range k.disabled {
		out = append(out, e)
	}
	k.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func (k *KillSwitch) record(ctx context.Context, action string, e KillEntry) error {
	if k.auditor == nil {
		return nil
	}
	ev := &audit.Event{
		Time:   k.now().UTC(),
		Kind:   audit.KindControl,
		Actor:  e.Actor,
		Action: action,
		Target: Target{Kind: e.Kind, Name: e.Name}.String(),
		Reason: e.Reason,
	}
	if err := k.auditor.Record(ctx, ev); err != nil {
		return fmt.Errorf("kill switch: audit: %w", err)
	}
	return nil
}
