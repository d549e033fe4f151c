package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// WebhookOptions configure approval notifications.
type WebhookOptions struct {
	URL string
	// Format is "json" (default: the generic payload below) or "slack"
	// (a {"text": ...} message for Slack-compatible incoming webhooks).
	Format string
	// Timeout bounds one POST (default 5s).
	Timeout time.Duration
	// AdminURL, when set, is the admin API base shown in the message so an
	// approver can act (e.g. "https://bulwark-admin.internal:8081").
	AdminURL string
	// Client sends the requests (default: a client with Timeout).
	Client *http.Client
	Logger *slog.Logger
}

// WebhookPayload is the generic JSON notification for a new approval.
// Argument values are included only when the Approvals were configured with
// ShowArguments.
type WebhookPayload struct {
	Type     string   `json:"type"` // "approval.requested"
	Approval Approval `json:"approval"`
	// ApproveURL and DenyURL are the admin endpoints to POST to.
	ApproveURL string `json:"approve_url,omitempty"`
	DenyURL    string `json:"deny_url,omitempty"`
}

// Webhook posts approval requests to a URL in the background: a slow or
// failing receiver never delays or changes a decision. It owns its
// goroutines; Close waits for them.
type Webhook struct {
	opts WebhookOptions
	wg   sync.WaitGroup
	ctx  context.Context
	stop context.CancelFunc
}

// NewWebhook returns a notifier posting to opts.URL.
func NewWebhook(opts WebhookOptions) *Webhook {
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: opts.Timeout}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(context.Background())
	return &Webhook{opts: opts, ctx: ctx, stop: stop}
}

// Notify sends the notification in the background.
func (w *Webhook) Notify(a Approval) {
	body, err := w.payload(a)
	if err != nil {
		w.opts.Logger.Warn("approval webhook: encode", "approval", a.ID, "err", err)
		return
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ctx, cancel := context.WithTimeout(w.ctx, w.opts.Timeout)
		defer cancel()
		if err := w.post(ctx, body); err != nil {
			w.opts.Logger.Warn("approval webhook failed", "approval", a.ID, "err", err)
		}
	}()
}

// Close cancels pending posts and waits for them to end.
func (w *Webhook) Close() {
	w.stop()
	w.wg.Wait()
}

func (w *Webhook) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.opts.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "bulwark-approvals")
	resp, err := w.opts.Client.Do(req)
	if err != nil {
		return fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post: status %d", resp.StatusCode)
	}
	return nil
}

func (w *Webhook) payload(a Approval) ([]byte, error) {
	base := strings.TrimRight(w.opts.AdminURL, "/")
	var approve, deny string
	if base != "" {
		approve = base + "/admin/approvals/" + a.ID + "/approve"
		deny = base + "/admin/approvals/" + a.ID + "/deny"
	}
	if w.opts.Format != "slack" {
		return json.Marshal(WebhookPayload{Type: "approval.requested", Approval: a, ApproveURL: approve, DenyURL: deny})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Bulwark approval needed: %s wants to call %s", who(a), toolLabel(a.Server, a.Tool))
	if len(a.Reasons) > 0 {
		fmt.Fprintf(&b, " (%s)", joinReasons(a.Reasons))
	}
	fmt.Fprintf(&b, ".\nApproval %s expires at %s.", a.ID, a.Expires.Format(time.RFC3339))
	if len(a.Arguments) > 0 {
		fmt.Fprintf(&b, "\nArguments: %s", a.Arguments)
	}
	if approve != "" {
		fmt.Fprintf(&b, "\nApprove: POST %s\nDeny: POST %s", approve, deny)
	}
	return json.Marshal(map[string]string{"text": b.String()})
}

func who(a Approval) string {
	switch {
	case a.Agent != "" && a.App != "":
		return "agent " + a.Agent + " (app " + a.App + ")"
	case a.Agent != "":
		return "agent " + a.Agent
	case a.App != "":
		return "app " + a.App
	}
	return "a caller"
}
