package agent

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/auth"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/policy"
	"github.com/google/go-cmp/cmp"
)

// memAuditor records events in memory.
type memAuditor struct {
	mu  sync.Mutex
	evs []audit.Event
}

func (m *memAuditor) Record(_ context.Context, ev *audit.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.evs = append(m.evs, *ev)
	return nil
}

func (m *memAuditor) events() []audit.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]audit.Event(nil), m.evs...)
}

type catalog map[string]ToolMeta

func (c catalog) ToolMeta(server, name string) (ToolMeta, bool) {
	m, ok := c[server+"/"+name]
	return m, ok
}

func examplePolicy(t *testing.T) *policy.Engine {
	t.Helper()
	tuesday := time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)
	e, err := policy.Load(context.Background(), "../../deploy/policies", policy.Options{Now: func() time.Time { return tuesday }, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestFirewallDecide(t *testing.T) {
	kill := NewKillSwitch(KillSwitchOptions{})
	if err := kill.Disable(context.Background(), Target{Kind: "tool", Name: "wipe_disk"}, "ops", "incident"); err != nil {
		t.Fatal(err)
	}
	fw := NewFirewall(FirewallOptions{
		Policy: examplePolicy(t),
		Kill:   kill,
		AllowLists: map[string][]string{
			"mailer":   {"mail/*", "send_email", "wipe_disk"},
			"payer":    {"bank/transfer_funds"},
			"reporter": {"crm/get_*"},
		},
		Catalog: catalog{
			"bank/transfer_funds": {InputSchema: json.RawMessage(`{"type":"object","properties":{"amount":{"type":"number"},"currency":{"type":"string"}},"required":["amount","currency"]}`)},
		},
		MaxArgumentBytes: 1024,
	})
	mailer := auth.Principal{App: "ops", Agent: "mailer"}
	payer := auth.Principal{App: "fin", Agent: "payer"}
	tests := []struct {
		name string
		p    auth.Principal
		call ToolCall
		want Decision
	}{
		{"internal email allowed", mailer, ToolCall{Server: "mail", Name: "send_email", Arguments: json.RawMessage(`{"to":"a@example.com"}`)}, Decision{Effect: EffectAllow}},
		{"external email denied", mailer, ToolCall{Name: "send_email", Arguments: json.RawMessage(`{"to":"a@evil.test"}`)}, deny("email to external recipients is not allowed")},
		{"killed tool", mailer, ToolCall{Name: "wipe_disk"}, deny("tool wipe_disk is disabled by the kill switch")},
		{"not on allow-list", mailer, ToolCall{Server: "bank", Name: "transfer_funds"}, deny("tool bank/transfer_funds is not on this agent's allow-list")},
		{"unknown agent", auth.Principal{App: "x", Agent: "stranger"}, ToolCall{Name: "send_email"}, deny("no tool allow-list for this agent")},
		{"schema violation", payer, ToolCall{Server: "bank", Name: "transfer_funds", Arguments: json.RawMessage(`{"amount":"lots","currency":"EUR"}`)}, deny("arguments do not match the tool's input schema at /amount")},
		{"repeated key", mailer, ToolCall{Server: "mail", Name: "send_email", Arguments: json.RawMessage(`{"to":"a@evil.test","to":"a@example.com"}`)}, deny("arguments repeat the key at /to")},
		{"repeated key, escaped", mailer, ToolCall{Server: "mail", Name: "send_email", Arguments: json.RawMessage(`{"opts":[1,{"cc":"x","c\u0063":"y"}]}`)}, deny("arguments repeat the key at /opts/1/cc")},
		{"invalid JSON", payer, ToolCall{Server: "bank", Name: "transfer_funds", Arguments: json.RawMessage(`{"amount":`)}, deny("arguments are not valid JSON")},
		{"huge arguments", payer, ToolCall{Server: "bank", Name: "transfer_funds", Arguments: json.RawMessage(`{"amount":1,"currency":"` + strings.Repeat("x", 2000) + `"}`)}, deny("arguments larger than 1024 bytes")},
		{"approval without approvals configured", payer, ToolCall{Server: "bank", Name: "transfer_funds", Arguments: json.RawMessage(`{"amount":500,"currency":"EUR"}`)}, deny("payments above 100 need approval", "approval required but approvals are not configured")},
		{"small payment allowed, card redacted", payer, ToolCall{Server: "bank", Name: "transfer_funds", Arguments: json.RawMessage(`{"amount":5,"currency":"EUR","card_number":"4111111111111111"}`)},
			Decision{Effect: EffectAllow, Arguments: json.RawMessage(`{"amount":5,"card_number":"[REDACTED]","currency":"EUR"}`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fw.Decide(context.Background(), tc.p, tc.call, nil)
			if err != nil {
				t.Fatalf("Decide() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Decide(%s) mismatch (-want +got):\n%s", tc.call.Name, diff)
			}
		})
	}
}

func TestFirewallFindingsReachPolicy(t *testing.T) {
	fw := NewFirewall(FirewallOptions{
		Policy:  examplePolicy(t),
		Catalog: catalog{"web/fetch": {Annotations: map[string]bool{"open_world_hint": true}}},
	})
	findings := []guard.Finding{{Scanner: "injection", Type: "INDIRECT_INJECTION", Action: guard.ActionFlag}}
	got, err := fw.Decide(context.Background(), auth.Principal{Agent: "a"}, ToolCall{Server: "web", Name: "fetch"}, findings)
	if err != nil {
		t.Fatal(err)
	}
	if got.Effect != EffectDeny {
		t.Errorf("Decide(fetch after injection) = %v; want deny", got.Effect)
	}
}

type failingPolicy struct{}

func (failingPolicy) Decide(context.Context, policy.Input) (policy.Result, error) {
	return policy.Result{Effect: policy.Deny}, context.DeadlineExceeded
}

func TestCheckToolCallsFailClosed(t *testing.T) {
	aud := &memAuditor{}
	fw := NewFirewall(FirewallOptions{Policy: failingPolicy{}, Auditor: aud})
	ds, err := fw.CheckToolCalls(context.Background(), auth.Principal{App: "a"}, []ToolCall{{ID: "1", Name: "x"}, {ID: "2", Name: "y"}}, nil)
	if err != nil {
		t.Fatalf("CheckToolCalls() error = %v", err)
	}
	for i, d := range ds {
		if d.Effect != EffectDeny {
			t.Errorf("decision %d = %v; want deny", i, d.Effect)
		}
	}
	evs := aud.events()
	if len(evs) != 2 || evs[0].Kind != audit.KindDecision || evs[0].Decision != "error" {
		t.Errorf("audit events = %+v; want 2 decision events with decision error", evs)
	}
}

func TestSetPointer(t *testing.T) {
	tests := []struct {
		in, ptr, want string
		ok            bool
	}{
		{`{"a":{"b":[1,{"c":"secret"}]}}`, "/a/b/1/c", `{"a":{"b":[1,{"c":"X"}]}}`, true},
		{`{"a/b":"s"}`, "/a~1b", `{"a/b":"X"}`, true},
		{`{"a":1}`, "/missing", `{"a":1}`, false},
		{`{"a":[1]}`, "/a/5", `{"a":[1]}`, false},
	}
	for _, tc := range tests {
		var v any
		if err := json.Unmarshal([]byte(tc.in), &v); err != nil {
			t.Fatal(err)
		}
		ok := setPointer(&v, tc.ptr, "X")
		got, _ := json.Marshal(v)
		if ok != tc.ok || string(got) != tc.want {
			t.Errorf("setPointer(%s, %q) = %s, %v; want %s, %v", tc.in, tc.ptr, got, ok, tc.want, tc.ok)
		}
	}
}
