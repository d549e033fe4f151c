package policy

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/types"
)

// Residual decisions.
//
// Most of a decision depends only on who calls which tool, and when: whether
// the tool is a payment or an email tool, whether the principal has a
// read-only role, the tool's risk hints, the weekday and hour, and the data
// document. For each combination of the principal, tool and time fields the
// policy reads (see residuals.appendKey) the decision query is partially
// evaluated once, with input.arguments, input.findings and every other field
// unknown, and the residual — the rules and expressions that still depend on
// the call — is compiled and cached. A decision then evaluates only the
// residual, with the complete input. Of the time only weekday, hour and
// timezone can be known, so a residual lasts at least an hour.
//
// The residual must decide exactly as the full query does, fail-closed
// cases included. Where OPA's partial evaluation could decide differently
// it is kept from doing so, or the (principal, tool, time) key, or the whole
// policy, uses the full query instead:
//
//   - Inlining a rule into its callers can lose a conflict (two values: an
//     evaluation error, which denies): the callers see two alternatives.
//     Rules that could produce two values (complete rules and partial
//     objects whose definitions do not all have the same constant value,
//     see conflicting) are never inlined: they stay support rules of the
//     residual, evaluated per call with OPA's conflict checks, and a ref
//     to them still evaluates every definition, whatever it is compared
//     with. The usual `payment_tool if ...` (the constant true) is inlined.
//   - A function whose arguments are all known runs during partial
//     evaluation without its conflict check, and copy propagation can turn
//     a function's output variable into a constant, which skips the other
//     definitions and so the conflict. A policy with a function that could
//     produce two values (conflictingFunctions) always uses the full query;
//     the usual `f(x) if ...` cannot conflict.
//   - Partial evaluation drops a body that fails type checking once known
//     values are plugged in ("it can never succeed"); with strict builtin
//     errors a builtin called with the wrong type is an error, not a
//     failure. The policy is partially evaluated on a compiler whose
//     builtins accept any type, so such a body is kept; compiling the
//     residual then fails, and the key falls back.
//   - An error while partially evaluating (a conflict or builtin error on
//     known values), more than one residual query, a residual that reads a
//     rule of the policy itself (a saved comprehension, say) or one that does
//     not compile falls back.
//
// Policies that use `with` always use the full query. Non-deterministic
// builtins (time.now_ns, http.send, ...) are never evaluated during partial
// evaluation (OPA's default), so they run per call. TestResidualMatchesFullQuery
// and TestResidualEdgeCases compare the two paths.

// residualNamespace is the package prefix of a residual's support rules.
// The residual is compiled on its own, so it only has to differ from what
// the data document holds; newResiduals checks that it does.
const residualNamespace = "bulwark_residual"

// maxResiduals bounds the residuals of one time key; a full map is emptied.
const maxResiduals = 1024

// engineModule defines data.bulwark.engine.allow for partial evaluation:
// the allow part of the decision as a rule, so that it has a residual like
// the other parts (the full query's [true | allow == true] comprehension is
// kept whole by partial evaluation). Same meaning: true exactly when
// data.bulwark.tools.allow is true; its conflicts are errors.
const engineModule = `package bulwark.engine

default allow := false

allow if data.bulwark.tools.allow == true
`

// peQuery is the decision query that is partially evaluated per key.
func peQuery(c *ast.Compiler) ast.Body {
	return queryWithAllow(c, "data.bulwark.engine.allow")
}

// residuals partially evaluates the decision per key (the principal, tool
// and time fields the policy reads) and caches the residuals.
type residuals struct {
	compiler *ast.Compiler // the policy plus engineModule, builtins of any type
	query    ast.Body      // peQuery, compiled
	policy   *ast.Compiler // the policy as the full query sees it
	// principalKnown, toolKnown and timeKnown: the fields of
	// input.principal, input.tool and input.time that are known during
	// partial evaluation and make up the residual's key (principalFields,
	// toolFields, timeFields order): those the policy reads, and of the
	// time only weekday, hour and timezone, which change at most once an
	// hour. Every other field is an unknown, so a read the analysis
	// missed is evaluated per call, not wrongly.
	principalKnown [len(principalFields)]bool
	toolKnown      [len(toolFields)]bool
	timeKnown      [len(timeFields)]bool
	unknowns       []*ast.Term
	noInline       []ast.Ref // rules that could conflict or stop early: never inlined (conflicting)
	data           ast.Value // the data document, for compileProg

	// The residuals of the newest time key (its weekday, hour and timezone)
	// and of the one before: a new hour retires the hour before last, so
	// the cache holds about two hours' worth of principals and tools.
	mu       sync.RWMutex
	m, prev  map[string]*residual
	hour     string // time part of the keys in m
	prevHour string // and in prev
}

// residual is the decision query specialised to one key; a nil compiler
// means the full query decides. prog, when not nil, evaluates it (prog.go).
type residual struct {
	compiler *ast.Compiler
	query    ast.Body
	prog     *prog
}

var (
	fullQuery = &residual{}
	building  = &residual{} // being built by another call: full query meanwhile
)

// newResiduals prepares partial evaluation for a policy, or returns nil when
// the policy's decisions must all use the full query. modules are the
// policy's parsed modules (not compiled); policy is the compiled policy;
// data is the data document.
func newResiduals(modules map[string]*ast.Module, policy *ast.Compiler, data map[string]any) (*residuals, error) {
	if _, ok := data[residualNamespace]; ok {
		return nil, nil
	}
	if b, ok := data["bulwark"].(map[string]any); ok && b["engine"] != nil {
		return nil, nil // data.bulwark.engine would shadow engineModule
	}
	if len(policy.GetRules(ast.Ref{ast.DefaultRootDocument, ast.StringTerm(residualNamespace)})) > 0 {
		return nil, nil
	}
	usesWith := false
	for _, m := range policy.Modules {
		ast.WalkExprs(m, func(x *ast.Expr) bool {
			if len(x.With) > 0 {
				usesWith = true
			}
			return usesWith
		})
	}
	if usesWith {
		return nil, nil
	}
	if conflictingFunctions(policy) {
		return nil, nil
	}
	mods := make(map[string]*ast.Module, len(modules)+1)
	for name, m := range modules {
		mods[name] = m.Copy()
	}
	em, err := ast.ParseModuleWithOpts("bulwark/engine.rego", engineModule, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, err
	}
	mods["bulwark/engine.rego"] = em
	c := ast.NewCompiler().WithEnablePrintStatements(false).WithCapabilities(anyTypedCapabilities())
	if c.Compile(mods); c.Failed() {
		return nil, c.Errors
	}
	query, err := c.QueryCompiler().WithEnablePrintStatements(false).Compile(peQuery(c))
	if err != nil {
		return nil, err
	}
	dataValue, err := ast.InterfaceToValue(data)
	if err != nil {
		return nil, err
	}
	rs := &residuals{compiler: c, query: query, policy: policy, noInline: conflicting(c), data: dataValue}
	var timeRead [len(timeFields)]bool
	rs.principalKnown, rs.toolKnown, timeRead = inputFieldsRead(policy)
	for i, f := range timeFields {
		rs.timeKnown[i] = timeRead[i] && (f == kWeekday || f == kHour || f == kTimezone)
	}
	rs.unknowns = []*ast.Term{
		ast.NewTerm(ast.InputRootRef.Append(kArguments)),
		ast.NewTerm(ast.InputRootRef.Append(kFindings)),
	}
	for _, part := range []struct {
		key    *ast.Term
		fields []*ast.Term
		known  []bool
	}{
		{kPrincipal, principalFields[:], rs.principalKnown[:]},
		{kTool, toolFields[:], rs.toolKnown[:]},
		{kTime, timeFields[:], rs.timeKnown[:]},
	} {
		for i, known := range part.known {
			if !known {
				rs.unknowns = append(rs.unknowns, ast.NewTerm(ast.InputRootRef.Append(part.key).Append(part.fields[i])))
			}
		}
	}
	return rs, nil
}

// The fields of input.principal, input.tool and input.time, in the order
// of the residual key.
var (
	principalFields = [...]*ast.Term{kKeyID, kApp, kTenant, kAgent, kEndUser, kRoles}
	toolFields      = [...]*ast.Term{kServer, kName, kContractHash, kAnnotations}
	timeFields      = [...]*ast.Term{kRFC3339, kUnix, kWeekday, kHour, kMinute, kTimezone}
)

// inputFieldsRead finds the fields of input.principal, input.tool and
// input.time that the policy reads. A read of a whole object, of the whole
// input or with a computed key counts as reading every field.
func inputFieldsRead(c *ast.Compiler) (principal [len(principalFields)]bool, tool [len(toolFields)]bool, tm [len(timeFields)]bool) {
	mark := func(used []bool, fields []*ast.Term, ref ast.Ref) {
		if len(ref) < 3 || !ast.IsConstant(ref[2].Value) {
			for i := range used {
				used[i] = true
			}
			return
		}
		for i, f := range fields {
			if f.Equal(ref[2]) {
				used[i] = true
			}
		}
	}
	for _, m := range c.Modules {
		ast.WalkRefs(m, func(ref ast.Ref) bool {
			if !ref[0].Equal(ast.InputRootDocument) {
				return false
			}
			switch {
			case len(ref) < 2 || !ast.IsConstant(ref[1].Value):
				mark(principal[:], principalFields[:], ref[:1])
				mark(tool[:], toolFields[:], ref[:1])
				mark(tm[:], timeFields[:], ref[:1])
			case ref[1].Equal(kPrincipal):
				mark(principal[:], principalFields[:], ref)
			case ref[1].Equal(kTool):
				mark(tool[:], toolFields[:], ref)
			case ref[1].Equal(kTime):
				mark(tm[:], timeFields[:], ref)
			}
			return false
		})
	}
	return principal, tool, tm
}

// appendKey appends the key of the residual for a call: its known fields,
// the time's first (timeLen bytes). now is the call's input.time. ok is
// false when the tool's annotations are known and hold more than the known
// hints (those calls use the full query).
func (rs *residuals) appendKey(key []byte, p Principal, t Tool, now *ast.Term) (_ []byte, timeLen int, ok bool) {
	start := len(key)
	for i, f := range timeFields {
		if rs.timeKnown[i] {
			// weekday and timezone are strings, hour a number: both
			// printed as they are.
			switch v := now.Get(f).Value.(type) {
			case ast.String:
				key = appendKey(key, string(v))
			case ast.Number:
				key = appendKey(key, string(v))
			}
		}
	}
	timeLen = len(key) - start
	pv := [...]string{p.KeyID, p.App, p.Tenant, p.Agent, p.EndUser}
	for i, v := range pv {
		if rs.principalKnown[i] {
			key = appendKey(key, v)
		}
	}
	if rs.principalKnown[5] {
		key = strconv.AppendInt(key, int64(len(p.Roles)), 10)
		key = append(key, '#')
		key = appendKey(key, p.Roles...)
	}
	tv := [...]string{t.Server, t.Name, t.ContractHash}
	for i, v := range tv {
		if rs.toolKnown[i] {
			key = appendKey(key, v)
		}
	}
	ok = true
	if rs.toolKnown[3] {
		key, ok = appendHints(key, t)
	}
	return key, timeLen, ok
}

// known is the input known to partial evaluation: the known fields of the
// principal, tool and time, exactly as in the full input.
func (rs *residuals) known(p Principal, t Tool, now *ast.Term) *ast.Term {
	pick := func(obj *ast.Term, fields []*ast.Term, known []bool) *ast.Term {
		var items [][2]*ast.Term
		for i, f := range fields {
			if known[i] {
				items = append(items, ast.Item(f, obj.Get(f)))
			}
		}
		return ast.ObjectTerm(items...)
	}
	return ast.ObjectTerm(
		ast.Item(kPrincipal, pick(principalObject(p), principalFields[:], rs.principalKnown[:])),
		ast.Item(kTool, pick(toolObject(t), toolFields[:], rs.toolKnown[:])),
		ast.Item(kTime, pick(now, timeFields[:], rs.timeKnown[:])),
	)
}

// anyTypedCapabilities are OPA's capabilities with every builtin accepting
// and returning any type (same arity), so that type checking during
// partial evaluation never drops a body a builtin error would decide.
func anyTypedCapabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	for i, b := range caps.Builtins {
		if b.Decl == nil {
			continue
		}
		fa := b.Decl.FuncArgs()
		args := make([]types.Type, len(fa.Args))
		for j := range args {
			args[j] = types.A
		}
		nb := *b
		switch {
		case fa.Variadic != nil:
			nb.Decl = types.NewVariadicFunction(args, types.A, nil)
		case b.Decl.Result() == nil:
			nb.Decl = types.NewFunction(args, nil)
		default:
			nb.Decl = types.NewFunction(args, types.A)
		}
		caps.Builtins[i] = &nb
	}
	return caps
}

// conflictingFunctions reports whether a function of the policy could
// produce two values for the same arguments: one whose value is not a
// constant, or whose definitions have different constant values. Partial
// evaluation runs a function whose arguments are all known without its
// conflict check, so such a policy always uses the full query. (Complete
// rules and partial objects keep their conflict checks; the usual
// `f(x) if ...` has the constant value true and cannot conflict.)
func conflictingFunctions(c *ast.Compiler) bool {
	values := map[string]*ast.Term{}
	for _, m := range c.Modules {
		for _, r := range m.Rules {
			if len(r.Head.Args) == 0 || r.Default {
				continue
			}
			k := r.Path().String()
			for x := r; x != nil; x = x.Else {
				v := x.Head.Value
				if v == nil || !v.IsGround() {
					return true
				}
				if prev, ok := values[k]; ok && !prev.Equal(v) {
					return true
				}
				values[k] = v
			}
		}
	}
	return false
}

// conflicting lists the rules (complete rules, functions, partial objects)
// that could produce two values — all but those whose every definition has
// the same constant value and no else — and the constant ones that OPA may
// stop early: a rule whose definitions agree on a constant stops at its
// first answer, so an error in a later definition or a later iteration of
// its body is never evaluated. Inlined into a caller's body, every
// definition and iteration would be evaluated, and a builtin error there
// would fail a decision that the full query makes. Such a rule (more than
// one definition, or a body that iterates, and a call or rule reference
// that can fail) is not inlined either: it stays a support rule of the
// residual, evaluated as OPA evaluates it.
func conflicting(c *ast.Compiler) []ast.Ref {
	type group struct {
		path        ast.Ref
		value       *ast.Term
		risky       bool
		n           int  // definitions
		iter, fails bool // some body iterates; some body can fail with an error
	}
	groups := map[string]*group{}
	var order []string
	for _, m := range c.Modules {
		for _, r := range m.Rules {
			if r.Head.RuleKind() == ast.MultiValue || r.Default {
				continue
			}
			path := r.Path()
			k := path.String()
			g, ok := groups[k]
			if !ok {
				g = &group{path: path}
				groups[k] = g
				order = append(order, k)
			}
			g.n++
			g.iter = g.iter || bodyIterates(r.Body)
			g.fails = g.fails || bodyMayFail(r.Body)
			v := r.Head.Value
			switch {
			case r.Else != nil, !r.Head.Ref().IsGround(), v == nil, !v.IsGround():
				g.risky = true
			case g.value == nil:
				g.value = v
			case !g.value.Equal(v):
				g.risky = true
			}
		}
	}
	var out []ast.Ref
	for _, k := range order {
		if g := groups[k]; g.risky || ((g.n > 1 || g.iter) && g.fails) {
			out = append(out, g.path)
		}
	}
	return out
}

// get returns the residual for the call's principal, tool and time, which key
// (appendKey; its first timeLen bytes are the time) identifies, building it
// on the first call. While one call builds it, concurrent calls for the
// same key use the full query rather than build it again or wait.
func (rs *residuals) get(ctx context.Context, key []byte, timeLen int, in Input, now *ast.Term, p *prepared, cancel topdown.Cancel) *residual {
	rs.mu.RLock()
	r := rs.lookup(key)
	rs.mu.RUnlock()
	if r != nil {
		return r
	}
	rs.mu.Lock()
	if r = rs.lookup(key); r != nil {
		rs.mu.Unlock()
		return r
	}
	rs.store(key, timeLen, building)
	rs.mu.Unlock()

	r, err := rs.build(ctx, rs.known(in.Principal, in.Tool, now), p, cancel)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if err != nil {
		// Cancelled or timed out: decide with the full query this time,
		// build it next time.
		if rs.lookup(key) == building {
			delete(rs.m, string(key))
			delete(rs.prev, string(key))
		}
		return fullQuery
	}
	rs.store(key, timeLen, r)
	return r
}

// lookup finds key's residual; rs.mu is held.
func (rs *residuals) lookup(key []byte) *residual {
	if r := rs.m[string(key)]; r != nil {
		return r
	}
	return rs.prev[string(key)]
}

// store records key's residual; rs.mu is held for writing. A key of a new
// time starts a new map and retires the oldest; a full map is emptied.
func (rs *residuals) store(key []byte, timeLen int, r *residual) {
	hour := key[:timeLen]
	m := &rs.m
	switch {
	case rs.m != nil && string(hour) == rs.hour:
	case rs.prev != nil && string(hour) == rs.prevHour:
		m = &rs.prev
	default:
		rs.prev, rs.prevHour = rs.m, rs.hour
		rs.m, rs.hour = nil, string(hour)
	}
	if *m == nil || len(*m) >= maxResiduals {
		*m = make(map[string]*residual)
	}
	(*m)[string(key)] = r
}

// build partially evaluates the decision for the known input (principal
// and tool). It returns an error only when evaluation was cancelled; every
// other failure is fullQuery.
func (rs *residuals) build(ctx context.Context, known *ast.Term, p *prepared, cancel topdown.Cancel) (*residual, error) {
	queries, support, err := topdown.NewQuery(rs.query).
		WithCompiler(rs.compiler).
		WithStore(p.store).
		WithTransaction(p.txn).
		WithInput(known).
		WithUnknowns(rs.unknowns).
		WithDisableInlining(rs.noInline).
		WithPartialNamespace(residualNamespace).
		WithStrictBuiltinErrors(true).
		WithMetrics(noMetrics).
		WithCancel(cancel).
		PartialRun(ctx)
	if err != nil {
		if cancel.Cancelled() {
			return nil, err // not the policy's fault: build it next time
		}
		return fullQuery, nil
	}
	if len(queries) != 1 || !rs.selfContained(queries[0], support) {
		return fullQuery, nil
	}
	mods := make(map[string]*ast.Module, len(support))
	for i, m := range support {
		mods[fmt.Sprintf("residual%d", i)] = m
	}
	// Only the builtins the residual calls: a compiler's type environment
	// and builtin table for all of OPA's builtins would be most of a
	// residual's memory. (A builtin missed here fails the compile: full
	// query.)
	c := ast.NewCompiler().WithEnablePrintStatements(false).WithCapabilities(usedCapabilities(queries[0], support))
	if c.Compile(mods); c.Failed() {
		return fullQuery, nil
	}
	query, err := c.QueryCompiler().WithEnablePrintStatements(false).Compile(queries[0])
	if err != nil {
		return fullQuery, nil
	}
	return &residual{compiler: c, query: query, prog: compileProg(c, query, rs.data)}, nil
}

// usedCapabilities are OPA's capabilities restricted to the builtins a
// residual calls.
func usedCapabilities(query ast.Body, support []*ast.Module) *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	used := map[string]bool{}
	note := func(x *ast.Expr) bool {
		if x.IsCall() {
			used[x.Operator().String()] = true
		}
		return false
	}
	ast.WalkExprs(query, note)
	for _, m := range support {
		ast.WalkExprs(m, note)
	}
	// Calls nested in terms (f(g(x))) are rewritten into expressions by
	// the compiler; count their operators too.
	walkCalls := func(x any) {
		ast.WalkTerms(x, func(t *ast.Term) bool {
			if c, ok := t.Value.(ast.Call); ok && len(c) > 0 {
				used[c[0].String()] = true
			}
			return false
		})
	}
	walkCalls(query)
	for _, m := range support {
		walkCalls(m)
	}
	builtins := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if used[b.Name] || b.Name == ast.Equality.Name || b.Name == ast.Assign.Name || b.Name == ast.Member.Name || b.Name == ast.MemberWithKey.Name {
			builtins = append(builtins, b)
		}
	}
	caps.Builtins = builtins
	return caps
}

// selfContained reports whether a residual reads only the input, the data
// document and its own support rules: a rule of the policy (say, in a
// comprehension kept whole) would be undefined in the residual's compiler.
func (rs *residuals) selfContained(query ast.Body, support []*ast.Module) bool {
	ns := ast.Ref{ast.DefaultRootDocument, ast.StringTerm(residualNamespace)}
	ok := true
	check := func(ref ast.Ref) bool {
		if !ok || !ref.HasPrefix(ast.DefaultRootRef) || ref.HasPrefix(ns) {
			return !ok
		}
		if len(rs.policy.GetRules(ref.GroundPrefix())) > 0 || len(rs.compiler.GetRules(ref.GroundPrefix())) > 0 {
			ok = false
		}
		return !ok
	}
	ast.WalkRefs(query, check)
	for _, m := range support {
		ast.WalkRefs(m, check)
	}
	return ok
}
