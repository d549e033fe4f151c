package agent

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/auth"
)

var payCall = ToolCall{ID: "call_1", Server: "bank", Name: "transfer_funds", Arguments: json.RawMessage(`{"amount":500,"currency":"EUR","card_number":"4111111111111111"}`)}

func payer() auth.Principal { return auth.Principal{KeyID: "k1", App: "fin", Agent: "payer"} }

// waitPending waits until n approvals exist and returns them. Any status
// counts: a short-timeout approval may already have expired when this
// goroutine gets to run (CI: -race on a loaded 2-core machine), and every
// test uses a fresh queue. The deadline is a hang guard only.
func waitPending(t *testing.T, a *Approvals, n int) []Approval {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if l := a.List(true); len(l) >= n {
			return l
		}
	}
	t.Fatalf("no %d approvals", n)
	return nil
}

func TestApprovalFlows(t *testing.T) {
	tests := []struct {
		name    string
		act     func(t *testing.T, a *Approvals, id string)
		timeout time.Duration
		want    Effect
		reason  string
	}{
		{"approve", func(t *testing.T, a *Approvals, id string) {
			if _, err := a.Resolve(context.Background(), id, Resolution{Approve: true, Approver: "alice"}); err != nil {
				t.Errorf("Resolve() = %v", err)
			}
		}, time.Minute, EffectAllow, "approved by alice"},
		{"deny", func(t *testing.T, a *Approvals, id string) {
			if _, err := a.Resolve(context.Background(), id, Resolution{Approver: "bob"}); err != nil {
				t.Errorf("Resolve() = %v", err)
			}
		}, time.Minute, EffectDeny, "approval denied"},
		{"timeout", func(*testing.T, *Approvals, string) {}, 20 * time.Millisecond, EffectDeny, "approval timed out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			aud := &memAuditor{}
			a := NewApprovals(ApprovalsOptions{Timeout: tc.timeout, Auditor: aud})
			defer a.Close()
			fw := NewFirewall(FirewallOptions{Policy: examplePolicy(t), Approvals: a})
			done := make(chan Decision, 1)
			go func() {
				d, _ := fw.Decide(context.Background(), payer(), payCall, nil)
				done <- d
			}()
			pend := waitPending(t, a, 1)
			if len(pend[0].Arguments) != 0 {
				t.Errorf("approval exposes arguments %s; want none by default", pend[0].Arguments)
			}
			tc.act(t, a, pend[0].ID)
			d := <-done
			if d.Effect != tc.want || !strings.Contains(strings.Join(d.Reasons, "; "), tc.reason) {
				t.Errorf("Decide() = %+v; want %v with reason %q", d, tc.want, tc.reason)
			}
			var kinds []string
			for _, ev := range aud.events() {
				kinds = append(kinds, ev.Action+":"+ev.Actor)
			}
			if len(kinds) < 2 {
				t.Errorf("audit = %v; want request and decision events", kinds)
			}
		})
	}
}

func TestApprovalIdempotent(t *testing.T) {
	a := NewApprovals(ApprovalsOptions{Timeout: time.Minute})
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	results := make([]Approval, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = a.Await(ctx, payer(), payCall, []string{"big"})
		}()
	}
	pend := waitPending(t, a, 1)
	if n := len(a.List(true)); n != 1 {
		t.Fatalf("approvals after 3 identical requests = %d; want 1", n)
	}
	if _, err := a.Resolve(ctx, pend[0].ID, Resolution{Approve: true, Approver: "alice"}); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	cancel()
	for i, r := range results {
		if r.Status != StatusApproved || r.ID != pend[0].ID {
			t.Errorf("waiter %d got %s %s; want approved %s", i, r.ID, r.Status, pend[0].ID)
		}
	}
	// A retry after the decision gets the same answer without a new approval.
	r, err := a.Await(context.Background(), payer(), payCall, nil)
	if err != nil || r.Status != StatusApproved || len(a.List(true)) != 1 {
		t.Errorf("retry Await() = %v, %v (%d approvals); want approved, 1", r.Status, err, len(a.List(true)))
	}
	// A different call id is a different call.
	other := payCall
	other.ID = "call_2"
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel2()
	if _, err := a.Await(ctx2, payer(), other, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Await(other id) error = %v; want deadline exceeded", err)
	}
	if n := len(a.List(true)); n != 2 {
		t.Errorf("approvals = %d; want 2", n)
	}
	if _, err := a.Resolve(context.Background(), pend[0].ID, Resolution{Approver: "bob"}); !errors.Is(err, ErrAlreadyDecided) {
		t.Errorf("second Resolve() = %v; want ErrAlreadyDecided", err)
	}
}

func TestWebhook(t *testing.T) {
	tests := []struct {
		format     string
		show       bool
		wantIn     []string
		wantNotIn  []string
		wantFields []string
	}{
		// The whole card number: a short piece of it ("4111") also turns
		// up in random approval IDs now and then.
		{"json", false, []string{`"approval.requested"`, `"transfer_funds"`, `/admin/approvals/`}, []string{"4111111111111111"}, []string{"type", "approval"}},
		{"slack", false, []string{"agent payer", "bank/transfer_funds", "payments above 100"}, []string{"4111111111111111"}, []string{"text"}},
		{"slack", true, []string{"4111111111111111"}, nil, []string{"text"}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			got := make(chan []byte, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				got <- b
			}))
			defer srv.Close()
			wh := NewWebhook(WebhookOptions{URL: srv.URL, Format: tc.format, AdminURL: "http://admin:8081"})
			a := NewApprovals(ApprovalsOptions{Timeout: time.Minute, Notifier: wh, ShowArguments: tc.show})
			ctx, cancel := context.WithCancel(context.Background())
			go func() { _, _ = a.Await(ctx, payer(), payCall, []string{"payments above 100 need approval"}) }()
			var body []byte
			select {
			case body = <-got:
			case <-time.After(30 * time.Second):
				t.Fatal("webhook not posted")
			}
			cancel()
			a.Close()
			wh.Close()
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatalf("webhook body %s is not JSON: %v", body, err)
			}
			for _, f := range tc.wantFields {
				if _, ok := m[f]; !ok {
					t.Errorf("webhook body lacks %q: %s", f, body)
				}
			}
			for _, s := range tc.wantIn {
				if !strings.Contains(string(body), s) {
					t.Errorf("webhook body lacks %q: %s", s, body)
				}
			}
			for _, s := range tc.wantNotIn {
				if strings.Contains(string(body), s) {
					t.Errorf("webhook body leaks %q: %s", s, body)
				}
			}
		})
	}
}

func TestWebhookNeverBlocks(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	wh := NewWebhook(WebhookOptions{URL: srv.URL, Timeout: 50 * time.Millisecond})
	defer wh.Close()
	a := NewApprovals(ApprovalsOptions{Timeout: time.Minute, Notifier: wh})
	defer a.Close()
	go func() {
		p := waitPending(t, a, 1)
		_, _ = a.Resolve(context.Background(), p[0].ID, Resolution{Approve: true, Approver: "alice"})
	}()
	r, err := a.Await(context.Background(), payer(), payCall, nil)
	if err != nil || r.Status != StatusApproved {
		t.Errorf("Await() with a hanging webhook = %v, %v; want approved", r.Status, err)
	}
}
