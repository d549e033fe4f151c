// Package policy decides tool calls with policy as code: Rego modules loaded
// from a directory, compiled once, evaluated per call, and hot-reloaded
// atomically. It is the only package that imports OPA.
//
// # Rego contract
//
// Policies are written in package bulwark.tools and may be split over many
// files; every file contributes to the same rules:
//
//	deny contains reason if { ... }              # a string: why the call is refused
//	require_approval contains reason if { ... }  # a string: why a human must decide
//	allow if { ... }                             # the call may proceed
//	obligations contains {"op": "redact", "path": "/card_number"} if { ... }
//
// The decision combines them in this order: any deny reason → deny; else any
// require_approval reason → require_approval; else allow → allow; else deny
// with the reason "no policy allows this call" (default deny). Obligations
// apply to allowed and approved calls only. An evaluation error (a conflict,
// a builtin error, a timeout) is returned as an error together with a deny
// decision: fail closed.
//
// The input document is described by Input. Files named *_test.rego are unit
// tests (see RunTests) and are not loaded by the Engine. An optional
// data.json in the directory is the root data document (data.x for its key
// "x"), the same way `bulwark policy test DIR` and `opa test DIR` load it.
package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// Effect is a decision's outcome.
type Effect string

// Effects.
const (
	Allow           Effect = "allow"
	Deny            Effect = "deny"
	RequireApproval Effect = "require_approval"
)

// Input is what a policy sees as `input`. Field names are the JSON names.
type Input struct {
	Principal Principal `json:"principal"`
	Tool      Tool      `json:"tool"`
	// Arguments is the call's arguments, decoded JSON (nil when absent).
	Arguments any       `json:"arguments"`
	Findings  []Finding `json:"findings"`
	// Time is filled by the Engine when zero.
	Time time.Time `json:"-"`
}

// Principal is who makes the call.
type Principal struct {
	KeyID   string   `json:"key_id"`
	App     string   `json:"app"`
	Tenant  string   `json:"tenant"`
	Agent   string   `json:"agent"`
	EndUser string   `json:"end_user"`
	Roles   []string `json:"roles"`
}

// Tool is the tool being called.
type Tool struct {
	Server       string `json:"server"` // MCP server; empty for LLM tool calls
	Name         string `json:"name"`
	ContractHash string `json:"contract_hash"` // pinned contract hash, when known
	// Annotations are the MCP risk hints: read_only_hint, destructive_hint,
	// idempotent_hint, open_world_hint (absent when unknown).
	Annotations map[string]bool `json:"annotations"`
}

// Finding is a guardrail finding seen earlier in the exchange.
type Finding struct {
	Scanner string  `json:"scanner"`
	Type    string  `json:"type"`
	Action  string  `json:"action"`
	Score   float64 `json:"score"`
}

// Obligation is an extra duty attached to an allowed call. The only op today
// is "redact": replace the argument at Path (a JSON pointer) with Value
// (default "[REDACTED]").
type Obligation struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// Result is a policy decision.
type Result struct {
	Effect      Effect
	Reasons     []string
	Obligations []Obligation
}

// ErrNoPolicies is returned when a directory holds no Rego modules.
var ErrNoPolicies = errors.New("no .rego policies found")

// engineModule turns the user's partial rules into one result document, so
// that missing rules read as empty instead of undefined.
const engineModule = `package bulwark.engine

default allowed := false

allowed if data.bulwark.tools.allow == true

result := {
	"deny": [r | some r in data.bulwark.tools.deny],
	"require_approval": [r | some r in data.bulwark.tools.require_approval],
	"allow": allowed,
	"obligations": [o | some o in data.bulwark.tools.obligations],
}
`

// Options configure an Engine.
type Options struct {
	// Location is the time zone for input.time.weekday/hour (default UTC).
	Location *time.Location
	// Timeout bounds one evaluation (default 1s); past it the call is denied.
	// It stops a runaway policy; it is not a latency target.
	Timeout time.Duration
	// Now returns the current time (default time.Now); tests pin it.
	Now func() time.Time
}

// Engine holds the prepared policy behind an atomic pointer. It is safe for
// concurrent use; Reload swaps in a new policy without blocking decisions.
type Engine struct {
	dir  string
	opts Options
	cur  atomic.Pointer[prepared]
}

type prepared struct {
	query   rego.PreparedEvalQuery
	modules int
}

// Load compiles the policies in dir and returns a ready Engine.
func Load(ctx context.Context, dir string, opts Options) (*Engine, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	e := &Engine{dir: dir, opts: opts}
	if err := e.Reload(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// Dir is the directory the Engine loads from.
func (e *Engine) Dir() string { return e.dir }

// Reload recompiles the directory. The new policy replaces the old one only
// when it compiles completely; on error the old policy stays in force.
func (e *Engine) Reload(ctx context.Context) error {
	p, err := prepare(ctx, e.dir)
	if err != nil {
		return err
	}
	e.cur.Store(p)
	return nil
}

func prepare(ctx context.Context, dir string) (*prepared, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("policy: read dir: %w", err)
	}
	opts := []func(*rego.Rego){
		rego.Query("data.bulwark.engine.result"),
		rego.Module("bulwark_engine.rego", engineModule),
		rego.StrictBuiltinErrors(true),
	}
	modules := 0
	data := map[string]any{}
	for _, ent := range entries {
		name := ent.Name()
		if ent.IsDir() {
			continue
		}
		path := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, "_test.rego"):
			continue
		case strings.HasSuffix(name, ".rego"):
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("policy: %w", err)
			}
			if strings.Contains(string(b), "package bulwark.engine") {
				return nil, fmt.Errorf("policy: %s: package bulwark.engine is reserved", name)
			}
			opts = append(opts, rego.Module(path, string(b)))
			modules++
		case name == "data.json":
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("policy: %w", err)
			}
			if err := json.Unmarshal(b, &data); err != nil {
				return nil, fmt.Errorf("policy: data file %s: %w", name, err)
			}
		}
	}
	if modules == 0 {
		return nil, fmt.Errorf("policy: %s: %w", dir, ErrNoPolicies)
	}
	store := inmem.NewFromObject(data)
	opts = append(opts, rego.Store(store))
	q, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("policy: compile: %w", err)
	}
	return &prepared{query: q, modules: modules}, nil
}

// Decide evaluates the policy for one call. On error the returned Result is a
// deny (fail closed) and the error says why; the error text may name policy
// files but never argument values.
func (e *Engine) Decide(ctx context.Context, in Input) (Result, error) {
	p := e.cur.Load()
	deny := Result{Effect: Deny, Reasons: []string{"policy evaluation failed"}}
	if p == nil {
		return deny, errors.New("policy: no policy loaded")
	}
	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeout)
	defer cancel()
	input, err := e.inputValue(in)
	if err != nil {
		return deny, err
	}
	rs, err := p.query.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return deny, fmt.Errorf("policy: evaluate: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return deny, errors.New("policy: evaluate: undefined result")
	}
	doc, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return deny, errors.New("policy: evaluate: result is not an object")
	}
	return toResult(doc)
}

func toResult(doc map[string]any) (Result, error) {
	deny := Result{Effect: Deny, Reasons: []string{"policy evaluation failed"}}
	denyReasons, err := strings_(doc["deny"])
	if err != nil {
		return deny, fmt.Errorf("policy: deny: %w", err)
	}
	approval, err := strings_(doc["require_approval"])
	if err != nil {
		return deny, fmt.Errorf("policy: require_approval: %w", err)
	}
	var obls []Obligation
	if raw, ok := doc["obligations"].([]any); ok {
		for _, o := range raw {
			m, ok := o.(map[string]any)
			if !ok {
				return deny, errors.New("policy: obligation is not an object")
			}
			op, _ := m["op"].(string)
			path, _ := m["path"].(string)
			if op != "redact" || (path != "" && !strings.HasPrefix(path, "/")) {
				return deny, fmt.Errorf("policy: unsupported obligation op %q path %q", op, path)
			}
			obls = append(obls, Obligation{Op: op, Path: path, Value: m["value"]})
		}
	}
	switch {
	case len(denyReasons) > 0:
		return Result{Effect: Deny, Reasons: denyReasons}, nil
	case len(approval) > 0:
		return Result{Effect: RequireApproval, Reasons: approval, Obligations: obls}, nil
	case doc["allow"] == true:
		return Result{Effect: Allow, Obligations: obls}, nil
	}
	return Result{Effect: Deny, Reasons: []string{"no policy allows this call"}}, nil
}

func strings_(v any) ([]string, error) {
	raw, _ := v.([]any)
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		s, ok := r.(string)
		if !ok {
			return nil, fmt.Errorf("reason %v is not a string", r)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out, nil
}

// inputValue builds the input document directly as an AST value, which
// saves OPA a conversion of Go maps per evaluation.
func (e *Engine) inputValue(in Input) (ast.Value, error) {
	t := in.Time
	if t.IsZero() {
		t = e.opts.Now()
	}
	t = t.In(e.opts.Location)
	roles := make([]*ast.Term, len(in.Principal.Roles))
	for i, r := range in.Principal.Roles {
		roles[i] = ast.StringTerm(r)
	}
	ann := make([][2]*ast.Term, 0, len(in.Tool.Annotations))
	for k, v := range in.Tool.Annotations {
		ann = append(ann, ast.Item(ast.StringTerm(k), ast.BooleanTerm(v)))
	}
	fs := make([]*ast.Term, len(in.Findings))
	for i, f := range in.Findings {
		fs[i] = ast.ObjectTerm(
			ast.Item(ast.StringTerm("scanner"), ast.StringTerm(f.Scanner)),
			ast.Item(ast.StringTerm("type"), ast.StringTerm(f.Type)),
			ast.Item(ast.StringTerm("action"), ast.StringTerm(f.Action)),
			ast.Item(ast.StringTerm("score"), ast.FloatNumberTerm(f.Score)),
		)
	}
	var args ast.Value = ast.NewObject()
	if in.Arguments != nil {
		v, err := ast.InterfaceToValue(in.Arguments)
		if err != nil {
			return nil, fmt.Errorf("policy: arguments: %w", err)
		}
		args = v
	}
	str := func(k, v string) [2]*ast.Term { return ast.Item(ast.StringTerm(k), ast.StringTerm(v)) }
	return ast.NewObject(
		ast.Item(ast.StringTerm("principal"), ast.ObjectTerm(
			str("key_id", in.Principal.KeyID), str("app", in.Principal.App), str("tenant", in.Principal.Tenant),
			str("agent", in.Principal.Agent), str("end_user", in.Principal.EndUser),
			ast.Item(ast.StringTerm("roles"), ast.ArrayTerm(roles...)),
		)),
		ast.Item(ast.StringTerm("tool"), ast.ObjectTerm(
			str("server", in.Tool.Server), str("name", in.Tool.Name), str("contract_hash", in.Tool.ContractHash),
			ast.Item(ast.StringTerm("annotations"), ast.ObjectTerm(ann...)),
		)),
		ast.Item(ast.StringTerm("arguments"), ast.NewTerm(args)),
		ast.Item(ast.StringTerm("findings"), ast.ArrayTerm(fs...)),
		ast.Item(ast.StringTerm("time"), ast.ObjectTerm(
			str("rfc3339", t.Format(time.RFC3339)),
			ast.Item(ast.StringTerm("unix"), ast.IntNumberTerm(int(t.Unix()))),
			str("weekday", t.Weekday().String()),
			ast.Item(ast.StringTerm("hour"), ast.IntNumberTerm(t.Hour())),
			ast.Item(ast.StringTerm("minute"), ast.IntNumberTerm(t.Minute())),
			str("timezone", e.opts.Location.String()),
		)),
	), nil
}

// DecodeArguments decodes a call's JSON arguments for Input.Arguments,
// keeping numbers exact.
func DecodeArguments(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("policy: arguments are not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("policy: arguments are not valid JSON: trailing data")
	}
	return v, nil
}
