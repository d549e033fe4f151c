package agent

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/auth"
)

// Approval states.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusDenied   = "denied"
	StatusExpired  = "expired" // timed out: denied
)

// Errors from Resolve.
var (
	ErrApprovalNotFound = errors.New("approval not found")
	ErrAlreadyDecided   = errors.New("approval already decided")
)

// Approval is one held tool call waiting for (or decided by) a human.
type Approval struct {
	ID        string          `json:"id"`
	Status    string          `json:"status"`
	Server    string          `json:"server,omitempty"`
	Tool      string          `json:"tool"`
	CallID    string          `json:"call_id,omitempty"`
	App       string          `json:"app,omitempty"`
	Agent     string          `json:"agent,omitempty"`
	EndUser   string          `json:"end_user,omitempty"`
	Reasons   []string        `json:"reasons"`
	Arguments json.RawMessage `json:"arguments,omitempty"` // only when configured
	Created   time.Time       `json:"created"`
	Expires   time.Time       `json:"expires"`
	DecidedBy string          `json:"decided_by,omitempty"`
	DecidedAt time.Time       `json:"decided_at,omitzero"`
	Comment   string          `json:"comment,omitempty"`

	key   string
	done  chan struct{}
	timer *time.Timer
	// deciding is set while one decider (an approver or the timeout) is
	// auditing its decision, so a second decider cannot record a rival one.
	deciding bool
}

// Resolution is an approver's answer.
type Resolution struct {
	Approve  bool
	Approver string
	Comment  string
}

// ApprovalsOptions configure Approvals.
type ApprovalsOptions struct {
	// Timeout is how long a call is held before it is denied (default 5m).
	Timeout time.Duration
	// ShowArguments exposes argument values through the admin API and
	// the webhook. Off by default: arguments may hold secrets or PII.
	ShowArguments bool
	// Notifier is told about every new approval request (e.g. a Webhook).
	Notifier Notifier
	Auditor  Auditor
	Now      func() time.Time
	// Retain is how long decided approvals stay visible (default 1h).
	Retain time.Duration
}

// Notifier is told about new approval requests. Notify must not block for
// long; the Webhook implementation sends in the background.
type Notifier interface {
	Notify(a Approval)
}

// Approvals holds calls that need a human decision. Retries of the same call
// (same principal, tool, arguments and call id) join the existing approval
// instead of creating a second one. Safe for concurrent use.
type Approvals struct {
	opts ApprovalsOptions

	mu    sync.Mutex
	byID  map[string]*Approval
	byKey map[string]*Approval
}

// NewApprovals returns an empty approval queue.
func NewApprovals(opts ApprovalsOptions) *Approvals {
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Minute
	}
	if opts.Retain <= 0 {
		opts.Retain = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Approvals{opts: opts, byID: map[string]*Approval{}, byKey: map[string]*Approval{}}
}

// idempotencyKey identifies a call across retries.
func idempotencyKey(p auth.Principal, call ToolCall) string {
	h := sha256.New()
	for _, s := range []string{p.KeyID, p.App, p.Tenant, p.Agent, p.EndUser, call.Server, call.Name, call.ID} {
		fmt.Fprintf(h, "%d:%s|", len(s), s)
	}
	h.Write(call.Arguments)
	return hex.EncodeToString(h.Sum(nil))
}

// Await holds the call until an approver decides, the approval times out
// (denied), or ctx ends (the caller gave up; the approval stays pending until
// it is decided or expires). It returns the approval as decided.
func (a *Approvals) Await(ctx context.Context, p auth.Principal, call ToolCall, reasons []string) (Approval, error) {
	ap, err := a.request(ctx, p, call, reasons)
	if err != nil {
		return Approval{}, err
	}
	select {
	case <-ap.done:
		return a.snapshot(ap), nil
	case <-ctx.Done():
		return a.snapshot(ap), context.Cause(ctx)
	}
}

func (a *Approvals) request(ctx context.Context, p auth.Principal, call ToolCall, reasons []string) (*Approval, error) {
	key := idempotencyKey(p, call)
	now := a.opts.Now().UTC()
	a.mu.Lock()
	a.pruneLocked(now)
	if ap, ok := a.byKey[key]; ok {
		a.mu.Unlock()
		return ap, nil
	}
	ap := &Approval{
		ID:      newID(),
		Status:  StatusPending,
		Server:  call.Server,
		Tool:    call.Name,
		CallID:  call.ID,
		App:     p.App,
		Agent:   p.Agent,
		EndUser: p.EndUser,
		Reasons: append([]string(nil), reasons...),
		Created: now,
		Expires: now.Add(a.opts.Timeout),
		key:     key,
		done:    make(chan struct{}),
	}
	if a.opts.ShowArguments {
		ap.Arguments = append(json.RawMessage(nil), call.Arguments...)
	}
	a.byID[ap.ID] = ap
	a.byKey[key] = ap
	ap.timer = time.AfterFunc(a.opts.Timeout, func() { a.expire(ap) })
	snap := a.snapshotLocked(ap)
	a.mu.Unlock()

	if err := a.audit(ctx, snap, "approval.request", ""); err != nil {
		// Not audited, not held: resolve it as denied so retries fail too.
		a.finish(ap, StatusDenied, "bulwark", "audit failed")
		return nil, err
	}
	if a.opts.Notifier != nil {
		a.opts.Notifier.Notify(snap)
	}
	return ap, nil
}

// expire denies an approval whose time ran out. The expiry is audited before
// the waiter sees it, like an approver's decision; an audit failure cannot
// undo a deny (fail closed), so the deny takes effect regardless.
func (a *Approvals) expire(ap *Approval) {
	snap, ok := a.claim(ap)
	if !ok {
		return
	}
	snap.Status = StatusExpired
	_ = a.audit(context.Background(), snap, "approval.expire", "timeout")
	a.finish(ap, StatusExpired, "timeout", "")
}

// claim reserves the right to decide a pending approval. It returns false if
// the approval is decided or another decider holds the claim.
func (a *Approvals) claim(ap *Approval) (Approval, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ap.Status != StatusPending || ap.deciding {
		return Approval{}, false
	}
	ap.deciding = true
	return a.snapshotLocked(ap), true
}

// unclaim gives the claim back after a decider failed to audit. If the
// timeout fired meanwhile (and stood aside), the approval expires now.
func (a *Approvals) unclaim(ap *Approval) {
	a.mu.Lock()
	ap.deciding = false
	late := !a.opts.Now().Before(ap.Expires)
	a.mu.Unlock()
	if late {
		a.expire(ap)
	}
}

// finish moves a pending approval to a final state; false if it was not pending.
func (a *Approvals) finish(ap *Approval, status, by, comment string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ap.Status != StatusPending {
		return false
	}
	ap.Status = status
	ap.DecidedBy = by
	ap.DecidedAt = a.opts.Now().UTC()
	ap.Comment = comment
	if ap.timer != nil {
		ap.timer.Stop()
	}
	close(ap.done)
	return true
}

// Resolve records an approver's decision on a pending approval. The decision
// is audited before it takes effect.
func (a *Approvals) Resolve(ctx context.Context, id string, r Resolution) (Approval, error) {
	if r.Approver == "" {
		return Approval{}, errors.New("approver identity is required")
	}
	a.mu.Lock()
	ap, ok := a.byID[id]
	if !ok {
		a.mu.Unlock()
		return Approval{}, ErrApprovalNotFound
	}
	a.mu.Unlock()
	snap, ok := a.claim(ap)
	if !ok {
		return a.snapshot(ap), ErrAlreadyDecided
	}
	status, action := StatusDenied, "approval.deny"
	if r.Approve {
		status, action = StatusApproved, "approval.approve"
	}
	snap.Status = status
	if err := a.audit(ctx, snap, action, r.Approver); err != nil {
		a.unclaim(ap)
		return Approval{}, err
	}
	if !a.finish(ap, status, r.Approver, r.Comment) {
		return a.snapshot(ap), ErrAlreadyDecided
	}
	return a.snapshot(ap), nil
}

// Get returns one approval.
func (a *Approvals) Get(id string) (Approval, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ap, ok := a.byID[id]
	if !ok {
		return Approval{}, false
	}
	return a.snapshotLocked(ap), true
}

// List returns the approvals, oldest first; only pending ones unless all.
func (a *Approvals) List(all bool) []Approval {
	a.mu.Lock()
	out := make([]Approval, 0, len(a.byID))
	for _, ap := range a.byID {
		if all || ap.Status == StatusPending {
			out = append(out, a.snapshotLocked(ap))
		}
	}
	a.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out
}

// Close stops the timers of pending approvals and denies them.
func (a *Approvals) Close() {
	a.mu.Lock()
	var pending []*Approval
	for _, ap := range a.byID {
		if ap.Status == StatusPending {
			pending = append(pending, ap)
		}
	}
	a.mu.Unlock()
	for _, ap := range pending {
		a.finish(ap, StatusDenied, "bulwark", "shutting down")
	}
}

func (a *Approvals) pruneLocked(now time.Time) {
	for id, ap := range a.byID {
		if ap.Status != StatusPending && now.Sub(ap.DecidedAt) > a.opts.Retain {
			delete(a.byID, id)
			delete(a.byKey, ap.key)
		}
	}
}

func (a *Approvals) snapshot(ap *Approval) Approval {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.snapshotLocked(ap)
}

func (a *Approvals) snapshotLocked(ap *Approval) Approval {
	s := *ap
	s.Reasons = append([]string(nil), ap.Reasons...)
	s.done, s.timer = nil, nil
	return s
}

func (a *Approvals) audit(ctx context.Context, ap Approval, action, actor string) error {
	if a.opts.Auditor == nil {
		return nil
	}
	ev := &audit.Event{
		Time:     a.opts.Now().UTC(),
		Kind:     audit.KindApproval,
		App:      ap.App,
		Agent:    ap.Agent,
		EndUser:  ap.EndUser,
		Actor:    actor,
		Action:   action,
		Target:   "approval:" + ap.ID,
		Tools:    []string{toolLabel(ap.Server, ap.Tool)},
		Decision: ap.Status,
		Reason:   joinReasons(ap.Reasons),
	}
	if err := a.opts.Auditor.Record(ctx, ev); err != nil {
		return fmt.Errorf("approvals: audit: %w", err)
	}
	return nil
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "apr_" + hex.EncodeToString(b[:])
}

func toolLabel(server, name string) string {
	if server == "" {
		return name
	}
	return server + "/" + name
}

func joinReasons(rs []string) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += "; "
		}
		out += r
	}
	return out
}
