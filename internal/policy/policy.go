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
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"
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

// The decision is one query over the user's rules, built when the policy is
// prepared from the rules it defines (a missing rule reads as empty):
//
//	deny = data.bulwark.tools.deny
//	require_approval = data.bulwark.tools.require_approval
//	allow = [true | data.bulwark.tools.allow == true]
//	obligations = data.bulwark.tools.obligations
//
// One evaluation returns the whole decision; there is no wrapper rule
// between the query and the user's rules.
var (
	denyVar        = ast.Var("bulwark_deny")
	approvalVar    = ast.Var("bulwark_require_approval")
	allowVar       = ast.Var("bulwark_allow")
	obligationsVar = ast.Var("bulwark_obligations")
)

// decisionQuery builds the decision query for the rules compiler holds.
func decisionQuery(c *ast.Compiler) ast.Body {
	return queryWithAllow(c, "[true | data.bulwark.tools.allow == true]")
}

// queryWithAllow binds the deny, require_approval and obligations rules the
// compiler holds, and allow to the term allow.
func queryWithAllow(c *ast.Compiler, allow string) ast.Body {
	var body ast.Body
	for _, r := range []struct {
		v    ast.Var
		rule string
	}{{denyVar, "deny"}, {approvalVar, "require_approval"}, {obligationsVar, "obligations"}} {
		ref := ast.MustParseRef("data.bulwark.tools." + r.rule)
		if len(c.GetRulesExact(ref)) > 0 {
			body.Append(ast.Equality.Expr(ast.NewTerm(r.v), ast.NewTerm(ref)))
		}
	}
	body.Append(ast.Equality.Expr(ast.NewTerm(allowVar), ast.MustParseTerm(allow)))
	return body
}

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
	cur   atomic.Pointer[prepared]
	cache inputCache
	mu    sync.Mutex // serializes Reload and Commit
}

type prepared struct {
	compiler *ast.Compiler
	query    ast.Body // bulwark_result = data.bulwark.engine.result, compiled once
	store    storage.Store
	// txn is one read transaction for every evaluation: the store is never
	// written after preparation, and inmem read transactions are safe for
	// concurrent readers.
	txn  storage.Transaction
	data *dataCache
	// residuals specialise decisions per principal, tool and hour (see
	// residual.go); nil when every decision uses query.
	residuals *residuals
	modules   int
	dir       string
	opts      Options
}

// Load compiles the policies in dir and returns a ready Engine.
func Load(ctx context.Context, dir string, opts Options) (*Engine, error) {
	p, err := prepare(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	e := &Engine{}
	e.cur.Store(p)
	return e, nil
}

func (o Options) withDefaults() Options {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Dir is the directory the Engine loads from.
func (e *Engine) Dir() string { return e.cur.Load().dir }

// Reload recompiles the directory. The new policy replaces the old one only
// when it compiles completely; on error the old policy stays in force.
func (e *Engine) Reload(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur := e.cur.Load()
	p, err := prepare(ctx, cur.dir, cur.opts)
	if err != nil {
		return err
	}
	e.cur.Store(p)
	return nil
}

// Staged is a policy compiled by Stage, not yet in force.
type Staged struct {
	p *prepared
}

// Stage compiles dir with opts (a new directory, time zone or timeout)
// without changing what is in force; Commit puts it in force. A config
// reload stages every part first and commits only when all of them built.
func (e *Engine) Stage(ctx context.Context, dir string, opts Options) (*Staged, error) {
	p, err := prepare(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	return &Staged{p: p}, nil
}

// Commit puts a staged policy in force.
func (e *Engine) Commit(s *Staged) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cur.Store(s.p)
}

func prepare(ctx context.Context, dir string, opts Options) (*prepared, error) {
	opts = opts.withDefaults()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("policy: read dir: %w", err)
	}
	compiler := ast.NewCompiler().WithEnablePrintStatements(false).WithUseTypeCheckAnnotations(true)
	ropts := []func(*rego.Rego){
		rego.Compiler(compiler),
		rego.Query("true"),
		rego.StrictBuiltinErrors(true),
	}
	modules := 0
	sources := map[string]string{}
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
			ropts = append(ropts, rego.Module(path, string(b)))
			sources[path] = string(b)
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
	// The data document is held as AST values, so evaluations read it
	// without converting Go values each time.
	store := inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
	ropts = append(ropts, rego.Store(store))
	if _, err := rego.New(ropts...).PrepareForEval(ctx); err != nil {
		return nil, fmt.Errorf("policy: compile: %w", err)
	}
	// Decisions run the compiled query on topdown directly: one query, no
	// metrics, tracing, print hook or per-call result conversion.
	qc := compiler.QueryCompiler().WithEnablePrintStatements(false)
	query, err := qc.Compile(decisionQuery(compiler))
	if err != nil {
		return nil, fmt.Errorf("policy: compile: %w", err)
	}
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("policy: store: %w", err)
	}
	return &prepared{
		compiler: compiler, query: query, store: store, txn: txn, data: &dataCache{},
		residuals: prepareResiduals(sources, compiler, data),
		modules:   modules, dir: dir, opts: opts,
	}, nil
}

// prepareResiduals sets up per-(principal, tool, hour) partial evaluation, or
// returns nil: then every decision evaluates the full query, which is
// always correct, only slower.
func prepareResiduals(sources map[string]string, compiler *ast.Compiler, data map[string]any) *residuals {
	parsed := make(map[string]*ast.Module, len(sources))
	for path, src := range sources {
		m, err := ast.ParseModuleWithOpts(path, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil
		}
		parsed[path] = m
	}
	rs, err := newResiduals(parsed, compiler, data)
	if err != nil {
		return nil
	}
	return rs
}

// noMetrics is shared by all evaluations: nothing reads them.
var noMetrics = metrics.NoOp()

// Decide evaluates the policy for one call. On error the returned Result is a
// deny (fail closed) and the error says why; the error text may name policy
// files but never argument values.
func (e *Engine) Decide(ctx context.Context, in Input) (Result, error) {
	p := e.cur.Load()
	if p == nil {
		return failed(), errors.New("policy: no policy loaded")
	}
	if in.Time.IsZero() {
		in.Time = p.opts.Now()
	}
	now := e.cache.time(in.Time, p.opts.Location)
	input, err := e.inputValue(in, now)
	if err != nil {
		return failed(), err
	}
	// Cancellation without a timer or goroutine per evaluation: topdown
	// polls the deadline, which looks at the caller's context and the
	// evaluation budget.
	if ctx.Err() != nil {
		return failed(), fmt.Errorf("policy: evaluate: %w", context.Cause(ctx))
	}
	s := getScratch(ctx, p.opts.Timeout)
	defer putScratch(s)
	query, compiler := p.query, p.compiler
	var prog *prog
	if p.residuals != nil {
		var buf [256]byte
		if key, timeLen, ok := p.residuals.appendKey(buf[:0], in.Principal, in.Tool, now); ok {
			if r := p.residuals.get(ctx, key, timeLen, in, now, p, &s.deadline); r.compiler != nil {
				query, compiler, prog = r.query, r.compiler, r.prog
			}
		}
	}
	s.input.Value = input
	if prog != nil {
		if err := s.prog.run(ctx, prog, &s.input, &s.deadline, s.onResult); err != nil {
			return failed(), evalError(s, p, err)
		}
		if s.n != 1 {
			return failed(), errors.New("policy: evaluate: undefined result")
		}
		return s.res, nil
	}
	q := topdown.NewQuery(query).
		WithCompiler(compiler).
		WithStore(p.store).
		WithTransaction(p.txn).
		WithBaseCache(p.data).
		WithVirtualCache(&s.vc).
		WithInput(&s.input).
		WithMetrics(noMetrics).
		WithStrictBuiltinErrors(true).
		WithCancel(&s.deadline)
	if err := q.Iter(ctx, s.onResult); err != nil {
		return failed(), evalError(s, p, err)
	}
	if s.n != 1 {
		return failed(), errors.New("policy: evaluate: undefined result")
	}
	return s.res, nil
}

// evalError describes a failed evaluation.
func evalError(s *evalScratch, p *prepared, err error) error {
	if s.deadline.TimedOut() {
		err = fmt.Errorf("policy evaluation exceeded %v: %w", p.opts.Timeout, err)
	}
	return fmt.Errorf("policy: evaluate: %w", err)
}

func failed() Result { return Result{Effect: Deny, Reasons: []string{"policy evaluation failed"}} }

// toResult reads the decision query's bindings.
func toResult(qr topdown.QueryResult) (Result, error) {
	denyReasons, err := reasons(qr[denyVar])
	if err != nil {
		return failed(), fmt.Errorf("policy: deny: %w", err)
	}
	approval, err := reasons(qr[approvalVar])
	if err != nil {
		return failed(), fmt.Errorf("policy: require_approval: %w", err)
	}
	obls, err := obligations(qr[obligationsVar])
	if err != nil {
		return failed(), err
	}
	switch {
	case len(denyReasons) > 0:
		return Result{Effect: Deny, Reasons: denyReasons}, nil
	case len(approval) > 0:
		return Result{Effect: RequireApproval, Reasons: approval, Obligations: obls}, nil
	case allowed(qr[allowVar]):
		return Result{Effect: Allow, Obligations: obls}, nil
	}
	return Result{Effect: Deny, Reasons: []string{"no policy allows this call"}}, nil
}

// allowed reads the allow binding: a non-empty array from the full query's
// comprehension, true from a residual's data.bulwark.engine.allow.
func allowed(t *ast.Term) bool {
	if t == nil {
		return false
	}
	switch v := t.Value.(type) {
	case *ast.Array:
		return v.Len() > 0
	case ast.Boolean:
		return bool(v)
	}
	return false
}

// reasons reads a set (or array) of reason strings, sorted; nil (no such
// rule) is none.
func reasons(t *ast.Term) ([]string, error) {
	if t == nil {
		return nil, nil
	}
	var elems []*ast.Term
	switch c := t.Value.(type) {
	case ast.Set:
		elems = c.Slice() // the set's own sorted slice: read only
	case *ast.Array:
		elems = make([]*ast.Term, c.Len())
		for i := range elems {
			elems[i] = c.Elem(i)
		}
	default:
		return nil, fmt.Errorf("reasons are a %s, not a set", ast.ValueName(t.Value))
	}
	if len(elems) == 0 {
		return nil, nil
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		s, ok := e.Value.(ast.String)
		if !ok {
			return nil, fmt.Errorf("a reason is a %s, not a string", ast.ValueName(e.Value))
		}
		out[i] = string(s)
	}
	sort.Strings(out)
	return out, nil
}

var (
	opKey    = ast.StringTerm("op")
	pathKey  = ast.StringTerm("path")
	valueKey = ast.StringTerm("value")
)

func obligations(t *ast.Term) ([]Obligation, error) {
	if t == nil {
		return nil, nil
	}
	v := t.Value
	var elems []*ast.Term
	switch c := v.(type) {
	case ast.Set:
		elems = c.Slice() // the set's own sorted slice: read only
	case *ast.Array:
		c.Foreach(func(t *ast.Term) { elems = append(elems, t) })
	default:
		return nil, errors.New("policy: obligations are not a set")
	}
	if len(elems) == 0 {
		return nil, nil
	}
	obls := make([]Obligation, 0, len(elems))
	for _, t := range elems {
		o, ok := t.Value.(ast.Object)
		if !ok {
			return nil, errors.New("policy: obligation is not an object")
		}
		var op, path string
		if s, ok := termString(o.Get(opKey)); ok {
			op = s
		}
		if s, ok := termString(o.Get(pathKey)); ok {
			path = s
		}
		if op != "redact" || (path != "" && !strings.HasPrefix(path, "/")) {
			return nil, fmt.Errorf("policy: unsupported obligation op %q path %q", op, path)
		}
		ob := Obligation{Op: op, Path: path}
		if val := o.Get(valueKey); val != nil {
			x, err := ast.JSON(val.Value)
			if err != nil {
				return nil, fmt.Errorf("policy: obligation value: %w", err)
			}
			ob.Value = x
		}
		obls = append(obls, ob)
	}
	return obls, nil
}

func termString(t *ast.Term) (string, bool) {
	if t == nil {
		return "", false
	}
	s, ok := t.Value.(ast.String)
	return string(s), ok
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
