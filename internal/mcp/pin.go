package mcp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/bulwark-ai/bulwark/internal/agent"
	"github.com/bulwark-ai/bulwark/internal/audit"
)

// Pin statuses.
const (
	StatusActive      = "active"      // contract matches the approved hash
	StatusQuarantined = "quarantined" // hidden and refused until an operator approves
)

// Pin is the recorded contract of one upstream tool.
type Pin struct {
	Server string `json:"server"`
	Tool   string `json:"tool"`
	// Hash is the SHA-256 of the approved canonical contract ("" when the
	// first-seen contract was itself quarantined).
	Hash   string `json:"hash"`
	Status string `json:"status"`
	// Pending is the hash of the contract the upstream serves now, when it
	// differs from Hash; PendingContract is that contract, for review.
	Pending         string          `json:"pending,omitempty"`
	PendingContract json.RawMessage `json:"pending_contract,omitempty"`
	Reason          string          `json:"reason,omitempty"`
	// Flags are tool-poisoning indicators found in the contract (names only).
	Flags      []string  `json:"flags,omitempty"`
	FirstSeen  time.Time `json:"first_seen"`
	Updated    time.Time `json:"updated"`
	ApprovedBy string    `json:"approved_by,omitempty"`
}

// ErrPinNotFound is returned by Approve for an unknown tool.
var ErrPinNotFound = errors.New("pinned tool not found")

// PinStore records the first-seen hash of every tool contract, in memory and
// (when it has a path) in a JSON file, so that a rug pull between sessions
// and restarts is noticed. Safe for concurrent use.
type PinStore struct {
	path    string
	auditor agent.Auditor
	now     func() time.Time

	mu   sync.Mutex
	pins map[string]*Pin // server + "\x00" + tool
}

// OpenPinStore loads the pin file at path (created on first write; "" keeps
// pins in memory only).
func OpenPinStore(path string, auditor agent.Auditor) (*PinStore, error) {
	s := &PinStore{path: path, auditor: auditor, now: time.Now, pins: map[string]*Pin{}}
	if path == "" {
		return s, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pin store: %w", err)
	}
	var file struct {
		Pins []*Pin `json:"pins"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, fmt.Errorf("pin store %s: %w", path, err)
	}
	for _, p := range file.Pins {
		if p == nil || p.Server == "" || p.Tool == "" {
			return nil, fmt.Errorf("pin store %s: entry without server or tool", path)
		}
		s.pins[pinKey(p.Server, p.Tool)] = p
	}
	return s, nil
}

func pinKey(server, tool string) string { return server + "\x00" + tool }

// Observation is what the gateway saw of one tool in a tools/list.
type Observation struct {
	Server   string
	Tool     string
	Hash     string
	Contract json.RawMessage // canonical contract
	// Flags are poisoning indicators; Quarantine says whether they are
	// serious enough (per config) to quarantine a new contract.
	Flags      []string
	Quarantine bool
}

// Observe records a tool's current contract and returns its pin. A first-seen
// contract is pinned (quarantined instead when it is poisoned and the config
// says so); a contract that differs from the pinned one is quarantined until
// approved; a tool whose name another server already pinned is refused
// (shadowing) and not recorded.
func (s *PinStore) Observe(ctx context.Context, o Observation) (Pin, error) {
	s.mu.Lock()
	for _, p := range s.pins {
		if p.Tool == o.Tool && p.Server != o.Server {
			s.mu.Unlock()
			return Pin{Server: o.Server, Tool: o.Tool, Status: StatusQuarantined,
				Reason: "tool name shadows " + p.Server + "/" + p.Tool}, nil
		}
	}
	now := s.now().UTC()
	key := pinKey(o.Server, o.Tool)
	p, ok := s.pins[key]
	var event string
	switch {
	case !ok:
		p = &Pin{Server: o.Server, Tool: o.Tool, Hash: o.Hash, Status: StatusActive, FirstSeen: now, Updated: now, Flags: o.Flags}
		event = "tool.pin"
		if o.Quarantine {
			p.Hash, p.Status, p.Pending, p.PendingContract = "", StatusQuarantined, o.Hash, o.Contract
			p.Reason = "possible tool poisoning"
			event = "tool.quarantine"
		}
		s.pins[key] = p
	case o.Hash == p.Hash:
		if p.Status == StatusActive && p.Pending == "" {
			snap := *p
			s.mu.Unlock()
			return snap, nil
		}
		// The upstream went back to the approved contract.
		p.Status, p.Pending, p.PendingContract, p.Reason, p.Updated = StatusActive, "", nil, "", now
		event = "tool.restore"
	case o.Hash == p.Pending:
		snap := *p
		s.mu.Unlock()
		return snap, nil
	default:
		p.Status, p.Pending, p.PendingContract, p.Updated, p.Flags = StatusQuarantined, o.Hash, o.Contract, now, o.Flags
		p.Reason = "contract changed since it was pinned"
		if p.Hash == "" {
			p.Reason = "possible tool poisoning"
		}
		event = "tool.quarantine"
	}
	snap := *p
	err := s.saveLocked()
	s.mu.Unlock()
	if err != nil {
		return snap, err
	}
	return snap, s.audit(ctx, event, snap, "bulwark")
}

// Get returns the pin of one tool.
func (s *PinStore) Get(server, tool string) (Pin, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pins[pinKey(server, tool)]
	if !ok {
		return Pin{}, false
	}
	return *p, true
}

// List returns all pins sorted by server and tool.
func (s *PinStore) List() []Pin {
	s.mu.Lock()
	out := make([]Pin, 0, len(s.pins))
	for _, p := range s.pins {
		out = append(out, *p)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Server != out[j].Server {
			return out[i].Server < out[j].Server
		}
		return out[i].Tool < out[j].Tool
	})
	return out
}

// Approve accepts the pending contract of a quarantined tool. When hash is
// not empty it must equal the pending hash (so an operator approves exactly
// the version they reviewed).
func (s *PinStore) Approve(ctx context.Context, server, tool, hash, actor string) (Pin, error) {
	if actor == "" {
		return Pin{}, errors.New("actor is required")
	}
	s.mu.Lock()
	p, ok := s.pins[pinKey(server, tool)]
	if !ok {
		s.mu.Unlock()
		return Pin{}, ErrPinNotFound
	}
	if p.Pending == "" {
		snap := *p
		s.mu.Unlock()
		return snap, errors.New("no pending contract to approve")
	}
	if hash != "" && hash != p.Pending {
		snap := *p
		s.mu.Unlock()
		return snap, errors.New("hash does not match the pending contract")
	}
	prev := *p
	p.Hash, p.Pending, p.PendingContract, p.Status, p.Reason = p.Pending, "", nil, StatusActive, ""
	p.ApprovedBy, p.Updated = actor, s.now().UTC()
	snap := *p
	if err := s.audit(ctx, "tool.approve", snap, actor); err != nil {
		*p = prev
		s.mu.Unlock()
		return prev, err
	}
	err := s.saveLocked()
	s.mu.Unlock()
	return snap, err
}

// saveLocked writes the pin file atomically (temp file + rename).
func (s *PinStore) saveLocked() error {
	if s.path == "" {
		return nil
	}
	pins := make([]*Pin, 0, len(s.pins))
	for _, p := range s.pins {
		pins = append(pins, p)
	}
	sort.Slice(pins, func(i, j int) bool {
		return pinKey(pins[i].Server, pins[i].Tool) < pinKey(pins[j].Server, pins[j].Tool)
	})
	b, err := json.MarshalIndent(map[string]any{"pins": pins}, "", "  ")
	if err != nil {
		return fmt.Errorf("pin store: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("pin store: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".pins-*.json")
	if err != nil {
		return fmt.Errorf("pin store: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("pin store: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("pin store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("pin store: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("pin store: %w", err)
	}
	return nil
}

func (s *PinStore) audit(ctx context.Context, action string, p Pin, actor string) error {
	if s.auditor == nil {
		return nil
	}
	ev := &audit.Event{
		Time:   s.now().UTC(),
		Kind:   audit.KindControl,
		Actor:  actor,
		Action: action,
		Target: "tool:" + p.Server + "/" + p.Tool,
		Tools:  []string{p.Server + "/" + p.Tool},
		Reason: p.Reason,
	}
	if err := s.auditor.Record(ctx, ev); err != nil {
		return fmt.Errorf("pin store: audit: %w", err)
	}
	return nil
}

// Canonical returns a tool's contract as canonical JSON (sorted keys, no
// insignificant space, numbers as written) and its SHA-256 in hex. The
// contract is the tool definition without _meta: name, title, description,
// input and output schema, annotations and icons.
func Canonical(toolJSON []byte) (json.RawMessage, string, error) {
	dec := json.NewDecoder(bytes.NewReader(toolJSON))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, "", fmt.Errorf("tool definition is not a JSON object: %w", err)
	}
	if dec.More() {
		return nil, "", errors.New("tool definition has trailing data")
	}
	delete(m, "_meta")
	if _, ok := m["name"].(string); !ok {
		return nil, "", errors.New("tool definition has no name")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, "", fmt.Errorf("tool definition: %w", err)
	}
	out := bytes.TrimRight(buf.Bytes(), "\n")
	sum := sha256.Sum256(out)
	return out, hex.EncodeToString(sum[:]), nil
}
