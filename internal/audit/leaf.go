package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"time"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// LeafVersion is the version of the canonical leaf encoding.
const LeafVersion = 1

// ErrBadLeaf is returned (wrapped) for leaf bytes that do not decode, or are
// not in canonical form.
var ErrBadLeaf = errors.New("audit: bad leaf")

// Leaf is what the Merkle tree commits to for one event: every event field
// except the payloads, which enter only as commitments to their ciphertext
// (PayloadRef). Erasing a payload therefore leaves the leaf, and the tree,
// verifiable.
//
// The canonical encoding is compact JSON with keys in sorted order (the
// struct fields below are declared in key order), times in RFC 3339 UTC
// with nanoseconds, and no insignificant whitespace. DecodeLeaf accepts
// only bytes that re-encode to themselves.
type Leaf struct {
	Action     string            `json:"action,omitempty"`
	Actor      string            `json:"actor,omitempty"`
	Agent      string            `json:"agent,omitempty"`
	App        string            `json:"app,omitempty"`
	Decision   string            `json:"decision,omitempty"`
	Details    map[string]string `json:"details,omitempty"`
	DurationMS float64           `json:"duration_ms,omitempty"`
	EndUser    string            `json:"end_user,omitempty"`
	Findings   []LeafFinding     `json:"findings,omitempty"`
	ID         string            `json:"id"`
	Index      uint64            `json:"index"`
	KeyID      string            `json:"key_id,omitempty"`
	Kind       string            `json:"kind"`
	Model      string            `json:"model,omitempty"`
	Payloads   []PayloadRef      `json:"payloads,omitempty"`
	Provider   string            `json:"provider,omitempty"`
	Reason     string            `json:"reason,omitempty"`
	Route      string            `json:"route,omitempty"`
	Status     int               `json:"status,omitempty"`
	Target     string            `json:"target,omitempty"`
	Tenant     string            `json:"tenant,omitempty"`
	Time       string            `json:"time"`
	TokensIn   int               `json:"tokens_in,omitempty"`
	TokensOut  int               `json:"tokens_out,omitempty"`
	Tools      []string          `json:"tools,omitempty"`
	UpstreamMS float64           `json:"upstream_ms,omitempty"`
	V          int               `json:"v"`
}

// LeafFinding is a guard.Finding in the leaf: types, scores and offsets,
// never the matched value.
type LeafFinding struct {
	Action  string  `json:"action"`
	End     int     `json:"end"`
	RuleID  string  `json:"rule_id,omitempty"`
	Scanner string  `json:"scanner"`
	Score   float64 `json:"score"`
	Segment int     `json:"segment"`
	Start   int     `json:"start"`
	Type    string  `json:"type"`
}

// PayloadRef commits to one encrypted payload: the SHA-256 of the stored
// ciphertext (nonce included), its length and the data key that sealed it.
type PayloadRef struct {
	Alg    string `json:"alg"` // "AES-256-GCM"
	KeyID  string `json:"key_id"`
	Part   string `json:"part"`   // "request" or "response"
	SHA256 string `json:"sha256"` // lowercase hex
	Size   int    `json:"size"`   // ciphertext bytes
}

// Payload parts.
const (
	PartRequest  = "request"
	PartResponse = "response"
)

// EncodeLeaf returns the canonical bytes of l.
func EncodeLeaf(l *Leaf) ([]byte, error) {
	if err := checkFloats(l); err != nil {
		return nil, err
	}
	b, err := json.Marshal(l)
	if err != nil {
		return nil, fmt.Errorf("audit: encode leaf: %w", err)
	}
	return b, nil
}

func checkFloats(l *Leaf) error {
	bad := func(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }
	if bad(l.DurationMS) || bad(l.UpstreamMS) {
		return fmt.Errorf("audit: non-finite timing: %w", ErrBadLeaf)
	}
	for _, f := range l.Findings {
		if bad(f.Score) {
			return fmt.Errorf("audit: non-finite finding score: %w", ErrBadLeaf)
		}
	}
	return nil
}

// DecodeLeaf parses canonical leaf bytes. It rejects unknown fields, trailing
// data, unknown versions, missing required fields and any encoding that is
// not byte-for-byte canonical. It is safe on untrusted input.
func DecodeLeaf(b []byte) (*Leaf, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l Leaf
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadLeaf, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data", ErrBadLeaf)
	}
	if l.V != LeafVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrBadLeaf, l.V, LeafVersion)
	}
	if l.ID == "" || l.Kind == "" {
		return nil, fmt.Errorf("%w: missing id or kind", ErrBadLeaf)
	}
	if _, err := l.ParsedTime(); err != nil {
		return nil, err
	}
	re, err := EncodeLeaf(&l)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(re, b) {
		return nil, fmt.Errorf("%w: not in canonical form", ErrBadLeaf)
	}
	return &l, nil
}

// ParsedTime returns the leaf's time.
func (l *Leaf) ParsedTime() (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, l.Time)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: time: %v", ErrBadLeaf, err)
	}
	if t.Location() != time.UTC || formatTime(t) != l.Time {
		return time.Time{}, fmt.Errorf("%w: time not canonical UTC", ErrBadLeaf)
	}
	return t, nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// FindingTypes returns the distinct finding types, sorted.
func (l *Leaf) FindingTypes() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range l.Findings {
		if !seen[f.Type] {
			seen[f.Type] = true
			out = append(out, f.Type)
		}
	}
	sort.Strings(out)
	return out
}

// leafFromEvent builds the leaf for ev at index, with the given tenant (the
// event's tenant or its default) and payload commitments.
func leafFromEvent(ev *Event, index uint64, tenant string, refs []PayloadRef) *Leaf {
	l := &Leaf{
		Action:     ev.Action,
		Actor:      ev.Actor,
		Agent:      ev.Agent,
		App:        ev.App,
		Decision:   ev.Decision,
		DurationMS: finite(ev.DurationMS),
		EndUser:    ev.EndUser,
		ID:         ev.ID,
		Index:      index,
		KeyID:      ev.KeyID,
		Kind:       string(ev.Kind),
		Model:      ev.Model,
		Payloads:   refs,
		Provider:   ev.Provider,
		Reason:     ev.Reason,
		Route:      ev.Route,
		Status:     ev.Status,
		Target:     ev.Target,
		Tenant:     tenant,
		Time:       formatTime(ev.Time),
		TokensIn:   ev.TokensIn,
		TokensOut:  ev.TokensOut,
		Tools:      ev.Tools,
		UpstreamMS: finite(ev.UpstreamMS),
		V:          LeafVersion,
	}
	if len(ev.Details) > 0 {
		l.Details = ev.Details
	}
	for _, f := range ev.Findings {
		l.Findings = append(l.Findings, LeafFinding{
			Action: f.Action.String(), End: f.End, RuleID: f.RuleID, Scanner: f.Scanner,
			Score: finite(f.Score), Segment: f.Segment, Start: f.Start, Type: f.Type,
		})
	}
	return l
}

func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// Event converts a leaf back to an event (payload bytes are not in the leaf).
func (l *Leaf) Event() *Event {
	t, _ := time.Parse(time.RFC3339Nano, l.Time)
	ev := &Event{
		ID: l.ID, Time: t, Kind: Kind(l.Kind), KeyID: l.KeyID, App: l.App, Tenant: l.Tenant,
		Agent: l.Agent, EndUser: l.EndUser, Actor: l.Actor, Route: l.Route, Model: l.Model,
		Provider: l.Provider, Tools: l.Tools, Action: l.Action, Target: l.Target,
		Decision: l.Decision, Status: l.Status, Reason: l.Reason, DurationMS: l.DurationMS,
		UpstreamMS: l.UpstreamMS, TokensIn: l.TokensIn, TokensOut: l.TokensOut, Details: l.Details,
	}
	for _, f := range l.Findings {
		a, _ := guard.ParseAction(f.Action)
		ev.Findings = append(ev.Findings, guard.Finding{
			Scanner: f.Scanner, Type: f.Type, Score: f.Score, Start: f.Start, End: f.End,
			Segment: f.Segment, RuleID: f.RuleID, Action: a,
		})
	}
	return ev
}
