// Package audit defines Bulwark's audit events and the tamper-evident log
// they are appended to.
package audit

import (
	"time"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// Kind says what an event records.
type Kind string

// Event kinds.
const (
	KindExchange Kind = "exchange" // one request/response through the data plane
	KindControl  Kind = "control"  // a control-plane action (reload, key change, kill switch, ...)
	KindDecision Kind = "decision" // a policy decision on a tool call
	KindApproval Kind = "approval" // a human approval decision
)

// Event is one audit record. It never holds secrets or PII values: findings
// carry types and offsets only, and payloads are stored encrypted (see
// Payload) according to the operator's config.
type Event struct {
	// ID identifies the event (the gateway may use its request id); the
	// log generates a random one when empty.
	ID   string    `json:"id,omitempty"`
	Time time.Time `json:"time"` // zero means "now" at Record
	Kind Kind      `json:"kind"`

	// Who.
	KeyID   string `json:"key_id,omitempty"`
	App     string `json:"app,omitempty"`
	Tenant  string `json:"tenant,omitempty"`
	Agent   string `json:"agent,omitempty"`
	EndUser string `json:"end_user,omitempty"`
	Actor   string `json:"actor,omitempty"` // operator / approver for control events

	// What.
	Route    string   `json:"route,omitempty"` // e.g. "/v1/chat/completions"
	Model    string   `json:"model,omitempty"`
	Provider string   `json:"provider,omitempty"`
	Tools    []string `json:"tools,omitempty"`
	Action   string   `json:"action,omitempty"` // control action, e.g. "config.reload"
	Target   string   `json:"target,omitempty"` // control target, e.g. "agent:billing-bot"

	// Decisions.
	Decision string          `json:"decision,omitempty"` // allow, flag, redact, block, deny, require_approval, error
	Status   int             `json:"status,omitempty"`   // HTTP status returned
	Findings []guard.Finding `json:"findings,omitempty"`
	Reason   string          `json:"reason,omitempty"`

	// Timings and usage.
	DurationMS float64 `json:"duration_ms,omitempty"`
	UpstreamMS float64 `json:"upstream_ms,omitempty"`
	TokensIn   int     `json:"tokens_in,omitempty"`
	TokensOut  int     `json:"tokens_out,omitempty"`

	// Details are extra non-secret facts for control events (e.g. the new
	// config version). Never put secrets or prompt text here.
	Details map[string]string `json:"details,omitempty"`

	// Payloads as the gateway saw them: the bytes received from the client
	// and sent back to it. Used when the audit payload mode is "full".
	RequestPayload  []byte `json:"-"`
	ResponsePayload []byte `json:"-"`
	// Redacted payloads: the request and response after guardrail
	// redaction. Used when the payload mode is "redacted"; when they are
	// empty in that mode, nothing is stored. The log encrypts whatever it
	// keeps (AES-256-GCM, per-tenant data key) before it reaches the store.
	RedactedRequest  []byte `json:"-"`
	RedactedResponse []byte `json:"-"`
}

// KindErasure records a crypto-shredding erasure (who asked, what scope).
const KindErasure Kind = "erasure"
