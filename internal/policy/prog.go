package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
)

// Compiled residuals.
//
// A residual is small: a handful of rules over input.arguments and
// input.findings (see residual.go). Evaluating it with OPA's topdown still
// cost most of a decision — about 130 allocations, whose garbage collection
// was the decision's latency tail. compileProg turns a residual into a prog,
// a tree of Go structs run by a small backtracking interpreter: expressions
// with at most one solution are evaluated in a loop without callbacks, and
// builtins are OPA's own implementations, called directly, so their results
// and errors are OPA's.
//
// A prog must decide exactly as OPA evaluates the residual. compileProg
// accepts only what it can evaluate with the same result, and returns nil
// (OPA evaluates the residual) for everything else:
//
//   - Terms: scalars, composites of constants and bound variables,
//     variables, and refs rooted at input, the data document (resolved when
//     compiled), a local variable or a whole support rule (a complete rule's
//     value may be indexed further). An unbound variable in a ref iterates.
//     Not accepted: comprehensions, calls inside terms, refs into a partial
//     set or a package.
//   - Expressions: unification, calls of builtins and of support functions,
//     with and without an output term, a term's truth, and negation. Not
//     accepted: `with`, `every`, non-deterministic builtins, io.jwt.*,
//     opa.*, print and trace, variadic builtins.
//   - Rules: complete rules (with a default), partial sets and functions,
//     with ground head refs; no else chains or partial objects. Two different
//     values of a complete rule or a function are a conflict error, as in
//     OPA.
//   - Errors. With strict builtin errors a builtin's error anywhere in the
//     evaluation fails the decision; OPA records it, takes the call as
//     undefined and evaluates on, so the outcome depends only on which
//     builtin calls are evaluated, and the interpreter does the same. OPA
//     may skip work the interpreter does not:
//       - A complete rule or function whose definitions agree on a constant
//         stops at its first answer. Such a rule that can fail with an error
//         is accepted only with one definition and no iteration.
//         TestResidualEdgeCases fails without this condition.
//       - The rule index may drop a rule whose conditions on input or data
//         fail without evaluating its body. Defensively, in a rule or
//         function body nothing after the first expression that can fail
//         with an error (a builtin other than comparisons, membership and
//         type checks, or a rule or function that can) may read input or
//         data, use a function's parameter or compare with a constant. No
//         case was found where this OPA version's index skips such a body,
//         but it is free to.
//
// TestResidualMatchesFullQuery (every example-policy residual is compiled),
// TestResidualEdgeCases (including which residuals are compiled) and
// FuzzResidualMatchesFullQuery compare decisions through progs with the full
// query.

// prog is a compiled residual.
type prog struct {
	query   cbody
	rules   []*crule
	results []progResult // the query variables toResult reads
}

type progResult struct {
	v    ast.Var
	slot int
}

// cbody is a rule body or the query: expressions evaluated left to right
// over a frame of nslots variables.
type cbody struct {
	exprs  []cexpr
	nslots int
}

type exprKind uint8

const (
	exprUnify exprKind = iota // terms[0] = terms[1]
	exprTruth                 // terms[0] is defined and not false
	exprCall                  // fn(terms[:nargs]...), output unified with out
)

type cexpr struct {
	kind    exprKind
	negated bool
	terms   []cterm
	name    string
	fn      topdown.BuiltinFunc
	user    int // exprCall of a support function: its rule index, else -1
	hasOut  bool
	out     cterm
	voidFn  bool // no result (never false)
	loc     *ast.Location
	outputs []int // slots this expression binds, cleared before it runs
	det     bool  // at most one solution, evaluated without callbacks
	newSide int   // exprUnify: the side that is a variable it binds, or -1
}

type termKind uint8

const (
	termConst termKind = iota
	termVar            // bound before the expression, or bound by it (outputs)
	termRef
	termUndefined // a data ref that names nothing: never defined
	termComposite // an array, object or set with bound variables in it
)

type cterm struct {
	kind termKind
	iter bool      // a ref that iterates: a variable in its path is bound by it
	val  *ast.Term // termConst
	slot int       // termVar
	ref  *cref
	vars map[ast.Var]int // termComposite: its variables' slots
}

type refHead uint8

const (
	headInput refHead = iota
	headVar
	headConst
	headRule
)

type cref struct {
	head refHead
	slot int       // headVar
	val  *ast.Term // headConst
	rule int       // headRule
	path []cterm   // constants and variables; an unbound variable iterates
}

type crule struct {
	set   bool // partial set; otherwise complete
	arity int  // a function's number of arguments
	defs  []cdef
	def   *ast.Term // complete rule's default value, or nil
}

type cdef struct {
	body   cbody
	params []cterm // a function's parameters: variables or constants
	head   cterm   // the complete rule's value or the set's element
}

// errUnsupported: the residual uses something compileProg does not accept.
var errUnsupported = errors.New("not supported by the compiled evaluator")

// unsupported says what compileProg does not accept (for debugging: the
// residual then evaluates on OPA).
func unsupported(what any) error { return fmt.Errorf("%w: %v", errUnsupported, what) }

// safeBuiltins never return an error: comparisons and membership.
var safeBuiltins = map[string]bool{
	ast.Equal.Name: true, ast.NotEqual.Name: true,
	ast.GreaterThan.Name: true, ast.GreaterThanEq.Name: true,
	ast.LessThan.Name: true, ast.LessThanEq.Name: true,
	ast.Member.Name:   true,
	ast.IsString.Name: true, ast.IsNumber.Name: true, ast.IsBoolean.Name: true, ast.IsNull.Name: true,
	ast.IsArray.Name: true, ast.IsObject.Name: true, ast.IsSet.Name: true, ast.TypeNameBuiltin.Name: true,
}

// compileProg compiles a residual (its compiled query and support rules) or
// returns nil where OPA must evaluate it. data is the data document.
func compileProg(c *ast.Compiler, query ast.Body, data ast.Value) *prog {
	pc := &progCompiler{c: c, data: data, ruleIndex: map[string]int{}}
	p, err := pc.compile(query)
	if err != nil {
		return nil
	}
	return p
}

type progCompiler struct {
	c         *ast.Compiler
	data      ast.Value
	rules     []*crule
	ruleIndex map[string]int // rule path → index in rules; -1 while compiling
	errRules  []bool         // rule can fail with an error
	// the body being compiled
	slots map[ast.Var]int
	bound []bool
}

func (pc *progCompiler) compile(query ast.Body) (*prog, error) {
	p := &prog{}
	body, _, slots, _, err := pc.body(query, false, nil)
	if err != nil {
		return nil, err
	}
	p.query = body
	for _, v := range []ast.Var{denyVar, approvalVar, obligationsVar, allowVar} {
		if s, ok := slots[v]; ok {
			p.results = append(p.results, progResult{v: v, slot: s})
		}
	}
	p.rules = pc.rules
	return p, nil
}

// body compiles one body in a new variable scope, a function's parameters
// bound first. In a rule body (indexed) the rule-index condition of the
// package comment is checked. It reports whether the body can fail with an
// error.
func (pc *progCompiler) body(b ast.Body, indexed bool, params []*ast.Term) (out cbody, cparams []cterm, slots map[ast.Var]int, canErr bool, err error) {
	saveSlots, saveBound := pc.slots, pc.bound
	pc.slots, pc.bound = map[ast.Var]int{}, nil
	defer func() { pc.slots, pc.bound = saveSlots, saveBound }()
	paramVars := ast.NewVarSet()
	for _, p := range params {
		switch v := p.Value.(type) {
		case ast.Var:
			paramVars.Add(v)
			cparams = append(cparams, cterm{kind: termVar, slot: pc.slot(v)})
		case ast.Null, ast.Boolean, ast.Number, ast.String:
			cparams = append(cparams, cterm{kind: termConst, val: p})
		default:
			return cbody{}, nil, nil, false, unsupported(p)
		}
	}
	for x := range paramVars {
		pc.bound[pc.slots[x]] = true
	}
	for _, x := range b {
		if indexed && canErr && (readsBase(x) || comparesConstant(x) || mentions(x, paramVars)) {
			return cbody{}, nil, nil, false, unsupported(x)
		}
		cx, xErr, err := pc.expr(x)
		if err != nil {
			return cbody{}, nil, nil, false, err
		}
		canErr = canErr || xErr
		out.exprs = append(out.exprs, cx)
	}
	out.nslots = len(pc.bound)
	return out, cparams, pc.slots, canErr, nil
}

// mentions reports whether x uses one of vars.
func mentions(x *ast.Expr, vars ast.VarSet) bool {
	found := false
	ast.WalkVars(x, func(v ast.Var) bool {
		found = found || vars.Contains(v)
		return found
	})
	return found
}

// readsBase reports whether x reads input or the data document.
func readsBase(x *ast.Expr) bool {
	found := false
	ast.WalkRefs(x, func(r ast.Ref) bool {
		if r.HasPrefix(ast.InputRootRef) || (r.HasPrefix(ast.DefaultRootRef) && !r.HasPrefix(residualRoot)) {
			found = true
		}
		return found
	})
	return found
}

// comparesConstant reports whether x is an equality with a constant side.
func comparesConstant(x *ast.Expr) bool {
	if !x.IsEquality() && !(x.IsCall() && x.Operator().Equal(ast.Equal.Ref())) {
		return false
	}
	for _, t := range x.Operands() {
		if ast.IsConstant(t.Value) {
			return true
		}
	}
	return false
}

var residualRoot = ast.Ref{ast.DefaultRootDocument, ast.StringTerm(residualNamespace)}

// isBound: a variable of the current body bound by an earlier expression.
func (pc *progCompiler) isBound(v ast.Var) bool {
	s, ok := pc.slots[v]
	return ok && pc.bound[s]
}

// slot returns v's slot, creating it unbound.
func (pc *progCompiler) slot(v ast.Var) int {
	if s, ok := pc.slots[v]; ok {
		return s
	}
	s := len(pc.bound)
	pc.slots[v] = s
	pc.bound = append(pc.bound, false)
	return s
}

func (pc *progCompiler) expr(x *ast.Expr) (cexpr, bool, error) {
	if len(x.With) > 0 {
		return cexpr{}, false, unsupported("with")
	}
	out := cexpr{negated: x.Negated, loc: x.Location, newSide: -1}
	var canErr bool
	var pending []int // variables bound by this expression
	bind := func(t *ast.Term) (cterm, error) {
		ct, e, err := pc.term(t, &pending)
		canErr = canErr || e
		return ct, err
	}
	switch {
	case x.IsEquality():
		ops := x.Operands()
		a, err := bind(ops[0])
		if err != nil {
			return cexpr{}, false, err
		}
		b, err := bind(ops[1])
		if err != nil {
			return cexpr{}, false, err
		}
		// At most one side may be a new variable, and then alone.
		if isNewVar(a, pending) && isNewVar(b, pending) {
			return cexpr{}, false, unsupported("unification of two new variables")
		}
		out.kind, out.terms = exprUnify, []cterm{a, b}
	case x.IsCall():
		name := x.Operator().String()
		ops := x.Operands()
		var arity int
		out.user = -1
		if op := x.Operator(); op.HasPrefix(residualRoot) {
			i, n, err := pc.ruleRef(op)
			if err != nil {
				return cexpr{}, false, err
			}
			if n != len(op) || pc.rules[i].arity == 0 {
				return cexpr{}, false, unsupported(op)
			}
			out.user, arity, canErr = i, pc.rules[i].arity, pc.errRules[i]
		} else {
			bi := ast.BuiltinMap[name]
			fn := topdown.GetBuiltin(name)
			if bi == nil || fn == nil || bi.Nondeterministic || strings.HasPrefix(name, "io.jwt.") || strings.HasPrefix(name, "opa.") || name == ast.Print.Name || name == ast.InternalPrint.Name || name == ast.Trace.Name {
				return cexpr{}, false, unsupported(name)
			}
			if bi.Decl.Result() == nil || bi.Decl.FuncArgs().Variadic != nil {
				return cexpr{}, false, unsupported(name)
			}
			arity = bi.Decl.Arity()
			out.fn = fn
			if !safeBuiltins[name] {
				canErr = true
			}
		}
		if len(ops) != arity && len(ops) != arity+1 {
			return cexpr{}, false, unsupported(x)
		}
		out.kind, out.name = exprCall, name
		for _, t := range ops[:arity] {
			ct, err := bind(t)
			if err != nil {
				return cexpr{}, false, err
			}
			if isNewVar(ct, pending) {
				return cexpr{}, false, unsupported("unbound call argument")
			}
			out.terms = append(out.terms, ct)
		}
		if len(ops) == arity+1 {
			ct, err := bind(ops[arity])
			if err != nil {
				return cexpr{}, false, err
			}
			if ct.kind == termRef {
				return cexpr{}, false, unsupported("call output into a ref")
			}
			out.hasOut, out.out = true, ct
		}
	default:
		t, ok := x.Terms.(*ast.Term)
		if !ok {
			return cexpr{}, false, unsupported("every or some declaration")
		}
		ct, err := bind(t)
		if err != nil {
			return cexpr{}, false, err
		}
		if isNewVar(ct, pending) {
			return cexpr{}, false, unsupported("unbound variable as an expression")
		}
		out.kind, out.terms = exprTruth, []cterm{ct}
	}
	out.outputs = pending
	out.det = true
	for i, t := range out.terms {
		out.det = out.det && !t.iter
		if out.kind == exprUnify && isNewVar(t, pending) {
			out.newSide = i
		}
	}
	if out.kind == exprUnify && out.newSide < 0 && len(pending) > 0 {
		out.det = false // a variable bound inside a ref: iterates
	}
	if out.kind == exprCall && out.user < 0 {
		if bi := ast.BuiltinMap[out.name]; bi == nil || bi.Relation {
			out.det = false
		}
	}
	// A negated expression binds nothing outside itself.
	if !x.Negated {
		for _, s := range pending {
			pc.bound[s] = true
		}
	}
	return out, canErr, nil
}

// isNewVar: t is a variable this expression binds.
func isNewVar(t cterm, pending []int) bool {
	if t.kind != termVar {
		return false
	}
	for _, s := range pending {
		if s == t.slot {
			return true
		}
	}
	return false
}

// term compiles t. Variables not yet bound are added to pending (the
// expression binds them). It reports whether evaluating t can fail with an
// error (a ref to such a rule).
func (pc *progCompiler) term(t *ast.Term, pending *[]int) (cterm, bool, error) {
	switch v := t.Value.(type) {
	case ast.Var:
		if pc.isBound(v) {
			return cterm{kind: termVar, slot: pc.slots[v]}, false, nil
		}
		s := pc.slot(v)
		*pending = append(*pending, s)
		return cterm{kind: termVar, slot: s}, false, nil
	case ast.Ref:
		return pc.ref(v, pending)
	case ast.Null, ast.Boolean, ast.Number, ast.String:
		return cterm{kind: termConst, val: t}, false, nil
	case *ast.Array, ast.Object, ast.Set:
		if t.IsGround() {
			return cterm{kind: termConst, val: t}, false, nil
		}
		// A composite of constants and bound variables, built when it is
		// evaluated.
		vars := map[ast.Var]int{}
		ok := true
		ast.WalkTerms(t, func(x *ast.Term) bool {
			switch x.Value.(type) {
			case ast.Var:
				if !pc.isBound(x.Value.(ast.Var)) {
					ok = false
				}
				vars[x.Value.(ast.Var)] = pc.slots[x.Value.(ast.Var)]
			case ast.Ref, ast.Call, *ast.ArrayComprehension, *ast.SetComprehension, *ast.ObjectComprehension:
				ok = false
			}
			return !ok
		})
		if !ok {
			return cterm{}, false, unsupported(t)
		}
		return cterm{kind: termComposite, val: t, vars: vars}, false, nil
	}
	return cterm{}, false, unsupported("term")
}

func (pc *progCompiler) ref(r ast.Ref, pending *[]int) (cterm, bool, error) {
	cr := &cref{}
	rest := r[1:]
	var canErr bool
	head, ok := r[0].Value.(ast.Var)
	if !ok {
		return cterm{}, false, unsupported("ref head")
	}
	switch {
	case head.Equal(ast.InputRootDocument.Value):
		cr.head = headInput
	case head.Equal(ast.DefaultRootDocument.Value) && r.HasPrefix(residualRoot):
		i, n, err := pc.ruleRef(r)
		if err != nil {
			return cterm{}, false, err
		}
		cr.head, cr.rule, rest = headRule, i, r[n:]
		canErr = pc.errRules[i]
		if pc.rules[i].set && len(rest) > 0 {
			return cterm{}, false, unsupported("ref into a partial set")
		}
	case head.Equal(ast.DefaultRootDocument.Value):
		// The data document: its ground prefix is a constant.
		prefix := r[1:].GroundPrefix()
		v, err := pc.data.Find(prefix)
		if err != nil {
			return cterm{kind: termUndefined}, false, nil
		}
		cr.head, cr.val, rest = headConst, ast.NewTerm(v), r[1+len(prefix):]
	default:
		if !pc.isBound(head) {
			return cterm{}, false, unsupported("ref on an unbound variable")
		}
		cr.head, cr.slot = headVar, pc.slots[head]
	}
	iter := false
	for _, p := range rest {
		ct, e, err := pc.term(p, pending)
		if err != nil {
			return cterm{}, false, err
		}
		iter = iter || isNewVar(ct, *pending)
		if ct.kind != termConst && ct.kind != termVar {
			return cterm{}, false, unsupported("ref path term")
		}
		canErr = canErr || e
		cr.path = append(cr.path, ct)
	}
	if len(cr.path) == 0 && cr.head == headConst {
		return cterm{kind: termConst, val: cr.val}, false, nil
	}
	return cterm{kind: termRef, ref: cr, iter: iter}, canErr, nil
}

// ruleRef finds the support rule a ref in the residual namespace names and
// compiles it if needed; n is the length of the rule's path.
func (pc *progCompiler) ruleRef(r ast.Ref) (idx, n int, err error) {
	for n = len(r); n > 2; n-- {
		prefix := r[:n]
		if !prefix.IsGround() {
			continue
		}
		rules := pc.c.GetRulesExact(prefix)
		if len(rules) == 0 {
			continue
		}
		// Other rules that contribute to the same document (a general ref
		// head such as p[k], or rules below it): not compiled.
		if len(pc.c.GetRules(prefix)) != len(rules) || len(pc.c.GetRulesWithPrefix(prefix)) != len(rules) {
			return 0, 0, unsupported("rules contributing to one document")
		}
		key := prefix.String()
		if i, ok := pc.ruleIndex[key]; ok {
			if i < 0 {
				return 0, 0, unsupported("recursion") // the compiler rejects it anyway
			}
			return i, n, nil
		}
		pc.ruleIndex[key] = -1
		cr, canErr, err := pc.rule(rules)
		if err != nil {
			return 0, 0, err
		}
		pc.rules = append(pc.rules, cr)
		pc.errRules = append(pc.errRules, canErr)
		pc.ruleIndex[key] = len(pc.rules) - 1
		return len(pc.rules) - 1, n, nil
	}
	return 0, 0, unsupported("ref to no rule")
}

func (pc *progCompiler) rule(rules []*ast.Rule) (*crule, bool, error) {
	cr := &crule{}
	var canErr, iterates bool
	constValue := true
	for i, r := range rules {
		if r.Else != nil || !r.Head.Ref().IsGround() || (i > 0 && len(r.Head.Args) != cr.arity) {
			return nil, false, unsupported(r)
		}
		cr.arity = len(r.Head.Args)
		kind := r.Head.DocKind()
		switch {
		case kind == ast.PartialSetDoc:
			if i > 0 && !cr.set {
				return nil, false, unsupported("partial set with complete definitions")
			}
			cr.set = true
		case kind == ast.CompleteDoc:
			if cr.set {
				return nil, false, unsupported("complete rule with set definitions")
			}
		default:
			return nil, false, unsupported("partial object")
		}
		if r.Default {
			if cr.set || cr.arity > 0 || r.Head.Value == nil || !r.Head.Value.IsGround() {
				return nil, false, unsupported("default value")
			}
			cr.def = r.Head.Value
			continue
		}
		body, params, slots, bodyErr, err := pc.body(r.Body, true, r.Head.Args)
		if err != nil {
			return nil, false, err
		}
		headTerm := r.Head.Value
		if cr.set {
			headTerm = r.Head.Key
		}
		if headTerm == nil {
			return nil, false, unsupported("rule head")
		}
		// The head is evaluated in the body's scope, after it.
		saveSlots, saveBound := pc.slots, pc.bound
		pc.slots, pc.bound = slots, make([]bool, body.nslots)
		for _, s := range slots {
			pc.bound[s] = true
		}
		var pending []int
		head, headErr, err := pc.term(headTerm, &pending)
		pc.slots, pc.bound = saveSlots, saveBound
		if err != nil || len(pending) > 0 || head.kind == termRef {
			return nil, false, unsupported("rule head")
		}
		canErr = canErr || bodyErr || headErr
		iterates = iterates || bodyIterates(r.Body)
		if !headTerm.IsGround() {
			constValue = false
			if !cr.set {
				canErr = true // two values conflict
			}
		}
		cr.defs = append(cr.defs, cdef{body: body, params: params, head: head})
	}
	// OPA stops a complete rule whose definitions agree on a constant at
	// its first answer: the interpreter, which does not, must not find an
	// error there that OPA skips.
	if !cr.set && constValue && canErr && (len(cr.defs) > 1 || iterates) {
		return nil, false, unsupported("a constant rule that can fail with an error and stops early in OPA")
	}
	return cr, canErr, nil
}

// bodyIterates reports whether a body can have more than one solution:
// conservatively, a ref with a variable in its path, or a relation builtin.
func bodyIterates(b ast.Body) bool {
	it := false
	ast.WalkRefs(b, func(r ast.Ref) bool {
		for _, p := range r[1:] {
			if _, ok := p.Value.(ast.Var); ok {
				it = true // conservative: also a variable bound earlier
			}
		}
		return it
	})
	for _, x := range b {
		if x.IsCall() {
			if bi := ast.BuiltinMap[x.Operator().String()]; bi != nil && bi.Relation {
				it = true
			}
		}
	}
	return it
}

// bodyMayFail reports whether evaluating a body could fail with an error:
// conservatively, a call of anything but the builtins that never fail, or a
// reference to a rule or the data document.
func bodyMayFail(b ast.Body) bool {
	fails := false
	ast.WalkExprs(b, func(x *ast.Expr) bool {
		if x.IsCall() && !safeBuiltins[x.Operator().String()] {
			fails = true
		}
		return fails
	})
	ast.WalkTerms(b, func(t *ast.Term) bool {
		switch v := t.Value.(type) {
		case ast.Call:
			fails = true
		case ast.Ref:
			if v.HasPrefix(ast.DefaultRootRef) {
				fails = true
			}
		}
		return fails
	})
	return fails
}

// progEnv is the state of one evaluation, kept in the evalScratch. Most
// expressions have at most one solution and are evaluated in a loop without
// callbacks; those that iterate, and the negation of such, continue through
// closures. Rule and function bodies report their solutions through
// e.solutionFn and the state in e.cur, so that they allocate no closure.
type progEnv struct {
	p      *prog
	input  *ast.Term
	bctx   topdown.BuiltinContext
	cancel topdown.Cancel
	memo   []ruleMemo
	arena  []*ast.Term
	cache  builtins.Cache
	err    error // first builtin error: the decision fails, as in OPA

	// the query's frame and the caller's collect
	qfr     []*ast.Term
	qr      topdown.QueryResult
	collect func(topdown.QueryResult) error
	queryFn func() error // e.querySolution, bound once

	cur        defState     // the rule or function definition being evaluated
	solutionFn func() error // e.solution, bound once
	out        *ast.Term    // a builtin's output
	outFn      func(*ast.Term) error
}

// defState: where a rule or function body's solutions go.
type defState struct {
	fr   []*ast.Term
	def  *cdef
	set  ast.Set   // partial set rule
	val  *ast.Term // complete rule or function
	what string    // "complete rules" or "functions", for the conflict error
}

type ruleMemo struct {
	done bool
	val  *ast.Term
}

// errProgCancelled: the evaluation was cancelled or ran out of time.
var errProgCancelled = &topdown.Error{Code: topdown.CancelErr, Message: "caller cancelled query execution"}

// run evaluates the prog and calls collect with each solution of the query.
// A panic (a bug here, or in a builtin outside callBuiltin) fails the
// decision rather than the process.
func (e *progEnv) run(ctx context.Context, p *prog, input *ast.Term, cancel topdown.Cancel, collect func(topdown.QueryResult) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("policy: compiled evaluation panicked: %v", r)
			e.arena = e.arena[:0]
		}
	}()
	if e.queryFn == nil {
		e.queryFn, e.solutionFn, e.outFn = e.querySolution, e.solution, e.output
		e.cache, e.qr = builtins.Cache{}, topdown.QueryResult{}
	}
	e.p, e.input, e.cancel, e.collect, e.err = p, input, cancel, collect, nil
	if cap(e.memo) < len(p.rules) {
		e.memo = make([]ruleMemo, len(p.rules))
	}
	e.memo = e.memo[:len(p.rules)]
	clear(e.memo)
	clear(e.cache)
	e.bctx = topdown.BuiltinContext{Context: ctx, Cancel: cancel, Cache: e.cache}
	fr, mark := e.push(p.query.nslots)
	e.qfr = fr
	err = e.body(fr, p.query.exprs, e.queryFn)
	e.pop(mark)
	e.input, e.bctx, e.p, e.collect, e.qfr, e.out = nil, topdown.BuiltinContext{}, nil, nil, nil, nil
	clear(e.memo)
	clear(e.qr)
	if err != nil {
		return err
	}
	return e.err
}

func (e *progEnv) querySolution() error {
	clear(e.qr)
	for _, r := range e.p.results {
		if t := e.qfr[r.slot]; t != nil {
			e.qr[r.v] = t
		}
	}
	return e.collect(e.qr)
}

// push returns a cleared frame of n variables from the arena and the mark
// that pop takes.
func (e *progEnv) push(n int) ([]*ast.Term, int) {
	mark := len(e.arena)
	if mark+n > cap(e.arena) {
		if cap(e.arena) == 0 {
			e.arena = make([]*ast.Term, 0, 64)
			return e.push(n)
		}
		return make([]*ast.Term, n), -1
	}
	e.arena = e.arena[:mark+n]
	fr := e.arena[mark : mark+n]
	clear(fr)
	return fr, mark
}

func (e *progEnv) pop(mark int) {
	if mark >= 0 {
		clear(e.arena[mark:])
		e.arena = e.arena[:mark]
	}
}

// body evaluates exprs and calls k for each solution.
func (e *progEnv) body(fr []*ast.Term, exprs []cexpr, k func() error) error {
	for i := range exprs {
		if e.cancel != nil && e.cancel.Cancelled() {
			return errProgCancelled
		}
		x := &exprs[i]
		for _, s := range x.outputs {
			fr[s] = nil
		}
		if x.det {
			ok, err := e.exprDet(fr, x)
			if err != nil || ok == x.negated {
				return err
			}
			continue
		}
		rest := exprs[i+1:]
		next := func() error { return e.body(fr, rest, k) }
		if !x.negated {
			return e.expr(fr, x, next)
		}
		defined := false
		if err := e.expr(fr, x, func() error { defined = true; return nil }); err != nil {
			return err
		}
		for _, s := range x.outputs {
			fr[s] = nil
		}
		if defined {
			return nil
		}
		return next()
	}
	return k()
}

// exprDet evaluates an expression with at most one solution (ignoring its
// negation) and binds its outputs.
func (e *progEnv) exprDet(fr []*ast.Term, x *cexpr) (bool, error) {
	switch x.kind {
	case exprUnify:
		if x.newSide >= 0 {
			v, err := e.value(fr, x.terms[1-x.newSide])
			if v == nil || err != nil {
				return false, err
			}
			fr[x.terms[x.newSide].slot] = v
			return true, nil
		}
		a, err := e.value(fr, x.terms[0])
		if a == nil || err != nil {
			return false, err
		}
		b, err := e.value(fr, x.terms[1])
		if b == nil || err != nil {
			return false, err
		}
		return a.Value.Compare(b.Value) == 0, nil
	case exprTruth:
		v, err := e.value(fr, x.terms[0])
		if v == nil || err != nil {
			return false, err
		}
		return truthy(v), nil
	}
	ops, mark := e.push(len(x.terms))
	defer e.pop(mark)
	for i, t := range x.terms {
		v, err := e.value(fr, t)
		if v == nil || err != nil {
			return false, err
		}
		ops[i] = v
	}
	out, err := e.callOnce(x, ops)
	if out == nil || err != nil {
		return false, err
	}
	if !x.hasOut {
		return truthy(out), nil
	}
	if t := x.out; t.kind == termVar && fr[t.slot] == nil {
		fr[t.slot] = out
		return true, nil
	}
	want, err := e.value(fr, x.out)
	if want == nil || err != nil {
		return false, err
	}
	return want.Value.Compare(out.Value) == 0, nil
}

// truthy reports whether an expression with value v holds: any value but
// false (OPA's rule for a term, and for a call without an output term).
func truthy(v *ast.Term) bool {
	b, ok := v.Value.(ast.Boolean)
	return !ok || bool(b)
}

// callOnce calls a function or a builtin that is not a relation: its
// output, or nil when it is undefined or failed (a builtin's error is
// recorded in e.err, as OPA records it and evaluates on).
func (e *progEnv) callOnce(x *cexpr, ops []*ast.Term) (*ast.Term, error) {
	if x.user >= 0 {
		return e.callFunc(x.user, ops)
	}
	e.out = nil
	bctx := e.bctx
	bctx.Location = x.loc
	if err := e.builtinErr(callBuiltin(x.fn, bctx, ops, e.outFn)); err != nil {
		return nil, err
	}
	out := e.out
	e.out = nil
	return out, nil
}

func (e *progEnv) output(t *ast.Term) error {
	e.out = t
	return nil
}

// builtinErr sorts a builtin's error: a halt or a cancellation unwinds, any
// other error is recorded and the call is undefined. (An error from the
// evaluation after a relation's output, such as a conflict, comes back
// through the builtin too; recorded, it fails the decision the same way.)
func (e *progEnv) builtinErr(err error) error {
	if err == nil {
		return nil
	}
	var h topdown.Halt
	switch {
	case errors.As(err, &h):
		return h.Err
	case errors.Is(err, errProgCancelled):
		return err
	case e.err == nil:
		e.err = err
	}
	return nil
}

// expr evaluates an expression that may have several solutions (ignoring
// its negation), calling k for each.
func (e *progEnv) expr(fr []*ast.Term, x *cexpr, k func() error) error {
	switch x.kind {
	case exprUnify:
		return e.unify(fr, x.terms[0], x.terms[1], k)
	case exprTruth:
		return e.values(fr, x.terms[0], func(v *ast.Term) error {
			if !truthy(v) {
				return nil
			}
			return k()
		})
	}
	return e.call(fr, x, 0, nil, k)
}

// call evaluates the arguments from i on (each may have several values),
// then the function or builtin.
func (e *progEnv) call(fr []*ast.Term, x *cexpr, i int, ops []*ast.Term, k func() error) error {
	if i < len(x.terms) {
		if ops == nil {
			var mark int
			ops, mark = e.push(len(x.terms))
			defer e.pop(mark)
		}
		return e.values(fr, x.terms[i], func(v *ast.Term) error {
			ops[i] = v
			return e.call(fr, x, i+1, ops, k)
		})
	}
	each := func(out *ast.Term) error {
		if !x.hasOut {
			if !truthy(out) {
				return nil
			}
			return k()
		}
		return e.unifyValue(fr, x.out, out, k)
	}
	if x.user >= 0 {
		out, err := e.callFunc(x.user, ops)
		if out == nil || err != nil {
			return err
		}
		return each(out)
	}
	bctx := e.bctx
	bctx.Location = x.loc
	return e.builtinErr(callBuiltin(x.fn, bctx, ops, each))
}

// callFunc calls support function i: every definition whose parameters
// match args, every solution of its body; two different values conflict.
func (e *progEnv) callFunc(i int, args []*ast.Term) (*ast.Term, error) {
	c, err := e.definitions(e.p.rules[i], args, defState{what: "functions"})
	return c.val, err
}

// definitions evaluates every definition of a rule or function (those whose
// parameters match args), each solution going to e.solution with the state
// st, and returns the state it left.
func (e *progEnv) definitions(r *crule, args []*ast.Term, st defState) (defState, error) {
	saved := e.cur
	e.cur = st
	var err error
	for di := range r.defs {
		d := &r.defs[di]
		fr, mark := e.push(d.body.nslots)
		if bindParams(fr, d.params, args) {
			e.cur.fr, e.cur.def = fr, d
			err = e.body(fr, d.body.exprs, e.solutionFn)
		}
		e.pop(mark)
		if err != nil {
			break
		}
	}
	st = e.cur
	e.cur = saved
	return st, err
}

// bindParams binds a function's parameters to its arguments in frame f and
// reports whether they match (a constant parameter, or a variable that
// appears twice, must equal its argument).
func bindParams(f []*ast.Term, params []cterm, args []*ast.Term) bool {
	for i, p := range params {
		if p.kind == termConst {
			if p.val.Value.Compare(args[i].Value) != 0 {
				return false
			}
			continue
		}
		if v := f[p.slot]; v != nil && v.Value.Compare(args[i].Value) != 0 {
			return false
		}
		f[p.slot] = args[i]
	}
	return true
}

// solution records one solution of the definition in e.cur.
func (e *progEnv) solution() error {
	c := &e.cur
	v, err := e.value(c.fr, c.def.head)
	if v == nil || err != nil {
		return err
	}
	if c.set != nil {
		c.set.Add(v)
		return nil
	}
	if c.val != nil && c.val.Value.Compare(v.Value) != 0 {
		return &topdown.Error{Code: topdown.ConflictErr, Message: c.what + " must not produce multiple outputs"}
	}
	c.val = v
	return nil
}

// callBuiltin calls fn, turning a panic into an error.
func callBuiltin(fn topdown.BuiltinFunc, bctx topdown.BuiltinContext, ops []*ast.Term, iter func(*ast.Term) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("builtin panicked: %v", r)
		}
	}()
	return fn(bctx, ops, iter)
}

// unify: both sides evaluated, or one side a variable this expression binds.
func (e *progEnv) unify(fr []*ast.Term, a, b cterm, k func() error) error {
	if a.kind == termVar && fr[a.slot] == nil {
		return e.values(fr, b, func(v *ast.Term) error { return e.unifyValue(fr, a, v, k) })
	}
	return e.values(fr, a, func(va *ast.Term) error { return e.unifyValue(fr, b, va, k) })
}

// unifyValue unifies t with the value v.
func (e *progEnv) unifyValue(fr []*ast.Term, t cterm, v *ast.Term, k func() error) error {
	if t.kind == termVar && fr[t.slot] == nil {
		fr[t.slot] = v
		err := k()
		fr[t.slot] = nil
		return err
	}
	return e.values(fr, t, func(w *ast.Term) error {
		if w.Value.Compare(v.Value) != 0 {
			return nil
		}
		return k()
	})
}

// value returns the value of a term that does not iterate, or nil when it
// is undefined.
func (e *progEnv) value(fr []*ast.Term, t cterm) (*ast.Term, error) {
	switch t.kind {
	case termConst:
		return t.val, nil
	case termVar:
		if v := fr[t.slot]; v != nil {
			return v, nil
		}
		return nil, errors.New("policy: unbound variable") // compileProg prevents it
	case termUndefined:
		return nil, nil
	case termComposite:
		// (TransformVars rewrites the composite in place: a copy.)
		v, err := ast.TransformVars(t.val.Copy().Value, func(v ast.Var) (ast.Value, error) {
			return fr[t.vars[v]].Value, nil
		})
		if err != nil {
			return nil, err
		}
		return ast.NewTerm(v.(ast.Value)), nil
	}
	v, err := e.refHead(fr, t.ref)
	if v == nil || err != nil {
		return nil, err
	}
	for _, p := range t.ref.path {
		key, err := e.value(fr, p)
		if key == nil || err != nil {
			return nil, err
		}
		if v = lookup(v, key); v == nil {
			return nil, nil
		}
	}
	return v, nil
}

func (e *progEnv) refHead(fr []*ast.Term, r *cref) (*ast.Term, error) {
	switch r.head {
	case headInput:
		return e.input, nil
	case headVar:
		return fr[r.slot], nil
	case headConst:
		return r.val, nil
	}
	return e.ruleValue(r.rule)
}

// lookup returns v[key], or nil.
func lookup(v, key *ast.Term) *ast.Term {
	switch c := v.Value.(type) {
	case *ast.Array:
		return c.Get(key)
	case ast.Object:
		return c.Get(key)
	case ast.Set:
		if c.Contains(key) {
			return key
		}
	}
	return nil
}

// values calls k with each value of t.
func (e *progEnv) values(fr []*ast.Term, t cterm, k func(*ast.Term) error) error {
	if !t.iter {
		v, err := e.value(fr, t)
		if v == nil || err != nil {
			return err
		}
		return k(v)
	}
	head, err := e.refHead(fr, t.ref)
	if head == nil || err != nil {
		return err
	}
	return e.walk(fr, head, t.ref.path, k)
}

// walk follows path from v; an unbound variable iterates over v's keys.
func (e *progEnv) walk(fr []*ast.Term, v *ast.Term, path []cterm, k func(*ast.Term) error) error {
	if len(path) == 0 {
		return k(v)
	}
	p := path[0]
	if p.kind == termVar && fr[p.slot] == nil {
		bind := func(key, elem *ast.Term) error {
			fr[p.slot] = key
			err := e.walk(fr, elem, path[1:], k)
			fr[p.slot] = nil
			return err
		}
		switch c := v.Value.(type) {
		case *ast.Array:
			for i := 0; i < c.Len(); i++ {
				if err := bind(ast.InternedTerm(i), c.Elem(i)); err != nil {
					return err
				}
			}
		case ast.Object:
			return c.Iter(bind)
		case ast.Set:
			return c.Iter(func(x *ast.Term) error { return bind(x, x) })
		}
		return nil
	}
	key, err := e.value(fr, p)
	if key == nil || err != nil {
		return err
	}
	if next := lookup(v, key); next != nil {
		return e.walk(fr, next, path[1:], k)
	}
	return nil
}

// ruleValue evaluates a support rule once per evaluation: its value, or nil
// when it is undefined.
func (e *progEnv) ruleValue(i int) (*ast.Term, error) {
	m := &e.memo[i]
	if m.done {
		return m.val, nil
	}
	m.done = true
	r := e.p.rules[i]
	st := defState{what: "complete rules"}
	if r.set {
		st.set = ast.NewSet()
	}
	c, err := e.definitions(r, nil, st)
	switch {
	case err != nil:
		return nil, err
	case c.set != nil:
		m.val = ast.NewTerm(c.set)
	case c.val != nil:
		m.val = c.val
	default:
		m.val = r.def
	}
	return m.val, nil
}
